"""NumPy and Sphinx renderers: golden texts, read back by numpydoc and docutils, pydoclint clean.

Each golden is a schema (``golden/styles/<style>_<case>.json``) and the exact literal the
renderer writes for it (``.txt``, regenerated with ``LLM_DOC_REGEN=1``). Besides the text,
every case is read back with the style's own grammar: ``numpydoc.docscrape`` for NumPy,
docutils (the reST parser Sphinx uses) for Sphinx, and must give back the schema's names,
types and words.
"""

from __future__ import annotations

import ast
import inspect
import io
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from docstring_parser import rest
from docutils import nodes
from docutils.core import publish_doctree
from docutils.parsers.rst import directives, roles
from docutils.parsers.rst.directives.admonitions import BaseAdmonition
from docutils.parsers.rst.directives.body import CodeBlock
from numpydoc.docscrape import NumpyDocString

from llm_doc_manager.docstrings import (
    ArgDoc,
    AttributeDoc,
    ClassDocstring,
    DocSchema,
    MethodDocstring,
    ModuleDocstring,
    RaisesDoc,
    RawSection,
    ReturnsDoc,
    YieldsDoc,
    parse_docstring,
    to_literal,
)
from llm_doc_manager.docstrings.conventions import DEFAULT, HouseStyle
from llm_doc_manager.docstrings.render import display_width
from llm_doc_manager.docstrings.render_styles import render_numpy_text, render_sphinx_text

GOLDEN = Path(__file__).parent / "golden" / "styles"
RENDER: dict[str, Callable[..., str]] = {"numpy": render_numpy_text, "sphinx": render_sphinx_text}
SCHEMA: dict[str, type[DocSchema]] = {"method": MethodDocstring, "class": ClassDocstring,
                                      "module": ModuleDocstring}


class _SeeAlso(BaseAdmonition):
    """Sphinx's ``seealso`` directive, which plain docutils does not know."""

    node_class = nodes.admonition

    def run(self) -> list[nodes.Node]:
        self.arguments = ["See also"]
        return super().run()


directives.register_directive("seealso", _SeeAlso)
directives.register_directive("code-block", CodeBlock)  # Sphinx's name for docutils' code
# Sphinx's cross-reference roles, which plain docutils does not know either (human text
# read from real projects uses them).
for _role in ("class", "func", "meth", "attr", "mod", "obj", "exc", "data", "const", "ref",
              "doc", "py:class", "py:func", "py:meth", "py:attr", "py:obj", "py:exc"):
    roles.register_generic_role(_role, nodes.literal)


def _words(text: str | Sequence[str] | None) -> str:
    if text is None:
        return ""
    return " ".join((text if isinstance(text, str) else "\n".join(text)).split())


def _case(name: str) -> tuple[dict[str, Any], DocSchema, HouseStyle, list[RawSection]]:
    spec = json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"))
    schema = SCHEMA[spec["kind"]].model_validate(spec["schema"])
    style = HouseStyle(types=spec["types"]) if "types" in spec else DEFAULT
    extras = [RawSection(raw["heading"], raw["body"]) for raw in spec.get("extras", [])]
    return spec, schema, style, extras


def _value(name: str) -> tuple[dict[str, Any], DocSchema, str]:
    spec, schema, style, extras = _case(name)
    value = RENDER[spec["style"]](schema, spec["indent"], spec["width"], extras, style)
    return spec, schema, value


# ------------------------------------------------------------------ read back: NumPy


def read_numpy(value: str) -> NumpyDocString:
    """The docstring as numpydoc reads it (any warning it gives fails the test)."""
    return NumpyDocString(inspect.cleandoc(value))


def check_numpy(schema: DocSchema, value: str, typed: bool = True) -> None:
    """numpydoc reads back from ``value`` every name, type and word of ``schema``."""
    doc = read_numpy(value)
    assert _words(doc["Summary"]) == _words(schema.summary)
    assert _words(doc["Extended Summary"]) == _words(schema.extended_description)
    assert _words(doc["Notes"]) == _words(schema.notes)
    if isinstance(schema, MethodDocstring):
        entries: Sequence[ArgDoc | AttributeDoc] = schema.args
        read = doc["Parameters"]
        assert [_words(p.desc) for p in doc["Raises"]] == \
            [_words(r.description) for r in schema.raises]
        assert [p.type for p in doc["Raises"]] == [r.exception_type for r in schema.raises]
        for got, want in ((doc["Returns"], schema.returns), (doc["Yields"], schema.yields)):
            assert len(got) == (want is not None)
            if want is not None and want.type_hint is None:
                # No type to head the entry: numpydoc takes the description's first line
                # for the type (the style requires one), but every word is there.
                assert _words([got[0].type, *got[0].desc]) == _words(want.description)
            elif want is not None:
                assert (got[0].name, _words(got[0].desc)) == ("", _words(want.description))
                assert got[0].type == want.type_hint
        examples = schema.examples
    elif isinstance(schema, ClassDocstring):
        entries, read, examples = schema.attributes, doc["Attributes"], schema.examples
    else:
        entries, read, examples = [], [], schema.typical_usage
    assert [p.name for p in read] == [e.name for e in entries]
    assert [_words(p.desc) for p in read] == [_words(e.description) for e in entries]
    for got_entry, want_entry in zip(read, entries, strict=True):
        # A type is written whole or not at all (it did not fit, or types are not written).
        assert got_entry.type in ("", want_entry.type_hint)
        if not typed:
            assert got_entry.type == ""
    assert "\n".join(doc["Examples"]).strip() == (examples or "").strip()


