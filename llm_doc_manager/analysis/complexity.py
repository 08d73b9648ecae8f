"""Cyclomatic complexity of functions and classes, counted as radon counts it.

radon is what Python users know the number from (``radon cc``), so its rules are kept,
including its choices: a function starts at 1 and gains 1 per ``if``/``elif``, conditional
expression, ``for``/``while`` loop and 1 more for the loop's ``else``, ``except`` handler
and ``try``'s ``else``, each ``and``/``or`` operand after the first, comprehension ``for``
and each of its ``if``s, ``assert``, and ``match`` case (a catch-all ``case _:`` or
``case name:`` not counted); nothing for ``with`` or ``finally``. Nested functions and
classes are scored on their own and add nothing to the function around them; a lambda's
decisions count for the function that holds it. Like radon, nothing inside an ``assert``
counts beyond the ``assert`` itself, and decorators and default values are not looked at.

One deliberate difference: the handlers of ``try``/``except*`` (Python 3.11) count like
those of ``try``/``except``; radon 6 gives them nothing.

A class scores like radon's ``C`` blocks: 1, plus the decisions of its body outside
methods, plus its methods' complexities, averaged over the methods (rounded down) and
plus one when it has more than one method.
"""

from __future__ import annotations

import ast

from llm_doc_manager.analysis.nodes import DefNode

# ``try``/``except*`` exists from Python 3.11 on.
_TRIES: tuple[type[ast.AST], ...] = tuple(
    kind for kind in (ast.Try, getattr(ast, "TryStar", None)) if kind is not None)
_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
# The nodes that can add a decision (``_decisions``); the others (names, calls, constants:
# most of a tree) add nothing and are not asked.
_DECIDING: tuple[type[ast.AST], ...] = (
    ast.BoolOp, ast.If, ast.IfExp, ast.Assert, ast.For, ast.AsyncFor, ast.While,
    ast.comprehension, ast.Match, *_TRIES)


def complexity(node: DefNode) -> int:
    """Return the cyclomatic complexity of a function, method or class.

    Args:
        node: A ``def``, ``async def`` or ``class`` node.

    Returns:
        The complexity (1 for straight-line code).
    """
    return complexities(node)[node]


def complexities(root: ast.AST) -> dict[DefNode, int]:
    """Return the complexity of every def and class in ``root`` (itself included), in one pass.

    Args:
        root: A module, or a def or class node.

    Returns:
        Each definition's complexity, nested ones included.
    """
    counts: dict[DefNode, int] = {}
    methods: dict[ast.ClassDef, list[DefNode]] = {}
    order: list[DefNode] = []
    # Each entry: a node, the definition its decisions count for (None at module level),
    # and the class whose methods a def found there would be.
    todo: list[tuple[ast.AST, DefNode | None, ast.ClassDef | None]] = [(root, None, None)]
    while todo:
        current, owner, in_class = todo.pop()
        if isinstance(current, _DEFS):
            counts[current] = 0
            order.append(current)
            if in_class is not None and not isinstance(current, ast.ClassDef):
                methods[in_class].append(current)
            body_class = current if isinstance(current, ast.ClassDef) else None
            if body_class is not None:
                methods[body_class] = []
            # Only the body is looked at: decorators, defaults, bases count for no one.
            todo.extend((stmt, current, body_class) for stmt in current.body)
            continue
        if owner is not None and isinstance(current, _DECIDING):
            counts[owner] += _decisions(current)
        if isinstance(current, ast.Assert):
            continue  # radon stops here: the condition's own operators are not counted
        # Fields read directly: ast.iter_child_nodes' generator per node cost as much as
        # the rest of the walk (the order children are met in changes no count).
        for name in current._fields:
            value = getattr(current, name, None)
            if isinstance(value, ast.AST):
                todo.append((value, owner, in_class))
            elif isinstance(value, list):
                todo.extend((child, owner, in_class) for child in value
                            if isinstance(child, ast.AST))
    scores: dict[DefNode, int] = {}
    # Inner definitions were found after outer ones: scoring in reverse order scores
    # every method before the class that needs it.
    for node in reversed(order):
        if isinstance(node, ast.ClassDef):
            found = methods[node]
            real = 1 + counts[node] + sum(scores[m] for m in found)
            scores[node] = real // len(found) + (len(found) > 1) if found else real
        else:
            scores[node] = 1 + counts[node]
    return scores


def _decisions(node: ast.AST) -> int:
    """The decision points a node adds by itself (its children are counted on their own)."""
    if isinstance(node, ast.BoolOp):
        return len(node.values) - 1
    if isinstance(node, ast.If | ast.IfExp | ast.Assert):
        return 1
    if isinstance(node, ast.For | ast.AsyncFor | ast.While):
        return 1 + bool(node.orelse)
    if isinstance(node, ast.comprehension):
        return 1 + len(node.ifs)
    if isinstance(node, _TRIES):
        return len(node.handlers) + bool(node.orelse)  # type: ignore[attr-defined]
    if isinstance(node, ast.Match):
        catch_all = any(isinstance(case.pattern, ast.MatchAs) and case.pattern.pattern is None
                        for case in node.cases)
        return max(0, len(node.cases) - catch_all)
    return 0
