"""Findings of many files: a result cache keyed by content, and worker processes.

Imported without the checker: a warm run is file hashing, the project's conventions learned
from a sample of its files (what ``generate`` follows, ``validate`` asks for), and one cache
query; ``checks`` is imported only for files the cache does not know.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from llm_doc_manager import __version__
from llm_doc_manager.analysis.load import (
    LoadedFile,
    drop_kept,
    fewer_collections,
    read_file,
    take_kept,
)
from llm_doc_manager.analysis.nodes import module_standing
from llm_doc_manager.codes import MISSING_DOCSTRING, Finding
from llm_doc_manager.config import Settings
from llm_doc_manager.store import ResultStore, cache_dir, code_fingerprint

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from concurrent.futures import Executor

    from llm_doc_manager.analysis.changed import ChangedDefinitions
    from llm_doc_manager.docstrings.bases import Overrides
    from llm_doc_manager.docstrings.conventions import Evidence
    from llm_doc_manager.docstrings.learning import Learning, Lesson, Spread
    from llm_doc_manager.source.since import Since

#: v4: the store's schema gained sizes and a byte cap.
RESULTS_FILE = "validate-v4.sqlite3"
# Below this many files to check, worker processes cost more than they save.
_PARALLEL_FROM = 64
# Files learned from per worker task.
_LESSONS = 8
# Files checked per worker task.
_CHECKS = 8
_T = TypeVar("_T")


@dataclass(frozen=True)
class _Job:
    path: str
    key: str
    project: Evidence | None = None
    inherited: Overrides | None = None


#: Bump when the checks change within a version, so cached results are not reused.
CHECKS_VERSION = 11


def _signature(settings: Settings, all_defs: bool) -> str:
    # Every setting is part of the key (those the checks never read too: a changed one
    # costs a cold run, a forgotten one would reuse stale findings).
    fields = {name: value for name, value in vars(settings).items() if name != "notices"}
    return json.dumps([__version__, CHECKS_VERSION, code_fingerprint(), all_defs, fields],
                      separators=(",", ":"), sort_keys=True, default=str)


def _check_path(path: str, all_defs: bool, settings: Settings,
                project: Evidence | None = None,
                inherited: Overrides | None = None) -> list[list[object]]:
    """Check one file in a worker (or here); findings as plain lists for pickling.

    A file this process learned from comes with its tree (``analysis.load.take_kept``)
    when its bytes are still those it was parsed from: it is not parsed twice.
    """
    from llm_doc_manager.validate.checks import CheckOptions, check_source

    file = Path(path)
    source = read_file(file)
    if isinstance(source, Finding):
        return [[source.line, source.col, source.code, source.message]]
    options = replace(CheckOptions.from_settings(settings, all_defs), project=project,
                      inherited=inherited)
    held = take_kept(file)
    # A file edited since it was learned from is parsed again: its findings are its bytes'.
    tree = held.tree if held is not None and held.source.digest == source.digest else None
    try:
        found = check_source(file, source.text, options, tree)
    except RecursionError:  # too deep for ast.unparse: this file's finding, not a crash
        return [[0, 0, "LD001", "cannot analyse: expressions nested too deeply"]]
    return [[f.line, f.col, f.code, f.message] for f in found]


def _check_jobs(jobs: list[_Job], all_defs: bool, settings: Settings
                ) -> list[list[list[object]]]:
    """``_check_path`` of several files: one worker task."""
    return [_check_path(j.path, all_defs, settings, j.project, j.inherited) for j in jobs]


def _check_all(todo: list[_Job], all_defs: bool, settings: Settings,
               workers: _Workers | None) -> list[list[list[object]]]:
    if workers is None or len(todo) < _PARALLEL_FROM:
        return _check_jobs(todo, all_defs, settings)
    # Each file goes to the process that kept its tree when it learned from it; files no
    # process holds go to whichever is free.
    by_holder: dict[int | None, list[int]] = {}
    for index, job in enumerate(todo):
        by_holder.setdefault(workers.holder.get(Path(job.path).absolute()), []).append(index)
    tasks: list[tuple[int | None, list[int]]] = [
        (holder, indices[i:i + _CHECKS]) for holder, indices in by_holder.items()
        for i in range(0, len(indices), _CHECKS)]
    found = workers.run(_check_jobs, [(holder, ([todo[i] for i in part], all_defs, settings))
                                      for holder, part in tasks])
    fresh: list[list[list[object]]] = [[] for _ in todo]
    for (_, part), rows in zip(tasks, found, strict=True):
        for index, one in zip(part, rows, strict=True):
            fresh[index] = one
    return fresh


def _spread(workers: _Workers | None, checked: frozenset[Path]) -> Spread:
    """``Learning.prime``'s spread: the files learned from, read and parsed in ``workers``
    (here when None); the trees of ``checked`` files stay where they were parsed."""
    from llm_doc_manager.docstrings.learning import KEEP_BYTES, lessons

    def spread(paths: list[Path], facts: bool) -> Iterator[Lesson]:
        parts = [paths[i:i + _LESSONS] for i in range(0, len(paths), _LESSONS)]
        keeps = [frozenset(part) & checked for part in parts]
        if workers is None:
            for part, keep in zip(parts, keeps, strict=True):
                yield from lessons(part, facts, keep, KEEP_BYTES)
            return
        budget = KEEP_BYTES // workers.count  # the same memory as one process

        def ran(task: int, worker: int) -> None:
            workers.holder.update(dict.fromkeys(keeps[task], worker))
        for found in workers.run(lessons, [(None, (part, facts, keep, budget))
                                           for part, keep in zip(parts, keeps, strict=True)],
                                 ran):
            yield from found
    return spread


class _Workers:
    """Worker processes that a task can be sent to by name: one single-process pool each.

    A shared pool hands a task to any process, so a file learned from in one was parsed
    again in another to be checked; here the process that kept a file's tree
    (``holder``) checks it.
    """

    def __init__(self, count: int) -> None:
        from concurrent.futures import ProcessPoolExecutor

        # Each process starts at its first task: a warm run, which has none, starts none.
        self._pools: list[Executor] = [ProcessPoolExecutor(max_workers=1)
                                       for _ in range(count)]
        self.count = count
        #: The process holding each kept file's tree.
        self.holder: dict[Path, int] = {}
        self._started = False

    def run(self, function: Callable[..., _T], tasks: list[tuple[int | None, tuple[Any, ...]]],
            ran: Callable[[int, int], None] | None = None) -> list[_T]:
        """Run ``function`` on each task's arguments; the answers in the tasks' order.

        Args:
            function: A function a worker process can import.
            tasks: Per task, the process it should run in (None: any) and the arguments.
            ran: Called with each task's index and the process that ran it.

        Returns:
            The answers, in order.
        """
        from collections import deque
        from concurrent.futures import FIRST_COMPLETED, Future, wait

        if not tasks:
            return []
        if not self._started:
            # The checker's modules (half a second of imports) are loaded here before the
            # processes fork from this one, so they share them instead of each loading
            # them again at its first check.
            import llm_doc_manager.validate.checks  # noqa: F401
            self._started = True
        pinned: list[deque[int]] = [deque() for _ in self._pools]
        anywhere: deque[int] = deque()
        for index, (holder, _) in enumerate(tasks):
            (anywhere if holder is None else pinned[holder]).append(index)
        answers: dict[int, _T] = {}
        running: dict[Future[_T], tuple[int, int]] = {}
        busy = [0] * len(self._pools)

        def next_for(worker: int) -> int | None:
            if pinned[worker]:
                return pinned[worker].popleft()
            if anywhere:
                return anywhere.popleft()
            # Nothing of its own left: take the last task of the busiest other process
            # (the file is parsed again here, which costs less than waiting idle).
            other = max(range(len(pinned)), key=lambda w: len(pinned[w]))
            return pinned[other].pop() if len(pinned[other]) > 1 else None

        def fill(worker: int) -> None:
            # Two tasks queued per process, so none waits for the parent between tasks.
            while busy[worker] < 2:
                index = next_for(worker)
                if index is None:
                    return
                busy[worker] += 1
                running[self._pools[worker].submit(function, *tasks[index][1])] = (index, worker)

        for worker in range(len(self._pools)):
            fill(worker)
        while running:
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                index, worker = running.pop(future)
                answers[index] = future.result()
                busy[worker] -= 1
                if ran is not None:
                    ran(index, worker)
                fill(worker)
        return [answers[index] for index in range(len(tasks))]

    def shutdown(self) -> None:
        """Stop every process, cancelling what has not started."""
        for pool in self._pools:
            pool.shutdown(cancel_futures=True)


def _learned(files: list[Path], settings: Settings, learning: Learning
             ) -> dict[Path, tuple[Evidence | None, bytes]]:
    """Each file's project evidence, and the choices it makes as bytes for the cache key.

    The choices a file's own docstrings make are in its bytes; what its project shows is
    not, so a project that starts writing module docstrings re-checks its files. Each
    sampled file's evidence is kept in the result store by content: a warm run hashes the
    sample, it does not parse it.
    """
    if settings.conventions != "learn":
        return {}
    from llm_doc_manager.docstrings.conventions import HouseStyle

    found: dict[Path, tuple[Evidence | None, bytes]] = {}
    for path in files:
        # The widest level generate learns from: the project, else (no project marker up
        # the tree) the file's folder.
        folder = path.absolute().parent
        root = learning.root(folder)
        project = learning.project(root) if root is not None else learning.folder(folder)
        house = HouseStyle((project,))
        # The method names (and ``from_*``) whose Returns the project omits: LD321 depends
        # on them (``exempt.asked_sections``), so they key the result too.
        omitted = ",".join(sorted(name for name in project.named_returns
                                  if house.omits_returns(name, False)))
        found[path] = project, bytes(b"01"[c] for c in house.checked_choices) + \
            b"\0" + omitted.encode()
    return found


def collect(files: list[Path], settings: Settings, all_defs: bool, use_cache: bool,
            jobs: int, since: Since | None = None) -> list[Finding]:
    """Return the findings of ``files``, from the result cache where the content is known.

    Args:
        files: The files.
        settings: The run's settings (width and cache folder).
        all_defs: Check every definition.
        use_cache: Read and write the result cache.
        jobs: Worker processes (0: one per core).
        since: ``--since``: only the findings of definitions changed since the revision.

    Returns:
        Every finding, before select, ignore and baseline are applied.
    """
    signature = _signature(settings, all_defs).encode()
    findings: list[Finding] = []
    results: ResultStore[str] = ResultStore(
        cache_dir(settings) / RESULTS_FILE if use_cache else None)
    count = jobs or (os.cpu_count() or 1)
    # The same processes for both steps: learning (each file the conventions and class
    # facts come from, read and parsed in a worker, which keeps the trees of the files it
    # checks next) and the checks.
    workers = _Workers(count) if count > 1 and len(files) >= _PARALLEL_FROM else None
    with fewer_collections():
        try:
            return _collect(files, settings, all_defs, since, signature, results, findings,
                            workers)
        finally:
            if workers is not None:
                workers.shutdown()
            drop_kept()  # the trees a run without workers kept here and did not check
            results.close()


def _collect(files: list[Path], settings: Settings, all_defs: bool, since: Since | None,
             signature: bytes, results: ResultStore[str], findings: list[Finding],
             workers: _Workers | None) -> list[Finding]:
    """``collect``'s run, with its store and workers set up."""
    jobs_list = _jobs(files, settings, all_defs, signature, results, findings, workers)
    known = {key: rows for key, value in results.get_many([j.key for j in jobs_list]).items()
             if (rows := _stored(value)) is not None}
    todo = [j for j in jobs_list if j.key not in known]
    fresh = _check_all(todo, all_defs, settings, workers)
    results.put_many([(j.key, json.dumps(rows)) for j, rows in zip(todo, fresh,
                                                                   strict=True)])
    known.update((j.key, rows) for j, rows in zip(todo, fresh, strict=True))
    for job in jobs_list:
        path = Path(job.path)
        findings.extend(Finding(path, int(str(line)), int(str(col)), str(code), str(msg))
                        for line, col, code, msg in known[job.key])
    return findings if since is None else _changed_only(findings, since)


