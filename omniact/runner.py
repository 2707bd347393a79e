"""Run an agent over a split: workers, timeouts, a resumable store, and the run's record.

A run folder holds::

    run.sqlite         the store: one row per finished task (see omniact.store)
    predictions.jsonl  the contract format, one record per finished task, split order; a failed task has an
                       empty script and an "error" field (an unparseable answer keeps its text, scored as 0);
                       a task not run yet has no record, so the scorer counts it missing
    manifest.json      agent, arguments (secrets redacted), what the agent says it is once set up
                       (``agent_description``: model, weights fingerprint, effective settings; see
                       omniact.agent), data set and its hash, versions, git commit, seed, start/end, counts,
                       tokens, cost, whether the agent used the gold scripts, and ``served``: how many tasks
                       each model and system fingerprint a model server named in its replies answered
    scores.json        {"reference": ..., "strict": ...}: the scorer's output for the predictions above

Only the driver writes the store, one transaction per task, so ``kill -9`` at any moment loses at most the
tasks that were running, and ``resume=True`` runs exactly the tasks without a row, with the same agent: the
settings, and the description its workers give once set up (new weights at the same ``model_path`` refuse). A folder whose store
holds no task (a run whose agent never started) holds nothing to protect: the next run starts afresh there.

>>> summary = run("oracle", out="runs/oracle", data="tests/runner/fixtures/data")  # doctest: +SKIP
>>> summary.scores["reference"]["action_score"]  # doctest: +SKIP
1.0
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from glob import escape as glob_escape
from pathlib import Path
from typing import Any

from omniact.atomic import write_json
from omniact.errors import UserError, shell_quote
from omniact.executor import DEFAULT_SETUP_TIMEOUT, SERVED_KEYS, seconds_or_none, spec_text
from omniact.output_folder import MANIFEST_FILE, PREDICTIONS_FILE, SCORES_FILE, check_output_folder
from omniact.run_lock import LOCK_NAME, FolderBusy, holder, run_lock
from omniact.store import STORE_NAME, RunStore, TaskResult, recorded_tasks

__all__ = [
    "MANIFEST_FILE",
    "PREDICTIONS_FILE",
    "RUN_FORMAT_VERSION",
    "SCORES_FILE",
    "ResumeRefused",
    "RunStopped",
    "RunSummary",
    "check_output_folder",
    "export_run",
    "run",
]

RUN_FORMAT_VERSION = 1
SCORE_MODES = ("reference", "strict")

# Argument names that hold secrets: api_key, token, hf_token, secret, password, auth (not max_tokens).
_SECRET = re.compile(r"(^|[-_.])(api[-_]?key|key|token|secret|password|passwd|auth|authorization|credentials?)$",
                     re.IGNORECASE)
# ... but not the keys and tokens of sorting, caching and tokenisers (sort_key, eos_token, pad_token): blanked out,
# a resume with another value of one passed for the same run, and its value was blanked wherever it was written.
_NOT_SECRET = re.compile(r"(^|[-_.])(sort|group|order|primary|partition|cache|hash|dict|eos|bos|pad|unk|sep|cls|mask|"
                         r"stop|start|end|special|image|vision|audio|video)[-_.]?(key|token)$", re.IGNORECASE)
#: A secret's value shorter than this is blanked only where it is given (``api_key=...``), not wherever it appears
#: in a command line or an error: "test" would blank ``--split test`` too. Real keys are far longer.
_SECRET_MIN_CHARS = 8
#: the user:password of a URL (``https://user:sk-...@host``), kept out of what a run records
_URL_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/@\s]+@")
#: the run stops (everything recorded so far kept) when its first this-many tasks all fail with one message:
#: a wrong URL, model name or key, which would otherwise cost every task its retries
FAIL_FAST = 10
# Settings that make two sessions the same run; a resume with other values would mix two runs in one record.
_IDENTITY = ("agent", "agent_args", "agent_config_values", "data_root", "split", "dataset_sha256", "seed")
#: the same, with the agent's arguments compared as it gets them (recorded since runs have "agent_kwargs")
_IDENTITY_BY_VALUE = ("agent", "agent_kwargs", "data_root", "split", "dataset_sha256", "seed")
# What a run writes in its folder (besides the store's -wal/-shm/-journal companions): all that a run which
# recorded nothing removes again from a folder it created.
_RUN_FILES = (STORE_NAME, f"{STORE_NAME}-wal", f"{STORE_NAME}-shm", f"{STORE_NAME}-journal",
              MANIFEST_FILE, PREDICTIONS_FILE, SCORES_FILE, LOCK_NAME)
#: an error example in a summary is cut to this many characters: enough to name the cause on one line
ERROR_EXAMPLE_CHARS = 120
# Store meta keys: the description the run's agent gave (the run's identity, checked on resume), the session
# it was first recorded in (> 1 for a run begun before agents described themselves), and any other
# description a worker gave later (weights changed during the run).
_DESCRIPTION = "agent_description"
_DESCRIPTION_SESSION = "agent_description_session"
_VARIANTS = "agent_description_variants"
_SOURCES = "agent_source_sha256s"  # the sha256 of the agent's file, each version in the order sessions ran it

#: a refused resume names at most this many of the changed values
_SHOWN_CHANGES = 3
#: how many distinct served models and system fingerprints the manifest counts (a provider may rotate fingerprints)
_SHOWN_SERVED = 20


@dataclass(frozen=True)
class RunSummary:
    """What a run did. `scores` maps mode to the scorer's JSON (empty when the scorer is unavailable)."""

    out: Path
    n_tasks: int
    n_done: int
    n_run: int
    errors: Mapping[str, int]
    uses_gold: bool
    prompt_tokens: int
    completion_tokens: int
    cost: float
    seconds: float
    scores: Mapping[str, Any] = field(default_factory=dict)
    #: failed tasks of earlier sessions that this session ran again (``retry_errors``)
    retried_tasks: int = 0
    #: what the executor reports through its optional ``stats()`` (e.g. workers replaced, tasks retried)
    executor_stats: Mapping[str, Any] = field(default_factory=dict)
    #: error kind -> its commonest message (the first of equals), one line of at most ERROR_EXAMPLE_CHARS:
    #: the cause behind the counts in `errors`
    error_examples: Mapping[str, str] = field(default_factory=dict)

    @property
    def n_errors(self) -> int:
        return sum(self.errors.values())

    @property
    def predictions_path(self) -> Path:
        return self.out / PREDICTIONS_FILE


