"""The project's call graph: module indexes, their resolution, queries, and the order.

One file changed (an editor's buffer, a file on disk) re-indexes that file and re-resolves
only the modules whose resolution looked at it (``ModuleCalls.consulted``); queries read the
reverse indexes kept up to date per module.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from llm_doc_manager.callgraph.index import module_index
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
    Resolver,
    implementation_of,
)
from llm_doc_manager.callgraph.symbols import (
    CALL,
    FROM,
    GETATTR,
    INSTANCE,
    MODULE,
    OPAQUE,
    RESULT,
    SITE_REF,
    SUPER,
    VALUE,
    Binding,
    Definition,
    ModuleIndex,
    Site,
)

#: What every class inherits from ``object``: ``super().__init__()`` with no project class
#: after it runs ``object``'s.
_OBJECT_NAMES = frozenset(dir(object))
#: Edge statuses that say for sure what runs: the ones the callees-first order follows.
_CERTAIN = frozenset({RESOLVED, DISPATCH, READ})
#: By-name candidates listed per call site (queries' ``cap``; 0 lists all): a receiver of
#: unknown type calling ``close`` says little of which of the project's ``close`` runs, so
#: the best-evidenced few are listed and the rest counted (the report lists at most 3 too).
CANDIDATE_CAP = 3
#: Receiver evidence for a by-name candidate, strongest first (the rank adds them up).
_EVIDENCE = (
    (8, "the receiver is bound from its class"),
    (6, "the receiver is named like its class"),
    (4, "its class is imported here"),
    (3, "the receiver's name is part of its class's"),
    (2, "same module"),
    (2, "its module is imported here"),
    (1, "same package"),
)
#: A rank's score and its evidence, by the bit mask of ``_EVIDENCE``'s facts.
_SCORES = tuple(sum(w for bit, (w, _) in enumerate(_EVIDENCE) if mask >> bit & 1)
                for mask in range(1 << len(_EVIDENCE)))
_SAID = tuple(", ".join(t for bit, (_, t) in enumerate(_EVIDENCE) if mask >> bit & 1)
              for mask in range(1 << len(_EVIDENCE)))


@dataclass(frozen=True, slots=True)
class Call:
    """One call, as queries report it.

    Attributes:
        caller: The definition the call is in; None for module-level code.
        callee: The definition called; None when unresolved or when only a name is known.
        path: The file of the call site.
        site: The call site.
        resolution: ``"resolved"``, ``"inferred"`` or ``"unresolved"``.
        how: ``"call"``, ``"property"`` (a property read), ``"reference"`` (``partial(f)``)
            or ``"instantiation"`` (a class called: its ``__init__`` is another call).
        reason: Why an inferred or unresolved call is not resolved.
        rank: The candidate's place among its site's by-name candidates (0 first).
        more: By-name candidates of the site left out by the cap.
    """

    caller: DefKey | None
    callee: DefKey | None
    path: str
    site: Site
    resolution: str
    how: str
    reason: str = ""
    rank: int = 0
    more: int = 0


@dataclass(slots=True)
class _Offered:
    """The project's methods of one name, indexed for ranking them at a call site.

    Attributes:
        methods: The methods, sorted (the project's order: path, then position).
        unranked: Each with no evidence, in that order (a site with none ranks them so).
        by_class_name: Class name -> the positions in ``methods`` of its methods.
        by_plain: The class name lowercase without underscores -> positions.
        by_class: Class -> positions.
        by_path: File -> positions.
        by_package: Package of the file's module -> positions.
    """

    methods: list[DefKey]
    unranked: list[tuple[DefKey, str]]
    by_class_name: defaultdict[str, list[int]] = field(
        default_factory=lambda: defaultdict(list))
    by_plain: defaultdict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    by_class: defaultdict[DefKey, list[int]] = field(default_factory=lambda: defaultdict(list))
    by_path: defaultdict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    by_package: defaultdict[str, list[int]] = field(default_factory=lambda: defaultdict(list))


class CallGraph:
    """Indexes of a project's files and the calls between their definitions."""

    def __init__(self) -> None:
        self.files: dict[str, ModuleIndex] = {}
        self.modules: dict[str, str] = {}
        self.calls: dict[str, ModuleCalls] = {}
        self._digests: dict[str, str] = {}
        self._faces: dict[str, int] = {}
        self._stale: set[str] = set()
        self._incoming: dict[DefKey, dict[str, list[Edge]]] = defaultdict(dict)
        self._by_name: dict[str, dict[str, list[Edge]]] = defaultdict(dict)
        self._by_owner: dict[str, dict[int, list[Edge]]] = {}
        self._methods: dict[str, set[DefKey]] = defaultdict(set)
        self._properties: dict[str, int] = defaultdict(int)
        self._read_names: dict[str, frozenset[str]] = {}
        self._mro: dict[DefKey, tuple[tuple[DefKey, ...], bool, frozenset[str]]] = {}
        self._subclasses: dict[DefKey, list[DefKey]] | None = None
        self._next: dict[tuple[str, int], tuple[list[DefKey], str] | None] = {}
        self._ranks: dict[tuple[str, int], list[tuple[DefKey, str]]] = {}
        self._unnamed: dict[tuple[str, int], list[DefKey]] = {}
        self._offered: dict[str, _Offered] = {}
        self._imports: dict[str, tuple[frozenset[DefKey], frozenset[str]]] = {}

    # -- files -----------------------------------------------------------------------------

    def set_index(self, path: str, index: ModuleIndex, digest: str = "") -> None:
        """Put (or replace) one file's index; its dependents are resolved again on demand.

        Args:
            path: The file's key (as the project names it).
            index: Its index (``module_index``).
            digest: The content's hash: the same digest again changes nothing.
        """
        if digest and self._digests.get(path) == digest and path in self.files:
            return
        old = self.files.get(path)
        if old is not None:
            self._forget(path, old)
        self._ranks.clear()  # ranks read other files' names and imports
        self._unnamed.clear()
        self._offered.clear()
        self._imports.clear()
        self.files[path] = index
        self._digests[path] = digest
        self._learn(path, index)
        face, self._faces[path] = self._faces.get(path), interface(index)
        if old is not None and face == self._faces[path]:
            # Only its own sites changed (a body edited, lines moved): what other modules
            # read of it is the same, so only this file is resolved again.
            self._stale.add(path)
            return
        self._invalidate(path, index.module, old.module if old is not None else None)

    def remove(self, path: str) -> None:
        """Drop a file from the project."""
        old = self.files.pop(path, None)
        if old is None:
            return
        self._forget(path, old)
        self._ranks.clear()
        self._unnamed.clear()
        self._offered.clear()
        self._imports.clear()
        self._digests.pop(path, None)
        self._faces.pop(path, None)
        self._invalidate(path, old.module, old.module)
        self._stale.discard(path)
        self._drop_calls(path)

    def update_text(self, path: str, text: str, module: str, is_package: bool) -> None:
        """Re-index one file from its text (what an editor's change does)."""
        digest = hashlib.sha256(f"{module}\0{is_package}\0{text}".encode(
            "utf-8", "surrogatepass")).hexdigest()
        if self._digests.get(path) == digest and path in self.files:
            return
        self.set_index(path, module_index(text, module, is_package, path), digest)

    def _learn(self, path: str, index: ModuleIndex) -> None:
        if index.module not in self.modules or path < self.modules[index.module] \
                or self.modules[index.module] not in self.files:
            self.modules[index.module] = path
        for number, definition in enumerate(index.defs):
            if definition.kind == "method":  # an overload stub is offered as its implementation
                self._methods[definition.name].add((path, implementation_of(index, number)))
            if definition.is_property:
                if self._properties[definition.name] == 0:
                    self._stale.update(p for p, names in self._read_names.items()
                                       if definition.name in names)
                self._properties[definition.name] += 1
        self._read_names[path] = frozenset(s.chain[-1] for s in index.sites if s.kind == "read")

    def _forget(self, path: str, index: ModuleIndex) -> None:
        for number, definition in enumerate(index.defs):
            if definition.kind == "method":
                self._methods[definition.name].discard((path, implementation_of(index, number)))
            if definition.is_property:
                self._properties[definition.name] -= 1
        self._read_names.pop(path, None)
        if self.modules.get(index.module) == path:
            del self.modules[index.module]
            others = sorted(p for p, i in self.files.items()
                            if i.module == index.module and p != path)
            if others:
                self.modules[index.module] = others[0]

    def _invalidate(self, path: str, module: str, old_module: str | None) -> None:
        """Mark the file and every module whose resolution looked at it."""
        marks = {path, f"?{module}"}
        if old_module is not None:
            marks.add(f"?{old_module}")
        self._stale.add(path)
        self._stale.update(p for p, calls in self.calls.items()
                           if not marks.isdisjoint(calls.consulted))
        self._mro.clear()
        self._subclasses = None

    # -- resolution ------------------------------------------------------------------------

    def resolve(self) -> None:
        """Resolve every module that is new or whose inputs changed."""
        if not self._stale:
            return
        stale, self._stale = sorted(self._stale), set()
        properties = {name for name, count in self._properties.items() if count > 0}
        done = 0
        try:
            for path in stale:
                if path in self.files:
                    self._resolve_one(path, properties)
                done += 1
        except BaseException:
            # The modules not resolved yet stay stale: a query that failed must not lose
            # their calls until a restart (the next query resolves them again).
            self._stale.update(stale[done:])
            raise
        finally:
            self._subclasses = None
            self._next.clear()
            self._ranks.clear()
            self._unnamed.clear()

    def _resolve_one(self, path: str, properties: set[str]) -> None:
        """Resolve one module's sites and file its edges in the reverse indexes."""
        resolver = Resolver(self.files, self.modules, properties, self._mro)
        self._drop_calls(path)
        calls = resolver.module_calls(path)
        self.calls[path] = calls
        owners: dict[int, list[Edge]] = defaultdict(list)
        sites = self.files[path].sites
        for edge in calls.edges:
            owners[sites[edge.site].owner].append(edge)
            if edge.target is not None:
                self._incoming[edge.target].setdefault(path, []).append(edge)
            elif edge.status == BY_NAME:
                name = edge.detail.partition("\0")[0]
                self._by_name[name].setdefault(path, []).append(edge)
        self._by_owner[path] = owners

    def _drop_calls(self, path: str) -> None:
        old = self.calls.pop(path, None)
        self._by_owner.pop(path, None)
        if old is None:
            return
        for edge in old.edges:
            if edge.target is not None:
                self._incoming.get(edge.target, {}).pop(path, None)
            elif edge.status == BY_NAME:
                self._by_name.get(edge.detail.partition("\0")[0], {}).pop(path, None)

    def _resolver(self) -> Resolver:
        return Resolver(self.files, self.modules, (), self._mro)

    # -- names -----------------------------------------------------------------------------

    def definition(self, key: DefKey) -> Definition:
        """The definition a key stands for."""
        return self.files[key[0]].defs[key[1]]

    def qualname(self, key: DefKey | None, path: str = "") -> str:
        """``package.module.Class.method``; ``package.module.<module>`` for module-level code."""
        if key is None or key[1] < 0:
            file_path = key[0] if key is not None else path
            return f"{self.files[file_path].module}.<module>"
        return f"{self.files[key[0]].module}.{self.definition(key).qualname}"

    def find(self, qualname: str, path: str | None = None) -> DefKey | None:
        """The definition with a qualified name (module-relative when ``path`` is given)."""
        for file_path in ([path] if path is not None else sorted(self.files)):
            index = self.files.get(file_path)
            if index is None:
                continue
            for number, definition in enumerate(index.defs):
                if qualname in (definition.qualname, f"{index.module}.{definition.qualname}"):
                    return self.canonical((file_path, number))
        return None

    def definition_at(self, path: str, line: int) -> DefKey | None:
        """The definition whose header (decorators to ``def``/``class`` line) is at a line."""
        index = self.files.get(path)
        if index is None:
            return None
        for number, definition in enumerate(index.defs):
            if definition.start_line <= line <= definition.line:
                return self.canonical((path, number))
        return None

    def canonical(self, key: DefKey) -> DefKey:
        """The definition a key stands for in calls: an ``@overload`` stub's implementation.

        Args:
            key: A definition (or ``(path, -1)`` for a module's top level).

        Returns:
            The implementation of a stub (the first stub when there is none), else ``key``.
        """
        if key[1] < 0:
            return key
        return key[0], implementation_of(self.files[key[0]], key[1])

    def definitions(self) -> Iterator[DefKey]:
        """Every definition of the project once, sorted: an ``@overload`` stub is none.

        A query on a stub answers its implementation's calls, so whatever goes over the
        project's definitions (the order, a count of calls) must not visit the stubs too:
        it would count the implementation's calls once per stub.
        """
        for path in sorted(self.files):
            index = self.files[path]
            for number in range(len(index.defs)):
                if implementation_of(index, number) == number:
                    yield path, number

    def sites_at(self, path: str, line: int, col: int | None = None) -> list[int]:
        """The call sites on a line (under a column when given), innermost first."""
        index = self.files.get(path)
        if index is None:
            return []
        found = [n for n, s in enumerate(index.sites) if s.kind != "read"
                 and s.name_line == line and (col is None or s.col <= col < s.name_end)]
        return sorted(found, key=lambda n: -index.sites[n].col)

    def site_targets(self, path: str, site: int) -> list[DefKey]:
        """The definitions one call site resolves to."""
        self.resolve()
        return [e.target for e in self.calls[path].edges
                if e.site == site and e.target is not None and e.status != NEW]

    # -- queries ---------------------------------------------------------------------------

    def incoming(self, key: DefKey, inferred: bool = True, cap: int = CANDIDATE_CAP
                 ) -> list[Call]:
        """Every call of a definition, sorted by place.

        Args:
            key: The definition.
            inferred: Whether to include calls only inferred by name or by override.
            cap: A by-name call is its caller only when the definition is among the call
                site's ``cap`` best-ranked candidates (0: any candidate).

        Returns:
            The calls, resolved ones and (when asked) inferred ones with their reason.
        """
        self.resolve()
        key = self.canonical(key)
        calls: list[Call] = []
        for path, edges in self._incoming.get(key, {}).items():
            calls.extend(self._call(path, edge, key) for edge in edges
                         if inferred or edge.status != MAYBE)
        definition = self.definition(key)
        if inferred and definition.kind == "method":
            calls.extend(self._dispatched_to(key, definition))
            for path, edges in self._by_name.get(definition.name, {}).items():
                for edge in edges:
                    after = self._super_next(path, edge)
                    if after is not None or _unranked(self.files[path].sites[edge.site]):
                        if key in (after[0] if after is not None
                                   else self._super_by_name(path, edge)):
                            calls.append(self._call(path, edge, key))
                        continue
                    ranked = [k for k, _ in self._ranked(path, edge)]
                    shown = ranked[:cap] if cap > 0 else ranked
                    if key in shown:
                        calls.append(self._candidate(path, edge, ranked, shown.index(key),
                                                     len(shown)))
        return _unique(calls)

    def outgoing(self, key: DefKey, inferred: bool = True, cap: int = CANDIDATE_CAP
                 ) -> list[Call]:
        """Every call made by a definition's own code (nested definitions excluded).

        Args:
            key: The definition (``(path, -1)`` for a module's top-level code).
            inferred: Whether to include candidates inferred by name or by override.
            cap: By-name candidates listed per call site, best-ranked first (0: all);
                each says how many were left out (``Call.more``).

        Returns:
            The calls, sorted by place.
        """
        self.resolve()
        key = self.canonical(key)
        path = key[0]
        edges = self._by_owner.get(path, {}).get(key[1], [])
        with_init = {e.site for e in edges if e.status in (RESOLVED, MAYBE)}
        calls: list[Call] = []
        for edge in edges:
            if edge.status == NEW and edge.site in with_init:
                continue  # the __init__ edge of the same site says it
            if edge.status == BY_NAME:
                name, _, reason = edge.detail.partition("\0")
                after = self._super_next(path, edge)
                if after is not None:
                    candidates = after[0]
                elif _unranked(self.files[path].sites[edge.site]):
                    candidates = self._super_by_name(path, edge)
                else:
                    candidates = sorted(self._methods.get(name, ()))
                if after is not None and not candidates:
                    reason = after[1]
                if not candidates:  # no method of that name in the project: not ours
                    calls.append(self._call(path, Edge(edge.site, UNRESOLVED, None, reason),
                                            None))
                elif inferred and (after is not None
                                   or _unranked(self.files[path].sites[edge.site])):
                    calls.extend(self._call(path, edge, target) for target in candidates)
                elif inferred:
                    ranked = [k for k, _ in self._ranked(path, edge)]
                    shown = ranked[:cap] if cap > 0 else ranked
                    calls.extend(self._candidate(path, edge, ranked, place, len(shown))
                                 for place in range(len(shown)))
                continue
            if edge.status == MAYBE and not inferred:
                continue
            calls.append(self._call(path, edge, edge.target))
            if edge.status == DISPATCH and inferred and edge.target is not None:
                for override in self._overrides(edge.target):
                    calls.append(Call(
                        None if key[1] < 0 else key, override, path,
                        self.files[path].sites[edge.site], "inferred", "call",
                        f"may dispatch to the override in {self.definition(override).qualname}"
                        .rsplit(".", 1)[0]))
        return _unique(calls)

    def _site(self, path: str, number: int) -> Site:
        """A call site of a file (``stored.StoredGraph`` has callers' sites without indexes)."""
        return self.files[path].sites[number]

    def _call(self, path: str, edge: Edge, callee: DefKey | None) -> Call:
        site = self._site(path, edge.site)
        caller = None if site.owner < 0 else (path, site.owner)
        status = edge.status
        how = {READ: "property", NEW: "instantiation"}.get(status, "call")
        if site.kind == SITE_REF:
            how = "reference"
        if status in (RESOLVED, DISPATCH, READ, NEW):
            return Call(caller, callee, path, site, "resolved", how)
        if status == BY_NAME:
            reason = edge.detail.partition("\0")[2]
            return Call(caller, callee, path, site, "inferred", how,
                        f"by name: {reason}")
        if status == MAYBE:
            return Call(caller, callee, path, site, "inferred", how, edge.detail)
        return Call(caller, None, path, site, "unresolved", how, edge.detail)

    def _candidate(self, path: str, edge: Edge, ranked: list[DefKey], place: int,
                   shown: int) -> Call:
        """One by-name candidate of a site, with its place and what the cap left out."""
        call = self._call(path, edge, ranked[place])
        more = len(ranked) - shown
        if not more:
            return Call(call.caller, call.callee, path, call.site, call.resolution, call.how,
                        call.reason, place)
        evidence = dict(self._ranked(path, edge))[ranked[place]]
        note = f"candidate {place + 1} of {len(ranked)} by receiver evidence" + (
            f" ({evidence})" if evidence else "") + f", +{more} more not listed"
        return Call(call.caller, call.callee, path, call.site, call.resolution, call.how,
                    f"{call.reason}; {note}", place, more)

    def _ranked(self, path: str, edge: Edge) -> list[tuple[DefKey, str]]:
        """A by-name site's candidates, best evidence first, each with its evidence.

        Evidence is what the code says of the receiver (``conn.close()``): the names its
        bindings are made from (``conn = Connection.open()``), its name against the class's
        (``connection``, ``conn``), the class or its module imported in the calling module,
        the same module or package. Ties keep the project's order (path, then position).
        """
        memo = (path, edge.site)
        found = self._ranks.get(memo)
        if found is None:
            self._ranks[memo] = found = self._rank(path, edge)
        return found

    def _rank(self, path: str, edge: Edge) -> list[tuple[DefKey, str]]:
        site = self.files[path].sites[edge.site]
        offered = self._offered_as(edge.detail.partition("\0")[0])
        receiver = _receiver(site.chain)
        classes, modules = self._imported(path)
        package = self.files[path].module.rpartition(".")[0]
        # ``close`` has hundreds of candidates at hundreds of sites in a large project, and
        # most have no evidence at all: the facts (the bits of ``_EVIDENCE``, in its order)
        # are looked up in the name's tables, and only the candidates they find are scored.
        masks: dict[int, int] = defaultdict(int)
        for name in self._mentioned(path, site):
            for number in offered.by_class_name.get(name, ()):
                masks[number] |= 1
        for number in offered.by_plain.get(receiver, ()) if receiver else ():
            masks[number] |= 2
        if len(receiver) >= 3:  # part of the class's name: ``x`` or ``f`` says nothing
            for plain, numbers in offered.by_plain.items():
                if plain != receiver and (plain.startswith(receiver)
                                          or plain.endswith(receiver)):
                    for number in numbers:
                        masks[number] |= 8
        for cls in classes:
            for number in offered.by_class.get(cls, ()):
                masks[number] |= 4
        for number in offered.by_path.get(path, ()):
            masks[number] |= 16
        for module_path in modules:
            if module_path != path:
                for number in offered.by_path.get(module_path, ()):
                    if not masks.get(number, 0) & 4:
                        masks[number] |= 32
        for number in offered.by_package.get(package, ()):
            if offered.methods[number][0] != path:
                masks[number] |= 64
        if not masks:
            return offered.unranked
        # Best evidence first; ties keep the project's order (the methods are sorted).
        best = sorted(masks.items(), key=lambda item: (-_SCORES[item[1]], item[0]))
        return [(offered.methods[n], _SAID[mask]) for n, mask in best] + [
            pair for n, pair in enumerate(offered.unranked) if n not in masks]

    def _offered_as(self, name: str) -> _Offered:
        """The methods of a name, indexed by what ranking looks up (memoised per name)."""
        found = self._offered.get(name)
        if found is None:
            methods = sorted(self._methods.get(name, ()))
            found = self._offered[name] = _Offered(methods, [(m, "") for m in methods])
            for number, method in enumerate(methods):
                parent = self.definition(method).parent
                class_name = self.definition((method[0], parent)).name if parent >= 0 else ""
                found.by_class_name[class_name].append(number)
                found.by_plain[class_name.lower().replace("_", "")].append(number)
                found.by_class[(method[0], parent)].append(number)
                found.by_path[method[0]].append(number)
                found.by_package[self.files[method[0]].module.rpartition(".")[0]].append(
                    number)
        return found

    def _mentioned(self, path: str, site: Site) -> frozenset[str]:
        """Names the receiver's bindings are made from (``x = Conn.open()``: Conn, open)."""
        index = self.files[path]
        chain = site.chain
        found: list[Binding] = []
        if len(chain) == 2 and chain[0] not in (SUPER, GETATTR, OPAQUE):
            scope = site.scope
            while scope >= 0 and not found:
                found = index.scopes[scope].bindings.get(chain[0], [])
                scope = index.scopes[scope].parent
        elif len(chain) == 3 and chain[0] in ("self", "cls"):
            cls = self._resolver().enclosing_class(path, site.scope)
            found = index.class_attrs.get(cls, {}).get(chain[1], []) if cls >= 0 else []
        names: set[str] = set()
        for binding in found:
            if binding.kind in (VALUE, RESULT, INSTANCE) and binding.payload:
                names.update(str(step) for step in binding.payload[0]  # type: ignore[attr-defined]
                             if step != CALL)
        return frozenset(names)

    def _imported(self, path: str) -> tuple[frozenset[DefKey], frozenset[str]]:
        """The project classes and module paths a module's imports bind (memoised)."""
        found = self._imports.get(path)
        if found is not None:
            return found
        resolver = self._resolver()
        classes: set[DefKey] = set()
        modules: set[str] = set()
        for scope in self.files[path].scopes:
            for bindings in scope.bindings.values():
                for binding in bindings:
                    if binding.kind == FROM:
                        values = list(resolver.imported(str(binding.payload[0]),
                                                        str(binding.payload[1])))
                    elif binding.kind == MODULE:
                        target = resolver.module_path(str(binding.payload[0]))
                        values = [("mod", target)] if target is not None else []
                    else:
                        continue
                    for value in values:
                        if value[0] == "class":
                            classes.add((str(value[1]), int(value[2])))  # type: ignore[call-overload]
                            modules.add(str(value[1]))
                        elif value[0] == "mod":
                            modules.add(str(value[1]))
        self._imports[path] = found = (frozenset(classes), frozenset(modules))
        return found

    def _super_next(self, path: str, edge: Edge) -> tuple[list[DefKey], str] | None:
        """What ``super().name`` may run in a class whose next class its subclasses choose.

        The methods of that name in the classes that follow the enclosing class in the MRO
        of one of its project subclasses (a cooperative mixin's next class), with the reason
        when there is none (then ``object``'s or an outside class's runs). None when the edge
        is no ``super()`` call of a class with a complete MRO, or when none comes next and
        ``object`` has no such name: candidates by name, as before.
        """
        memo = (path, edge.site)
        if memo in self._next:
            return self._next[memo]
        self._next[memo] = found = self._super_next_of(path, edge)
        return found

    def _super_next_of(self, path: str, edge: Edge) -> tuple[list[DefKey], str] | None:
        site = self.files[path].sites[edge.site]
        if site.chain[0] != SUPER or len(site.chain) != 2:
            return None
        resolver = self._resolver()
        number = resolver.enclosing_class(path, site.scope)
        if number < 0 or not resolver.mro((path, number))[1]:
            return None
        cls, name = (path, number), site.chain[1]
        found: set[DefKey] = set()
        for sub in self._descendants(cls):
            mro = resolver.mro(sub)[0]
            for owner in mro[mro.index(cls) + 1:] if cls in mro else ():
                index = self.files[owner[0]]
                if name in index.scopes[index.defs[owner[1]].body_scope].bindings:
                    method = resolver.member(owner, name)
                    if method is not None:
                        found.add(method)
                    break
        if not found and name not in _OBJECT_NAMES:
            # ``super().init()`` where ``object`` has no ``init``: the code expects a class
            # the project composes at run time (``type(name, (cls, base), {})``) to come next.
            return None
        return sorted(found), (f"super() in {self.definition(cls).name}: no class of the "
                               f"project comes after it in an MRO (object's {name}, or an "
                               f"outside class's)")

    def _super_by_name(self, path: str, edge: Edge) -> list[DefKey]:
        """The methods a ``super().name`` under a base the code cannot name may run.

        Any method of that name, but never one of the enclosing class or of a class
        deriving from it: those come before the class in every MRO holding it, and
        ``super()`` looks only after it.
        """
        memo = (path, edge.site)
        found = self._unnamed.get(memo)
        if found is None:
            site = self.files[path].sites[edge.site]
            cls = (path, self._resolver().enclosing_class(path, site.scope))
            before = {cls, *self._descendants(cls)} if cls[1] >= 0 else set()
            found = self._unnamed[memo] = [
                method for method in sorted(self._methods.get(site.chain[-1], ()))
                if (method[0], self.definition(method).parent) not in before]
        return found

    def _dispatched_to(self, key: DefKey, definition: Definition) -> Iterator[Call]:
        """Calls of the same method on a base, which may run this override."""
        cls = (key[0], definition.parent)
        resolver = self._resolver()
        for ancestor in resolver.mro(cls)[0][1:]:
            method = resolver.member(ancestor, definition.name)
            if method is None or method[0] != ancestor[0] \
                    or self.definition(method).parent != ancestor[1]:
                continue
            for path, edges in self._incoming.get(method, {}).items():
                for edge in edges:
                    if edge.status == DISPATCH:
                        site = self.files[path].sites[edge.site]
                        yield Call(None if site.owner < 0 else (path, site.owner), key, path,
                                   site, "inferred", "call",
                                   f"calls {self.definition(method).qualname} on an instance "
                                   f"that may be a {self.definition(cls).name}")

    def _overrides(self, key: DefKey) -> list[DefKey]:
        """Methods of the same name in subclasses of the method's class (any depth)."""
        definition = self.definition(key)
        if definition.kind != "method":
            return []
        found: list[DefKey] = []
        resolver = self._resolver()
        for sub in self._descendants((key[0], definition.parent)):
            index = self.files[sub[0]]
            own = index.scopes[index.defs[sub[1]].body_scope].bindings.get(definition.name)
            if own:
                method = resolver.member(sub, definition.name)
                if method is not None:
                    found.append(method)
        return sorted(set(found))

    def _descendants(self, cls: DefKey) -> Iterator[DefKey]:
        """Every class of the project deriving from ``cls``, at any depth, each once."""
        subclasses = self.subclasses()
        todo, seen = [cls], {cls}
        while todo:
            for sub in subclasses.get(todo.pop(), []):
                if sub not in seen:
                    seen.add(sub)
                    todo.append(sub)
                    yield sub

    def subclasses(self) -> dict[DefKey, list[DefKey]]:
        """Class -> its direct subclasses in the project."""
        self.resolve()
        if self._subclasses is None:
            table: dict[DefKey, list[DefKey]] = defaultdict(list)
            for path in sorted(self.calls):
                for number, bases in self.calls[path].bases.items():
                    for base in bases:
                        table[base].append((path, number))
            self._subclasses = dict(table)
        return self._subclasses

    # -- order -----------------------------------------------------------------------------

    def order(self) -> list[list[DefKey]]:
        """Every definition, callees before their callers; a cycle is one group.

        Returns:
            Strongly connected components of the resolved calls in callees-first order
            (Tarjan's, iterative), deterministic for the same files. The definitions are
            ``definitions()``'s: an ``@overload`` stub is none (its implementation is).
        """
        self.resolve()
        nodes = list(self.definitions())
        successors: dict[DefKey, list[DefKey]] = {}
        for path, owners in self._by_owner.items():
            for owner, edges in owners.items():
                if owner >= 0:
                    successors[(path, owner)] = sorted({
                        e.target for e in edges if e.status in _CERTAIN and e.target is not None})
        return _components(nodes, successors)

    def is_recursive(self, key: DefKey) -> bool:
        """Whether a definition calls itself directly."""
        self.resolve()
        return any(e.target == key and e.status in _CERTAIN
                   for e in self._by_owner.get(key[0], {}).get(key[1], []))


def interface(index: ModuleIndex) -> int:
    """A hash of what resolving *other* modules can read of a module's index.

    That is its name, its definitions without their positions, texts or summaries, the
    module and class scopes, the ``self.x`` bindings, and the function scopes those (or a
    class's bases, or a return annotation) are read in. Call sites and the scopes of
    ordinary function bodies are left out: editing a body changes them and nothing else,
    so the dependents of the file need not be resolved again.
    """
    scopes = index.scopes
    wanted = {n for n, scope in enumerate(scopes) if scope.kind != "function"}
    for definition in index.defs:
        if definition.kind == "class" or definition.returns:
            wanted.add(definition.scope)
    bindings = [b for attrs in index.class_attrs.values() for found in attrs.values()
                for b in found]
    todo = list(wanted) + [b.scope for b in bindings]
    while todo:  # close over the scopes names are read in and their parents
        number = todo.pop()
        if number < 0 or number >= len(scopes):
            continue
        wanted.add(number)
        scope = scopes[number]
        todo.extend(n for n in [scope.parent, *(b.scope for found in scope.bindings.values()
                                                for b in found)] if n not in wanted)
    return hash((
        index.module, index.is_package, len(scopes),
        tuple((d.qualname, d.name, d.kind, d.parent, d.scope, d.body_scope, d.decorators,
               d.bases, d.returns) for d in index.defs),
        tuple((n, scopes[n].kind, scopes[n].parent, scopes[n].owner,
               tuple(sorted((name, tuple(found)) for name, found in scopes[n].bindings.items())),
               tuple(scopes[n].stars), tuple(sorted(scopes[n].declared_global)))
              for n in sorted(wanted)),
        tuple(sorted((owner, tuple(sorted((name, tuple(found)) for name, found in attrs.items())))
                     for owner, attrs in index.class_attrs.items())),
    ))


def _unique(calls: Iterable[Call]) -> list[Call]:
    """Calls sorted by place, one per (site, callee)."""
    seen: dict[tuple[object, ...], Call] = {}
    rank = {"resolved": 0, "inferred": 1, "unresolved": 2}
    for call in calls:
        key = (call.path, call.site.line, call.site.col, call.site.name_col, call.callee,
               call.site.text if call.callee is None else "")
        best = seen.get(key)
        if best is None or rank[call.resolution] < rank[best.resolution]:
            seen[key] = call
    return sorted(seen.values(), key=lambda c: (c.path, c.site.line, c.site.col,
                                                c.site.name_col, c.rank, c.callee or ("", -1)))


def _unranked(site: Site) -> bool:
    """Whether a by-name site lists every candidate: ``super().m()`` under a base the code
    cannot name has no receiver to rank by (any class may come next)."""
    return site.chain[0] == SUPER


def _receiver(chain: tuple[str, ...]) -> str:
    """The receiver's name in a method call's chain, lowercase without underscores.

    ``conn.close`` gives ``conn``, ``self._conn.close`` ``conn``, ``get_conn().close``
    ``getconn``; ``self``, ``cls`` and expressions give "".
    """
    if len(chain) < 2:
        return ""
    name = chain[-2]
    if name == CALL and len(chain) >= 3:
        name = chain[-3]
    if name in (CALL, SUPER, GETATTR, OPAQUE, "self", "cls"):
        return ""
    return name.lower().replace("_", "")


def _components(nodes: list[DefKey], successors: dict[DefKey, list[DefKey]]
                ) -> list[list[DefKey]]:
    """Tarjan's strongly connected components, iteratively, callees first."""
    number: dict[DefKey, int] = {}
    low: dict[DefKey, int] = {}
    on_stack: set[DefKey] = set()
    stack: list[DefKey] = []
    out: list[list[DefKey]] = []
    counter = 0
    for root in nodes:
        if root in number:
            continue
        work: list[tuple[DefKey, int]] = [(root, 0)]
        while work:
            node, position = work.pop()
            if position == 0:
                number[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            following = successors.get(node, [])
            advanced = False
            while position < len(following):
                nxt = following[position]
                position += 1
                if nxt not in number:
                    work.append((node, position))
                    work.append((nxt, 0))
                    advanced = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], number[nxt])
            if advanced:
                continue
            if low[node] == number[node]:
                group: list[DefKey] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                out.append(sorted(group))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return out
