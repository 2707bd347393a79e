"""A site build stopped by SIGTERM (`timeout`, systemd, `kill`) stops at once and leaves no temporary file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from test_report_leaderboard import write_sub

# The console script, with each page write slowed inside its atomic write (so that a signal finds workers
# mid-write, with their temporary files open) and pages written by two forked workers.
_SLOW_SITE = """
import sys, time
import omniact.report.site as site
from omniact.atomic import atomic_file, text_bytes

def slow_write(path, text):
    with atomic_file(path) as f:
        time.sleep(0.4)
        f.write(text_bytes(text))

site.write_text = slow_write
from omniact.cli import run
sys.argv = ["omniact", *sys.argv[1:]]
run()
"""


def _start(omniact_data: Path, tmp_path: Path) -> tuple[subprocess.Popen, Path]:
    preds = write_sub(tmp_path / "a.jsonl")
    out = tmp_path / "site"
    proc = subprocess.Popen([sys.executable, "-c", _SLOW_SITE, "report", str(preds), "--data", str(omniact_data),
                             "--split", "test", "--out", str(out), "--workers", "2"],
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 60
    # (pages are written into the build's staging folder, moved into the site once all are written)
    while not list(out.glob(".omniact-next-*/entries/.*.tmp")) and not list(out.glob(".omniact-next-*/tasks/.*.tmp")):
        assert proc.poll() is None and time.monotonic() < deadline, "the report ended before any page was begun"
        time.sleep(0.01)
    return proc, out


def _temporaries(out: Path) -> list[Path]:
    return list(out.rglob(".*.tmp"))


def test_sigterm_to_the_command_stops_its_page_workers_instead_of_waiting_for_every_page(omniact_data, tmp_path):
    proc, out = _start(omniact_data, tmp_path)
    proc.send_signal(signal.SIGTERM)  # `kill PID`: the workers are told by the command, not by the signal
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143 and err == "omniact: stopped (SIGTERM)\n"
    # 12 task pages at 0.4 s each on two workers: the old pool wrote every one before the command ended
    assert len(list((out / "tasks").glob("*.html"))) < 12
    assert _temporaries(out) == [] and not (out / "index.html").exists()
    assert not list(out.glob(".omniact-next-*"))  # the staging folder goes with the stop


def test_sigterm_to_the_process_group_leaves_no_temporary_file_of_a_worker(omniact_data, tmp_path):
    proc, out = _start(omniact_data, tmp_path)
    os.killpg(proc.pid, signal.SIGTERM)  # `timeout`, a terminal's job control: every worker gets it too
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143 and err == "omniact: stopped (SIGTERM)\n"
    assert _temporaries(out) == []
    assert not list(out.glob(".omniact-next-*"))


def _sleep(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def _stop_a_busy_pool(initializer=None, settle: float = 0.0) -> tuple[list, list, float]:
    """Ctrl-C inside `stopping()` while a two-worker pool sleeps through 30 s jobs (two running, more queued): the
    threads this left alive, the workers, and the seconds the stop took."""
    import threading
    from concurrent.futures import ProcessPoolExecutor

    from omniact.process_pool import stopping

    before = set(threading.enumerate())
    started = time.monotonic()
    try:
        with stopping(ProcessPoolExecutor(max_workers=2, initializer=initializer)) as pool:
            futures = [pool.submit(_sleep, 30) for _ in range(6)]
            workers = list(pool._processes.values())
            while not all(f.running() for f in futures[:2]) and time.monotonic() - started < 10:
                time.sleep(0.01)
            time.sleep(settle)
            raise KeyboardInterrupt
    except KeyboardInterrupt:
        left = [t for t in set(threading.enumerate()) - before if t.is_alive()]
    return left, workers, time.monotonic() - started


def test_a_stopped_pool_has_ended_its_own_thread_before_the_error_goes_on():
    # Python 3.11's exit hook writes to the pool thread's wake-up pipe; a thread still closing that pipe while the
    # interpreter exited printed "Bad file descriptor" under "omniact: stopped (SIGTERM)" now and then.
    left, _, seconds = _stop_a_busy_pool()
    assert left == []
    assert seconds < 20  # the workers were ended, not waited for


def _exit_on_sigterm() -> None:
    # What a worker forked from a Ray driver inherits: `ray.init` makes SIGTERM `sys.exit`, which the pool's worker
    # loop catches as a job's exception before it takes the next job.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(signum))


def test_a_worker_that_outlives_sigterm_is_killed_so_the_stop_is_still_at_once():
    # settle: the first two jobs are sleeping in the workers, the handler in place
    left, workers, seconds = _stop_a_busy_pool(_exit_on_sigterm, settle=0.5)
    assert left == []
    assert len(workers) == 2 and all(w.exitcode is not None for w in workers)
    assert seconds < 20  # not the 30 s of a second job


def test_pool_workers_end_when_the_process_that_started_them_is_killed(tmp_path):
    """`kill -9` of a leaderboard build or a detection: its pool's workers, busy with a long job, end with it."""
    pids = tmp_path / "pids"
    code = f"""
import os, time
from omniact.process_pool import process_pool, stopping

def job(_):
    with open({str(pids)!r}, "a") as f:
        f.write(f"{{os.getpid()}}\\n")
    time.sleep(60)

if __name__ == "__main__":
    with stopping(process_pool(2)) as pool:
        list(pool.map(job, range(2)))
"""
    script = tmp_path / "driver.py"
    script.write_text(code)
    driver = subprocess.Popen([sys.executable, str(script)])
    deadline = time.monotonic() + 60
    while (not pids.exists() or len(pids.read_text().split()) < 2) and time.monotonic() < deadline:
        time.sleep(0.1)
    workers = [int(p) for p in pids.read_text().split()]
    assert len(workers) == 2 and all(_alive(p) for p in workers), workers  # both busy in their job before the kill
    driver.kill()
    driver.wait()
    deadline = time.monotonic() + 15
    while any(_alive(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(_alive(p) for p in workers)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open(f"/proc/{pid}/stat") as f:  # a zombie (ended, not yet reaped by init) is not running
            return f.read().split(") ", 1)[1][0] != "Z"
    except FileNotFoundError:  # reaped since
        return False


def _pid_after(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def test_a_build_stopped_while_it_reads_the_submissions_ends_the_workers_it_started(omniact_data, tmp_path):
    """With workers, the pool is forked at the first submission not in the cache, to prepare the gold while the
    rest are read: a stop on the way (here a progress callback's error, at a source left out) ends them."""
    import multiprocessing

    import pytest

    from omniact.dataset import load_split
    from omniact.report import build_leaderboard

    files = [write_sub(tmp_path / f"s{k}.jsonl", lambda _, script, k=k: script.replace("(", f"({k}", 1))
             for k in range(3)]

    def progress(_source: object) -> None:
        raise RuntimeError("stop here")

    with pytest.raises(RuntimeError, match="stop here"):
        build_leaderboard(load_split(omniact_data, "test"), [*files, tmp_path / "missing.jsonl"], samples=10,
                          workers=2, progress=progress)
    assert multiprocessing.active_children() == []


def test_a_board_read_whole_from_the_cache_starts_no_pool(omniact_data, tmp_path, monkeypatch):
    """Every submission's result cached: no worker is forked (nor the gold prepared) for nothing."""
    import omniact.report.leaderboard as lb
    from omniact.dataset import load_split

    ds = load_split(omniact_data, "test")
    files = [write_sub(tmp_path / f"s{k}.jsonl", lambda _, script, k=k: script.replace("(", f"({k}", 1))
             for k in range(3)]
    first = lb.build_leaderboard(ds, files, samples=10, workers=2, cache_dir=tmp_path / "cache")
    assert first.scored_now == 3

    class NoPool:
        def __init__(self, *_: object) -> None:
            raise AssertionError("a pool was started")

    monkeypatch.setattr(lb, "_ProcessPool", NoPool)
    again = lb.build_leaderboard(ds, files, samples=10, workers=2, cache_dir=tmp_path / "cache")
    assert (again.scored_now, again.from_cache) == (0, 3)
    assert [e.score for e in again.entries] == [e.score for e in first.entries]


def test_a_shared_map_does_each_item_once_in_the_pool_and_in_this_process():
    """`shared_map`: the pool's worker takes items from the first, this process from the last; each item is done
    once, by one of them, and both do some (a pool of one worker and this process: two at work)."""
    from concurrent.futures import ProcessPoolExecutor

    from omniact.process_pool import shared_map, stopping

    interval = sys.getswitchinterval()
    items = [0.02] * 24
    with stopping(ProcessPoolExecutor(max_workers=1)) as pool:
        done = list(shared_map(pool, _pid_after, items))
    assert len(done) == len(items)
    by = {pid: done.count(pid) for pid in done}
    assert set(by) - {os.getpid()} and by.get(os.getpid(), 0) >= 4, by
    assert sys.getswitchinterval() == interval  # given back


def test_a_shared_map_gives_the_pool_one_item_more_than_it_has_workers():
    """An item given to a pool cannot be taken back once queued for a worker: `shared_map` gives the pool its items
    as it needs them (one at work per worker, one waiting), so the process that runs out first waits for little
    (given all at once, it waited for up to three: a tenth of a site's page writing)."""
    import threading
    from concurrent.futures import ProcessPoolExecutor

    from omniact.process_pool import shared_map, stopping

    class Counting(ProcessPoolExecutor):
        def __init__(self) -> None:
            super().__init__(max_workers=1)
            self.lock = threading.Lock()
            self.out = self.most = self.given = 0

        def submit(self, fn, /, *args, **kwargs):
            fut = super().submit(fn, *args, **kwargs)
            with self.lock:
                self.out += 1
                self.given += 1
                self.most = max(self.most, self.out)
            fut.add_done_callback(self.done)
            return fut

        def done(self, _fut) -> None:
            with self.lock:
                self.out -= 1

    items = [0.01] * 30
    with stopping(Counting()) as pool:
        done = list(shared_map(pool, _pid_after, items))
    assert len(done) == len(items)
    assert pool.most <= 2, pool.most  # its one worker's item and one waiting
    assert pool.given == done.count(next(p for p in done if p != os.getpid())) >= 5  # every item given was done there


_CALLS: list[str] = []


def _noted_pid_after(item: float) -> int:
    _CALLS.append("own")  # (noted in this process's list only: a forked worker appends to its own copy)
    return _pid_after(item)


def test_a_shared_map_readies_this_process_once_the_pool_has_its_first_items():
    """`before_own` (a leaderboard's gold, prepared in this process too) runs after the pool's workers are given
    their first items, which they start on meanwhile, and before this process takes its first: it used to run
    first, the workers waiting for it (a fortieth of a board's build)."""
    import threading
    from concurrent.futures import ProcessPoolExecutor

    from omniact.process_pool import shared_map, stopping

    calls = _CALLS
    calls.clear()
    lock = threading.Lock()

    class Seen(ProcessPoolExecutor):
        def submit(self, fn, /, *args, **kwargs):
            with lock:
                calls.append("given")
            return super().submit(fn, *args, **kwargs)

    items = [0.01] * 12
    with stopping(Seen(max_workers=1)) as pool:
        done = list(shared_map(pool, _noted_pid_after, items, before_own=lambda: calls.append("ready")))
    assert len(done) == len(items) and calls.count("ready") == 1
    # (the pool's thread may give a third item meanwhile, as the first one ends: on a loaded machine it did)
    assert calls[:2] == ["given", "given"] and calls.index("own") > calls.index("ready"), calls


def test_a_build_stopped_between_two_results_ends_its_workers_at_once(omniact_data, tmp_path):
    """A progress callback that raises (or Ctrl-C) between two results: the error goes on, and the pool's workers
    are ended and the interpreter's switch interval given back then, not when the traceback is collected."""
    import multiprocessing

    import pytest

    from omniact.dataset import load_split
    from omniact.report import build_leaderboard

    files = [write_sub(tmp_path / f"s{k}.jsonl", lambda _, script, k=k: script.replace("(", f"({k}", 1))
             for k in range(6)]
    interval = sys.getswitchinterval()

    def progress(_source: object) -> None:
        if progress.calls == 2:
            raise RuntimeError("stop here")
        progress.calls += 1

    progress.calls = 0
    with pytest.raises(RuntimeError, match="stop here") as stopped:
        build_leaderboard(load_split(omniact_data, "test"), files, samples=10, workers=2, progress=progress)
    assert multiprocessing.active_children() == [] and sys.getswitchinterval() == interval
    assert stopped.value.__traceback__ is not None  # (still held here: the workers did not wait for it to go)


# A shared_map whose pool loses a worker (OOM-killed, a crash) mid-way. Python 3.12 and later fail a broken pool's
# futures while holding the lock `submit` takes (`_ExecutorManagerThread.terminate_broken`); on 3.11 it is done so
# here, as they do.
_BROKEN_POOL = """
import multiprocessing, os, sys, time
import concurrent.futures.process as cfp
from omniact.process_pool import process_pool, shared_map, stopping

if sys.version_info < (3, 12):
    plain = cfp._ExecutorManagerThread.terminate_broken

    def terminate_broken(self, cause):
        with self.shutdown_lock:
            executor = self.executor_reference()
            if executor is not None:
                executor._broken, executor._shutdown_thread = "a worker ended", True
            error = cfp.BrokenProcessPool("a worker ended")
            for item in list(self.pending_work_items.values()):
                item.future.set_exception(error)
            self.pending_work_items.clear()
        plain(self, cause)

    cfp._ExecutorManagerThread.terminate_broken = terminate_broken

MAIN = os.getpid()

def work(x):
    if x == 3 and os.getpid() != MAIN:
        os._exit(9)
    time.sleep(0.02)
    return x

try:
    with stopping(process_pool(2, mp_context=multiprocessing.get_context("fork"))) as pool:
        list(shared_map(pool, work, range(60)))
except cfp.BrokenProcessPool:
    print("broken")
"""


def test_a_shared_map_whose_pool_breaks_raises_instead_of_hanging():
    """A worker that dies: the pool's error comes to this process, as it did when every item was given at once. Given
    as the pool needs them, from its futures' done-callbacks, the next item was given while the pool failed its
    futures holding its lock: on Python 3.12+ the build then waited for ever."""
    import pytest

    if not hasattr(os, "fork"):
        pytest.skip("forks its pool")
    try:
        out = subprocess.run([sys.executable, "-c", _BROKEN_POOL], capture_output=True, text=True, timeout=30,
                             check=False)
    except subprocess.TimeoutExpired:
        pytest.fail("shared_map hung when its pool broke")
    assert out.stdout == "broken\n", out.stderr


def test_a_board_whose_cache_files_are_stale_is_scored_by_its_workers(omniact_data, tmp_path, monkeypatch):
    """A cache file there but not readable as this version's (an earlier format's, another Python's, truncated): the
    submission is scored again, and with workers, by the pool (the pool was started only for a submission with no
    cache file, and every one had: the first build after an upgrade scored them all in this process)."""
    import marshal

    import omniact.report.leaderboard as lb
    from omniact.dataset import load_split

    ds = load_split(omniact_data, "test")
    files = [write_sub(tmp_path / f"s{k}.jsonl", lambda _, script, k=k: script.replace("(", f"({k}", 1))
             for k in range(3)]
    cache = tmp_path / "cache"
    first = lb.build_leaderboard(ds, files, samples=10, workers=2, cache_dir=cache)
    for path in cache.glob("[0-9a-f]*.marshal"):
        _, data = marshal.loads(path.read_bytes())  # noqa: S302 - ours
        path.write_bytes(marshal.dumps((("omniact-leaderboard", 2), data)))
    started = []

    class Recorded(lb._ProcessPool):
        def __init__(self, *args: object) -> None:
            started.append(args)
            super().__init__(*args)

    monkeypatch.setattr(lb, "_ProcessPool", Recorded)
    again = lb.build_leaderboard(ds, files, samples=10, workers=2, cache_dir=cache)
    assert (again.scored_now, again.from_cache) == (3, 0)
    assert len(started) == 1
    assert [e.score for e in again.entries] == [e.score for e in first.entries]


def test_a_stale_groups_file_is_written_again(omniact_data, tmp_path):
    """The split's breakdown groups, kept in the cache folder so that a board read whole from it prepares no gold:
    a file there that is not this version's is replaced, not left to make every later build prepare the gold."""
    import marshal

    import omniact.report.leaderboard as lb
    from omniact.dataset import load_split

    ds = load_split(omniact_data, "test")
    files = [write_sub(tmp_path / f"s{k}.jsonl", lambda _, script, k=k: script.replace("(", f"({k}", 1))
             for k in range(2)]
    cache = tmp_path / "cache"
    first = lb.build_leaderboard(ds, files, samples=10, cache_dir=cache)
    (groups,) = cache.glob("groups-*.marshal")
    stamp, data = marshal.loads(groups.read_bytes())  # noqa: S302 - ours
    groups.write_bytes(marshal.dumps((("omniact-leaderboard", 2, *stamp[2:]), data)))  # an earlier version's
    again = lb.build_leaderboard(ds, files, samples=10, cache_dir=cache)
    assert again.from_cache == 2 and [e.score for e in again.entries] == [e.score for e in first.entries]
    assert marshal.loads(groups.read_bytes())[0] == lb._CACHE_STAMP  # noqa: S302
