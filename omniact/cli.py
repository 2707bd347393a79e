"""The `omniact` command. Thin: each verb parses its options and calls one library function.

Exit codes: 0 done; 2 the user's input is wrong (one line, ``FILE:LINE: what is wrong``); 1 a bug of ours.
Heavy modules (scoring, agents, playwright) are imported inside the verbs that use them.
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, NoReturn

import click

from omniact.errors import UserError, escape_controls, shell_quote
from omniact.process_pool import MAX_WORKERS

__all__ = ["main", "run"]

_NO_ROOM = (errno.ENOSPC, errno.EDQUOT, errno.EIO)
# Errors of a path itself (a file where a folder must be, no permission, a read-only disk): the user's to fix.
_BAD_PATH = (errno.ENOTDIR, errno.EISDIR, errno.ENOENT, errno.EACCES, errno.EPERM, errno.EEXIST, errno.EROFS,
             errno.ENAMETOOLONG, errno.ELOOP)

# Set by `run`, the console script: this process ends when the verb returns (CliRunner tests call `main` and
# keep running, so nothing below may end the process for them).
_ONE_SHOT = False


class _Seconds(click.ParamType):
    """A duration in seconds: a finite number above 0, at most a day (FloatRange lets nan and inf through)."""

    name = "seconds"

    def convert(self, value: Any, param: Any, ctx: Any) -> float:
        import math

        try:
            seconds = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        if not (math.isfinite(seconds) and 0 < seconds <= 86_400):
            self.fail(f"{value} is not a number of seconds above 0 and at most 86400", param, ctx)
        return seconds


class _Path(click.Path):
    """click.Path that expands a leading ``~`` (a quoted ``"~/runs/x"`` reaches us as it is, and `--out "~/x.png"`
    made a folder named ``~`` in the working folder instead of writing in the home folder) and refuses an empty
    path."""

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            # Path("") is ".": `--out "$OUT"` with OUT unset would write into the working folder.
            self.fail("is empty: give a path (an unset shell variable?)", param, ctx)
        if isinstance(value, str) and value.startswith("~"):
            value = os.path.expanduser(value)
        return super().convert(value, param, ctx)


class _Group(click.Group):
    """Turns a UserError anywhere below into one line on stderr and exit code 2 (and so a missing extra)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except UserError as e:
            click.echo(f"omniact: {escape_controls(str(e))}", err=True)
            _exit(2)
        except click.exceptions.NoArgsIsHelpError:
            raise  # `omniact run` alone: its help
        except click.UsageError as e:
            # click's usage, a hint and the error on four lines: the error on one, with where to look.
            where = e.ctx.command_path if e.ctx is not None else "omniact"
            message = e.format_message().strip().removesuffix(".")
            click.echo(f"{where}: {escape_controls(message)} (see {where} --help)", err=True)
            _exit(2)
        except ModuleNotFoundError as e:
            from omniact.extras import install_hint

            hint = install_hint(e)
            if hint is None:
                raise
            click.echo(f"omniact: this needs {e.name}, which is not installed: {hint}", err=True)
            _exit(2)
        except BrokenPipeError:  # `omniact tasks | head`
            sys.exit(0)
        except KeyboardInterrupt as e:
            _stopped(e)
        except OSError as e:
            if e.errno in _NO_ROOM:
                # A full or failing disk is not ours to fix: one line, not a traceback.
                where = f" {escape_controls(os.fsdecode(e.filename))}" if e.filename else ""
                click.echo(f"omniact: cannot write{where}: {e.strerror}", err=True)
                _exit(1)
            if e.errno in _BAD_PATH and e.filename:
                # A path the user gave that cannot be made or written (`--out run.jsonl/sub`, a read-only folder).
                what = ("check its permissions, or choose another path" if e.errno in (errno.EACCES, errno.EPERM)
                        else "choose another path")
                why, where = e.strerror, os.fsdecode(e.filename)
                if e.errno in (errno.EEXIST, errno.ELOOP) and os.path.islink(e.filename):  # mkdir says "File exists"
                    why = "is a symbolic link to nothing (or a loop)"
                elif (file := _file_in_the_way(e)) is not None:  # mkdir's "File exists", open's "Not a directory"
                    why, where = "is a file, not a folder", file
                click.echo(f"omniact: {escape_controls(where)}: {why}: {what}", err=True)
                _exit(2)
            raise

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        try:
            return super().make_context(*args, **kwargs)
        except KeyboardInterrupt as e:  # while the command line is parsed (click: "Aborted!", exit 1)
            _stopped(e)


def _file_in_the_way(e: OSError) -> str | None:
    """The file where a folder must be, when `e` is the OS refusing a path for it (mkdir's "File exists" on the path,
    "Not a directory" on a path below it): named, as `run --out FILE` and `leaderboard --out FILE` are named."""
    if e.errno not in (errno.EEXIST, errno.ENOTDIR) or e.strerror != os.strerror(e.errno):
        return None  # (one of ours, such as atomic_file's "no free temporary name": not about a folder)
    path = Path(os.fsdecode(e.filename))
    for p in (path, *path.parents):  # the deepest that exists decides: a file there is the one in the way
        if p.exists():
            return None if p.is_dir() else str(p)
    return None


def _stopped(e: KeyboardInterrupt) -> NoReturn:
    """End the command a Ctrl-C stopped with one line and 130, as the shell counts it (click would print "Aborted!"
    and exit 1, the code of a bug of ours); SIGTERM likewise, 143. `run` and `replay` catch them first and say what
    they kept."""
    from omniact.atomic import remove_unfinished

    # A file being written is removed as the exception unwinds its write; one whose temporary file had just
    # been made (the stop came as its open returned, before the write could know of it) is removed here.
    remove_unfinished()
    _close_shared_browser()
    if isinstance(e, _Terminated):
        click.echo("omniact: stopped (SIGTERM)", err=True)
        _exit(143)
    click.echo("omniact: interrupted (Ctrl-C)", err=True)
    _exit(130)


def _close_shared_browser() -> None:
    """Close a replay's browser host, if this process started one: `_exit` skips atexit, where it is closed
    otherwise, and its temporary folder (the browser's profile and HOME) would stay in TMPDIR."""
    browser = sys.modules.get("omniact.sandbox.browser")  # not imported: no browser to close
    host = getattr(browser, "_SHARED", None)
    if host is not None:
        with suppress(Exception):  # best effort: the driver may have gone with the signal
            host.close()


def run() -> None:
    """The console script's entry point: `main`, in a process that ends when the verb does."""
    global _ONE_SHOT  # noqa: PLW0603 - set once, by the console entry point, before any verb runs
    _ONE_SHOT = True
    try:
        for stream in (sys.stdout, sys.stderr):
            # A prediction's text can hold a lone surrogate (a JSON "\\ud800" escape, or a script's), which no UTF-8
            # terminal or pipe can take (surrogateescape, a UTF-8 locale's default, takes only U+DC80-U+DCFF):
            # printed as its escape, it costs a character, never the command.
            reconfigure = getattr(stream, "reconfigure", None)
            if reconfigure is not None and stream.errors in ("strict", "surrogateescape"):
                reconfigure(errors="backslashreplace")
        _stop_on_sigterm()
        main()
    except KeyboardInterrupt as e:  # before click runs the verb (once a verb runs, `_Group.invoke` says it)
        _stopped(e)


class _Terminated(KeyboardInterrupt):
    """SIGTERM (`timeout`, systemd, Slurm), raised where Ctrl-C would be: the same clean-up runs (a file being
    written atomically is removed, not left as a temporary file beside the output) and `_Group` says it in one line."""


def _stop_on_sigterm() -> None:
    import signal

    parent = os.getpid()

    def on_term(signum: int, frame: Any) -> None:
        if os.getpid() != parent:  # a forked worker process: it ends as it always did; the parent reports
            from omniact.atomic import remove_unfinished

            remove_unfinished()  # the page or image it was writing, which no exception will unwind
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGTERM)
            return
        raise _Terminated

    signal.signal(signal.SIGTERM, on_term)  # `run` and `replay` put their own in place while they work


