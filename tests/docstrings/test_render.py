"""Formatter: golden literals, escaping properties, parse round trip, strict schemas."""

from __future__ import annotations

import ast
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llm_doc_manager.analysis.markers import scan_markers
from llm_doc_manager.config import DEFAULT_WIDTH
from llm_doc_manager.docstrings import (
    ArgDoc,
    ClassDocstring,
    CommentText,
    DocSchema,
    MethodDocstring,
    ModuleDocstring,
    RaisesDoc,
    RawSection,
    ReturnsDoc,
    YieldsDoc,
    format_comment,
    parse_docstring,
    render_text,
    to_literal,
)


def literal_of(schema: DocSchema, indent: str = "", width: int = DEFAULT_WIDTH, *,
               extras: Sequence[RawSection] = (), encoding: str = "utf-8") -> str:
    """The complete docstring literal the pipeline writes for ``schema``."""
    return to_literal(render_text(schema, indent, width, extras), encoding)


GOLDEN = Path(__file__).parent / "golden"
FORMATTERS: dict[str, Any] = {
    "method": (MethodDocstring, literal_of),
    "class": (ClassDocstring, literal_of),
    "module": (ModuleDocstring, literal_of),
}


@pytest.mark.parametrize("case", sorted(p.stem for p in GOLDEN.glob("*.json")))
def test_formatter_golden(case: str) -> None:
    spec = json.loads((GOLDEN / f"{case}.json").read_text(encoding="utf-8"))
    schema_cls, fmt = FORMATTERS[spec["kind"]]
    literal = fmt(schema_cls.model_validate(spec["schema"]), spec["indent"], spec["width"],
                  encoding=spec.get("encoding", "utf-8"))
    expected = GOLDEN / f"{case}.txt"
    if os.environ.get("LLM_DOC_REGEN"):
        expected.write_text(spec["indent"] + literal + "\n", encoding="utf-8")
    assert spec["indent"] + literal + "\n" == expected.read_text(encoding="utf-8")
    # The literal is valid at its indentation (inside a def, or at module level).
    ast.parse(f"def f():\n{spec['indent']}{literal}\n" if spec["indent"] else literal)


text = st.text(st.characters(codec="utf-8"), max_size=40)
safe_line = st.text(st.characters(whitelist_categories=("Lu", "Ll", "Nd"),
                                  whitelist_characters=" ,.;!?()"), min_size=1,
                    max_size=60).map(str.strip).filter(lambda s: s and s[0].isalnum())
name = st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True)


def method_schemas(field_text: st.SearchStrategy[str]) -> st.SearchStrategy[MethodDocstring]:
    return st.builds(
        MethodDocstring,
        summary=field_text,
        extended_description=st.none() | field_text,
        args=st.lists(st.builds(ArgDoc, name=name, type_hint=st.none() | name,
                                description=field_text), max_size=3,
                      unique_by=lambda a: a.name),
        returns=st.none() | st.builds(ReturnsDoc, type_hint=st.none() | name,
                                      description=field_text),
        yields=st.none() | st.builds(YieldsDoc, type_hint=st.none() | name,
                                     description=field_text),
        raises=st.lists(st.builds(RaisesDoc, exception_type=name, description=field_text),
                        max_size=2, unique_by=lambda r: r.exception_type),
        examples=st.none() | field_text,
        notes=st.none() | field_text,
    )


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(schema=method_schemas(text), indent=st.sampled_from(["    ", "\t\t", "  ", "\t    "]),
       width=st.integers(20, 120), encoding=st.sampled_from(["utf-8", "latin-1", "ascii"]))
