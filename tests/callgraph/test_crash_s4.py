"""A module that does not parse, imported from a package: the rest of the graph is answered.

Attacks from issue 22: ``def f[T]()`` analysed on a Python before 3.12, or an unclosed ``(``
while typing, in ``pkg/bad.py`` with ``pkg/__init__.py`` present, made ``llm-doc calls`` and
``calls --order`` end with ``internal error: IndexError`` (the empty index of the
unparsable file was read as if it had a module scope).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from llm_doc_manager.callgraph import module_index
from llm_doc_manager.callgraph.symbols import index_from_json, index_to_json

BROKEN = {
    "unclosed": "def helper():\n    return (1,\n",
    # PEP 695 syntax: a syntax error on the Pythons before 3.12 this tool supports.
    "pep695": "def helper[T](value: T) -> T:\n    return value\n"
    if sys.version_info < (3, 12) else "def helper(:\n",
}

USE = ("from pkg import bad\nfrom pkg.bad import helper\nfrom pkg.bad import *\n"
       "from pkg import good\n\n\n"
       "def caller():\n    bad.helper()\n    helper()\n    good.work()\n\n\n"
       "def other():\n    caller()\n")


def _project(root: Path, broken: str) -> None:
    package = root / "pkg"
    package.mkdir(parents=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    (package / "__init__.py").write_text("from pkg.bad import helper\n")
    (package / "bad.py").write_text(broken)
    (package / "good.py").write_text("def work():\n    pass\n")
    (package / "use.py").write_text(USE)


def _calls(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "llm_doc_manager", "calls", *args],
                          cwd=cwd, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_calls_through_an_unparsable_module_answer(tmp_path: Path, kind: str) -> None:
    _project(tmp_path, BROKEN[kind])
    done = _calls("pkg/use.py::caller", "--json", "--no-cache", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "internal error" not in done.stderr
    assert "Traceback" not in done.stderr
    # One line names the file that could not be parsed, with its line.
    said = [line for line in done.stderr.splitlines() if "bad.py" in line]
    assert len(said) == 1, done.stderr
    assert said[0].startswith("pkg/bad.py:")
    assert "LD001" in said[0]
    document = json.loads(done.stdout)
    assert [c["caller"] for c in document["incoming"]] == ["pkg.use.other"]
    callees = {(c["callee"], c["resolution"]) for c in document["outgoing"]}
    assert ("pkg.good.work", "resolved") in callees
    # What the broken module would define is not known: the calls are unresolved.
    assert ("bad.helper", "unresolved") in callees
    assert ("helper", "unresolved") in callees


@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_order_through_an_unparsable_module_answers(tmp_path: Path, kind: str) -> None:
    _project(tmp_path, BROKEN[kind])
    for extra in ((), ("--json",)):
        done = _calls("--order", ".", "--no-cache", *extra, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert "internal error" not in done.stderr
        said = [line for line in done.stderr.splitlines() if "bad.py" in line]
        assert len(said) == 1, done.stderr
        assert said[0].startswith("pkg/bad.py:")
    assert "pkg.use.caller" in done.stdout
    assert "pkg.good.work" in done.stdout
    # With the cache on, a second run reads the broken file's index back and still answers.
    for _ in range(2):
        done = _calls("--order", ".", cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert "internal error" not in done.stderr


def test_the_index_of_an_unparsable_file_has_its_module_scope() -> None:
    for text in BROKEN.values():
        index = module_index(text, "pkg.bad", False)
        assert index.error
        assert [s.kind for s in index.scopes] == ["module"]
        assert index_from_json(index_to_json(index)) == index
