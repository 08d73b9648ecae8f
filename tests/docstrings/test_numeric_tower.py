"""Documented number types follow PEP 484's numeric tower (an ``int`` is a ``float``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from llm_doc_manager.docstrings.types import same_type
from llm_doc_manager.validate.checks import CheckOptions, check_source


@pytest.mark.parametrize(("documented", "annotation", "agrees"), [
    ("`int` or `float`", "float", True),  # peft's ``rank (`int` or `float`)``
    ("int", "float", False),  # a changed annotation: retyped (the golden rename_retype...)
    ("int or float or complex", "complex", True),
    ("float", "int", False),  # a float is no int
    ("str", "float", False),
    ("`int` or `float`, *optional*", "float | None", True),
    ("tuple[type[Exception]]", "tuple[type[Exception], ...]", True),  # huggingface_hub
    ("tuple[int]", "tuple[str, ...]", False),
    ("`Union[int, float, str]`, *optional*", "int | float | str | None", True),  # run_job
])
def test_number_types(documented: str, annotation: str, agrees: bool) -> None:
    assert same_type(documented, annotation) is agrees


def test_no_ld314_and_no_retype_for_a_narrower_number(tmp_path: Path) -> None:
    source = '''"""Scales."""


def scale(rank: float) -> float:
    """Scale.

    Args:
        rank (`int` or `float`): The rank.

    Returns:
        The scale.
    """
    return rank
'''
    found = check_source(Path("m.py"), source, CheckOptions(all_defs=True))
    assert [f.code for f in found] == []