def test_literal_evaluates_to_intended_docstring(schema: MethodDocstring, indent: str,
                                                 width: int, encoding: str) -> None:
    intended = render_text(schema, indent, width)
    literal = literal_of(schema, indent, width, encoding=encoding)
    assert ast.literal_eval(literal) == intended
    literal.encode(encoding)  # nothing the file cannot hold
    # Also the same value when placed in a file, with LF or CRLF line endings.
    for newline in ("\n", "\r\n"):
        source = f"def f():\n{indent}{literal}\n".replace("\n", newline)
        tree = ast.parse(source)
        assert ast.get_docstring(tree.body[0], clean=False) == intended  # type: ignore[arg-type]


@given(value=st.text(max_size=60), encoding=st.sampled_from(["utf-8", "latin-1", "cp1252"]))
def test_to_literal_round_trips_any_text(value: str, encoding: str) -> None:
    literal = to_literal(value, encoding)
    assert ast.literal_eval(literal) == value
    literal.encode(encoding)


@settings(max_examples=200)
@given(schema=method_schemas(safe_line), width=st.integers(40, 100))
def test_parse_reads_back_what_was_formatted(schema: MethodDocstring, width: int) -> None:
    literal = literal_of(schema, "    ", width)
    parsed = parse_docstring(ast.literal_eval(literal))
    again = literal_of(parsed.to_method(), "    ", width)
    assert again == literal
    assert [a.name for a in parsed.args] == [a.name for a in schema.args]
    assert [a.type_hint for a in parsed.args] == [a.type_hint for a in schema.args]
    assert parsed.summary.replace("\n", " ") == schema.summary


@given(comment=st.text(max_size=80), indent=st.sampled_from(["", "    ", "\t"]))
def test_comment_lines_are_inert(comment: str, indent: str) -> None:
    lines = format_comment(CommentText(text=comment), indent, 60)
    source = "".join(line + "\n" for line in lines) + indent + "x = 1\n"
    source = ("if True:\n" + source) if indent else source
    ast.parse(source)
    assert scan_markers(source).regions == ()
    assert all(line.startswith(indent + "#") for line in lines)


def test_short_docstring_stays_on_one_line() -> None:
    schema = MethodDocstring(summary="Do it.", extended_description=None, args=[],
                             returns=None, yields=None, raises=[], examples=None, notes=None)
    assert literal_of(schema, "    ") == '"""Do it."""'


def test_examples_are_never_wrapped() -> None:
    code = ">>> compute(" + ", ".join(str(i) for i in range(40)) + ")"
    schema = MethodDocstring(summary="S.", extended_description=None, args=[], returns=None,
                             yields=None, raises=[], examples=code, notes=None)
    assert code in ast.literal_eval(literal_of(schema, "", 40))


SCHEMA_MODELS = [ModuleDocstring, ClassDocstring, MethodDocstring, CommentText]
ALLOWED_KEYS = {"type", "properties", "required", "additionalProperties", "items", "anyOf",
                "$ref", "$defs", "description", "title", "enum", "const"}


def _check_strict(node: Any, path: str) -> None:
    if isinstance(node, dict):
        unknown = set(node) - ALLOWED_KEYS
        assert not unknown, f"{path}: keywords not allowed in strict mode: {unknown}"
        if node.get("type") == "object":
            assert node.get("additionalProperties") is False, f"{path}: extra keys allowed"
            assert sorted(node.get("required", [])) == sorted(node.get("properties", {})), \
                f"{path}: every field must be required"
        for key, value in node.items():
            if key in ("properties", "$defs"):
                for name, sub in value.items():
                    _check_strict(sub, f"{path}.{name}")
            elif key in ("items", "anyOf"):
                for i, sub in enumerate(value if isinstance(value, list) else [value]):
                    _check_strict(sub, f"{path}.{key}[{i}]")


@pytest.mark.parametrize("model", SCHEMA_MODELS, ids=lambda m: m.__name__)
def test_schemas_fit_openai_strict_structured_outputs(model: Any) -> None:
    schema = model.model_json_schema()
    assert schema["type"] == "object"
    _check_strict(schema, model.__name__)
    text = json.dumps(schema)
    assert '"default"' not in text
