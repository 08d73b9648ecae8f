"""The gate's rules left open in issue 24, each written as the attack it stops.

1. A documented exception the function's own handler catches: the body calls something,
   but only inside a ``try`` whose handler catches the exception and does not pass it on.
   ``validate`` (LD342) and the gate judged nothing where the body called anything.
2. Names defined in other modules of the project (a function the code's callee calls, a
   caller the prompt showed, any definition of its call graph): the gate knew one module,
   so true sentences were dropped.
3. A number in a marked block's comment that the code does not hold ("a tax rate of 2%"
   over ``price * 1.07``): comments were not gated at all.
"""

from __future__ import annotations

import ast
import subprocess
import textwrap
from pathlib import Path

import pytest

from llm_doc_manager.analysis import BlockFacts, function_facts
from llm_doc_manager.cli import _dispatch
from llm_doc_manager.docstrings import CommentText, MethodDocstring, RaisesDoc
from llm_doc_manager.docstrings.truth import (
    Numbers,
    block_numbers,
    gate,
    imported_names,
    never_raised,
    unsupported_number,
)
from llm_doc_manager.validate.checks import CheckOptions, check_source
from tests.conftest import Run
from tests.fake_openai import FakeOpenAI, scripted


def _function(source: str) -> ast.FunctionDef:
    node = ast.parse(textwrap.dedent(source)).body[-1]
    assert isinstance(node, ast.FunctionDef)
    return node


# -- 1. an exception the function's own handler catches ------------------------------------

# (function, documented exceptions, those it cannot let out)
CAUGHT = [
    # The call may raise ValueError, but the handler takes it and does not pass it on; a
    # TypeError of int() is not caught: it may leave.
    ("def f(s):\n    try:\n        n = int(s)\n    except ValueError:\n        return None\n"
     "    return n\n", ["ValueError", "TypeError"], ["ValueError"]),
    # ``except Exception`` takes a project's exception too (it derives from Exception).
    ("def f(s):\n    try:\n        return load(s)\n    except Exception:\n        return None\n",
     ["BadInput", "KeyboardInterrupt"], ["BadInput"]),
    # The raise and the call are both inside the try.
    ("def f(s):\n    try:\n        if not s:\n            raise ValueError(s)\n"
     "        return parse(s)\n    except ValueError:\n        return 0\n",
     ["ValueError"], ["ValueError"]),
    # A subscript inside a try catching KeyError cannot let KeyError out.
    ("def f(d):\n    try:\n        return d['k']\n    except KeyError:\n        return None\n",
     ["KeyError"], ["KeyError"]),
    # An assert inside a try catching AssertionError.
    ("def f(x):\n    try:\n        assert x\n    except AssertionError:\n        return 0\n"
     "    return 1\n", ["AssertionError"], ["AssertionError"]),
    # Through nested tries: the inner handler passes it on, the outer one takes it.
    ("def f(s):\n    try:\n        try:\n            return g(s)\n        except ValueError:\n"
     "            log(s)\n            raise\n    except ValueError:\n        return None\n",
     ["ValueError"], ["ValueError"]),
]

