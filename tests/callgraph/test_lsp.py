"""``llm-doc lsp`` end to end: a real LSP client speaking JSON-RPC over the server's stdio."""

from __future__ import annotations

import asyncio
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient
from pygls.uris import from_fs_path

from tests.callgraph.test_lsp_security import PATIENCE, Wire, prepare_params, uri

DATA = Path(__file__).parent / "data" / "shapes"


def _ranges(ranges: list[lsp.Range]) -> list[tuple[int, int, int]]:
    return [(r.start.line, r.start.character, r.end.character) for r in ranges]


async def _session(root: Path) -> None:
    client = LanguageClient("llm-doc-test", "1")
    await client.start_io(sys.executable, "-m", "llm_doc_manager", "lsp")
    core = root / "shapes" / "core.py"
    uses = root / "shapes" / "uses.py"
    core_uri, uses_uri = from_fs_path(str(core)), from_fs_path(str(uses))
    assert core_uri
    assert uses_uri
    result = await client.initialize_async(lsp.InitializeParams(
        capabilities=lsp.ClientCapabilities(), root_uri=from_fs_path(str(root)),
        workspace_folders=[lsp.WorkspaceFolder(uri=from_fs_path(str(root)) or "",
                                               name="shapes")]))
    assert result.capabilities.call_hierarchy_provider
    client.initialized(lsp.InitializedParams())
    text = uses.read_text()
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(
        lsp.TextDocumentItem(uri=uses_uri, language_id="python", version=1, text=text)))

    # On the name of `def helper` in core.py (line 10, "def helper(value):").
    items = await client.text_document_prepare_call_hierarchy_async(
        lsp.CallHierarchyPrepareParams(lsp.TextDocumentIdentifier(core_uri),
                                       lsp.Position(9, 5)))
    assert items is not None
    assert len(items) == 1
    helper = items[0]
    assert (helper.name, helper.kind, helper.detail) == ("helper", lsp.SymbolKind.Function,
                                                         "shapes.core")
    assert (helper.selection_range.start.line, helper.selection_range.start.character,
            helper.selection_range.end.character) == (9, 4, 10)
    assert (helper.range.start.line, helper.range.end.line) == (9, 10)

    incoming = await client.call_hierarchy_incoming_calls_async(
        lsp.CallHierarchyIncomingCallsParams(helper))
    assert incoming is not None
    callers = {(c.from_.name, c.from_.uri): _ranges(c.from_ranges) for c in incoming}
    assert callers[("plain", uses_uri)] == [(11, 23, 29)]          # shapes.core.helper(1)
    assert callers[("imported_alias", uses_uri)] == [(19, 11, 16)]  # twice(3)
    assert callers[("__call__", core_uri)] == [(68, 15, 21)]
    assert callers[("<module>", core_uri)] == [(90, 27, 33)]        # partial(helper)
    assert len(incoming) == 11

    # A call under the cursor prepares its callee: `make_engine().run()` in returned().
    items = await client.text_document_prepare_call_hierarchy_async(
        lsp.CallHierarchyPrepareParams(lsp.TextDocumentIdentifier(uses_uri),
                                       lsp.Position(68, 27)))
    assert items is not None
    assert [i.name for i in items] == ["run"]
    outgoing = await client.call_hierarchy_outgoing_calls_async(
        lsp.CallHierarchyOutgoingCallsParams(items[0]))
    assert outgoing is not None
    assert [(o.to.name, _ranges(o.from_ranges)) for o in outgoing] == [
        ("__call__", [(71, 15, 19)])]

    # Change the buffer: plain() now calls twice() twice, and a new caller appears.
    lines = text.splitlines(keepends=True)
    new_text = "".join(lines[:10]) + "def plain():\n    return twice(1) + twice(2)\n" \
        + "".join(lines[12:])
    client.text_document_did_change(lsp.DidChangeTextDocumentParams(
        lsp.VersionedTextDocumentIdentifier(uri=uses_uri, version=2),
        [lsp.TextDocumentContentChangeWholeDocument(text=new_text)]))
    incoming = await client.call_hierarchy_incoming_calls_async(
        lsp.CallHierarchyIncomingCallsParams(helper))
    assert incoming is not None
    callers = {c.from_.name: _ranges(c.from_ranges) for c in incoming}
    assert callers["plain"] == [(11, 11, 16), (11, 22, 27)]

    await client.shutdown_async(None)
    client.exit(None)
    await asyncio.wait_for(client.stop(), 30)