def _bulk_process() -> None:
    """For a verb that builds half a million long-lived objects and then ends the process (`omniact score` on a
    20,000-task split): the cyclic collector would walk them all (they hold no cycles) and the interpreter would
    free them one by one at exit, a sixth of the verb's time together. Call it first; then `_end_process` when the
    output is written."""
    if _ONE_SHOT:
        import gc

        gc.disable()


def _stop_once() -> None:
    """For a verb whose clean-up after a stop is short and bounded (`score`: its children killed, the cache's
    temporary file removed): the first Ctrl-C or SIGTERM stops it, and later ones are ignored instead of being raised
    again inside that clean-up (a second Ctrl-C had left a temporary file in the cache, or printed "Exception ignored
    in ... KeyboardInterrupt" from a weakref callback). A stop that Python drops, raised while a weakref callback or
    `__del__` ran (importlib's module locks, threading's WeakSet), is raised again a moment later outside it, where
    it stops the verb (it was printed as "Exception ignored", and the verb went on). Only in the console script's
    process, which the verb ends."""
    if not _ONE_SHOT:
        return
    import signal

    on_term = signal.getsignal(signal.SIGTERM)
    dropped: list[int] = []

    def once(signum: int, frame: Any) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if signum == signal.SIGTERM and callable(on_term):
            on_term(signum, frame)  # raises _Terminated (a forked worker: ends as SIGTERM ends it)
        raise KeyboardInterrupt

    def again(signum: int, frame: Any) -> None:
        once(dropped.pop(), frame)

    hook = sys.unraisablehook

    def unraisable(u: Any) -> None:
        if not isinstance(u.exc_value, KeyboardInterrupt):
            hook(u)
        elif not dropped:  # (not raised from here: Python drops what this hook raises too; the alarm's runs after)
            dropped.append(signal.SIGTERM if isinstance(u.exc_value, _Terminated) else signal.SIGINT)
            signal.signal(signal.SIGALRM, again)
            signal.setitimer(signal.ITIMER_REAL, 0.001)

    sys.unraisablehook = unraisable
    signal.signal(signal.SIGINT, once)
    signal.signal(signal.SIGTERM, once)


def _idle_blas_sleeps() -> None:
    """For a verb whose numpy work is a few matrix products (a leaderboard's or report's bootstrap): numpy's OpenBLAS
    threads then sleep as soon as they are idle. By default each spins for a tenth of a second after numpy is
    imported and after each product, on the cores where the verb's worker processes score and write pages (0.2 s
    of CPU a build). Set before numpy is first imported, unless the user chose a value (16 cycles: the least)."""
    if "numpy" not in sys.modules:
        os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "4")


#: --workers of `leaderboard` and `report` when not given: one per usable core up to this many (each process holds
#: the split's gold; a build's pages and screenshots gain little past it).
_DEFAULT_WORKERS = 8


def _workers(given: int | None) -> int:
    """A verb's --workers: as given, else one per usable core (`usable_cores`: its affinity and CPU quota), at most
    `_DEFAULT_WORKERS`. (Where this process cannot fork safely, its pools are not started: it works alone.)"""
    if given is not None:
        return given
    from omniact.process_pool import default_workers

    return default_workers(_DEFAULT_WORKERS)


def _exit(code: int) -> NoReturn:
    """End a failed verb with `code`. The console script's process ends at once, as `_end_process` ends a verb
    that succeeded: a native thread pool still busy in a worker thread (torch's, under a model agent whose run was
    stopped) made the interpreter's shutdown abort with "terminate called without an active exception", exit 134,
    after the one line had been printed."""
    if _ONE_SHOT:
        for stream in (sys.stdout, sys.stderr):
            with suppress(OSError, ValueError):  # a closed or broken stream: the line was all there was
                if stream is not None:
                    stream.flush()
        os._exit(code)
    sys.exit(code)


def _end_process() -> None:
    if _ONE_SHOT:
        try:
            for stream in (sys.stdout, sys.stderr):
                if stream is not None:  # None: the shell closed it (`>&-`), and the output was discarded as asked
                    stream.flush()
        except BrokenPipeError:
            os._exit(0)  # the reader has gone, as `_Group.invoke` treats it
        except OSError as e:  # the output could not be written (a full disk): not a success
            os.write(2, f"omniact: cannot write the output: {e.strerror or e}\n".encode())
            os._exit(1)
        os._exit(0)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.version_option(package_name="omniact")
def main() -> None:
    """Benchmark agents that operate desktop and web applications, OmniACT-style."""


def data_option(f):
    return click.option("--data", "data", type=_Path(file_okay=False, path_type=Path), default=None,
                        help="Data root in OmniACT's layout (default: the built-in suite).")(f)


def split_option(f):
    return click.option("--split", default="test", show_default=True,
                        help="Split name (train, val, test, ...) or a split JSON file.")(f)


def json_option(f=None, *, what: str = "one JSON object"):
    if f is None:  # @json_option(what=...)
        return lambda g: json_option(g, what=what)
    return click.option("--json", "as_json", is_flag=True, help=f"Print {what} instead of a table.")(f)


def ray_options(cpus: str = "1", memory: str = "none"):
    """--ray-address, --worker-cpus and --worker-memory: which Ray cluster, and what each worker reserves on it
    (`cpus` and `memory`: the verb's defaults, as its help shows them)."""

    def add(f):
        # (at most 16 TiB: Ray keeps a reservation in a fixed-point int64, and a larger one wraps round to fit)
        f = click.option("--worker-memory", type=click.IntRange(1, 2**24), default=None, metavar="MIB",
                         help=f"Memory Ray reserves for each worker, in MiB (--executor ray).  [default: {memory}]")(f)
        f = click.option("--worker-cpus", type=click.FloatRange(0, min_open=True), default=None,
                         help=f"CPUs Ray reserves for each worker (--executor ray).  [default: {cpus}]")(f)
        return click.option("--ray-address", "ray_address", default="auto", show_default=True,
                            help="Ray cluster to join (--executor ray): auto, HOST:PORT or ray://HOST:PORT.")(f)

    return add


def _given_options(*options: tuple[str, str]) -> list[str]:
    """Which of `options` ((spelling, parameter name) pairs) the user gave on the command line (not defaults)."""
    ctx = click.get_current_context()
    return [spelling for spelling, name in options
            if ctx.get_parameter_source(name) not in (click.core.ParameterSource.DEFAULT, None)]


def _ray_settings(executor: str, ray_address: str, worker_cpus: float | None,
                  worker_memory: int | None) -> dict[str, Any]:
    """The Ray options given on the command line, as the Ray executor takes them; a Ray option given with another
    executor is a mistake (it would be ignored without a word)."""
    if executor != "ray":
        given = _given_options(("--ray-address", "ray_address"), ("--worker-cpus", "worker_cpus"),
                               ("--worker-memory", "worker_memory"))
        if given:
            raise UserError(f"{given[0]} is for --executor ray; add --executor ray, or leave {given[0]} out "
                            f"(this command runs on the {executor} executor)")
        return {}
    settings: dict[str, Any] = {"address": ray_address}
    if worker_cpus is not None:
        settings["num_cpus"] = worker_cpus
    if worker_memory is not None:
        settings["memory_mb"] = worker_memory
    return settings


def echo_json(obj: Any) -> None:
    from omniact.errors import terminal_json

    click.echo(terminal_json(obj))


def _load(data: Path | None, split: str):
    from omniact.dataset import load_split

    return load_split(data, split)


def run_split_option(f=None, *, more: str = ""):
    """--split for a verb that takes a run folder (`more`: what else its default depends on)."""
    def option(f):
        return click.option("--split", default=None,
                            help=f"Split name or a split JSON file (default: the run's, for a run folder; {more}"
                                 "else test).")(f)
    return option if f is None else option(f)


@main.command()
@data_option
@run_split_option
@click.option("--predictions", "predictions", required=True, type=_Path(dir_okay=True, path_type=Path),
              help="JSON Lines of {\"id\", \"script\"} (or one JSON object {id: script}), a run folder, or - "
                   "(standard input).")