# ----------------------------------------------------------------- read back: Sphinx


def read_sphinx(value: str) -> nodes.document:
    """The docstring as docutils parses it; a warning or error fails the test."""
    warnings = io.StringIO()
    tree = publish_doctree(inspect.cleandoc(value), settings_overrides={
        "warning_stream": warnings, "report_level": 2, "halt_level": 5})
    assert warnings.getvalue() == ""
    return tree


_MARKUP_RE = re.compile(r":[\w:.-]+:(?=`)|[`*\\]")


def _plain(text: str | None) -> str:
    """Words without reST markup (roles, backticks, emphasis, escapes): the source's text
    and what docutils reads from it compare equal."""
    return _words(_MARKUP_RE.sub("", text or ""))


def sphinx_fields(tree: nodes.document) -> list[tuple[str, str]]:
    """Every field of the docstring's field lists: (name, body in one line)."""
    return [(field[0].astext(), _plain(field[1].astext()))
            for field in tree.findall(nodes.field)]


def check_sphinx(schema: DocSchema, value: str, typed: bool = True) -> None:
    """docutils reads back from ``value`` every name, type and word of ``schema``."""
    tree = read_sphinx(value)
    fields = sphinx_fields(tree)
    expected: list[tuple[str, str]] = []
    types: list[tuple[str, str]] = []
    if isinstance(schema, MethodDocstring):
        for arg in schema.args:
            expected.append((f"param {arg.name}", _plain(arg.description)))
            types.append((f"type {arg.name}", _plain(arg.type_hint)))
        for field, typefield, doc in (("returns", "rtype", schema.returns),
                                      ("yields", "ytype", schema.yields)):
            if doc is not None:
                expected.append((field, _plain(doc.description)))
                types.append((typefield, _plain(doc.type_hint)))
        expected += [(f"raises {r.exception_type}", _plain(r.description))
                     for r in schema.raises]
    elif isinstance(schema, ClassDocstring):
        for attribute in schema.attributes:
            expected.append((f"ivar {attribute.name}", _plain(attribute.description)))
            types.append((f"vartype {attribute.name}", _plain(attribute.type_hint)))
    assert [f for f in fields if not f[0].startswith(("type ", "rtype", "ytype", "vartype"))] \
        == expected
    for name, kind in [f for f in fields if f not in expected]:
        assert (name, kind) in types  # a type field says the type, whole
        assert typed
    notes = [_plain(n.astext()) for n in tree.findall(nodes.note)]
    assert notes == ([_plain(schema.notes)] if schema.notes else [])
    examples = schema.typical_usage if isinstance(schema, ModuleDocstring) else schema.examples
    code = [n.astext() for n in tree.findall(lambda n: isinstance(
        n, (nodes.doctest_block, nodes.literal_block)))]
    assert code == ([examples.strip()] if examples else [])


CHECK: dict[str, Callable[..., None]] = {"numpy": check_numpy, "sphinx": check_sphinx}


# ----------------------------------------------------------------------------- tests


@pytest.mark.parametrize("case", sorted(p.stem for p in GOLDEN.glob("*.json")))
def test_style_golden(case: str) -> None:
    spec, schema, value = _value(case)
    literal = to_literal(value)
    expected = GOLDEN / f"{case}.txt"
    text = spec["indent"] + literal + "\n"
    if os.environ.get("LLM_DOC_REGEN"):
        expected.write_text(text, encoding="utf-8")
    assert text == expected.read_text(encoding="utf-8")
    # Valid at its indentation, and evaluates to exactly the value rendered.
    source = f"def f():\n{spec['indent']}{literal}\n" if spec["indent"] else literal + "\n"
    node = ast.parse(source)
    target = node.body[0] if spec["indent"] else node
    assert ast.get_docstring(target, clean=False) == value  # type: ignore[arg-type]
    # Reads back in its own style's grammar.
    CHECK[spec["style"]](schema, value, typed=spec.get("types") != "never")


