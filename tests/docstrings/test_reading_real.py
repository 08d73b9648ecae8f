"""Reading docstrings as real projects write them, and updating them without churn.

Found on huggingface_hub, optax and griffe: ``Raises`` entries naming several exceptions or
written with doc-builder markup (``[`~utils.X`]``), ``> [!TIP]`` and ``<Tip>`` admonitions,
``(`str`, *optional*)`` types, a stub's ``...``, a section indented into Args, and entries
moved into signature order by an update. Golden cases in ``golden/reading/`` have the shape
of ``golden/renames/`` and are checked the same way (``tests.helpers.check_golden``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from llm_doc_manager.docstrings.layout import read_layout
from llm_doc_manager.docstrings.parse import parse_docstring
from llm_doc_manager.validate.checks import CheckOptions, check_source
from tests.conftest import Run
from tests.helpers import check_golden

CASES = Path(__file__).parent / "golden" / "reading"


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if p.is_dir()))
def test_golden(case: str, tmp_path: Path) -> None:
    check_golden(CASES / case, tmp_path)


def _codes(text: str) -> list[str]:
    return [f.code for f in check_source(Path("m.py"), text, CheckOptions(all_defs=True,
                                                                          width=119))]


@pytest.mark.parametrize(("body", "names"), [
    ("ValueError, TypeError: If bad.", ["ValueError", "TypeError"]),
    ("(ValueError, TypeError): If bad.", ["ValueError", "TypeError"]),
    ("ValueError or TypeError: If bad.", ["ValueError", "TypeError"]),
    ("[`~utils.HfHubHTTPError`]:\n        If bad.", ["utils.HfHubHTTPError"]),
    ("[`~utils.RepositoryNotFoundError`]\n        If bad.", ["utils.RepositoryNotFoundError"]),
    ("[`ValueError`](https://docs.python.org/3/library/exceptions.html#ValueError)\n"
     "        If bad.", ["ValueError"]),
    ("`TimeoutError`: If slow.", ["TimeoutError"]),
    (":class:`KeyError`: If missing.", ["KeyError"]),
    ("- [`DDUFCorruptedFileError`]: If corrupt.", ["DDUFCorruptedFileError"]),
])
def test_raises_entry_names_each_exception(body: str, names: list[str]) -> None:
    parsed = parse_docstring(f"Do it.\n\nRaises:\n    {body}\n    OSError: If the disk fails.\n")
    assert [r.exception_type for r in parsed.raises] == [*names, "OSError"]
    assert all(r.description.startswith("If ") for r in parsed.raises)


def test_raises_markup_entries_after_another_are_their_own() -> None:
    # ``[`~errors.B`]`` with no colon after another entry was read as that entry's last line.
    parsed = parse_docstring("Do it.\n\nRaises:\n    [`~errors.A`]\n        If a.\n"
                             "    [`~errors.B`]\n        If b.\n")
    assert [(r.exception_type, r.description) for r in parsed.raises] == [
        ("errors.A", "If a."), ("errors.B", "If b.")]


SEVERAL = '''"""M."""


class HfHubHTTPError(Exception):
    """An HTTP error."""


def f(x: int) -> int:
    """Do it.

    Args:
        x: The x.

    Returns:
        The x.

    Raises:
        ValueError, TypeError: If ``x`` is wrong.
        [`~utils.HfHubHTTPError`]:
            If the Hub says no.
    """
    if x < 0:
        raise ValueError(x)
    if x > 9:
        raise TypeError(x)
    if x == 5:
        raise HfHubHTTPError(x)
    return x
'''


def test_validate_reads_each_named_exception() -> None:
    codes = _codes(SEVERAL)
    assert not {"LD365", "LD341", "LD342"} & set(codes), codes


def test_validate_still_compares_each_name() -> None:
    # Each name is compared: one nobody raises is LD342, one not named is LD341.
    text = SEVERAL.replace("raise TypeError(x)", "raise KeyError(x)")
    codes = _codes(text)
    assert (codes.count("LD342"), codes.count("LD341")) == (1, 1), codes


@pytest.mark.parametrize("admonition", [
    "    > [!TIP]\n    > x: not an entry.\n",
    "    > [!WARNING]\n    > x: not an entry.\n",
    "    <Tip>\n\n    x: not an entry.\n\n    </Tip>\n",
    "    <Tip warning={true}>\n    x: not an entry.\n    </Tip>\n",
])
def test_admonition_ends_a_section(admonition: str) -> None:
    layout = read_layout(f"Do it.\n\nArgs:\n    a: The a.\n{admonition}\nReturns:\n    The b.\n")
    args = layout.blocks[0]
    assert [e.name for e in args.entries] == ["a"]
    assert args.entries[0].description == "The a."
    assert [b.heading for b in layout.blocks] == ["Args", "Returns"]


def test_admonition_naming_raises_is_no_second_section() -> None:
    parsed = parse_docstring("Do it.\n\nReturns:\n    The b.\n\n> [!TIP]\n"
                             "> Raises the following errors:\n>\n"
                             ">     - [`~utils.RevisionNotFoundError`]\n"
                             ">       If the revision cannot be found.\n")
    assert [r.exception_type for r in parsed.raises] == ["utils.RevisionNotFoundError"]
    assert parsed.returns is not None
    assert parsed.returns.description == "The b."


@pytest.mark.parametrize(("head", "type_hint"), [
    ("name (`str`, *optional*):", "`str`, *optional*"),
    ("name (`Union[str, Path]`, *optional*, defaults to `None`):",
     "`Union[str, Path]`, *optional*, defaults to `None`"),
])
def test_marked_up_types_agree_with_the_annotation(head: str, type_hint: str) -> None:
    parsed = parse_docstring(f"Do it.\n\nArgs:\n    {head}\n        The name.\n")
    assert [(a.name, a.type_hint, a.description) for a in parsed.args] == [
        ("name", type_hint, "The name.")]
    text = ('"""M."""\n\nfrom pathlib import Path\nfrom typing import Union\n\n\n'
            'def f(name: Union[str, Path] | None = None) -> None:\n'
            f'    """Do it.\n\n    Args:\n        {head}\n            The name.\n    """\n')
    if "Union" not in head:
        text = text.replace("Union[str, Path] | None", "str | None")
    codes = _codes(text)
    assert not {"LD311", "LD313", "LD314", "LD365"} & set(codes), codes


INDENTED_SECTION = '''"""M."""


def create(name: str, size: int) -> str:
    """Create a thing.

    Args:
        name (`str`):
            The name.
        size (`int`):
            The size.

        Returns:
            [`str`]: the new thing's id.

        Example:
        ```py
        >>> create("x", 1)
        'id-x'
        ```
    """
    return f"id-{name}{size}"
'''


def test_section_indented_into_args_ends_it() -> None:
    value = INDENTED_SECTION.split('"""')[3]
    layout = read_layout(value)
    assert [e.name for e in layout.blocks[0].entries] == ["name", "size"]
    codes = _codes(INDENTED_SECTION)
    # The indented heading is reported; it is not a documented argument "Returns".
    assert "LD362" in codes, codes
    assert not {"LD312", "LD365"} & set(codes), codes


