"""The rules a docstring's parts are judged by, shared by validate and generate's gate."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

from llm_doc_manager.analysis import function_facts
from llm_doc_manager.docstrings import ArgDoc, MethodDocstring, RaisesDoc, ReturnsDoc, YieldsDoc
from llm_doc_manager.docstrings.metrics import measure
from llm_doc_manager.docstrings.truth import (
    as_sentence,
    contradicts,
    exception_name,
    first_sentence,
    gate,
    never_raised,
    not_a_parameter,
    returns_impossible,
    summary_problem,
    text_problem,
    yields_impossible,
)
from llm_doc_manager.validate.checks import CheckOptions, check_source


def _function(source: str) -> ast.FunctionDef:
    node = ast.parse(textwrap.dedent(source)).body[-1]
    assert isinstance(node, ast.FunctionDef)
    return node


# (function, documented exceptions, those it cannot raise)
RAISES = [
    ("def f(x):\n    if x:\n        raise ValueError(x)\n    return x\n",
     ["ValueError", "TypeError"], ["TypeError"]),
    # A callee may raise anything: nothing is judged.
    ("def f(x):\n    return helper(x)\n", ["TypeError"], []),
    # The exception built by the raise statement is not a callee.
    ("def f(x):\n    raise ValueError(str(x))\n", ["OSError", "builtins.ValueError"],
     ["OSError"]),
    # A subscript raises KeyError by itself.
    ("def f(d):\n    return d['k']\n", ["KeyError", "IndexError", "OSError"], ["OSError"]),
    ("def f(d):\n    return d\n", ["KeyError"], ["KeyError"]),
    # A stub documents what implementations raise.
    ("def f(x):\n    ...\n", ["ValueError"], []),
    # Aliases are the same class.
    ("def f():\n    raise IOError\n", ["OSError", "EnvironmentError"], []),
]


@pytest.mark.parametrize(("source", "documented", "invented"), RAISES)
def test_never_raised(source: str, documented: list[str], invented: list[str]) -> None:
    node = _function(source)
    assert never_raised(node, function_facts(node, None), documented) == invented


@pytest.mark.parametrize(("source", "documented", "invented"), RAISES)
def test_validate_reports_exactly_what_the_gate_drops(tmp_path: Path, source: str,
                                                      documented: list[str],
                                                      invented: list[str]) -> None:
    # One implementation: LD342 is reported for exactly the exceptions the gate drops.
    entries = "".join(f"        {name}: When it does.\n" for name in documented)
    header, body = source.split("\n", 1)
    text = f'{header}\n    """Do it.\n\n    Raises:\n{entries}    """\n{body}'
    found = check_source(tmp_path / "m.py", text, CheckOptions(all_defs=True))
    assert sorted(f.message.split()[2] for f in found if f.code == "LD342") == sorted(invented)


def test_a_property_handing_on_an_attribute_is_not_judged() -> None:
    cls = ast.parse("class C:\n    @property\n    def p(self):\n        return self.inner.p\n")
    node = cls.body[0].body[0]  # type: ignore[attr-defined]
    facts = function_facts(node, "C")
    assert never_raised(node, facts, ["AttributeError"]) == []


def test_not_a_parameter_and_kwargs() -> None:
    plain = function_facts(_function("def f(a, *rest): pass"), None)
    assert not not_a_parameter(plain, "a")
    assert not not_a_parameter(plain, "*rest")
    assert not not_a_parameter(plain, "rest")
    assert not_a_parameter(plain, "b")
    keywords = function_facts(_function("def f(a, **options): pass"), None)
    assert not not_a_parameter(keywords, "anything")  # **options may bring any name


def test_contradicts() -> None:
    assert contradicts("str", "int")
    assert not contradicts("int", "int")
    assert not contradicts("int, optional", "int | None", True)
    assert not contradicts(None, "int")
    assert not contradicts("str", None)
    assert not contradicts("a number of sorts", "int")  # unreadable: never a contradiction


def test_returns_and_yields_the_code_cannot_have() -> None:
    def facts(source: str) -> object:
        return function_facts(_function(source), None)

    assert returns_impossible(facts("def f() -> None:\n    x = 1\n"))  # type: ignore[arg-type]
    assert not returns_impossible(facts("def f():\n    return 1\n"))  # type: ignore[arg-type]
    assert not returns_impossible(facts("def f():\n    ...\n"))  # type: ignore[arg-type]
    assert yields_impossible(facts("def f():\n    return 1\n"))  # type: ignore[arg-type]
    assert not yields_impossible(facts("def f():\n    yield 1\n"))  # type: ignore[arg-type]


@pytest.mark.parametrize(("summary", "problem"), [
    ("", "empty summary"),
    ("   ", "empty summary"),
    ("t", "one-word summary"),
    ("hello_world", "one-word summary"),
    ("Hello world.", "summary is only the name"),
    ("`hello_world()`.", "one-word summary"),
    ("hello world", "summary is only the name"),
    ("Say hello to the world.", None),
])
def test_summary_problem(summary: str, problem: str | None) -> None:
    assert summary_problem(summary, ("hello_world", "Greeter.hello_world")) == problem


def test_summary_equal_to_a_camel_case_name() -> None:
    assert summary_problem("Get value", ("getValue",)) == "summary is only the name"


@pytest.mark.parametrize(("summary", "sentence"), [
    ("double the value", "Double the value."),
    ("Double the value.", "Double the value."),
    ("is it empty?", "Is it empty?"),
    ("Stop now!", "Stop now!"),
    ("The options are:", "The options are:"),
    ("x_max is the bound", "x_max is the bound."),  # code keeps its case
    ("iOS devices only", "iOS devices only."),
    ("`path` is read", "`path` is read."),
    ("spread over\n  two lines", "Spread over two lines."),
])
def test_as_sentence(summary: str, sentence: str) -> None:
    assert as_sentence(summary) == sentence


def _answer(**fields: object) -> MethodDocstring:
    base: dict[str, object] = {"summary": "Bound a value.", "extended_description": None,
                               "args": [], "returns": None, "yields": None, "raises": [],
                               "examples": None, "notes": None}
    return MethodDocstring.model_validate({**base, **fields})


def test_gate_drops_what_validate_refuses() -> None:
    node = _function("def clamp(value: int, low: int) -> int:\n"
                     "    if value < low:\n        raise ValueError\n    return value\n")
    facts = function_facts(node, None)
    checked = gate(_answer(
        summary="bound a value",
        args=[ArgDoc(name="value", type_hint="str", description="The value."),
              ArgDoc(name="step", type_hint=None, description="Invented.")],
        returns=ReturnsDoc(type_hint="list", description="The result."),
        yields=YieldsDoc(type_hint=None, description="Invented."),
        raises=[RaisesDoc(exception_type="ValueError", description="Below."),
                RaisesDoc(exception_type="TypeError", description="Invented.")],
    ), facts, node, ("clamp",))
    assert [(d.what, d.name) for d in checked.dropped] == [
        ("type", "value"), ("argument", "step"), ("type", "Returns"), ("yields", "Yields"),
        ("raises", "TypeError")]
    answer = checked.answer
    assert isinstance(answer, MethodDocstring)
    assert answer.summary == "Bound a value."
    assert [(a.name, a.type_hint) for a in answer.args] == [("value", None)]
    assert answer.returns == ReturnsDoc(type_hint=None, description="The result.")
    assert answer.yields is None
    assert [r.exception_type for r in answer.raises] == ["ValueError"]
    assert checked.usable


def test_nothing_usable_left() -> None:
    node = _function("def reset(state) -> None:\n    state = None\n")
    checked = gate(_answer(summary="reset", returns=ReturnsDoc(type_hint=None,
                                                               description="Nothing.")),
                   function_facts(node, None), node, ("reset",))
    assert not checked.usable
    assert [d.why for d in checked.dropped] == ["one-word summary",
                                                "the function returns nothing"]


def test_truthfulness_counts_an_invented_exception_as_untrue() -> None:
    tree = ast.parse('def f(x: int) -> int:\n    """Double.\n\n    Args:\n        x: A.\n\n'
                     '    Raises:\n        ValueError: Never.\n        KeyError: Never.\n'
                     '    """\n    if x:\n        raise ValueError\n    return x\n')
    metrics = measure(tree, "m")
    # x and ValueError exist; KeyError is a builtin's name but nothing here raises it.
    assert metrics.truthful(set()) == (2, 3)


