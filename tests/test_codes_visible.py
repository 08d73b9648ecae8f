"""``codes.visible`` escapes exactly the characters model answers are refused for."""

from __future__ import annotations

from llm_doc_manager.codes import visible
from llm_doc_manager.errors import is_hidden


def test_visible_escapes_every_hidden_character() -> None:
    # A zero-width space, a word joiner and a tag character hide text in a file name as
    # well as in a model answer: one set for both (the old display set let them through).
    name = "a\u200bb\u2060c\U000e0041d\u202e.py"
    assert visible(name) == "a\\u200bb\\u2060c\\U000e0041d\\u202e.py"
    assert all(is_hidden(c) for c in "\u200b\u2060\U000e0041\u202e")


def test_visible_keeps_what_is_shown_as_itself() -> None:
    assert visible("plain.py") == "plain.py"
    assert visible("café — naïve.py") == "café — naïve.py"
    assert visible("line\nbreak\tand\r") == "line\\nbreak\\tand\\r"
    assert visible("\udcff.py") == "\\xff.py"  # an undecodable byte of a file name