class ResumeRefused(UserError):
    """A resume refused: the folder's run was made with other settings, or its agent describes itself otherwise.

    The message is worded for ``omniact run``; a caller with options of its own (``replay --agent --out``) words
    its own from `changes` (what differs, ``"; "``-joined), `keys` (the settings that differ) and `hint` (the
    options that continue the run when only its data, split or seed differ, else empty).
    """

    def __init__(self, message: str, *, changes: str, keys: list[str], hint: str = "",
                 file: str | None = None) -> None:
        super().__init__(message, file=file)
        self.changes = changes
        self.keys = keys
        self.hint = hint


class RunStopped(UserError):
    """The run stopped on the agent's account: a `UserError` raised in ``act()`` (`kind` ``"fatal"``: a setting
    every task would fail on) or its first `FAIL_FAST` tasks failing alike (``"fail_fast"``). `cause` is the agent's
    message, `kept` whether finished tasks stay recorded and `count` how many failed alike (``"fail_fast"``); the
    message, like `ResumeRefused`'s, is ``run``'s."""

    def __init__(self, message: str, *, kind: str, cause: str, kept: bool, count: int = 0) -> None:
        super().__init__(message)
        self.kind = kind
        self.cause = cause
        self.kept = kept
        self.count = count


def _is_secret(name: str, value: Any) -> bool:
    """Whether the argument `name` = `value` holds a secret: a secret's name and a value (a flag, ``use_auth=true``,
    holds none)."""
    return bool(value) and not isinstance(value, bool) and _SECRET.search(name) is not None \
        and _NOT_SECRET.search(name) is None


def _redact(args: Mapping[str, Any]) -> dict[str, Any]:
    """Arguments fit for a record anyone may read: ``api_key``, ``token``... shown as ``***``, and so is a URL's
    ``user:password`` (``base_url=https://user:sk-...@host``)."""
    return {k: ("***" if _is_secret(k, v) else _no_userinfo(v)) for k, v in args.items()}


def _secret_values(*secret_args: Mapping[str, Any]) -> frozenset[str]:
    """The values of the secret arguments among `secret_args` long enough to blank wherever they appear."""
    return frozenset(str(v) for args in secret_args for k, v in args.items()
                     if _is_secret(k, v) and len(str(v)) >= _SECRET_MIN_CHARS)


def _scrubbed(text: str, secrets: frozenset[str]) -> str:
    """`text` (an error an agent raised, a command line's word) with every secret value in it and a URL's
    ``user:password`` shown as ``***``: an agent's error may quote its key ("401 for key sk-..."), and errors are
    written to predictions.jsonl, the manifest and the terminal."""
    for value in secrets:
        text = text.replace(value, "***")
    return _no_userinfo(text)


def _no_userinfo(value: Any) -> Any:
    return _URL_USERINFO.sub(r"\1***@", value) if isinstance(value, str) and "@" in value else value


def _redacted_command(argv: list[str], *secret_args: Mapping[str, Any]) -> list[str]:
    """The command line for the manifest, with the value of every secret argument shown as ``***``: where it is
    given (``--agent-arg api_key=...``) and, when long enough to be told from ordinary words, wherever else it
    appears (an api_key of the agent config quoted in another argument); a URL's ``user:password`` too."""
    secrets = _secret_values(*secret_args)
    # by the values as parsed: use_auth=true is a flag, api_key=... a key
    names = {k for args in secret_args for k, v in args.items() if _is_secret(k, v)}
    out = []
    for a in argv:
        flag, eq, given = a.partition("=") if a.startswith("--agent-arg=") else ("", "", a)
        name, is_pair, _ = given.partition("=")
        out.append(f"{flag}{eq}{name}=***" if is_pair and name in names else _scrubbed(a, secrets))
    return out