# What a 135M model wrote into free-text fields on the bundled example (SmolLM2, llama-cpp-
# python's server), each passed by the first gate: the schema said back, an unfilled
# template, brackets only.
@pytest.mark.parametrize(("text", "code", "problem"), [
    ("{ { 'type': 'string', 'title':'ModuleDocstring' } }, {...} ,", False,
     "echoes the request's schema"),
    ('Returns a {"type": "object"} value.', False, "echoes the request's schema"),
    ("{{code}} {{{price}}, {{code}}}", True, "unfilled template"),
    ("[{", True, "no words"),
    ("}", False, "no words"),
    ("42", False, "no words"),
    # Kept: a short call, a one-word description, braces of real code.
    ("f(1)", True, None),
    ("Ignored.", False, None),
    (">>> {'a': 1}['a']\n1", True, None),
])
def test_text_problem(text: str, code: bool, problem: str | None) -> None:
    assert text_problem(text, code) == problem


@pytest.mark.parametrize(("summary", "head", "rest"), [
    ("Apply a coupon. The code decides the discount.", "Apply a coupon.",
     "The code decides the discount."),
    ("Use e.g. Decimal for money.", "Use e.g. Decimal for money.", ""),
    ("Bound a value", "Bound a value", ""),
])
def test_first_sentence(summary: str, head: str, rest: str) -> None:
    assert first_sentence(summary) == (head, rest)


