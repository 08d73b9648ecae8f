"""``--since``: which definitions of one parsed file changed, from its changed lines.

A def changed when a changed line (or a removal at its edge) falls anywhere in its span,
decorators and signature included. A class changed for its own docstring when its own lines
changed (its header, decorators, class-level statements: not only a method's body), or when
its ``__init__``, ``__new__`` or ``__post_init__`` changed (a class docstring may document
the constructor's arguments and the attributes it sets). The module changed when a line
outside every def and class changed. In a new file everything changed.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

from llm_doc_manager.analysis.load import load_file
from llm_doc_manager.analysis.nodes import first_line, iter_defs
from llm_doc_manager.codes import Finding
from llm_doc_manager.source.since import LineChanges, Since

# Where the arguments and attributes a class docstring documents come from.
_CONSTRUCTORS = frozenset({"__init__", "__new__", "__post_init__"})
#: The line that stands for the module in ``ChangedDefinitions.changed``.
MODULE = 0


@dataclass(frozen=True)
class ChangedDefinitions:
    """The changed definitions of one file, and who owns each line.

    Attributes:
        changed: ``lineno`` of each changed def and class; ``MODULE`` for the module.
        spans: ``(start, end, lineno)`` of every def and class, smallest first.
    """

    changed: frozenset[int]
    spans: tuple[tuple[int, int, int], ...]

    def owner(self, line: int) -> int:
        """The ``lineno`` of the innermost def or class around ``line`` (else ``MODULE``).

        Args:
            line: A 1-based line.

        Returns:
            Its owner's keyword line, or ``MODULE``.
        """
        return next((keyword for start, end, keyword in self.spans if start <= line <= end),
                    MODULE)


def changed_definitions(tree: ast.Module, changes: LineChanges) -> ChangedDefinitions:
    """Find the definitions of ``tree`` that ``changes`` touch.

    Args:
        tree: The file as parsed now.
        changes: Its changed lines since the revision.

    Returns:
        The changed definitions and every definition's span.
    """
    defs = [(first_line(d.node), d.end, d.node) for d in iter_defs(tree)]
    spans = tuple(sorted(((s, e, n.lineno) for s, e, n in defs), key=lambda x: x[1] - x[0]))
    changed: set[int] = set()
    if changes.new:
        return ChangedDefinitions(frozenset({MODULE, *(n.lineno for _, _, n in defs)}), spans)
    for start, end, node in defs:
        if not isinstance(node, ast.ClassDef):
            if changes.touches(start, end):
                changed.add(node.lineno)
            continue
        inner = [(s, e) for s, e, n in defs if n is not node and start <= s and e <= end]
        if _own(changes, start, end, inner) or any(
                _constructor(changes, member) for member in node.body):
            changed.add(node.lineno)
    if _own(changes, 1, sys.maxsize, [(s, e) for s, e, _ in defs]):
        changed.add(MODULE)
    return ChangedDefinitions(frozenset(changed), spans)


def _own(changes: LineChanges, start: int, end: int, inner: list[tuple[int, int]]) -> bool:
    """Whether a change in ``start``..``end`` falls outside every ``inner`` span.

    A removal right after an inner definition counts for both: it may have been its last
    lines or the outer one's.
    """
    return any(start <= line <= end and not any(s <= line <= e for s, e in inner)
               for line in changes.lines) or any(
        start - 1 <= gap <= end and not any(s <= gap < e for s, e in inner)
        for gap in changes.gaps)


def _constructor(changes: LineChanges, member: ast.stmt) -> bool:
    """Whether an ``__init__``, ``__new__`` or ``__post_init__`` changed: the arguments and
    attributes a class docstring documents come from them."""
    return isinstance(member, (ast.FunctionDef, ast.AsyncFunctionDef)) and \
        member.name in _CONSTRUCTORS and \
        changes.touches(first_line(member), member.end_lineno or member.lineno)


def changed_only(files: list[Path], since: Since) -> tuple[list[Path], dict[Path, frozenset[int]]]:
    """The files with changed definitions, and those definitions (``Options.only``).

    Args:
        files: The files of the run.
        since: What changed since the revision.

    Returns:
        The files to process (unchanged ones are not read; one that cannot be read or
        parsed stays, so the run reports why) and, per file, the ``lineno`` of each changed
        definition (``MODULE`` for the module).
    """
    kept: list[Path] = []
    only: dict[Path, frozenset[int]] = {}
    for path in files:
        changes = since.of(path)
        if changes is None:
            continue
        loaded = load_file(path)
        lines = frozenset() if isinstance(loaded, Finding) else \
            changed_definitions(loaded.tree, changes).changed
        if lines or isinstance(loaded, Finding):
            kept.append(path)
            only[path] = lines
    return kept, only
