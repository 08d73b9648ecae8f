"""NumPy and Sphinx writing (issue 21): a Sphinx ``:returns:`` on a function that became a
generator, the default of a new NumPy entry, and a NumPy Returns entry of unknown type.

Each shape is read back with the style's own parser (numpydoc's ``NumpyDocString``;
``docstring_parser``'s reST reader, which pydoclint's sphinx style uses), not ours alone.
"""

from __future__ import annotations

import ast
from pathlib import Path

import docstring_parser
from numpydoc.docscrape import NumpyDocString

from llm_doc_manager.docstrings.render_styles import (
    numpy_default_way,
    numpy_defaulted,
    render_numpy_text,
)
from llm_doc_manager.docstrings.schemas import ArgDoc, MethodDocstring, ReturnsDoc, YieldsDoc
from llm_doc_manager.generate.pipeline import FileChange, Options
from tests.conftest import Run
from tests.helpers import CannedProvider, assert_only_docstrings_changed, run_file

PLACEHOLDER = "TODO: describe."


def _generated(tmp_path: Path, source: str, provider: object = None) -> str:
    """``source`` after a generate run over every definition; a second run changes nothing."""
    path = tmp_path / "m.py"
    path.write_text(source)
    result = run_file(path, provider, Options(all_defs=True))
    assert isinstance(result, FileChange), result
    assert_only_docstrings_changed(source, result.new_text)
    path.write_text(result.new_text)
    again = run_file(path, provider, Options(all_defs=True))
    assert not isinstance(again, FileChange) or again.new_text == result.new_text
    return result.new_text


def _docstring(text: str, name: str) -> str:
    node = next(n for n in ast.walk(ast.parse(text))
                if isinstance(n, ast.FunctionDef) and n.name == name)
    value = ast.get_docstring(node)
    assert value is not None
    return value


# -- 1. A Sphinx :returns: on a generator --------------------------------------------------

BECAME_GENERATOR = '''\
"""Generators documented with Returns."""
from typing import Iterator


def numbers(n: int) -> Iterator[int]:
    """Count up to n.

    :param n: How many.
    :type n: int
    :returns: Each number in turn, a text over
        two lines that a person wrote.
    :rtype: list[int]
    """
    for i in range(n):
        yield i


def napoleon(n: int) -> Iterator[int]:
    """Count.

    :param n: How many.
    :Returns: Each number.
    """
    yield from range(n)
'''


def test_a_sphinx_returns_field_of_a_generator_becomes_yields(tmp_path: Path) -> None:
    # Was: a second ``:yields: TODO: describe.`` field beside the ``:returns:`` kept (LD322).
    text = _generated(tmp_path, BECAME_GENERATOR)
    doc = _docstring(text, "numbers")
    assert ":returns:" not in doc
    assert ":rtype:" not in doc
    assert ":yields: Each number in turn, a text over\n    two lines that a person wrote." in doc
    assert ":ytype: int" in doc  # list[int] returned is int yielded: the type follows
    assert PLACEHOLDER not in doc
    parsed = docstring_parser.parse(doc, docstring_parser.DocstringStyle.REST)
    assert parsed.returns is None
    assert parsed.yields is not None
    assert parsed.yields.type_name == "int"
    assert parsed.yields.description == ("Each number in turn, a text over\n"
                                          "two lines that a person wrote.")
    assert ":Yields: Each number." in _docstring(text, "napoleon")  # its capital kept


def test_a_sphinx_yields_field_of_a_plain_function_becomes_returns(tmp_path: Path) -> None:
    source = '''\
def total(values: list[int]) -> int:
    """Add values.

    :param values: The values.
    :yield: The total.
    :ytype: int
    """
    return sum(values)
'''
    doc = _docstring(_generated(tmp_path, source), "total")
    assert doc.endswith(":param values: The values.\n:return: The total.\n:rtype: int")


def test_validate_fix_converts_and_leaves_no_finding(tmp_path: Path, llm_doc: Run) -> None:
    (tmp_path / "m.py").write_text(BECAME_GENERATOR)
    before = llm_doc("validate", "--all", "m.py")
    assert "LD322" in before.stdout, before.stdout
    assert "LD331" in before.stdout, before.stdout
    llm_doc("validate", "--all", "--fix", "--yes", "m.py")
    after = llm_doc("validate", "--all", "m.py")
    assert after.returncode == 0, after.stdout + after.stderr


