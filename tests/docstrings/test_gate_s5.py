"""The gate's rules for names that resolve to nothing and for the extended description.

SmolLM2-135M wrote ``gettext.i18n``, ``parseJSON()`` and ``floats_to_string`` into
descriptions of code that has none of them; a run on the bundled example wrote an extended
description without a final period. Unit tests of ``truth.gate`` for each, and one run of the
real CLI against a local server answering like that model.
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path
from typing import Any

import pytest

from llm_doc_manager.analysis import class_facts, function_facts, module_facts
from llm_doc_manager.docstrings import MethodDocstring, ReturnsDoc
from llm_doc_manager.docstrings.schemas import (
    ArgDoc,
    AttributeDoc,
    ClassDocstring,
    ModuleDocstring,
)
from llm_doc_manager.docstrings.truth import Gated, as_paragraphs, gate, unresolved_name
from tests.conftest import Run
from tests.fake_openai import FakeOpenAI, scripted

MODULE = '''\
import os
import json as j
from .i18n import ngettext as _

LIMIT = 3


class Box:
    size: int = 0

    def __init__(self) -> None:
        self.items = []


def helper(x):
    total = x + 1
    return total
'''


def _gate(source: str, **answer: Any) -> Gated:
    tree = ast.parse(MODULE + textwrap.dedent(source))
    node = tree.body[-1]
    assert isinstance(node, ast.FunctionDef)
    fields: dict[str, Any] = {"summary": "Do a thing.", "extended_description": None,
                              "args": [], "returns": None, "yields": None, "raises": [],
                              "examples": None, "notes": None}
    fields.update(answer)
    return gate(MethodDocstring(**fields), function_facts(node, None), node,
                (node.name, node.name), tree)


def _why(gated: Gated) -> list[str]:
    return [f"{d.what} {d.name!r}: {d.why}" for d in gated.dropped]


FUNCTION = "def f(value: float, places: int = 2) -> str:\n    return helper(value)\n"


def test_a_sentence_naming_a_dotted_name_of_nothing_is_dropped() -> None:
    gated = _gate(FUNCTION, extended_description="The value is rounded first. It is "
                  "translated with ``gettext.i18n`` for the locale.")
    assert isinstance(gated.answer, MethodDocstring)
    assert gated.answer.extended_description == "The value is rounded first."
    assert _why(gated) == ["text 'It is translated with ``gettext.i18n`` for the locale.': "
                           "names `gettext.i18n`, which is nothing in the module"]


def test_an_argument_description_naming_a_call_of_nothing_is_dropped() -> None:
    gated = _gate(FUNCTION, args=[ArgDoc(name="value", type_hint=None,
                                         description="The number, parsed with parseJSON().")])
    assert isinstance(gated.answer, MethodDocstring)
    assert gated.answer.args[0].description == ""  # the placeholder takes its place
    assert [d.why for d in gated.dropped] == \
        ["names `parseJSON()`, which is nothing in the module"]


def test_a_returns_description_naming_nothing_is_dropped() -> None:
    gated = _gate(FUNCTION, returns=ReturnsDoc(
        type_hint=None, description="The text. It is built by `floats_to_string`."))
    assert isinstance(gated.answer, MethodDocstring)
    assert gated.answer.returns is not None
    assert gated.answer.returns.description == "The text."
    assert [d.why for d in gated.dropped] == \
        ["names `floats_to_string`, which is nothing in the module"]


def test_a_class_and_a_module_answer_lose_such_sentences_too() -> None:
    tree = ast.parse(MODULE)
    box = tree.body[4]
    assert isinstance(box, ast.ClassDef)
    gated = gate(ClassDocstring(summary="A box of things.",
                                extended_description="Holds `items`. Sorted by `sortKey`.",
                                attributes=[AttributeDoc(name="size", type_hint=None,
                                                         description="Set by `resize()`.")],
                                examples=None, notes=None),
                 class_facts(box), box, ("Box", "Box"), tree)
    assert isinstance(gated.answer, ClassDocstring)
    assert gated.answer.extended_description == "Holds `items`."
    assert gated.answer.attributes[0].description == ""
    module = gate(ModuleDocstring(summary="Tools for boxes.",
                                  extended_description="Uses `yaml.safe_load`. Uses `os`.",
                                  typical_usage=None, notes=None),
                  module_facts(tree, "m"), tree, ("m",), tree)
    assert isinstance(module.answer, ModuleDocstring)
    assert module.answer.extended_description == "Uses `os`."


@pytest.mark.parametrize("named", [
    # literals, keywords, type expressions of known names, expressions that are no name
    "`None`", "``True``", '`"utf-8"`', "`'x'`", "`42`", "`3.5`", "`if`", "`lambda`",
    "`match`", "`list[str]`", "`dict[str, int] | None`", "`x > 0`", "`--verbose`",
    "`*args`", "`**kwargs`", "`a b c`", "``", "`n`",
    # parameters, the module's own names, imports, builtins, attributes, locals, dunders
    "`value`", "`places`", "`helper()`", "`helper(value)`", "`LIMIT`", "`Box`",
    "`Box.items`", "`self.items`", "`self`", "`os.path.join`", "`j.loads()`", "`_`",
    "`len()`", "`ValueError`", "`total`", "`size`", "`__init__`", "`__call__`",
    "`json.loads`", "`f`", "len()", "round()", "`j.dumps(x, indent=2)`", "`i18n`",
    # plain words (values, options, CLI names), classes of other modules, roles, links,
    # file names, a fence
    "`hf`", "`admin`", "`TypedDict`", ":math:`u_t`", ":func:`other.thing`",
    "[`set_member`][pkg.Alias.set_member]", "`privacy.py`", "`model.safetensors`",
    "```py\nparse_it()\n```", "`HF_TOKEN`", ">>> parse_it()"])
def test_names_that_resolve_or_are_no_names_are_kept(named: str) -> None:
    text = f"The value goes through {named} first."
    gated = _gate(FUNCTION, extended_description=text)
    assert isinstance(gated.answer, MethodDocstring)
    assert gated.answer.extended_description == text, gated.dropped
    assert not gated.dropped


def test_unresolved_name_reads_backticks_and_bare_calls() -> None:
    scope = frozenset({"helper", "os"})
    assert unresolved_name("Calls `parse_it` on it.", scope) == "parse_it"
    assert unresolved_name("Calls parseJSON() on it.", scope) == "parseJSON()"
    assert unresolved_name("Calls ``gettext.i18n`` then.", scope) == "gettext.i18n"
    assert unresolved_name("Calls `helper()` and os.getcwd().", scope) is None
    assert unresolved_name("Calls foo (see above).", scope) is None
    assert unresolved_name("Set by `sortKey`.", scope) == "sortKey"
    assert unresolved_name("The `hf` command.", scope) is None


def test_without_the_module_nothing_is_judged() -> None:
    tree = ast.parse(FUNCTION)
    node = tree.body[0]
    assert isinstance(node, ast.FunctionDef)
    gated = gate(MethodDocstring(summary="Do a thing.",
                                 extended_description="Uses `nothing_here`.", args=[],
                                 returns=None, yields=None, raises=[], examples=None,
                                 notes=None),
                 function_facts(node, None), node, ("f", "f"))
    assert not gated.dropped


@pytest.mark.parametrize(("written", "made"), [
    ("this is a detailed example of how to apply a coupon to a product with code",
     "This is a detailed example of how to apply a coupon to a product with code."),
    ("It works.\n\nthen it stops", "It works.\n\nthen it stops."),
    ("x_max is the bound", "x_max is the bound."),
    ("`value` is rounded", "`value` is rounded."),
    ("Is it?", "Is it?"),
    ("Steps:\n\n- one\n- two", "Steps:\n\n- one\n- two"),
    ("Like this:\n\n    f(1)", "Like this:\n\n    f(1)"),
    ("Like this:\n\n```python\nf(1)\n```", "Like this:\n\n```python\nf(1)\n```"),
    ("spaced out  \n", "Spaced out.")])
def test_the_extended_description_is_made_a_sentence(written: str, made: str) -> None:
    assert as_paragraphs(written) == made
    gated = _gate(FUNCTION, extended_description=written)
    assert isinstance(gated.answer, MethodDocstring)
    assert gated.answer.extended_description == made


# -- the CLI against a server answering like SmolLM2-135M ----------------------------------

KEY = "sk-test-gate-s5-0123456789abcdef"

SOURCE = '''\
import os


def apply_coupon(price: float, code: str) -> float:
    return price - len(code) + len(os.sep)
'''

ANSWERS: dict[str, dict[str, Any]] = {
    "apply_coupon": {
        "summary": "Apply a coupon to a price.",
        "extended_description": "this is a detailed example of how to apply a coupon to a "
                                "product with code. The code is read with ``gettext.i18n``",
        "args": [{"name": "price", "type_hint": "float", "description": "The price."},
                 {"name": "code", "type_hint": "str",
                  "description": "The coupon, parsed with parseJSON()."}],
        "returns": {"type_hint": "float",
                    "description": "The new price. Rounded by `floats_to_string`."},
    },
}


def test_sentences_naming_nothing_are_dropped_by_the_cli(tmp_path: Path, llm_doc: Run,
                                                         fake: FakeOpenAI) -> None:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.llm-doc]\nretry-base = 0.01\nretry-max = 2.0\ntimeout = 60.0\n")
    path = tmp_path / "shop.py"
    path.write_text(SOURCE)
    fake.answer = scripted(ANSWERS)
    result = llm_doc("generate", "--provider", "openai", "--base-url", fake.base_url,
                     "--model", "weak", "--all", "--yes", "-v", "shop.py",
                     env={"OPENAI_API_KEY": KEY})
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    text = path.read_text()
    for invented in ("gettext", "parseJSON", "floats_to_string"):
        assert invented not in text
    assert "This is a detailed example of how to apply a coupon to a product with code." \
        in text
    assert "The new price." in text
    assert "code (str): TODO: describe." in text
    dropped = [x for x in result.stderr.splitlines() if " gate dropped " in x]
    assert len(dropped) == 3, result.stderr
    assert all("which is nothing in the module" in x for x in dropped), dropped
    assert "gate: 3 dropped (2 descriptions, 1 text)" in result.stderr
    ast.parse(text)


def test_a_star_import_leaves_names_unjudged() -> None:
    tree = ast.parse("from somewhere import *\n\n\ndef f(x):\n    return x\n")
    node = tree.body[-1]
    assert isinstance(node, ast.FunctionDef)
    gated = gate(MethodDocstring(summary="Do a thing.",
                                 extended_description="Uses `anything_at_all`.", args=[],
                                 returns=None, yields=None, raises=[], examples=None,
                                 notes=None),
                 function_facts(node, None), node, ("f", "f"), tree)
    assert not gated.dropped