# Where the exception may leave: nothing is judged.
LEAVES = [
    # A call outside the try may raise anything.
    ("def f(s):\n    try:\n        n = int(s)\n    except ValueError:\n        n = 0\n"
     "    return helper(n)\n", ["ValueError"]),
    # The handler passes it on: bare raise, or by its name.
    ("def f(s):\n    try:\n        return int(s)\n    except ValueError:\n        log(s)\n"
     "        raise\n", ["ValueError"]),
    ("def f(s):\n    try:\n        return int(s)\n    except ValueError as error:\n"
     "        raise error\n", ["ValueError"]),
    # A call in the handler, the else or the finally is outside the try's protection.
    ("def f(s):\n    try:\n        n = int(s)\n    except ValueError:\n        n = fallback(s)\n"
     "    return n\n", ["ValueError"]),
    ("def f(s):\n    try:\n        n = int(s)\n    except ValueError:\n        return 0\n"
     "    else:\n        return g(n)\n", ["ValueError"]),
    ("def f(s):\n    try:\n        return int(s)\n    except ValueError:\n        return 0\n"
     "    finally:\n        close(s)\n", ["ValueError"]),
    # The handler catches a narrower class: the rest of ValueError may leave.
    ("def f(s):\n    try:\n        return int(s)\n    except UnicodeError:\n        return 0\n",
     ["ValueError"]),
    # An await outside the try.
    ("async def f(s):\n    try:\n        n = int(s)\n    except ValueError:\n        n = 0\n"
     "    return await g(n)\n", ["ValueError"]),
    # A raise statement of a class the code cannot name may raise it.
    ("def f(error):\n    if error:\n        raise error\n    return 1\n", ["ValueError"]),
    # An assert raises AssertionError itself.
    ("def f(x):\n    assert x > 0\n    return x\n", ["AssertionError"]),
    # A caught raise passed on by name leaves the function.
    ("def f(s):\n    try:\n        raise ValueError(s)\n    except ValueError as error:\n"
     "        raise error\n", ["ValueError"]),
]


def _node(source: str) -> ast.FunctionDef | ast.AsyncFunctionDef:
    node = ast.parse(source).body[-1]
    assert isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    return node


@pytest.mark.parametrize(("source", "documented", "invented"), CAUGHT)
def test_an_exception_its_own_handler_catches_is_never_raised(
        source: str, documented: list[str], invented: list[str]) -> None:
    node = _node(source)
    assert never_raised(node, function_facts(node, None), documented) == invented


@pytest.mark.parametrize(("source", "documented"), LEAVES)
def test_an_exception_that_may_leave_is_not_judged(source: str, documented: list[str]) -> None:
    node = _node(source)
    assert never_raised(node, function_facts(node, None), documented) == []


def _documented(source: str, documented: list[str]) -> str:
    entries = "".join(f"        {name}: When it does.\n" for name in documented)
    header, body = source.split("\n", 1)
    return f'{header}\n    """Do it.\n\n    Raises:\n{entries}    """\n{body}'


@pytest.mark.parametrize(("source", "documented", "invented"), CAUGHT)
def test_validate_reports_a_caught_exception_as_never_raised(
        tmp_path: Path, source: str, documented: list[str], invented: list[str]) -> None:
    found = check_source(tmp_path / "m.py", _documented(source, documented),
                         CheckOptions(all_defs=True))
    assert sorted(f.message.split()[2] for f in found if f.code == "LD342") == sorted(invented)


@pytest.mark.parametrize(("source", "documented"), LEAVES)
def test_validate_is_silent_where_it_may_leave(tmp_path: Path, source: str,
                                               documented: list[str]) -> None:
    found = check_source(tmp_path / "m.py", _documented(source, documented),
                         CheckOptions(all_defs=True))
    assert not [f for f in found if f.code == "LD342"]


def test_the_gate_drops_a_raises_entry_the_handler_catches() -> None:
    node = _node(CAUGHT[0][0])
    answer = MethodDocstring(
        summary="Parse a number.", extended_description=None, args=[], returns=None,
        yields=None, raises=[RaisesDoc(exception_type="ValueError",
                                       description="If the text is no number."),
                             RaisesDoc(exception_type="TypeError",
                                       description="If the value is no text.")],
        examples=None, notes=None)
    gated = gate(answer, function_facts(node, None), node, ("f", "f"))
    assert isinstance(gated.answer, MethodDocstring)
    assert [r.exception_type for r in gated.answer.raises] == ["TypeError"]
    assert [(d.what, d.name) for d in gated.dropped] == [("raises", "ValueError")]


# -- 2. names of other modules of the project ----------------------------------------------

KEY = "sk-test-gate-s8-0123456789abcdef"