def _changed_only(findings: list[Finding], since: Since) -> list[Finding]:
    """The findings of changed definitions (a file's whole file and marker findings stay).

    A file is checked whole (its result is cached by content); what is reported is cut to
    the definitions ``--since`` names, each finding going to the innermost def or class
    around its line (the module's missing docstring is reported at line 1, column 1).
    """
    from llm_doc_manager.analysis.changed import MODULE, changed_definitions
    from llm_doc_manager.analysis.load import load_file

    owned: dict[Path, ChangedDefinitions | None] = {}
    kept: list[Finding] = []
    for finding in findings:
        if finding.line == 0 or finding.code.startswith(("LD0", "LD1")):
            kept.append(finding)
            continue
        if finding.path not in owned:
            changes = since.of(finding.path)
            loaded = load_file(finding.path) if changes is not None else None
            owned[finding.path] = changed_definitions(loaded.tree, changes) \
                if isinstance(loaded, LoadedFile) and changes is not None else None
        changed = owned[finding.path]
        if changed is None:  # unchanged, or unreadable now: its findings say so already
            continue
        module = finding.code == MISSING_DOCSTRING and (finding.line, finding.col) == (1, 1)
        if (MODULE if module else changed.owner(finding.line)) in changed.changed:
            kept.append(finding)
    return kept