@pytest.mark.parametrize("case", sorted(p.stem for p in GOLDEN.glob("*.json")))
def test_lines_keep_within_width(case: str) -> None:
    spec, _, value = _value(case)
    for line in value.split("\n"):
        # A line that holds a single word (an unbreakable head) may not fit; nothing else.
        assert display_width(line) <= spec["width"] or len(line.split()) == 1, line


def _method(**fields: Any) -> MethodDocstring:
    base: dict[str, Any] = {"summary": "Do it.", "extended_description": None, "args": [],
                            "returns": None, "yields": None, "raises": [], "examples": None,
                            "notes": None}
    return MethodDocstring(**{**base, **fields})


def test_numpy_type_that_does_not_fit_is_never_broken() -> None:
    # The attack: a type longer than the line. Broken over two lines, numpydoc would read
    # its second half as a parameter of its own (or as the description). A parameter's is
    # left out (``x`` alone is numpy style); a return's, which numpydoc requires, is
    # written whole on its own line: left out, "The map." would be read as the type.
    long = "dict[str, tuple[int, int, int, int, int, int, int]]"
    schema = _method(args=[ArgDoc(name="x", type_hint=long, description="The x.")],
                     returns=ReturnsDoc(type_hint=long, description="The map."))
    value = render_numpy_text(schema, "    ", 40)
    doc = read_numpy(value)
    assert [(p.name, p.type) for p in doc["Parameters"]] == [("x", "")]
    assert [(p.name, p.type, p.desc) for p in doc["Returns"]] == [("", long, ["The map."])]
    check_numpy(schema, value)
    check_numpy(schema, render_numpy_text(schema, "    ", 79))


def test_numpy_headings_are_underlined_to_their_length_in_numpydoc_order() -> None:
    schema = _method(args=[ArgDoc(name="x", type_hint="int", description="The x.")],
                     returns=ReturnsDoc(type_hint="int", description="The y."),
                     raises=[RaisesDoc(exception_type="OSError", description="On I/O.")],
                     examples=">>> f(1)\n1", notes="Cheap.")
    extras = [RawSection("References", ".. [1] A paper."), RawSection("See Also", "g : other."),
              RawSection("Custom", "Kept as it was.")]
    lines = inspect.cleandoc(render_numpy_text(schema, "    ", 79, extras)).split("\n")
    headings = [line for line, under in itertools.pairwise(lines)
                if under and set(under) == {"-"}]
    assert headings == ["Parameters", "Returns", "Raises", "See Also", "Notes", "References",
                        "Examples", "Custom"]
    for line, under in itertools.pairwise(lines):
        if line in headings:
            assert under == "-" * len(line)


def test_numpy_yields_and_stars() -> None:
    schema = _method(args=[ArgDoc(name="*args", type_hint="int", description="Numbers."),
                           ArgDoc(name="**kwargs", type_hint=None, description="Options.")],
                     yields=YieldsDoc(type_hint="str", description="A name."))
    value = render_numpy_text(schema)
    check_numpy(schema, value)
    assert "*args : int\n" in value
    assert "**kwargs\n" in value


def test_sphinx_stars_are_escaped_so_docutils_reads_them() -> None:
    # The attack: ``:param *args:`` opens emphasis that never closes (a docutils warning,
    # a broken page in Sphinx). Escaped, the field's name reads ``param *args``.
    schema = _method(args=[ArgDoc(name="*args", type_hint="int", description="Numbers."),
                           ArgDoc(name="**kwargs", type_hint=None, description="Options.")])
    value = render_sphinx_text(schema, "    ")
    assert ":param \\*args: Numbers." in value
    assert ":param \\*\\*kwargs:" in value
    check_sphinx(schema, value)
    assert to_literal(value).startswith('r"""')  # the backslashes stay what they are


def test_sphinx_wrapped_prose_never_opens_a_field() -> None:
    # The attack: wrapping puts ``:note: `` at the start of a line. docutils wants a blank
    # line before a field list, but the readers of docstrings (pydoclint's, ours) take any
    # line starting with a field marker as the start of the fields: the rest of the
    # description would become a ``note`` field.
    text = "Set the option named in the config file as :note: to silence this."
    schema = _method(extended_description=text)
    for width in range(40, 80):
        value = render_sphinx_text(schema, "", width)
        assert sphinx_fields(read_sphinx(value)) == [], width
        parsed = rest.parse(value)
        assert parsed.meta == [], width
        assert _words(parsed.long_description) == _words(text), width


