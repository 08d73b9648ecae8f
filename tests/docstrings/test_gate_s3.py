"""The gate's rules for what SmolLM2-135M wrote into python-humanize, each as the attack.

Unit tests of ``truth.gate`` for each rule, and one run of the real CLI against a local
server answering like that model: the first run drops the parts, the second sends nothing.
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path
from typing import Any

import pytest

from llm_doc_manager.analysis import function_facts, module_facts
from llm_doc_manager.docstrings import MethodDocstring, ReturnsDoc
from llm_doc_manager.docstrings.schemas import ModuleDocstring
from llm_doc_manager.docstrings.truth import (
    Gated,
    contradicts,
    described_type_contradicts,
    gate,
    has_code,
    literals_never_returned,
)
from tests.conftest import Run
from tests.fake_openai import FakeOpenAI, scripted


def _gate(source: str, **answer: Any) -> Gated:
    node = ast.parse(textwrap.dedent(source)).body[-1]
    assert isinstance(node, ast.FunctionDef)
    fields: dict[str, Any] = {"summary": "Do a thing.", "extended_description": None,
                              "args": [], "returns": None, "yields": None, "raises": [],
                              "examples": None, "notes": None}
    fields.update(answer)
    return gate(MethodDocstring(**fields), function_facts(node, None), node,
                (node.name, node.name))


def _why(gated: Gated) -> list[str]:
    return [f"{d.what}: {d.why}" for d in gated.dropped]


@pytest.mark.parametrize(("documented", "annotation"), [
    ("NoneType", "str"), ("datetime", "str"), ("datetime.datetime", "int"), ("None", "str"),
    ("Path", "int")])
def test_known_classes_contradict_a_builtin_annotation(documented: str, annotation: str
                                                       ) -> None:
    assert contradicts(documented, annotation)


@pytest.mark.parametrize(("documented", "annotation"), [
    ("str", "str"), ("MyStr", "str"),
    ("datetime", "datetime.datetime"), ("NoneType", "str | None"), ("Any", "str")])
def test_agreeing_or_unknown_types_do_not(documented: str, annotation: str) -> None:
    assert not contradicts(documented, annotation)


def test_a_returns_type_noun_against_the_annotation_is_dropped() -> None:
    # SmolLM2 on humanize.ordinal (-> str): "A list of natural numbers."
    gated = _gate("def f(n: int) -> str:\n    return str(n)\n",
                  returns=ReturnsDoc(type_hint=None, description="A list of natural numbers. "
                                     "Each is written out."))
    assert isinstance(gated.answer, MethodDocstring)
    assert gated.answer.returns is not None
    assert gated.answer.returns.description == "Each is written out."
    assert _why(gated) == ["description: says list, the annotation is str"]
    assert described_type_contradicts("An integer count.", "str") == "int"
    assert described_type_contradicts("A string of digits.", "str") is None
    assert described_type_contradicts("A list of names.", "Sequence[str]") is None


def test_a_literal_never_returned_is_dropped() -> None:
    gated = _gate("def f(n: int) -> str:\n    return str(n)\n",
                  returns=ReturnsDoc(type_hint=None, description="The text. Returns True if "
                                     "the number is large, else None."))
    assert isinstance(gated.answer, MethodDocstring)
    assert gated.answer.returns is not None
    assert gated.answer.returns.description == "The text."
    assert _why(gated) == ["description: names True, which is never returned"]
    node = ast.parse("def f(x):\n    if x:\n        return 1\n    return 2\n").body[0]
    assert isinstance(node, ast.FunctionDef)
    assert literals_never_returned(node, function_facts(node, None)) == \
        {"True", "False", "None"}
    # A bool may come back from an expression; None from falling off the end.
    for source in ("def f(x) -> bool:\n    return x > 1\n",
                   "def f(x):\n    return x > 1\n",
                   "def f(x):\n    if x:\n        return 1\n"):
        node = ast.parse(source).body[0]
        assert isinstance(node, ast.FunctionDef)
        assert not literals_never_returned(node, function_facts(node, None)) & {"True"}, \
            source


def test_one_echoed_sentence_drops_only_that_sentence() -> None:
    gated = _gate("def f(x):\n    return x\n",
                  notes="The value is passed on unchanged. Calls (signature: summary): none.")
    assert isinstance(gated.answer, MethodDocstring)
    assert gated.answer.notes == "The value is passed on unchanged."
    assert _why(gated) == ["text: echoes the request"]


def test_a_repeat_of_the_summary_after_the_split_is_dropped() -> None:
    # "The function does X. It uses Y." split: the summary keeps the first; the model's
    # extended description then said the first sentence again.
    gated = _gate("def f(x):\n    return x\n",
                  summary="Format a number as a fraction. It uses the math module.",
                  extended_description="Format a number as a fraction. Big numbers too.")
    assert isinstance(gated.answer, MethodDocstring)
    assert gated.answer.summary == "Format a number as a fraction."
    assert gated.answer.extended_description == "It uses the math module.\n\nBig numbers too."
    assert _why(gated) == ["text: repeats another part of the answer"]


def test_a_returns_description_repeating_the_summary_is_dropped() -> None:
    gated = _gate("def f() -> list[int]:\n    return [1]\n",
                  summary="Returns a list of natural numbers.",
                  returns=ReturnsDoc(type_hint=None,
                                     description="Returns a list of natural numbers."))
    assert isinstance(gated.answer, MethodDocstring)
    assert gated.answer.returns is not None
    assert gated.answer.returns.description == ""
    assert _why(gated) == ["description: repeats another part of the answer"]


@pytest.mark.parametrize("example", ["The example code demonstrates how to use the function.",
                                     "This is a default translation of the `gettext` call.",
                                     "Example"])
def test_an_example_without_code_is_dropped(example: str) -> None:
    assert not has_code(example)
    gated = _gate("def f(x):\n    return x\n", examples=example)
    assert isinstance(gated.answer, MethodDocstring)
    assert gated.answer.examples is None
    assert _why(gated) == ["example: no code"]
    module = gate(ModuleDocstring(summary="Tools for numbers.", extended_description=None,
                                  typical_usage=example, notes=None),
                  module_facts(ast.parse("x = 1\n"), "m"), None, ("m",))
    assert isinstance(module.answer, ModuleDocstring)
    assert module.answer.typical_usage is None


@pytest.mark.parametrize("example", [">>> f(1)\n1", "```python\nf(1)\n```", "f(1)",
                                     "Call it:\n\n    f(1)"])
def test_an_example_with_code_is_kept(example: str) -> None:
    assert has_code(example)


# -- the CLI against a server answering like SmolLM2-135M ----------------------------------

KEY = "sk-test-gate-s3-0123456789abcdef"

SOURCE = '''\
def ordinal(value: int) -> str:
    return str(value) + "th"


def k(): \\
    return 1
'''

ANSWERS: dict[str, dict[str, Any]] = {
    "ordinal": {
        "summary": "Write a number as an ordinal.",
        "args": [{"name": "value", "type_hint": "int", "description": "The number."}],
        "returns": {"type_hint": "str",
                    "description": "A list of ordinals. Returns True if the value is large."},
        "examples": "The example code demonstrates how to use the function.",
        "notes": "Works for negatives. Calls (signature: summary): none.",
    },
    "k": {"summary": "Give one back.",
          "returns": {"type_hint": "int", "description": "Give one back."}},
}


def test_parts_dropped_by_the_gate_are_not_asked_again(tmp_path: Path, llm_doc: Run,
                                                        fake: FakeOpenAI) -> None:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.llm-doc]\nretry-base = 0.01\nretry-max = 2.0\ntimeout = 60.0\n")
    path = tmp_path / "hum.py"
    path.write_text(SOURCE)
    fake.answer = scripted(ANSWERS)

    def run() -> Any:
        return llm_doc("generate", "--provider", "openai", "--base-url", fake.base_url,
                       "--model", "weak", "--all", "--yes", "-v", "hum.py",
                       env={"OPENAI_API_KEY": KEY})
    first = run()
    assert first.returncode in (0, 1), first.stderr
    assert "Traceback" not in first.stderr
    text = path.read_text()
    assert "A list of" not in text
    assert "True" not in text
    assert "demonstrates" not in text
    assert "Calls (signature" not in text
    assert "Works for negatives." in text  # the rest of the note stays
    assert "Returns:\n        int: TODO: describe." in text  # the repeat left its place
    dropped = [x for x in first.stderr.splitlines() if " gate dropped " in x]
    assert len(dropped) == 5, first.stderr
    sent = len(fake.seen)
    # The placeholders the gate left are filled from the same answer, so nothing is sent.
    second = run()
    assert len(fake.seen) == sent, [s.body["messages"] for s in fake.seen[sent:]]
    assert path.read_text() == text
    assert "model: 0 requests" in second.stderr
