"""MiniWoB++ episodes as OmniACT-style tasks, scored by execution.

The `miniwob` package's HTML pages are served from a loopback server (never file://, so the request filter
applies). An episode is started the way the package's own environment starts one, ``Math.seedrandom(seed)``
then ``core.startEpisodeReal()``, so a seed gives the same problem here as in the gym environment. The
screen is the 160x210 CSS-pixel task area MiniWoB++ agents see (times the device pixel ratio).

Reward: ``core.endEpisode`` restarts the episode cover at once and a later click can start a new episode,
so the sandbox wraps it and records the first end: done, raw reward, time-scaled reward and reason.
`ReplayResult.reward` is the raw reward: the time-scaled one would measure the replay's own speed, since the
agent's thinking happens before the replay starts. Success is raw reward > 0.

>>> with miniwob_task("click-button", seed=3) as t:                  # doctest: +SKIP
...     script = my_agent.act(t.view)                                  # goal = the utterance
>>> replay_miniwob("click-button", 3, script).reward                   # doctest: +SKIP
1.0
"""

from __future__ import annotations

import difflib
import importlib.util
import shutil
import statistics
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from omniact.errors import UserError

__all__ = [
    "DEFAULT_SUITE",
    "MINIWOB_SETTLE_MS",
    "READ_REWARD_JS",
    "START_EPISODE_JS",
    "VIEWPORT",
    "EpisodeNotStarted",
    "MiniwobTask",
    "miniwob_envs",
    "miniwob_html",
    "miniwob_task",
    "replay_miniwob",
    "replay_miniwob_suite",
]

#: The task area MiniWoB++ agents see, in CSS pixels (#wrap in core.css).
VIEWPORT = (160, 210)
#: An episode's observation (``step_00_initial.png``, what the agent is shown) stays Chromium's PNG, pixel for
#: pixel as before; only the replay's step images are WebP.
OBSERVATION_FORMAT = "png"
#: Single-screen tasks an OmniACT-style one-shot script can solve: the default `--miniwob-suite`.
DEFAULT_SUITE = (
    "click-button",
    "click-link",
    "click-test",
    "click-test-2",
    "click-dialog",
    "click-option",
    "click-checkboxes",
    "enter-text",
    "focus-text",
    "click-tab",
)

#: The pause after a MiniWoB++ script (ms) unless one is given: shorter than a page's (300), since the reward is
#: fixed the moment the episode ends and is read before the pause; it is for an episode that ends a moment later.
MINIWOB_SETTLE_MS = 100

START_EPISODE_JS = """(seed) => {
  if (!window.__omniHooked) {
    window.__omniHooked = true;
    window.__omniEnd = null;
    const orig = core.endEpisode;
    core.endEpisode = function () {
      const wasRunning = core.EP_TIMER !== null;
      const r = orig.apply(this, arguments);
      if (wasRunning && window.__omniEnd === null) {
        window.__omniEnd = {done: true, raw_reward: WOB_RAW_REWARD_GLOBAL, env_reward: WOB_REWARD_GLOBAL,
                            reward_reason: WOB_REWARD_REASON == null ? null : String(WOB_REWARD_REASON)};
      }
      return r;
    };
  }
  Math.seedrandom(seed);
  if (typeof core.setDataMode === 'function') core.setDataMode('train');
  core.startEpisodeReal();
}"""

READ_REWARD_JS = """() => window.__omniEnd ? Object.assign({}, window.__omniEnd)
  : {done: !!WOB_DONE_GLOBAL, raw_reward: WOB_DONE_GLOBAL ? WOB_RAW_REWARD_GLOBAL : 0,
     env_reward: WOB_DONE_GLOBAL ? WOB_REWARD_GLOBAL : 0,
     reward_reason: WOB_REWARD_REASON == null ? null : String(WOB_REWARD_REASON)}"""


def miniwob_html() -> Path:
    """The `miniwob` package's html/ folder (found without importing the package and its gym registry)."""
    spec = importlib.util.find_spec("miniwob")
    if spec is None or spec.origin is None:
        raise UserError("MiniWoB++ is not installed: pip install 'omniact[sandbox]' (package miniwob)")
    html = Path(spec.origin).parent / "html"
    if not (html / "miniwob").is_dir():
        raise UserError(f"the miniwob package has no html/miniwob folder ({html})")
    return html


def miniwob_envs() -> list[str]:
    """Names of the MiniWoB++ tasks available (``click-button``, ...)."""
    return sorted(p.stem for p in (miniwob_html() / "miniwob").glob("*.html"))


