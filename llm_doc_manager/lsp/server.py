"""``llm-doc lsp``: the call hierarchy as a language server over stdio, on pygls.

pygls holds the protocol's life cycle, the editor's buffers (it applies incremental edits),
the position encoding agreed with the client, ``$/cancelRequest`` and ``$/progress``;
``wire`` frames stdin within limits and answers malformed messages; this module maps call
hierarchy requests onto ``callgraph.CallGraph``.

The root is the client's workspace folders (else its ``rootUri``) when they are absolute
folders other than ``/``; otherwise (a relative ``file://.``, null, none) it is the project
around the first document opened: the folder holding ``pyproject.toml``, ``setup.py``,
``setup.cfg`` or ``.git``, as ``llm-doc calls`` finds it. A ``window/logMessage`` says
which. The root is indexed off the event loop, with the same index cache as ``llm-doc
calls``; requests wait for it (and can be cancelled while they wait), with ``$/progress`` on
a token the client gives or the server creates. ``didOpen``/``didChange``/``didClose`` mark
a file for re-indexing from the editor's buffer (from disk once closed), which happens once a
burst of edits has paused for ``reindexDelayMs`` or when a request comes, whichever is first.

Only files whose real path lies inside the root are read or indexed: a URI, a ``..`` or a
link leading elsewhere is answered as knowing nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import itertools
import os
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote, unquote, urlsplit

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from llm_doc_manager import __version__
from llm_doc_manager.analysis.load import read_file
from llm_doc_manager.callgraph import (
    Call,
    CallGraph,
    DefKey,
    key_of,
    load_project,
    module_for,
    project_root,
)
from llm_doc_manager.callgraph.project import (
    INDEX_FILE,
    Progress,
    Project,
    idle_cores,
    load_stored,
)
from llm_doc_manager.callgraph.stored import (
    RESOLVED_FILE,
    StoredGraph,
    StoredGraphMiss,
    parts_of,
    store_graph,
)
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
_tokens = itertools.count(1)
T = TypeVar("T")
#: Seconds without a request after which the full graph is built behind the stored one.
IDLE_BEFORE_FULL = 1.0


class CallHierarchyServer(LanguageServer):
    """A pygls server holding one call graph of the workspace.

    Attributes:
        protocol: pygls's protocol behind ``wire``'s checks.
        graph: The call graph (keys are absolute paths).
        inferred: Whether inferred candidates are offered (``initializationOptions``
            ``{"inferred": false}`` turns them off).
        delay: Seconds a file's edits must pause before it is indexed again.
        reindexed: How many times each file (by key) was indexed again after an event.
        found_root: The root found around the first opened document, when the client named
            no usable one.
        indexing: Whether the root is being indexed (requests wait for it, unless the graph
            stored by an earlier run answers meanwhile).
        stored: Whether the graph answering is the stored one (read-only: an edit waits for
            the full graph, built meanwhile).
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
        self.found_root: str | None = None
        self.indexing = False
        self._indexed: asyncio.Event | None = None  # set once the root's index is in place
        self._full: asyncio.Event | None = None  # set once the full graph is (edits need it)
        self.stored = False
        self._edited = False  # a buffer differs from the stored graph's files
        self._percent = -1  # the last percentage reported while indexing
        # Set when the full graph is to be built after the stored one: once no request has
        # come for a second (it would compete for the interpreter with their answers), or
        # when an edit needs it.
        self._go_full = threading.Event()
        self._go_timer: asyncio.TimerHandle | None = None
        self._store: tuple[Path, Project] | None = None  # what to store once in place
        self._progress: set[str | int] = set()  # tokens with a begun, not ended, progress
        self._server_progress = False  # whether the client lets the server create tokens
        self._tasks: set[asyncio.Task[None]] = set()

    # -- the boundary ----------------------------------------------------------------------

    def named(self) -> list[str]:
        """The folders the client named (workspace folders, else the root) that can be served.

        A relative root (``file://.``, ``file:src``) would be the server's own working folder,
        which the client did not name; ``/`` would be the whole machine.
        """
        uris = [f.uri for f in self.workspace.folders.values()]
        if not uris and self.workspace.root_uri:
            uris = [self.workspace.root_uri]
        paths = []
        for uri in uris:
            path = _local_path(uri)
            if path is not None and os.path.isabs(path) and os.path.isdir(path) \
                    and os.path.dirname(os.path.realpath(path)) != os.path.realpath(path):
                paths.append(path)
        return paths

    def folders(self) -> list[str]:
        """The folders served: those the client named, else the root found around a file."""
        named = self.named()
        if named or self.found_root is None:
            return named
        return [self.found_root]

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

    def start_index(self, why: str) -> None:
        """Index the folders served off the event loop, once; requests wait for it."""
        if self.indexing or self.ready:
            return
        folders = self.folders()
        if not folders:
            return
        self.log(f"root {', '.join(folders)} ({why})")
        self.indexing = True
        self.spawn(self._index(folders))

    def spawn(self, work: Coroutine[Any, Any, None]) -> None:
        """Run a coroutine as a task held until it ends (the loop keeps only weak references)."""
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @property
    def ready(self) -> bool:
        """Whether the root's index is in place."""
        return self._indexed is not None and self._indexed.is_set()

    def _event(self) -> asyncio.Event:
        """The event set once the index is in place (made on the loop, when first needed)."""
        if self._indexed is None:
            self._indexed = asyncio.Event()
        return self._indexed

    def _full_event(self) -> asyncio.Event:
        """The event set once the full graph is in place (the stored one cannot be edited)."""
        if self._full is None:
            self._full = asyncio.Event()
        return self._full

    def take_stored(self, graph: CallGraph) -> None:
        """Answer from the graph an earlier run stored, until the full one is built."""
        if self.ready:
            return
        self.graph = graph
        self.stored = True
        self.log(f"answering from the stored graph of {len(graph.files)} files while the "
                 "index is read")
        self._event().set()
        self.build_full_after(IDLE_BEFORE_FULL)

    def build_full_after(self, seconds: float) -> None:
        """Let the full graph be built once this long has passed without another request."""
        if self._go_timer is not None:
            self._go_timer.cancel()
        self._go_timer = asyncio.get_running_loop().call_later(seconds, self._go_full.set)

    def report(self, done: int, total: int) -> None:
        """Report the share of files indexed on every progress begun (a whole percentage)."""
        percent = done * 100 // max(total, 1)
        if percent == self._percent:
            return
        self._percent = percent
        for token in list(self._progress):
            self.work_done_progress.report(token, lsp.WorkDoneProgressReport(
                message=f"{done} of {total} files", percentage=percent))

    async def _index(self, folders: list[str]) -> None:
        """Build the index in a thread, with progress; then put it in place."""
        started = time.monotonic()
        if self._server_progress:
            self.spawn(self._server_token(folders))
        loop = asyncio.get_running_loop()

        def stored(graph: CallGraph) -> None:
            loop.call_soon_threadsafe(self.take_stored, graph)

        def progress(done: int, total: int) -> None:
            loop.call_soon_threadsafe(self.report, done, total)

        try:
            graph, count = await _in_daemon_thread(
                lambda found: self.build(found, stored, progress), folders)
        except Exception as exc:  # the server lives on, with an empty graph, the cause said once
            self.log(f"indexing {', '.join(folders)} failed: {exc!r}",
                     lsp.MessageType.Error)
            graph, count = CallGraph(), 0
            self._store = None
        if self._store is not None:
            # Written from copies of the graph's tables in a thread of its own: the first
            # answer does not wait for it, and edits meanwhile leave the copies alone. Not a
            # daemon: an exit meanwhile lets the one transaction end (the next start needs it).
            where, project = self._store
            threading.Thread(target=store_graph, name="llm-doc lsp store",
                             args=(where, parts_of(graph), project.digests,
                                   project.unparsed)).start()
        if isinstance(self.graph, StoredGraph):
            self.graph.close()  # its connections to the two databases
        # The project's graph becomes the server's, no copy; buffers opened meanwhile follow.
        self.graph = graph
        self.stored = False
        # The graph lives as long as the server and holds millions of objects with no
        # reference cycles: left to the cyclic collector, each full collection walks all of
        # them (150-250 ms pauses on the standard library, in the middle of an edit's
        # re-index). Frozen, they are skipped; replaced indexes are still freed by their
        # reference counts.
        gc.freeze()
        self.indexing = False
        self._event().set()
        self._full_event().set()
        for key in self._buffers:  # a buffer opened before the index was in place is not lost
            self.schedule(key)
        seconds = time.monotonic() - started
        self.log(f"indexed {count} files in {seconds:.1f} s")
        for token in list(self._progress):
            self.end_progress(token, f"{count} files indexed")

    def build(self, folders: list[str], stored: Callable[[CallGraph], None] | None = None,
              progress: Progress | None = None) -> tuple[CallGraph, int]:
        """Index every Python file of some folders, with the CLI's cache (run in a thread).

        When the graph of exactly these files was stored by an earlier run (the server's or
        ``llm-doc calls``'s), it is handed to ``stored`` at once; the full graph, which edits
        need, is built after it.

        Args:
            folders: Absolute folders.
            stored: Given the stored graph, when there is one.
            progress: Told (files indexed, files in all) while indexing.

        Returns:
            The resolved graph and the number of files in it.
        """
        # Files reached through a link that leaves the workspace are not read.
        files = [f for f in iter_files([Path(f) for f in folders]) if self.inside(str(f))]
        cache = _cache_file(Path(folders[0]))
        resolved = cache.with_name(RESOLVED_FILE) if cache is not None else None
        if stored is not None and cache is not None and resolved is not None:
            found = load_stored(files, cache=cache, resolved=resolved)
            if found is not None:
                stored(found.graph)
                self._go_full.wait()
        project = load_project(files, cache=cache, progress=progress,
                               workers=idle_cores())
        project.graph.resolve()
        if resolved is not None:
            self._store = (resolved, project)
        return project.graph, len(project.graph.files)

    async def wait_full(self) -> None:
        """Wait for the full graph when the stored one cannot answer (a buffer edited)."""
        if self.stored and self.indexing:
            self._edited = True
            self._go_full.set()
            await self._full_event().wait()

    async def answer(self, token: str | int | None, work: Callable[[], T]) -> T:
        """Answer a request once the index is in place, pending edits indexed.

        From the stored graph while the full one is built, unless a buffer was edited
        meanwhile or a stored row does not check out: then from the full graph, once built.
        """
        await self.wait_index(token)
        if self.stored and self._edited:
            await self.wait_full()
        self.settle()
        try:
            result = work()
            if self.stored:  # an editor asks in runs (prepare, then incoming): after them
                self.build_full_after(IDLE_BEFORE_FULL)
            return result
        except StoredGraphMiss as exc:
            self.log(f"the stored graph cannot answer ({exc}); waiting for the index")
            await self.wait_full()
            self.settle()
            return work()

    async def wait_index(self, token: str | int | None) -> None:
        """Wait for the root's index, reporting on the request's ``workDoneToken`` meanwhile.

        Args:
            token: The request's work done token, if it gave one.
        """
        if self.ready:
            return
        if not self.indexing:
            # No root yet (the client named none and no document is open): a request on a
            # file names one.
            return
        if token is not None and token not in self._progress:
            self.begin_progress(token)
        try:
            await self._event().wait()
        finally:  # also when the request is cancelled while it waits
            if token is not None and token in self._progress:
                self.end_progress(token, "indexed")

    async def _server_token(self, folders: list[str]) -> None:
        """A progress of the server's own (``window/workDoneProgress/create``) while indexing."""
        token = f"llm-doc-index-{next(_tokens)}"
        try:
            await self.work_done_progress.create_async(token)
        except Exception:  # a client refusing the token (an error answer) gets no progress
            return
        if self.indexing:
            self.begin_progress(token)

    def begin_progress(self, token: str | int) -> None:
        """Send a progress's begin on a token."""
        self._progress.add(token)
        self.work_done_progress.begin(token, lsp.WorkDoneProgressBegin(
            title="llm-doc: indexing", message=", ".join(self.folders()), cancellable=False))

    def end_progress(self, token: str | int, message: str) -> None:
        """Send a progress's end on a token (once)."""
        if token in self._progress:
            self._progress.discard(token)
            self.work_done_progress.end(token, lsp.WorkDoneProgressEnd(message=message))

    def log(self, message: str, kind: lsp.MessageType = lsp.MessageType.Info) -> None:
        """A ``window/logMessage`` to the client."""
        self.window_log_message(lsp.LogMessageParams(type=kind, message=f"llm-doc: {message}"))

    def find_root(self, path: str) -> None:
        """With no usable root from the client: the project around a file becomes the root."""
        if self.named() or self.found_root is not None or not os.path.isabs(path):
            return
        root = project_root(Path(path))
        if root.parent == root:  # a marker at / (a container's .git): the file's own folder
            root = Path(path).resolve().parent
        if root.parent == root:
            self.log(f"{path}: a file at / gives no root; nothing is indexed",
                     lsp.MessageType.Warning)
            return
        self.found_root = str(root)
        given = self.workspace.root_uri
        self.start_index(f"the project around {path}; the client named "
                         + (f"{given!r}, not an absolute folder" if given else "no root"))

    # -- documents -------------------------------------------------------------------------

    def opened(self, uri: str) -> None:
        """A document was opened or changed: index it again once its edits pause."""
        path = _local_path(uri)
        if path is None or not path.endswith((".py", ".pyi")):
            return
        self.find_root(path)
        if not self.inside(path):
            return  # the client's own text, outside what this server serves
        key = key_of(Path(path))
        self._buffers[key] = uri
        if self.stored:
            # The stored graph cannot be edited: a buffer that differs from the file waits
            # for the full graph, which schedules every buffer once in place.
            self._edited = self._edited or not self._same_as_disk(uri, path)
            if self._edited:
                self._go_full.set()
        elif self.ready:  # else every buffer is scheduled once the index is in place
            self.schedule(key)

    def _same_as_disk(self, uri: str, path: str) -> bool:
        """Whether an open document's text is the file's (what the stored graph indexed)."""
        document = self.workspace.text_documents.get(unquote(uri))
        source = read_file(Path(path))
        return document is not None and not isinstance(source, Finding) \
            and document.source == source.text

    def closed(self, uri: str) -> None:
        """A document was closed: the file on disk is what counts again."""
        path = _local_path(uri)
        if path is None:
            return
        key = key_of(Path(path))
        if self._buffers.pop(key, None) is not None and self.ready and not self.stored:
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
                # Requests not answered yet, the one asking (a task of its own) left out.
                "inFlight": len([future for future in self.protocol._request_futures.values()
                                 if future is not _current_task()]),
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
            position: The position in it (in the agreed encoding's units).

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
        """A client position's column (in the agreed encoding's units) as a character column."""
        line = self._line(key, position.line)
        width = _WIDTHS.get(self.workspace.position_encoding or "", _utf16_width)
        units = 0
        for count, char in enumerate(line):
            if units >= position.character:
                return count
            units += width(char)
        return position.character if line.isascii() else len(line)

    def range_of(self, call: Call) -> lsp.Range:
        """The range of the called name of a call site, in the agreed encoding's units."""
        site = call.site
        line = self._line(call.path, site.name_line - 1)
        return lsp.Range(lsp.Position(site.name_line - 1, self.units(line, site.name_col)),
                         lsp.Position(site.name_line - 1, self.units(line, site.name_end)))

    def units(self, line: str, col: int) -> int:
        """A character column of a line in the agreed encoding's units."""
        if line.isascii():
            return col
        width = _WIDTHS.get(self.workspace.position_encoding or "", _utf16_width)
        return sum(width(char) for char in line[:col])

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
                _mark(source, resolution, calls[0].reason)
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
                _mark(target, resolution, calls[0].reason)
            out.append(lsp.CallHierarchyOutgoingCall(
                to=target, from_ranges=[self.range_of(c) for c in calls]))
        return out


def _mark(item: lsp.CallHierarchyItem, resolution: str, reason: str) -> None:
    """An inferred caller or callee as editors show it: the name says so, and the detail why.

    Editors list an item by its ``name`` (``detail`` is greyed or hidden, and the only
    ``SymbolTag`` is Deprecated, which would strike the name through): ``helper (inferred)``,
    as ``llm-doc calls`` writes ``(inferred: reason)`` after the name.
    """
    item.name = f"{item.name} ({resolution})"
    item.detail = f"{item.detail} ({resolution}: {reason})" if reason else \
        f"{item.detail} ({resolution})"


def _utf16_width(char: str) -> int:
    """A character's UTF-16 units."""
    return 2 if ord(char) > 0xFFFF else 1


def _utf8_width(char: str) -> int:
    """A character's UTF-8 bytes (a lone surrogate of a broken buffer counts as three)."""
    point = ord(char)
    return 1 if point < 0x80 else 2 if point < 0x800 else 3 if point < 0x10000 else 4


#: Units per character in each position encoding (UTF-32: one per code point).
_WIDTHS: dict[str, Callable[[str], int]] = {
    lsp.PositionEncodingKind.Utf8: _utf8_width, lsp.PositionEncodingKind.Utf16: _utf16_width,
    lsp.PositionEncodingKind.Utf32: lambda char: 1}


async def _in_daemon_thread(work: Callable[[list[str]], tuple[CallGraph, int]],
                            folders: list[str]) -> tuple[CallGraph, int]:
    """Run the index in a daemon thread and wait for it.

    Not ``asyncio.to_thread``: the interpreter joins the executor's threads when it ends, so
    an ``exit`` during the index of a big tree would wait for the whole of it.
    """
    loop = asyncio.get_running_loop()
    done: asyncio.Future[tuple[CallGraph, int]] = loop.create_future()

    def settle(result: tuple[CallGraph, int] | None, error: BaseException | None) -> None:
        if done.done():
            return
        if error is not None:
            done.set_exception(error)
        else:
            assert result is not None
            done.set_result(result)

    def run() -> None:
        try:
            result, error = work(folders), None
        except BaseException as exc:  # handed to the waiting coroutine, which says it
            result, error = None, exc
        with contextlib.suppress(RuntimeError):  # the loop has ended: nobody waits
            loop.call_soon_threadsafe(settle, result, error)

    threading.Thread(target=run, name="llm-doc lsp index", daemon=True).start()
    return await done


def _current_task() -> object:
    """The task running now, if any."""
    try:
        return asyncio.current_task()
    except RuntimeError:  # no running loop (a direct call)
        return None


def _cache_file(root: Path) -> Path | None:
    """The CLI's call graph index cache for a root (None when its settings turn caches off)."""
    from llm_doc_manager.config import load_settings
    from llm_doc_manager.errors import ConfigError
    from llm_doc_manager.store import cache_dir

    try:
        settings = load_settings(root, {}, dict(os.environ))
    except ConfigError:
        return None  # a broken project file costs the cache, never the index
    return cache_dir(settings) / INDEX_FILE if settings.cache else None


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
        window = params.capabilities.window
        ls._server_progress = bool(window and window.work_done_progress)

    @server.feature(lsp.INITIALIZED)
    def initialized(ls: CallHierarchyServer, params: lsp.InitializedParams) -> None:
        # Once: a repeated ``initialized`` is no reason to read it all again.
        if ls.named():
            ls.start_index("named by the client")
        elif not ls.indexing and not ls.ready:
            given = ls.workspace.root_uri
            ls.log("the client named " + (f"{given!r}, not an absolute folder" if given
                                          else "no root")
                   + ": the root will be the project around the first file opened")

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

    # Coroutines: while one waits for the index, pygls serves other messages, and a
    # ``$/cancelRequest`` cancels its task, answered with -32800 (RequestCancelled).
    @server.feature(lsp.TEXT_DOCUMENT_PREPARE_CALL_HIERARCHY)
    async def prepare(ls: CallHierarchyServer, params: lsp.CallHierarchyPrepareParams
                      ) -> list[lsp.CallHierarchyItem] | None:
        path = _local_path(params.text_document.uri)
        if path is not None and path.endswith((".py", ".pyi")):
            ls.find_root(path)  # a request on a file names a root as an opened one does
        return await ls.answer(params.work_done_token,
                               lambda: ls.prepare(params.text_document.uri, params.position))

    @server.feature(lsp.CALL_HIERARCHY_INCOMING_CALLS)
    async def incoming(ls: CallHierarchyServer, params: lsp.CallHierarchyIncomingCallsParams
                       ) -> list[lsp.CallHierarchyIncomingCall]:
        return await ls.answer(params.work_done_token, lambda: ls.incoming(params.item))

    @server.feature(lsp.CALL_HIERARCHY_OUTGOING_CALLS)
    async def outgoing(ls: CallHierarchyServer, params: lsp.CallHierarchyOutgoingCallsParams
                       ) -> list[lsp.CallHierarchyOutgoingCall]:
        return await ls.answer(params.work_done_token, lambda: ls.outgoing(params.item))

    @server.feature(STATS)
    async def stats(ls: CallHierarchyServer, params: Any) -> dict[str, Any]:
        await ls.wait_index(None)
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
