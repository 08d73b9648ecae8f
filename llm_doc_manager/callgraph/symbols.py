"""The records of one module's index: definitions, scopes with their bindings, call sites.

Everything here is plain data (tuples, strings, ints) so that an index can be shared between
the command line and the language server, and cached as JSON: ``index_to_json`` writes an
index as nested arrays, ``index_from_json`` reads one back and checks every type, shape and
cross reference on the way (what a cache file holds is not trusted; see docs/caches.md).

A *chain* is the shape of a callee or bound expression, as a tuple of strings: the head
(a name, or one of the special heads below) and then one step per attribute, with
``"()"`` for a call. ``self.b.run()`` is ``("self", "b", "run")`` as a callee, and
``B().run`` is ``("B", "()", "run")``.
"""

from __future__ import annotations

import json
import operator
from dataclasses import dataclass, field
from itertools import accumulate, chain
from typing import Any

#: The step that calls what the chain so far produces.
CALL = "()"
#: Head of ``super()`` and ``super(C, self)``.
SUPER = "<super>"
#: Head of ``getattr(obj, "name")``: the next step is the literal name.
GETATTR = "<getattr>"
#: Head of anything else (a subscript, a literal, a lambda): only later steps are known.
OPAQUE = "<?>"

Chain = tuple[str, ...]

# Binding kinds: what a name (or ``self.attr``) may hold, as written in the code.
DEF = "def"          # payload: (def index,)
MODULE = "module"    # ``import a.b`` binds ``a``: payload (module name,)
FROM = "from"        # ``from m import y``: payload (module, name)
VALUE = "value"      # ``f = h``: payload (chain,)
RESULT = "result"    # ``x = B()``: payload (chain,): what calling the chain returns
INSTANCE = "instance"  # an annotation ``x: B``: payload (chain of the class,)
SELF = "self"        # a method's first parameter: payload (class def index,)
CLS = "cls"          # a classmethod's first parameter: payload (class def index,)
LITERAL = "literal"  # ``x = []``: payload (builtin type name,)
UNKNOWN = "unknown"  # anything else (a parameter without annotation, a loop variable)

_PROPERTY_DECORATORS = frozenset({"property", "cached_property"})


@dataclass(frozen=True, slots=True)
class Binding:
    """One thing a name may be bound to.

    Attributes:
        scope: The scope the bound expression is read in.
        kind: One of the binding kinds of this module.
        payload: What the kind needs (a chain, names, an index).
    """

    scope: int
    kind: str
    payload: tuple[object, ...] = ()


@dataclass(slots=True)
class Scope:
    """A module, class or function body: where names are looked up.

    Attributes:
        kind: ``"module"``, ``"class"`` or ``"function"``.
        parent: The scope names are looked up in next (-1 for the module); for a function
            defined in a class body this skips the class, as Python does.
        owner: The definition the scope belongs to (-1 for the module).
        bindings: Name -> what it may hold.
        stars: Modules whose names ``from m import *`` brings in.
        declared_global: Names a ``global`` statement sends to the module scope.
    """

    kind: str
    parent: int
    owner: int
    bindings: dict[str, list[Binding]] = field(default_factory=dict)
    stars: list[str] = field(default_factory=list)
    declared_global: set[str] = field(default_factory=set)


