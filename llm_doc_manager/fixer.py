"""``validate --fix``: sync the docstrings that have fixable findings, offline.

The fix is the ``static`` provider's update path — arguments, Returns/Yields, Raises and
Attributes follow the code, human text stays — through the same pipeline, verification,
review and atomic writes as ``generate``.
"""

from __future__ import annotations

import ast
import asyncio
import sys
from pathlib import Path

from rich.console import Console

from llm_doc_manager.analysis import DefNode, first_line
from llm_doc_manager.cli import Report, review_changes, summary_line, write_change
from llm_doc_manager.config import Settings
from llm_doc_manager.errors import Finding
from llm_doc_manager.files import SourceDecodeError, read_source
from llm_doc_manager.pipeline import FileChange, FileError, Options, run_files
from llm_doc_manager.providers.static import StaticProvider
from llm_doc_manager.review import print_diff, unified_diff


def owners(path: Path, lines: set[int]) -> frozenset[int]:
    """Return the keyword lines of the innermost def/class around each finding line.

    Args:
        path (Path): The file.
        lines (set[int]): Lines of its findings.

    Returns:
        frozenset[int]: ``node.lineno`` of the definitions to fix.
    """
    try:
        tree = ast.parse(read_source(path).text)
    except (SyntaxError, ValueError, SourceDecodeError, OSError):
        return frozenset()
    spans = sorted(((first_line(n), n.end_lineno or n.lineno, n.lineno)
                    for n in ast.walk(tree) if isinstance(n, DefNode)),
                   key=lambda s: s[1] - s[0])
    found = set()
    for line in lines:
        for start, end, keyword in spans:  # smallest span first: the innermost owner
            if start <= line <= end:
                found.add(keyword)
                break
    return frozenset(found)


def fix(findings: list[Finding], settings: Settings, *, yes: bool, diff: bool) -> int | None:
    """Fix what can be fixed; review (or apply with ``yes``, or only show with ``diff``).

    Args:
        findings (list[Finding]): The fixable findings.
        settings (Settings): The run's settings (width).
        yes (bool): Apply without asking.
        diff (bool): Print the diff; write nothing.

    Returns:
        int | None: An exit code when the run must end here (nothing to review on a
        non-terminal), else None to go on reporting what is left.
    """
    by_file: dict[Path, set[int]] = {}
    for finding in findings:
        by_file.setdefault(finding.path, set()).add(finding.line)
    only = {path: owners(path, lines) for path, lines in by_file.items()}
    if not only:
        return None
    options = Options(width=settings.width, all_defs=True, only=only)
    results = asyncio.run(run_files(sorted(only), StaticProvider(), options))
    changes = [r for r in results if isinstance(r, FileChange) and r.changed]
    err = Console(stderr=True, soft_wrap=True, markup=False, highlight=False)
    out = Console(soft_wrap=True, markup=False, highlight=False)
    report = Report()
    for result in results:
        if isinstance(result, FileError):
            report.findings.extend(result.findings)
        else:
            report.statuses.update(r.status for r in result.regions)
            report.findings.extend(result.findings)
    if diff:
        for change in changes:
            print_diff(out, unified_diff(str(change.source.path), change.source.text,
                                         change.new_text))
    elif yes:
        for change in changes:
            write_change(change, change.new_text, report)
    elif changes and not sys.stdin.isatty():
        err.print("stdin is not a terminal: nothing was fixed. Use --fix --yes to apply the "
                  "fixes, or --fix --diff to see them.")
        return 1
    else:
        review_changes(changes, out, err, report)
    for problem in sorted(report.findings):
        err.print(problem.render())
    if not diff:
        err.print("fix: " + summary_line(report, "changed"))
    return None
