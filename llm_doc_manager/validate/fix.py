"""What ``validate --fix`` rewrites: the definitions that own fixable findings."""

from __future__ import annotations

from pathlib import Path

from llm_doc_manager.analysis.load import load_file
from llm_doc_manager.analysis.nodes import iter_defs
from llm_doc_manager.codes import Finding


def owners(path: Path, lines: set[int]) -> frozenset[int]:
    """Return the keyword lines of the innermost def or class around each finding line.

    Args:
        path: The file.
        lines: Lines of its findings.

    Returns:
        ``node.lineno`` of each definition to fix (none when the file cannot be read).
    """
    loaded = load_file(path)
    if isinstance(loaded, Finding):
        return frozenset()
    spans = sorted(((d.start, d.end, d.node.lineno) for d in iter_defs(loaded.tree)),
                   key=lambda s: s[1] - s[0])
    found = set()
    for line in lines:
        for start, end, keyword in spans:  # smallest span first: the innermost owner
            if start <= line <= end:
                found.add(keyword)
                break
    return frozenset(found)