@dataclass(slots=True)
class Definition:
    """A def or class.

    Attributes:
        qualname: Dotted name inside the module (``C.m``, ``outer.<locals>.inner``).
        name: The bare name.
        kind: ``"function"``, ``"method"`` or ``"class"``.
        line: First line of the ``def``/``class`` keyword (1-based).
        end_line: Last line of the body.
        start_line: First line, decorators included.
        end_col: Column just past the last character of the body.
        name_line: Line of the name.
        name_col: Column of the name (characters, 0-based).
        parent: Index of the enclosing definition, -1 at module level.
        scope: The scope the definition is bound in.
        body_scope: The scope of its own body.
        decorators: Last dotted part of each decorator (``property``, ``setter``).
        bases: Chains of a class's bases.
        returns: Chains of the classes a function's return annotation names.
        signature: ``def name(args) -> ret`` as written (one line).
        summary: First line of the docstring, or "".
    """

    qualname: str
    name: str
    kind: str
    line: int
    end_line: int
    start_line: int
    end_col: int
    name_line: int
    name_col: int
    parent: int
    scope: int
    body_scope: int
    decorators: tuple[str, ...]
    bases: tuple[Chain, ...]
    returns: tuple[Chain, ...]
    signature: str
    summary: str

    @property
    def after_name(self) -> str:
        """The signature after the name: ``(args) -> ret``, or ``(bases)`` for a class."""
        if self.kind == "class":
            return self.signature[len("class ") + len(self.name):]
        return "(" + self.signature.partition(f" {self.name}(")[2]

    @property
    def is_property(self) -> bool:
        """Whether reading the attribute runs it (``@property``, ``@cached_property``)."""
        return not _PROPERTY_DECORATORS.isdisjoint(self.decorators)


# Site kinds.
SITE_CALL = "call"    # the callee of a call expression
SITE_REF = "ref"      # a function handed over to be called (``partial(f)``, ``map(f, xs)``)
SITE_READ = "read"    # an attribute read that is not called: a call only if it is a property


@dataclass(frozen=True, slots=True)
class Site:
    """A place where something may be called.

    Attributes:
        owner: Index of the enclosing definition (-1 for module-level code).
        scope: The scope the callee expression is read in.
        kind: ``call``, ``ref`` or ``read``.
        chain: The callee's chain.
        line: Line of the callee expression (1-based).
        col: Column where the callee expression starts (characters, 0-based).
        name_line: Line of the called name (the last attribute).
        name_col: Column of the called name.
        name_end: Column just past the called name.
        text: The callee as written (one line).
    """

    owner: int
    scope: int
    kind: str
    chain: Chain
    line: int
    col: int
    name_line: int
    name_col: int
    name_end: int
    text: str


@dataclass(slots=True)
class ModuleIndex:
    """Everything the resolver needs from one file, computed from its text alone.

    Attributes:
        module: The dotted module name (``json.decoder``; a package's ``__init__`` is the
            package's name).
        is_package: Whether the file is a package's ``__init__``.
        defs: Definitions in source order.
        scopes: Scopes; index 0 is the module.
        sites: Call sites in source order.
        class_attrs: Class definition index -> ``self.attr`` -> bindings.
        error: Why the file could not be indexed ("" when it was), with ``error_line``.
        error_line: Line of the error.
    """

    module: str
    is_package: bool
    defs: list[Definition] = field(default_factory=list)
    scopes: list[Scope] = field(default_factory=list)
    sites: list[Site] = field(default_factory=list)
    class_attrs: dict[int, dict[str, list[Binding]]] = field(default_factory=dict)
    error: str = ""
    error_line: int = 0

    def __post_init__(self) -> None:
        # Every index has its module scope, also the empty index of a file that could not be
        # parsed: resolving a name of any module starts at ``scopes[0]`` (an unparsable
        # module imported by others crashed every query through it with an IndexError).
        if not self.scopes:
            self.scopes.append(Scope("module", -1, -1))


# -- the cached form -------------------------------------------------------------------------
#
# An index is one JSON array:
#
#   [FORMAT, module, is_package, error, error_line, chains, defs, scopes, class_attrs,
#    bindings, sites]
#
# ``chains`` lists each distinct chain once; everywhere else a chain is its position there.
# Records are stored by column: ``defs`` is one array per field of Definition, in declaration
# order, and likewise ``sites``. Every binding of the module is in ``bindings`` ([scope],
# [kind], [first payload item or null], [second or null]) in the order of the tables that
# hold them: each scope's, then each class's attributes. A table is its names and how many
# bindings each has, so ``scopes`` is [kind], [parent], [owner], [names], [counts], [stars],
# [declared_global] and ``class_attrs`` is [class def], [names], [counts].
#
# Reading checks every type, shape and cross reference, then builds each record with one
# constructor call. By column, almost every check is one pass of C code over a column (the set
# of the types found, a min and a max) instead of Python code per record. JSON holds only
# lists, dicts, strings, numbers, booleans and null, so reading constructs nothing else; a
# row with a value of the wrong type, or an index outside its table, is a miss as a whole (a
# resolver handed a bad index would crash, or loop on a cycle of parents).

