"""Resolve marker regions (or ``--all``) to the code they document."""

from __future__ import annotations

import ast
import bisect
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from llm_doc_manager import codes
from llm_doc_manager.analysis.markers import Kind, MarkerProblem, Region
from llm_doc_manager.analysis.nodes import (
    Definition,
    DefNode,
    child_blocks,
    first_line,
    is_overload,
    iter_defs,
)


class Exempt(Protocol):
    """What ``--all`` leaves alone (``docstrings.exempt.Exemptions``, the one rule)."""

    def module_left_out(self) -> bool:
        """Whether the module docstring is left alone."""

    def left_out(self, definition: Definition) -> bool:
        """Whether a definition is left alone."""

    def in_line_only(self, definition: Definition) -> bool:
        """Whether a definition's docstring is only kept in line (no section added)."""


@dataclass(frozen=True)
class Target:
    """Something to document.

    Attributes:
        kind: DOC (function), CLASS, MODULE or COMM.
        node: The def/class/module (None for COMM).
        statements: The block a COMM region explains.
        qualname: Dotted name for messages (``Class.method``, ``<module>``).
        line: Line of the def/class keyword or first statement.
        class_name: Enclosing class of a method.
        region: The region that asked for it (None with ``--all``).
        in_line_only: An exempt definition's existing docstring (``--all``): entries of its
            sections are kept in line with the code, no section is added to it.
    """

    kind: Kind
    node: DefNode | ast.Module | None
    statements: tuple[ast.stmt, ...]
    qualname: str
    line: int
    class_name: str | None
    region: Region | None
    in_line_only: bool = False


def _last_line(stmt: ast.stmt) -> int:
    return stmt.end_lineno or stmt.lineno


def _statements(tree: ast.Module) -> Iterator[tuple[ast.stmt, list[ast.stmt]]]:
    stack: list[list[ast.stmt]] = [tree.body]
    while stack:
        block = stack.pop()
        for stmt in block:
            yield stmt, block
            stack.extend(child_blocks(stmt))


def resolve(tree: ast.Module, regions: tuple[Region, ...], all_defs: bool,
            exempt: Exempt | None = None) -> tuple[list[Target], list[MarkerProblem]]:
    """Find the target of each region.

    A region whose first definition is an ``@overload`` stub documents the implementation
    that follows the stubs (a stub is never given a docstring: that would split one-line
    stubs); with no implementation after it, the region is a problem.

    Args:
        tree: The parsed module.
        regions: Balanced regions.
        all_defs: Treat every def and class as marked.
        exempt: What ``all_defs`` leaves alone (None: nothing). An explicit marker wins.

    Returns:
        Targets in source order and region errors.
    """
    # By first line: a region's target is the first definition that starts inside it.
    defs = sorted(iter_defs(tree), key=lambda d: d.start)
    starts = [d.start for d in defs]
    targets: dict[int, Target] = {}
    problems: list[MarkerProblem] = []
    if all_defs:
        # ``validate --all`` asks every module for a docstring, so ``generate --all`` writes it.
        if exempt is None or not exempt.module_left_out():
            targets[id(tree)] = Target(Kind.MODULE, tree, (), "<module>", 1, None, None)
        for d in defs:
            if exempt is not None and exempt.left_out(d):
                continue
            kind = Kind.CLASS if isinstance(d.node, ast.ClassDef) else Kind.DOC
            targets[id(d.node)] = Target(kind, d.node, (), d.qualname, d.node.lineno,
                                         d.class_name, None,
                                         exempt is not None and exempt.in_line_only(d))
    for region in regions:
        if region.kind is Kind.MODULE:
            targets.setdefault(id(tree), Target(Kind.MODULE, tree, (), "<module>", region.start,
                                                None, region))
        elif region.kind is Kind.COMM:
            target, problem = _comm_target(tree, region)
            if problem:
                problems.append(problem)
            elif target:
                targets.setdefault(id(target.statements[0]), target)
        else:
            want_class = region.kind is Kind.CLASS
            first = _first_inside(defs, starts, region)
            if first is None:
                problems.append(_region_problem(region, want_class, None))
                continue
            if isinstance(first.node, ast.ClassDef) != want_class:
                problems.append(_region_problem(region, want_class, first))
                continue
            if is_overload(first.node):
                implementation = _implementation(defs, first)
                if implementation is None:
                    problems.append(MarkerProblem(
                        region.start, 1, codes.MARKER_NO_FUNCTION,
                        f"'@llm-{region.kind.value}' region (lines {region.start}-"
                        f"{region.end}): its first definition is the @overload stub "
                        f"{first.qualname!r}, with no implementation after it to document"))
                    continue
                first = implementation
            targets.setdefault(id(first.node), Target(region.kind, first.node, (), first.qualname,
                                                      first.node.lineno, first.class_name,
                                                      region))
    ordered = sorted(targets.values(), key=lambda t: (t.line, t.kind is not Kind.MODULE))
    return ordered, problems


