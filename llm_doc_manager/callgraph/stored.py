"""The resolved call graph kept in the cache folder, so that a warm start answers at once.

After a full build (every file indexed, every module resolved) the graph's resolution is
written as JSON rows to ``calls-resolved-v1.sqlite3`` in the tool's cache folder: each
file's edges (what each call site calls) and class bases, which files call into each file,
the methods by name, the module table, the subclass table. The rows are keyed by a
*snapshot*: a hash of the tool's code and of the exact set of (path, content digest) of the
files indexed, so any file added, removed or changed makes another snapshot (a miss: the
graph is built again and stored under the new one).

``StoredGraph`` is a ``CallGraph`` whose tables are filled on demand from those rows and
whose module indexes come from the index cache (``callgraph-v2``) by digest: a query reads
the rows of the files it touches, not the whole project. Its queries are ``CallGraph``'s own
code over the same data, so they answer what the full graph answers. It is read-only: an
editor's change needs the full graph.

What comes back from the database is checked as hostile: every row must be exactly what this
code writes (types, shapes, every index within the counts the snapshot's own row gives, every
index's counts and module as recorded). A row that does not check out, or a row gone (the
stores are bounded), raises ``StoredGraphMiss`` from the query that met it; the caller builds
the graph afresh. Nothing but JSON's lists, strings and numbers is ever read.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, TypeVar

from llm_doc_manager.callgraph.graph import CallGraph
from llm_doc_manager.callgraph.resolve import (
    BY_NAME,
    DISPATCH,
    MAYBE,
    NEW,
    READ,
    RESOLVED,
    UNRESOLVED,
    DefKey,
    Edge,
    ModuleCalls,
    implementation_of,
)
from llm_doc_manager.callgraph.symbols import (
    SITE_CALL,
    SITE_READ,
    SITE_REF,
    Definition,
    ModuleIndex,
    Site,
    index_from_json,
)
from llm_doc_manager.store import ResultStore, code_fingerprint

#: The stored graph's database in the cache folder.
RESOLVED_FILE = "calls-resolved-v1.sqlite3"
#: The version of the rows' form; part of the snapshot key.
_FORMAT = 1
_STATUSES = (RESOLVED, DISPATCH, NEW, READ, BY_NAME, UNRESOLVED, MAYBE)
_STATUS_CODE = {status: number for number, status in enumerate(_STATUSES)}
_NO_TARGET = -1
_HUGE = 1 << 40  # above any line, column or scope number a real file has

K = TypeVar("K")
V = TypeVar("V")


class StoredGraphMiss(Exception):
    """A row the stored graph needs is gone or is not what this code wrote: build afresh."""


def snapshot_key(files: list[tuple[str, str]]) -> str:
    """The key of a stored graph: the code, the form, and every (path, digest) indexed.

    Args:
        files: (graph key, content digest) of every file indexed.

    Returns:
        A hex digest; the same files (and tool) always give the same key.
    """
    text = json.dumps(sorted(files), ensure_ascii=True)
    return hashlib.sha256(f"{_FORMAT}\0{code_fingerprint()}\0{text}".encode()).hexdigest()


# -- writing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class GraphParts:
    """What is stored of a resolved graph, copied out of it (``parts_of``).

    Copies of the graph's tables, so that they can be written in another thread while the
    graph goes on being edited: an edit replaces a module's entries, it never changes one.

    Attributes:
        files: Graph key -> module index.
        calls: Graph key -> the module's resolution.
        modules: Module name -> graph key.
        subclasses: Class -> its direct subclasses in the project.
    """

    files: dict[str, ModuleIndex]
    calls: dict[str, ModuleCalls]
    modules: dict[str, str]
    subclasses: dict[DefKey, list[DefKey]]


def parts_of(graph: CallGraph) -> GraphParts:
    """The parts of a graph to store, resolved first (the tables copied, not their rows)."""
    graph.resolve()
    return GraphParts(dict(graph.files), dict(graph.calls), dict(graph.modules),
                      {cls: list(subs) for cls, subs in graph.subclasses().items()})


def store_graph(path: Path, graph: GraphParts, digests: dict[str, str],
                problems: list[tuple[str, int, str]]) -> None:
    """Write a resolved graph's rows under its snapshot (nothing when already stored).

    Args:
        path: The stored graph's database.
        graph: The parts of a graph with every file indexed and resolved.
        digests: Graph key -> the content digest it was indexed from.
        problems: (graph key, line, message) of the files that could not be parsed.
    """
    paths = sorted(graph.files)
    key = snapshot_key([(p, digests[p]) for p in paths])
    store: ResultStore[str] = ResultStore(path)
    try:
        if not store.available or store.get_many([key]):
            return
        store.put_many([*_rows(key, graph, paths, digests), (key, _meta(
            graph, paths, digests, problems))])  # the snapshot's own row last: all or none
    finally:
        store.close()


def _rows(key: str, graph: GraphParts, paths: list[str], digests: dict[str, str]
          ) -> Iterator[tuple[str, str]]:
    """The per-file rows: edges and bases, and who calls into the file."""
    del digests
    ids = {p: n for n, p in enumerate(paths)}
    # Who calls into each file, with the edges themselves (their target is the definition
    # the row is filed under): the callers of a definition are read from one row, without
    # the rows of every file that calls it.
    callers: dict[int, dict[int, dict[int, list[list[object]]]]] = defaultdict(
        lambda: defaultdict(dict))
    for path in paths:
        calls = graph.calls[path]
        mine = ids[path]
        sites = graph.files[path].sites
        edges = []
        for edge in calls.edges:
            target = edge.target
            code = _STATUS_CODE[edge.status]
            if target is not None:  # with its site: a caller's index need not be read
                callers[ids[target[0]]][target[1]].setdefault(mine, []).append(
                    [edge.site, code, edge.detail, _site_row(sites[edge.site])])
            edges.append([edge.site, code, _NO_TARGET if target is None else ids[target[0]],
                          0 if target is None else target[1], edge.detail])
        bases = [[number, [[ids[b[0]], b[1]] for b in found]]
                 for number, found in sorted(calls.bases.items())]
        yield f"{key}:e:{mine}", json.dumps([edges, bases], separators=(",", ":"))
        yield f"{key}:d:{mine}", json.dumps(
            [[getattr(d, name) for name in _DEF_FIELDS] for d in graph.files[path].defs],
            separators=(",", ":"))
    for target_file, by_def in sorted(callers.items()):
        yield f"{key}:in:{target_file}", json.dumps(
            [[number, sorted([f, found] for f, found in by_file.items())]
             for number, by_file in sorted(by_def.items())], separators=(",", ":"))


_SITE_FIELDS = tuple(f.name for f in fields(Site))
_DEF_FIELDS = tuple(f.name for f in fields(Definition))
_SITE_KINDS = frozenset({SITE_CALL, SITE_REF, SITE_READ})
_DEF_KINDS = frozenset({"function", "method", "class"})


def _site_row(site: Site) -> list[object]:
    """A site as stored: its fields in declaration order (JSON makes the chain a list)."""
    return [getattr(site, name) for name in _SITE_FIELDS]


def _meta(graph: GraphParts, paths: list[str], digests: dict[str, str],
          problems: list[tuple[str, int, str]]) -> str:
    """The snapshot's own row: files, counts, modules, methods, by-name callers, subclasses."""
    ids = {p: n for n, p in enumerate(paths)}
    methods: dict[str, set[tuple[int, int]]] = defaultdict(set)
    by_name: dict[str, set[int]] = defaultdict(set)
    for path in paths:
        index = graph.files[path]
        for number, definition in enumerate(index.defs):
            if definition.kind == "method":  # as CallGraph learns them: a stub is its impl.
                methods[definition.name].add((ids[path], implementation_of(index, number)))
        for edge in graph.calls[path].edges:
            if edge.status == BY_NAME:
                by_name[edge.detail.partition("\0")[0]].add(ids[path])
    subclasses = graph.subclasses
    return json.dumps({
        "files": [[p, digests[p], graph.files[p].module, len(graph.files[p].defs),
                   len(graph.files[p].sites)] for p in paths],
        "modules": sorted([name, ids[p]] for name, p in graph.modules.items()),
        "methods": sorted([name, sorted(found)] for name, found in methods.items()),
        "by_name": sorted([name, sorted(found)] for name, found in by_name.items()),
        "subclasses": [[[ids[c[0]], c[1]], [[ids[s[0]], s[1]] for s in subs]]
                       for c, subs in subclasses.items()],
        "problems": [[ids[p], line, message] for p, line, message in problems if p in ids],
    }, separators=(",", ":"))