@click.option("--mode", type=click.Choice(["reference", "strict"]), default="reference", show_default=True,
              help="reference reproduces the released OmniACT scorer; strict is the corrected metric.")
@click.option("--no-cache", is_flag=True,
              help="Read and prepare the gold side afresh instead of using the cached copy of unchanged files.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Processes that read and prepare a split the cache does not hold (default: 2 where there are "
                   "two cores, for 4,000 tasks or more; 1 reads it in this process).")
@json_option
def score(data: Path | None, split: str | None, predictions: Path, mode: str, no_cache: bool,
          workers: int | None, as_json: bool) -> None:
    """Score predictions with the OmniACT metrics (sequence score, action score and penalties)."""
    import scoring
    from omniact.predictions import (
        as_run_folder,
        predictions_path,
        read_scripts,
        read_scripts_and_failures,
        recorded_limit,
        run_dataset,
        run_tasks,
        stopped_note,
    )
    from scoring.gold_cache import begin
    from scoring.split_parts import Ready

    _bulk_process()
    _stop_once()
    predictions = as_run_folder(predictions)
    path = predictions_path(predictions)
    data, split = run_dataset(predictions, data, split)
    note = None
    if predictions.is_dir() and recorded_limit(predictions) is not None:
        # A run made with --limit is scored on its own tasks, as the run scored itself (scores.json).
        whole = _load(data, split)
        tasks = run_tasks(predictions, whole)
        if tasks is not whole:
            note = f"the run's tasks: the first {len(tasks.tasks)} of {len(whole.tasks)} (it was run with --limit)"
            gold = scoring.prepare(tasks)
    # The gold side loads (on every core, for a big split read afresh) while the predictions are read.
    pending = begin(data, split, use_cache=not no_cache, workers=workers) if note is None else Ready(gold)
    try:
        try:
            failures: dict[str, tuple[str, str]] = {}
            if as_json:
                scripts = read_scripts(path, known_ids=pending.ids, split=split)
            else:  # the table also says which tasks the agent failed on (a run's "error" fields)
                scripts, failures = read_scripts_and_failures(path, known_ids=pending.ids, split=split)
        except UserError:
            # A data problem is reported first; else the gold side is good, only the predictions are not: the run
            # after the fix reads the cache.
            pending.update()
            raise
        result = pending.score(scripts, mode, gold_after=not as_json)  # (the table says why tasks did not match)
    finally:
        pending.close()
    stopped = stopped_note(predictions) if predictions.is_dir() else None
    # (an empty file, or a run stopped before its first answer: a score of 0 that says why)
    empty = None if scripts else f"{path} holds no predictions: every task is scored as missing"
    try:
        if as_json:
            echo_json(result.to_json())
            for said in (stopped, empty):
                if said:
                    click.echo(f"omniact: note: {said}", err=True)
        else:
            from omniact.tables import print_score, why_no_match

            print_score(result, why=why_no_match(pending.gold(), scripts, result, mode, failures),
                        notes=[n for n in (note, stopped, empty) if n])
        if sys.stdout is not None:  # (None: closed by the shell, `>&-`)
            sys.stdout.flush()  # the score is shown before the cache is written, which only the next run needs
    except BrokenPipeError:  # `omniact score ... | head -1`: the reader has gone, the work is still good for the cache
        pending.update()
        raise
    pending.update()  # writes the cache entry, with what this run worked out (strict mode's gold plans)
    _end_process()


@main.command()
@data_option
@run_split_option(more="without --predictions, every split: see --all-splits; ")
@click.option("--predictions", type=_Path(path_type=Path), default=None,
              help="Check a prediction file (or run folder, or - for standard input) against the split instead "
                   "of checking the data set.")
@click.option("--all-splits/--only-split", default=True,
              help="Without --predictions: check every split file in the data root (default) or only --split "
                   "(giving --split checks only that one).")
def validate(data: Path | None, split: str | None, predictions: Path | None, all_splits: bool) -> None:
    """Check a data set (files, gold scripts, boxes, manifest) or a prediction file; exit 0 or 2."""
    from omniact.predictions import as_run_folder, predictions_path, run_dataset
    from omniact.validate import validate_data, validate_predictions

    if predictions is not None:
        predictions = as_run_folder(predictions)  # a run's own predictions.jsonl is checked as its run folder is
        path = predictions_path(predictions)
        data, split = run_dataset(predictions, data, split)
        lines, ok = validate_predictions(data, split, path, run=predictions if predictions.is_dir() else None)
    else:
        # --split names the one split to check (it was ignored without --only-split: every split was checked)
        lines, ok = validate_data(data, split if split is not None else None if all_splits else "test")
    for line in lines:
        click.echo(escape_controls(line), err=not ok)  # a line may quote a hostile data set's path or text
    sys.exit(0 if ok else 2)


@main.command()
@data_option
@split_option
@json_option(what="a JSON array, an object per task,")
def tasks(data: Path | None, split: str, as_json: bool) -> None:
    """List a split's tasks: id, platform, app, goal, gold actions, screenshot and its size."""
    from omniact.tables import print_tasks, task_rows

    ds = _load(data, split)
    rows = task_rows(ds)
    if as_json:
        echo_json(rows)
    else:
        print_tasks(rows, root=str(ds.root))


@main.command()
@data_option
@click.option("--split", default=None, help="Split to look in (default: every split of the data root).")
@click.argument("task_id")
@click.option("--out", type=_Path(dir_okay=False, path_type=Path), required=True,
              help="Where to write the image: PNG, JPEG or WebP, by its suffix.")
@click.option("--script", "script_file", type=_Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="Also draw this predicted script (PyAutoGUI text) in another colour.")
def show(data: Path | None, split: str | None, task_id: str, out: Path, script_file: Path | None) -> None:
    """Draw a task's screenshot with its boxes and gold actions (and optionally a predicted script)."""
    from omniact.dataset import find_task, resolve_data_root
    from omniact.draw import draw_task

    task = find_task(data, task_id, split)
    _refuse_own_file(out, task, resolve_data_root(data))
    predicted = None
    if script_file is not None:
        from omniact.actions import parse_script
        from omniact.errors import ParseError
        from omniact.user_file import read_user_text

        # read_user_text: /dev/zero or a huge file is one line, not a MemoryError (a script is <= 200,000 chars)
        script = read_user_text(script_file, "script file", limit=16 << 20)
        try:
            predicted = parse_script(script)
        except ParseError as e:
            e.file = str(script_file)
            raise
    try:
        draw_task(task, out, predicted=predicted)
    except OSError as e:
        # Pillow's decoding errors carry no errno; a path that cannot be written does, and _Group says so.
        why = _undecodable(task.image_path) if e.errno is None else None
        if why is None:
            raise
        raise UserError(f"screenshot cannot be decoded ({why}): `omniact validate` checks every screenshot",
                        file=str(task.image_path)) from None
    click.echo(str(out))


def _refuse_own_file(out: Path, task: Any, root: Path) -> None:
    """`show --out` naming one of the task's own files (its screenshot, a typo away from `screen_1.png`) would
    replace the data set's file with the drawing: refuse it before anything is drawn."""
    if not out.exists():
        # Nothing there yet, but loading tries the path a split entry names as written before the web quirk's
        # renamed file (`screen_1.png` before `screen1.png`): a drawing written there became the task's screenshot.
        _refuse_written_path(out, task, root)
        return
    for own in (task.image_path, task.task_path, task.box_path, task.ocr_path, task.icon_path, task.color_path):
        try:
            same = own is not None and os.path.samefile(out, own)
        except OSError:
            continue
        if same:
            raise UserError(f"--out is the task's own file ({Path(own).name}), which the drawing would replace: give "
                            "another path, e.g. task.png", file=str(out))
    from omniact.dataset import named_files

    # Another task's screenshot, a split file: any file the data set reads.
    for named in named_files(root):
        with suppress(OSError):
            if os.path.samefile(out, named):
                raise UserError(f"--out is a file of the data set in {root} ({Path(named).name}), which the drawing "
                                "would replace: give another path, e.g. task.png", file=str(out))


