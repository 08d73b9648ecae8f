"""``declared_unused`` settles a name the body never spells from the text alone: it must give
what walking the body gives, whatever the spelling."""

from __future__ import annotations

import ast

import pytest

from llm_doc_manager.analysis.facts import declared_unused
from llm_doc_manager.source.positions import split_lines

CASES = {
    "never spelt": ("def f(a, *args, **kwargs):\n    return a\n", {"args", "kwargs"}),
    "read": ("def f(*args):\n    return len(args)\n", set()),
    "passed on whole": ("def f(x, **kwargs):\n    return g(x, **kwargs)\n", {"kwargs"}),
    # A continuation line at the margin: the name right after a line end is still a word.
    "at the margin": ("def f(*args):\n    return (0 if f else\nargs)\n", set()),
    # NFKC: the fullwidth spelling is the same identifier; the text check cannot see it.
    "another spelling": ("def f(*args):\n    return len(\uff41\uff52\uff47\uff53)\n", set()),
    "only in a nested def": ("def f(**kw):\n    def g():\n        return kw\n    return g\n",
                             set()),
    "one line": ("def f(*args): return args\n", set()),
    "noqa": ("def f(ctx,  # noqa: ARG001\n      x):\n    return x\n", {"ctx"}),
}


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("split", [split_lines, str.splitlines], ids=["ends", "no-ends"])
def test_the_text_agrees_with_the_walk(name: str, split: object) -> None:
    source, expected = CASES[name]
    node = ast.parse(source).body[0]
    assert isinstance(node, ast.FunctionDef)
    lines = split(source)  # type: ignore[operator]
    assert declared_unused(node, lines) == expected
    if name != "noqa":  # (a noqa comment is read from the lines)
        # Without the module's lines the body is walked: the same answer.
        assert declared_unused(node, []) == expected
