"""Verification reads statements written alike as text: it must refuse exactly what the full
walk refuses."""

from __future__ import annotations

import ast
import random
from pathlib import Path

import pytest

from llm_doc_manager.analysis import read_file
from llm_doc_manager.errors import ApplyError
from llm_doc_manager.generate.edits import same_code, verify
from llm_doc_manager.source.files import SourceFile
from llm_doc_manager.source.positions import split_lines

GOLDEN = Path(__file__).parent / "golden"

ORIGINAL = '''\
import functools


@functools.lru_cache(maxsize=8)
def f(x):
    """Old."""
    return x + 1


class C:
    @property
    def p(self):
        return [i for i in range(3) if i < 2]
'''


def _text(path: Path) -> str:
    source = read_file(path)  # a golden may declare another encoding
    assert isinstance(source, SourceFile)
    return source.text


def _both(original: str, edited: str) -> tuple[bool, bool]:
    old, new = ast.parse(original), ast.parse(edited)
    walked = same_code(old, new, [])
    read = same_code(old, new, [], (split_lines(original), split_lines(edited)))
    return walked, read


def test_a_docstring_edit_is_the_same_code() -> None:
    edited = ORIGINAL.replace('"""Old."""', '"""New.\n\n    More.\n    """').replace(
        "class C:\n", 'class C:\n    """Doc."""\n\n')
    assert _both(ORIGINAL, edited) == (True, True)
    verify(edited, ast.parse(ORIGINAL), ["New.\n\n    More.\n    ", "Doc."],
           split_lines(ORIGINAL))


@pytest.mark.parametrize(("before", "after"), [
    ("return x + 1", "return x - 1"),  # in a def whose docstring also changed
    ("maxsize=8", "maxsize=9"),  # a decorator line, above the def's own line
    ("if i < 2", "if i <= 2"),  # a statement untouched by any edit
    ("import functools", "import functools as functools"),
])
def test_changed_code_is_refused_both_ways(before: str, after: str) -> None:
    edited = ORIGINAL.replace('"""Old."""', '"""New."""').replace(before, after)
    assert _both(ORIGINAL, edited) == (False, False)
    with pytest.raises(ApplyError, match="code would differ"):
        verify(edited, ast.parse(ORIGINAL), ["New."], split_lines(ORIGINAL))


def test_a_written_docstring_must_read_back_inside_a_statement_read_as_text() -> None:
    # The class is written alike in both, so it is not walked; its docstrings still count.
    original = 'class C:\n    def m(self):\n        """Doc."""\n'
    verify(original, ast.parse(original), ["Doc."], split_lines(original))
    with pytest.raises(ApplyError, match="read back"):
        verify(original, ast.parse(original), ["Other."], split_lines(original))


def test_every_golden_agrees_with_the_full_walk_under_mutation() -> None:
    # Each golden's output against its input, then one character of code changed at a time
    # (a digit, an operator): reading as text refuses exactly what the walk refuses.
    rng = random.Random(20261207)
    checked = refused = 0
    for case in sorted(GOLDEN.iterdir()):
        original, edited = _text(case / "input.py"), _text(case / "output.py")
        assert _both(original, edited) == (True, True), case.name
        lines = split_lines(edited)
        spots = [(i, k) for i, line in enumerate(lines) for k, ch in enumerate(line)
                 if ch.isdigit() or ch in "+-<>"]
        for i, k in rng.sample(spots, min(5, len(spots))):
            ch = lines[i][k]
            swap = {"+": "-", "-": "+", "<": ">", ">": "<"}.get(ch) or str((int(ch) + 1) % 10)
            mutated = "".join([*lines[:i], lines[i][:k] + swap + lines[i][k + 1:], *lines[i + 1:]])
            try:
                ast.parse(mutated)
            except SyntaxError:
                continue
            walked, read = _both(original, mutated)
            assert walked == read, (case.name, lines[i])
            checked += 1
            refused += not walked
    assert checked > 100
    assert refused > 20