def _refuse_written_path(out: Path, task: Any, root: Path) -> None:
    """`_refuse_own_file` for an `out` not on disk: refuse it when it is a path, under the data root, that a split
    entry names as written (compared after normalising, links resolved, as opening it would). Only the split files'
    JSON is read, and only for an `out` under the root."""
    import json

    here = os.path.join(os.path.realpath(root), "")
    target = os.path.realpath(out)
    if not target.startswith(here):
        return
    for split_file in sorted(root.glob("*.json")):
        if not split_file.is_file():  # a FIFO named *.json would block
            continue
        try:
            index = json.loads(split_file.read_bytes())
        except (OSError, ValueError, RecursionError):
            continue  # `validate` names it
        if not isinstance(index, dict):
            continue
        for task_id, entry in index.items():
            if not isinstance(entry, dict):
                continue
            for rel in entry.values():
                if not isinstance(rel, str) or not rel or os.path.realpath(os.path.join(root, rel)) != target:
                    continue
                if task_id == task.id:
                    raise UserError(f"--out is the task's own file ({Path(rel).name}), which the drawing would "
                                    "replace: give another path, e.g. task.png", file=str(out))
                raise UserError(f"--out is a file of the data set in {root} ({Path(rel).name}), which the drawing "
                                "would replace: give another path, e.g. task.png", file=str(out))


def _undecodable(path: Path) -> str | None:
    """Why Pillow cannot decode a screenshot (a file cut off, not an image), or None when it can."""
    from PIL import Image

    try:
        with Image.open(path) as im:
            im.load()
    except OSError as e:
        return str(e).replace(str(path), "").replace(" ''", "").strip() or type(e).__name__
    return None


@main.command()
@click.option("--data", "data", type=_Path(file_okay=False, path_type=Path), required=True,
              help="Data root in OmniACT's layout.")
def manifest(data: Path) -> None:
    """Write MANIFEST.sha256 (sha256sum format) of every file of a data set; `validate` verifies it."""
    from omniact.dataset import is_installed_suite, resolve_data_root, write_manifest

    root = resolve_data_root(data)
    if is_installed_suite(root):
        # The suite of an installed omniact is the package's: pip's record lists (and uninstalls) its files, and
        # a manifest written there would stay behind in site-packages.
        raise UserError("the built-in suite of an installed omniact is part of the package (pip checks its files); "
                        "copy it to a folder of yours to make a manifest of it", file=str(root))
    path, n = write_manifest(root)
    click.echo(f"{path}: {n} files")


@main.command("agents")
@click.option("--check", "check", default=None, metavar="AGENT",
              help="Run AGENT (name, module:Class or file.py:Class) on a few tasks and report problems.")
@click.option("--agent-arg", "agent_args", multiple=True, metavar="KEY=VALUE",
              help="Argument for the agent of --check or --prompt (repeatable).")
@click.option("--agent-config", type=_Path(dir_okay=False, path_type=Path), default=None,
              help="TOML file of agent arguments, as for run (--agent-arg values override it).")
@data_option
@split_option
@click.option("-n", "n", type=click.IntRange(1), default=3, show_default=True, help="Tasks to try with --check.")
@click.option("--task-timeout", type=_Seconds(), default=60.0, show_default=True,
              help="Seconds --check waits for one answer before it reports the agent as hanging.")
@click.option("--setup-timeout", default="1800", show_default=True, metavar="SECONDS|none",
              help="Seconds --check gives the agent to start (built, setup() and describe() done) before it reports "
                   "it as hanging, as a run would stop. none: no limit.")
@click.option("--prompt", "prompt_agent", default=None, metavar="AGENT",
              help="Print the messages AGENT (llm, vlm, or detact with --agent-arg llm=...) would send its model for "
                   "one task, without calling any model.")
@click.option("--task", "task_id", default=None, help="The task for --prompt (default: the split's first).")
def agents_cmd(check: str | None, agent_args: tuple[str, ...], agent_config: Path | None, data: Path | None,
               split: str, n: int, task_timeout: float, setup_timeout: str, prompt_agent: str | None,
               task_id: str | None) -> None:
    """List the registered agents, one line each (or --check one: exit code 2 when it finds a problem; or show
    the --prompt one would send)."""
    from omniact.agent import check_agent, list_agents, read_agent_config
    from omniact.sandbox.command import parse_agent_args

    if (agent_args or agent_config is not None) and check is None and prompt_agent is None:
        raise UserError("--agent-arg and --agent-config go with --check AGENT or --prompt AGENT")
    # As a run takes them: the config file's values, and each --agent-arg over them.
    args = {**(read_agent_config(agent_config) if agent_config is not None else {}), **parse_agent_args(agent_args)}
    if check is None:  # what only a check uses would be ignored without a word (a forgotten --check, most likely)
        given = _given_options(("-n", "n"), ("--task-timeout", "task_timeout"), ("--setup-timeout", "setup_timeout"))
        if not given and prompt_agent is None:
            given = _given_options(("--split", "split"), ("--data", "data"))
        if given:
            also = "" if given[0] in ("-n", "--task-timeout", "--setup-timeout") else " (or --prompt AGENT)"
            raise UserError(f"{given[0]} goes with --check AGENT{also}")
    if prompt_agent is not None:
        if check is not None:
            raise UserError("give --check AGENT or --prompt AGENT, not both")
        _print_prompt(prompt_agent, args, data, split, task_id)
        return
    if task_id is not None:
        raise UserError("--task goes with --prompt AGENT")
    if check is None:
        for name, target, desc in list_agents():
            click.echo(f"{name:<12} {desc}  [{target}]")
        return
    report = check_agent(check, n=n, data=data, split=split, args=args, timeout=task_timeout,
                         setup_timeout=setup_timeout)
    click.echo(str(report))
    if not report.ok:
        sys.exit(2)  # the agent is the user's input: 1 is kept for a bug of ours


def _print_prompt(spec: str, args: dict[str, Any], data: Path | None, split: str, task_id: str | None) -> None:
    """The chat messages an agent that prompts a model would send for one task, as text (an image as its size)."""
    import difflib

    from omniact.agent import load_agent
    from omniact.dataset import load_split

    ds = load_split(data, split)
    if task_id is not None and task_id not in ds:
        close = difflib.get_close_matches(task_id, list(ds.ids), n=3, cutoff=0.5)
        raise UserError(f"no task {task_id!r} in split {ds.split}" + (f" (did you mean {', '.join(close)}?)"
                                                                      if close else ""))
    task = ds[task_id] if task_id is not None else ds.tasks[0]
    agent = load_agent(spec, args,
                       defaults={"data_root": str(ds.root), "run_split": split, "cache": True, "seed": 0})
    show = getattr(agent, "prompt", None)
    if not callable(show):
        raise UserError(f"agent {spec} has no prompt to show: only agents that prompt a model have one (llm, vlm, "
                        "detact with --agent-arg llm=...)")
    messages = list(show(task.view()))  # built first: a refusal (a bad argument) comes alone, not after a header
    click.echo(f"# task {escape_controls(task.id)}: {escape_controls(task.goal)}")
    for message in messages:
        click.echo(f"\n## {message['role']}")
        content = message["content"]
        for part in [content] if isinstance(content, str) else content:
            if isinstance(part, str) or part.get("type") == "text":
                click.echo(escape_controls(part if isinstance(part, str) else part["text"], newlines=True))
            else:  # an image, sent as a data URL
                url = (part.get("image_url") or {}).get("url", "")
                click.echo(f"[image: {len(url):,} characters of data URL]")


