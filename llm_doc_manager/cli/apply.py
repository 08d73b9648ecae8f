"""The one place changes reach the disk: diff, check, review or write, for generate and --fix."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import signal
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from types import FrameType

from rich.console import Console

from llm_doc_manager import codes
from llm_doc_manager.analysis import Kind
from llm_doc_manager.cli.review import Answer, ask, print_diff, unified_diff
from llm_doc_manager.cli.text import plural
from llm_doc_manager.codes import Finding, visible
from llm_doc_manager.errors import ApplyError, StaleFileError
from llm_doc_manager.generate import FileChange, FileResult, RegionResult, Status
from llm_doc_manager.source import remove_leftovers, write_atomic


class WriteBack(Enum):
    """What to do with the changes (black's ``--check`` / ``--diff`` / write, plus review)."""

    CHECK = "check"
    DIFF = "diff"
    YES = "yes"
    REVIEW = "review"


@dataclass
class Report:
    """What a run did, for the closing summary and the exit code.

    Attributes:
        findings: Problems to report.
        statuses: Region outcomes (after a review: of the regions accepted).
        files_changed: Files written (or that would be, with check/diff).
        pending: Changes were left unwritten that the user should know about (exit 1).
        declined: Regions the reviewer declined or never saw (``n``, ``q``).
        written: The files written, in order.
        digests: SHA-256 of the bytes written, by file (what a later run will read).
        interrupted: The run was stopped by a signal or Ctrl-C/Ctrl-D (exit 130).
        entries: Entries of arguments that left the signature, by what was done with them
            (``renamed``, ``removed``, ``kept``), in the regions counted in ``statuses``.
    """

    findings: list[Finding] = field(default_factory=list)
    statuses: Counter[Status] = field(default_factory=Counter)
    files_changed: int = 0
    pending: bool = False
    declined: int = 0
    written: list[Path] = field(default_factory=list)
    digests: dict[Path, bytes] = field(default_factory=dict)
    interrupted: bool = False
    entries: Counter[str] = field(default_factory=Counter)

    def add(self, results: Sequence[FileResult]) -> list[FileChange]:
        """Count the results' outcomes and findings; return the files that would change."""
        changes = []
        for result in results:
            self.findings.extend(result.findings)
            if isinstance(result, FileChange):
                self.statuses.update(r.status for r in result.regions)
                for region in result.regions:
                    _count_entries(self, region, 1)
                if result.changed:
                    changes.append(result)
        return changes


def write_change(change: FileChange, text: str, report: Report) -> bool:
    """Write a file atomically; a stale or unwritable file becomes a finding.

    Args:
        change: The processed file.
        text: The text to write (verified).
        report: Where problems and counts go.

    Returns:
        Whether the file was written.
    """
    return _record(change, _written_or_why(change, text), report)


def _written_or_why(change: FileChange, text: str) -> bytes | Finding:
    """Write one file: the digest of the bytes written, or the finding that says why not."""
    try:
        write_atomic(change.source, text)
    except StaleFileError as exc:
        return Finding(change.source.path, 0, 0, codes.CHANGED_ON_DISK, str(exc))
    except OSError as exc:
        if exc.errno == errno.EFBIG:  # over the size limit (LLM_DOC_MAX_FILE_MB)
            return Finding(change.source.path, 0, 0, codes.TOO_LARGE, str(exc.strerror))
        return Finding(change.source.path, 0, 0, codes.IO_ERROR,
                       f"cannot write: {exc.strerror or exc}")
    return hashlib.sha256(change.source.encode(text)).digest()


def _record(change: FileChange, outcome: bytes | Finding, report: Report) -> bool:
    """Count one write's outcome in the report; whether the file was written."""
    if isinstance(outcome, Finding):
        report.findings.append(outcome)
        return False
    report.files_changed += 1
    report.written.append(change.source.path)
    report.digests[change.source.path] = outcome
    return True


# Files written at once by ``--yes``. Each write waits for the disk (fsync), not for the
# CPU: 571 files took 0.3-1.2 s one after the other on this project's machine, 0.25 s eight
# at a time.
_WRITERS = 8


def _write_all(changes: Sequence[FileChange], report: Report, err: Console) -> None:
    """Write every change, a few at once; a signal stops starting new ones.

    Each file is still written whole or not at all, and the report lists the files in the
    changes' order, as one after the other would.
    """
    stop = _Stop()
    started: list[tuple[FileChange, Future[bytes | Finding]]] = []
    running: set[Future[bytes | Finding]] = set()
    with stop.deferred(), ThreadPoolExecutor(max_workers=_WRITERS,
                                             thread_name_prefix="llm-doc-write") as pool:
        for change in changes:
            if len(running) >= _WRITERS:  # none waits for a thread: a stop is quick
                running = wait(running, return_when=FIRST_COMPLETED).not_done
            if stop.requested is not None:
                break
            task = pool.submit(_written_or_why, change, change.new_text)
            started.append((change, task))
            running.add(task)
    for change, task in started:
        _record(change, task.result(), report)
    if stop.requested is not None:
        report.interrupted = True
        err.print("Interrupted; " + _written(report))


def _describe(change: FileChange, region: RegionResult) -> str:
    where = f"{visible(str(change.source.path))}:{region.line}"
    if region.kind is Kind.COMM:
        return f"\n{where}: comment"
    return f"\n{where}: {region.status.value} {region.kind.value} docstring for {region.qualname}"


def review_changes(changes: Sequence[FileChange], out: Console, err: Console,
                   report: Report, stop: _Stop) -> None:
    """Show each region's diff and ask y/n/a/q; write what was accepted, verified.

    Each diff is shown from the region's own edits; only the combination accepted for a
    file is verified, once, before that file is written. ``q``, Ctrl-C and Ctrl-D stop
    asking; what was accepted so far is written (Ctrl-C/Ctrl-D then exit 130).
    """
    accept_all = False
    for index, change in enumerate(changes):
        accepted: list[RegionResult] = []
        refused: list[RegionResult] = []
        shown = [r for r in change.regions if r.edits]
        answer = Answer.YES
        for region in shown:
            if not accept_all:
                err.print(_describe(change, region))
                print_diff(out, unified_diff(str(change.source.path), change.source.text,
                                             change.preview(region)))
                answer = ask(err)
                if answer in (Answer.QUIT, Answer.INTERRUPT):
                    break
                if answer is Answer.NO:
                    refused.append(region)
                    continue
                accept_all = answer is Answer.ALL
            accepted.append(region)
        stopping = answer in (Answer.QUIT, Answer.INTERRUPT)
        _decline(report, refused)
        if stopping:
            _decline(report, [r for r in shown if r not in accepted and r not in refused])
            _decline(report, [r for later in changes[index + 1:] for r in later.regions
                              if r.edits])
        if accepted:
            try:
                text = change.text_with(accepted)
            except ApplyError as exc:
                _decline(report, accepted)
                report.findings.append(Finding(change.source.path, 0, 0, codes.SAFETY_CHECK,
                                               f"the accepted changes fail verification: "
                                               f"{exc}; not written"))
            else:
                with stop.deferred():
                    write_change(change, text, report)
        if stopping or stop.requested is not None:
            report.interrupted = answer is Answer.INTERRUPT or stop.requested is not None
            err.print(("Interrupted" if report.interrupted else "Stopped") + "; "
                      + _written(report))
            return


def _decline(report: Report, regions: Sequence[RegionResult]) -> None:
    """Count regions as declined rather than generated/updated."""
    for region in regions:
        report.statuses[region.status] -= 1
        report.declined += 1
        _count_entries(report, region, -1)


def _count_entries(report: Report, region: RegionResult, sign: int) -> None:
    """Add (or, for a declined region, take back) what a region did with gone entries."""
    changes = region.entries
    report.entries.update({"renamed": sign * changes.renamed,
                           "removed": sign * changes.removed, "kept": sign * changes.kept})


def _written(report: Report) -> str:
    """Which files were written, for the message after a stop."""
    if not report.written:
        return "nothing was written."
    names = ", ".join(str(p) for p in report.written[:10])
    more = f" and {len(report.written) - 10} more" if len(report.written) > 10 else ""
    return f"written: {names}{more}; nothing else was changed."


@contextlib.contextmanager
def signals_handled(handler: Callable[[int, FrameType | None], object], *signums: int
                    ) -> Iterator[None]:
    """Run the block with ``handler`` for ``signums``, then restore the previous handlers.

    Signal handlers can only be set in the main thread; elsewhere the block runs as is.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.signal(signum, handler) for signum in signums}
    try:
        yield
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)


class _Stop:
    """Defers SIGINT and SIGTERM while files are written, so a write is never cut short.

    A signal during a write is remembered; the loop stops before the next file. Every file
    is thus either written whole or untouched, no temporary file is left behind, and the
    run can say exactly which files it wrote.
    """

    def __init__(self) -> None:
        self.requested: int | None = None

    def deferred(self) -> contextlib.AbstractContextManager[None]:
        """Hold SIGINT/SIGTERM until the block ends (main thread only)."""
        return signals_handled(self._remember, signal.SIGINT, signal.SIGTERM)

    def _remember(self, signum: int, frame: FrameType | None) -> None:
        self.requested = signum


def apply_changes(changes: Sequence[FileChange], mode: WriteBack, out: Console, err: Console,
                  report: Report, *, hint: str, quiet: bool = False, diff: bool = False) -> None:
    """Do with the changes what the mode says.

    Args:
        changes: Files that would change.
        mode: Check, diff, write or review. Review on a stdin that is not a terminal
            writes nothing and says so (``hint`` tells how to apply instead).
        out: Where diffs go.
        err: Where messages go.
        report: Where counts, findings and pending changes go.
        hint: The flags that apply or show the changes, for the non-terminal message.
        quiet: Say nothing but problems.
        diff: With CHECK: print the diffs too (black's ``--check --diff``).
    """
    if mode in (WriteBack.YES, WriteBack.REVIEW):
        for leftover in remove_leftovers(change.source.path for change in changes):
            if not quiet:
                err.print(f"removed {leftover}, left by an interrupted run")
    if mode is WriteBack.REVIEW and changes and not sys.stdin.isatty():
        err.print(f"stdin is not a terminal: nothing was written. {hint}")
        report.files_changed = len(changes)
        report.pending = True
        return
    if mode in (WriteBack.CHECK, WriteBack.DIFF):
        report.files_changed = len(changes)
        for change in changes:
            if mode is WriteBack.DIFF or diff:
                print_diff(out, unified_diff(str(change.source.path), change.source.text,
                                             change.new_text))
            elif not quiet:
                err.print(f"would change {visible(str(change.source.path))}")
        report.pending = mode is WriteBack.CHECK and bool(changes)
    elif mode is WriteBack.YES:
        _write_all(changes, report, err)
    else:
        review_changes(changes, out, err, report, _Stop())


def summary_line(report: Report, verb: str) -> str:
    """Describe a run in one line (``3 files changed; regions: …``)."""
    counts = report.statuses
    problems = f"; {plural(len(report.findings), 'problem')}" if report.findings else ""
    foreign = counts[Status.FOREIGN]
    if foreign:
        problems = f"; {foreign} left in a style not read (Epytext){problems}"
    declined = f", {report.declined} declined" if report.declined else ""
    done = [f"{report.entries[key]} {label}" for key, label in (
        ("renamed", "renamed"), ("removed", "removed"), ("kept", "kept for a person"))
        if report.entries[key] > 0]
    entries = f"; entries: {', '.join(done)}" if done else ""
    return (f"{plural(report.files_changed, 'file')} {verb}; regions: "
            f"{counts[Status.GENERATED]} generated, {counts[Status.UPDATED]} updated, "
            f"{counts[Status.UNCHANGED]} unchanged, {counts[Status.FAILED]} failed{declined}"
            f"{entries}{problems}")