# -- reading ---------------------------------------------------------------------------------


class _Bad(Exception):
    """A stored value that is not what this code writes."""


def _ints(value: object, low: int, high: int) -> int:
    """An int in [low, high), else _Bad (a bool is no int here)."""
    if type(value) is not int or not low <= value < high:
        raise _Bad(value)
    return value


def _text(value: object) -> str:
    if type(value) is not str:
        raise _Bad(value)
    return value


def _list(value: object, length: int | None = None) -> list[Any]:
    if type(value) is not list or (length is not None and len(value) != length):
        raise _Bad(value)
    return value


def _records(value: list[Any], length: int) -> list[list[Any]]:
    """Each item of a list as a list of ``length`` items, else _Bad."""
    return [_list(item, length) for item in value]


def _chain(value: object) -> tuple[str, ...]:
    return tuple(_text(step) for step in _list(value))


def _read_site(raw: object, defs: int) -> Site:
    """A stored site, every field checked (``defs``: its file's definitions)."""
    owner, scope, kind, chain, line, col, name_line, name_col, name_end, text = _list(raw, 10)
    if kind not in _SITE_KINDS:
        raise _Bad(kind)
    return Site(_ints(owner, -1, defs), _ints(scope, 0, _HUGE), kind, _chain(chain),
                _ints(line, 0, _HUGE), _ints(col, 0, _HUGE), _ints(name_line, 0, _HUGE),
                _ints(name_col, 0, _HUGE), _ints(name_end, 0, _HUGE), _text(text))


