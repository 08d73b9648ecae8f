"""Returns/Yields types spelt as a union in words (huggingface_hub's ```str` or `None```).

Args entries of such projects spell unions so (``HouseStyle.union_spelling``), and so do
their Returns lines: the reader must take ```str` or `None`: The token.`` as a type and
its text, or the writer cannot read back (so write) a Returns type in that spelling.
"""

from __future__ import annotations

import ast

import pytest

from llm_doc_manager.docstrings.conventions import Evidence, HouseStyle
from llm_doc_manager.docstrings.layout import split_type_prefix


@pytest.mark.parametrize(("text", "head"), [
    ("`str` or `None`: The token.", "`str` or `None`"),
    ("`int`, `float` or `None`: The size.", "`int`, `float` or `None`"),
    ("[`CommitInfo`] or `Future`:\n    The commit.", "[`CommitInfo`] or `Future`"),
    ("`dict[str, int]` or `None`: Counts.", "`dict[str, int]` or `None`"),
    ("str or None: The token.", "str or None"),
    ("Path or str: Where.", "Path or str"),
])
def test_a_union_in_words_is_a_type(text: str, head: str) -> None:
    assert split_type_prefix(text)[0] == head


@pytest.mark.parametrize("text", [
    # Near misses: prose with an "or" before a colon stays prose.
    "The value or None: whichever came first.",
    "Either a or b: the first that is set.",
    "True or False: whether it worked.",
    "A list of `str` or `None`: the names.",
    "`str` or `None`:the token",  # no space after the colon: not a Google type
])
def test_prose_with_or_is_not_a_type(text: str) -> None:
    assert split_type_prefix(text)[0] is None


def test_the_spelling_is_learned_from_returns_lines() -> None:
    source = '''
def token(name):
    """Get a token.

    Args:
        name (`str`): The name.

    Returns:
        `str` or `None`: The token.
    """
'''
    evidence = Evidence()
    evidence.add_tree(ast.parse(source), source.splitlines())
    assert evidence.unions["or"] == 1
    house = HouseStyle((evidence,))
    assert house.new_type("int | None", True) == "`int` or `None`"