def test_sphinx_type_that_does_not_fit_is_left_out() -> None:
    long = "Mapping[str, Sequence[tuple[int, str, float, bytes]]]"
    schema = _method(args=[ArgDoc(name="records", type_hint=long, description="Records.")],
                     returns=ReturnsDoc(type_hint=long, description="The same."))
    narrow = render_sphinx_text(schema, "    ", 50)
    assert ":type records:" not in narrow
    assert ":rtype:" not in narrow
    check_sphinx(schema, narrow)
    wide = render_sphinx_text(schema, "    ", 79)
    assert f":type records: {long}" in wide
    assert f":rtype: {long}" in wide


def test_sphinx_types_never_writes_no_type_field() -> None:
    schema = _method(args=[ArgDoc(name="x", type_hint="int", description="The x.")],
                     returns=ReturnsDoc(type_hint="int", description="The y."))
    value = render_sphinx_text(schema, "    ", 79, (), HouseStyle(types="never"))
    assert ":type" not in value
    assert ":rtype" not in value
    check_sphinx(schema, value, typed=False)


@pytest.mark.parametrize("style", ["numpy", "sphinx"])
def test_pydoclint_finds_no_problem_in_generated_functions(style: str, tmp_path: Path) -> None:
    """pydoclint (in the style) reads a file of rendered docstrings without a finding.

    About a second: one pydoclint run over a small file.
    """
    exe = shutil.which("pydoclint", path=str(Path(sys.executable).parent)) or \
        shutil.which("pydoclint")
    if exe is None:
        pytest.skip("pydoclint is not installed (pip install -e .[test])")
    render = RENDER[style]
    functions = [
        ("def add(x: int, y: int = 2) -> int:", "    if x < 0:\n        raise ValueError(x)\n"
         "    return x + y", _case(f"{style}_method_full")[1].model_copy(update={
             "args": [ArgDoc(name="x", type_hint="int", description="First."),
                      ArgDoc(name="y", type_hint="int", description="Second. " * 12)],
             "returns": ReturnsDoc(type_hint="int", description="The sum."),
             "raises": [RaisesDoc(exception_type="ValueError", description="If negative.")]})),
        ("def lines(path: str) -> Iterator[str]:", "    yield from open(path)",
         _method(args=[ArgDoc(name="path", type_hint="str", description="The file.")],
                 yields=YieldsDoc(type_hint="str", description="A line."))),
        ("def star(*args: int, **kwargs: str) -> None:", "    print(args, kwargs)",
         _method(args=[ArgDoc(name="*args", type_hint="int", description="Numbers."),
                       ArgDoc(name="**kwargs", type_hint="str", description="Options.")])),
    ]
    source = ["from typing import Iterator\n"]
    for signature, body, schema in functions:
        source.append(f"\n{signature}\n    {to_literal(render(schema, '    ', 79))}\n{body}\n")
    source.append("\n\nclass Box:\n    " + to_literal(render(ClassDocstring(
        summary="A box.", extended_description=None, examples=None, notes=None,
        attributes=[AttributeDoc(name="size", type_hint="int", description="Its size.")]),
        "    ", 79)) + "\n\n    size: int = 0\n")
    path = tmp_path / "generated.py"
    path.write_text("".join(source), encoding="utf-8")
    ast.parse(path.read_text(encoding="utf-8"))
    # pydoclint's Sphinx reader takes class attributes only from ``.. attribute ::`` blocks
    # (its parser's own form); Sphinx's info field lists say ``:ivar:``, which we write.
    attributes = "True" if style == "numpy" else "False"
    run = subprocess.run([exe, f"--style={style}", "--skip-checking-short-docstrings=False",
                          f"--check-class-attributes={attributes}", str(path)],
                         capture_output=True, text=True, timeout=60, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "DOC" not in run.stdout, run.stdout


@pytest.mark.parametrize("case", sorted(p.stem for p in GOLDEN.glob("numpy_*.json")
                                        if "class" not in p.stem))
def test_numpy_reads_back_through_our_reader(case: str) -> None:
    # The package's own NumPy reader (layout/numpy_layout, behind parse_docstring) gives
    # back the schema: rendering what it read writes the same text again, at every width.
    spec, schema, style, extras = _case(case)
    for width in (spec["width"], *range(36, 101, 8)):
        value = render_numpy_text(schema, spec["indent"], width, extras, style)
        parsed = parse_docstring(value)
        again = parsed.to_module() if isinstance(schema, ModuleDocstring) else \
            parsed.to_method()
        assert render_numpy_text(again, spec["indent"], width, parsed.extras, style) == value
        if isinstance(schema, MethodDocstring):
            assert [a.name for a in parsed.args] == [a.name for a in schema.args]