def _read_definition(raw: object, defs: int) -> Definition:
    """A stored definition, every field checked (``defs``: its file's definitions)."""
    (qualname, name, kind, line, end_line, start_line, end_col, name_line, name_col, parent,
     scope, body_scope, decorators, bases, returns, signature, summary) = _list(raw, 17)
    if kind not in _DEF_KINDS:
        raise _Bad(kind)
    return Definition(
        _text(qualname), _text(name), kind, _ints(line, 0, _HUGE), _ints(end_line, 0, _HUGE),
        _ints(start_line, 0, _HUGE), _ints(end_col, 0, _HUGE), _ints(name_line, 0, _HUGE),
        _ints(name_col, 0, _HUGE), _ints(parent, -1, defs), _ints(scope, 0, _HUGE),
        _ints(body_scope, 0, _HUGE), _chain(decorators),
        tuple(_chain(b) for b in _list(bases)), tuple(_chain(r) for r in _list(returns)),
        _text(signature), _text(summary))


class _Lazy(dict[K, V]):
    """A dict filled on demand: a missing key is asked of ``load`` (None: absent)."""

    def __init__(self, load: Callable[[K], V | None]) -> None:
        super().__init__()
        self._load = load

    def __missing__(self, key: K) -> V:
        value = self._load(key)
        if value is None:
            raise KeyError(key)
        self[key] = value
        return value

    def get(self, key: K, default: Any = None) -> Any:
        """The value of a key, loaded when first asked; ``default`` when it has none."""
        try:
            return self[key]
        except KeyError:
            return default

    def __contains__(self, key: object) -> bool:
        return self.get(key) is not None  # type: ignore[arg-type]


class _Files(_Lazy[str, ModuleIndex]):
    """The snapshot's files: membership and length from the snapshot, indexes on demand."""

    def __init__(self, paths: list[str], load: Callable[[str], ModuleIndex | None]) -> None:
        super().__init__(load)
        self._paths = paths
        self._known = frozenset(paths)

    def __contains__(self, key: object) -> bool:
        return key in self._known

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)