# -- 2. A new NumPy entry of a defaulted parameter ---------------------------------------

DEFAULTS = '''\
def plain(a: int, scale: float = 1.0, name: str | None = None) -> float:
    """Scale.

    Parameters
    ----------
    a : int
        The number.
    """
    return a * scale


def own_way(a: int, copy: bool = True, order: str = "C") -> int:
    """Copy.

    Parameters
    ----------
    a : int
        The number.
    copy : bool, default True
        Whether to copy.
    """
    return a
'''


def test_a_new_numpy_entry_of_a_defaulted_parameter_is_optional(tmp_path: Path) -> None:
    # Was: ``scale : float`` with ``Defaults to 1.0.`` in its text (the Google way).
    text = _generated(tmp_path, DEFAULTS)
    params = {p.name: p for p in NumpyDocString(_docstring(text, "plain"))["Parameters"]}
    assert params["scale"].type == "float, optional"
    assert params["scale"].desc == [PLACEHOLDER]
    assert params["name"].type == "str, optional"  # not ``str | None, optional``
    # The docstring's own way (numpydoc's ``default X``) is followed.
    params = {p.name: p for p in NumpyDocString(_docstring(text, "own_way"))["Parameters"]}
    assert params["order"].type == "str, default 'C'"
    assert params["order"].desc == [PLACEHOLDER]


def test_the_numpy_default_way_is_learned_by_majority() -> None:
    assert numpy_default_way([("int, optional", "x"), ("int", "y. Defaults to 2.")]) == \
        "marker"  # a tie: numpydoc's way
    assert numpy_default_way([("int", "x. Default is 2."), ("int", "y")]) == "sentence"
    assert numpy_default_way([("int", "x")]) is None
    assert numpy_defaulted("int", "X. Defaults to 2.", "2", "sentence") == \
        ("int", "X. Defaults to 2.")
    assert numpy_defaulted("int | None", "X. Defaults to None.", "None", "type") == \
        ("int, optional", "X.")
    # No type to write (no annotation): the marker alone, as numpydoc's guide says
    # ("use optional") and xarray writes it (``tolerance : optional``); a sentence the
    # way keeps stays; entries that carry no type stay bare, the text saying it.
    assert numpy_defaulted(None, "X. Defaults to 2.", "2", "marker") == ("optional", "X.")
    assert numpy_defaulted(None, "X. Defaults to 2.", "2", "both") == \
        ("optional", "X. Defaults to 2.")
    assert numpy_defaulted(None, "X. Defaults to None.", "None", "type") == ("optional", "X.")
    assert numpy_defaulted(None, "X. Defaults to 2.", "2", "type") == \
        (None, "X. Defaults to 2.")  # ``default 2`` alone would read as the type
    assert numpy_defaulted(None, "X. Defaults to 2.", "2", "sentence") == \
        (None, "X. Defaults to 2.")
    assert numpy_defaulted(None, "X. Defaults to 2.", "2", "marker", typed=False) == \
        (None, "X. Defaults to 2.")


def test_a_rendered_numpy_docstring_marks_defaults() -> None:
    schema = MethodDocstring(summary="Scale.", extended_description="", args=[
        ArgDoc(name="scale", type_hint="float", description="How much. Defaults to 1.0.")],
        returns=None, yields=None, raises=[], examples="", notes="")
    value = render_numpy_text(schema)
    (param,) = NumpyDocString(value)["Parameters"]
    assert (param.type, param.desc) == ("float, optional", ["How much."])


# -- 3. A NumPy Returns entry of unknown type --------------------------------------------

UNTYPED = '''\
def add(a, b):
    """Add.

    Parameters
    ----------
    a : int
        First.
    b : int
        Second.
    """
    return a + b
'''


def test_an_untyped_numpy_returns_entry_is_a_type_line_then_text(tmp_path: Path) -> None:
    # Was: ``TODO: describe.`` alone at the section's margin, which numpydoc reads as the
    # type, with no description.
    text = _generated(tmp_path, UNTYPED)
    (returned,) = NumpyDocString(_docstring(text, "add"))["Returns"]
    assert (returned.name, returned.type, returned.desc) == ("", PLACEHOLDER, [PLACEHOLDER])


