"""``llm-doc lsp``: the call hierarchy as a language server over stdio, on pygls.

pygls holds the protocol's life cycle and the editor's buffers (it applies incremental
edits); ``wire`` frames stdin within limits and answers malformed messages; this module maps
call hierarchy requests onto ``callgraph.CallGraph``. The workspace folders are indexed when
the client says ``initialized``. ``didOpen``/``didChange``/``didClose`` mark a file for
re-indexing from the editor's buffer (from disk once closed), which happens once a burst of
edits has paused for ``reindexDelayMs`` or when a request comes, whichever is first.

Only files whose real path lies inside a workspace folder are read or indexed: a URI, a
``..`` or a link leading elsewhere is answered as knowing nothing.
"""

from __future__ import annotations

import asyncio
import gc
import os
import re
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from llm_doc_manager import __version__
from llm_doc_manager.analysis.load import read_file
from llm_doc_manager.callgraph import Call, CallGraph, DefKey, key_of, load_project, module_for
from llm_doc_manager.codes import Finding
from llm_doc_manager.lsp.wire import GuardedProtocol, run_stdio
from llm_doc_manager.source.discovery import iter_files
from llm_doc_manager.source.files import size_limit

_KINDS = {"function": lsp.SymbolKind.Function, "method": lsp.SymbolKind.Method,
          "class": lsp.SymbolKind.Class}
#: How long a file's edits must pause before it is indexed again (``reindexDelayMs``).
DEFAULT_DELAY_MS = 250
_MAX_DELAY_MS = 600_000
#: A request answering ``CallHierarchyServer.stats`` (what the tests observe re-indexing by).
STATS = "llmDoc/stats"
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # the breaks ast and LSP count, not str.splitlines'


