"""The `detact` agent and the `omniact detect` verb on small data sets in OmniACT's layout."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from detact_screens import draw_screen

from omniact.actions import parse_script


def test_registered_and_arguments_are_typed():
    from omniact.agent import load_agent

    agent = load_agent("detact", {"top_k": "5", "embeddings": "false"})
    assert agent.top_k == 5 and agent.embeddings is False
    from omniact.errors import UserError

    with pytest.raises(UserError, match=r"^detact: llm='nonsense' is not one of openai, local or vlm \(also "
                                        r"accepted: llm, transformers; or leave it out for the offline planner\)$"):
        load_agent("detact", {"llm": "nonsense"})
    # a model without llm= would be silently ignored
    with pytest.raises(UserError, match=r"^detact: unknown argument model; .* a model planner's arguments "
                                        r"\(model, base_url, \.\.\.\) with llm=openai\|local\|vlm$"):
        load_agent("detact", {"model": "x"})


def test_uses_the_data_sets_detections(omniact_data):
    """A task whose screen has OCR/icon/colour files: the agent plans on them, no detection run."""
    from agents.detact.agent import DetactAgent
    from omniact.dataset import load_split

    ds = load_split(omniact_data, "test")
    agent = DetactAgent(embeddings=False, detect="never")
    view = ds["10"].view()  # "Search for running shoes" on a screen with "Search Amazon" at (412, 88)
    assert view.detections
    actions = parse_script(agent.act(view))
    assert [a.name for a in actions] == ["click", "write", "press"]
    assert actions[0].point == (412.0, 88.0) and actions[1].text == "running shoes"
    for task in ds:
        parse_script(agent.act(task.view()))  # every task gets a parseable script


def _one_screen_dataset(root: Path) -> Path:
    """One desktop screen drawn by PIL, two tasks, no detection files."""
    image = root / "data/data/desktop/mailer/screen_1.png"
    image.parent.mkdir(parents=True)
    boxes = draw_screen(image)
    box_file = root / "data/metadata/desktop/boxes/mailer/screen_1.json"
    box_file.parent.mkdir(parents=True)
    box_file.write_text(json.dumps({str(i): {"top_left": list(b[:2]), "bottom_right": list(b[2:]), "label": k}
                                    for i, (k, b) in enumerate(boxes.items())}))
    entries = {}
    for n, goal in enumerate(("Click the Compose button", "Open the settings")):
        rel = f"data/tasks/desktop/mailer/task_1.{n}.txt"
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(f"Task: {goal}\nOutput Script:\npyautogui.click(610.0,22.0)\n")
        entries[str(n)] = {"task": rel, "image": "data/data/desktop/mailer/screen_1.png",
                           "box": "data/metadata/desktop/boxes/mailer/screen_1.json",
                           "ocr": "ocr/desktop/mailer/screen_1.json",
                           "icon": "detact_icon/desktop/mailer/screen_1.json",
                           "color": "detact_color/desktop/mailer/screen_1.json"}
    (root / "test.json").write_text(json.dumps(entries))
    return root


@pytest.fixture(scope="module")
def drawn(tmp_path_factory):
    pytest.importorskip("rapidocr")
    root = _one_screen_dataset(tmp_path_factory.mktemp("drawn"))
    out = root / "det"
    result = CliRunner().invoke(__import__("omniact.cli", fromlist=["main"]).main,
                                ["detect", "--data", str(root), "--split", "test", "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    return root, out, json.loads(result.output)


def test_detect_verb_writes_omniact_layout(drawn):
    _root, out, summary = drawn
    assert summary["screens"] == 1 and summary["tasks"] == 2
    for rel in ("ocr/desktop/mailer/screen_1.json", "detact_icon/desktop/mailer/screen_1.json",
                "detact_color/desktop/mailer/screen_1.json"):
        assert (out / rel).is_file(), rel
    assert "Compose" in json.loads((out / "ocr/desktop/mailer/screen_1.json").read_text())


def test_detect_writes_the_full_element_list_on_request(drawn, tmp_path):
    """The richer list (boxes, scores, kinds) was only reachable from Python."""
    from click.testing import CliRunner

    from omniact.cli import main

    root, out, _ = drawn
    rich = tmp_path / "rich"
    r = CliRunner().invoke(main, ["detect", "--data", str(root), "--split", "test", "--out", str(rich), "--elements"])
    assert r.exit_code == 0, r.output
    listing = json.loads((rich / "detact_elements/desktop/mailer/screen_1.json").read_text())
    compose = [e for e in listing["elements"] if e["kind"] == "text" and e["label"] == "Compose"]
    assert len(compose) == 1 and set(compose[0]) == {"kind", "label", "box", "score", "color"}
    left, top, right, bottom = compose[0]["box"]
    x, y = json.loads((out / "ocr/desktop/mailer/screen_1.json").read_text())["Compose"]
    assert left <= x <= right and top <= y <= bottom  # the element the OCR file gives the centre of
    assert 0 < compose[0]["score"] <= 1 and {e["kind"] for e in listing["elements"]} >= {"text", "icon"}
    # a screen whose element list is missing is not "up to date"
    (rich / "detact_elements/desktop/mailer/screen_1.json").unlink()
    r = CliRunner().invoke(main, ["detect", "--data", str(root), "--split", "test", "--out", str(rich), "--elements",
                                  "--skip-existing", "--json"])
    assert json.loads(r.output)["screens"] == 1 and (rich / "detact_elements/desktop/mailer/screen_1.json").is_file()


def test_agent_with_precomputed_files_and_on_the_fly_agree(drawn, tmp_path):
    """Detect-on-the-fly and the written files give the agent the same elements, and it finds its targets."""
    from agents.detact.agent import DetactAgent
    from omniact.dataset import load_split

    root, out, _ = drawn
    with_files = tmp_path / "with_files"
    shutil.copytree(root, with_files, ignore=shutil.ignore_patterns("det"))
    for sub in ("ocr", "detact_icon", "detact_color"):
        shutil.copytree(out / sub, with_files / sub)
    agent = DetactAgent(embeddings=False)
    precomputed = load_split(with_files, "test")
    bare = load_split(root, "test")
    assert precomputed["0"].view().detections and not bare["0"].view().detections
    assert agent.elements(precomputed["0"].view()) == agent.elements(bare["0"].view())
    compose = parse_script(agent.act(precomputed["0"].view()))
    assert compose[0].name == "click" and 560 <= compose[0].point[0] <= 660 and 6 <= compose[0].point[1] <= 38
    settings = parse_script(agent.act(bare["1"].view()))  # the gear icon is the settings
    assert 800 <= settings[0].point[0] <= 824 and 10 <= settings[0].point[1] <= 34


def test_check_agent_passes(omniact_data):
    from omniact.agent import check_agent

    report = check_agent("detact", n=3, data=omniact_data, args={"embeddings": "false", "detect": "never"})
    assert report.ok, str(report)


def test_detection_recall_counts_boxes_holding_a_detection(omniact_data):
    from agents.detact.evaluate import detection_recall

    r = detection_recall(omniact_data, "test")  # only the web screen has detection files
    web = r["per_platform"]["web"]
    # search_bar holds "Search Amazon" (412, 88), "See deals" holds (412, 826), cart_button holds the cart icon.
    assert web["boxes"] == 3 and web["found"] == 3
    assert r["per_platform"]["desktop"]["found"] == 0
    assert 0 < r["overall"]["recall"] < 1


def _fake_server(requests: list):
    """An OpenAI-style chat server on localhost that records each request and answers one click."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            requests.append(body)
            payload = json.dumps({"id": "c", "object": "chat.completion", "created": 0, "model": body["model"],
                                  "choices": [{"index": 0, "finish_reason": "stop", "message": {
                                      "role": "assistant", "content": "pyautogui.click(412, 826)"}}],
                                  "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}})
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(payload.encode())

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_llm_mode_sends_only_the_filtered_elements(omniact_data, tmp_path):
    """llm=openai: the llm agent's prompt, with the top-k elements for the goal, to an OpenAI-style server."""
    pytest.importorskip("openai")
    requests = []
    server = _fake_server(requests)
    try:
        from omniact.agent import load_agent
        from omniact.dataset import load_split

        agent = load_agent("detact", {"llm": "openai", "model": "m", "api_key": "k", "n_examples": "0",
                                      "base_url": f"http://127.0.0.1:{server.server_address[1]}/v1",
                                      "cache_path": str(tmp_path / "cache.sqlite"), "top_k": "2",
                                      "embeddings": "false"})
        view = load_split(omniact_data, "test")["11"].view()  # "See today's deals"
        assert agent.act(view) == "pyautogui.click(412, 826)"
        agent.close()
    finally:
        server.shutdown()
        server.server_close()
    prompt = requests[0]["messages"][-1]["content"]
    assert '"See deals": <x: 412, y: 826>' in prompt
    # top_k=2 of the screen's 6 detections reached the model.
    assert prompt.count("<x: ") == 2


def test_llm_mode_takes_its_examples_from_the_runs_data_and_obeys_no_cache(omniact_data, tmp_path, monkeypatch):
    """The planner model's in-context examples come from the train split of the run's --data (not the built-in
    suite's), and a run with --no-cache asks the model every time, as the llm agent alone does."""
    pytest.importorskip("openai")
    import numpy as np

    import agents.prompt
    from omniact.runner import run

    monkeypatch.setenv("OMNIACT_CACHE_DIR", str(tmp_path / "cache"))
    # (any sentence encoder picks both of the fixture's two train tasks; MiniLM would only take seconds to load)
    monkeypatch.setattr(agents.prompt, "_encode", lambda texts: np.ones((len(texts), 4), np.float32))
    requests = []
    server = _fake_server(requests)
    args = {"llm": "openai", "model": "m", "api_key": "k", "n_examples": "2", "embeddings": "false",
            "detect": "never", "base_url": f"http://127.0.0.1:{server.server_address[1]}/v1"}
    try:
        for out in ("r1", "r2"):
            run("detact", out=tmp_path / out, data=omniact_data, agent_args=args, limit=1, cache=False)
    finally:
        server.shutdown()
        server.server_close()
    assert len(requests) == 2  # the second run asked again
    examples = requests[0]["messages"][-1]["content"]
    assert "Open the cart" in examples and "Go back" in examples  # the fixture's two train tasks


def _detect(root: Path, out: Path):
    from omniact.cli import main

    return CliRunner().invoke(main, ["detect", "--data", str(root), "--split", "test", "--out", str(out)])


def test_detect_never_writes_through_a_symbolic_link_out_of_out(tmp_path):
    root = _one_screen_dataset(tmp_path / "d")
    entries = json.loads((root / "test.json").read_text())
    entries["0"]["ocr"] = "ocr/desktop/mailer/screen_1.json"
    (root / "test.json").write_text(json.dumps(entries))
    pristine = tmp_path / "pristine"
    (pristine / "desktop" / "mailer").mkdir(parents=True)
    (pristine / "desktop" / "mailer" / "screen_1.json").write_text('{"hand": "labelled"}')
    (tmp_path / "det").mkdir()
    (tmp_path / "det" / "ocr").symlink_to(pristine)  # det/ocr is someone's folder of hand-labelled files
    r = _detect(root, tmp_path / "det")
    assert r.exit_code == 2, r.output
    assert r.output == (f"omniact: {tmp_path / 'det' / 'ocr'}: a symbolic link out of --out: detection files would "
                        "be written where it points; make it a folder, or choose another --out\n")
    assert (pristine / "desktop" / "mailer" / "screen_1.json").read_text() == '{"hand": "labelled"}'


def test_detect_never_writes_outside_out_nor_two_screens_to_one_file(tmp_path):
    root = _one_screen_dataset(tmp_path / "d")
    entries = json.loads((root / "test.json").read_text())
    victim = tmp_path / "published.json"
    victim.write_text('{"published": [1, 2]}')
    entries["0"]["ocr"] = str(victim)  # absolute: Path(out) / it is the file itself
    (root / "test.json").write_text(json.dumps(entries))
    r = _detect(root, tmp_path / "det")
    assert r.exit_code == 2 and "outside the data root" in r.output
    assert victim.read_text() == '{"published": [1, 2]}'
    # two screenshots whose detections would go to one file: the last written would win
    other = root / "data/data/desktop/mailer/screen_2.png"
    shutil.copy(root / "data/data/desktop/mailer/screen_1.png", other)
    entries["0"]["ocr"] = "ocr/desktop/mailer/screen_1.json"
    entries["1"]["image"] = "data/data/desktop/mailer/screen_2.png"
    (root / "test.json").write_text(json.dumps(entries))
    r = _detect(root, tmp_path / "det")
    assert r.exit_code == 2 and "both have their detections at ocr/desktop/mailer/screen_1.json" in r.output



def test_detect_accepts_an_ocr_folder_the_data_root_links_to_elsewhere(tmp_path):
    """The data set's ocr/ is a symbolic link (its files kept on another disk): its paths are inside the data root
    as written, so `detect --out det` writes det/ocr/...; a "../" path is still refused."""
    pytest.importorskip("rapidocr")
    root = _one_screen_dataset(tmp_path / "d")
    (tmp_path / "elsewhere").mkdir()
    (root / "ocr").symlink_to(tmp_path / "elsewhere")
    r = _detect(root, tmp_path / "det")
    assert r.exit_code == 0, r.output
    assert (tmp_path / "det/ocr/desktop/mailer/screen_1.json").is_file()
    entries = json.loads((root / "test.json").read_text())
    entries["0"]["ocr"] = "ocr/../../published.json"
    (root / "test.json").write_text(json.dumps(entries))
    r = _detect(root, tmp_path / "det2")
    assert r.exit_code == 2 and "outside the data root" in r.output


def test_detect_writes_each_entrys_own_files_for_a_shared_screenshot(tmp_path):
    """Two entries on one screenshot naming their own detection files: the screen is detected once and both
    entries' files are written (the second's were missing though the command said it was done)."""
    pytest.importorskip("rapidocr")
    root = _one_screen_dataset(tmp_path / "d")
    entries = json.loads((root / "test.json").read_text())
    for kind in ("ocr", "icon", "color"):
        entries["1"][kind] = entries["1"][kind].replace("screen_1", "screen_1_task_1")
    (root / "test.json").write_text(json.dumps(entries))
    r = _detect(root, tmp_path / "det")
    assert r.exit_code == 0, r.output
    for kind in ("ocr", "icon", "color"):
        first, second = (tmp_path / "det" / entries[k][kind] for k in ("0", "1"))
        assert first.is_file() and second.is_file(), kind
        assert first.read_text() == second.read_text()


@pytest.mark.parametrize("target", ["test.json", "task", "image", "box", "shared"])
def test_detect_into_the_data_root_never_writes_over_a_file_the_data_set_is_read_from(tmp_path, target):
    """`detect --out <data root>` (the README's use) with an entry's ocr path naming its split, task, screenshot or
    box file: refused before anything is written, the file unchanged; likewise ocr, icon and color on one file."""
    root = _one_screen_dataset(tmp_path / "d")
    entries = json.loads((root / "test.json").read_text())
    if target == "shared":
        entries["0"].update(ocr="det/one.json", icon="det/one.json", color="det/one.json")
        victim = None
    else:
        entries["0"]["ocr"] = target if target == "test.json" else entries["0"][target]
        victim = root / entries["0"]["ocr"]
    (root / "test.json").write_text(json.dumps(entries))
    before = victim.read_bytes() if victim else None
    r = _detect(root, root)
    assert r.exit_code == 2, r.output
    assert r.output.count("\n") == 1
    if victim is None:
        assert "share one path" in r.output and not (root / "det").exists()
    else:
        assert "a file the data set is read from" in r.output and victim.read_bytes() == before

def test_a_broken_screenshot_fails_its_own_screen_and_the_rest_are_written(tmp_path):
    pytest.importorskip("rapidocr")
    root = _one_screen_dataset(tmp_path / "d")
    entries = json.loads((root / "test.json").read_text())
    good = root / "data/data/desktop/mailer/screen_1.png"
    broken = root / "data/data/desktop/mailer/screen_2.png"
    broken.write_bytes(good.read_bytes()[: good.stat().st_size // 3])  # truncated: the header still reads
    entries["1"].update(image="data/data/desktop/mailer/screen_2.png", ocr="ocr/desktop/mailer/screen_2.json",
                        icon="detact_icon/desktop/mailer/screen_2.json", color="detact_color/desktop/mailer/screen_2.json")
    (root / "test.json").write_text(json.dumps(entries))
    r = _detect(root, tmp_path / "det")
    assert r.exit_code == 2, r.output
    assert r.stdout.startswith("1 of 2 screens detected, 1 failed; 2 tasks, ")
    assert r.stderr == (f"omniact: cannot read the screenshot (OSError: image file is truncated): {broken}; the file "
                        "is damaged or unreadable: copy it again\n")
    assert "\r" not in r.output  # no progress counter in a log: a bar shows on a terminal only
    assert (tmp_path / "det/ocr/desktop/mailer/screen_1.json").is_file()  # the good screen is done
    assert not (tmp_path / "det/ocr/desktop/mailer/screen_2.json").exists()


def test_a_16_bit_screenshot_is_read_as_what_it_shows():
    import numpy as np
    from PIL import Image

    from agents.detact.detector import load_image

    ramp = (np.arange(256, dtype=np.uint32).repeat(4)[None, :].repeat(8, axis=0) * 257).astype(np.uint16)
    image = Image.fromarray(ramp)
    assert image.mode.startswith("I")  # 16-bit greyscale, as a 16-bit PNG opens
    rgb = load_image(image)
    assert rgb.dtype == np.uint8 and rgb[0, 0].tolist() == [0, 0, 0] and rgb[0, -1].tolist() == [255, 255, 255]
    assert len(np.unique(rgb[..., 0])) == 256  # a ramp, not the white screen Pillow's own conversion gives


def test_a_misspelt_detact_argument_is_named_with_its_close_match(tmp_path):
    from omniact.cli import main

    r = CliRunner().invoke(main, ["run", "--agent", "detact", "--agent-arg", "topk=5", "--limit", "1",
                                  "--out", str(tmp_path / "r")])
    assert r.exit_code == 2
    assert r.output.splitlines()[-1].startswith("omniact: agent could not be started: detact: unknown argument topk "
                                                "(did you mean top_k?)")
    assert not (tmp_path / "r").exists()


def test_empty_detection_files_are_the_data_sets_answer_not_a_reason_to_detect(tmp_path, monkeypatch):
    """A blank screen's detection files hold no detections ({}, as `omniact detect` writes them): in a run the
    agent takes them as they are, instead of running the detector on the screen as if it had no files."""
    from agents.detact.agent import DetactAgent
    from omniact.dataset import load_split
    from omniact.task import Detections

    root = _one_screen_dataset(tmp_path / "d")
    entries = json.loads((root / "test.json").read_text())
    detected = []
    monkeypatch.setattr(DetactAgent, "_detect_now", lambda self, view: detected.append(view.id) or Detections())
    agent = DetactAgent(embeddings=False, data_root=str(root), run_split="test")
    view = load_split(root, "test")["0"].view()
    agent.elements(view)
    assert detected == ["0"]  # no files: detected on the fly
    for kind in ("ocr", "icon", "color"):
        (root / entries["0"][kind]).parent.mkdir(parents=True, exist_ok=True)
        (root / entries["0"][kind]).write_text("{}\n")
    view = load_split(root, "test")["0"].view()
    agent = DetactAgent(embeddings=False, data_root=str(root), run_split="test")
    assert not agent.elements(view) and detected == ["0"]  # empty files: the answer, not detected again
    agent = DetactAgent(embeddings=False)  # outside a run too: the view says its files are there
    assert not agent.elements(view) and detected == ["0"]