def test_a_model_text_goes_below_the_placeholder_type_line(tmp_path: Path) -> None:
    provider = CannedProvider({"add": {"summary": "Add.", "returns": {
        "type_hint": None, "description": "The sum of both numbers."}}})
    text = _generated(tmp_path, UNTYPED, provider)
    (returned,) = NumpyDocString(_docstring(text, "add"))["Returns"]
    assert (returned.type, returned.desc) == (PLACEHOLDER, ["The sum of both numbers."])


def test_an_earlier_lone_placeholder_takes_the_annotation_and_the_text(tmp_path: Path) -> None:
    source = '''\
def add(a: int, b: int) -> int:
    """Add.

    Returns
    -------
    TODO: describe.
    """
    return a + b
'''
    provider = CannedProvider({"add": {"summary": "Add.", "returns": {
        "type_hint": "int", "description": "The sum."}}})
    text = _generated(tmp_path, source, provider)
    (returned,) = NumpyDocString(_docstring(text, "add"))["Returns"]
    assert (returned.type, returned.desc) == ("int", ["The sum."])


def test_a_rendered_numpy_returns_of_unknown_type_parses_as_intended() -> None:
    schema = MethodDocstring(summary="Walk.", extended_description="", args=[],
                             returns=ReturnsDoc(type_hint=None, description=(
                                 "A long text that goes on and on over the line, "
                                 "wrapped below the type line.")),
                             yields=YieldsDoc(type_hint=None, description="x"), raises=[],
                             examples="", notes="")
    parsed = NumpyDocString(render_numpy_text(schema, width=60))
    (returned,) = parsed["Returns"]
    assert returned.type == PLACEHOLDER
    assert " ".join(returned.desc) == ("A long text that goes on and on over the line, "
                                       "wrapped below the type line.")
    (yielded,) = parsed["Yields"]
    assert (yielded.type, yielded.desc) == (PLACEHOLDER, ["x"])


def test_networkx_optional_with_a_parenthesised_default_is_a_marker(tmp_path: Path) -> None:
    # networkx writes ``weight : string, optional (default = None)``: its ``optional`` is
    # the docstring's way (it was read as no marker, so the new entry got none).
    source = '''\
def path(G, weight=None, method="dijkstra", cutoff=None, tol: float = 0.5):
    """Find a path.

    Parameters
    ----------
    G : graph
        The graph.
    weight : None or string, optional (default = None)
        The weight.
    method : string, optional (default = 'dijkstra')
        The method.
    cutoff : integer, optional (default = None)
        Where to stop.
    """
    return G
'''
    text = _generated(tmp_path, source)
    params = {p.name: p for p in NumpyDocString(_docstring(text, "path"))["Parameters"]}
    assert params["tol"].type == "float, optional"


PROPERTY_VIEW = '''\
"""Graphs."""
from functools import cached_property


class Graph:
    """A graph."""

    @cached_property
    def edges(self):
        """An EdgeView of the graph, which can also be called.

        Parameters
        ----------
        nbunch : single node, container, or all nodes (default= all nodes)
            The view will only report edges from these nodes.
        data : string or bool, optional (default=False)
            The edge attribute returned in 3-tuple (u, v, ddict[data]).

        Returns
        -------
        edges : EdgeView
            A view of edge attributes.
        """
        return object()
'''


def test_a_property_documenting_its_view_call_keeps_its_parameters(tmp_path: Path,
                                                                    llm_doc: Run) -> None:
    # networkx documents ``G.edges(nbunch, data=False)`` in the property's docstring: the
    # entries were reported (LD312) and deleted by --fix, 173 lines on networkx/classes.
    (tmp_path / "m.py").write_text(PROPERTY_VIEW)
    found = llm_doc("validate", "--all", "m.py")
    assert "LD312" not in found.stdout, found.stdout
    llm_doc("validate", "--all", "--fix", "--yes", "m.py")
    assert (tmp_path / "m.py").read_text() == PROPERTY_VIEW