class StoredGraph(CallGraph):
    """A resolved graph read back on demand from the stored rows (read-only).

    Args:
        key: The snapshot.
        meta: The snapshot's own row, checked.
        resolved: The stored graph's database.
        indexes: The index cache's database (the module indexes, by digest).

    Attributes:
        key: The snapshot.
        problems: (graph key, line, message) of the files that could not be parsed.
    """

    def __init__(self, key: str, meta: dict[str, Any], resolved: Path, indexes: Path) -> None:
        super().__init__()
        self.key = key
        self._paths: list[str] = [entry[0] for entry in meta["files"]]
        self._entries: list[list[Any]] = meta["files"]
        self._ids = {p: n for n, p in enumerate(self._paths)}
        self._where = (resolved, indexes)
        self._open: dict[int, tuple[ResultStore[str], ResultStore[str]]] = {}
        self._edges: dict[int, tuple[list[Edge], dict[int, list[DefKey]]]] = {}
        self._callers: dict[int, dict[int, list[tuple[int, list[Edge]]]]] = {}
        self._sites: dict[str, dict[int, Site]] = {}  # callers' sites, from callers rows
        self._defs: dict[int, list[Definition]] = {}
        self._by_name_files: dict[str, list[int]] = meta["by_name"]
        self.problems: list[tuple[str, int, str]] = [
            (self._paths[f], line, message) for f, line, message in meta["problems"]]
        key_of_id = self._key
        self._files = _Files(self._paths, self._index)
        self.files = self._files
        self.modules = {name: self._paths[f] for name, f in meta["modules"]}
        self._digests = {entry[0]: entry[1] for entry in self._entries}
        self._methods = defaultdict(set, {name: {key_of_id(k) for k in found}
                                          for name, found in meta["methods"]})
        self._table = {key_of_id(cls): [key_of_id(s) for s in subs]
                       for cls, subs in meta["subclasses"]}
        self.calls = _Lazy(self._module_calls)
        self._incoming = _Lazy(self._incoming_of)
        self._by_name = _Lazy(self._by_name_of)
        self._by_owner = _Lazy(self._owners_of)

    def _key(self, pair: list[int]) -> DefKey:
        return self._paths[pair[0]], pair[1]

    # -- what a query reads -----------------------------------------------------------------

    def subclasses(self) -> dict[DefKey, list[DefKey]]:
        """Class -> its direct subclasses in the project, as the full graph had them."""
        return self._table

    def resolve(self) -> None:
        """Nothing to do: the stored graph is resolved."""

    def set_index(self, path: str, index: ModuleIndex, digest: str = "") -> None:
        """Refused: an edit needs the full graph.

        Raises:
            StoredGraphMiss: Always.
        """
        raise StoredGraphMiss(f"{path}: the stored graph is read-only")

    def remove(self, path: str) -> None:
        """Refused: an edit needs the full graph.

        Raises:
            StoredGraphMiss: Always.
        """
        raise StoredGraphMiss(f"{path}: the stored graph is read-only")

    def _stores(self) -> tuple[ResultStore[str], ResultStore[str]]:
        """The two databases, opened once per thread (SQLite connections stay in theirs)."""
        thread = threading.get_ident()
        found = self._open.get(thread)
        if found is None:
            found = self._open[thread] = (ResultStore(self._where[0]),
                                            ResultStore(self._where[1]))
        return found

    def _row(self, name: str) -> Any:
        """A row of this snapshot as JSON (StoredGraphMiss when gone or not JSON)."""
        text = self._stores()[0].get_many([f"{self.key}:{name}"]).get(f"{self.key}:{name}")
        if text is None:
            return None
        try:
            return json.loads(text)
        except (ValueError, RecursionError):
            raise StoredGraphMiss(f"stored row {name} is not JSON") from None

    def _index(self, path: str) -> ModuleIndex | None:
        if path not in self._ids:
            return None
        self._indexes([path])
        return dict.__getitem__(self._files, path)

    def _indexes(self, paths: list[str]) -> None:
        """Read some files' indexes from the index cache, each checked against the snapshot."""
        entries = [self._entries[self._ids[p]] for p in paths]
        texts = self._stores()[1].get_many([entry[1] for entry in entries])
        for path, (_, digest, module, defs, sites) in zip(paths, entries, strict=True):
            text = texts.get(digest)
            index = index_from_json(text) if text is not None else None
            if index is None or index.module != module or len(index.defs) != defs \
                    or len(index.sites) != sites:
                raise StoredGraphMiss(f"{path}: its index is not in the cache as stored")
            dict.__setitem__(self._files, path, index)

    def _edges_of(self, file: int) -> tuple[list[Edge], dict[int, list[DefKey]]]:
        """One file's edges and bases, checked against the snapshot's counts."""
        found = self._edges.get(file)
        if found is not None:
            return found
        data = self._row(f"e:{file}")
        if data is None:
            raise StoredGraphMiss(f"{self._paths[file]}: its edges are not stored")
        count = len(self._paths)
        sites = self._entries[file][4]
        try:
            raw_edges, raw_bases = _list(data, 2)
            edges = []
            for raw in _list(raw_edges):
                site, status, target_file, target, detail = _list(raw, 5)
                code = _ints(status, 0, len(_STATUSES))
                if target_file == _NO_TARGET:
                    aim = None
                else:
                    number = _ints(target_file, 0, count)
                    aim = (self._paths[number],
                           _ints(target, 0, self._entries[number][3]))
                edges.append(Edge(_ints(site, 0, sites), _STATUSES[code], aim, _text(detail)))
            bases: dict[int, list[DefKey]] = {}
            for raw in _list(raw_bases):
                number, found_bases = _list(raw, 2)
                bases[_ints(number, 0, self._entries[file][3])] = [
                    (self._paths[_ints(b[0], 0, count)],
                     _ints(b[1], 0, self._entries[_ints(b[0], 0, count)][3]))
                    for b in _records(_list(found_bases), 2)]
        except (_Bad, ValueError, TypeError):
            raise StoredGraphMiss(f"{self._paths[file]}: its stored edges are not ours") \
                from None
        self._edges[file] = found = (edges, bases)
        return found

    def _module_calls(self, path: str) -> ModuleCalls | None:
        number = self._ids.get(path)
        if number is None:
            return None
        edges, bases = self._edges_of(number)
        return ModuleCalls(edges, bases, set())

    def _callers_of(self, file: int) -> dict[int, list[tuple[int, list[Edge]]]]:
        """Definition number -> (calling file, its edges to it), for one file's definitions."""
        found = self._callers.get(file)
        if found is not None:
            return found
        data = self._row(f"in:{file}")
        found = {}
        if data is not None:
            count = len(self._paths)
            try:
                for number, by_file in _records(_list(data), 2):
                    aim = (self._paths[file], _ints(number, 0, self._entries[file][3]))
                    found[aim[1]] = [
                        (caller, [self._inline_edge(caller, aim, raw)
                                  for raw in _records(_list(edges), 4)])
                        for caller, edges in ((_ints(c, 0, count), e)
                                              for c, e in _records(_list(by_file), 2))]
            except (_Bad, ValueError, TypeError):
                raise StoredGraphMiss(f"{self._paths[file]}: its stored callers are not "
                                      "ours") from None
        self._callers[file] = found
        return found

    def _inline_edge(self, caller: int, aim: DefKey, raw: list[Any]) -> Edge:
        """An edge into ``aim`` from a callers row, its site kept for ``_site``."""
        site, status, detail, record = raw
        _, _, _, defs, sites = self._entries[caller]
        number = _ints(site, 0, sites)
        self._sites.setdefault(self._paths[caller], {})[number] = _read_site(record, defs)
        return Edge(number, _STATUSES[_ints(status, 0, len(_STATUSES))], aim, _text(detail))

    def _site(self, path: str, number: int) -> Site:
        """A caller's site from the callers row that named it, else from the file's index."""
        if not dict.__contains__(self._files, path):
            found = self._sites.get(path, {}).get(number)
            if found is not None:
                return found
        return super()._site(path, number)

    def definition(self, key: DefKey) -> Definition:
        """A definition, from the file's stored definitions when its index is not read."""
        if dict.__contains__(self._files, key[0]) or key[0] not in self._ids:
            return super().definition(key)
        return self._definitions(self._ids[key[0]])[key[1]]

    def qualname(self, key: DefKey | None, path: str = "") -> str:
        """``package.module.Class.method`` (the module from the snapshot, no index read)."""
        file_path = key[0] if key is not None else path
        number = self._ids.get(file_path)
        if number is None:
            return super().qualname(key, path)
        module = self._entries[number][2]
        if key is None or key[1] < 0:
            return f"{module}.<module>"
        return f"{module}.{self.definition(key).qualname}"

    def _definitions(self, file: int) -> list[Definition]:
        """One file's definitions from their own row, checked (its counts the snapshot's)."""
        found = self._defs.get(file)
        if found is not None:
            return found
        data = self._row(f"d:{file}")
        defs = self._entries[file][3]
        try:
            found = [_read_definition(raw, defs) for raw in _list(data, defs)]
        except (_Bad, ValueError, TypeError):
            raise StoredGraphMiss(f"{self._paths[file]}: its stored definitions are not "
                                  "ours") from None
        self._defs[file] = found
        return found

    def _incoming_of(self, key: DefKey) -> dict[str, list[Edge]] | None:
        number = self._ids.get(key[0])
        if number is None:
            return None
        found = {self._paths[caller]: edges for caller, edges
                 in sorted(self._callers_of(number).get(key[1], ()),
                           key=lambda item: self._paths[item[0]]) if edges}
        return found or None

    def _by_name_of(self, name: str) -> dict[str, list[Edge]] | None:
        found: dict[str, list[Edge]] = {}
        for caller in sorted(self._by_name_files.get(name, ()), key=self._paths.__getitem__):
            edges = [e for e in self._edges_of(caller)[0]
                     if e.status == BY_NAME and e.detail.partition("\0")[0] == name]
            if edges:
                found[self._paths[caller]] = edges
        return found or None

    def _owners_of(self, path: str) -> dict[int, list[Edge]] | None:
        number = self._ids.get(path)
        if number is None:
            return None
        sites = self.files[path].sites
        owners: dict[int, list[Edge]] = defaultdict(list)
        for edge in self._edges_of(number)[0]:
            owners[sites[edge.site].owner].append(edge)
        return dict(owners)

    def close(self) -> None:
        """Close the databases this thread opened."""
        for stores in self._open.values():
            for store in stores:
                store.close()
        self._open.clear()