@contextmanager
def _printed_to_stderr(active: bool) -> Iterator[Callable[[str], None]]:
    """While it is `active`, what is printed goes to stderr: an agent's print() (from a thread worker) and a worker
    process's output, which would otherwise land in the one JSON object `run --json` and `replay --json` promise on
    stdout. Yields the echo that still writes a line to the command's stdout (replay prints its JSON in the block)."""
    original = sys.stdout
    if not active or sys.stdout is None or sys.stderr is None:
        yield click.echo
        return
    import contextlib

    try:
        sys.stdout.flush()
        saved = os.dup(1)  # processes started in the block inherit descriptor 1: stderr's, for now
        os.dup2(2, 1)
    except (OSError, ValueError):  # no descriptor 1 (closed by the shell)
        saved = None
    try:
        # The command's stdout: descriptor 1 as it was, where sys.stdout wrote to it (not where a test's runner
        # stands in for it)
        real = original
        if saved is not None and _writes_to_descriptor_1(original):
            real = open(saved, "w", encoding=original.encoding, errors=original.errors, closefd=False)  # noqa: SIM115

        def echo(text: str) -> None:
            click.echo(text, file=real)
            real.flush()

        with contextlib.redirect_stdout(sys.stderr):
            yield echo
    finally:
        if saved is not None:
            os.dup2(saved, 1)
            os.close(saved)


def _writes_to_descriptor_1(stream: Any) -> bool:
    try:
        return stream.fileno() == 1
    except (AttributeError, OSError, ValueError):  # (io.UnsupportedOperation is an OSError and a ValueError)
        return False


@main.command("run")
@click.option("--agent", "agent", required=True, help="Registered name, module:Class or path/file.py:Class.")
@click.option("--agent-arg", "agent_args", multiple=True, metavar="KEY=VALUE",
              help="Argument for the agent's constructor (repeatable).")
@click.option("--agent-config", type=_Path(dir_okay=False, path_type=Path), default=None,
              help="TOML file of agent arguments (--agent-arg values override it).")
@data_option
@split_option
@click.option("--workers", type=click.IntRange(1), default=1, show_default=True, help="Tasks run at the same time.")
@click.option("--executor", default="local", show_default=True, help="Where tasks run: local (or ray).")
@ray_options(cpus="what the agent declares, else 1", memory="what the agent declares, else none")
@click.option("--worker-type", type=click.Choice(["threads", "processes"]), default=None,
              help="Threads (I/O-bound agents) or processes (CPU-bound); default: what the agent declares.")
@click.option("--out", type=_Path(file_okay=False, path_type=Path), required=True,
              help="Run folder: run.sqlite, predictions.jsonl, manifest.json, scores.json.")
@click.option("--resume", is_flag=True, help="Continue the run in --out (after a crash or Ctrl-C).")
@click.option("--retry-errors", is_flag=True,
              help="Continue the run in --out as --resume does, and also re-run the tasks that failed (implies "
                   "--resume).")
@click.option("--limit", type=click.IntRange(1), default=None, help="Only the first N tasks of the split.")
@click.option("--task-timeout", type=_Seconds(), default=None,
              help="Seconds a task may take; then it scores 0.  [default: no limit]")
@click.option("--setup-timeout", default="1800", show_default=True, metavar="SECONDS|none",
              help="Seconds a worker may take to start (agent built, setup() and describe() done); then the run "
                   "stops. none: no limit.")
@click.option("--no-cache", "no_cache", is_flag=True, help="Ask model agents for fresh answers.")
@click.option("--seed", default=0, show_default=True, help="Run seed (each task's seed derives from it).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@json_option
def run_cmd(agent: str, agent_args: tuple[str, ...], agent_config: Path | None, data: Path | None, split: str,
            workers: int, executor: str, ray_address: str, worker_cpus: float | None, worker_memory: int | None,
            worker_type: str | None, out: Path, resume: bool,
            retry_errors: bool,
            limit: int | None, task_timeout: float | None, setup_timeout: str, no_cache: bool, seed: int,
            quiet: bool, as_json: bool) -> None:
    """Run an agent over a split; write predictions, manifest and scores to --out."""
    import signal

    from omniact.predictions import finish_command
    from omniact.runner import run
    from omniact.sandbox.command import parse_agent_args
    from omniact.store import STORE_NAME, kept_tasks

    args = parse_agent_args(agent_args)
    executor_options = _ray_settings(executor, ray_address, worker_cpus, worker_memory)
    stopped: list[int] = []

    def on_term(signum: int, frame: Any) -> None:
        # `timeout`, systemd and Slurm stop a job with SIGTERM: end it as Ctrl-C does (the manifest says
        # "interrupted" and the finished tasks are exported), not in the middle of a write.
        stopped.append(signum)
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        with _printed_to_stderr(as_json):
            s = run(agent, out=out, data=data, split=split, agent_args=args, agent_config=agent_config,
                    workers=workers, executor=executor, worker_type=worker_type, resume=resume,
                    retry_errors=retry_errors, limit=limit, task_timeout=task_timeout, cache=not no_cache,
                    seed=seed, progress=not quiet and not as_json,
                    executor_options=executor_options or None,
                    setup_timeout=setup_timeout)
    except KeyboardInterrupt:
        how = "stopped" if stopped else "interrupted"
        if kept_tasks(out / STORE_NAME):
            click.echo(f"omniact: {how}; finished tasks are saved. Continue with: {finish_command(out)}", err=True)
        else:  # stopped before any task was recorded: the run took away what it had made (see omniact.runner)
            click.echo(f"omniact: {how} before any task finished; nothing was kept: run the command again", err=True)
        _exit(128 + (stopped[0] if stopped else signal.SIGINT))  # (a model agent's threads may still be busy)
    except OSError as e:
        if e.errno not in _NO_ROOM:
            raise
        # A full disk mid-run: each finished task was committed to run.sqlite before, so say how to go on (a run
        # that recorded nothing took its folder away: see omniact.runner).
        where = f"cannot write{f' {escape_controls(os.fsdecode(e.filename))}' if e.filename else ''}: {e.strerror}"
        if kept_tasks(out / STORE_NAME):
            click.echo(f"omniact: {where}; finished tasks are saved: free some space and continue with: "
                       f"{finish_command(out)}", err=True)
        else:
            click.echo(f"omniact: {where}; no task had finished and nothing was kept: free some space and run the "
                       "command again", err=True)
        _exit(1)
    finally:
        signal.signal(signal.SIGTERM, previous)
    if as_json:
        echo_json({"out": str(s.out), "n_tasks": s.n_tasks, "n_done": s.n_done, "n_run": s.n_run,
                   "errors": dict(s.errors), "uses_gold": s.uses_gold, "prompt_tokens": s.prompt_tokens,
                   "completion_tokens": s.completion_tokens, "cost": s.cost, "scores": dict(s.scores),
                   "error_examples": dict(s.error_examples), "executor_stats": dict(s.executor_stats)})
        return
    errs = ", ".join(f"{k} {v}" for k, v in sorted(s.errors.items())) or "none"
    click.echo(f"{escape_controls(str(s.out))}: {s.n_done}/{s.n_tasks} tasks ({s.n_run} run now), errors: {errs}"
               + (", agent used gold scripts" if s.uses_gold else ""))
    for kind, message in sorted(s.error_examples.items()):  # the cause, not only a count
        click.echo(f"  {kind}: {message}")
    from omniact.executor import workers_lost

    lost = workers_lost(s.executor_stats)
    if lost:
        click.echo(f"  {lost}")
    for mode, sc in s.scores.items():
        click.echo(f"  {mode:<9} SS {100 * sc['sequence_score']:6.2f}  AS {100 * sc['action_score']:6.2f}")
    if s.prompt_tokens or s.completion_tokens:
        click.echo(f"  tokens {s.prompt_tokens} in / {s.completion_tokens} out, cost ${s.cost:.4f}")
    # No --data or --split: the run folder records both (as absolute paths), so the command works from anywhere;
    # a relative --split FILE repeated here failed from another folder.
    click.echo(f"  breakdowns and misses: omniact score --predictions {shell_quote(str(s.out))}\n"
               f"  task by task: omniact report {shell_quote(str(s.out))} --out {shell_quote(str(s.out / 'report'))}")


class _Steps:
    """Progress of a long verb on stderr (rich), only when stderr is a terminal: logs and pipes stay clean."""

    def __init__(self) -> None:
        self._bar: Any = None
        self._tasks: dict[str, Any] = {}
        self._drawn = 0.0  # when the bar was last drawn (monotonic)
        if sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            # Drawn as it moves, not by a thread of rich's: the verbs fork workers, and a fork beside another thread
            # copies a lock it may hold (stderr's, as it draws) locked for ever.
            self._bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), console=Console(stderr=True), transient=True, auto_refresh=False)

    def __enter__(self) -> _Steps:
        if self._bar is not None:
            self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()

    def update(self, label: str, done: int, total: int | None) -> None:
        if self._bar is None:
            return
        task = self._tasks.get(label)
        if task is None:
            task = self._tasks[label] = self._bar.add_task(label, total=total)
        # (drawn ten times a second at most, and at the end of each step: a site's pages come by the hundred)
        import time

        now = time.monotonic()
        draw = (total is not None and done >= total) or now - self._drawn >= 0.1
        if draw:
            self._drawn = now
        self._bar.update(task, completed=done, total=total, refresh=draw)

    def counter(self, label: str, total: int | None) -> Any:
        """A callback for `build_leaderboard`'s `progress` (one call per source settled)."""
        done = [0]

        def step(_: object) -> None:
            done[0] += 1
            self.update(label, done[0], total)

        return step