def test_gate_drops_free_text_that_says_nothing_and_keeps_every_sentence() -> None:
    node = _function("def apply(price: float, code: str) -> float:\n    return price\n")
    checked = gate(_answer(
        summary="apply a coupon to a product. The coupon is only for some codes.",
        args=[ArgDoc(name="price", type_hint=None, description="[{"),
              ArgDoc(name="code", type_hint=None, description="The coupon code.")],
        returns=ReturnsDoc(type_hint=None, description="{ 'type': 'number' }"),
        examples="{{code}} {{{price}}, {{code}}}",
        notes="The coupon is only for some codes.",
    ), function_facts(node, None), node, ("apply",))
    answer = checked.answer
    assert isinstance(answer, MethodDocstring)
    assert answer.summary == "Apply a coupon to a product."
    assert answer.extended_description == "The coupon is only for some codes."
    assert [a.description for a in answer.args] == ["", "The coupon code."]
    assert answer.returns == ReturnsDoc(type_hint=None, description="")
    assert answer.examples is None
    assert answer.notes is None  # said already, in the extended description
    assert [(d.what, d.why) for d in checked.dropped] == [
        ("description", "no words"), ("description", "echoes the request's schema"),
        ("example", "unfilled template"), ("text", "repeats another part of the answer")]
    assert checked.usable


# What SmolLM2-135M wrote into python-humanize's functions, each passed by the gate before.
@pytest.mark.parametrize(("text", "problem"), [
    ("The JSON does not match the schema. The function returns a string", "echoes the request"),
    ("Calls (signature: summary):", "echoes the request"),
    ("<script type=", "markup"),
    # Kept: comparisons and a docstring about schemas in words.
    ("Return True when a < b and b > c.", None),
    ("Validate the payload against its JSON schema.", None),
])
def test_echoes_and_markup(text: str, problem: str | None) -> None:
    assert text_problem(text) == problem


@pytest.mark.parametrize(("name", "ok"), [
    ("ValueError", True), ("httpx.ProxyError", True), ("BadInput", True), ("`KeyError`", True),
    ("float", False), ("string", False), ("None", False), ("str", False),
    ("If the value is bad", False),
])
def test_exception_name(name: str, ok: bool) -> None:
    assert exception_name(name) is ok


def test_a_raises_entry_whose_words_were_dropped_keeps_the_placeholder() -> None:
    # decimal_separator (python-humanize): "TypeError:" was written with nothing after it.
    from llm_doc_manager.docstrings.merge import merge_method

    node = _function("def sep(x: str) -> str:\n    return lookup(x)\n")
    facts = function_facts(node, None)
    checked = gate(_answer(summary="Return the separator.", raises=[RaisesDoc(
        exception_type="TypeError", description="The JSON does not match the schema.")]),
        facts, node, ("sep",))
    answer = checked.answer
    assert isinstance(answer, MethodDocstring)
    merged = merge_method(facts, answer, None, keep_human=False)
    assert [(r.exception_type, r.description) for r in merged.schema.raises] == [
        ("TypeError", "TODO: describe.")]