def open_stored(path: Path, indexes: Path, files: list[tuple[str, str]]
                ) -> StoredGraph | None:
    """The stored graph of exactly these files, if one is stored and its row checks out.

    Args:
        path: The stored graph's database.
        indexes: The index cache's database.
        files: (graph key, content digest) of every file to be indexed.

    Returns:
        The graph, or None (no such snapshot, or its row is not what this code writes).
    """
    if not path.is_file():  # nothing stored yet: no file is made only to look
        return None
    key = snapshot_key(files)
    store: ResultStore[str] = ResultStore(path)
    try:
        text = store.get_many([key]).get(key)
    finally:
        store.close()
    if text is None:
        return None
    meta = _check_meta(text, sorted(files))
    if meta is None:
        return None
    return StoredGraph(key, meta, path, indexes)


def _check_meta(text: str, files: list[tuple[str, str]]) -> dict[str, Any] | None:
    """The snapshot's row, checked whole against the files it must describe; None if not."""
    try:
        data = json.loads(text)
        if type(data) is not dict:
            return None
        entries = _list(data["files"], len(files))
        for entry, (path, digest) in zip(entries, files, strict=True):
            name, stored_digest, module, defs, sites = _list(entry, 5)
            if name != path or stored_digest != digest:
                return None
            _text(module)
            _ints(defs, 0, 1 << 40)
            _ints(sites, 0, 1 << 40)
        count = len(files)

        def key(pair: object) -> list[int]:
            file, number = _list(pair, 2)
            return [_ints(file, 0, count), _ints(number, 0, entries[file][3])]

        for name, file in _records(_list(data["modules"]), 2):
            _text(name)
            _ints(file, 0, count)
        data["methods"] = [[_text(name), [key(k) for k in _list(found)]]
                           for name, found in _records(_list(data["methods"]), 2)]
        data["by_name"] = {_text(name): [_ints(f, 0, count) for f in _list(found)]
                           for name, found in _records(_list(data["by_name"]), 2)}
        data["subclasses"] = [[key(cls), [key(s) for s in _list(subs)]]
                              for cls, subs in _records(_list(data["subclasses"]), 2)]
        for file, line, message in _records(_list(data["problems"]), 3):
            _ints(file, 0, count)
            _ints(line, 0, 1 << 40)
            _text(message)
    except (_Bad, KeyError, ValueError, TypeError, RecursionError):
        return None
    return data