STORE = '''\
def read_rows(path):
    with open(path) as handle:
        return [_decode_row(line) for line in handle]


def _decode_row(line):
    return line.strip().split(",")
'''

REPORT = '''\
from .store import read_rows


def count_rows(path):
    rows = read_rows(path)
    return len(rows)
'''


def _two_modules(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.llm-doc]\nretry-base = 0.01\nretry-max = 2.0\ntimeout = 60.0\n")
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "store.py").write_text(STORE)
    (package / "report.py").write_text(REPORT)
    return package


def test_imported_names_are_the_definitions_of_the_modules_imported(tmp_path: Path) -> None:
    package = _two_modules(tmp_path)
    tree = ast.parse(REPORT)
    assert {"read_rows", "_decode_row"} <= imported_names(package / "report.py", tree)
    # An absolute import of the own package, and ``from . import module``, alike.
    for source in ("from pkg.store import read_rows\n", "import pkg.store\n",
                   "from . import store\n"):
        assert "_decode_row" in imported_names(package / "report.py", ast.parse(source))
    # A library's names are not the project's.
    assert not imported_names(package / "report.py", ast.parse("import os\nfrom json import x\n"))


def test_a_name_of_an_imported_module_is_kept_by_the_cli(tmp_path: Path, llm_doc: Run,
                                                         fake: FakeOpenAI) -> None:
    package = _two_modules(tmp_path)
    fake.answer = scripted({"count_rows": {
        "extended_description": "Each row is decoded by `_decode_row` first. The count "
                                "is cached by `made_up_cache()`."}})
    result = llm_doc("generate", "--provider", "openai", "--base-url", fake.base_url,
                     "--model", "weak", "--all", "--yes", "-v", "--no-call-context",
                     "pkg/report.py", env={"OPENAI_API_KEY": KEY})
    assert result.returncode in (0, 1), result.stderr
    text = (package / "report.py").read_text()
    assert "Each row is decoded by `_decode_row` first." in text  # store.py defines it
    assert "made_up_cache" not in text
    dropped = [line for line in result.stderr.splitlines() if " gate dropped " in line]
    assert len(dropped) == 1, result.stderr
    assert "made_up_cache()" in dropped[0]


def test_a_name_of_the_project_call_graph_is_kept_by_the_cli(tmp_path: Path, llm_doc: Run,
                                                             fake: FakeOpenAI) -> None:
    # store.py imports nothing: only the call graph knows its caller and extra.py's function.
    package = _two_modules(tmp_path)
    (package / "extra.py").write_text("def rebuild_index(folder):\n    return folder\n")
    fake.answer = scripted({"read_rows": {
        "extended_description": "Used by `count_rows` to count the rows. After a change "
                                "run `rebuild_index`. It is cached by `made_up_cache()`."}})
    result = llm_doc("generate", "--provider", "openai", "--base-url", fake.base_url,
                     "--model", "weak", "--all", "--yes", "-v", "pkg/store.py",
                     env={"OPENAI_API_KEY": KEY})
    assert result.returncode in (0, 1), result.stderr
    text = (package / "store.py").read_text()
    assert "Used by `count_rows` to count the rows. After a change run `rebuild_index`." \
        in text, result.stderr
    assert "made_up_cache" not in text


# -- 3. numbers in a marked block's comment ------------------------------------------------

TAX = '''\
def total(price):
    # @llm-comm-start
    taxed = price * 1.07
    cents = round(taxed, 2)
    # @llm-comm-end
    return cents
'''


def _numbers(code: str) -> Numbers:
    return block_numbers(ast.parse(textwrap.dedent(code)).body)


@pytest.mark.parametrize("sentence", [
    "Add the 7% tax.", "Multiply by 1.07.", "Round to 2 places.", "A day is 86,400 seconds.",
    "Hash it with SHA-256.", "Speak HTTP/1.1 to it.", "Keep 7 percent.", "Take .5 of it.",
    "Give a -1 back.", "Keep the 2nd part.", "Mask it with 0xFF.", "Stop below 1e-3.",
    "Mask it with 255.", "Python 3.11.2 is not judged."])
