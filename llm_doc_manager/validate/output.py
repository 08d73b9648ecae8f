"""Findings as text: human (ruff-like), JSON, or GitHub Actions annotations."""

from __future__ import annotations

import json
from pathlib import Path

from llm_doc_manager.codes import Finding, visible


def _escape_github(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_github_property(text: str) -> str:
    # A property (``file=``) ends at ``,`` or ``::``: a file name holding them, or a line
    # break, would otherwise start a workflow command of its own in the Actions log.
    return _escape_github(text).replace(":", "%3A").replace(",", "%2C")


def render(findings: list[Finding], fmt: str, color: bool) -> str:
    """Format findings for output.

    Args:
        findings: Sorted findings.
        fmt: ``human``, ``json`` or ``github``.
        color: Colour the human format.

    Returns:
        The text to print.
    """
    if fmt == "json":
        return json.dumps([{"path": f.path.as_posix(), "line": f.line, "col": f.col,
                            "code": f.code, "message": f.message} for f in findings]) + "\n"
    if fmt == "github":
        return "".join(
            f"::error file={_escape_github_property(f.path.as_posix())},"
            f"line={max(f.line, 1)},col={max(f.col, 1)},"
            f"title={f.code}::{_escape_github(f.message)}\n" for f in findings)
    out: list[str] = []
    previous: Path | None = None
    for finding in findings:
        if previous is not None and finding.path != previous:
            out.append("\n")
        previous = finding.path
        location = f"{visible(str(finding.path))}:{finding.line}:{finding.col}:"
        code = finding.code
        if color:
            location, code = f"\x1b[1m{location}\x1b[0m", f"\x1b[31m{code}\x1b[0m"
        out.append(f"{location} {code} {visible(finding.message)}\n")
    return "".join(out)
