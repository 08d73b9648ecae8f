"""Join module indexes: what each call site of one module calls.

Names are looked up as Python does (function scopes outward, then the module, its star
imports, the builtins; a class body is seen only by itself), through imports, re-exports and
local aliases; ``self``/``cls`` stand for the enclosing class, attributes are looked up along
the project's method resolution order (C3), ``super()`` starts after the class, calling a
class runs its ``__init__``, calling an instance its ``__call__``, and annotated parameters,
variables and return types give instances. What cannot be known is kept as data: a by-name
candidate with the reason, or an unresolved call with its text.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from llm_doc_manager.callgraph.symbols import (
    CALL,
    CLS,
    DEF,
    FROM,
    GETATTR,
    INSTANCE,
    LITERAL,
    MODULE,
    OPAQUE,
    RESULT,
    SELF,
    SITE_READ,
    SITE_REF,
    SUPER,
    VALUE,
    Binding,
    Chain,
    ModuleIndex,
    Site,
)

#: A definition across the project: (path, index in that file's ``defs``).
DefKey = tuple[str, int]
#: A value an expression may have, as a tuple whose first item says which kind.
Value = tuple[object, ...]

_BUILTINS = frozenset(dir(builtins))
#: Outside bases that give their subclasses no method a call could mean: an MRO through
#: them is still complete (``class P(Generic[T])`` has no attribute the code does not show).
_NEUTRAL_BASES = frozenset({
    ("ext", f"{module}.{name}") for module in ("typing", "typing_extensions")
    for name in ("Generic", "Protocol")} | {("ext", "builtins.object"), ("ext", "abc.ABC")})

# Edge statuses, as stored per module.
RESOLVED = "resolved"    # the call runs this definition
DISPATCH = "dispatch"    # resolved, through an instance: an override may run instead
NEW = "new"              # instantiation of this class (its ``__init__`` has its own edge)
READ = "read"            # a property read runs this getter
BY_NAME = "byname"       # receiver unknown: any method of this name (target is the name)
UNRESOLVED = "unresolved"  # outside the project, or unknowable (target is the text)
MAYBE = "maybe"          # resolved, but the name may also hold values that are not known


@dataclass(frozen=True, slots=True)
class Edge:
    """What one call site may call.

    Attributes:
        site: Index of the site in its module's ``sites``.
        status: One of the edge statuses of this module.
        target: The definition called (None for by-name and unresolved edges).
        detail: The method name for by-name edges, the reason for inferred ones.
    """

    site: int
    status: str
    target: DefKey | None
    detail: str = ""


@dataclass(slots=True)
class ModuleCalls:
    """The resolution of one module's sites.

    Attributes:
        edges: Every edge of the module, in site order.
        bases: Class definition index -> the project classes it derives from.
        consulted: Paths (and ``?module`` names that were missing) the result depends on.
    """

    edges: list[Edge] = field(default_factory=list)
    bases: dict[int, list[DefKey]] = field(default_factory=dict)
    consulted: set[str] = field(default_factory=set)


def implementation_of(index: ModuleIndex, number: int) -> int:
    """The definition an ``@overload`` stub stands for: its implementation, else the first stub.

    The implementation is the next definition of the same name in the same scope that is no
    stub; a stub without one (a ``.pyi`` file, a protocol) stands for the first stub of its
    run, so that all of them are one target. Any other definition stands for itself.
    """
    definition = index.defs[number]
    if "overload" not in definition.decorators:
        return number
    found: list[int] = [int(b.payload[0])  # type: ignore[call-overload]
                        for b in index.scopes[definition.scope].bindings.get(definition.name, ())
                        if b.kind == DEF]
    first = number
    for other in found:
        if other < number:
            # An implementation before it ends an earlier run of stubs.
            first = min(first, other) if "overload" in index.defs[other].decorators \
                else number
        elif other > number and "overload" not in index.defs[other].decorators:
            return other
    return first


class Resolver:
    """Resolves the sites of one module against the project's indexes.

    Args:
        files: Path -> module index, for every file of the project.
        modules: Module name -> path.
        property_names: Names of the project's properties (reads of other names are skipped).
        mro_cache: Class -> (MRO, complete, paths it depends on), shared between modules.

    Attributes:
        memo: (path, scope, name) -> values, for this resolver's lifetime (one module).
        active: The lookups in progress: meeting one again is a binding cycle.
        consulted: The paths (and ``?module`` names) read so far: the result's dependencies.
        reads: Property getters the chain being evaluated reads.
    """

    def __init__(self, files: Mapping[str, ModuleIndex], modules: Mapping[str, str],
                 property_names: Iterable[str],
                 mro_cache: dict[DefKey, tuple[tuple[DefKey, ...], bool, frozenset[str]]]
                 ) -> None:
        self.files = files
        self.modules = modules
        self.property_names = property_names
        self.mro_cache = mro_cache
        self.memo: dict[tuple[str, int, str], frozenset[Value]] = {}
        self.active: set[tuple[str, int, str]] = set()
        self.consulted: set[str] = set()
        self.reads: list[DefKey] = []

    # -- the module's sites ----------------------------------------------------------------

    def module_calls(self, path: str) -> ModuleCalls:
        """Resolve every site of one module."""
        index = self.files[path]
        result = ModuleCalls()
        self.consulted = result.consulted
        self.consulted.add(path)
        for number, definition in enumerate(index.defs):
            if definition.kind == "class":
                result.bases[number] = self.bases((path, number))[0]
        # An ``@overload`` stub never runs (the implementation replaces it): what its body
        # calls is nobody's call, or the stub would be a caller that no query of the
        # definitions lists as one.
        stubs = {n for n, d in enumerate(index.defs) if "overload" in d.decorators}
        for number, site in enumerate(index.sites):
            if site.kind == SITE_READ and site.chain[-1] not in self.property_names:
                continue
            if site.owner in stubs:
                continue
            result.edges.extend(self.site_edges(path, number, site))
        return result

    def site_edges(self, path: str, number: int, site: Site) -> list[Edge]:
        """Return the edges of one site."""
        self.reads = []
        chain = site.chain
        values = self.eval_chain(path, site.scope, chain)
        edges: list[Edge] = [Edge(number, READ, key) for key in self.reads]
        if site.kind == SITE_READ:
            return edges
        if site.kind == SITE_REF:
            return edges + [Edge(number, RESOLVED, (str(v[1]), int(v[2])))  # type: ignore[call-overload]
                            for v in sorted(values, key=repr) if v[0] in ("func", "bound")]
        unknown = sorted(v for v in values if v[0] == "unknown")  # one reason, the same each run
        known = [v for v in values if v[0] != "unknown"]
        for value in sorted(known, key=repr):
            edges.extend(self.call_edges(number, value, bool(unknown)))
        if unknown or not values:
            reason = str(unknown[0][1]) if unknown else "nothing known is bound to this name"
            attribute = (len(chain) > 1 and chain[-1] != CALL and chain[0] != OPAQUE) \
                or (chain[0] in (GETATTR, OPAQUE) and len(chain) > 1 and chain[-1] != CALL)
            if attribute and not known:
                edges.append(Edge(number, BY_NAME, None, f"{chain[-1]}\0{reason}"))
            elif not known:
                edges.append(Edge(number, UNRESOLVED, None, reason))
        return edges

    def call_edges(self, number: int, value: Value, uncertain: bool) -> list[Edge]:
        """Return the edges of calling one value."""
        kind = value[0]
        if kind in ("func", "bound"):
            key = (str(value[1]), int(value[2]))  # type: ignore[call-overload]
            if uncertain:
                return [Edge(number, MAYBE, key, "the name may also hold other values")]
            return [Edge(number, DISPATCH if kind == "bound" else RESOLVED, key)]
        if kind == "class":
            key = (str(value[1]), int(value[2]))  # type: ignore[call-overload]
            edges = [Edge(number, NEW, key)]
            init = self.member(key, "__init__")
            if init is not None:
                edges.append(Edge(number, MAYBE if uncertain else RESOLVED, init))
            return edges
        if kind == "inst":
            call = self.member((str(value[1]), int(value[2])), "__call__")  # type: ignore[call-overload]
            if call is not None:
                return [Edge(number, MAYBE if uncertain else RESOLVED, call)]
            return [Edge(number, UNRESOLVED, None, "instance without a __call__ in the project")]
        if kind == "ext":
            return [Edge(number, UNRESOLVED, None, f"outside the project: {value[1]}")]
        return [Edge(number, UNRESOLVED, None, "not callable as far as the code says")]

    # -- values ----------------------------------------------------------------------------

    def eval_chains(self, path: str, scope: int, chains: Iterable[Chain]) -> set[Value]:
        """Union of the values of several chains."""
        out: set[Value] = set()
        for chain in chains:
            out.update(self.eval_chain(path, scope, chain))
        return out

    def eval_chain(self, path: str, scope: int, chain: Chain) -> frozenset[Value]:
        """Return what a chain may evaluate to."""
        head = chain[0]
        rest = chain[1:]
        values: frozenset[Value]
        if head == SUPER:
            cls = self.enclosing_class(path, scope)
            values = frozenset({("super", path, cls)}) if cls >= 0 else frozenset(
                {("unknown", "super() outside a method")})
        elif head == GETATTR:
            values = frozenset({("unknown", "getattr() on an object of unknown type")})
        elif head == OPAQUE:
            values = frozenset({("unknown", "receiver is an expression of unknown type")})
        else:
            values = self.lookup(path, scope, head)
        for step in rest:
            if not values:
                break
            if step == CALL:
                values = frozenset(v for value in values for v in self.call_result(value))
            else:
                values = frozenset(v for value in values for v in self.get_attr(value, step))
        return values

    def lookup(self, path: str, scope: int, name: str) -> frozenset[Value]:
        """Look a name up from a scope outward, as Python does."""
        scopes = self.files[path].scopes
        while scope >= 0:
            found = scopes[scope].bindings.get(name)
            if found is not None:
                return self.bound(path, scope, name, found)
            scope = scopes[scope].parent
        return self.module_name(path, name, builtin=True)

    def module_name(self, path: str, name: str, builtin: bool = False) -> frozenset[Value]:
        """A module-level name: its bindings, then star imports (then the builtins)."""
        self.consulted.add(path)
        module_scope = self.files[path].scopes[0]
        found = module_scope.bindings.get(name)
        if found is not None:
            return self.bound(path, 0, name, found)
        for star in module_scope.stars:
            star_path = self.module_path(star)
            if star_path is not None and star_path != path:
                values = self.module_name(star_path, name)
                if values:
                    return values
        if builtin and name in _BUILTINS:
            return frozenset({("ext", f"builtins.{name}")})
        return frozenset()

    def bound(self, path: str, scope: int, name: str, bindings: list[Binding]
              ) -> frozenset[Value]:
        """Values of a name's bindings, memoised (a binding cycle yields nothing)."""
        key = (path, scope, name)
        memo = self.memo.get(key)
        if memo is not None:
            self.consulted.add(path)
            return memo
        if key in self.active or len(self.active) > 150:  # a cycle, or absurdly deep
            return frozenset()
        self.active.add(key)
        try:
            out: set[Value] = set()
            for binding in bindings:
                out.update(self.binding_values(path, binding))
            result = frozenset(out)
        finally:
            self.active.discard(key)
        self.memo[key] = result
        return result

    def binding_values(self, path: str, binding: Binding) -> Iterable[Value]:
        """What one binding may hold."""
        kind, payload = binding.kind, binding.payload
        if kind == DEF:
            # Every ``@overload`` stub of a name is its implementation: one target per site.
            number = implementation_of(self.files[path], int(payload[0]))  # type: ignore[call-overload]
            is_class = self.files[path].defs[number].kind == "class"
            return (("class" if is_class else "func", path, number),)
        if kind == VALUE:
            return self.eval_chain(path, binding.scope, payload[0])  # type: ignore[arg-type]
        if kind == RESULT:
            values = self.eval_chain(path, binding.scope, payload[0])  # type: ignore[arg-type]
            return [v for value in values for v in self.call_result(value)]
        if kind == SELF:
            return (("inst", path, payload[0]),)
        if kind == CLS:
            return (("class", path, payload[0]),)
        if kind == MODULE:
            name = str(payload[0])
            target = self.module_path(name)
            return (("mod", target),) if target is not None else (("ext", name),)
        if kind == FROM:
            return self.imported(str(payload[0]), str(payload[1]))
        if kind == INSTANCE:
            values = self.eval_chain(path, binding.scope, payload[0])  # type: ignore[arg-type]
            return [self.instance_of(v) for v in values]
        if kind == LITERAL:
            return (("ext", f"builtins.{payload[0]}"),)
        return (("unknown", str(payload[0]) if payload else "its type is not known statically"),)

    def imported(self, module: str, name: str) -> Iterable[Value]:
        """The value of ``from module import name``."""
        submodule = self.module_path(f"{module}.{name}")
        if submodule is not None:
            return (("mod", submodule),)
        target = self.module_path(module)
        if target is None:
            return (("ext", f"{module}.{name}"),)
        values = self.module_name(target, name)
        if not values and self.files[target].error:
            return (("unknown", f"{module} could not be parsed"),)
        if not values and any(d.name == "__getattr__" and d.parent < 0
                              for d in self.files[target].defs):
            return (("unknown", f"{module} defines names at run time (__getattr__)"),)
        return values

    def module_path(self, name: str) -> str | None:
        """The path of a project module, or None (remembered as a dependency)."""
        path = self.modules.get(name)
        self.consulted.add(path if path is not None else f"?{name}")
        return path

    @staticmethod
    def instance_of(value: Value) -> Value:
        """What an annotation naming ``value`` says a variable holds."""
        if value[0] == "class":
            return ("inst", value[1], value[2])
        if value[0] == "ext":
            return ("ext", f"{value[1]}()")
        return ("unknown", "annotation names something that is not a class")

    def call_result(self, value: Value) -> Iterable[Value]:
        """What calling a value returns."""
        kind = value[0]
        if kind == "class":
            return (("inst", value[1], value[2]),)
        if kind in ("func", "bound"):
            return self.returns((str(value[1]), int(value[2])))  # type: ignore[call-overload]
        if kind == "inst":
            call = self.member((str(value[1]), int(value[2])), "__call__")  # type: ignore[call-overload]
            return self.returns(call) if call is not None else (
                ("unknown", "result of calling an instance"),)
        if kind == "ext":
            return (("ext", f"{value[1]}()"),)
        return (("unknown", "result of a call of unknown type"),)

    def returns(self, key: DefKey) -> Iterable[Value]:
        """Instances a function's return annotation names."""
        path, number = key
        definition = self.files[path].defs[number]
        if not definition.returns:
            return (("unknown", f"{definition.name}() has no return annotation"),)
        self.consulted.add(path)
        values = self.eval_chains(path, definition.scope, definition.returns)
        return [self.instance_of(v) for v in values] or [("unknown", "return type unknown")]

    # -- attributes ------------------------------------------------------------------------

    def get_attr(self, value: Value, name: str) -> Iterable[Value]:
        """What ``value.name`` may be."""
        kind = value[0]
        if kind == "mod":
            return self.module_attr(str(value[1]), name)
        if kind in ("class", "inst", "super"):
            key = (str(value[1]), int(value[2]))  # type: ignore[call-overload]
            return self.class_attr(key, name, kind)
        if kind == "ext":
            return (("ext", f"{value[1]}.{name}"),)
        if kind in ("func", "bound"):
            return (("unknown", "attribute of a function"),)
        return (value,)

    def module_attr(self, path: str, name: str) -> Iterable[Value]:
        """``module.name``: its global, else its submodule."""
        values = self.module_name(path, name)
        if values:
            return values
        module = self.files[path].module
        submodule = self.module_path(f"{module}.{name}")
        if submodule is not None:
            return (("mod", submodule),)
        if self.files[path].error:
            return (("unknown", f"{module} could not be parsed"),)
        return (("unknown", f"{module} has no name {name} the code shows"),)

    def class_attr(self, key: DefKey, name: str, how: str) -> Iterable[Value]:
        """``Class.name``, ``instance.name`` or ``super().name`` along the MRO."""
        mro, complete = self.mro(key)
        if how == "super":
            mro = mro[1:]
        for owner in mro:
            path, number = owner
            index = self.files[path]
            scope = index.scopes[index.defs[number].body_scope]
            found = scope.bindings.get(name)
            if found is not None:
                return self.member_values(path, owner, name, found, how)
        if how != "class":
            for owner in mro:
                attrs = self.files[owner[0]].class_attrs.get(owner[1], {}).get(name)
                if attrs is not None:
                    # Keyed apart from scopes (negative): ``self.a = self.a.b`` is a cycle.
                    return self.bound(owner[0], -2 - owner[1], name, attrs)
        if not complete:
            outside = self.outside_base(self.mro(key)[0]) if how == "super" else None
            if outside is not None:
                # ``super().__init__()`` under ``class E(Exception)``: no class of the
                # project defines it on this MRO, so it runs the outside class's (not
                # any ``__init__`` of the project, by name).
                return (("ext", f"{outside}.{name}"),)
            return (("unknown", "inherited from a class outside the project"),)
        cls = self.files[key[0]].defs[key[1]]
        if how == "super":
            return (("unknown", f"super() in {cls.name}: the next class is chosen by its "
                                f"subclasses"),)
        return (("unknown", f"{cls.name} has no attribute {name} the code shows"),)

    def member_values(self, path: str, owner: DefKey, name: str, found: list[Binding],
                      how: str) -> Iterable[Value]:
        """Values of a class member, bound when read through an instance."""
        scope = self.files[path].defs[owner[1]].body_scope
        values = self.bound(path, scope, name, found)
        if how == "class":
            return values
        out: list[Value] = []
        for value in values:
            if value[0] == "func":
                definition = self.files[str(value[1])].defs[int(value[2])]  # type: ignore[call-overload]
                if definition.is_property:
                    key = (str(value[1]), int(value[2]))  # type: ignore[call-overload]
                    self.reads.append(key)
                    out.extend(self.returns(key))
                    continue
                if "staticmethod" in definition.decorators or how == "super":
                    out.append(value)
                    continue
                out.append(("bound", value[1], value[2]))
            else:
                out.append(value)
        return out

    def member(self, key: DefKey, name: str) -> DefKey | None:
        """The definition of a method along a class's MRO, if the project has it."""
        for path, number in self.mro(key)[0]:
            index = self.files[path]
            found = index.scopes[index.defs[number].body_scope].bindings.get(name)
            if found:
                for binding in found:
                    if binding.kind == DEF:
                        return (path, implementation_of(
                            index, int(binding.payload[0])))  # type: ignore[call-overload]
                return None
        return None

    def mro(self, key: DefKey) -> tuple[tuple[DefKey, ...], bool]:
        """The project classes of a class's MRO (C3), and whether every base is known."""
        cached = self.mro_cache.get(key)
        if cached is None:
            saved = self.consulted
            self.consulted = set()
            try:
                mro, complete = self._linearize(key, set())
            finally:
                deps, self.consulted = frozenset(self.consulted), saved
            cached = (mro, complete, deps)
            self.mro_cache[key] = cached
        self.consulted.update(cached[2])
        return cached[0], cached[1]

    def outside_base(self, mro: tuple[DefKey, ...]) -> str | None:
        """The first outside base of an MRO's classes, when every unknown base is outside.

        None when some base is neither a project class nor an outside one (``make_base()``,
        a name bound at run time): what it brings cannot be known.
        """
        first: str | None = None
        for path, number in mro:
            definition = self.files[path].defs[number]
            for chain in definition.bases:
                for value in sorted(self.eval_chain(path, definition.scope, chain), key=repr):
                    if value[0] == "class" or value in _NEUTRAL_BASES:
                        continue
                    if value[0] != "ext":
                        return None
                    first = first or str(value[1])
        return first

    def bases(self, key: DefKey) -> tuple[list[DefKey], bool]:
        """A class's project bases in the order written, and whether every base is known."""
        path, number = key
        definition = self.files[path].defs[number]
        self.consulted.add(path)
        complete = True
        parents: list[DefKey] = []
        for chain in definition.bases:
            for value in sorted(self.eval_chain(path, definition.scope, chain), key=repr):
                if value[0] == "class":
                    parents.append((str(value[1]), int(value[2])))  # type: ignore[call-overload]
                elif value not in _NEUTRAL_BASES:
                    complete = False
        return parents, complete

    def _linearize(self, key: DefKey, seen: set[DefKey]) -> tuple[tuple[DefKey, ...], bool]:
        if key in seen:  # a cycle of bases (only in broken code)
            return (), False
        seen = seen | {key}
        parents, complete = self.bases(key)
        sequences: list[list[DefKey]] = []
        for parent in parents:
            sub, sub_complete = self._linearize(parent, seen)
            complete = complete and sub_complete
            sequences.append(list(sub))
        sequences.append(list(parents))
        merged: list[DefKey] = [key]
        while True:
            sequences = [s for s in sequences if s]
            if not sequences:
                break
            for sequence in sequences:
                head = sequence[0]
                if not any(head in s[1:] for s in sequences):
                    break
            else:  # inconsistent hierarchy: keep a depth-first order rather than fail
                head = sequences[0][0]
            merged.append(head)
            for s in sequences:
                if s and s[0] == head:
                    del s[0]
                elif head in s:
                    s.remove(head)
        return tuple(dict.fromkeys(merged)), complete

    def enclosing_class(self, path: str, scope: int) -> int:
        """The class a method (or a function nested in one) belongs to, or -1."""
        index = self.files[path]
        while scope >= 0:
            owner = index.scopes[scope].owner
            if owner >= 0:
                definition = index.defs[owner]
                if definition.kind == "method":
                    return definition.parent
            scope = index.scopes[scope].parent
        return -1