@main.command()
@data_option
@split_option
@click.argument("sources", nargs=-1, required=True)
@click.option("--out", type=_Path(path_type=Path), required=True,
              help="Directory for leaderboard.json/.csv/.md and the static site.")
@click.option("--mode", type=click.Choice(["reference", "strict"]), default="reference", show_default=True,
              help="reference reproduces the released OmniACT scorer; strict is the corrected metric.")
@click.option("--workers", type=click.IntRange(1, MAX_WORKERS), default=None,
              help=f"Processes scoring submissions and writing the site's pages and screenshots (default: one per "
                   f"usable core, at most {_DEFAULT_WORKERS}); with --executor ray, the Ray workers scoring "
                   f"(default: as many as the cluster's CPUs hold at --worker-cpus each, at most {MAX_WORKERS}).")
@click.option("--bootstrap", "samples", type=click.IntRange(1, 100_000), default=1000, show_default=True,
              help="Task resamples for the 95% intervals (at most 100,000: each entry keeps every resample's scores, "
                   "about 4 MB an entry at 100,000).")
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), default=0, show_default=True,
              help="Seed of the bootstrap resamples.")
@click.option("--task-pages/--no-task-pages", default=True, show_default=True,
              help="Write a page per task (screenshot, overlays, every entry's script).")
@click.option("--executor", type=click.Choice(["local", "ray"]), default="local", show_default=True,
              help="Score on local processes or on a Ray cluster.")
@ray_options()
def leaderboard(data: Path | None, split: str, sources: tuple[str, ...], out: Path, mode: str, workers: int | None,
                samples: int, seed: int, task_pages: bool, executor: str, ray_address: str, worker_cpus: float | None,
                worker_memory: int | None) -> None:
    """Score many submissions (prediction files or run directories) and publish a ranked leaderboard."""
    from omniact.output_folder import check_output_folder
    from omniact.report import build_leaderboard, write_site
    from omniact.report.leaderboard import check_out, prune_cache
    from omniact.run_lock import SITE_LOCK, refuse_if_busy, run_lock
    from omniact.tables import plural

    sources = tuple(os.path.expanduser(s) if s.startswith("~") else s for s in sources)  # as _Path does
    ray_settings = _ray_settings(executor, ray_address, worker_cpus, worker_memory)
    ray_workers = workers  # None: the pool asks the cluster how many it holds (this machine's cores say nothing of it)
    workers = _workers(workers)  # this machine's processes: the pages are written here
    _bulk_process()  # the split, every answer remembered and every result: long-lived, no cycles among them
    _idle_blas_sleeps()
    ds = _load(data, split)
    check_output_folder(out, ds.root, "leaderboard")  # not the data root, not a run's folder
    check_out(out, ds)  # nor a report, a folder of the user's own files, or another split's board
    refuse_if_busy(out, name=SITE_LOCK, kind="site build")  # before the scoring, which it would waste
    pool = None
    if executor == "ray":
        from omniact.ray_executor import RayPool

        pool = RayPool(ray_workers, **ray_settings)
    with _Steps() as steps:
        board = build_leaderboard(ds, sources, mode=mode, samples=samples, seed=seed, workers=workers,
                                  cache_dir=out / ".cache", pool=pool,
                                  progress=steps.counter("submissions", len(sources)))
        if board.entries:
            out.mkdir(parents=True, exist_ok=True)
            with run_lock(out, name=SITE_LOCK, kind="site build"):  # two builds at once would mix their pages
                # (the tables too, after the index: a build stopped on the way leaves the earlier board whole)
                index = write_site(board, ds, out, task_pages=task_pages, workers=workers, tables=True,
                                   progress=lambda done, total: steps.update("task pages", done, total))
                prune_cache(board)  # published: results of submissions edited or left out since go (never before)
    for r in board.repeated:
        click.echo(f"omniact: note: {escape_controls(r.message)}", err=True)
    for r in board.rejected:
        click.echo(f"omniact: rejected {escape_controls(r.message)}", err=True)
    if not board.entries:
        # Every source refused (a mistyped path, most likely): an empty board would replace a published one.
        click.echo(f"omniact: no entry to rank: {'the' if len(board.rejected) == 1 else 'all'} "
                   f"{plural(len(board.rejected), 'source')} rejected; nothing written to {out}", err=True)
        sys.exit(2)
    n = len(board.entries)
    scored = f"{board.scored_now} scored now,"
    if board.from_cache and board.scored_sources:  # an update: say which are new or changed
        shown = board.scored_sources[:5]
        more = len(board.scored_sources) - len(shown)
        scored = scored[:-1] + ": " + ", ".join(shown) + (f" and {more} more;" if more else ";")
    click.echo(f"{n} entr{'y' if n == 1 else 'ies'} ranked ({scored} {board.from_cache} from cache), "
               f"{len(board.rejected)} rejected -> {index}")
    if pool is not None:
        from omniact.executor import workers_lost

        if lost := workers_lost(pool.stats()):
            click.echo(lost)
    else:  # (a Ray driver is left to end as Ray has it, at exit)
        _end_process()  # not a tenth of a second freeing the board, the split and the gold one object at a time


@main.command()
@click.argument("run", type=_Path(exists=True, path_type=Path))
@click.option("--out", type=_Path(file_okay=False, path_type=Path), required=True,
              help="Directory for the report: index.html, a page per task and the screenshots they show.")
@click.option("--data", "data", type=_Path(file_okay=False, path_type=Path), default=None,
              help="Data root (default: the one recorded in the run's manifest, else the built-in suite).")
@click.option("--split", default=None, help="Split (default: the run's).")
@click.option("--mode", type=click.Choice(["reference", "strict"]), default="reference", show_default=True,
              help="reference reproduces the released OmniACT scorer; strict is the corrected metric.")
@click.option("--baseline", type=_Path(exists=True, path_type=Path), default=None,
              help="Another run (or prediction file) on the same split to compare with, task by task.")
@click.option("--workers", type=click.IntRange(1, MAX_WORKERS), default=None,
              help=f"Processes writing the task pages and screenshots (default: one per usable core, at most "
                   f"{_DEFAULT_WORKERS}).")
