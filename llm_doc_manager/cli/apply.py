"""The one place changes reach the disk: diff, check, review or write, for generate and --fix."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum

from rich.console import Console

from llm_doc_manager import codes
from llm_doc_manager.analysis import Kind
from llm_doc_manager.cli.review import Answer, ask, print_diff, unified_diff
from llm_doc_manager.cli.text import plural
from llm_doc_manager.codes import Finding
from llm_doc_manager.errors import ApplyError, StaleFileError
from llm_doc_manager.generate import FileChange, FileResult, RegionResult, Status
from llm_doc_manager.source import write_atomic


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
        statuses: Region outcomes.
        files_changed: Files written (or that would be, with check/diff).
        pending: Changes were left unwritten that the user should know about (exit 1).
    """

    findings: list[Finding] = field(default_factory=list)
    statuses: Counter[Status] = field(default_factory=Counter)
    files_changed: int = 0
    pending: bool = False

    def add(self, results: Sequence[FileResult]) -> list[FileChange]:
        """Count the results' outcomes and findings; return the files that would change."""
        changes = []
        for result in results:
            self.findings.extend(result.findings)
            if isinstance(result, FileChange):
                self.statuses.update(r.status for r in result.regions)
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
    try:
        write_atomic(change.source, text)
    except StaleFileError as exc:
        report.findings.append(Finding(change.source.path, 0, 0, codes.CHANGED_ON_DISK,
                                       str(exc)))
        return False
    except OSError as exc:
        report.findings.append(Finding(change.source.path, 0, 0, codes.IO_ERROR,
                                       f"cannot write: {exc.strerror or exc}"))
        return False
    report.files_changed += 1
    return True


def _describe(change: FileChange, region: RegionResult) -> str:
    where = f"{change.source.path}:{region.line}"
    if region.kind is Kind.COMM:
        return f"\n{where}: comment"
    return f"\n{where}: {region.status.value} {region.kind.value} docstring for {region.qualname}"


def review_changes(changes: Sequence[FileChange], out: Console, err: Console,
                   report: Report) -> None:
    """Show each region's diff and ask y/n/a/q; write what was accepted, verified.

    Each diff is shown from the region's own edits; only the combination accepted for a
    file is verified, once, before that file is written.
    """
    accept_all = False
    for change in changes:
        accepted: list[RegionResult] = []
        quit_now = False
        for region in (r for r in change.regions if r.edits):
            if not accept_all:
                err.print(_describe(change, region))
                print_diff(out, unified_diff(str(change.source.path), change.source.text,
                                             change.preview(region)))
                answer = ask(err)
                if answer is Answer.QUIT:
                    quit_now = True
                    break
                if answer is Answer.NO:
                    continue
                accept_all = answer is Answer.ALL
            accepted.append(region)
        if accepted:
            try:
                text = change.text_with(accepted)
            except ApplyError as exc:
                report.findings.append(Finding(change.source.path, 0, 0, codes.SAFETY_CHECK,
                                               f"the accepted changes fail verification: "
                                               f"{exc}; not written"))
            else:
                write_change(change, text, report)
        if quit_now:
            err.print("Stopped; the changes accepted so far were written.")
            return


def apply_changes(changes: Sequence[FileChange], mode: WriteBack, out: Console, err: Console,
                  report: Report, *, hint: str, quiet: bool = False) -> None:
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
    """
    if mode is WriteBack.REVIEW and changes and not sys.stdin.isatty():
        err.print(f"stdin is not a terminal: nothing was written. {hint}")
        report.files_changed = len(changes)
        report.pending = True
        return
    if mode in (WriteBack.CHECK, WriteBack.DIFF):
        report.files_changed = len(changes)
        for change in changes:
            if mode is WriteBack.DIFF:
                print_diff(out, unified_diff(str(change.source.path), change.source.text,
                                             change.new_text))
            elif not quiet:
                err.print(f"would change {change.source.path}")
        report.pending = mode is WriteBack.CHECK and bool(changes)
    elif mode is WriteBack.YES:
        for change in changes:
            write_change(change, change.new_text, report)
    else:
        review_changes(changes, out, err, report)


def summary_line(report: Report, verb: str) -> str:
    """Describe a run in one line (``3 files changed; regions: …``)."""
    counts = report.statuses
    problems = f"; {plural(len(report.findings), 'problem')}" if report.findings else ""
    foreign = counts[Status.FOREIGN]
    if foreign:
        problems = f"; {foreign} left in another style (numpy, reST){problems}"
    return (f"{plural(report.files_changed, 'file')} {verb}; regions: "
            f"{counts[Status.GENERATED]} generated, {counts[Status.UPDATED]} updated, "
            f"{counts[Status.UNCHANGED]} unchanged, {counts[Status.FAILED]} failed{problems}")
