"""Issue 22, the report: overloads, the JSON's keys, shallow history, size (each as an attack)."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import threading
from collections import Counter
from pathlib import Path

from tests.conftest import Run

CODE = '''\
"""Conversions."""
from typing import overload


@overload
def conv(x: int) -> int: ...
@overload
def conv(x: str) -> str: ...
def conv(x):
    """Convert."""
    return helper(x)


def helper(x):
    return x


class P:
    @property
    def v(self):
        return 1

    @v.setter
    def v(self, value):
        helper(value)


class Q:
    def ping_unique(self):
        return 2


def use(other):
    other.ping_unique()
    return conv(1) + conv("a")
'''


def _git(repo: Path, *args: str, day: int = 1) -> str:
    date = f"2026-01-{day:02d}T00:00:00Z"
    env = {**os.environ, "GIT_AUTHOR_NAME": "Ann", "GIT_AUTHOR_EMAIL": "a@x",
           "GIT_COMMITTER_NAME": "Ann", "GIT_COMMITTER_EMAIL": "a@x", "GIT_AUTHOR_DATE": date,
           "GIT_COMMITTER_DATE": date, "GIT_CONFIG_GLOBAL": "/dev/null",
           "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                          env=env, text=True).stdout


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "conv.py").write_text(CODE)
    return root


def test_an_overloaded_function_is_one_section_flagged_overloaded(tmp_path: Path,
                                                                   llm_doc: Run) -> None:
    root = _project(tmp_path)
    result = llm_doc("report", str(root), "--no-source")
    assert result.returncode == 0, result.stderr
    document = result.stdout
    assert document.count("### `conv`") == 1  # not one per stub
    # One row in the file's table (the overview's ranking has another).
    assert len(re.findall(r"^\| \[`conv`\]\(#conv\) \| [0-9]+-[0-9]+ \|", document, re.M)) == 1
    section = document.split("### `conv`")[1].split("\n### ")[0]
    assert "overloaded (2 `@overload` stubs)" in section


def test_calls_order_lists_no_stub(tmp_path: Path, llm_doc: Run) -> None:
    root = _project(tmp_path)
    result = llm_doc("calls", "--order", "--no-cache", str(root / "pkg"))
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line.startswith("pkg.conv.conv ")]
    assert len(lines) == 1, result.stdout
    assert lines[0].endswith(":9")  # the implementation's line
    data = json.loads(llm_doc("calls", "--order", "--json", "--no-cache",
                              str(root / "pkg")).stdout)
    names = [d["qualname"] for group in data["order"] for d in group["group"]]
    assert names.count("pkg.conv.conv") == 1


def test_json_entries_are_told_apart_and_list_their_calls(tmp_path: Path,
                                                          llm_doc: Run) -> None:
    root = _project(tmp_path)
    result = llm_doc("report", str(root), "--format", "json", "--no-source")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    # As documented (2 modules, 2 classes, 6 defs; @overload stubs are not documentable).
    assert data["coverage"] == {"documented": 2, "documentable": 10}
    entries = [e for f in data["files"] for e in f["functions"] + f["classes"]]
    assert len({e["id"] for e in entries}) == len(entries)
    # A property's getter and setter differ by their decorators, any repeated name by its
    # ordinal; an overloaded function is one entry.
    told = Counter((e["qualname"], tuple(e["decorators"]), e["overloads"], e["ordinal"])
                   for e in entries)
    assert max(told.values()) == 1, told
    assert [e["ordinal"] for e in entries if e["qualname"] == "P.v"] == [1, 2]
    by_id = {e["id"]: e for e in entries}
    conv = by_id["pkg/conv.py::conv"]
    assert (conv["line"], conv["overloads"], conv["decorators"]) == (9, 2, [])
    assert conv["callers"] == 1  # the documented count stays
    assert conv["incoming"] == [{"id": "pkg/conv.py::use", "path": "pkg/conv.py",
                                 "qualname": "use", "line": 33, "call_lines": [35],
                                 "resolution": "resolved"}]
    assert [(c["qualname"], c["resolution"]) for c in conv["outgoing"]] == [
        ("helper", "resolved")]
    setter = by_id["pkg/conv.py::P.v#2"]
    assert setter["decorators"] == ["setter"]
    helper = by_id["pkg/conv.py::helper"]
    assert [(c["id"], c["call_lines"]) for c in helper["incoming"]] == [
        ("pkg/conv.py::conv", [11]), ("pkg/conv.py::P.v#2", [25])]
    ping = by_id["pkg/conv.py::Q.ping_unique"]
    assert [(c["qualname"], c["resolution"]) for c in ping["incoming"]] == [
        ("use", "inferred")]
    assert ping["callers"] == 0  # resolved calls only


def test_a_shallow_clone_has_no_row_for_its_boundary_commit(tmp_path: Path,
                                                            llm_doc: Run) -> None:
    origin = tmp_path / "origin"
    origin.mkdir()
    _git(origin, "init", "-q", "-b", "main")
    (origin / "a.py").write_text("A = 0\n")
    (origin / "b.py").write_text("B = 0\n")
    _git(origin, "add", ".")
    _git(origin, "commit", "-qm", "first: a and b", day=1)
    for n in range(1, 5):
        (origin / "a.py").write_text(f"A = {n}\n")
        _git(origin, "commit", "-qam", f"a number {n}", day=n + 1)
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "2", f"file://{origin}", str(clone)],
                   check=True, capture_output=True)
    for source, extra in ((str(clone), ()), (f"file://{origin}", ("--depth", "2"))):
        result = llm_doc("report", source, "--format", "json", "--no-source", *extra)
        assert result.returncode == 0, result.stderr
        files = {f["path"]: f for f in json.loads(result.stdout)["files"]}
        # b.py was not touched by the fetched commits; the boundary commit is unknowable.
        assert files["b.py"]["history"] == [], source
        # A URL is cloned one commit deeper (test_report_s7): --depth 2 shows 2 commits.
        assert [c["subject"] for c in files["a.py"]["history"]] == \
            ["a number 4", *(["a number 3"] if extra else [])], source
        markdown = llm_doc("report", source, "--no-source", *extra).stdout
        assert "a number 2" not in markdown
        assert "shallow clone" in markdown


def test_tests_are_summarised_and_the_table_fits_a_page(tmp_path: Path,
                                                         llm_doc: Run) -> None:
    root = _project(tmp_path)
    (root / "tests").mkdir()
    body = "".join(f"def test_{n}():\n    \"\"\"Check {n}.\"\"\"\n    assert {n}\n\n\n"
                   for n in range(200))
    (root / "tests" / "test_conv.py").write_text(body)
    (root / "tests" / "conftest.py").write_text("import pytest\n")
    default = llm_doc("report", str(root))
    assert default.returncode == 0, default.stderr
    assert "### `test_7`" not in default.stdout
    assert "## `tests/test_conv.py`" not in default.stdout
    assert "def test_7" not in default.stdout  # no source either
    assert "| `tests/test_conv.py` | 1000 | 200 |" in default.stdout  # the summary row
    full = llm_doc("report", str(root), "--tests")
    assert "### `test_7`" in full.stdout
    assert len(default.stdout) * 4 < len(full.stdout)
    # Every table of the document has at most 5 columns.
    for line in default.stdout.splitlines():
        if line.startswith("| ---"):
            assert line.count("|") <= 6, line


def test_writing_to_a_fifo_writes_into_it_and_keeps_it(tmp_path: Path, llm_doc: Run) -> None:
    # ``-o /dev/null`` renamed a temporary file onto /dev/null: it became a regular file
    # (for every program on the machine). A FIFO stands for it here.
    root = _project(tmp_path)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = llm_doc("report", str(root), "--no-source", "-o", str(fifo))
    reader.join(timeout=60)
    assert result.returncode == 0, result.stderr
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert got
    assert got[0].startswith(b"# proj: code documentation")


def test_sources_past_the_budget_are_left_out_and_said(tmp_path: Path, llm_doc: Run) -> None:
    root = _project(tmp_path)
    (root / "pkg" / "table.py").write_text("".join(f"V{n} = {n}\n" for n in range(60_000)))
    default = llm_doc("report", str(root))
    assert default.returncode == 0, default.stderr
    assert "<details>" not in default.stdout
    assert "| Sources | left out: 857 KB, past the 512 KB budget (`--source` shows them) |" \
        in default.stdout
    assert len(default.stdout) < 20_000
    full = llm_doc("report", str(root), "--source")
    assert "<summary>Source of pkg/table.py</summary>" in full.stdout
    assert "| Sources |" not in full.stdout