def _jobs(files: list[Path], settings: Settings, all_defs: bool, signature: bytes,
          results: ResultStore[str], findings: list[Finding],
          workers: _Workers | None) -> list[_Job]:
    """One job per readable file, keyed by what its findings depend on (the rest: findings)."""
    from llm_doc_manager.docstrings.conventions import HouseStyle
    from llm_doc_manager.docstrings.learning import Learning

    jobs_list: list[_Job] = []
    learning = Learning(results)
    if settings.conventions == "learn":
        # What the store does not know is read and parsed in the workers (or here); the
        # sums, the class facts' hierarchy and the keys stay here (``_learned`` and below
        # find them). A file learned from and checked keeps its tree where it was parsed.
        checked = frozenset(path.absolute() for path in files)
        learning.prime(files, bases=all_defs, spread=_spread(workers, checked), reach=False)
    learned = _learned(files, settings, learning)
    sources = {path: read_file(path) for path in files}
    if all_defs:  # every file's class facts in one query of the store
        learning.facts({path.absolute(): source for path, source in sources.items()
                        if not isinstance(source, Finding)})
    for path, source in sources.items():
        if isinstance(source, Finding):  # unreadable or undecodable: nothing to check
            findings.append(source)
            continue
        # A module's privacy, its re-exports and whether it is test code come from its path
        # and its packages' ``__init__.py`` files, not its bytes (LD301).
        private = (module_standing(path) + "\0").encode() if all_defs else b"\0"
        project, choices = learned.get(path, (None, b""))
        # What its methods inherit comes from other files (its bases' docstrings, the
        # project's share of documented method names): the result is keyed by it.
        inherited = learning.overrides(path, source, HouseStyle(
            (project,) if project is not None else ())) if all_defs else None
        used = inherited.key() if inherited is not None else b""
        jobs_list.append(_Job(str(path), hashlib.sha256(
            signature + private + choices + b"\0" + used + b"\0" + source.digest).hexdigest(),
            project, inherited))
    return jobs_list


def _stored(value: str) -> list[list[object]] | None:
    """The findings of a stored value, or None when it is not exactly what ``collect`` writes."""
    try:
        rows = json.loads(value)
    except (ValueError, TypeError, RecursionError):
        return None
    if type(rows) is not list or not all(
            type(row) is list and len(row) == 4 and type(row[0]) is int and type(row[1]) is int
            and type(row[2]) is str and type(row[3]) is str for row in rows):
        return None
    return rows