def test_the_projects_numpy_default_in_the_type_is_followed(tmp_path: Path) -> None:
    # The file's other docstrings write numpydoc's ``x : int, default 1``; this one has no
    # defaulted entry of its own. Was: ``, default X`` counted as saying nothing ("none").
    others = "".join(f'''

def f{i}(a: int, copy: bool = True) -> int:
    """Copy.

    Parameters
    ----------
    a : int
        The number.
    copy : bool, default True
        Whether to copy.
    """
    return a
''' for i in range(3))
    source = '''\
"""Copies."""


def fresh(a: int, order: str = "C") -> int:
    """Order.

    Parameters
    ----------
    a : int
        The number.
    """
    return a
''' + others
    text = _generated(tmp_path, source)
    params = {p.name: p for p in NumpyDocString(_docstring(text, "fresh"))["Parameters"]}
    assert params["order"].type == "str, default 'C'"


# -- defaults learned per style (issue 21): a mixed project's two ways do not cross ---------

GOOGLE_WAY = "".join(f'''
def g{n}(a: int, size: int = {n}) -> int:
    """Grow.

    Args:
        a: The number.
        size: How much. Defaults to {n}.

    Returns:
        The size.
    """
    return a + size
''' for n in range(3))

NUMPY_WAY = "".join(f'''
def n{n}(a: int, size: int = {n}) -> int:
    """Grow.

    Parameters
    ----------
    a : int
        The number.
    size : int, optional
        How much.

    Returns
    -------
    int
        The size.
    """
    return a + size
''' for n in range(4))

NEW = '''
def fresh(a: int, scale: float = 1.0, tol=0.5) -> float:
    {doc}
    return a * scale * tol
'''


def _mixed(tmp_path: Path) -> None:
    """A project of 3 Google entries with a ``Defaults to`` sentence and 4 NumPy ones
    marked ``optional``: together, the marker would be the majority."""
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    (tmp_path / "g.py").write_text(GOOGLE_WAY)
    (tmp_path / "n.py").write_text(NUMPY_WAY)


def _fresh(tmp_path: Path, name: str, doc: str) -> str:
    path = tmp_path / name
    path.write_text(NEW.format(doc=doc))
    result = run_file(path, None, Options(all_defs=True))
    assert isinstance(result, FileChange), result
    assert_only_docstrings_changed(path.read_text(), result.new_text)
    path.write_text(result.new_text)
    again = run_file(path, None, Options(all_defs=True))
    assert not isinstance(again, FileChange) or again.new_text == result.new_text
    return _docstring(result.new_text, "fresh")


def test_a_google_file_of_a_mixed_project_says_defaults_as_its_google_docstrings(
        tmp_path: Path) -> None:
    _mixed(tmp_path)
    # A Google file (its one docstring has sections) with no default of its own.
    doc = '"""Fresh.\n\n    Returns:\n        float: The value.\n    """'
    text = _fresh(tmp_path, "google_new.py", doc)
    # Was ``scale (float, optional): TODO: describe.``: the NumPy entries' marker.
    assert "scale (float): TODO: describe. Defaults to 1.0." in text, text
    assert "optional" not in text


def test_a_numpy_file_of_a_mixed_project_says_defaults_as_its_numpy_docstrings(
        tmp_path: Path) -> None:
    _mixed(tmp_path)
    (tmp_path / "g2.py").write_text(GOOGLE_WAY.replace("def g", "def h"))  # Google: 6 to 4
    doc = '"""Fresh.\n\n    Returns\n    -------\n    float\n        The value.\n    """'
    text = _fresh(tmp_path, "numpy_new.py", doc)
    params = {p.name: p for p in NumpyDocString(text)["Parameters"]}
    # Was ``scale : float`` with ``Defaults to 1.0.``: the Google entries' sentence.
    assert params["scale"].type == "float, optional"
    assert params["scale"].desc == [PLACEHOLDER]
    # No annotation: the marker alone (was ``tol`` bare, its default in the text).
    assert params["tol"].type == "optional"
    assert params["tol"].desc == [PLACEHOLDER]


def test_an_untyped_numpy_entry_stays_bare_where_entries_carry_no_type(tmp_path: Path) -> None:
    # The near miss: a NumPy docstring whose entries have no types gets no ``: optional``.
    source = '''def f(a, tol=0.5):
    """F.

    Parameters
    ----------
    a
        The number.
    """
    return a * tol
'''
    text = _generated(tmp_path, source)
    params = {p.name: p for p in NumpyDocString(_docstring(text, "f"))["Parameters"]}
    assert (params["tol"].type, params["tol"].desc) == ("", [f"{PLACEHOLDER} Defaults to 0.5."])