def test_fix_twice_changes_nothing_more_and_keeps_order(tmp_path: Path, llm_doc: Run) -> None:
    source = (CASES / "reorder_untouched" / "input.py").read_text()
    (tmp_path / "m.py").write_text(source)
    first = llm_doc("validate", "--all", "--fix", "--yes", "m.py")
    after_first = (tmp_path / "m.py").read_text()
    assert after_first != source, first.stderr
    lines = after_first.splitlines()
    # Human entries stay where the person put them; ``token`` goes right after the entry of
    # the documented argument before it in the signature (``path``).
    order = [n for line in lines for n in ("path", "repo_id", "token", "timeout", "revision")
             if line.strip().startswith(f"{n} (")]
    assert order == ["path", "token", "repo_id", "timeout", "revision"], after_first
    second = llm_doc("validate", "--all", "--fix", "--yes", "m.py")
    assert (tmp_path / "m.py").read_text() == after_first, second.stdout
    assert "LD313" in second.stdout


COLON_MISSING = '''def inject(model, parameter_name=None, state_dict=None):
    """Inject adapters.

    Args:
        model (`nn.Module`):
            The model.
        parameter_name (`str`, *optional*)
            The parameter to target.
        state_dict (`dict`, *optional*, defaults to `None`)
            A state dict.
    """
    return model
'''


def test_an_entry_missing_its_colon_is_malformed_not_the_text_above(tmp_path: Path,
                                                                     llm_doc: Run) -> None:
    # peft's tuners_utils.py: read as the text of ``model``, the two entries were "missing"
    # (LD311) and an update added them again as placeholders beside the person's words.
    layout = read_layout(COLON_MISSING.split('"""')[1])
    args = layout.blocks[0].entries
    assert [e.name for e in args][:1] == ["model"]
    assert len(args) == 3
    assert not args[1].well_formed
    assert "LD311" not in _codes(COLON_MISSING)
    assert "LD365" in _codes(COLON_MISSING)
    path = tmp_path / "m.py"
    path.write_text(COLON_MISSING)
    generated = llm_doc("generate", "--all", "--provider", "static", "--diff", "m.py")
    assert "parameter_name: TODO" not in generated.stdout
    assert "state_dict: TODO" not in generated.stdout