def report(run: Path, out: Path, data: Path | None, split: str | None, mode: str, baseline: Path | None,
           workers: int | None) -> None:
    """An HTML report of one run (or prediction file): scores, breakdowns, and a page per task."""
    from omniact.predictions import as_run_folder, run_dataset, run_tasks, stopped_note
    from omniact.report import build_leaderboard, find_submission, write_site
    from omniact.report.leaderboard import check_report_out, prune_cache
    from omniact.report.submission import restrict
    from omniact.run_lock import SITE_LOCK, refuse_if_busy, run_lock

    _idle_blas_sleeps()
    workers = _workers(workers)
    run = as_run_folder(run)
    baseline = None if baseline is None else as_run_folder(baseline)  # its own predictions.jsonl is the run too
    sub = find_submission(run)
    whole = _load(*run_dataset(run, data, split))
    from omniact.output_folder import check_output_folder

    check_output_folder(out, whole.root, "report")  # not the data root, not a run's folder (the run's own, say)
    check_report_out(out)  # nor a published leaderboard, nor a folder of the user's own files
    refuse_if_busy(out, name=SITE_LOCK, kind="site build")
    # A run made with --limit is reported on its own tasks (the numbers it printed), and so is its baseline; a
    # baseline made with a smaller --limit, on the tasks both ran (the others would count as fixed).
    ds = run_tasks(run, whole) if run.is_dir() else whole
    why_fewer = "the run was made with --limit"
    if baseline is not None and baseline.is_dir():
        ran = run_tasks(baseline, whole)
        if len(ran.tasks) < len(ds.tasks):
            ds = ran
            why_fewer = ("the baseline was run with --limit (the run's scores on all its tasks are in its report "
                         "without --baseline)")
            click.echo(f"omniact: the baseline was run with --limit: compared on the tasks it ran, the first "
                       f"{len(ds.tasks)} of {len(whole.tasks)}", err=True)
        elif len(ds.tasks) < len(whole.tasks):  # the baseline's scores on the page are then not its own report's
            click.echo(f"omniact: the run was made with --limit: compared on the tasks it ran, the first "
                       f"{len(ds.tasks)} of {len(whole.tasks)}", err=True)
    # said on the page too: read later, its scores would pass for the run's on the whole split
    subset = (f"Scored on the first {len(ds.tasks)} of the {len(whole.tasks)} tasks of split {whole.split}: "
              f"{why_fewer}.") if len(ds.tasks) < len(whole.tasks) else None
    cache = out / ".cache" if ds is whole else out / ".cache" / f"first-{len(ds.tasks)}"
    # A run stopped before it ended (Ctrl-C, an agent that kept failing): alone, scored as `omniact score` scores it
    # (the tasks it did not do count missing), and said; compared, on the tasks both did: the others would count as
    # fixed (or broken) though one of the two never tried them.
    stopped = {who: note for who, path in (("run", run), ("baseline", baseline))
               if path is not None and path.is_dir() and (note := stopped_note(path)) is not None}
    for who, note in stopped.items():
        click.echo(f"omniact: note: {note.replace('the run', f'the {who}', 1)}", err=True)
    if baseline is not None and stopped:
        import hashlib

        from omniact.predictions import read_predictions

        did = set(ds.ids)
        for who in stopped:
            did &= set(read_predictions(run if who == "run" else baseline, known_ids=whole.ids))
        if len(did) < len(ds.tasks):
            ds = ds.subset(did)
            whom = "the run and the baseline were" if len(stopped) == 2 else f"the {next(iter(stopped))} was"
            subset = (f"Compared on the {len(ds.tasks)} of the {len(whole.tasks)} tasks of split {whole.split} that "
                      f"both runs did: {whom} stopped before it ended.")
            click.echo(f"omniact: {whom} stopped before it ended: compared on the {len(ds.tasks)} tasks both did",
                       err=True)
            digest = hashlib.sha256("\n".join(sorted(did)).encode()).hexdigest()[:16]
            cache = out / ".cache" / f"tasks-{digest}"
    elif "run" in stopped:
        said = "The run was stopped before it ended: the tasks it did not do count as missing (finish it with --resume)."
        subset = said if subset is None else f"{subset} {said}"
    base = None if baseline is None else find_submission(baseline)
    if base is not None and base.file_sha256 == sub.file_sha256:
        raise UserError("the baseline holds the same predictions as the run: give another run", file=str(baseline))
    if base is not None and base.meta.get("_split", ds.split) != ds.split:  # --split would not help: say so
        raise UserError(f"the baseline is a run on split {base.meta['_split']!r}, the run on {ds.split!r}: compare "
                        "two runs of one split", file=str(baseline))
    if ds is not whole:
        sub = restrict(sub, set(ds.ids), whole.ids, cache)
        if base is not None:
            base = restrict(base, set(ds.ids), whole.ids, cache)
    board = build_leaderboard(ds, [sub] if base is None else [sub, base], mode=mode, samples=1000,
                              cache_dir=cache)
    if board.rejected:
        r = board.rejected[0]
        if base is not None and r.source == base.source and "is not a task of" in r.message:
            raise UserError(f"{r.message}; a baseline must be on the run's split, {ds.split!r}")
        raise UserError(r.message)
    base_name = None if base is None else next(e.name for e in board.entries if e.submission.source == base.source)
    out.mkdir(parents=True, exist_ok=True)
    with run_lock(out, name=SITE_LOCK, kind="site build"), _Steps() as steps:  # two at once would mix their pages
        index = write_site(board, ds, out, report=True, baseline=base_name, workers=workers, note=subset, tables=True,
                           progress=lambda done, total: steps.update("task pages", done, total))
        prune_cache(board, out / ".cache")  # written: earlier baselines' results go, and earlier reports' beside them
    click.echo(str(index))


@main.command(epilog="""\b
Examples:
  omniact detect --split test --out det/
  omniact detect --split test --out DATA_ROOT --skip-existing
      (into the data set itself; --skip-existing fills in the screens
      missing, or resumes a stopped run)""")
@data_option
@split_option
@click.option("--out", type=_Path(file_okay=False, path_type=Path), required=True,
              help="Output root: files go to the split entries' ocr/icon/color paths under it.")
@click.option("--workers", type=click.IntRange(1, MAX_WORKERS), default=1, show_default=True,
              help="Screenshots detected in parallel (processes).")
@click.option("--ocr", type=click.Choice(["rapidocr", "tesseract"]), default="rapidocr", show_default=True,
              help="OCR engine. rapidocr ships its models with the package; tesseract needs the pytesseract "
                   "package and the tesseract program.")
@click.option("--skip-existing", is_flag=True,
              help="Leave screens whose files exist and are newer than the screenshot: how to resume a stopped "
                   "run. Up to date is judged by the files' dates only, not by the OCR engine that made them.")
@click.option("--elements", is_flag=True,
              help="Also write each screen's full element list (kind, label, box, score, colour) under "
                   "detact_elements/<platform>/<app>/.")
@json_option(what="the summary as one JSON object")
def detect(data: Path | None, split: str, out: Path, workers: int, ocr: str, skip_existing: bool, elements: bool,
           as_json: bool) -> None:
    """DetACT detection (OCR, icons, colours) of a split's screenshots, written in OmniACT's file layout."""
    from agents.detact.detector import plan_detection, run_detection
    from agents.detact.ocr import check_engine

    # Planned first: a bad split entry or --out is refused in a moment, before any screen is read.
    plan = plan_detection(data, split, out, ocr=ocr, skip_existing=skip_existing, elements=elements)
    if plan.jobs:
        check_engine(ocr, "--ocr {}")  # a missing tesseract is said as the option the user typed
    try:
        with _Steps() as steps:  # a bar on a terminal only: a log gets the summary, not a line of carriage returns
            summary = run_detection(plan, workers,
                                    progress=lambda done, total: steps.update("screens", done, total))
    except (KeyboardInterrupt, OSError):
        # What is kept and how to go on; then the stop is said as for any verb (130, or the full disk's line).
        from omniact.tables import plural

        click.echo(f"omniact: {plan.written()} of {plural(len(plan.jobs), 'screen')} written under "
                   f"{escape_controls(str(plan.out))}; run the same command with --skip-existing to continue",
                   err=True)
        raise
    if as_json:
        echo_json(summary)
    else:
        click.echo(_detect_summary(summary))
    for line in summary["failures"]:
        click.echo(f"omniact: {escape_controls(line)}", err=True)
    if summary["failures"]:  # the other screens' files are written; these screenshots need fixing
        sys.exit(2)


