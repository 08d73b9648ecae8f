"""Facts that are the whole truth (issue 20): Raises conditions, caught exceptions, comments,
and the false findings that ``--fix`` turned into wrong edits.
"""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

from llm_doc_manager.analysis import BlockFacts, function_facts
from llm_doc_manager.analysis.facts import FunctionFacts
from llm_doc_manager.providers.static import comment_text
from tests.conftest import Run
from tests.helpers import ast_without_docstrings

DATA = Path(__file__).parent.parent / "validate" / "data"


def _facts(source: str, with_source: bool = True) -> FunctionFacts:
    node = ast.parse(source).body[0]
    assert isinstance(node, ast.FunctionDef)
    return function_facts(node, None, source if with_source else None)


def _conditions(source: str) -> dict[str, str | None]:
    return {r.exception: r.condition for r in _facts(source).raises}


def test_a_condition_names_every_raise_site_or_none() -> None:
    # Four ValueError sites: naming one of them ("If ``a_dim != 3``") is not the truth.
    assert _conditions(
        "def f(a, b):\n    a_dim = len(a)\n    if a_dim != 3:\n        raise ValueError\n"
        "    if b:\n        raise ValueError\n    for x in a:\n        if x:\n"
        "            raise ValueError\n    if not a:\n        raise ValueError\n"
    ) == {"ValueError": None}
    # Two sites under the same condition: it is the whole truth.
    assert _conditions("def f(a):\n    if a is None:\n        raise ValueError(1)\n"
                       "    if a is None:\n        raise ValueError(2)\n"
                       ) == {"ValueError": "a is None"}


def test_a_condition_names_no_local() -> None:
    assert _conditions("def f(a):\n    a_dim = len(a)\n    if a_dim != 3:\n"
                       "        raise ValueError\n") == {"ValueError": None}
    # A parameter given a new value in the body is not what the caller passed.
    assert _conditions("def f(path):\n    path = path.strip()\n    if not path:\n"
                       "        raise ValueError\n") == {"ValueError": None}
    # Parameters, self's public attributes and builtins are the caller's to know (a module's
    # names are not: tests/analysis/test_facts_whole_truth.py).
    assert _conditions(
        "def f(self, a, *args, key=None, **kw):\n"
        "    if not isinstance(a, int) and self.strict and len(args) > 2 and kw:\n"
        "        raise TypeError(a)\n    if any(v is None for v in args):\n"
        "        raise ValueError\n"
    ) == {"TypeError": "not isinstance(a, int) and self.strict and len(args) > 2 and kw",
          "ValueError": "any(v is None for v in args)"}


def test_conditions_are_the_source_text() -> None:
    source = ("def f(strict, code, key):\n    if strict and not code:\n        raise KeyError\n"
              "    if key == 'it''s' or key == \"x\":\n        raise TypeError\n"
              "    if (key  # a comment\n            and strict):\n        raise LookupError\n"
              "    if not key:\n        pass\n    else:\n        raise OSError\n")
    assert _conditions(source) == {
        "KeyError": "strict and not code",  # ast.unparse: strict and (not code)
        "TypeError": "key == 'it''s' or key == \"x\"",
        "LookupError": "key and strict",
        "OSError": "key",  # the else-branch of ``if not key``
    }
    # Without the source (validate needs no condition), ast.unparse still gives one.
    assert {r.condition for r in _facts(source, with_source=False).raises} >= {
        "strict and (not code)"}