#: The version of the cached form; part of the cache key, so an older form is never read.
FORMAT = 1

_DEF_KINDS = frozenset({"function", "method", "class"})
_SCOPE_KINDS = frozenset({"module", "class", "function"})
_SITE_KINDS = frozenset({SITE_CALL, SITE_REF, SITE_READ})
_POINTS_TO_DEF = frozenset({DEF, SELF, CLS})
_POINTS_TO_CHAIN = frozenset({VALUE, RESULT, INSTANCE})
_NONE = type(None)
#: Every (kind, type of the first payload item, of the second) a binding can have.
_BINDING_SHAPES = frozenset({
    *((kind, int, _NONE) for kind in _POINTS_TO_DEF | _POINTS_TO_CHAIN),
    (MODULE, str, _NONE), (LITERAL, str, _NONE), (FROM, str, str),
    (UNKNOWN, _NONE, _NONE), (UNKNOWN, str, _NONE)})
_BIG = 1 << 62  # above any count or position a real index has
_flat = chain.from_iterable


class _Invalid(Exception):
    """A cached row that is not an index this code wrote."""


class _Writer:
    """Turns records into columns, numbering chains as it meets them."""

    def __init__(self) -> None:
        self.chains: dict[Chain, int] = {}
        self.bindings: tuple[list[int], list[str], list[object], list[object]] = \
            ([], [], [], [])

    def chain(self, chain: Chain) -> int:
        """The position of a chain in the chain table."""
        number = self.chains.get(chain)
        if number is None:
            number = self.chains[chain] = len(self.chains)
        return number

    def table(self, table: dict[str, list[Binding]]) -> list[int]:
        """Append a table's bindings to the binding columns; return its counts."""
        scopes, kinds, first, second = self.bindings
        for values in table.values():
            for binding in values:
                payload = binding.payload
                scopes.append(binding.scope)
                kinds.append(binding.kind)
                if binding.kind in _POINTS_TO_CHAIN:
                    first.append(self.chain(payload[0]))  # type: ignore[arg-type]
                else:
                    first.append(payload[0] if payload else None)
                second.append(payload[1] if len(payload) > 1 else None)
        return [len(values) for values in table.values()]


def index_to_json(index: ModuleIndex) -> str:
    """Write an index in its cached form (compact JSON; read back by ``index_from_json``).

    Args:
        index: The index.

    Returns:
        The JSON text.
    """
    out = _Writer()
    number_of = out.chain
    d, s, c = index.defs, index.scopes, index.sites
    defs = [[x.qualname for x in d], [x.name for x in d], [x.kind for x in d],
            [x.line for x in d], [x.end_line for x in d], [x.start_line for x in d],
            [x.end_col for x in d], [x.name_line for x in d], [x.name_col for x in d],
            [x.parent for x in d], [x.scope for x in d], [x.body_scope for x in d],
            [x.decorators for x in d], [[number_of(b) for b in x.bases] for x in d],
            [[number_of(r) for r in x.returns] for x in d], [x.signature for x in d],
            [x.summary for x in d]]
    scopes = [[x.kind for x in s], [x.parent for x in s], [x.owner for x in s],
              [list(x.bindings) for x in s], [out.table(x.bindings) for x in s],
              [x.stars for x in s], [sorted(x.declared_global) for x in s]]
    attrs = index.class_attrs
    class_attrs = [list(attrs), [list(t) for t in attrs.values()],
                   [out.table(t) for t in attrs.values()]]
    sites = [[x.owner for x in c], [x.scope for x in c], [x.kind for x in c],
             [number_of(x.chain) for x in c], [x.line for x in c], [x.col for x in c],
             [x.name_line for x in c], [x.name_col for x in c], [x.name_end for x in c],
             [x.text for x in c]]
    return json.dumps([FORMAT, index.module, index.is_package, index.error, index.error_line,
                       list(out.chains), defs, scopes, class_attrs, out.bindings, sites],
                      separators=(",", ":"))


