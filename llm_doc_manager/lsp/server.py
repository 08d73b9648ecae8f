"""``llm-doc lsp``: the call hierarchy as a language server over stdio, on pygls.

The protocol, its framing and the server's lifecycle are pygls's; this module only maps
call hierarchy requests onto ``callgraph.CallGraph``. The workspace folders are indexed when
the client says ``initialized``; ``didOpen``/``didChange`` re-index the one file from the
editor's buffer, ``didClose`` goes back to the file on disk.
"""

from __future__ import annotations

import gc
import os
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from llm_doc_manager import __version__
from llm_doc_manager.analysis.load import read_file
from llm_doc_manager.callgraph import Call, CallGraph, DefKey, key_of, load_project, module_for
from llm_doc_manager.codes import Finding

_KINDS = {"function": lsp.SymbolKind.Function, "method": lsp.SymbolKind.Method,
          "class": lsp.SymbolKind.Class}


class CallHierarchyServer(LanguageServer):
    """A pygls server holding one call graph of the workspace.

    Attributes:
        graph: The call graph (keys are absolute paths).
        inferred: Whether inferred candidates are offered (``initializationOptions``
            ``{"inferred": false}`` turns them off).
    """

    def __init__(self) -> None:
        super().__init__("llm-doc", __version__,
                         text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental)
        self.graph = CallGraph()
        self.inferred = True

    def index_workspace(self) -> None:
        """Index every Python file of the workspace folders (or of the root)."""
        folders = [to_fs_path(f.uri) for f in self.workspace.folders.values()]
        if not folders and self.workspace.root_path:
            folders = [self.workspace.root_path]
        paths = [Path(f) for f in folders if f and os.path.isdir(f)]
        if not paths:
            return
        # Before the first document is opened (``initialized`` comes first): the project's
        # graph is the server's, no copy.
        self.graph = load_project(paths).graph
        self.graph.resolve()
        # The graph lives as long as the server and holds millions of objects with no
        # reference cycles: left to the cyclic collector, each full collection walks all of
        # them (150-250 ms pauses on the standard library, in the middle of an edit's
        # re-index). Frozen, they are skipped; replaced indexes are still freed by their
        # reference counts.
        gc.freeze()

    def reindex(self, uri: str, text: str | None) -> None:
        """Index one file again from the editor's text (or from disk when None)."""
        path = to_fs_path(uri)
        if path is None or not path.endswith((".py", ".pyi")):
            return
        if text is None:
            source = read_file(Path(path))  # the file's declared encoding, never a FIFO
            if isinstance(source, Finding):
                self.graph.remove(key_of(Path(path)))
                return
            text = source.text
        module, is_package = module_for(Path(path))
        self.graph.update_text(key_of(Path(path)), text, module, is_package)

    # -- items -----------------------------------------------------------------------------

    def item(self, key: DefKey) -> lsp.CallHierarchyItem:
        """The hierarchy item of a definition."""
        definition = self.graph.definition(key)
        start = lsp.Position(definition.start_line - 1, 0)
        end = lsp.Position(definition.end_line - 1, definition.end_col)
        name_start = lsp.Position(definition.name_line - 1, definition.name_col)
        name_end = lsp.Position(definition.name_line - 1,
                                definition.name_col + len(definition.name))
        qualname = self.graph.qualname(key)
        return lsp.CallHierarchyItem(
            name=definition.name, kind=_KINDS[definition.kind],
            uri=from_fs_path(key[0]) or key[0], range=lsp.Range(start, end),
            selection_range=lsp.Range(name_start, name_end),
            detail=qualname.rsplit(".", 1)[0],
            data={"path": key[0], "qualname": definition.qualname})

    def module_item(self, path: str) -> lsp.CallHierarchyItem:
        """The item standing for a module's top-level code."""
        origin = lsp.Range(lsp.Position(0, 0), lsp.Position(0, 0))
        module = self.graph.files[path].module
        return lsp.CallHierarchyItem(name="<module>", kind=lsp.SymbolKind.Module,
                                     uri=from_fs_path(path) or path, range=origin,
                                     selection_range=origin, detail=module,
                                     data={"path": path, "qualname": "<module>"})

    def key_of_item(self, item: lsp.CallHierarchyItem) -> DefKey | None:
        """The definition an item (from ``prepare``) stands for."""
        data: Any = item.data
        if not isinstance(data, dict):
            return None
        path, qualname = data.get("path"), data.get("qualname")
        if not isinstance(path, str) or not isinstance(qualname, str):
            return None
        if qualname == "<module>":
            return (path, -1) if path in self.graph.files else None
        return self.graph.find(qualname, path)

    def prepare(self, uri: str, position: lsp.Position) -> list[lsp.CallHierarchyItem] | None:
        """Items for a position: the definition named there, or what the call there calls."""
        path = to_fs_path(uri)
        if path is None:
            return None
        key = key_of(Path(path))
        if key not in self.graph.files:
            self.reindex(uri, None)
        index = self.graph.files.get(key)
        if index is None:
            return None
        line = position.line + 1
        col = self.column(uri, position)
        for number, definition in enumerate(index.defs):
            if definition.name_line == line and \
                    definition.name_col <= col <= definition.name_col + len(definition.name):
                return [self.item((key, number))]
        for site in self.graph.sites_at(key, line, col):
            targets = self.graph.site_targets(key, site)
            if targets:
                return [self.item(target) for target in dict.fromkeys(targets)]
        found = self.graph.definition_at(key, line)
        return [self.item(found)] if found is not None else None

    def column(self, uri: str, position: lsp.Position) -> int:
        """A client position's UTF-16 column as a character column."""
        line = self._line(uri, position.line)
        units = 0
        for count, char in enumerate(line):
            if units >= position.character:
                return count
            units += 2 if ord(char) > 0xFFFF else 1
        return position.character if line.isascii() else len(line)

    def range_of(self, call: Call) -> lsp.Range:
        """The range of the called name of a call site, in UTF-16 units."""
        site = call.site
        uri = from_fs_path(call.path) or call.path
        line = self._line(uri, site.name_line - 1)
        return lsp.Range(lsp.Position(site.name_line - 1, _utf16(line, site.name_col)),
                         lsp.Position(site.name_line - 1, _utf16(line, site.name_end)))

    def _line(self, uri: str, number: int) -> str:
        try:
            lines = self.workspace.get_text_document(uri).lines
        except (OSError, UnicodeDecodeError):
            return ""
        return lines[number].rstrip("\r\n") if 0 <= number < len(lines) else ""

    # -- calls -----------------------------------------------------------------------------

    def incoming(self, item: lsp.CallHierarchyItem) -> list[lsp.CallHierarchyIncomingCall]:
        """Callers of an item, one entry per caller (and per resolution)."""
        key = self.key_of_item(item)
        if key is None or key[1] < 0:
            return []
        groups: dict[tuple[Any, str], list[Call]] = {}
        for call in self.graph.incoming(key, self.inferred):
            groups.setdefault((call.caller or (call.path, -1), call.resolution), []).append(call)
        out = []
        for (caller, resolution), calls in groups.items():
            source = self.item(caller) if caller[1] >= 0 else self.module_item(caller[0])
            if resolution != "resolved":
                source.detail = f"{source.detail} ({resolution}: {calls[0].reason})"
            out.append(lsp.CallHierarchyIncomingCall(
                from_=source, from_ranges=[self.range_of(c) for c in calls]))
        return out

    def outgoing(self, item: lsp.CallHierarchyItem) -> list[lsp.CallHierarchyOutgoingCall]:
        """Callees of an item (definitions of the project), one entry per callee."""
        key = self.key_of_item(item)
        if key is None:
            return []
        groups: dict[tuple[DefKey, str], list[Call]] = {}
        for call in self.graph.outgoing(key, self.inferred):
            if call.callee is not None:
                groups.setdefault((call.callee, call.resolution), []).append(call)
        out = []
        for (callee, resolution), calls in groups.items():
            target = self.item(callee)
            if resolution != "resolved":
                target.detail = f"{target.detail} ({resolution}: {calls[0].reason})"
            out.append(lsp.CallHierarchyOutgoingCall(
                to=target, from_ranges=[self.range_of(c) for c in calls]))
        return out


