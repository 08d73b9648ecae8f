"""Verification: the edited text must be the same code, with the intended docstrings."""

from __future__ import annotations

import ast

import pytest

from llm_doc_manager.errors import ApplyError
from llm_doc_manager.generate.edits import same_code, verify

ORIGINAL = 'def f(a=1):\n    """Old."""\n    return a\n\nclass C:\n    x = [1, "s"]\n'


def test_docstrings_and_positions_do_not_count() -> None:
    edited = ('"""Module."""\n\n\ndef f(a=1):\n    """New,\n\n    longer."""\n    return a\n'
              '\nclass C:\n    """Doc."""\n\n    x = [1, "s"]\n')
    found: list[str] = []
    assert same_code(ast.parse(ORIGINAL), ast.parse(edited), found)
    assert sorted(found) == ["Doc.", "Module.", "New,\n\n    longer."]
    verify(edited, ast.parse(ORIGINAL), ["Doc.", "Module."])


@pytest.mark.parametrize("edited", [
    ORIGINAL.replace("a=1", "a=1.0"),           # equal values of another type
    ORIGINAL.replace("a=1", "a=True"),
    ORIGINAL.replace("return a", "return (a)\n    pass"),
    ORIGINAL.replace("return a", "return b"),
    ORIGINAL.replace('"s"', "b's'"),
    ORIGINAL.replace('"""Old."""', '"""Old."""\n    """Second string: code now."""'),
    ORIGINAL.replace('"""Old."""\n    ', ""),  # fine as code, but the docstring is expected
    ORIGINAL.replace("class C:", "class C(object):"),
])
def test_every_code_difference_is_refused(edited: str) -> None:
    with pytest.raises(ApplyError):
        verify(edited, ast.parse(ORIGINAL), ["Old."])


def test_unparsable_result_is_refused() -> None:
    with pytest.raises(ApplyError, match="would not parse"):
        verify("def f(:\n", ast.parse(ORIGINAL), [])


def test_agrees_with_dump_comparison_on_real_code() -> None:
    import inspect
    import json.decoder as module

    text = inspect.getsource(module)
    tree = ast.parse(text)
    assert same_code(tree, ast.parse(text), [])
    shifted = "\n\n" + text.replace("    def decode(self", '    def decode(self', 1)
    assert same_code(tree, ast.parse(shifted), [])
    assert not same_code(tree, ast.parse(text.replace("idx", "i_dx", 1)), [])