def _first_inside(defs: list[Definition], starts: list[int], region: Region
                  ) -> Definition | None:
    """The first definition lying entirely between a region's markers."""
    for index in range(bisect.bisect_right(starts, region.start), len(defs)):
        found = defs[index]
        if found.start >= region.end:
            return None
        if found.end < region.end:
            return found
    return None


def _implementation(defs: list[Definition], stub: Definition) -> Definition | None:
    """The def after an ``@overload`` stub with its name that is not a stub itself."""
    for found in defs[defs.index(stub) + 1:]:
        if found.qualname == stub.qualname and found.class_name == stub.class_name and \
                not is_overload(found.node):
            return found
    return None


def _region_problem(region: Region, want_class: bool, found: Definition | None) -> MarkerProblem:
    code = codes.MARKER_NO_CLASS if want_class else codes.MARKER_NO_FUNCTION
    wanted = "class" if want_class else "function"
    if found is None:
        detail = f"no {wanted} lies entirely inside it"
    else:
        what = "class" if isinstance(found.node, ast.ClassDef) else "function"
        detail = f"its first definition is {what} {found.qualname!r}, not a {wanted}"
    return MarkerProblem(region.start, 1, code,
                         f"'@llm-{region.kind.value}' region (lines {region.start}-{region.end}): "
                         f"{detail}")


def _comm_target(tree: ast.Module, region: Region) -> tuple[Target | None, MarkerProblem | None]:
    inside: list[tuple[ast.stmt, list[ast.stmt]]] = []
    statements = list(_statements(tree))
    starts = sorted(first_line(stmt) for stmt, _ in statements)
    for stmt, block in statements:
        start, end = first_line(stmt), _last_line(stmt)
        inner_start = region.start < start < region.end
        inner_end = region.start < end < region.end
        if inner_end and not inner_start and region.end_col > stmt.col_offset and \
                bisect.bisect_right(starts, end) == bisect.bisect_left(starts, region.end):
            # The end marker trails the last statement of this block, indented as its body
            # (only comments come between): the region lies inside the block.
            continue
        if inner_start != inner_end:  # exactly one end inside: the statement straddles a marker
            return None, MarkerProblem(
                region.start, 1, codes.MARKER_COMM_BLOCK,
                f"'@llm-comm' region (lines {region.start}-{region.end}) crosses the block "
                f"boundary of the statement on lines {start}-{end}",
            )
        if inner_start:
            inside.append((stmt, block))
    if not inside:
        return None, MarkerProblem(region.start, 1, codes.MARKER_EMPTY,
                                   f"'@llm-comm' region (lines {region.start}-{region.end}) "
                                   "holds no statement")
    inside.sort(key=lambda pair: first_line(pair[0]))
    first, block = inside[0]
    members = tuple(s for s in block if region.start < first_line(s) and
                    _last_line(s) < region.end)
    return Target(Kind.COMM, None, members, f"<block at line {first_line(first)}>",
                  first_line(first), None, region), None