def _all(value: object, kind: type) -> list[Any]:
    """``value`` itself when it is a list whose items all have exactly that type."""
    if type(value) is not list or (value and set(map(type, value)) != {kind}):
        raise _Invalid
    return value


def _nested(value: object, kind: type) -> list[list[Any]]:
    """``value`` itself when it is a list of lists whose items all have exactly that type."""
    _all(list(_flat(_all(value, list))), kind)
    return value  # type: ignore[return-value]


def _indexes(value: object, low: int, high: int) -> list[int]:
    """``value`` itself when it is a list of ints in ``[low, high)``."""
    numbers = _all(value, int)
    if numbers and (min(numbers) < low or max(numbers) >= high):
        raise _Invalid
    return numbers


def _columns(value: object, count: int) -> list[Any]:
    """``count`` lists of one length."""
    columns = _all(value, list)
    if len(columns) != count or len(set(map(len, columns))) > 1:
        raise _Invalid
    return columns


def _earlier(parents: list[int]) -> None:
    """Each parent comes before its child (or is -1): following parents always ends."""
    if any(map(operator.ge, parents, range(len(parents)))):
        raise _Invalid


class _Reader:
    """Checks and builds the records of one cached index, column by column."""

    def __init__(self, chains: object) -> None:
        self.chains = [tuple(steps) for steps in _nested(chains, str)]
        if not all(self.chains):
            raise _Invalid
        self.defs = self.scopes = 0
        self.tables: list[tuple[list[str], list[int]]] = []

    def chains_at(self, numbers: list[list[int]]) -> list[tuple[Chain, ...]]:
        """Positions in the chain table, as the chains."""
        _indexes(list(_flat(numbers)), 0, len(self.chains))
        at = self.chains.__getitem__
        return [tuple(map(at, row)) for row in numbers]

    def scope_columns(self, value: object) -> list[list[Any]]:
        """The scopes' columns, checked but for their owners (the defs are not read yet)."""
        columns = _columns(value, 7)
        kinds, parents, _, names, counts, stars, declared = columns
        self.scopes = len(kinds)
        if not set(_all(kinds, str)) <= _SCOPE_KINDS:
            raise _Invalid
        _earlier(_indexes(parents, -1, _BIG))
        _nested(stars, str)
        _nested(declared, str)
        self.table(names, counts)
        return columns

    def definitions(self, value: object) -> list[Definition]:
        """The defs: kinds known, parents earlier, scopes in range."""
        columns = _columns(value, 17)
        self.defs = len(columns[0])
        for number in (0, 1, 2, 15, 16):
            _all(columns[number], str)
        for number in range(3, 9):
            _all(columns[number], int)
        if not set(columns[2]) <= _DEF_KINDS:
            raise _Invalid
        _earlier(_indexes(columns[9], -1, _BIG))
        _indexes(columns[10], 0, self.scopes)
        _indexes(columns[11], 0, self.scopes)
        decorators = [tuple(row) for row in _nested(columns[12], str)]
        return list(map(Definition, *columns[:12], decorators,
                        self.chains_at(_nested(columns[13], int)),
                        self.chains_at(_nested(columns[14], int)), columns[15], columns[16]))

    def table(self, names: object, counts: object) -> None:
        """Note some tables' names and binding counts (filled in by ``fill``)."""
        names, counts = _nested(names, str), _nested(counts, int)
        if list(map(len, names)) != list(map(len, counts)):
            raise _Invalid
        _indexes(list(_flat(counts)), 0, _BIG)
        self.tables.extend(zip(names, counts, strict=True))

    def bindings(self, value: object) -> list[Binding]:
        """Every binding, its payload's shape checked against its kind for all at once."""
        scopes, kinds, first, second = _columns(value, 4)
        _indexes(scopes, 0, self.scopes)
        shapes = set(zip(kinds, map(type, first), map(type, second), strict=True))
        if not shapes <= _BINDING_SHAPES:
            raise _Invalid
        pairs = list(zip(kinds, first, strict=True))
        _indexes([n for kind, n in pairs if kind in _POINTS_TO_DEF], 0, self.defs)
        chains = self.chains
        _indexes([n for kind, n in pairs if kind in _POINTS_TO_CHAIN], 0, len(chains))
        payloads = [(chains[a],) if kind in _POINTS_TO_CHAIN else () if a is None
                    else (a,) if b is None else (a, b)
                    for kind, a, b in zip(kinds, first, second, strict=True)]
        return list(map(Binding, scopes, kinds, payloads))

    def fill(self, bindings: list[Binding]) -> list[dict[str, list[Binding]]]:
        """The tables noted so far, each name given its run of ``bindings``."""
        counts = list(_flat(counts for _, counts in self.tables))
        if sum(counts) != len(bindings):
            raise _Invalid
        ends = list(accumulate(counts))
        runs = list(map(bindings.__getitem__, map(slice, [0, *ends[:-1]], ends)))
        tables = []
        start = 0
        for names, _ in self.tables:
            tables.append(dict(zip(names, runs[start:start + len(names)], strict=True)))
            start += len(names)
        return tables

    def sites(self, value: object) -> list[Site]:
        """The sites: each column checked whole, then one constructor call each."""
        columns = _columns(value, 10)
        owners = _indexes(columns[0], -1, self.defs)
        scopes = _indexes(columns[1], 0, self.scopes)
        if not set(_all(columns[2], str)) <= _SITE_KINDS:
            raise _Invalid
        chains = self.chains
        at = [chains[n] for n in _indexes(columns[3], 0, len(chains))]
        for number in range(4, 9):
            _all(columns[number], int)
        return list(map(Site, owners, scopes, columns[2], at, *columns[4:9],
                        _all(columns[9], str)))


