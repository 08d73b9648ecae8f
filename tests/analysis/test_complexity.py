"""Cyclomatic complexity: hand-counted examples, and radon's numbers on the standard library."""

from __future__ import annotations

import ast
import sys
import textwrap

import pytest
from radon.complexity import cc_visit

from bench.corpus import stdlib_files
from llm_doc_manager.analysis.complexity import complexity

# Each case: source, then the expected complexity of every def/class in it by name, counted
# by hand from the rules in analysis/complexity.py.
CASES: list[object] = [
    ("def f():\n    return 1\n", {"f": 1}),
    # if/elif/else: 1 + if + elif
    ("def f(x):\n    if x:\n        return 1\n    elif x > 2:\n        return 2\n"
     "    else:\n        return 3\n", {"f": 3}),
    # a conditional expression and three operands of one `and`: 1 + 1 + 2
    ("def f(a, b, c):\n    return 1 if a and b and c else 0\n", {"f": 4}),
    # a loop and its else, a while: 1 + 2 + 1
    ("def f(xs):\n    for x in xs:\n        pass\n    else:\n        pass\n"
     "    while xs:\n        xs.pop()\n", {"f": 4}),
    # two handlers and try's else; finally and with count nothing: 1 + 2 + 1
    ("def f():\n    try:\n        pass\n    except ValueError:\n        pass\n"
     "    except KeyError:\n        pass\n    else:\n        pass\n    finally:\n        pass\n"
     "    with open('x'):\n        pass\n", {"f": 4}),
    # comprehension: one per `for`, one per `if`: 1 + (1 + 2) + 1
    ("def f(xs):\n    return [x for x in xs if x if x > 1 for y in x]\n", {"f": 5}),
    # assert counts 1, and the `and` inside it nothing (as radon does): 1 + 1
    ("def f(a, b):\n    assert a and b\n", {"f": 2}),
    # match: cases except a catch-all: 1 + 2
    ("def f(x):\n    match x:\n        case 1:\n            pass\n        case [a, b]:\n"
     "            pass\n        case _:\n            pass\n", {"f": 3}),
    # a nested function scores on its own; the lambda's decision counts for the outer one
    ("def f(x):\n    g = lambda y: 1 if y else 2\n    def inner(z):\n"
     "        if z:\n            return z\n        return 0\n    return g, inner\n",
     {"f": 2, "inner": 2}),
    # decorators and defaults are not looked at
    ("@deco(1 if a else 2)\ndef f(x=1 if b else 2):\n    return x\n", {"f": 1}),
    # except* handlers count like except handlers (radon 6 counts none): 1 + 2
    pytest.param("def f():\n    try:\n        pass\n    except* ValueError:\n        pass\n"
                 "    except* KeyError:\n        pass\n", {"f": 3},
                 marks=pytest.mark.skipif(sys.version_info < (3, 11), reason="except*")),
    # a class: 1 + body decisions (1) + methods (2 + 1) = 5, over 2 methods -> 2, plus 1
    ("class C:\n    x = 1 if a else 2\n    def m(self, v):\n        if v:\n"
     "            return v\n    def n(self):\n        return 0\n",
     {"C": 3, "m": 2, "n": 1}),
    # a class without methods scores its body
    ("class D:\n    if a:\n        x = 1\n", {"D": 2}),
]


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_hand_counted(source: str, expected: dict[str, int]) -> None:
    tree = ast.parse(textwrap.dedent(source))
    found = {node.name: complexity(node) for node in ast.walk(tree)
             if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)}
    assert found == expected


def _blocks(blocks: list[object]) -> list[object]:
    out = []
    for block in blocks:
        out.append(block)
        for nested in ("closures", "methods", "inner_classes"):
            out.extend(_blocks(getattr(block, nested, None) or []))
    return out


def test_equal_to_radon_on_the_standard_library() -> None:
    total = same = 0
    differ: list[tuple[str, int, str, int, int]] = []
    for path in stdlib_files():
        try:
            text = path.read_text(encoding="utf-8")
            tree = ast.parse(text)
        except (SyntaxError, UnicodeDecodeError, ValueError):
            continue
        theirs = {(b.lineno, b.col_offset, b.name): b.complexity  # type: ignore[attr-defined]
                  for b in _blocks(cc_visit(text))}
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                score = theirs.get((node.lineno, node.col_offset, node.name))
                if score is None:
                    continue  # radon leaves out classes defined inside functions
                total += 1
                ours = complexity(node)
                if ours == score:
                    same += 1
                else:
                    differ.append((path.name, node.lineno, node.name, ours, score))
    assert total > 15_000
    assert same / total >= 0.999, differ[:20]