def test_numbers_the_code_holds_are_kept(sentence: str) -> None:
    numbers = _numbers("taxed = price * 1.07\ncents = round(taxed, 2)\nday = 60 * 60 * 24\n"
                       "h = sha256(x)\nu = 'HTTP/1.1'\nhalf = n * 0.5\nback = -1\n"
                       "low = x & 0xFF\ntol = 1e-3\n")
    assert unsupported_number(sentence, numbers) is None


@pytest.mark.parametrize(("sentence", "number"), [
    ("Add the tax rate of 2%.", "2%"), ("Tax is 0.02 of it.", "0.02"),
    ("Retry 3 times.", "3"), ("Wait 1,000 ms.", "1,000"), ("Use 1e3 rows.", "1e3"),
    ("Stop below 1e-4.", "1e-4"), ("Mask it with 0x0F.", "0x0F")])
def test_numbers_the_code_does_not_hold_are_found(sentence: str, number: str) -> None:
    numbers = _numbers("taxed = price * 1.07\ncents = round(taxed, 2)\ntol = 1e-3\n")
    assert unsupported_number(sentence, numbers) == number


def test_a_percentage_of_a_literal_divided_by_100() -> None:
    assert unsupported_number("A 7% rate.", _numbers("x = price * rate / 100\nrate = 7\n")) \
        is None
    assert unsupported_number("A 7% rate.", _numbers("rate = 7\n")) == "7%"


def _comment(tmp_path: Path, llm_doc: Run, fake: FakeOpenAI, text: str
             ) -> tuple[subprocess.CompletedProcess[str], Path]:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.llm-doc]\nretry-base = 0.01\nretry-max = 2.0\ntimeout = 60.0\n")
    path = tmp_path / "tax.py"
    path.write_text(TAX)
    fake.answer = scripted({"comment": {"text": text}})
    return llm_doc("generate", "--provider", "openai", "--base-url", fake.base_url,
                   "--model", "weak", "--yes", "-v", "tax.py",
                   env={"OPENAI_API_KEY": KEY}), path


def test_a_comment_sentence_stating_a_wrong_number_is_dropped(tmp_path: Path, llm_doc: Run,
                                                              fake: FakeOpenAI) -> None:
    result, path = _comment(tmp_path, llm_doc, fake,
                            "Add the tax rate of 2%. Round the total to 2 places.")
    assert result.returncode == 0, result.stderr
    text = path.read_text()
    assert "# Round the total to 2 places.\n    taxed = price * 1.07" in text, text
    assert "2%" not in text
    assert "states 2%, which is not in the code" in result.stderr
    ast.parse(text)


def test_a_comment_with_only_a_wrong_number_fails_its_region(tmp_path: Path, llm_doc: Run,
                                                             fake: FakeOpenAI) -> None:
    result, path = _comment(tmp_path, llm_doc, fake, "Add the tax rate of 2%.")
    assert result.returncode == 1, result.stderr
    assert path.read_text() == TAX
    assert "nothing usable left after the gate" in result.stderr
    assert "states 2%, which is not in the code" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_comment_with_true_numbers_passes_the_gate() -> None:
    block = ast.parse(TAX).body[0].body  # type: ignore[attr-defined]
    text = "Add the 7% tax and round the total to 2 places."
    gated = gate(CommentText(text=text), BlockFacts(()), None, ("total", "total"),
                 ast.parse(TAX), block=block)
    assert gated.usable
    assert not gated.dropped
    assert isinstance(gated.answer, CommentText)
    assert gated.answer.text == text


# -- 3b. validate judges a person's marked comment by the gate's rule (LD371) ----------------

STALE = '''\
def total(price):
    # @llm-comm-start
    # Add the tax rate of 2%. Round the
    # total to 2 places, and retry 3 times.
    taxed = price * 1.07
    cents = round(taxed, 2)
    # @llm-comm-end
    return cents
'''