def _check_env(env: str) -> str:
    env = env.removeprefix("miniwob/").removesuffix(".html")
    names = miniwob_envs()
    if env not in names:
        close = difflib.get_close_matches(env, names, n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise UserError(f"no MiniWoB++ task named {env!r}{hint}")
    return env


def _job(
    env: str,
    seed: int,
    script: str,
    *,
    dpr: float,
    out_dir: Path | None,
    step_images: bool,
    task_timeout: float,
    trace: bool,
    settle_ms: int = MINIWOB_SETTLE_MS,
    out_root: Path | None = None,
    image_format: str = "webp",
):
    from omniact.sandbox.replay import ReplayJob

    return ReplayJob(
        task_id=f"miniwob/{env}/{seed}",
        script=script,
        root=str(miniwob_html()),
        path=f"miniwob/{env}.html",
        viewport=VIEWPORT,
        dpr=float(dpr),
        platform="web",
        settle_ms=settle_ms,
        task_timeout=task_timeout,
        out_dir=str(out_dir) if out_dir else None,
        step_images=step_images and out_dir is not None,
        trace=trace and out_dir is not None,
        miniwob_seed=int(seed),
        trusted_page=True,
        out_root=str(out_root) if (out_root is not None and out_dir) else None,
        image_format=image_format,
    )


class EpisodeNotStarted(RuntimeError):
    """An episode whose observation could not be taken (the page did not load or start within the time allowed).
    `reason` is the replay's own reason: callers that score episodes make it the episode's failure; `task_id` is
    the episode's (``miniwob/ENV/SEED``)."""

    def __init__(self, env: str, seed: int, reason: str | None) -> None:
        self.task_id = f"miniwob/{env}/{seed}"
        self.reason = reason or "no screenshot"
        super().__init__(f"MiniWoB++ {env} seed {seed}: no screenshot ({self.reason})")


@dataclass
class MiniwobTask:
    """A seeded MiniWoB++ episode as an OmniACT-style task: `view` holds the utterance as the goal and the
    screenshot of the freshly started episode. Use as a context manager to remove the screenshot after."""

    env: str
    seed: int
    view: Any  # omniact.task.TaskView
    utterance: str
    _tmp: Path | None = None

    @property
    def id(self) -> str:
        return f"miniwob/{self.env}/{self.seed}"

    def close(self) -> None:
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def __enter__(self) -> MiniwobTask:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _view_from(env: str, seed: int, dpr: float, result: Any, image: Path, tmp: Path | None) -> MiniwobTask:
    from omniact.task import TaskView

    utterance = str(result.info.get("utterance") or "")
    if not image.is_file():
        raise EpisodeNotStarted(env, seed, result.reason)
    view = TaskView(
        id=f"miniwob/{env}/{seed}",
        goal=utterance,
        image_path=image,
        width=round(VIEWPORT[0] * dpr),
        height=round(VIEWPORT[1] * dpr),
        dpr=float(dpr),
        platform="web",
        app=f"miniwob/{env}",
        os=None,
    )
    return MiniwobTask(env, int(seed), view, utterance, tmp)


def miniwob_task(
    env: str, seed: int, *, dpr: float = 1.0, out_dir: Path | None = None, task_timeout: float = 30.0
) -> MiniwobTask:
    """Start episode `seed` of MiniWoB++ task `env` and capture it as a task an agent can act on.

    The screenshot goes to `out_dir` (kept) or to a temporary folder removed by `close()`. An episode that could not
    be started within `task_timeout` raises `EpisodeNotStarted`.
    """
    from omniact.sandbox.replay import run_job

    env = _check_env(env)
    tmp = None
    if out_dir is None:
        tmp = out_dir = Path(tempfile.mkdtemp(prefix="omniact-miniwob-"))
    out_dir = Path(out_dir)
    result = run_job(
        _job(
            env,
            seed,
            "",
            dpr=dpr,
            out_dir=out_dir,
            step_images=True,
            task_timeout=task_timeout,
            trace=False,
            settle_ms=0,
            image_format=OBSERVATION_FORMAT,
        )
    )
    try:
        return _view_from(env, seed, dpr, result, out_dir / "step_00_initial.png", tmp)
    except EpisodeNotStarted:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)  # no task holds it to remove it later
        raise


def replay_miniwob(
    env: str,
    seed: int,
    script: str,
    *,
    dpr: float = 1.0,
    out_dir: Path | None = None,
    task_timeout: float = 30.0,
    trace: bool = False,
    step_images: bool | None = None,
    settle_ms: int | None = None,
):
    """Replay `script` on episode `seed` of `env`; `ReplayResult.reward` is the episode's raw reward
    (0.0 when the script did not end the episode), `success` is reward > 0. `settle_ms`: the pause after the
    script (None: MINIWOB_SETTLE_MS)."""
    from omniact.sandbox.replay import run_job

    env = _check_env(env)
    out = Path(out_dir) if out_dir else None
    return run_job(
        _job(
            env,
            seed,
            script,
            dpr=dpr,
            out_dir=out,
            step_images=bool(out) if step_images is None else step_images,
            task_timeout=task_timeout,
            trace=trace,
            settle_ms=MINIWOB_SETTLE_MS if settle_ms is None else int(settle_ms),
        )
    )


