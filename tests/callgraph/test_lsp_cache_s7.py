"""The language server's warm start and its progress while indexing (issue 22).

Attacks: a server started again on a project it (or ``llm-doc calls``) has indexed must answer
from what it stored, exactly as a fresh server answers, also once a buffer is edited before
the full graph is in place; and an editor waiting for the index must see how far it is
(``$/progress`` reports with a rising percentage), not a begin and, a minute later, an end.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.callgraph.test_lsp_security import (
    PATIENCE,
    Wire,
    assert_clean,
    prepare_params,
    uri,
)

CORE = '''\
class Engine:
    def run(self):
        return helper(1)

    def close(self):
        return self.run()


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


def build(engine):
    engine.close()
    return Engine().run()
'''
EDITED = CORE.replace("    return helper(value) + helper(value)\n",
                      "    return helper(value)\n\n\ndef added():\n    return twice(3)\n")


def _project(root: Path, modules: int = 0) -> dict[str, Path]:
    package = root / "pkg"
    package.mkdir(parents=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    files = {"__init__": "", "core": CORE, "use": USE}
    for number in range(modules):  # more files, for the progress to rise through
        files[f"m{number}"] = f"from pkg.core import helper\n\n\ndef f{number}():\n" \
                              f"    return helper({number})\n"
    for name, text in files.items():
        (package / f"{name}.py").write_text(text)
    return {name: package / f"{name}.py" for name in files}


def _survey(wire: Wire, files: dict[str, Path], texts: dict[str, str]) -> list[Any]:
    """Every definition's item, callers and callees, as the server answers them now."""
    answers: list[Any] = []
    for name in ("core", "use"):
        for number, line in enumerate(texts[name].splitlines()):
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


def _session(tmp_path: Path, root: Path, files: dict[str, Path], texts: dict[str, str],
             edit: str | None = None) -> tuple[list[Any], list[str]]:
    """One server: (its answers, what it logged); ``edit`` replaces core.py's buffer first."""
    wire = Wire(tmp_path)
    try:
        wire.start(root, {"reindexDelayMs": 0})
        seen = wire.until(wire.ask("llmDoc/stats"))  # once the index (stored or not) is in
        if edit is not None:
            target = uri(files["core"])
            wire.notify("textDocument/didOpen", {"textDocument": {
                "uri": target, "languageId": "python", "version": 1, "text": CORE}})
            wire.notify("textDocument/didChange", {
                "textDocument": {"uri": target, "version": 2},
                "contentChanges": [{"text": edit}]})
        answers = _survey(wire, files, texts)
        assert wire.stop() == 0
        assert_clean(wire)
    finally:
        wire.close()
    logged = [m["params"]["message"] for m in seen if m.get("method") == "window/logMessage"]
    return answers, logged


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    folder.mkdir()
    monkeypatch.setenv("LLM_DOC_CACHE_DIR", str(folder))
    return folder


def test_a_warm_start_answers_from_the_stored_graph_as_a_fresh_server_does(
        tmp_path: Path, cache: Path) -> None:
    root = tmp_path / "proj"
    files = _project(root)
    texts = {"core": CORE, "use": USE}
    cold, cold_log = _session(tmp_path, root, files, texts)
    assert not any("stored graph" in line for line in cold_log)
    assert any(cold)
    assert (cache / "calls-resolved-v1.sqlite3").is_file()
    warm, warm_log = _session(tmp_path, root, files, texts)
    assert any("answering from the stored graph of 3 files" in line for line in warm_log)
    assert warm == cold


def test_an_edit_on_a_warm_start_is_answered_as_a_fresh_build_of_the_edit(
        tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "proj"
    files = _project(root)
    edited = {"core": EDITED, "use": USE}
    # What a server started on the edited files answers (its own, empty cache).
    files["core"].write_text(EDITED)
    fresh_cache = tmp_path / "fresh-cache"
    fresh_cache.mkdir()
    monkeypatch.setenv("LLM_DOC_CACHE_DIR", str(fresh_cache))
    expected, _ = _session(tmp_path, root, files, edited)
    monkeypatch.setenv("LLM_DOC_CACHE_DIR", str(cache))
    files["core"].write_text(CORE)
    _session(tmp_path, root, files, {"core": CORE, "use": USE})  # stores the graph
    # Warm: the stored graph is of the file on disk; the buffer says otherwise.
    warm, logged = _session(tmp_path, root, files, edited, edit=EDITED)
    assert any("answering from the stored graph" in line for line in logged)
    assert warm == expected


def test_progress_reports_rise_while_the_index_is_built(tmp_path: Path, cache: Path) -> None:
    root = tmp_path / "proj"
    files = _project(root, modules=12)
    # Another llm-doc run holds the index cache: the index waits on SQLite's lock (its 30 s
    # busy timeout a backstop) until the request below has begun its progress.
    holder = sqlite3.connect(cache / "callgraph-v2.sqlite3", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    wire = Wire(tmp_path)
    try:
        wire.start(root)
        params = {**prepare_params(files["core"], 8, 5), "workDoneToken": "mine"}
        waiting = wire.ask("textDocument/prepareCallHierarchy", params)
        seen = []
        while not any(m.get("method") == "$/progress" for m in seen):  # begun, still held
            message = wire.messages.get(timeout=PATIENCE)
            assert message is not None, wire.stderr_text()
            seen.append(message)
        holder.execute("ROLLBACK")
        seen += wire.until(waiting)
        assert [item["name"] for item in seen[-1]["result"]] == ["helper"]
        values = [m["params"]["value"] for m in seen
                  if m.get("method") == "$/progress" and m["params"]["token"] == "mine"]
        kinds = [value["kind"] for value in values]
        assert kinds[0] == "begin"
        assert kinds[-1] == "end"
        reports = [value for value in values if value["kind"] == "report"]
        percentages = [value["percentage"] for value in reports]
        assert len(percentages) >= 2, values
        assert percentages == sorted(set(percentages))  # rising, each once
        assert percentages[-1] == 100
        assert reports[-1]["message"] == "15 of 15 files"
        assert wire.stop() == 0
        assert_clean(wire)
    finally:
        holder.close()
        wire.close()