def _ld371(tmp_path: Path, text: str) -> list[tuple[int, int, str]]:
    found = check_source(tmp_path / "tax.py", text, CheckOptions())
    return [(f.line, f.col, f.message) for f in found if f.code == "LD371"]


def test_validate_reports_a_stale_number_in_a_marked_comment_at_the_number(
        tmp_path: Path) -> None:
    assert _ld371(tmp_path, STALE) == [
        (3, 27, "<block at line 5>: the comment states 2%, which is not in the code"),
        (4, 36, "<block at line 5>: the comment states 3, which is not in the code")]


def test_validate_is_silent_on_a_marked_comment_whose_numbers_the_block_holds(
        tmp_path: Path) -> None:
    # The near miss: the same comment once the code says what it says (7% of 1.07, the
    # rounding's 2, 3 retries), and a comment outside any marked block (not ours to judge).
    true = STALE.replace("2%", "7%").replace("    cents =", "    tries = 3\n    cents =")
    assert _ld371(tmp_path, true) == []
    unmarked = STALE.replace("    # @llm-comm-start\n", "").replace("    # @llm-comm-end\n", "")
    assert _ld371(tmp_path, unmarked) == []
    # A number true for a reason the block does not show is the person's to keep.
    silenced = STALE.replace("rate of 2%.", "rate of 2%.  # noqa: LD371").replace(
        "retry 3 times.", "retry 3 times.  # noqa: LD371")
    assert _ld371(tmp_path, silenced) == []


def test_validate_and_the_gate_judge_a_comment_by_one_rule(tmp_path: Path) -> None:
    # Each sentence the gate drops from a model's comment is what validate reports of the
    # same comment written by a person, and only that.
    text = ("Add the tax rate of 2%. Round the total to 2 places. Retry 3 times. "
            "A day is 86,400 seconds. Hash it with SHA-256.")
    code = ("def total(price, x):\n    # @llm-comm-start\n    # " + text + "\n"
            "    taxed = price * 1.07\n    cents = round(taxed, 2)\n"
            "    day = 60 * 60 * 24\n    h = sha256(x)\n    # @llm-comm-end\n    return cents\n")
    block = ast.parse(code).body[0].body[:4]  # type: ignore[attr-defined]
    gated = gate(CommentText(text=text), BlockFacts(()), None, ("total", "total"),
                 ast.parse(code), block=block)
    dropped = sorted(d.why for d in gated.dropped)
    reported = sorted(m.split(": the comment ", 1)[1] for _, _, m in _ld371(tmp_path, code))
    assert dropped == reported == ["states 2%, which is not in the code",
                                   "states 3, which is not in the code"]


def test_validate_fix_leaves_a_stale_number_of_a_person_as_it_is(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "tax.py"
    path.write_text(STALE)
    monkeypatch.chdir(tmp_path)
    assert _dispatch(["validate", "--fix", "tax.py"]) == 1
    assert capsys.readouterr().out.count(" LD371 ") == 2
    assert path.read_text() == STALE


def test_the_verbose_list_shows_a_dropped_sentence_whole_on_one_line(
        tmp_path: Path, llm_doc: Run, fake: FakeOpenAI) -> None:
    # Was cut at 40 characters ('Add the tax rate of 2% to the price befo'), its line
    # break folded: what the gate refused could not be read.
    wrong = "Add the tax rate of 2% to the price\nbefore rounding it to whole cents."
    result, path = _comment(tmp_path, llm_doc, fake, f"{wrong} Round the total to 2 places.")
    assert result.returncode == 0, result.stderr
    listed = [line for line in result.stderr.splitlines() if " gate dropped " in line]
    assert listed == [f"tax.py:3: <block at line 3>: gate dropped text {wrong!r}: states 2%, "
                      "which is not in the code"]
    assert "\\n" in listed[0]  # the line break escaped: one line
    assert "2%" not in path.read_text()