def _read(data: object) -> ModuleIndex:
    if type(data) is not list or len(data) != 11 or data[0] != FORMAT:
        raise _Invalid
    _, module, is_package, error, error_line, chains, defs, scopes, attrs, bindings, sites \
        = data
    if type(module) is not str or type(is_package) is not bool or type(error) is not str \
            or type(error_line) is not int:
        raise _Invalid
    reader = _Reader(chains)
    kinds, parents, owners, _, _, stars, declared = reader.scope_columns(scopes)
    if not kinds or kinds[0] != "module":  # every index has its module scope first
        raise _Invalid
    definitions = reader.definitions(defs)
    _indexes(owners, -1, reader.defs)
    attr_owners, names, counts = _columns(attrs, 3)
    _indexes(attr_owners, 0, reader.defs)
    reader.table(names, counts)
    tables = reader.fill(reader.bindings(bindings))
    return ModuleIndex(module, is_package, definitions,
                       list(map(Scope, kinds, parents, owners, tables, stars,
                                map(set, declared))),
                       reader.sites(sites),
                       dict(zip(attr_owners, tables[len(kinds):], strict=True)), error,
                       error_line)


def index_from_json(text: str | bytes) -> ModuleIndex | None:
    """Read back an index written by ``index_to_json``, checking everything in it.

    Args:
        text: What the cache holds.

    Returns:
        The index, or None when the text is not exactly such an index (the row is a miss).
    """
    try:
        return _read(json.loads(text))
    except (_Invalid, ValueError, TypeError, LookupError, RecursionError):
        # ValueError: not JSON, or not UTF-8; TypeError: not text, or an unhashable kind;
        # LookupError: a table shorter than a row says; RecursionError: nesting deeper than
        # the parser goes. A row this code did not write is a miss, never an error.
        return None