def _utf16(line: str, col: int) -> int:
    """A character column as UTF-16 units."""
    if line.isascii():
        return col
    return col + sum(1 for char in line[:col] if ord(char) > 0xFFFF)


def build_server() -> CallHierarchyServer:
    """A server with the call hierarchy features registered."""
    server = CallHierarchyServer()

    @server.feature(lsp.INITIALIZE)
    def initialize(ls: CallHierarchyServer, params: lsp.InitializeParams) -> None:
        options = params.initialization_options
        if isinstance(options, dict) and options.get("inferred") is False:
            ls.inferred = False

    @server.feature(lsp.INITIALIZED)
    def initialized(ls: CallHierarchyServer, params: lsp.InitializedParams) -> None:
        ls.index_workspace()

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: CallHierarchyServer, params: lsp.DidOpenTextDocumentParams) -> None:
        ls.reindex(params.text_document.uri, params.text_document.text)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: CallHierarchyServer, params: lsp.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.reindex(uri, ls.workspace.get_text_document(uri).source)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: CallHierarchyServer, params: lsp.DidCloseTextDocumentParams) -> None:
        ls.reindex(params.text_document.uri, None)

    @server.feature(lsp.TEXT_DOCUMENT_PREPARE_CALL_HIERARCHY)
    def prepare(ls: CallHierarchyServer, params: lsp.CallHierarchyPrepareParams
                ) -> list[lsp.CallHierarchyItem] | None:
        return ls.prepare(params.text_document.uri, params.position)

    @server.feature(lsp.CALL_HIERARCHY_INCOMING_CALLS)
    def incoming(ls: CallHierarchyServer, params: lsp.CallHierarchyIncomingCallsParams
                 ) -> list[lsp.CallHierarchyIncomingCall]:
        return ls.incoming(params.item)

    @server.feature(lsp.CALL_HIERARCHY_OUTGOING_CALLS)
    def outgoing(ls: CallHierarchyServer, params: lsp.CallHierarchyOutgoingCallsParams
                 ) -> list[lsp.CallHierarchyOutgoingCall]:
        return ls.outgoing(params.item)

    return server


def serve() -> int:
    """Serve over stdin/stdout until the client says exit."""
    build_server().start_io()
    return 0
