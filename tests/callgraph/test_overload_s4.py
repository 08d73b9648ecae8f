"""``@overload`` stubs grouped with their implementation (issue 22).

Attack from click: ``llm-doc calls core.py::Command.main`` picked the first stub and answered
"outgoing calls (0)"; each call of an overloaded function was listed once per stub. A stub
now stands for its implementation: a target on any stub means the implementation, and each
call site is listed once.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from llm_doc_manager.callgraph import CallGraph, load_project

CORE = '''\
import typing as t
from typing import overload


class Command:
    @t.overload
    def main(self, args: None = None) -> t.NoReturn: ...

    @t.overload
    def main(self, args: list[str]) -> int: ...

    def main(self, args=None):
        self.prepare(args)
        return invoke(args)

    def prepare(self, args):
        pass

    def __call__(self, *args):
        return self.main(*args)


class Group(Command):
    def main(self, args=None):
        return 1


@overload
def invoke(args: None) -> None: ...


@overload
def invoke(args: list[str]) -> int: ...


def invoke(args):
    return len(args or [])


def run(command: Command, untyped):
    invoke(None)
    command.main([])
    untyped.main()
'''
STUBS = '''\
from typing import overload


@overload
def only(value: int) -> int: ...


@overload
def only(value: str) -> str: ...


def use():
    only(1)
'''


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    (tmp_path / "core.py").write_text(CORE)
    (tmp_path / "stubs.py").write_text(STUBS)
    return tmp_path


def _graph(root: Path) -> CallGraph:
    return load_project([root]).graph


def _calls(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "llm_doc_manager", "calls", *args],
                          cwd=cwd, capture_output=True, text=True, timeout=120)


def test_calls_on_an_overloaded_method_give_the_implementation(root: Path) -> None:
    done = _calls("core.py::Command.main", "--json", "--no-cache", cwd=root)
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["target"] == {"qualname": "core.Command.main", "path": "core.py",
                                  "line": 12}
    assert [c["callee"] for c in document["outgoing"]] == ["core.Command.prepare",
                                                          "core.invoke"]
    # Each call site once: the stubs are not callees of their own.
    assert [(c["caller"], c["line"], c["resolution"]) for c in document["incoming"]] == [
        ("core.Command.__call__", 20, "resolved"), ("core.run", 42, "resolved"),
        ("core.run", 43, "inferred")]


@pytest.mark.parametrize("line", [6, 7, 9, 10, 12])
def test_a_target_on_any_stub_means_the_implementation(root: Path, line: int) -> None:
    done = _calls(f"core.py:{line}", "--json", "--no-cache", cwd=root)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["target"]["line"] == 12


def test_each_call_site_is_listed_once(root: Path) -> None:
    graph = _graph(root)
    run = graph.find("core.run")
    assert run is not None
    out = [(c.site.text, c.resolution, graph.qualname(c.callee) if c.callee else "")
           for c in graph.outgoing(run)]
    assert out == [("invoke", "resolved", "core.invoke"),
                   ("command.main", "resolved", "core.Command.main"),
                   ("command.main", "inferred", "core.Group.main"),
                   ("untyped.main", "inferred", "core.Command.main"),
                   ("untyped.main", "inferred", "core.Group.main")]
    for number, definition in enumerate(graph.files[run[0]].defs):
        if definition.name == "invoke":
            assert [graph.qualname(c.caller) for c in graph.incoming((run[0], number))] == [
                "core.Command.main", "core.run"]


def test_stubs_without_an_implementation_are_one_target(root: Path) -> None:
    graph = _graph(root)
    use = graph.find("stubs.use")
    assert use is not None
    calls = graph.outgoing(use)
    assert [(c.resolution, c.callee) for c in calls] == [("resolved", (use[0], 0))]
    assert graph.find("stubs.only") == (use[0], 0)
