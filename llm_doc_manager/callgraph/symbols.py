"""The records of one module's index: definitions, scopes with their bindings, call sites.

Everything here is plain data (tuples, strings, ints) so that an index pickles quickly into
the cache and can be shared between the command line and the language server.

A *chain* is the shape of a callee or bound expression, as a tuple of strings: the head
(a name, or one of the special heads below) and then one step per attribute, with
``"()"`` for a call. ``self.b.run()`` is ``("self", "b", "run")`` as a callee, and
``B().run`` is ``("B", "()", "run")``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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

    def __reduce__(self) -> tuple[type[Binding], tuple[int, str, tuple[object, ...]]]:
        # Unpickled by one constructor call: a frozen slotted dataclass's default state
        # restore looks its fields up again for every object (most of a warm load's time).
        return Binding, (self.scope, self.kind, self.payload)


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

    def __reduce__(self) -> tuple[type[Site], tuple[object, ...]]:
        # As Binding's: one constructor call instead of a field lookup per object.
        return Site, (self.owner, self.scope, self.kind, self.chain, self.line, self.col,
                      self.name_line, self.name_col, self.name_end, self.text)


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