def replay_miniwob_suite(
    agent: Any,
    envs: Sequence[str] = DEFAULT_SUITE,
    seeds: Iterable[int] = range(5),
    *,
    dpr: float = 1.0,
    workers: int = 2,
    out_dir: Path | None = None,
    task_timeout: float = 30.0,
    executor: Any = None,
    limit: int | None = None,
    settle_ms: int | None = None,
) -> dict[str, Any]:
    """Evaluate `agent` (anything with ``act(task_view) -> script``) on every env x seed by execution (only the
    first `limit` episodes of that list, env by env, when given). `settle_ms`: the pause after each script (None:
    MINIWOB_SETTLE_MS).

    Returns ``{"mean_reward", "success_rate", "n_episodes", "per_env": {env: mean reward}, "episodes":
    [ReplayResult.to_json(), ...]}``. Observation and replay both run in worker processes.
    """
    from omniact.sandbox.command import agent_scripts
    from omniact.sandbox.replay import ReplayResult, run_job
    from omniact.sandbox.workers import LocalPool, WorkerLost

    envs = [_check_env(e) for e in envs]
    seeds = list(seeds)
    # An env or seed given twice was two episodes of one: counted twice in the means, writing one folder at once.
    for what, items in (("env", envs), ("seed", seeds)):
        if not items:
            raise UserError(f"no MiniWoB++ {what} to evaluate on: give one or more")
        seen: set[Any] = set()
        for x in items:  # (a set: --seeds takes up to 10,000 a range, where a scan of the ones before was quadratic)
            if x in seen:
                raise UserError(f"MiniWoB++ {what} {x} is given twice: give each {what} once")
            seen.add(x)
    pairs = [(e, s) for e in envs for s in seeds][:limit]
    envs = [e for e in envs if any(pe == e for pe, _ in pairs)]
    if out_dir is not None:
        from omniact.sandbox.replay import refuse_linked_folders

        # An episode's folders (observations/ENV/SEED and ENV/SEED) are written into and cleared: never through a link.
        refuse_linked_folders(
            Path(out_dir), [Path(out_dir) / sub / e / str(s) for e, s in pairs for sub in ("observations", ".")]
        )
    tmp = Path(tempfile.mkdtemp(prefix="omniact-miniwob-suite-"))
    obs_root = Path(out_dir) / "observations" if out_dir else tmp
    own = executor is None
    pool = LocalPool(workers=max(1, min(workers, len(pairs)))) if own else executor
    try:
        obs_jobs = [
            _job(
                e,
                s,
                "",
                dpr=dpr,
                out_dir=obs_root / e / str(s),
                step_images=True,
                task_timeout=task_timeout,
                trace=False,
                settle_ms=0,
                out_root=Path(out_dir) if out_dir else None,
                image_format=OBSERVATION_FORMAT,
            )
            for e, s in pairs
        ]
        observed = {
            o.task_id: o for o in pool.map_unordered(run_job, obs_jobs) if isinstance(o, ReplayResult)
        }
        replay_jobs, results = [], {}
        for e, s in pairs:
            tid = f"miniwob/{e}/{s}"
            obs = observed.get(tid)
            image = obs_root / e / str(s) / "step_00_initial.png"
            if obs is None or not image.is_file():
                results[tid] = ReplayResult(
                    tid,
                    False,
                    reward=0.0,
                    reason=f"could not start the episode: {obs.reason if obs else 'lost'}",
                )
                continue
            task = _view_from(e, s, dpr, obs, image, None)
            # As a single episode asks it: the agent's coordinate space converted to pixels, an answer that is not
            # text or an exception the episode's failure (`normalized` agents clicked at (0.5, 0.6) here before).
            scripts, errors = agent_scripts(agent, [(task.view, None)])
            if task.view.id in errors:
                results[tid] = ReplayResult(tid, False, reward=0.0, reason=errors[task.view.id])
                continue
            script = scripts[task.view.id]
            replay_jobs.append(
                _job(
                    e,
                    s,
                    script,
                    dpr=dpr,
                    out_dir=Path(out_dir) / e / str(s) if out_dir else None,
                    step_images=bool(out_dir),
                    task_timeout=task_timeout,
                    trace=False,
                    settle_ms=MINIWOB_SETTLE_MS if settle_ms is None else int(settle_ms),
                    out_root=Path(out_dir) if out_dir else None,
                )
            )
        for r in pool.map_unordered(run_job, replay_jobs):
            if isinstance(r, WorkerLost):
                r = ReplayResult(r.item.task_id, False, reward=0.0, reason=r.reason, elapsed=r.elapsed)
            results[r.task_id] = r
    finally:
        if own:
            pool.close()
        shutil.rmtree(tmp, ignore_errors=True)
    ordered = [results[f"miniwob/{e}/{s}"] for e, s in pairs]
    rewards = [r.reward or 0.0 for r in ordered]
    per_env = {
        e: statistics.fmean(r.reward or 0.0 for r in ordered if r.task_id.split("/")[1] == e) for e in envs
    }
    return {
        "mean_reward": statistics.fmean(rewards) if rewards else 0.0,
        "success_rate": sum(r.success for r in ordered) / len(ordered) if ordered else 0.0,
        "n_episodes": len(ordered),
        "per_env": per_env,
        "episodes": [r.to_json() for r in ordered],
    }
