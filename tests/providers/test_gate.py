"""The gate between a model's answer and the file: the real CLI against a weak model's answers.

A local OpenAI-compatible server (tests/fake_openai.py) answers the way small models did on
real code: invented exceptions, arguments that do not exist, types that contradict the
annotations, summaries of one word, or only the function's name, without a final period.
What reaches the file must pass ``llm-doc validate`` for those codes, and every part
dropped must be reported.
"""

from __future__ import annotations

import ast
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Run
from tests.fake_openai import FakeOpenAI, fill, scripted
from tests.helpers import ast_without_docstrings

KEY = "sk-test-gate-0123456789abcdef"

WEAK = '''\
# @llm-module-start
# @llm-module-end
from dataclasses import dataclass


# @llm-class-start
@dataclass
class Point:
    x: float
    y: float
# @llm-class-end


# @llm-doc-start
def clamp(value: int, low: int, high: int) -> int:
    if low > high:
        raise ValueError("low above high")
    if value < low:
        return low
    return high if value > high else value
# @llm-doc-end


# @llm-doc-start
def hello_world(name: str) -> str:
    return "Hello " + name
# @llm-doc-end


# @llm-doc-start
def reset(state: dict[str, int]) -> None:
    state.clear()
# @llm-doc-end
'''

# What a weak model answered, by target (fields left out are filled as a terse model would).
ANSWERS: dict[str, dict[str, Any]] = {
    "weak": {"summary": "weak", "extended_description": "Helpers for points and ranges."},
    "Point": {
        "summary": "a point in the plane",
        "attributes": [
            {"name": "x", "type_hint": "str", "description": "The abscissa."},
            {"name": "y", "type_hint": "float", "description": "The ordinate."},
            {"name": "z", "type_hint": "float", "description": "The height."},
        ],
    },
    "clamp": {
        "summary": "clamp",
        "args": [
            {"name": "value", "type_hint": "str", "description": "The value to bound."},
            {"name": "low", "type_hint": "int", "description": "The lower bound."},
            {"name": "high", "type_hint": None, "description": "The upper bound."},
            {"name": "step", "type_hint": "int", "description": "Invented."},
        ],
        "returns": {"type_hint": "int", "description": "The value within the bounds."},
        "raises": [
            {"exception_type": "ValueError", "description": "If low is above high."},
            {"exception_type": "TypeError", "description": "If value is not a number."},
            {"exception_type": "KeyError", "description": "Never, really."},
        ],
    },
    "hello_world": {
        "summary": "Hello world",
        "args": [{"name": "name", "type_hint": "str", "description": "Who to greet."}],
        "returns": {"type_hint": "str", "description": "the greeting"},
        "yields": {"type_hint": "str", "description": "Invented."},
        "raises": [],
    },
    # Nothing usable: a one-word summary and a Returns section for a function returning
    # nothing (the region fails and stays as it is).
    "reset": {
        "summary": "t",
        "returns": {"type_hint": "None", "description": "Nothing."},
    },
}
# Codes of what the gate refuses, as validate reports them.
GATED_CODES = "LD312,LD314,LD322,LD323,LD332,LD333,LD342,LD352,LD353"
# Parts the weak answers above lose at the gate.
DROPPED = 12


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    server = FakeOpenAI().start()
    server.answer = scripted(ANSWERS)
    yield server
    server.stop()


def _project(tmp_path: Path, source: str = WEAK) -> Path:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.llm-doc]\nretry-base = 0.01\nretry-max = 2.0\ntimeout = 5.0\n")
    path = tmp_path / "weak.py"
    path.write_text(source)
    return path


def _generate(llm_doc: Run, fake: FakeOpenAI, *args: str) -> subprocess.CompletedProcess[str]:
    return llm_doc("generate", "--provider", "openai", "--base-url", fake.base_url,
                   "--model", "weak", *args, env={"OPENAI_API_KEY": KEY})


def _line(text: str, start: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if line.startswith(start))


def _summaries(text: str) -> dict[str, str]:
    tree = ast.parse(text)
    found = {}
    for node in [tree, *ast.walk(tree)]:
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef):
            doc = ast.get_docstring(node, clean=True)
            if doc is not None:
                found[getattr(node, "name", "<module>")] = doc.split("\n\n", 1)[0]
    return found


