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


def complexity(node: DefNode) -> int:
    """Return the cyclomatic complexity of a function, method or class.

    Args:
        node: A ``def``, ``async def`` or ``class`` node.

    Returns:
        The complexity (1 for straight-line code).
    """
    if isinstance(node, ast.ClassDef):
        return _class_complexity(node)
    methods: list[DefNode] = []
    return 1 + sum(_decisions(child, methods) for child in node.body)


def _class_complexity(node: ast.ClassDef) -> int:
    methods: list[DefNode] = []
    real = 1 + sum(_decisions(child, methods) for child in node.body)
    functions = [m for m in methods if not isinstance(m, ast.ClassDef)]
    real += sum(complexity(m) for m in functions)
    if not functions:
        return real
    return real // len(functions) + (len(functions) > 1)


def _decisions(node: ast.AST, nested: list[DefNode]) -> int:
    """Decision points in ``node``; nested definitions are collected, not entered."""
    count = 0
    todo = [node]
    while todo:
        current = todo.pop()
        if isinstance(current, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            nested.append(current)
            continue
        if isinstance(current, ast.Assert):
            count += 1  # radon stops here: the condition's own operators are not counted
            continue
        if isinstance(current, _TRIES):
            count += len(current.handlers) + bool(current.orelse)  # type: ignore[attr-defined]
        elif isinstance(current, ast.BoolOp):
            count += len(current.values) - 1
        elif isinstance(current, ast.If | ast.IfExp):
            count += 1
        elif isinstance(current, ast.Match):
            catch_all = any(isinstance(case.pattern, ast.MatchAs) and case.pattern.pattern is None
                            for case in current.cases)
            count += max(0, len(current.cases) - catch_all)
        elif isinstance(current, ast.For | ast.AsyncFor | ast.While):
            count += 1 + bool(current.orelse)
        elif isinstance(current, ast.comprehension):
            count += 1 + len(current.ifs)
        todo.extend(ast.iter_child_nodes(current))
    return count
