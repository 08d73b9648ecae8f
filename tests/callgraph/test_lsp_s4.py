"""The language server when a module stops parsing while it is edited (issue 22).

Attack: a buffer of a package's module gets an unclosed ``(`` (or 3.12 syntax analysed on an
older Python). Every query resolving through that module answered ``-32603``, and once the
buffer was repaired some callers stayed lost until a restart. Now each query is answered
while it is broken, and once repaired every answer equals a freshly started server's.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from tests.callgraph.test_lsp_security import Wire, assert_clean, prepare_params, uri

CORE = '''\
class Engine:
    def run(self):
        return helper(1)


def helper(value):
    return value


def twice(value):
    return helper(value) + helper(value)
'''
USE = '''\
from pkg import core
from pkg.core import Engine, helper, twice


def plain():
    return helper(1) + core.twice(2)


def build():
    engine = Engine()
    return engine.run()
'''
MORE = '''\
from pkg.use import build, plain


def top():
    build()
    plain()
'''
BROKEN = [
    # An unclosed ``(`` while typing.
    CORE.replace("return helper(1)\n", "return helper(1\n"),
    # PEP 695 syntax, a syntax error on the Pythons before 3.12.
    CORE.replace("def twice(value):", "def twice[T](value: T):")
    if sys.version_info < (3, 12) else CORE.replace("def twice(value):", "def twice(:"),
]


def _project(root: Path) -> dict[str, Path]:
    package = root / "pkg"
    package.mkdir(parents=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    files = {"__init__": "from pkg.core import helper\n", "core": CORE, "use": USE,
             "more": MORE}
    for name, text in files.items():
        (package / f"{name}.py").write_text(text)
    return {name: package / f"{name}.py" for name in files}


def _survey(wire: Wire, files: dict[str, Path]) -> list[Any]:
    """Every definition's item, callers and callees, as the server answers them now."""
    answers: list[Any] = []
    for name in ("core", "use", "more"):
        text = CORE if name == "core" else files[name].read_text()
        for number, line in enumerate(text.splitlines()):
            found = re.match(r"\s*(?:def|class) (\w+)", line)
            if found is None:
                continue
            prepared = wire.request("textDocument/prepareCallHierarchy",
                                    prepare_params(files[name], number, found.start(1)))
            assert "error" not in prepared, prepared
            answers.append(prepared["result"])
            for item in prepared["result"] or []:
                for method in ("callHierarchy/incomingCalls", "callHierarchy/outgoingCalls"):
                    response = wire.request(method, {"item": item})
                    assert "error" not in response, response
                    answers.append(sorted(response["result"], key=repr))
    return answers


def _change(wire: Wire, target: str, version: int, text: str) -> None:
    wire.notify("textDocument/didChange", {
        "textDocument": {"uri": target, "version": version},
        "contentChanges": [{"text": text}]})


def test_a_broken_buffer_is_answered_and_repairing_it_restores_every_caller(
        tmp_path: Path) -> None:
    root = tmp_path / "project"
    files = _project(root)
    fresh = Wire(tmp_path)
    try:
        fresh.start(root, {"reindexDelayMs": 0})
        expected = _survey(fresh, files)
        assert fresh.stop() == 0
    finally:
        fresh.close()
    assert any(expected)

    wire = Wire(tmp_path)
    try:
        wire.start(root, {"reindexDelayMs": 0})
        target = uri(files["core"])
        wire.notify("textDocument/didOpen", {"textDocument": {
            "uri": target, "languageId": "python", "version": 1, "text": CORE}})
        version = 1
        for broken in BROKEN:
            version += 1
            _change(wire, target, version, broken)
            # Queries through the broken module are answered (no -32603): what it defined
            # is not known while it does not parse; the rest of the graph is.
            plain = wire.request("textDocument/prepareCallHierarchy",
                                 prepare_params(files["use"], 4, 4))
            assert [i["name"] for i in plain["result"]] == ["plain"]
            outgoing = wire.request("callHierarchy/outgoingCalls",
                                    {"item": plain["result"][0]})
            assert "error" not in outgoing, outgoing
            build = wire.request("textDocument/prepareCallHierarchy",
                                 prepare_params(files["use"], 8, 4))["result"][0]
            incoming = wire.request("callHierarchy/incomingCalls", {"item": build})
            assert [c["from"]["name"] for c in incoming["result"]] == ["top"]
            for item in wire.request("textDocument/prepareCallHierarchy",
                                     prepare_params(files["more"], 3, 4))["result"]:
                assert "error" not in wire.request("callHierarchy/outgoingCalls",
                                                   {"item": item})
            # Repaired: every answer is what a freshly started server gives.
            version += 1
            _change(wire, target, version, CORE)
            assert _survey(wire, files) == expected
        assert wire.stop() == 0
        assert_clean(wire)
    finally:
        wire.close()


OVERLOADED = '''\
import typing as t


class Command:
    @t.overload
    def main(self, args: None = None) -> None: ...

    @t.overload
    def main(self, args: list[str]) -> int: ...

    def main(self, args=None):
        return helper(args)


def helper(args):
    return args


def run(command: Command):
    command.main([])
'''


def test_an_overload_stub_prepares_its_implementation(tmp_path: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()
    (root / "cli.py").write_text(OVERLOADED)
    wire = Wire(tmp_path)
    try:
        wire.start(root, {"reindexDelayMs": 0})
        for line in (5, 8, 10):  # each stub's name, and the implementation's
            items = wire.request("textDocument/prepareCallHierarchy",
                                 prepare_params(root / "cli.py", line, 9))["result"]
            assert [(i["name"], i["selectionRange"]["start"]["line"]) for i in items] == [
                ("main", 10)]
            incoming = wire.request("callHierarchy/incomingCalls", {"item": items[0]})
            assert [(c["from"]["name"], len(c["fromRanges"])) for c in incoming["result"]] \
                == [("run", 1)]
            outgoing = wire.request("callHierarchy/outgoingCalls", {"item": items[0]})
            assert [c["to"]["name"] for c in outgoing["result"]] == ["helper"]
        assert wire.stop() == 0
    finally:
        wire.close()
