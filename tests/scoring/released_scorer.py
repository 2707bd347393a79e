"""The released OmniACT scorer, transcribed line by line: the oracle of `test_scoring_released.py`, and the
baseline `bench/bench_scoring.py` times beside ours.

`released()` transcribes the released algorithm as the format document states it (string rules on lower-cased
lines, NLTK's sentence_bleu, exact-centre box scan, the same float operation order) and raises wherever the
release raises. Run as a script it scores a data root the way the released script reads one: NLTK imported,
and every task's task file and box file read and parsed afresh (box files are shared by a screen's tasks, so
the release parses each about ten times). A task the release would crash on scores 0 there, so that a whole
generated run can be timed:

    python tests/scoring/released_scorer.py DATA_ROOT SPLIT PREDICTIONS.jsonl
"""

from __future__ import annotations

import json
import os
import re
import sys
import warnings
from math import sqrt


def released(task_files: list[str], box_files: list[dict], preds: list[str], *,
             crash_scores_zero: bool = False) -> dict[str, float]:
    """The released scorer, transcribed. Raises wherever the release raises (with `crash_scores_zero`, such a
    task is unmatched instead)."""
    from nltk.translate.bleu_score import sentence_bleu

    def bounds(box, cx, cy):
        for i in box:
            tl, br = box[i]["top_left"], box[i]["bottom_right"]
            if (tl[0] + br[0]) / 2 == cx and (tl[1] + br[1]) / 2 == cy:
                return tl, br
        raise AssertionError("no box")

    def l2(tl, br, px, py):
        len_x = br[0] - tl[0]
        len_y = br[1] - tl[1]
        cx = (br[0] + tl[0]) / 2
        cy = (br[1] + tl[1]) / 2
        dx = abs(cx - px) - (len_x * 0.5)
        dy = abs(cy - py) - (len_y * 0.5)
        dist = sqrt((dx * (dx > 0)) ** 2 + (dy * (dy > 0)) ** 2)
        mu = sqrt(len_x ** 2 + len_y ** 2)
        return 1 - mu / (dist + mu)

    def one(gold, box, pred):
        """(match, click, key, write) of one task."""
        llm = [x.lower() for x in pred.strip().split("\n") if x.lower().strip().startswith("pyautogui")]
        m = 1
        c = p = wr = 0
        if len(llm) != len(gold):
            m = 0
        if m == 1:
            for i in range(len(gold)):
                g = gold[i].strip()
                ga = g.split("pyautogui.")[1].split("(")[0]
                pl = llm[i]
                if pl.startswith("pyautogui.") is False:
                    m = 0
                    break
                if pl.split("pyautogui.")[1].split("(")[0] != ga:
                    m = 0
                    break
        if m == 1:
            n = len(gold)
            for i in range(n):
                g = gold[i].strip()
                ga = g.split("pyautogui.")[1].split("(")[0]
                pl = llm[i]
                if ga == "click":
                    gx = g.split("pyautogui.")[1].split("(")[1].split(",")[0]
                    gy = g.split("pyautogui.")[1].split("(")[1].split(",")[1].split(")")[0]
                    tl, br = bounds(box, float(gx), float(gy))
                    px = pl.split("pyautogui.")[1].split("(")[1].split(",")[0]
                    py = pl.split("pyautogui.")[1].split("(")[1].split(",")[1].split(")")[0]
                    c += (1.0 / n) * l2(tl, br, float(px), float(py))
                if ga == "press":  # noqa: SIM102  (transcribed as released)
                    if g.split('"')[1].strip() != re.split("\"|'", pl)[1].strip():
                        p += 1 / n
                if ga == "hotkey":
                    gk = g.split("(")[1].split(")")[0].split(",")
                    pk = pl.split("(")[1].split(")")[0].split(",")
                    if {x[1:-1] for x in gk if len(x) > 2} != {x[1:-1] for x in pk if len(x) > 2}:
                        p += 1 / n
                if ga == "write":
                    ref = [g.split('"')[1]]
                    cand = re.split("\"|'", pl)[1]
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        wr += (1 - sentence_bleu(ref, cand, weights=(0.5, 0.5))) / n
        return m, c, p, wr

    seq = act = tc = tp = tw = ideal = 0
    for text, box, pred in zip(task_files, box_files, preds):
        gold = [x.lower() for x in text.strip().split("\n")[1:] if x.lower().strip().startswith("pyautogui")]
        w = len(gold) - 0.9
        ideal += w
        if crash_scores_zero:
            try:
                m, c, p, wr = one(gold, box, pred)
            except Exception:  # noqa: BLE001 - the release would stop here; the timing run goes on
                m, c, p, wr = 0, 0, 0, 0
        else:
            m, c, p, wr = one(gold, box, pred)
        seq += m * w
        act += max(m - c - p - wr, 0) * w
        if m:
            tc += c * w
            tp += p * w
            tw += wr * w
    return {"sequence_score": seq / ideal, "action_score": act / ideal, "click_penalty": tc / ideal,
            "key_penalty": tp / ideal, "write_penalty": tw / ideal, "ideal_score": ideal}


def main(root: str, split: str, predictions: str) -> None:
    with open(os.path.join(root, f"{split}.json")) as f:
        entries = json.load(f)
    scripts = {}
    with open(predictions) as f:
        for line in f:
            if line.strip():
                rec = json.loads(line)
                scripts[rec["id"]] = rec.get("script")
    task_files, box_files, preds = [], [], []
    for task_id, e in entries.items():
        with open(os.path.join(root, e["task"])) as f:
            task_files.append(f.read())
        box = os.path.join(root, e["box"])
        if not os.path.exists(box):  # the web file-name quirk
            d, name = os.path.split(box)
            box = os.path.join(d, name.replace("screen_", "screen").replace(".json", "_boxes.json"))
        with open(box) as f:
            box_files.append(json.load(f))
        script = scripts.get(task_id)
        preds.append(script if isinstance(script, str) else "")
    print(json.dumps(released(task_files, box_files, preds, crash_scores_zero=True)))


if __name__ == "__main__":
    main(*sys.argv[1:4])