def _redact_deep(value: Any) -> Any:
    """A description fit for the record: the value of every secret-named key, at any depth, shown as ``***``
    (an agent's ``describe()`` should hold none; this is the guard for one that forgot)."""
    if isinstance(value, Mapping):
        return {k: ("***" if _is_secret(str(k), v) else _redact_deep(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact_deep(v) for v in value]
    return _no_userinfo(value)


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """A description as ``{"backend.model_fingerprint": ...}``: the paths a refused resume names."""
    if isinstance(value, Mapping) and value:
        out: dict[str, Any] = {}
        for k, v in value.items():
            out.update(_flatten(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    return {prefix or "description": value}


def _shown_value(value: Any) -> str:
    """One value, short: a hash cut to its first 12 characters (enough to tell two apart)."""
    if value is None:
        return "none"
    text = value if isinstance(value, str) else json.dumps(value)
    return text if len(text) <= 40 else text[:12] + "…"


def _description_changes(old: Any, new: Any) -> list[str]:
    """What differs between two agent descriptions, one ``path old -> new`` each, in a stable order."""
    a, b = _flatten(old), _flatten(new)
    keys = [k for k in a if k in b] + [k for k in a if k not in b] + [k for k in b if k not in a]
    return [f"{k} {_shown_value(a.get(k))} -> {_shown_value(b.get(k))}"
            for k in keys if a.get(k) != b.get(k)]


class _Session:
    """This session of the run, begun (counted in the store, manifest written) only once its agent is known
    to be the run's: a resume whose workers describe another agent stops before anything is recorded.

    Workers report their description through `on_ready` (the executor calls it in the driver's thread); the
    first one of a session is checked against the one the run recorded, later ones that differ are kept as
    variants and the manifest says so.
    """

    def __init__(self, out: Path, store: RunStore, manifest: dict[str, Any]) -> None:
        self.out = out
        self.store = store
        self.manifest = manifest
        self.recorded: dict[str, Any] | None = store.get_meta(_DESCRIPTION)
        self.variants: list[Any] = list(store.get_meta(_VARIANTS, []))
        self.described = False
        self.begun = False
        #: called once the session begins (the progress bar, held back while a resume may yet be refused)
        self.on_begin: Callable[[], None] | None = None
        self.refused = False
        self._describe_manifest()

    def on_ready(self, description: dict[str, Any] | None) -> None:
        description = _redact_deep(description)
        if not self.described:  # the session's first worker: is it the run's agent?
            self.described = True
            if self.recorded is not None and description != self.recorded:
                self.refused = True
                raise self._refusal(description)
            self.begin()
            if self.recorded is None and description is not None:
                self.recorded = description
                self.store.set_meta(_DESCRIPTION, description)
                self.store.set_meta(_DESCRIPTION_SESSION, self.store.session)
                self._write_manifest()
            return
        if description != self.recorded and description not in self.variants:
            self.variants.append(description)
            self.store.set_meta(_VARIANTS, self.variants)
            self._write_manifest()  # now: a kill -9 later must not lose it

    def _refusal(self, description: dict[str, Any] | None) -> ResumeRefused:
        changes = _description_changes(self.recorded, description)
        shown = "; ".join(changes[:_SHOWN_CHANGES])
        if len(changes) > _SHOWN_CHANGES:
            shown += f"; and {len(changes) - _SHOWN_CHANGES} more"
        return ResumeRefused(f"cannot resume: the agent is not the one this run was made with ({shown}); a run keeps "
                             "one agent: run this one in another --out", changes=shown, keys=[_DESCRIPTION],
                             file=str(self.out))

    def _write_manifest(self) -> None:
        self._describe_manifest()
        _write_json(self.out / MANIFEST_FILE, self.manifest)

    def _describe_manifest(self) -> None:
        self.manifest["agent_description"] = self.recorded
        since = self.store.get_meta(_DESCRIPTION_SESSION)
        if since is not None and since > 1:  # its earlier sessions ran an agent nobody recorded
            self.manifest["agent_description_since_session"] = since
        if self.variants:
            self.manifest["agent_description_variants"] = self.variants
            self.manifest["agent_description_warning"] = (
                f"workers of this run described {len(self.variants) + 1} different agents (weights or settings "
                "changed during the run): its results mix them")

    def begin(self) -> None:
        """Count the session and write the manifest (once)."""
        if self.begun:
            return
        self.begun = True
        self.manifest["sessions"] = self.store.begin_session()
        self._write_manifest()
        if self.on_begin is not None:
            self.on_begin()


def _class_file(cls: type) -> str | None:
    """The file of the module that defines `cls`; None for a class with no file (made at a prompt)."""
    file = getattr(sys.modules.get(cls.__module__), "__file__", None)
    return file if isinstance(file, str) and file else None


def _agent_sources(recorded: list[str], cls: type) -> list[str]:
    """`recorded` with the sha256 of the file that defines `cls` added when it is not the last one recorded (an
    agent defined at a prompt, or whose file cannot be read, adds nothing)."""
    file = _class_file(cls)
    try:
        digest = hashlib.sha256(Path(file).read_bytes()).hexdigest() if file is not None else None
    except OSError:
        digest = None
    if digest is None or (recorded and recorded[-1] == digest):
        return list(recorded)
    return [*recorded, digest]


def _class_identity(cls: type) -> str | None:
    """The class an agent spec resolved to, as its module's file (absolute, links resolved) and its qualified name:
    the same wherever and however it is named (``pkg.mod:A``, ``pkg/mod.py:A``, a registered name for it, a
    re-export from another module), and different for another class named alike (``pkg.mod:A`` imported from
    another folder). None for a class with no file (made at a prompt)."""
    file = _class_file(cls)
    if file is None:
        return None
    try:
        path = Path(file).resolve()
    except (OSError, RuntimeError):  # a link loop: as it stands, from here
        path = Path(file).absolute()
    return f"{path}:{cls.__qualname__}"


#: the recorded identity's key for `_class_identity` (runs recorded before it was kept do not have it)
_AGENT_CLASS = "agent_class_file"


def _agent_key(old: Mapping[str, Any]) -> str:
    """Which recorded key says what the agent is: the class it resolved to; for a run recorded before that was
    kept, what the spec resolved to (`omniact.agent.resolved_spec`: a file path's file); before that, the spec
    as typed."""
    if old.get(_AGENT_CLASS) is not None:
        return _AGENT_CLASS
    if old.get("agent_resolved") is not None:
        return "agent_resolved"
    return "agent"


def _same_setting(key: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    """Whether a resumed run's setting is the recorded one. The agent is compared by the class its spec resolves
    to (`_class_identity`), so ``--agent pkg.mod:A`` resumed as ``pkg/mod.py:A`` or as A's registered name, or a
    file typed from another folder, is the same agent, and ``pkg.mod:A`` that finds another file is not; runs
    recorded before were kept as they compared (`_agent_key`)."""
    if key == "agent":
        key = _agent_key(old)
    return old.get(key) == new.get(key)


def _setting_change(key: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> str:
    """One changed setting for a refused resume; an agent typed alike that names another class shows the classes
    (their files)."""
    if key == "agent" and old.get(key) == new.get(key):
        key = _agent_key(old)
    return f"{_SETTING_NAMES.get(key, key)}: {old.get(key)!r} now {new.get(key)!r}"


#: A run's recorded settings as a refused resume names them (the options that give them, where the key is not one).
_SETTING_NAMES = {"agent_kwargs": "agent arguments (--agent-arg)", "agent_args": "agent arguments (--agent-arg)",
                  "data_root": "data root (--data)", "dataset_sha256": "the data's sha256 (its files changed)"}


def _resume_hint(diff: list[str], old: Mapping[str, Any]) -> str:
    """The options that continue a run whose resume was refused for its data, split or seed only, as happens when
    the command is typed again without them (the built-in suite, test, seed 0 are the defaults); empty else."""
    if not set(diff) & {"data_root", "split", "seed"} or not set(diff) <= {"data_root", "dataset_sha256", "split", "seed"}:
        return ""
    from omniact.dataset import builtin_root

    options = []
    if "data_root" in diff:
        root = str(old.get("data_root"))
        if not Path(root).is_dir():
            return ""
        if root != str(builtin_root()):
            options.append(f"--data {shell_quote(root)}")
    if "split" in diff:
        options.append(f"--split {shell_quote(str(old.get('split')))}")
    if "seed" in diff:
        options.append(f"--seed {old.get('seed')}")
    return f"continue it with {' '.join(options)}, or " if options else "continue it without --data, or "


def _git_commit() -> str | None:
    """omniact's commit, when it runs from a checkout. Installed, its folder is site-packages, which may sit in
    someone else's repository (a project's .venv): that repository's commit is not ours."""
    here = Path(__file__).resolve().parent.parent
    try:
        out = subprocess.run(["git", "-C", str(here), "rev-parse", "--show-toplevel", "HEAD"], capture_output=True,
                             text=True, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    lines = out.stdout.split("\n")
    if out.returncode != 0 or len(lines) < 2 or not lines[1].strip():
        return None
    try:
        ours = Path(lines[0]).resolve() == here
    except OSError:
        return None
    return lines[1].strip() if ours else None


def _versions() -> dict[str, str]:
    """Python, omniact, and the packages of interest that this process has loaded (agents load their own).

    Read from the modules' ``__version__``: asking the package metadata costs a scan of site-packages per
    name, which would be most of a short run's time.
    """
    import omniact

    out = {"python": platform.python_version(), "omniact": omniact.__version__}
    for module, dist in (("openai", "openai"), ("transformers", "transformers"), ("torch", "torch"),
                         ("sentence_transformers", "sentence-transformers"), ("PIL", "pillow"),
                         ("ray", "ray"), ("scoring", "scoring")):
        mod = sys.modules.get(module)
        v = getattr(mod, "__version__", None) or getattr(mod, "SCORER_VERSION", None) if mod else None
        if isinstance(v, str):
            out[dist] = v
    return out


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _subset(dataset: Any, ids: list[str]) -> Any:
    """The data set restricted to `ids` (for --limit), keeping its identity so scores name the same data."""
    if len(ids) == len(dataset.tasks):
        return dataset
    return dataset.subset(ids)


# --------------------------------------------------------------------------------------------------------
# Scoring, imported lazily: the scorer is its own package and a run must not depend on it to finish.


def _scorer() -> Any:
    try:
        import scoring

        return getattr(scoring, "score", None)
    except ImportError:
        return None


class _RunningScore:
    """Sequence and action score over the tasks finished so far, for the progress bar."""

    def __init__(self, dataset: Any) -> None:
        self.dataset = dataset
        self.score = _scorer()
        self.ideal = 0.0
        self.ss = 0.0
        self.as_ = 0.0

    def add(self, task_id: str, script: str) -> None:
        if self.score is None:
            return
        try:
            one = _subset(self.dataset, [task_id])
            s = self.score(one, {task_id: script}, "reference").to_json()
        except Exception:  # noqa: BLE001 - the live score is display only
            self.score = None  # never let the display break a run
            return
        w = float(s.get("ideal_score") or 0.0)
        self.ideal += w
        self.ss += float(s.get("sequence_score") or 0.0) * w
        self.as_ += float(s.get("action_score") or 0.0) * w

    def text(self) -> str:
        if self.score is None or self.ideal <= 0:
            return ""
        return f"SS {100 * self.ss / self.ideal:.1f} AS {100 * self.as_ / self.ideal:.1f}"


# --------------------------------------------------------------------------------------------------------
# Exports


def _prediction_record(task_id: str, r: TaskResult, agent: str, model: str | None) -> dict[str, Any]:
    rec: dict[str, Any] = {"id": task_id, "script": r.script, "agent": agent}
    if model:
        rec["model"] = model
    rec["usage"] = {"prompt_tokens": r.prompt_tokens, "completion_tokens": r.completion_tokens,
                    "cost": round(r.cost, 8), "cached": r.cached}
    if r.error is not None:
        rec["error"] = r.error
        rec["error_kind"] = r.error_kind
    if r.extra.get("note"):
        rec["note"] = r.extra["note"]
    for key in SERVED_KEYS:  # what the model server says answered, beside the "model" that was asked for
        if r.extra.get(key):
            rec[key] = r.extra[key]
    return rec


def _served_summary(results: Iterable[TaskResult]) -> dict[str, dict[str, int]]:
    """How many tasks each served model and system fingerprint answered (the commonest _SHOWN_SERVED of each)."""
    counts: dict[str, Counter[str]] = {key: Counter() for key in SERVED_KEYS}
    for r in results:
        for key in SERVED_KEYS:
            value = r.extra.get(key)
            if isinstance(value, str) and value:
                counts[key][value] += 1
    return {key: dict(c.most_common(_SHOWN_SERVED)) for key, c in counts.items() if c}


def export_run(out: str | Path, dataset: Any, ids: list[str] | None = None, *,
               manifest: Mapping[str, Any] | None = None, score: bool = True) -> dict[str, Any]:
    """Write ``predictions.jsonl`` (split order) and, with `score`, ``scores.json`` from a run's store.

    Only tasks with a result get a record: a task not run (an interrupted run) is left out, so that any scorer
    counts it missing instead of as an answer. Returns the scores by mode (empty when the scorer is not
    installed). Safe to call on a finished or a partial run; the files are replaced atomically.
    """
    from omniact.predictions import write_predictions

    out = Path(out)
    ids = ids if ids is not None else [t.id for t in dataset.tasks]
    with RunStore(out / STORE_NAME, new_session=False) as store:
        results = {r.task_id: r for r in store.results(ids)}
        agent = (manifest or {}).get("agent") or store.get_meta("config", {}).get("agent", "")
    model = (manifest or {}).get("agent_args", {}).get("model")
    write_predictions(out / PREDICTIONS_FILE,
                      (_prediction_record(i, results[i], agent, model) for i in ids if i in results))
    scores: dict[str, Any] = {}
    scorer = _scorer() if score else None
    if scorer is not None:
        preds = {i: results[i].script for i in ids if i in results}
        sub = _subset(dataset, ids)
        for mode in SCORE_MODES:
            scores[mode] = scorer(sub, preds, mode).to_json()
        _write_json(out / SCORES_FILE, scores)
    return scores


def _write_json(path: Path, obj: Any) -> None:
    write_json(path, obj, indent=2, default=str)  # an agent's error text may hold a lone surrogate


# --------------------------------------------------------------------------------------------------------
# The run


def run(agent: str | type, *, out: str | Path, data: str | Path | None = None, split: str = "test",
        agent_args: Mapping[str, Any] | None = None, agent_config: str | Path | None = None,
        workers: int = 1, executor: str = "local", worker_type: str | None = None,
        resume: bool = False, retry_errors: bool = False, limit: int | None = None,
        task_timeout: float | None = None, cache: bool = True, seed: int = 0, progress: bool = False,
        executor_options: Mapping[str, Any] | None = None,
        setup_timeout: float | str | None = DEFAULT_SETUP_TIMEOUT) -> RunSummary:
    """Run `agent` over a split into the folder `out` and return what happened.

    `agent` is a registered name, ``module:Class``, ``path/file.py:Class`` or a class. `worker_type` is
    ``threads`` or ``processes``; left out, the agent's ``parallelism`` attribute decides (threads by
    default). A folder that already holds a run needs ``resume=True`` (which checks that the agent, its
    arguments, the data and the seed are the same); `retry_errors` also re-runs the tasks that failed.
    `cache=False` asks model agents for fresh answers. Agent failures are recorded, never raised; an agent
    that cannot be built at all is a `UserError`, and so is one whose worker does not start (agent built,
    ``setup()`` and ``describe()`` returned) within `setup_timeout` seconds (None or ``"none"``: no limit; local
    and Ray workers alike): the run stops, leaving a run it was resuming as it found it.
    """
    import multiprocessing

    from omniact.agent import (
        _agent_file,
        _bind_kwargs,
        agent_name,
        class_spec,
        read_agent_config,
        resolve_agent_class,
        resolved_spec,
    )
    from omniact.dataset import load_split, resolve_data_root

    if isinstance(out, str) and not out:  # `os.environ.get("RUN_DIR", "")`: never read as the working folder
        raise UserError("out is empty: give the run's folder")
    from omniact.executor import MAIN_GUARD_HINT, WORKER_TYPES, WorkerSpec, make_executor, share_dataset

    if getattr(multiprocessing.current_process(), "_inheriting", False):
        # A worker process importing the user's script again, which calls run() at its top level: a second run in
        # the same folder must not start (it would write the first one's store).
        raise UserError(f"run() was called while a worker process was starting: {MAIN_GUARD_HINT}")
    t_start = time.time()
    root = resolve_data_root(data)
    dataset = load_split(root, split)
    # Thread workers in this process use this very copy instead of reading the split again.
    share_dataset(str(root), split, dataset)
    cls = resolve_agent_class(agent)
    if agent_args is not None and not isinstance(agent_args, Mapping):  # ["k=5"], the command line's spelling
        raise UserError(f"agent_args must be a mapping such as {{'k': 5}}, not {type(agent_args).__name__}")
    args = dict(agent_args or {})
    config_values = read_agent_config(agent_config) if agent_config is not None else {}
    defaults = {"seed": seed, "cache": cache, "data_root": str(root), "run_split": split}
    # Checks argument names and types now, in the driver, instead of failing in every worker.
    given = {**config_values, **args}
    bound = _bind_kwargs(cls, given, defaults)
    # What a resume compares: the values the agent gets (`k=5` typed or `{"k": 5}` in Python, `verbose=true` or
    # `True`, from --agent-config or --agent-arg), not their spelling.
    agent_kwargs = json.loads(json.dumps(_redact({k: bound.get(k, v) for k, v in given.items()}), default=repr))
    uses_gold = bool(getattr(cls, "uses_gold", False))
    wtype = worker_type or getattr(cls, "parallelism", "threads")
    if wtype not in WORKER_TYPES:
        if worker_type:
            raise UserError(f"worker type must be one of {', '.join(WORKER_TYPES)}, not {wtype!r}")
        # (named as `omniact run`'s option: replay's agent stage meets this too, and has no such option)
        raise UserError(f"agent {agent_name(cls)} declares parallelism={wtype!r}; it must be one of "
                        f"{', '.join(WORKER_TYPES)} (`omniact run --worker-type` overrides it)")
    if wtype == "processes" and executor == "local" and getattr(cls, "__module__", None) == "__main__" \
            and not os.path.isfile(getattr(sys.modules.get("__main__"), "__file__", None) or ""):
        # A worker process imports the class's module again, and `python -c`, standard input or a notebook has none.
        raise UserError(f"agent {agent_name(cls)} is defined where worker processes cannot import it again (a notebook, "
                        "python -c or standard input): put it in a file of its own, or use worker threads")
    if limit is not None and limit < 1:
        raise UserError(f"--limit (limit=) must be at least 1, not {limit}")
    setup_timeout = seconds_or_none(setup_timeout, "--setup-timeout")
    ids = [t.id for t in dataset.tasks][: limit if limit is not None else None]

    resume = resume or retry_errors  # --retry-errors means continuing a run
    # Absolute: an agent may change the working folder while it runs (os.chdir in act), and the run's files (its
    # store, lock, predictions) must still be written here, never into another run's folder of the same name.
    out = Path(out).expanduser().absolute()
    check_output_folder(out, root, "run")
    store_path = out / STORE_NAME
    # Only a store with a recorded task is a run to protect: one whose agent never started holds nothing,
    # and the corrected command must be able to start there again (with or without --resume).
    try:
        had_run = bool(recorded_tasks(store_path))
    except UserError:
        if not resume:
            raise
        had_run = True  # a damaged store or someone else's file: a resume says so when the store opens; never tidied
    if not resume and had_run:
        going = holder(out)
        if going is not None:  # --resume would only be refused next: say what is there
            raise FolderBusy(f"another omniact run is writing this folder ({going}); wait for it to end, or stop it",
                             who=going, file=str(out))
        # (worded for both callers: the command line's options, and omniact.run's parameters beside them)
        raise UserError("this folder already holds a run; pass --resume (resume=True) to continue it (add "
                        "--retry-errors to re-run failed tasks) or choose another --out (out=)", file=str(out))
    # Before anything is written: a wrong executor name or option must not leave a half-made run folder.
    ex = make_executor(executor, workers=workers, worker_type=wtype, task_timeout=task_timeout,
                       setup_timeout=setup_timeout, agent_resources=getattr(cls, "resources", None),
                       **dict(executor_options or {}))
    connect = getattr(ex, "connect", None)
    if callable(connect):  # a cluster that cannot be reached: one line, before the progress bar and the run folder
        connect()
    created = _absent_dirs(out)
    found = {name for name in _RUN_FILES if os.path.lexists(out / name)}  # not this run's to take away
    opened = False  # whether this run's store opened: until then, a folder this run created holds no task
    locked = False  # whether this run held the folder's lock: until then, the run files there are another run's
    try:
        identity = {"agent": spec_text(agent), "agent_resolved": resolved_spec(agent),
                    _AGENT_CLASS: _class_identity(cls),
                    "agent_args": _redact(args), "agent_config_values": _redact(config_values),
                    "agent_kwargs": agent_kwargs, "data_root": str(root), "split": dataset.split, "dataset_sha256": dataset.sha256, "seed": seed}
        out.mkdir(parents=True, exist_ok=True)
        # One run at a time here: a second --resume would run the same tasks again (run_lock.py).
        with run_lock(out):
            locked = True
            _sweep_temporaries(out)
            store = RunStore(store_path, new_session=False)  # a session once the settings are known to be the run's
            opened = True
            try:
                store.check_writable()  # before a session changes the folder (its manifest, scores.json)
                old = store.get_meta("config")
                if old is not None and not len(store):
                    store.restart()  # recorded nothing: its settings bind no one (see the check above)
                    old = None
                moved = False  # the run's data, found now in another folder (moved or copied, every byte the same)
                if old is not None:
                    compared = _IDENTITY_BY_VALUE if "agent_kwargs" in old else _IDENTITY  # (older runs: as typed)
                    diff = [k for k in compared if not _same_setting(k, old, identity)]
                    if "data_root" in diff and "dataset_sha256" not in diff:
                        diff.remove("data_root")
                        moved = True
                    if diff:
                        changes = "; ".join(_setting_change(k, old, identity) for k in diff)
                        hint = _resume_hint(diff, old)
                        raise ResumeRefused(f"cannot resume: this run was made with other settings ({changes}); a run "
                                            f"keeps the settings it started with: {hint}run the new ones in another "
                                            "--out", changes=changes, keys=diff, hint=hint, file=str(out))
                else:
                    if resume:  # a mistyped --out would start afresh unseen; said, not refused (a restarted job's
                        # command keeps its --resume)
                        sys.stderr.write(f"omniact: note: no run to resume in {out}: starting a new one\n")
                    store.set_meta("config", identity)
                    store.set_meta("started", _now())
                started = store.get_meta("started") or _now()

                finished = store.finished_ids()
                beyond = finished - set(ids)
                if beyond:  # a smaller --limit than the run's: its exports would leave finished tasks out, unsaid
                    order = {t.id: k for k, t in enumerate(dataset.tasks)}
                    need = 1 + max(order.get(i, -1) for i in beyond)
                    raise UserError(f"this run has finished tasks past --limit {limit} ({len(beyond)} of them): a resume "
                                    f"with it would leave them out of predictions.jsonl and the scores; give --limit "
                                    f"{need} or more, or leave it out", file=str(out))
                done = store.finished_ids(include_errors=not retry_errors)
                pending = [i for i in ids if i not in done]
                retried = len([i for i in pending if i in finished])
                recorded_sources = store.get_meta(_SOURCES, [])
                sources = _agent_sources(recorded_sources, cls)
                if len(sources) > len(recorded_sources) > 0 and done:
                    # Not refused: the fix a failing run asks for is often an edit of the agent. But said, and kept.
                    sys.stderr.write(f"omniact: note: the agent's file has changed since this run's last session; "
                                     f"the {len(done)} tasks finished before keep that version's answers "
                                     "(--retry-errors runs failed ones again; another --out starts afresh)\n")

                manifest = {
                    "format_version": RUN_FORMAT_VERSION,
                    "agent": identity["agent"], "agent_class": class_spec(cls),
                    "agent_name": getattr(cls, "name", None) or cls.__qualname__,
                    "agent_args": _redact(args),
                    # where it is, whatever folder the run was started from (the command line keeps it as typed)
                    "agent_config": None if agent_config is None else str(Path(agent_config).expanduser().resolve()),
                    "agent_config_values": _redact(config_values),
                    "coordinates": getattr(cls, "coordinates", "pixels"),
                    "uses_gold": uses_gold,
                    "dataset": _recorded_dataset(dataset, split), "limit": limit, "n_tasks": len(ids),
                    "seed": seed, "cache": cache,
                    "executor": executor, "workers": workers, "worker_type": wtype, "task_timeout": task_timeout,
                    "setup_timeout": getattr(ex, "setup_timeout", None),  # the limit that applies
                    "versions": _versions(), "git_commit": _git_commit(), "command": _redacted_command(sys.argv, args, config_values),
                    "started": started, "ended": None, "status": "running", "sessions": store.session,
                    "agent_source_sha256": sources[-1] if sources else None,
                }
                if len(sources) > 1:
                    manifest["agent_source_versions"] = sources
                    manifest["agent_source_warning"] = (f"the agent's file changed between sessions ({len(sources)} "
                                                        "versions): the run's results mix them")
                # Counted and written once the first worker says which agent it runs (or at the first result).
                session = _Session(out, store, manifest)

                # Paths absolute: an agent may change the working folder (os.chdir in act), and a worker started
                # after that (to replace one that timed out) must still find the agent file. The config's values
                # go to the workers as read here, not its path: a pipe (`--agent-config <(...)`) is read once, and
                # each worker read it again, empty, so the agents got their defaults while the run recorded the
                # pipe's values (a file edited during the run would have split the workers likewise).
                by_file = isinstance(agent, str) and _agent_file(agent) is not None
                spec = WorkerSpec(agent=resolved_spec(agent) if by_file else agent, data_root=str(root),
                                  split=split, agent_args=given, agent_config=None,
                                  agent_defaults=defaults, seed=seed)
                status = "interrupted"
                n_run = 0
                try:
                    n_run = _drive(ex, spec, pending, store, dataset, len(ids), progress, session,
                                   _secret_values(args, config_values))
                    status = "finished"
                finally:
                    # Executors may report what they had to do (workers replaced, tasks retried on other nodes).
                    stats = getattr(ex, "stats", None)
                    executor_stats = dict(stats()) if callable(stats) else {}
                    if not session.refused:  # a refused resume leaves the run as it found it
                        session.begin()  # a session that ran no task (nothing pending, Ctrl-C at once) counts too
                        store.set_meta(_SOURCES, sources)
                        if moved:  # where the data is now: the next --resume and `score --predictions RUN` look there
                            store.set_meta("config", {**old, "data_root": identity["data_root"]})
                        manifest["executor_stats"] = executor_stats
                        manifest["status"] = status
                        manifest["ended"] = _now()
                        manifest["versions"] = _versions()
                        with _signals_held():  # a manifest half-way to "finished" must not be left "running"
                            _finish(out, store, dataset, ids, manifest, score=(status == "finished"))
                results = store.results(ids)
            finally:
                store.close()
    except BaseException:
        if created or not had_run:  # (a folder made beforehand, `mkdir runs/x`, is left as it was found too)
            _remove_empty_run(out, created, opened, locked, found)
        raise
    finally:
        ex.close()

    errors, examples = _error_summary(results)
    scores = json.loads((out / SCORES_FILE).read_text()) if (out / SCORES_FILE).exists() else {}
    return RunSummary(out=out, n_tasks=len(ids), n_done=len(results), n_run=n_run, errors=errors,
                      uses_gold=uses_gold, prompt_tokens=sum(r.prompt_tokens for r in results),
                      completion_tokens=sum(r.completion_tokens for r in results),
                      cost=sum(r.cost for r in results), seconds=time.time() - t_start, scores=scores,
                      retried_tasks=retried, executor_stats=executor_stats, error_examples=examples)


def _absent_dirs(out: Path) -> list[Path]:
    """`out` and those of its parents that do not exist yet, deepest first: what a run would create."""
    absent = []
    for d in (out, *out.parents):
        if d.exists():
            break
        absent.append(d)
    return absent


def _remove_empty_run(out: Path, created: list[Path], opened: bool = True, locked: bool = True,
                      found: Iterable[str] = ()) -> None:
    """After a run that failed in a folder it created or that held no run: when no task was recorded, take away what
    it made, so that no empty run folder is left behind. Only our own files, and folders only once empty: anything else
    found there (someone else's) stays, and so does the folder holding it. A store that never `opened` (a disk
    too full to make it) holds no task, and is not asked, as it may not be readable either. A run that never
    `locked` the folder made no run file there: those are the run that won the lock (two runs started at once in
    one new folder), and stay; so do the run files `found` there before the run began (an empty run's, or a file
    of someone else's that only has the name)."""
    try:
        if opened and recorded_tasks(out / STORE_NAME):
            return
        for name in _RUN_FILES if locked else ():
            if name not in found:
                (out / name).unlink(missing_ok=True)
        for d in created:  # deepest first; rmdir refuses a folder that is not empty
            d.rmdir()
    except (OSError, UserError):  # never hide the error that ended the run behind one of tidying up
        pass


def _error_summary(results: Iterable[TaskResult]) -> tuple[dict[str, int], dict[str, str]]:
    """Failed tasks by error kind, and each kind's commonest message (the first of equals), on one short line."""
    by_kind: dict[str, Counter[str]] = {}
    for r in results:
        if r.error_kind:
            by_kind.setdefault(r.error_kind, Counter())[r.error or ""] += 1
    counts = {k: sum(c.values()) for k, c in by_kind.items()}
    examples: dict[str, str] = {}
    for k, c in by_kind.items():
        text = " ".join(c.most_common(1)[0][0].split())
        if len(text) > ERROR_EXAMPLE_CHARS:
            text = text[:ERROR_EXAMPLE_CHARS - 3].rstrip() + "..."
        examples[k] = text
    return counts, examples


def _sweep_temporaries(out: Path) -> None:
    """Remove what a session killed while it wrote the run's files left (`.scores.json.<random>.tmp`): with the
    folder's lock held, no one else writes them."""
    for name in (PREDICTIONS_FILE, SCORES_FILE, MANIFEST_FILE):
        for tmp in out.glob(f".{glob_escape(name)}.*.tmp"):
            with suppress(OSError):
                tmp.unlink()


@contextmanager
def _signals_held() -> Iterator[None]:
    """Ctrl-C and SIGTERM wait for the block to end, then act as they would have (the CLI ends the run as
    interrupted). In the main thread only, where Python runs signal handlers."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    held = (signal.SIGINT, signal.SIGTERM)
    previous = {s: signal.signal(s, lambda signum, frame: caught.append(signum)) for s in held}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler if handler is not None else signal.SIG_DFL)
        if caught:
            handler = previous[caught[0]]
            if callable(handler):
                handler(caught[0], None)
            elif handler != signal.SIG_IGN:
                os.kill(os.getpid(), caught[0])  # the default action, now


def _recorded_dataset(dataset: Any, split: str) -> dict[str, Any]:
    """The manifest's ``dataset``: the score contract's, and for a split given as a file (``--split my.json``) that
    file, which scoring the run again reads (the split's name alone would be looked for in the data root)."""
    out = dataset.describe()
    if os.fspath(split).endswith(".json"):
        out["split_file"] = str(dataset.split_path)
    return out


def _finish(out: Path, store: RunStore, dataset: Any, ids: list[str], manifest: dict[str, Any],
            score: bool) -> None:
    results = store.results(ids)
    errors, examples = _error_summary(results)
    manifest.update(n_done=len(results), errors=errors, error_examples=examples,
                    usage={"prompt_tokens": sum(r.prompt_tokens for r in results),
                           "completion_tokens": sum(r.completion_tokens for r in results),
                           "cost": round(sum(r.cost for r in results), 8),
                           "cached_tasks": sum(1 for r in results if r.cached)})
    served = _served_summary(results)
    if served:
        manifest["served"] = served
    else:
        manifest.pop("served", None)
    scores = export_run(out, dataset, ids, manifest=manifest, score=score and len(results) == len(ids))
    if not scores:
        # A scores.json of an earlier session scored other predictions than the ones just written.
        (out / SCORES_FILE).unlink(missing_ok=True)
    if scores:
        manifest["scores"] = {m: {k: s.get(k) for k in ("sequence_score", "action_score")}
                              for m, s in scores.items()}
    _write_json(out / MANIFEST_FILE, manifest)


def _map(ex: Any, spec: Any, pending: list[str], session: _Session) -> Iterable[TaskResult]:
    """The executor's results, with its workers' descriptions going to `session` (an executor from before
    descriptions, whose ``map`` takes no ``on_ready``, describes nothing)."""
    import inspect

    if "on_ready" in inspect.signature(ex.map).parameters:
        return ex.map(spec, pending, on_ready=session.on_ready)
    return ex.map(spec, pending)


def _drive(ex: Any, spec: Any, pending: list[str], store: RunStore, dataset: Any, total: int,
           show: bool, session: _Session, secrets: frozenset[str] = frozenset()) -> int:
    """Feed results from the executor into the store, one transaction each, updating the progress bar. An error's
    text is recorded and said with the `secrets` (the agent's key, say) blanked out."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    running = _RunningScore(dataset) if show else None
    done_before = total - len(pending)
    errors = 0
    tokens = 0
    cost = 0.0
    if show and running is not None:
        again = set(pending)  # (--retry-errors: failed tasks run again, counted once their new result comes)
        for r in store.results([t.id for t in dataset.tasks]):  # a resumed run shows its whole score
            tokens += r.prompt_tokens + r.completion_tokens  # (spent, whatever comes of a task run again)
            cost += r.cost
            if r.task_id in again:
                continue
            running.add(r.task_id, r.script)
            errors += r.error is not None
    progress = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                        TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn(),
                        TextColumn("{task.fields[stats]}"),
                        console=Console(stderr=True), disable=not show, transient=False)

    def stats() -> str:
        parts = [running.text() if running else "", f"errors {errors}"]
        if tokens:
            parts.append(f"tokens {tokens / 1000:.1f}k")
        if cost:
            parts.append(f"${cost:.4f}")
        return "  ".join(p for p in parts if p)

    n = 0
    first_errors: list[str | None] = []
    # A resume of a described run shows its bar once its agent is known to be the run's: a refusal is one line.
    if session.begun or session.recorded is None:
        progress.start()
    else:
        session.on_begin = progress.start
    try:
        bar = progress.add_task("run", total=total, completed=done_before, stats=stats())
        results = _map(ex, spec, pending, session)
        try:
            for r in results:
                if r.error is not None:
                    r = replace(r, error=_scrubbed(r.error, secrets))  # (the result as recorded and said)
                if r.error_kind == "setup":
                    if not session.begun:  # nothing of this session was recorded: leave the run as it was
                        session.refused = True
                    raise UserError(f"agent could not be started: {r.error}")
                if r.error_kind == "fatal":  # a UserError from act(): a setting every task would fail on
                    if not n and not done_before:  # nothing recorded: the folder is removed, there is no run
                        raise RunStopped(f"the run stopped before any task finished, and nothing was kept: {r.error}",
                                         kind="fatal", cause=str(r.error), kept=False)
                    raise RunStopped(f"the run stopped: {r.error} (finished tasks are saved; after the fix, continue "
                                     "with --resume, or run in another --out if the fix is an agent argument)",
                                     kind="fatal", cause=str(r.error), kept=True)
                session.begin()
                store.record(r)
                n += 1
                # An agent that raises, or whose worker dies, the same way on every task: checked on a run's first
                # tasks only. A resume that leaves those failures as they are goes on past them (an agent may fail
                # on one app, and a split is ordered by app, so its first tasks can all be that app's).
                first_errors.append(r.error if r.error_kind in ("exception", "crash") else None)
                errors += r.error is not None
                tokens += r.prompt_tokens + r.completion_tokens
                cost += r.cost
                if running is not None:
                    running.add(r.task_id, r.script)
                progress.update(bar, advance=1, stats=stats())  # (before a stop below: the bar shows the task)
                if n == FAIL_FAST and not done_before and len(set(first_errors)) == 1 and first_errors[0] is not None:
                    raise RunStopped(f"the first {n} tasks all failed with: {first_errors[0]}; fix the cause, "
                                     f"then continue with --resume --retry-errors (if the fix is an agent argument, "
                                     f"such as a key, model or base_url, run it in another --out), or go on with "
                                     f"the other tasks as it is with --resume", kind="fail_fast",
                                     cause=str(first_errors[0]), kept=True, count=n)
        finally:
            close = getattr(results, "close", None)
            if close is not None:
                close()
    finally:
        progress.stop()
    return n