class CallHierarchyServer(LanguageServer):
    """A pygls server holding one call graph of the workspace.

    Attributes:
        protocol: pygls's protocol behind ``wire``'s checks.
        graph: The call graph (keys are absolute paths).
        inferred: Whether inferred candidates are offered (``initializationOptions``
            ``{"inferred": false}`` turns them off).
        delay: Seconds a file's edits must pause before it is indexed again.
        reindexed: How many times each file (by key) was indexed again after an event.
    """

    protocol: GuardedProtocol

    def __init__(self) -> None:
        super().__init__("llm-doc", __version__,
                         text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental,
                         protocol_cls=GuardedProtocol)
        self.graph = CallGraph()
        self.inferred = True
        self.delay = DEFAULT_DELAY_MS / 1000
        self.reindexed: Counter[str] = Counter()
        self._buffers: dict[str, str] = {}  # key -> URI of the open document
        self._pending: dict[str, asyncio.TimerHandle] = {}
        self._roots: tuple[tuple[str, ...], list[str]] = ((), [])
        self._lines: dict[str, list[str]] = {}

    # -- the boundary ----------------------------------------------------------------------

    def folders(self) -> list[str]:
        """The workspace folders (or the root) as absolute paths; others are not served."""
        uris = [f.uri for f in self.workspace.folders.values()]
        if not uris and self.workspace.root_uri:
            uris = [self.workspace.root_uri]
        paths = []
        for uri in uris:
            path = _local_path(uri)
            # A relative root ("file://.", "file:src") would be the server's own working
            # folder, which the client did not name.
            if path is not None and os.path.isabs(path) and os.path.isdir(path):
                paths.append(path)
        return paths

    def _real_roots(self) -> list[str]:
        folders = tuple(self.folders())
        if folders != self._roots[0]:
            self._roots = (folders, [os.path.realpath(f) for f in folders])
        return self._roots[1]

    def inside(self, path: str) -> bool:
        """Whether a file's real path (links and ``..`` resolved) is in a workspace folder."""
        try:
            real = os.path.realpath(path)
        except (OSError, ValueError):  # a NUL in the path, a loop of links
            return False
        return any(real == root or real.startswith(root.rstrip(os.sep) + os.sep)
                   for root in self._real_roots())

    def index_workspace(self) -> None:
        """Index every Python file of the workspace folders (or of the root)."""
        folders = [Path(f) for f in self.folders()]
        if not folders:
            return
        # Files reached through a link that leaves the workspace are not read.
        files = [f for f in iter_files(folders) if self.inside(str(f))]
        # Before the first document is opened (``initialized`` comes first): the project's
        # graph is the server's, no copy.
        self.graph = load_project(files).graph
        self.graph.resolve()
        # The graph lives as long as the server and holds millions of objects with no
        # reference cycles: left to the cyclic collector, each full collection walks all of
        # them (150-250 ms pauses on the standard library, in the middle of an edit's
        # re-index). Frozen, they are skipped; replaced indexes are still freed by their
        # reference counts.
        gc.freeze()
        for key in self._buffers:  # a buffer opened before ``initialized`` is not lost
            self.schedule(key)

    # -- documents -------------------------------------------------------------------------

    def opened(self, uri: str) -> None:
        """A document was opened or changed: index it again once its edits pause."""
        path = _local_path(uri)
        if path is None or not path.endswith((".py", ".pyi")) or not self.inside(path):
            return  # the client's own text, outside what this server serves
        key = key_of(Path(path))
        self._buffers[key] = uri
        self.schedule(key)

    def closed(self, uri: str) -> None:
        """A document was closed: the file on disk is what counts again."""
        path = _local_path(uri)
        if path is None:
            return
        key = key_of(Path(path))
        if self._buffers.pop(key, None) is not None:
            self.schedule(key)

    def schedule(self, key: str) -> None:
        """Index a file again after ``delay`` without another event for it."""
        timer = self._pending.pop(key, None)
        if timer is not None:
            timer.cancel()
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # not serving (a direct call): no burst to wait for
            loop = None
        if loop is None or self.delay <= 0:
            self.flush(key)
            return
        self._pending[key] = loop.call_later(self.delay, self.flush, key)

    def flush(self, key: str | None = None) -> None:
        """Index again a file whose edits are pending (all of them when None)."""
        keys = list(self._pending) if key is None else [key]
        for one in keys:
            timer = self._pending.pop(one, None)
            if timer is not None:
                timer.cancel()
            self.reindexed[one] += 1
            uri = self._buffers.get(one)
            document = self.workspace.text_documents.get(unquote(uri)) if uri else None
            if document is not None:
                self.reindex(one, document.source)
            else:
                self.reindex(one, None)

    def reindex(self, path: str, text: str | None) -> None:
        """Index one file again from the editor's text (or from disk when None).

        A file outside the workspace, unreadable or over the size limit leaves the graph.
        """
        key = key_of(Path(path))
        if not path.endswith((".py", ".pyi")):
            return
        if not self.inside(path):
            self.graph.remove(key)
            return
        if text is None:
            source = read_file(Path(path))  # the file's declared encoding, never a FIFO
            if isinstance(source, Finding):
                self.graph.remove(key)
                return
            text = source.text
        elif len(text) > size_limit():  # what the tool would refuse to read from disk
            self.graph.remove(key)
            return
        module, is_package = module_for(Path(path))
        self.graph.update_text(key, text, module, is_package)

    def stats(self) -> dict[str, Any]:
        """What ``llmDoc/stats`` answers: files indexed, re-indexes per file, pending files."""
        return {"files": len(self.graph.files),
                "reindexed": {_uri(k): n for k, n in self.reindexed.items()},
                "pending": [_uri(k) for k in self._pending],
                "inFlight": len(self.protocol._request_futures),
                "reindexDelayMs": round(self.delay * 1000)}

    def settle(self) -> None:
        """Before answering: pending edits indexed, lines read afresh."""
        self.flush()
        self._lines.clear()

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
            uri=_uri(key[0]), range=lsp.Range(start, end),
            selection_range=lsp.Range(name_start, name_end),
            detail=qualname.rsplit(".", 1)[0],
            data={"path": key[0], "qualname": definition.qualname})

    def module_item(self, path: str) -> lsp.CallHierarchyItem:
        """The item standing for a module's top-level code."""
        origin = lsp.Range(lsp.Position(0, 0), lsp.Position(0, 0))
        module = self.graph.files[path].module
        return lsp.CallHierarchyItem(name="<module>", kind=lsp.SymbolKind.Module,
                                     uri=_uri(path), range=origin,
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
        """Items for a position: the definition named there, or what the call there calls.

        Args:
            uri: The document's URI.
            position: The position in it (UTF-16 units).

        Returns:
            The items, or None when nothing is there or the file is outside the workspace.

        Raises:
            JsonRpcInvalidParams: If the URI is not a ``file:`` URI.
        """
        path = _local_path(uri)
        if path is None:
            raise JsonRpcInvalidParams(f"textDocument.uri: only file: URIs are served, "
                                       f"not {uri[:100]!r}")
        if not self.inside(path):
            return None
        key = key_of(Path(path))
        if key not in self.graph.files:
            self.reindex(key, None)
        index = self.graph.files.get(key)
        if index is None:
            return None
        line = position.line + 1
        col = self.column(key, position)
        for number, definition in enumerate(index.defs):
            if definition.name_line == line and \
                    definition.name_col <= col <= definition.name_col + len(definition.name):
                return [self.item(self.graph.canonical((key, number)))]
        for site in self.graph.sites_at(key, line, col):
            targets = self.graph.site_targets(key, site)
            if targets:
                return [self.item(target) for target in dict.fromkeys(targets)]
        found = self.graph.definition_at(key, line)
        return [self.item(found)] if found is not None else None

    def column(self, key: str, position: lsp.Position) -> int:
        """A client position's UTF-16 column as a character column."""
        line = self._line(key, position.line)
        units = 0
        for count, char in enumerate(line):
            if units >= position.character:
                return count
            units += 2 if ord(char) > 0xFFFF else 1
        return position.character if line.isascii() else len(line)

    def range_of(self, call: Call) -> lsp.Range:
        """The range of the called name of a call site, in UTF-16 units."""
        site = call.site
        line = self._line(call.path, site.name_line - 1)
        return lsp.Range(lsp.Position(site.name_line - 1, _utf16(line, site.name_col)),
                         lsp.Position(site.name_line - 1, _utf16(line, site.name_end)))

    def _line(self, key: str, number: int) -> str:
        """A line of a file as indexed: the editor's buffer, else the file (once a request)."""
        lines = self._lines.get(key)
        if lines is None:
            text = ""
            uri = self._buffers.get(key)
            document = self.workspace.text_documents.get(unquote(uri)) if uri else None
            if document is not None:
                text = document.source
            elif self.inside(key):
                source = read_file(Path(key))
                text = source.text if not isinstance(source, Finding) else ""
            lines = self._lines[key] = _LINE_BREAK.split(text)
        return lines[number] if 0 <= number < len(lines) else ""

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


def _uri(path: str) -> str:
    """The ``file:`` URI of a path, also of one whose name is not UTF-8 (its bytes quoted)."""
    try:
        return from_fs_path(path) or path
    except UnicodeEncodeError:  # a name's undecodable bytes, kept as surrogates
        return "file://" + quote(os.fsencode(path))


def _local_path(uri: str) -> str | None:
    """The path of a ``file:`` URI; None for any other scheme or a path with a NUL."""
    if uri[:5].lower() != "file:":
        return None
    path = to_fs_path(uri)
    if path and "\ufffd" in path:
        # Quoted bytes that are not UTF-8 (``_uri`` of such a name) decode to the same
        # surrogates as the name on disk, not to replacement characters that name no file
        # (a name holding U+FFFD itself decodes to it either way).
        path = unquote(urlsplit(uri).path, errors="surrogateescape")
    return path if path and "\0" not in path else None


def _delay(options: Any) -> float | None:
    """``reindexDelayMs`` from the initialization options, in seconds (None: not given)."""
    if not isinstance(options, dict) or "reindexDelayMs" not in options:
        return None
    value = options["reindexDelayMs"]
    if isinstance(value, bool) or not isinstance(value, (int, float)) \
            or not 0 <= value <= _MAX_DELAY_MS:
        raise JsonRpcInvalidParams(f"initializationOptions.reindexDelayMs: a number of "
                                   f"milliseconds from 0 to {_MAX_DELAY_MS}, not {value!r}")
    return value / 1000


def build_server() -> CallHierarchyServer:
    """A server with the call hierarchy features registered."""
    server = CallHierarchyServer()

    @server.feature(lsp.INITIALIZE)
    def initialize(ls: CallHierarchyServer, params: lsp.InitializeParams) -> None:
        options = params.initialization_options
        try:
            delay = _delay(options)
        except JsonRpcInvalidParams:
            ls.protocol.initialize_received = False  # the client may try again
            raise
        if delay is not None:
            ls.delay = delay
        if isinstance(options, dict) and options.get("inferred") is False:
            ls.inferred = False

    @server.feature(lsp.INITIALIZED)
    def initialized(ls: CallHierarchyServer, params: lsp.InitializedParams) -> None:
        if not ls.graph.files:  # once: a repeated ``initialized`` is no reason to read it all
            ls.index_workspace()

    # pygls has already applied the event to its copy of the buffer.
    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: CallHierarchyServer, params: lsp.DidOpenTextDocumentParams) -> None:
        ls.opened(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: CallHierarchyServer, params: lsp.DidChangeTextDocumentParams) -> None:
        ls.opened(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: CallHierarchyServer, params: lsp.DidCloseTextDocumentParams) -> None:
        ls.closed(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_PREPARE_CALL_HIERARCHY)
    def prepare(ls: CallHierarchyServer, params: lsp.CallHierarchyPrepareParams
                ) -> list[lsp.CallHierarchyItem] | None:
        ls.settle()
        return ls.prepare(params.text_document.uri, params.position)

    @server.feature(lsp.CALL_HIERARCHY_INCOMING_CALLS)
    def incoming(ls: CallHierarchyServer, params: lsp.CallHierarchyIncomingCallsParams
                 ) -> list[lsp.CallHierarchyIncomingCall]:
        ls.settle()
        return ls.incoming(params.item)

    @server.feature(lsp.CALL_HIERARCHY_OUTGOING_CALLS)
    def outgoing(ls: CallHierarchyServer, params: lsp.CallHierarchyOutgoingCallsParams
                 ) -> list[lsp.CallHierarchyOutgoingCall]:
        ls.settle()
        return ls.outgoing(params.item)

    @server.feature(STATS)
    def stats(ls: CallHierarchyServer, params: Any) -> dict[str, Any]:
        return ls.stats()

    return server


def serve() -> int:
    """Serve over stdin/stdout until the client says exit.

    Returns:
        The exit status (0 after ``shutdown`` and ``exit``; 1 for an ``exit`` alone, the end
        of input without ``shutdown``, or a frame that cannot be read).
    """
    server = build_server()
    return run_stdio(server.protocol)
