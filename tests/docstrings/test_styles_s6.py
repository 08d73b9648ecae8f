"""NumPy and Sphinx docstrings: read into the one layout, checked, updated and written in
their own style (issue: NumPy and Sphinx docstrings, first class)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from llm_doc_manager.docstrings.conventions import Evidence, HouseStyle
from llm_doc_manager.docstrings.layout import Style, read_layout
from llm_doc_manager.docstrings.parse import parse_layout
from llm_doc_manager.docstrings.render_styles import render_numpy_text, render_sphinx_text
from llm_doc_manager.docstrings.schemas import (
    ArgDoc,
    AttributeDoc,
    ClassDocstring,
    MethodDocstring,
    RaisesDoc,
    ReturnsDoc,
    YieldsDoc,
)
from llm_doc_manager.validate.checks import CheckOptions, check_source
from tests.conftest import Run
from tests.fake_openai import FakeOpenAI, scripted
from tests.helpers import ast_without_docstrings

NUMPY = '''Compute the thing.

    Parameters
    ----------
    x : int
        The x value,
        over two lines.
    y, z : array_like, optional
        Inputs.
    *args
        Extra.

    Returns
    -------
    ndarray of shape (n,)
        The result.

    Raises
    ------
    ValueError
        If bad.

    See Also
    --------
    other : Something.
    '''

SPHINX = '''Compute the thing.

    :param x: The x value,
        continued.
    :type x: int
    :param str y: The y.
    :returns: The result.
    :rtype: list[int]
    :raises ValueError: If bad.
    '''


def test_numpy_entries_types_and_spans_are_read() -> None:
    layout = read_layout(NUMPY)
    assert layout.style is Style.NUMPY
    parsed = parse_layout(layout)
    assert [(a.name, a.type_hint, a.description) for a in parsed.args] == [
        ("x", "int", "The x value,\nover two lines."), ("y, z", "array_like, optional", "Inputs."),
        ("*args", None, "Extra.")]
    assert parsed.returns == ReturnsDoc(type_hint="ndarray of shape (n,)",
                                        description="The result.")
    assert [r.exception_type for r in parsed.raises] == ["ValueError"]
    assert [raw.heading for raw in parsed.extras] == ["See Also"]  # kept verbatim
    entry = layout.blocks[0].entries[0]
    line = layout.lines[entry.start]
    assert line[slice(*entry.name_span)] == "x"
    assert line[slice(*entry.type_span)] == "int"


def test_sphinx_fields_are_read_with_their_type_lines() -> None:
    layout = read_layout(SPHINX)
    assert layout.style is Style.REST
    parsed = parse_layout(layout)
    assert [(a.name, a.type_hint) for a in parsed.args] == [("x", "int"), ("y", "str")]
    x, y = layout.blocks[0].entries
    assert x.type_line is not None
    assert "int" in layout.lines[x.type_line]
    assert y.type_line is None
    assert layout.lines[y.start][slice(*y.type_span)] == "str"
    assert parsed.returns == ReturnsDoc(type_hint="list[int]", description="The result.")
    assert [r.exception_type for r in parsed.raises] == ["ValueError"]


@pytest.mark.parametrize("value", [
    "Title\n\n    Usage\n    =====\n\n    Text under a reST title.\n    ",
    "Text.\n\n    ----\n\n    A rule.\n    ",
])
def test_underlines_without_a_numpy_heading_stay_foreign(value: str) -> None:
    assert read_layout(value).style is Style.UNKNOWN


def _method(**given: object) -> MethodDocstring:
    fields: dict[str, object] = {"extended_description": None, "args": [], "returns": None,
                                 "yields": None, "raises": [], "examples": None, "notes": None}
    return MethodDocstring(**{**fields, **given})  # type: ignore[arg-type]


SCHEMA = _method(
    summary="Scale values.", extended_description="More words.",
    args=[ArgDoc(name="values", type_hint="list[int]", description="The values."),
          ArgDoc(name="factor", type_hint=None, description="How much.")],
    returns=ReturnsDoc(type_hint="float", description="The scaled sum."),
    raises=[RaisesDoc(exception_type="ValueError", description="If empty.")])


@pytest.mark.parametrize("render", [render_numpy_text, render_sphinx_text])
def test_a_rendered_docstring_reads_back_as_its_schema(render: object) -> None:
    value = render(SCHEMA, "    ", 79)  # type: ignore[operator]
    parsed = parse_layout(read_layout(value))
    assert parsed.summary == SCHEMA.summary
    assert parsed.description == "More words."
    assert [(a.name, a.type_hint, a.description) for a in parsed.args] == [
        (a.name, a.type_hint, a.description) for a in SCHEMA.args]
    assert parsed.returns == SCHEMA.returns
    assert parsed.raises == SCHEMA.raises


def test_a_generator_and_a_class_read_back_too() -> None:
    value = render_numpy_text(_method(
        summary="Count.", yields=YieldsDoc(type_hint="int", description="Each number.")))
    assert parse_layout(read_layout(value)).yields == YieldsDoc(type_hint="int",
                                                                 description="Each number.")
    cls = ClassDocstring(summary="A point.", extended_description=None, examples=None,
                         notes=None, attributes=[
        AttributeDoc(name="x", type_hint="float", description="Across.")])
    for render in (render_numpy_text, render_sphinx_text):
        parsed = parse_layout(read_layout(render(cls, "    ")))
        assert [(a.name, a.type_hint) for a in parsed.attributes] == [("x", "float")]


def _findings(text: str) -> list[str]:
    return [f"{f.code} {f.message}" for f in check_source(
        Path("m.py"), text, CheckOptions(all_defs=True, width=99))]


def test_validate_checks_numpy_and_sphinx_like_google() -> None:
    text = '''"""M."""


def numpy_style(a: int, c: int) -> int:
    """Add.

    Parameters
    ----------
    a : str
        First.
    b : int
        Gone.

    Returns
    -------
    str
        The sum.

    Yields
    -----
    int
        Wrongly underlined.
    """
    raise ValueError(a + c)


def sphinx_style(a: int, c: int) -> int:
    """Add.

    :param a: First.
    :type a: str
    :param b: Gone.
    :returns: The sum.
    :rtype: str
    """
    raise ValueError(a + c)
'''
    found = _findings(text)
    for name in ("numpy_style", "sphinx_style"):
        assert f"LD311 {name}: argument 'c' is not documented" in found
        assert f"LD312 {name}: documented argument 'b' is not in the signature" in found
        assert f"LD314 {name}: argument 'a' is documented as (str) but annotated int" in found
        assert f"LD323 {name}: Returns says str but the annotation is int" in found
        assert f"LD341 {name}: raises ValueError but the docstring does not say so" in found
    assert "LD366 numpy_style: the underline of section 'Yields' is not as long as its " \
        "heading" in found
    assert not any("LD303" in f for f in found)


def test_a_misspelt_numpy_heading_is_reported() -> None:
    text = 'def f(n: int) -> None:\n    """Run.\n\n    Parametres\n    ----------\n' \
        '    n : int\n        How many.\n    """\n'
    assert "LD361 f: unknown section 'Parametres' (did you mean 'Parameters'?)" in \
        _findings(text)


def test_the_project_style_is_the_majority_of_sectioned_docstrings() -> None:
    evidence = Evidence()
    evidence.add_tree(ast.parse(
        'def a(x):\n    """A.\n\n    Parameters\n    ----------\n    x : int\n        X.\n    """\n'
        'def b(x):\n    """B.\n\n    :param x: X.\n    """\n'
        'def c(x):\n    """C.\n\n    Parameters\n    ----------\n    x : int\n        X.\n    """\n'
        'def d(x):\n    """Prose says nothing."""\n'), None)
    assert evidence.styles == {"numpy": 2, "sphinx": 1}
    assert HouseStyle([evidence]).docstyle == "numpy"
    assert HouseStyle([evidence], style="sphinx").docstyle == "sphinx"  # the pin wins
    assert HouseStyle([]).docstyle == "google"  # nothing learned: the tool's own
    assert Evidence.from_json(evidence.to_json()) == evidence


def test_numpy_other_parameters_document_their_arguments() -> None:
    text = '''def f(a: int, b: int = 0, *, debug: bool = False) -> None:
    """Run.

    Parameters
    ----------
    a : int
        First.

    Other Parameters
    ----------------
    b : int
        Rarely used.
    debug : bool
        Rarely used too.
    """
'''
    found = _findings(text)
    assert not any("LD311" in f for f in found), found


MODEL_PROJECT = {
    "numpy": '''"""A NumPy-style module."""


def known(a: int) -> int:
    """Return a.

    Parameters
    ----------
    a : int
        The a.

    Returns
    -------
    int
        The same a.
    """
    return a


def scale(values: list[float], factor: float = 2.0) -> list[float]:
    return [v * factor for v in values]
''',
    "sphinx": '''"""A Sphinx-style module."""


def known(a: int) -> int:
    """Return a.

    :param a: The a.
    :type a: int
    :returns: The same a.
    :rtype: int
    """
    return a


def scale(values: list[float], factor: float = 2.0) -> list[float]:
    return [v * factor for v in values]
''',
}
EXPECTED = {
    "numpy": ["    Parameters\n    ----------\n    values : list[float]\n"
              "        The numbers to scale.",
              "    factor : float\n        How much bigger each one gets.",
              "    Returns\n    -------\n    list[float]\n        The scaled numbers."],
    "sphinx": ["    :param values: The numbers to scale.\n    :type values: list[float]",
               "    :param factor: How much bigger each one gets.",
               "    :returns: The scaled numbers.\n    :rtype: list[float]"],
}


@pytest.mark.parametrize("style", ["numpy", "sphinx"])
def test_a_model_answer_is_written_in_the_project_style(tmp_path: Path, llm_doc: Run,
                                                        fake: FakeOpenAI, style: str) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.llm-doc]\nretry-base = 0.01\n")
    path = tmp_path / "m.py"
    path.write_text(MODEL_PROJECT[style])
    fake.answer = scripted({"scale": {
        "summary": "Scale every value by a factor.",
        "args": [{"name": "values", "type_hint": None, "description": "The numbers to scale."},
                 {"name": "factor", "type_hint": None,
                  "description": "How much bigger each one gets."}],
        "returns": {"type_hint": None, "description": "The scaled numbers."}}})
    result = llm_doc("generate", "--provider", "openai", "--base-url", fake.base_url,
                     "--model", "m", "--yes", "m.py", "--all",
                     env={"OPENAI_API_KEY": "sk-test-not-a-real-key-000000"})
    assert result.returncode in (0, 1), result.stderr
    text = path.read_text()
    assert ast_without_docstrings(text) == ast_without_docstrings(MODEL_PROJECT[style])
    assert "Scale every value by a factor." in text
    for part in EXPECTED[style]:
        assert part in text, text
    assert "Args:" not in text
    again = llm_doc("generate", "--provider", "openai", "--base-url", fake.base_url,
                    "--model", "m", "--yes", "m.py", "--all",
                    env={"OPENAI_API_KEY": "sk-test-not-a-real-key-000000"})
    assert path.read_text() == text, again.stderr


def test_a_sphinx_type_alone_documents_its_argument_and_field_names_are_the_projects(
        tmp_path: Path, llm_doc: Run) -> None:
    source = '''def f(a: int, b: str) -> int:
    """Do.

    :param a: The a.
    :type a: int
    :type b: str
    :raise KeyError: Never.
    """
    if a:
        raise ValueError(a)
    return a


def g(a: int) -> int:
    """Do.

    :param a: The a.
    :return: The a.
    """
    return a


def h(a: int) -> int:
    """Do.

    :param a: The a.
    """
    return a
'''
    found = _findings(source)
    assert "LD363 f: argument 'b' has no description" in found  # documented by its type
    assert not any("LD311" in f for f in found)
    path = tmp_path / "m.py"
    path.write_text(source)
    llm_doc("validate", "--all", "--fix", "--yes", "m.py")
    text = path.read_text()
    assert text.count(":type b: str") == 1
    assert ":param b:" not in text
    assert "    :raise ValueError: If ``a``.\n" in text  # f's own spelling
    assert "    :return: TODO: describe.\n" in text  # h: the file's (g's) spelling
    assert ":returns:" not in text


def test_a_tuple_display_documents_a_tuple() -> None:
    from llm_doc_manager.docstrings.types import same_type

    assert same_type("(str,str)", "tuple[str, str]") is True  # requests' :rtype:
    assert same_type("(str, int)", "tuple[str, str]") is False


def test_a_class_of_the_module_contradicts_a_builtin_annotation() -> None:
    text = '''"""M."""

from enum import IntEnum


class Dataset:
    """A dataset."""


class Level(IntEnum):
    """A level (an int)."""

    LOW = 1


def load(path: str) -> int:
    """Load.

    Parameters
    ----------
    path : str
        Where.

    Returns
    -------
    Dataset
        The data.
    """
    return 1


def level(path: str) -> int:
    """Level.

    :param path: Where.
    :rtype: Level
    """
    return 1
'''
    found = _findings(text)
    assert "LD323 load: Returns says Dataset but the annotation is int" in found
    assert not any("LD323 level" in f for f in found)  # an IntEnum is an int


def test_a_project_class_imported_contradicts_a_builtin_annotation(tmp_path: Path,
                                                                    llm_doc: Run) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text('"""P."""\n')
    (package / "base.py").write_text(
        '"""Base."""\n\nfrom abc import ABC\n\n\nclass Mixin(ABC):\n    """M."""\n\n\n'
        'class Dataset(Mixin):\n    """D."""\n\n\nclass Text(str):\n    """A str."""\n')
    (package / "use.py").write_text('''"""Use."""

from pkg.base import Dataset, Text


def load(path: str) -> int:
    """Load.

    :param path: Where.
    :rtype: Dataset
    """
    return 1


def name(path: str) -> str:
    """Name.

    :param path: Where.
    :rtype: Text
    """
    return path
''')
    result = llm_doc("validate", "--all", "pkg")
    assert "LD323 load: Returns says Dataset but the annotation is int" in result.stdout
    assert "LD323 name" not in result.stdout  # Text is a str
