"""File names from a tree are shown, never obeyed: no forged line, escape sequence or command.

A repository may hold a file whose name has a line break, a terminal escape sequence or a
GitHub Actions workflow command in it; every place that prints a path must keep it on its
own line, inert.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.conftest import Run

NAME = "a\n::error file=x,line=1::forged\x1b[2J\u202e.py"
BODY = 'def f(x):\n    """Do.\n\n    Args:\n        y: no.\n    """\n'


def test_validate_shows_a_hostile_name_on_one_line(tmp_path: Path, llm_doc: Run) -> None:
    (tmp_path / NAME).write_text(BODY)
    result = llm_doc("validate", "--all", ".")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    assert all(line.startswith("a\\n::error file=x,line=1::forged\\x1b[2J\\u202e.py:")
               for line in lines)
    assert "\x1b" not in result.stdout + result.stderr
    assert "\u202e" not in result.stdout + result.stderr


def test_validate_stats_shows_a_hostile_name_on_one_line(tmp_path: Path, llm_doc: Run) -> None:
    (tmp_path / NAME).write_text(BODY)
    result = llm_doc("validate", "--all", "--stats", ".")
    assert "a\\n::error file=x,line=1::forged\\x1b[2J\\u202e.py" in result.stdout
    assert "\x1b" not in result.stdout + result.stderr
    assert "\nforged" not in result.stdout


def test_a_hostile_name_cannot_start_a_workflow_command(tmp_path: Path, llm_doc: Run) -> None:
    (tmp_path / NAME).write_text(BODY)
    result = llm_doc("validate", "--all", "--format", "github", ".")
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    # One command per finding, the name's own "::" and "," escaped inside the property.
    assert all(line.startswith("::error file=a%0A%3A%3Aerror file=x%2Cline=1%3A%3Aforged")
               for line in lines)


def test_generate_shows_a_hostile_name_on_one_line(tmp_path: Path, llm_doc: Run) -> None:
    (tmp_path / NAME).write_text("def f(x):\n    return x\n")
    result = llm_doc("generate", "--all", "--check", "--diff", ".")
    assert result.returncode == 1
    assert "--- a/a\\n::error" in result.stdout
    assert "would change a\\n::error" in llm_doc("generate", "--all", "--check", ".").stderr
    assert "\x1b" not in result.stdout + result.stderr
    assert "\nforged" not in result.stdout + result.stderr


def test_calls_shows_hostile_and_undecodable_names_on_one_line(tmp_path: Path,
                                                              llm_doc: Run) -> None:
    # A name that is not UTF-8 was an internal error (its module name could not be hashed
    # for the index cache); one with a line break forged lines of the output.
    raw = os.fsencode(tmp_path) + b"/bad\xff.py"
    with open(raw, "wb") as handle:
        handle.write(b"def f():\n    return g()\n\n\ndef g():\n    return 1\n")
    (tmp_path / NAME).write_text("def h():\n    return 1\n")
    order = llm_doc("calls", "--order", ".")
    assert order.returncode == 0, order.stderr
    assert sorted(order.stdout.splitlines()) == [
        "a\\n::error file=x,line=1::forged\\x1b[2J\\u202e.h  "
        "a\\n::error file=x,line=1::forged\\x1b[2J\\u202e.py:1",
        "bad\\xff.f  bad\\xff.py:1", "bad\\xff.g  bad\\xff.py:5"]
    query = llm_doc("calls", os.fsdecode(b"bad\xff.py") + "::g")
    assert query.returncode == 0, query.stderr
    assert query.stdout.splitlines()[:3] == [
        "bad\\xff.g  bad\\xff.py:5", "  incoming calls (1)", "    bad\\xff.f  bad\\xff.py:2:11"]
    assert json.loads(llm_doc("calls", "--json", os.fsdecode(b"bad\xff.py") + "::g").stdout
                      )["incoming"][0]["caller"] == "bad\udcff.f"