def test_an_exception_caught_in_the_function_is_not_raised_by_it() -> None:
    for handler in ("except ValueError:", "except Exception:", "except (OSError, ValueError):",
                    "except:", "except ArithmeticError:"):
        exc = "ZeroDivisionError" if "Arith" in handler else "ValueError"
        source = (f"def f(a):\n    try:\n        if a:\n            raise {exc}(a)\n"
                  f"    {handler}\n        return 0\n    return 1\n")
        assert _facts(source).raises == (), handler
    # A handler that re-raises, or one for another class, lets it out.
    for handler, body in (("except ValueError:", "print(1)\n        raise"),
                          ("except KeyError:", "return 0")):
        source = (f"def f(a):\n    try:\n        raise ValueError(a)\n    {handler}\n"
                  f"        {body}\n")
        assert [r.exception for r in _facts(source).raises] == ["ValueError"], handler
    # A bare re-raise of what a callee raised is the callee's exception, not asked of the
    # docstring (huggingface_hub's ``except httpx.ProxyError: raise`` in snapshot_download).
    assert _facts("def f(url):\n    try:\n        fetch(url)\n    except ProxyError:\n"
                  "        log()\n        raise\n").raises == ()
    # ``except Exception`` does not catch a BaseException such as SystemExit.
    assert [r.exception for r in _facts(
        "def f():\n    try:\n        raise SystemExit(1)\n    except Exception:\n"
        "        pass\n").raises] == ["SystemExit"]


def test_generator_facts() -> None:
    stub = _facts("def f() -> Generator[str, None, None]:\n    ...\n")
    assert stub.annotated_iterator
    assert stub.undecidable
    assert not stub.generator_returns
    assert _facts("def f() -> Generator[int, None, str]:\n    yield 1\n").generator_returns
    assert _facts("def f():\n    yield 1\n    return 2\n").generator_returns
    assert not _facts("def f() -> Iterator[int]:\n    yield 1\n").generator_returns
    assert _facts("def f() -> 'None':\n    return g()\n").annotated_no_value


def test_the_static_comment_is_the_placeholder() -> None:
    facts = BlockFacts(("set subtotal", "update subtotal"))
    assert comment_text(facts, "TODO: describe.").text == "TODO: describe."
    assert comment_text(facts, "FIXME").text == "FIXME"


def test_no_false_finding_and_fix_changes_nothing(tmp_path: Path, llm_doc: Run) -> None:
    target = tmp_path / "precision.py"
    shutil.copyfile(DATA / "precision.py", target)
    result = llm_doc("validate", "--all", "precision.py", "-q", "--no-cache")
    assert result.stdout == (DATA / "precision_expected.txt").read_text(), result.stdout
    before = target.read_bytes()
    fixed = llm_doc("validate", "--all", "--fix", "--yes", "precision.py", "--no-cache")
    assert "Traceback" not in fixed.stderr
    assert target.read_bytes() == before, target.read_text()


@pytest.mark.parametrize("wrapped", ["TODO:\n            describe.", "TODO:  describe."])
def test_a_wrapped_placeholder_is_seen(tmp_path: Path, llm_doc: Run, wrapped: str) -> None:
    (tmp_path / "w.py").write_text(
        f'"""Mod."""\n\n\ndef f(a: int) -> None:\n    """Keep.\n\n    Args:\n'
        f'        a: {wrapped}\n    """\n')
    result = llm_doc("validate", "--all", "w.py", "-q", "--no-cache")
    assert result.stdout == ("w.py:8:12: LD302 f: 1 placeholder ('TODO: describe.') left to "
                             "describe\n")


def test_fix_of_a_combined_line_adds_only_what_is_missing(tmp_path: Path,
                                                          llm_doc: Run) -> None:
    source = ('"""Mod."""\n\n\ndef f(u: int, v: int, w: int, z: int) -> None:\n'
              '    """Merge.\n\n    Args:\n        w: The weight.\n'
              '        u, v: The pending lists.\n    """\n')
    path = tmp_path / "c.py"
    path.write_text(source)
    llm_doc("validate", "--all", "--fix", "--yes", "c.py", "--no-cache")
    after = path.read_text()
    assert after == source.replace("        u, v: The pending lists.\n",
                                   "        u, v: The pending lists.\n"
                                   "        z: TODO: describe.\n")
    assert ast_without_docstrings(after) == ast_without_docstrings(source)