def _detect_summary(s: dict[str, Any]) -> str:
    """`detect`'s line: what was detected, what failed, what --skip-existing left; then the work and where it went."""
    from omniact.tables import plural

    if s["failed"]:
        head = f"{s['screens']} of {plural(s['screens'] + s['failed'], 'screen')} detected, {s['failed']} failed"
    else:
        head = f"{plural(s['screens'], 'screen')} detected"
    if s["skipped"]:
        head += f", {s['skipped']} up to date (--skip-existing)"
    return (f"{head}; {plural(s['tasks'], 'task')}, {plural(s['elements'], 'element')}, "
            f"{s['seconds']} s -> {escape_controls(s['out'])}")


@main.command("replay")
@data_option
@click.option("--split", default=None, help="Split name or split JSON file (default: test).")
@click.option("--predictions", type=_Path(path_type=Path), default=None,
              help="Predictions to replay on the split (JSON Lines of {id, script}, or a run folder).")
@click.option("--agent", default=None,
              help="Agent whose scripts to replay (oracle = gold scripts). With --split and --out, its answers are "
                   "kept in OUT/run as they come (a run folder), and the same command run again asks it only for "
                   "the tasks not answered yet.")
@click.option("--agent-arg", "agent_args", multiple=True, metavar="KEY=VALUE",
              help="Agent argument (repeatable).")
@click.option("--task", "task_id", default=None, help="Replay one task of the data set (step images in --out).")
@click.option("--script", type=_Path(dir_okay=False, path_type=Path), default=None,
              help="A PyAutoGUI script file to replay.")
@click.option("--html", type=_Path(dir_okay=False, path_type=Path), default=None,
              help="A local HTML page (served from a loopback server over its folder).")
@click.option("--url", default=None, help="A page you serve on 127.0.0.1/localhost (requests stay on its origin).")
@click.option("--wait-for", default=None, metavar="CSS", help="Wait for this element before the first action.")
@click.option("--check", default=None, metavar="JS", help="JavaScript expression; the replay succeeds if truthy.")
@click.option("--miniwob", default=None, metavar="ENV", help="A MiniWoB++ task, e.g. click-button.")
@click.option("--seed", type=int, default=0, show_default=True, help="MiniWoB++ episode seed.")
@click.option("--miniwob-suite", is_flag=True, help="Evaluate --agent on MiniWoB++ envs x seeds (mean reward).")
@click.option("--miniwob-envs", default=None, metavar="A,B",
              help="Envs for --miniwob-suite (default: 10 click/type tasks).")
@click.option("--seeds", default="0-4", show_default=True, help="Seeds for --miniwob-suite, e.g. 0-4 or 1,3,7.")
@click.option("--viewport", default="1440x900", show_default=True, help="CSS size for --html/--url.")
@click.option("--dpr", type=float, default=None, help="Device pixel ratio for --html/--url/--miniwob (default 1).")
@click.option("--os", "os_name", type=click.Choice(["macos", "windows", "linux"]), default=None,
              help="With --html/--url: the page is a desktop app of this OS, as the suite's desktop tasks are (the "
                   "browser's shortcuts, ctrl+n or alt+left, reach it; on macos, text fields take a Mac's Option and "
                   "Control keys). Default: a web page in a browser.")
@click.option("--settle-ms", type=int, default=None,
              help="Pause after the script, before the check, in ms (default: 300; 100 for a MiniWoB++ episode, whose "
                   "reward is fixed when it ends).")
@click.option("--task-timeout", type=_Seconds(), default=30.0, show_default=True,
              help="Seconds per task; then it fails.")
@click.option("--workers", type=click.IntRange(1, MAX_WORKERS), default=2, show_default=True,
              help="Replay worker processes (a browser each).")
@click.option("--agent-workers", type=click.IntRange(1, MAX_WORKERS), default=1, show_default=True,
              help="With --split --agent --out: answers asked at once (each worker builds its own agent, a model "
                   "agent its own copy of the model), as `omniact run --workers`.")
@click.option("--setup-timeout", default="1800", show_default=True, metavar="SECONDS|none",
              help="Seconds the --agent gets to start (built, setup() done) before the command stops, as a run "
                   "stops. none: no limit.")
@click.option("--retry-errors", is_flag=True,
              help="With --split --agent --out: also ask the agent again for the tasks it failed before, as "
                   "`omniact run --retry-errors` does.")
@click.option("--limit", type=click.IntRange(1), default=None,
              help="Only the first N tasks of the split (or the first N episodes of --miniwob-suite).")
@click.option("--trace", is_flag=True, help="Save a Playwright trace (trace.zip) per task in --out.")
@click.option("--step-images", is_flag=True,
              help="With --split: also write an image (WebP) per step of every task in --out (--task always does).")
@click.option("--out", type=_Path(file_okay=False, path_type=Path), default=None,
              help="Folder for replay.json, step images (WebP per step, action point drawn) and traces; with "
                   "--split --agent, also the agent's answers (OUT/run, a run folder).")
@json_option
@click.option("--executor", type=click.Choice(["local", "ray"]), default="local", show_default=True,
              help="Replay a split on local worker processes or on a Ray cluster (an --agent answers on this "
                   "machine).")
@ray_options(memory="1024, for the browser")
def replay_cmd(executor: str, ray_address: str, worker_cpus: float | None, worker_memory: int | None,
               **options: Any) -> None:
    """Replay PyAutoGUI scripts in Chromium and check what they achieved (success per task, MiniWoB++ reward)."""
    from omniact.sandbox.command import replay_command

    pool = None
    ray_settings = _ray_settings(executor, ray_address, worker_cpus, worker_memory)
    if _given_options(("--seed", "seed")) and not options.get("miniwob"):  # ignored elsewhere, without a word
        raise UserError("--seed goes with --miniwob ENV (one episode; --miniwob-suite takes --seeds)")
    page = options.get("html") is not None or options.get("url") is not None
    if _given_options(("--viewport", "viewport")) and not page:  # a task's screen, and MiniWoB's page, set their own
        raise UserError("--viewport goes with --html or --url (a task's screen and a MiniWoB++ page have their own)")
    if options.get("os_name") is not None and not page:  # a task knows its OS; a MiniWoB++ page is a web page
        raise UserError("--os goes with --html or --url (a task's screen says its OS)")
    if _given_options(("--dpr", "dpr")) and not (page or options.get("miniwob")):
        raise UserError("--dpr goes with --html, --url or --miniwob (a task's screen has its own)")
    if _given_options(("--setup-timeout", "setup_timeout")) and not options.get("agent"):  # it bounds an agent's start
        raise UserError("--setup-timeout goes with --agent NAME")
    if executor == "ray" and options.get("miniwob_suite"):
        # The suite's episodes run on local workers; a Ray pool was connected to and then not used.
        raise UserError("--executor ray replays --split runs; the MiniWoB suite runs on local workers (--workers N)")
    if executor == "ray":
        from omniact.ray_executor import RayPool
        from omniact.sandbox.workers import REPLAY_WORKER_MEMORY_MB, WorkerLost, warm_browser

        # Each Ray actor keeps its browser warm across tasks, as a local worker does.
        # Reserved so that Ray does not pack more browsers on a node than its memory holds.
        pool = RayPool(options["workers"], on_lost=WorkerLost, warmup=warm_browser,
                       **{"memory_mb": REPLAY_WORKER_MEMORY_MB, **ray_settings})
    # An agent asked for scripts prints where it likes: under --json, not into the one JSON object on stdout.
    with _printed_to_stderr(options["as_json"]) as echo:
        replay_command(echo=echo, executor=pool, **options)


# --- verbs added by area owners go above this line ---


def _current_folder_last() -> None:
    """Under ``python -m omniact.cli`` the current folder is first on sys.path, where a folder of the user's named
    `agents` or `scoring` stood in for omniact's own packages (`score` ran the user's `scoring`). It goes last, as
    the `omniact` command has it: a module of the user's there (``--agent my_pkg.policy:MyAgent``) is still found."""
    if not sys.path:
        return
    first = os.path.realpath(sys.path[0] or os.curdir)
    ours = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
    if first == os.path.realpath(os.curdir) and first != ours:
        sys.path.append(sys.path.pop(0))


if __name__ == "__main__":  # pragma: no cover
    _current_folder_last()
    run()