def test_what_a_weak_model_writes_passes_validate(tmp_path: Path, llm_doc: Run,
                                                  fake: FakeOpenAI) -> None:
    path = _project(tmp_path)
    result = _generate(llm_doc, fake, "--yes", "-v", "weak.py")
    # A region of which nothing usable is left fails: exit 1, the others are written.
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    text = path.read_text()
    assert ast_without_docstrings(text) == ast_without_docstrings(WEAK)
    failed = [x for x in result.stderr.splitlines()
              if x.startswith(f"weak.py:{_line(WEAK, 'def reset')}:1:")]
    assert len(failed) == 1, result.stderr
    assert "LD201 reset: the model's answer has nothing usable left after the gate" in \
        failed[0]
    assert "one-word summary" in failed[0]
    assert "def reset(state: dict[str, int]) -> None:\n    state.clear()" in text

    # What reached the file is what validate accepts, for every code the gate applies.
    checked = llm_doc("validate", "--select", GATED_CODES, "weak.py")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    for invented in ("TypeError", "KeyError", "step", "z (", "Yields", "(str): The value"):
        assert invented not in text
    assert "ValueError: If low is above high." in text  # what the code does raise stays
    assert "x (float): The abscissa." in text  # the annotation's type, the model's words
    summaries = _summaries(text)
    # Summaries are sentences; one that said nothing leaves the placeholder.
    assert summaries == {"<module>": "TODO: describe.", "Point": "A point in the plane.",
                         "clamp": "TODO: describe.", "hello_world": "TODO: describe."}
    assert "Returns:\n        str: the greeting" in text  # only summaries are made sentences

    # Every rejection is counted in the summary and listed with -v (file:line, what, why).
    gate = [x for x in result.stderr.splitlines() if x.startswith("gate:")]
    assert gate == [f"gate: {DROPPED} dropped (4 summaries, 2 raises, 2 types, 1 argument, "
                    "1 attribute, 1 returns, 1 yields)"], result.stderr
    listed = [x for x in result.stderr.splitlines() if " gate dropped " in x]
    assert len(listed) == DROPPED, result.stderr
    clamp = _line(WEAK, "def clamp")
    assert f"weak.py:{clamp}: clamp: gate dropped raises 'TypeError': no raise statement " \
        "raises it" in listed
    assert f"weak.py:{clamp}: clamp: gate dropped argument 'step': not in the signature" \
        in listed
    assert f"weak.py:{clamp}: clamp: gate dropped type 'value': (str) contradicts the " \
        "annotation int" in listed
    assert f"weak.py:{clamp}: clamp: gate dropped summary 'clamp': one-word summary" in listed
    hello = _line(WEAK, "def hello_world")
    assert f"weak.py:{hello}: hello_world: gate dropped summary 'Hello world': summary is " \
        "only the name" in listed
    assert f"weak.py:{hello}: hello_world: gate dropped yields 'str': the function is not " \
        "a generator" in listed

    # The answers are cached as the model gave them and judged again: a re-run asks
    # nothing, drops the same and changes nothing.
    before = len(fake.seen)
    again = _generate(llm_doc, fake, "--yes", "weak.py")
    assert again.returncode == 1, again.stderr
    assert len(fake.seen) == before
    assert path.read_text() == text


REWRITTEN = WEAK.replace('''def clamp(value: int, low: int, high: int) -> int:
''', '''def clamp(value: int, low: int, high: int) -> int:
    """Bound a value.

    Args:
        value (int): The value.
        low (int): The lower bound.
        high (int): The upper bound.

    Returns:
        int: The value within the bounds.

    Raises:
        ValueError: If low is above high.
    """
''')


def test_rewrite_answers_pass_the_same_gate(tmp_path: Path, llm_doc: Run,
                                            fake: FakeOpenAI) -> None:
    path = _project(tmp_path, REWRITTEN)
    result = _generate(llm_doc, fake, "--yes", "--rewrite", "-v", "weak.py")
    assert result.returncode == 1, result.stderr  # reset: nothing usable
    text = path.read_text()
    assert "TypeError" not in text
    assert "KeyError" not in text
    assert "step" not in text
    # The model's one-word summary is refused: the person's stays.
    assert _summaries(text)["clamp"] == "Bound a value."
    assert llm_doc("validate", "--select", GATED_CODES, "weak.py").returncode == 0
    assert "clamp: gate dropped raises 'KeyError'" in result.stderr


def test_a_true_answer_drops_nothing(tmp_path: Path, llm_doc: Run, fake: FakeOpenAI) -> None:
    def answer(schema: dict[str, Any], target: str) -> dict[str, Any]:
        value = dict(fill(schema, schema.get("$defs", {}), "", target))
        value["yields"] = None  # fill gives every nullable object; a generator yields
        value["args"] = [{"name": "x", "type_hint": "int", "description": "a number"}]
        value["summary"] = "double a number"
        return value

    fake.answer = answer
    path = _project(tmp_path, "# @llm-doc-start\ndef double(x: int) -> int:\n"
                              "    return 2 * x\n# @llm-doc-end\n")
    result = _generate(llm_doc, fake, "--yes", "-v", "weak.py")
    assert result.returncode == 0, result.stderr
    # Neither the summary's count nor a -v line of what was dropped (not "gate" anywhere:
    # pytest's temporary folder is named after the test, and its path is in stderr).
    assert not re.search(r"\bgate: \d+ dropped|: gate dropped ", result.stderr), result.stderr
    assert '"""Double a number.' in path.read_text()  # made a sentence, nothing dropped


def test_stats_truthfulness_sees_an_invented_exception(tmp_path: Path, llm_doc: Run) -> None:
    (tmp_path / "a.py").write_text(
        'def f(x: int) -> int:\n    """Double a number.\n\n    Args:\n        x: A number.\n\n'
        '    Returns:\n        Twice x.\n\n    Raises:\n        ValueError: Never.\n    """\n'
        '    return 2 * x\n')
    result = llm_doc("validate", "--stats", "a.py")
    assert result.returncode == 0, result.stderr
    # Mentions: the Args entry x (true), the Raises entry ValueError (nothing raises it).
    assert result.stdout.splitlines()[1].split()[-2:] == ["0.500", "(1/2)"]