def test_call_hierarchy_over_stdio(tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(DATA, root)
    asyncio.run(asyncio.wait_for(_session(root), 120))


# -- re-indexing an edited buffer -------------------------------------------------------------

TYPED = "\ndef burst():\n    return twice(1) + twice(2) + twice(3)\n"


def _type(wire: Wire, target: str, line: int, text: str) -> int:
    """Send one incremental didChange per character typed at the end of a file."""
    col = 0
    for version, char in enumerate(text, start=2):
        here = {"line": line, "character": col}
        wire.notify("textDocument/didChange", {
            "textDocument": {"uri": target, "version": version},
            "contentChanges": [{"range": {"start": here, "end": here}, "text": char}]})
        line, col = (line + 1, 0) if char == "\n" else (line, col + 1)
    return len(text)


def _open(wire: Wire, path: Path) -> str:
    target = uri(path)
    wire.notify("textDocument/didOpen", {"textDocument": {
        "uri": target, "languageId": "python", "version": 1, "text": path.read_text()}})
    return target


def test_a_burst_of_edits_is_indexed_once_before_the_next_answer(tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(DATA, root)
    wire = Wire(tmp_path)
    try:
        # A pause no test waits for: whatever the machine's speed, nothing is indexed
        # until the request, and then exactly once.
        wire.start(root, {"reindexDelayMs": 600_000})
        uses = root / "shapes" / "uses.py"
        target = _open(wire, uses)
        assert _type(wire, target, len(uses.read_text().splitlines()), TYPED) > 50
        stats = wire.request("llmDoc/stats")["result"]
        assert (stats["pending"], stats["reindexed"]) == ([target], {})
        assert stats["inFlight"] == 0  # no future kept per notification

        helper = wire.request("textDocument/prepareCallHierarchy",
                              prepare_params(root / "shapes" / "core.py", 9, 5))["result"][0]
        incoming = wire.request("callHierarchy/incomingCalls", {"item": helper})["result"]
        callers = {c["from"]["name"]: [(r["start"]["line"], r["start"]["character"],
                                        r["end"]["character"]) for r in c["fromRanges"]]
                   for c in incoming}
        assert callers["burst"] == [(100, 11, 16), (100, 22, 27), (100, 33, 38)]
        stats = wire.request("llmDoc/stats")["result"]
        assert (stats["pending"], stats["reindexed"]) == ([], {target: 1})
        assert wire.stop() == 0
    finally:
        wire.close()


def test_edits_are_indexed_once_they_pause_without_a_request(tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(DATA, root)
    wire = Wire(tmp_path)
    try:
        wire.start(root, {"reindexDelayMs": 10})
        uses = root / "shapes" / "uses.py"
        target = _open(wire, uses)
        events = 1 + _type(wire, target, len(uses.read_text().splitlines()), TYPED)
        deadline = time.monotonic() + PATIENCE  # a backstop: the loop ends when indexed
        while (stats := wire.request("llmDoc/stats")["result"])["pending"]:
            assert time.monotonic() < deadline
        assert 1 <= stats["reindexed"][target] <= events
        assert wire.stop() == 0
    finally:
        wire.close()


@pytest.mark.parametrize("delay", [-1, "250", True, 10**9, None])
def test_a_bad_reindex_delay_is_invalid_params(tmp_path: Path, delay: Any) -> None:
    wire = Wire(tmp_path)
    try:
        response = wire.request("initialize", {"processId": None, "capabilities": {},
                                               "initializationOptions":
                                                   {"reindexDelayMs": delay}})
        assert response["error"]["code"] == -32602
        assert "reindexDelayMs" in response["error"]["message"]
        wire.start(tmp_path)  # and it may try again
        assert wire.stop() == 0
    finally:
        wire.close()
