"""Facts read from code with ``ast``: parameters, returns, yields, raises, attributes."""

from __future__ import annotations

import ast
import builtins
import functools
import io
import itertools
import re
import tokenize
from collections.abc import Sequence
from dataclasses import dataclass, field

from llm_doc_manager.analysis.nodes import (
    SCOPES,
    FunctionNode,
    child_blocks,
    decorator_names,
    docstring_expr,
    own_nodes,
    unparse,
    walk_own,
)
from llm_doc_manager.source.positions import split_lines

# Return annotations that promise no value (also when written as a string: ``-> "None"``).
_NO_VALUE = frozenset({"None", "NoReturn", "Never", "typing.NoReturn", "typing.Never"})
_NO_VALUE |= {f"'{name}'" for name in _NO_VALUE}
# Annotations whose first argument is what the function yields.
_ITERATORS = frozenset({"Iterator", "Iterable", "Generator", "AsyncIterator", "AsyncIterable",
                        "AsyncGenerator"})


@dataclass(frozen=True)
class Param:
    """A documented parameter.

    Attributes:
        name: Name as documented (``*args`` and ``**kwargs`` keep their stars).
        annotation: The annotation's source, if any.
        default: The default's source, if any.
        kind: ``positional_only``, ``normal``, ``var_positional``, ``keyword_only``
            or ``var_keyword``.
    """

    name: str
    annotation: str | None
    default: str | None
    kind: str


@dataclass(frozen=True)
class RaiseFact:
    """An exception raised directly in a function body.

    Attributes:
        exception: The exception's name as written (``errors.BadInput``).
        condition: Source of the innermost ``if`` test guarding it.
        line: Line of the ``raise`` statement.
        col: Its column as ``ast`` gives it (0-based, in UTF-8 bytes).
    """

    exception: str
    condition: str | None
    line: int
    col: int = 0


@dataclass(frozen=True)
class FunctionFacts:
    """What a function's code says about its documentation.

    Attributes:
        name: The function name.
        params: Documentable parameters, ``self``/``cls`` excluded.
        return_annotation: Source of the return annotation.
        returns_value: True if some ``return`` gives a value.
        is_generator: True if the body yields.
        is_async: True for ``async def``.
        is_property: True for ``@property`` (and cached properties).
        is_abstract: True for ``@abstractmethod``.
        is_overload: True for ``@overload``.
        is_stub: True when the body only raises NotImplementedError, passes or is ``...``.
        raises: Exceptions raised in the body, first occurrence each.
        class_name: The enclosing class, for methods.
        yields_value: True if some ``yield`` gives a value (not a bare ``yield``).
        unused: Parameters declared unused on purpose (see ``declared_unused``): no
            entry is asked for them or added.
        returns_waived: The project's practice asks no Returns section of it (see
            ``docstrings.exempt.asked_sections``): none is asked or added.
        yields_waived: Likewise for the Yields section.
        raises_waived: Exceptions raised only where the annotations say no caller gets
            (``docstrings.exempt.literal_fallbacks``): no Raises entry is asked or added.
    """

    name: str
    params: tuple[Param, ...]
    return_annotation: str | None
    returns_value: bool
    is_generator: bool
    is_async: bool
    is_property: bool
    is_abstract: bool
    is_overload: bool
    is_stub: bool
    raises: tuple[RaiseFact, ...]
    class_name: str | None
    yields_value: bool = False
    unused: frozenset[str] = field(default=frozenset())
    returns_waived: bool = False
    yields_waived: bool = False
    raises_waived: frozenset[str] = field(default=frozenset())

    @property
    def documents_yield(self) -> bool:
        """Tell whether a Yields section belongs in the docstring.

        A generator whose every ``yield`` is bare (a ``@contextmanager`` that only marks
        where the ``with`` body runs) gives nothing to describe, as a bare ``return`` does.

        Returns:
            True when the function yields values.
        """
        if not self.is_generator or self.yields_waived:
            return False
        if self.yield_type is not None:
            return self.yield_type != "None"
        return self.yields_value

    @property
    def documents_return(self) -> bool:
        """Tell whether a Returns section belongs in the docstring.

        Returns:
            True when the function gives back a value.
        """
        if self.is_generator:
            return False
        if self.return_annotation is not None:
            return not self.annotated_no_value
        return self.returns_value or self.is_property

    @property
    def needs_returns(self) -> bool:
        """Tell whether the docstring is asked for a Returns section.

        A property gives back a value, but its docstring says what it is, as an attribute's
        would: no Returns section is asked of it. Nor of a function that refuses
        (``refuses``): it never gives back what its annotation says.

        Returns:
            True when a value comes back and the function is not a property.
        """
        return self.documents_return and not self.is_property and not self.refuses and \
            not self.returns_waived

    @property
    def refuses(self) -> bool:
        """Tell whether the body only raises NotImplementedError and is no abstract method.

        Such a function never returns: an override saying the operation is not supported
        here (peft's ``raise NotImplementedError("This method is not supported for Lily.")``
        for a ``-> torch.Tensor`` base method), or an old-style abstract method, whose
        Returns section is the interface's choice. An ``@abstractmethod`` and a ``...`` or
        ``pass`` stub declare an interface: their Returns section is still asked for.

        Returns:
            True for a body (docstring aside) of one ``raise NotImplementedError``, not
            decorated ``@abstractmethod``.
        """
        return self.is_stub and not self.is_abstract and \
            any(r.exception == "NotImplementedError" for r in self.raises)

    @property
    def documented_raises(self) -> tuple[RaiseFact, ...]:
        """The exceptions a Raises section lists: "not implemented here" is not one of them.

        Returns:
            The raises, ``NotImplementedError`` (the interface's nature, not an error) left out.
        """
        return tuple(r for r in self.raises if r.exception != "NotImplementedError" and
                     r.exception not in self.raises_waived)

    @property
    def annotated_no_value(self) -> bool:
        """Tell whether the return annotation says no value comes back (``None``, ``NoReturn``).

        Returns:
            True for ``-> None``, ``-> NoReturn`` and ``-> Never``.
        """
        return self.return_annotation in _NO_VALUE

    @property
    def undecidable(self) -> bool:
        """Tell whether the body cannot show what the function does (stub, abstract, overload).

        Returns:
            True when Returns/Yields/Raises cannot be judged from the body.
        """
        return self.is_stub or self.is_abstract or self.is_overload

    @property
    def generator_returns(self) -> bool:
        """Tell whether a generator also gives back a value (``return x``, ``Generator[Y, S, R]``).

        Its docstring may then document that value under Returns, as pydoclint allows.

        Returns:
            True for a generator (or a stub annotated as one) whose return value is not None.
        """
        if self.is_generator and self.returns_value:
            return True
        send_return = self._generator_args()
        return len(send_return) == 3 and send_return[2] not in ("None", "NoReturn")

    @property
    def annotated_iterator(self) -> bool:
        """Tell whether the annotation promises an iterator (``Iterator[T]``, ``Generator[...]``).

        A stub so annotated may document what it yields rather than what it returns.

        Returns:
            True when the element type can be read from the annotation.
        """
        return bool(self._generator_args())

    def _generator_args(self) -> list[str]:
        """The arguments of an Iterator/Generator-like annotation, split at top-level commas."""
        ann = self.return_annotation
        if not ann or "[" not in ann or not ann.endswith("]"):
            return []
        outer, _, inner = ann.partition("[")
        if outer.rsplit(".", 1)[-1] not in _ITERATORS:
            return []
        parts, depth, start = [], 0, 0
        inner = inner[:-1]
        for i, ch in enumerate(inner):
            depth += ch in "[("
            depth -= ch in "])"
            if ch == "," and depth == 0:
                parts.append(inner[start:i].strip())
                start = i + 1
        parts.append(inner[start:].strip())
        return parts

    @property
    def yield_type(self) -> str | None:
        """Return the yielded type read from an Iterator/Generator annotation.

        Returns:
            The element type, or None when unknown.
        """
        args = self._generator_args()
        return args[0] if args else None


@dataclass(frozen=True)
class AttributeFact:
    """A public attribute of a class.

    Attributes:
        name: The attribute name.
        annotation: Its type, if known.
        source: The constructor argument ``__init__`` stores in it as it is
            (``self.api = hf_api``, ``self.api = hf_api or HfApi()``), if any: documented
            under the class's Args, the attribute is documented.
    """

    name: str
    annotation: str | None
    source: str | None = None


@dataclass(frozen=True)
class ClassFacts:
    """What a class's code says about its documentation.

    Attributes:
        name: The class name.
        bases: Base classes as written.
        attributes: Public attributes in order of appearance.
        is_dataclass: True for ``@dataclass`` classes.
        fields: Names annotated at class level (dataclass, NamedTuple and attrs fields).
        defined: Every attribute name the class's own code defines, private ones included:
            ``self.x`` assigned in any method, class-level names, ``__slots__``, namedtuple
            fields.
        open_ended: The class may have attributes its code does not show: a base that is
            not a plain one (``object``, ``ABC``, ``Protocol``, ``NamedTuple``…), or
            ``setattr(self, …)`` / ``self.__dict__``.
    """

    name: str
    bases: tuple[str, ...]
    attributes: tuple[AttributeFact, ...]
    is_dataclass: bool
    fields: frozenset[str] = frozenset()
    defined: frozenset[str] = frozenset()
    open_ended: bool = False

    @property
    def asked(self) -> tuple[AttributeFact, ...]:
        """The attributes the class docstring is asked to document (validate and generate).

        In an open-ended class only its fields: ``self.x = ...`` in a subclass's
        ``__init__`` often sets an inherited attribute (keras's ``self.input_spec``),
        documented with the base.
        """
        if not self.open_ended:
            return self.attributes
        return tuple(a for a in self.attributes if a.name in self.fields)


@dataclass(frozen=True)
class BlockFacts:
    """What a block of statements does, for a generated comment.

    Attributes:
        phrases: One verb phrase per statement.
    """

    phrases: tuple[str, ...]


@dataclass(frozen=True)
class ModuleFacts:
    """What a module's code says about its documentation.

    Attributes:
        name: The module's dotted-less name (the package name for ``__init__``).
        public_names: Public functions and classes defined at top level.
    """

    name: str
    public_names: tuple[str, ...]


# ``try``/``except*`` (3.11) share their fields with ``try``.
_TRY = (ast.Try, getattr(ast, "TryStar", ast.Try))


def raised_class(exc: ast.expr) -> str | None:
    """The class a ``raise`` statement raises, or None when the code cannot say.

    ``raise E``, ``raise E(...)``, ``raise mod.E(...)``, ``raise E.from_code(c)`` and
    ``raise E().with_traceback(tb)`` all raise ``E``; ``raise error`` or
    ``raise self.failure_exception(...)`` raise something only running the code shows.

    Args:
        exc: The expression after ``raise``.

    Returns:
        The class as written (dotted when qualified), or None.
    """
    node = exc
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            # Class names are capitalised; a lower-case attribute is a method or a
            # factory called on what is before it (``E.from_code``, ``E().with_traceback``).
            if node.attr[:1].isupper():
                owner = unparse(node.value)
                return f"{owner}.{node.attr}" if isinstance(node.value, ast.Name | ast.Attribute) \
                    and owner else node.attr
            node = node.value
        elif isinstance(node, ast.Name):
            return node.id if node.id[:1].isupper() else None
        else:
            return None


def _handled(handler: ast.ExceptHandler) -> list[str]:
    """The classes an ``except`` clause catches, as written."""
    caught = handler.type
    items = caught.elts if isinstance(caught, ast.Tuple) else [caught] if caught else []
    names = [raised_class(item) for item in items]
    # ``except BaseException: cleanup(); raise`` passes on whatever came: no documented error.
    return [name for name in names if name and name not in ("BaseException", "Exception")]


def _builtin_exception(name: str) -> type[BaseException] | None:
    found = getattr(builtins, name, None)
    return found if isinstance(found, type) and issubclass(found, BaseException) else None


def _catches(handler: ast.ExceptHandler, name: str) -> bool:
    """Whether ``handler`` catches the exception class written ``name``.

    Known for a bare ``except:``, the same class, ``Exception``/``BaseException`` and the
    builtin hierarchy (``except LookupError`` catches ``KeyError``); a project's own class
    caught by a base we cannot see counts as not caught (the raise stays documented).
    """
    if handler.type is None:
        return True
    items = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    last = name.rsplit(".", 1)[-1]
    raised = _builtin_exception(last)
    for item in items:
        written = raised_class(item)
        if written is None:
            continue
        base = written.rsplit(".", 1)[-1]
        if base == last or base == "BaseException":
            return True
        if base == "Exception" and (raised is None or issubclass(raised, Exception)):
            return True  # a project's exception derives from Exception
        known = _builtin_exception(base)
        if raised is not None and known is not None and issubclass(raised, known):
            return True
    return False


def _reraises(handler: ast.ExceptHandler) -> bool:
    """Whether a handler passes what it caught on: a bare ``raise`` in its own code, or a
    raise of the name it bound (``except E as error: raise error``)."""
    return any(isinstance(sub, ast.Raise) and (
        sub.exc is None or (handler.name is not None and _raised_name(sub.exc) == handler.name))
        for sub in walk_own(handler.body))


def _raised_name(exc: ast.expr) -> str | None:
    """The variable a ``raise`` raises (``raise error``, ``raise error.with_traceback(tb)``)."""
    while isinstance(exc, ast.Call) and isinstance(exc.func, ast.Attribute):
        exc = exc.func.value
    return exc.id if isinstance(exc, ast.Name) else None


def _absorbed(name: str, tries: Sequence[Sequence[ast.ExceptHandler]]) -> bool:
    """Whether a raise inside these ``try`` bodies (innermost last) never leaves them."""
    for handlers in reversed(tries):
        # Python runs the first handler that matches; if it re-raises, the outer ``try``
        # gets its chance.
        handler = next((h for h in handlers if _catches(h, name)), None)
        if handler is not None and not _reraises(handler):
            return True
    return False


# Builtins that raise nothing a docstring would list (a TypeError on misuse aside).
_INERT_CALLS = frozenset({"isinstance", "issubclass", "len", "repr", "str", "type", "hasattr",
                          "id", "callable", "bool", "print", "super", "tuple", "list", "dict",
                          "set", "frozenset", "sorted", "reversed", "enumerate", "zip"})
# Exceptions a subscript raises by itself.
LOOKUP_ERRORS = frozenset({"KeyError", "IndexError", "LookupError"})


# The ``try`` statements around a place, as their handlers (innermost last).
_Tries = tuple[tuple[ast.ExceptHandler, ...], ...]


@dataclass(frozen=True)
class Escapes:
    """Where an exception no raise statement names may come from in a function's own body.

    Each site is kept with the ``try`` statements around it (their handlers, innermost
    last): a site inside a ``try`` whose handler catches an exception and does not pass it
    on cannot let that exception out.

    Attributes:
        calls: Calls and awaits (a callee may raise anything), and raise statements of a
            class the code cannot name (``raise error``).
        lookups: Subscripts read (``x[k]`` raises ``KeyError``/``IndexError`` itself).
        asserts: ``assert`` statements (they raise ``AssertionError`` themselves).
    """

    calls: tuple[_Tries, ...]
    lookups: tuple[_Tries, ...]
    asserts: tuple[_Tries, ...] = ()

    def may_raise(self, name: str) -> bool:
        """Whether exception ``name`` may leave the function from one of these sites.

        Args:
            name: The exception class as a docstring writes it (``ValueError``, ``mod.E``).

        Returns:
            True when a site outside every ``try`` that absorbs it may raise it.
        """
        last = name.rsplit(".", 1)[-1]
        return any(not _absorbed(name, tries) for tries in
                   (*self.calls, *(self.lookups if last in LOOKUP_ERRORS else ()),
                    *(self.asserts if last == "AssertionError" else ())))


def escapes(node: FunctionNode) -> Escapes:
    """Where exceptions no raise statement names may come from in a function's own body.

    Nested functions, classes and lambdas are not walked (their bodies run elsewhere; the
    call that runs them is a site). The exception built by a ``raise`` statement, its
    ``from`` cause and a few inert builtins (``len``, ``isinstance``) are no call sites.

    Args:
        node: The function.

    Returns:
        The call and lookup sites, each with the ``try`` handlers around it.
    """
    calls: set[_Tries] = set()
    lookups: set[_Tries] = set()
    asserts: set[_Tries] = set()

    def expressions(roots: Sequence[ast.AST], tries: _Tries,
                    raised: ast.Raise | None = None) -> None:
        """The sites of a statement's own expressions (not of the statements nested in it)."""
        built: set[int] = set()
        if raised is not None:
            if raised.exc is not None and raised_class(raised.exc) is None:
                calls.add(tries)  # ``raise error``: any class, unless a handler takes it
            built.update(id(part) for part in (raised.exc, raised.cause) if part is not None)
        stack = list(roots)
        while stack:
            sub = stack.pop()
            if isinstance(sub, ast.Lambda):
                continue  # its body runs when it is called
            if isinstance(sub, ast.Await) or (
                    isinstance(sub, ast.Call) and id(sub) not in built and not (
                        isinstance(sub.func, ast.Name) and sub.func.id in _INERT_CALLS)):
                calls.add(tries)
            elif isinstance(sub, ast.Subscript) and isinstance(sub.ctx, ast.Load):
                lookups.add(tries)
            stack.extend(ast.iter_child_nodes(sub))

    def visit(stmts: list[ast.stmt], tries: _Tries) -> None:
        for stmt in stmts:
            if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
                # Decorators and defaults run here; the body does not.
                expressions([*stmt.decorator_list, stmt.args], tries)
                continue
            if isinstance(stmt, ast.ClassDef):
                expressions([*stmt.decorator_list, *stmt.bases, *stmt.keywords], tries)
                continue
            # The statement's own expressions: every field but its nested statements.
            roots: list[ast.AST] = [value for _, value in ast.iter_fields(stmt)
                                    if isinstance(value, ast.expr)]
            roots += [item for _, value in ast.iter_fields(stmt) if isinstance(value, list)
                      for item in value if isinstance(item, ast.expr | ast.withitem)]
            roots += [case.guard for case in getattr(stmt, "cases", ()) if case.guard]
            expressions(roots, tries, stmt if isinstance(stmt, ast.Raise) else None)
            if isinstance(stmt, ast.Assert):
                asserts.add(tries)
            if isinstance(stmt, _TRY):
                visit(stmt.body, (*tries, tuple(stmt.handlers)))
                for handler in stmt.handlers:
                    visit(handler.body, tries)
                visit(stmt.orelse, tries)
                visit(stmt.finalbody, tries)
            else:
                for block in child_blocks(stmt):
                    visit(block, tries)

    visit(node.body, ())
    return Escapes(tuple(calls), tuple(lookups), tuple(asserts))


# A raise site: the ``raise`` and the ``if`` tests that lead to it (None: not only ``if``s).
_Site = tuple[ast.Raise, list[tuple[ast.expr, bool]] | None]


def _raises(node: FunctionNode, source: str | None) -> tuple[RaiseFact, ...]:
    sites: dict[str, list[_Site]] = {}

    # A condition is given only when the raise happens exactly when it holds: the raise sits
    # directly in ``if`` bodies (no loop, ``try`` or ``with`` between), so the conjunction of
    # those tests is the whole reason. A raise inside a ``try`` whose handler catches it
    # (and does not re-raise) never leaves the function: it is not a fact of the docstring.
    def visit(stmts: list[ast.stmt], tests: list[tuple[ast.expr, bool]] | None,
              caught: list[str], tries: list[list[ast.ExceptHandler]]) -> None:
        for stmt in stmts:
            if isinstance(stmt, ast.Raise):
                # A bare ``raise`` in a handler hands on what the ``try`` body's callees
                # raised (the body's own raises are sites of their own): a callee's
                # exception is not asked of the docstring, caught and re-raised or not.
                name = raised_class(stmt.exc) if stmt.exc is not None else None
                if name and not _absorbed(name, tries):
                    sites.setdefault(name, []).append((stmt, tests))
            elif isinstance(stmt, ast.If):
                visit(stmt.body, None if tests is None else [*tests, (stmt.test, False)],
                      caught, tries)
                visit(stmt.orelse, None if tests is None else [*tests, (stmt.test, True)],
                      caught, tries)
            elif isinstance(stmt, _TRY):
                visit(stmt.body, None, caught, [*tries, stmt.handlers])
                for handler in stmt.handlers:
                    visit(handler.body, None, _handled(handler), tries)
                visit(stmt.orelse, None, caught, tries)
                visit(stmt.finalbody, None, caught, tries)
            elif not isinstance(stmt, SCOPES):
                for block in child_blocks(stmt):
                    visit(block, None, caught, tries)

    visit(node.body, [], [], [])
    if not sites:
        return ()
    scope: _Scope | None = None
    facts = []
    for name, found in sites.items():
        # Tests are read only where a raise is found under them: most tests guard no raise.
        conditions = set()
        for stmt, tests in found:
            if scope is None:
                scope = _Scope(node)
            conditions.add(_condition(tests, source, scope, (stmt.lineno, stmt.col_offset)))
        # The condition is the whole truth only when every raise of the class shares it.
        condition = conditions.pop() if len(conditions) == 1 else None
        first = found[0][0]
        facts.append(RaiseFact(name, condition, first.lineno, first.col_offset))
    return tuple(facts)


# A place in the source, (line, column), compared to a ``raise``'s.
_Pos = tuple[int, int]
# Every builtin a condition may call or name (``len``, ``isinstance``, ``int``, ``None``…).
_BUILTINS = frozenset(dir(builtins))


def _pos(node: ast.AST) -> _Pos:
    return getattr(node, "lineno", 0), getattr(node, "col_offset", 0)


def _private(name: str) -> bool:
    """``_x`` and ``__x`` are private; ``__x__`` (``__name__``, ``__class__``) is not."""
    return name.startswith("_") and not (len(name) > 4 and name.endswith("__"))


class _Scope:
    """What a condition may name: the caller's values, as they are where the raise is."""

    def __init__(self, node: FunctionNode) -> None:
        args = node.args
        self.params = {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs,
                                       args.vararg, args.kwarg) if a is not None}
        # Where each name is bound in the function's own scope, and where ``self.x`` (any
        # ``self.x…`` target) is assigned: after that point it is not what the caller gave.
        self.bound: dict[str, list[_Pos]] = {}
        self.stored: dict[str, list[_Pos]] = {}
        for sub in own_nodes(node):
            names: list[str] = []
            if isinstance(sub, ast.Name) and not isinstance(sub.ctx, ast.Load):
                names = [sub.id]
            elif isinstance(sub, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names = [sub.name]
            elif isinstance(sub, ast.Import | ast.ImportFrom):
                names = [(a.asname or a.name).split(".", 1)[0] for a in sub.names]
            elif isinstance(sub, ast.ExceptHandler | ast.MatchAs | ast.MatchStar) and sub.name:
                names = [sub.name]
            elif isinstance(sub, ast.MatchMapping) and sub.rest:
                names = [sub.rest]
            elif isinstance(sub, ast.Attribute) and not isinstance(sub.ctx, ast.Load):
                owner, first = _self_attribute(sub)
                if owner in self.params and first is not None:
                    self.stored.setdefault(first, []).append(_pos(sub))
            for name in names:
                self.bound.setdefault(name, []).append(_pos(sub))

    def allows(self, test: ast.expr, at: _Pos) -> bool:
        """Whether a reader of the API can check the test as it stands at ``at``.

        It may read parameters not rebound before ``at``, their public attributes (``self.x``
        not assigned before ``at``), builtins and literals, and names the test binds itself
        (a comprehension's or lambda's); never a local, a module-level name or a private one.
        """
        def check(node: ast.AST, inner: frozenset[str]) -> bool:
            if isinstance(node, ast.NamedExpr):
                return False  # a walrus binds a local in the test itself
            if isinstance(node, ast.Lambda):
                args = node.args
                inner = inner | {a.arg for a in (*args.posonlyargs, *args.args,
                                                 *args.kwonlyargs, args.vararg, args.kwarg)
                                 if a is not None}
            elif isinstance(node, ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp):
                inner = inner | {n.id for gen in node.generators for n in ast.walk(gen.target)
                                 if isinstance(n, ast.Name)}
            elif isinstance(node, ast.Name):
                return node.id in inner or self._callers(node.id, at)
            elif isinstance(node, ast.Attribute):
                if _private(node.attr):
                    return False
                owner, first = _self_attribute(node)
                if owner in self.params and first is not None and any(
                        p < at for p in self.stored.get(first, ())):
                    return False
            return all(check(child, inner) for child in ast.iter_child_nodes(node))

        return check(test, frozenset())

    def _callers(self, name: str, at: _Pos) -> bool:
        """Whether a name read at ``at`` holds what the caller gave or a builtin."""
        if name in self.params:
            return not any(p < at for p in self.bound.get(name, ()))
        # A local (``a_dim = len(a)``) or a module's name (``_MAX``, ``np``, a helper) is not
        # the function's API: only builtins the function does not rebind.
        return name in _BUILTINS and name not in self.bound


def _self_attribute(node: ast.Attribute) -> tuple[str | None, str | None]:
    """For ``p.x.y`` (or ``p.x[0].y``): ``("p", "x")``; for anything else ``(None, None)``."""
    inner: ast.expr = node
    first: str | None = None
    while isinstance(inner, ast.Attribute | ast.Subscript):
        if isinstance(inner, ast.Attribute):
            first = inner.attr
        inner = inner.value
    return (inner.id, first) if isinstance(inner, ast.Name) else (None, None)


# Expressions that read wrongly between ``and``s without parentheses.
_LOOSE = (ast.BoolOp, ast.IfExp, ast.Lambda)
# Operands a comparison shows without the parentheses they need (``(a or b) is None``).
_NOT_OPERAND = (ast.BoolOp, ast.Compare, ast.IfExp, ast.Lambda, ast.NamedExpr, ast.Await)
# The comparisons whose negation is exact for every value (``<`` is not: NaN, arrays).
_INVERSE = {ast.Is: "is not", ast.IsNot: "is", ast.In: "not in", ast.NotIn: "in"}


def _condition(tests: list[tuple[ast.expr, bool]] | None, source: str | None,
               scope: _Scope, at: _Pos) -> str | None:
    if not tests:
        return None
    parts = []
    for test, negated in tests:
        if not scope.allows(test, at):
            return None
        part = _negation(test, source) if negated else _text(test, source)
        if part is None:
            return None
        shown = test.operand if negated and isinstance(test, ast.UnaryOp) else test
        if len(tests) > 1 and isinstance(shown, _LOOSE):
            part = f"({part})"
        parts.append(part)
    return " and ".join(parts)


def _negation(test: ast.expr, source: str | None) -> str | None:
    """The test's exact negation, for an ``else``/``elif`` branch, or None.

    Only what inverts for every value: ``not x`` and ``x``, ``is``/``is not``,
    ``in``/``not in``. ``not (a < b)`` is not ``a >= b`` (NaN, arrays), and ``not (a) and
    not (b)`` is no clearer than the code: such a raise gets the placeholder.
    """
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return _text(test.operand, source)
    if isinstance(test, ast.Name | ast.Attribute | ast.Call | ast.Subscript):
        text = _text(test, source)
        return None if text is None else f"not {text}"
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        inverse = _INVERSE.get(type(test.ops[0]))
        left, right = test.left, test.comparators[0]
        if inverse is None or isinstance(left, _NOT_OPERAND) or isinstance(right, _NOT_OPERAND):
            return None
        left_text, right_text = _text(left, source), _text(right, source)
        if left_text is None or right_text is None:
            return None
        return f"{left_text} {inverse} {right_text}"
    return None


@functools.lru_cache(maxsize=4)
def _source_lines(source: str) -> tuple[str, ...]:
    """The lines of a source, split once per file (the key's hash is kept by the str)."""
    return tuple(split_lines(source))


@functools.lru_cache(maxsize=4)
def _str_lines(source: str) -> tuple[str, ...]:
    """``source.splitlines()``, once per file (it was split again for every function)."""
    return tuple(source.splitlines())


def _segment(source: str, node: ast.expr) -> str | None:
    """``ast.get_source_segment`` without splitting the whole source again at each call."""
    # get_source_segment splits the file into lines on every call: on the marked stdlib it
    # was 30% of a -j 1 generate run (a conditional raise's test per call).
    if node.end_lineno is None or node.end_col_offset is None:
        return None
    lines = _source_lines(source)
    first, last = node.lineno - 1, node.end_lineno - 1
    start, end = node.col_offset, node.end_col_offset  # UTF-8 byte columns
    if first == last:
        return lines[first].encode()[start:end].decode()
    return (lines[first].encode()[start:].decode() + "".join(lines[first + 1:last])
            + lines[last].encode()[:end].decode())


def _text(test: ast.expr, source: str | None) -> str | None:
    """The test as the source writes it, on one line (``ast.unparse`` without a source)."""
    if source is None:
        return ast.unparse(test)
    segment = _segment(source, test)
    if segment is None:
        return None
    if "\n" not in segment and "\r" not in segment:
        return segment
    # A test over several lines (inside brackets): comments dropped, lines joined. A string
    # spanning lines cannot be shown on one: no condition then.
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(segment).readline))
    except (tokenize.TokenError, SyntaxError):
        return None
    out: list[str] = []
    previous: tokenize.TokenInfo | None = None
    for token in tokens:
        if token.type in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT,
                          tokenize.DEDENT, tokenize.ENDMARKER):
            continue
        if token.start[0] != token.end[0]:
            return None
        if previous is not None:
            if previous.end[0] != token.start[0]:
                # A line break: a space, except just inside brackets.
                if previous.string not in ("(", "[", "{") and \
                        token.string not in (")", "]", "}"):
                    out.append(" ")
            else:
                out.append(" " * (token.start[1] - previous.end[1]))
        out.append(token.string)
        previous = token
    return "".join(out)


def _is_stub(body: list[ast.stmt]) -> bool:
    stmts = [s for s in body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant)
                                     and isinstance(s.value.value, str))]
    if not stmts:
        return True
    if len(stmts) != 1:
        return False
    stmt = stmts[0]
    if isinstance(stmt, ast.Pass) or (isinstance(stmt, ast.Expr)
                                      and isinstance(stmt.value, ast.Constant)
                                      and stmt.value.value is Ellipsis):
        return True
    if isinstance(stmt, ast.Raise) and stmt.exc is not None:
        exc = stmt.exc.func if isinstance(stmt.exc, ast.Call) else stmt.exc
        return isinstance(exc, ast.Name) and exc.id == "NotImplementedError"
    return False


# A linter's "unused argument" code silenced on purpose: ruff/flake8-unused-arguments'
# ARG001-ARG005, flake8-unused-arguments' U100/U101, pylint's unused-argument.
_UNUSED_NOQA = re.compile(r"#\s*noqa\s*:[^#]*\b(?:ARG00[1-5]|U10[01])\b"
                          r"|#\s*pylint:\s*disable\s*=[^#]*\bunused-argument\b", re.IGNORECASE)


# Jinja's decorators that pass the context/environment as the first argument of a filter.
_INJECTING = frozenset({"pass_context", "pass_eval_context", "pass_environment",
                        "contextfilter", "evalcontextfilter", "environmentfilter",
                        "contextfunction", "evalcontextfunction", "environmentfunction"})


def declared_unused(node: FunctionNode, lines: Sequence[str]) -> frozenset[str]:
    """The parameters a function's author declared unused on purpose.

    A parameter counts when a line it is written on silences a linter's unused-argument
    code (``context: Context,  # noqa: ARG001`` for an argument Jinja passes in, or the
    whole one-line signature's ``# noqa: ARG002``), or that Jinja passes in by a decorator
    (the first argument of a ``@pass_context`` filter), or a ``*args``/``**kwargs`` — and
    the body never reads it. Such an argument is part of an interface the function must
    accept, not something it uses; an argument the body reads is still asked for. A
    ``_name`` argument counts too, read or not: it is private to the implementation. So does
    a ``*args``/``**kwargs`` the body only passes on to another call (``_passed_on``).

    Args:
        node: The function.
        lines: The module's lines.

    Returns:
        The bare names of such parameters.
    """
    args = node.args
    every = [*args.posonlyargs, *args.args, *args.kwonlyargs]
    every += [a for a in (args.vararg, args.kwarg) if a is not None]
    silenced = [a for a in every if any(
        _UNUSED_NOQA.search(lines[n - 1]) for n in range(a.lineno, (a.end_lineno or a.lineno) + 1)
        if 0 < n <= len(lines))]
    positional = [*args.posonlyargs, *args.args]
    if positional and _INJECTING & set(decorator_names(node)):
        silenced.append(positional[0])
    # ``*args``/``**kwargs`` taken only to accept and ignore extra arguments.
    silenced += [a for a in (args.vararg, args.kwarg) if a is not None]
    # A ``_name`` argument is private to the implementation (pydoclint's
    # ``--ignore-underscore-args``, on by default), read or not.
    private = {a.arg for a in every if a.arg.startswith("_")}
    if not silenced or _is_stub(node.body):
        # A stub's body reads nothing by design: its arguments are the interface.
        return frozenset(private)
    # Walking the whole body (nested scopes too) is the cost here: an ASCII body that never
    # spells a name cannot read it, so such names are settled from the text alone.
    body = _body_text(node, lines)
    mentioned = {a.arg for a in silenced} if body is None else \
        {a.arg for a in silenced if re.search(rf"\b{re.escape(a.arg)}\b", body)}
    read = {sub.id for stmt in node.body for sub in ast.walk(stmt)
            if isinstance(sub, ast.Name)} if mentioned else set()
    passed = _passed_on(node) if mentioned & {a.arg for a in (args.vararg, args.kwarg)
                                              if a is not None} else set()
    return frozenset(private | {a.arg for a in silenced if a.arg not in read} | passed)


def _body_text(node: FunctionNode, lines: Sequence[str]) -> str | None:
    """The lines of a function's body (from its first statement's line), when all ASCII
    and at hand (else None: an identifier may be spelt in another Unicode form)."""
    if node.end_lineno is None or len(lines) < node.end_lineno:
        return None  # no lines given (a caller that only wants the annotations' facts)
    text = "\n".join(lines[node.body[0].lineno - 1:node.end_lineno])  # with or without ends
    return text if text.isascii() else None


def _passed_on(node: FunctionNode) -> set[str]:
    """The ``*args``/``**kwargs`` a function's body only hands on whole to another call.

    ``self.base_layer(x, *args, **kwargs)`` and ``super().walk(path, *args, **kwargs)``
    pass on what the callee documents (numpydoc's and Google's guides make "passed to X"
    optional; peft documents such ``*args`` in 0 of 5 functions, huggingface_hub's fsspec
    overrides in 0 of 11). Every use must be such a call, except that ``**kwargs`` may be
    peeked at without change (``kwargs.get("revision")``, ``"k" in kwargs``): the callee
    still receives the key. Indexing, iterating, rebinding, changing it (``pop``,
    ``kwargs["k"] = v``) or handing it to a builtin (``dict(**kwargs)``,
    ``"{a}".format(**kwargs)``) reads it: then it is asked for as any argument.
    """
    args = node.args
    names = {a.arg: star for a, star in ((args.vararg, "*"), (args.kwarg, "**"))
             if a is not None}
    if not names:
        return set()
    parents: dict[int, ast.AST] = {}
    for stmt in node.body:
        for outer in ast.walk(stmt):
            for child in ast.iter_child_nodes(outer):
                parents[id(child)] = outer
    forwarded: set[str] = set()
    spoiled: set[str] = set()
    for stmt in node.body:
        for sub in ast.walk(stmt):
            if not (isinstance(sub, ast.Name) and sub.id in names):
                continue
            parent = parents.get(id(sub))
            call = parents.get(id(parent)) if parent is not None else None
            whole = isinstance(call, ast.Call) and (
                (names[sub.id] == "*" and isinstance(parent, ast.Starred) and
                 parent in call.args) or
                (names[sub.id] == "**" and isinstance(parent, ast.keyword) and
                 parent.arg is None))
            if isinstance(call, ast.Call) and whole and not _consumes(call):
                forwarded.add(sub.id)
            elif not (names[sub.id] == "**" and _peeked(sub, parent, call)):
                spoiled.add(sub.id)
    return forwarded - spoiled


def _peeked(name: ast.Name, parent: ast.AST | None, call: ast.AST | None) -> bool:
    """Whether ``name`` is only looked into: ``name.get(...)`` or ``"k" in name``."""
    if isinstance(parent, ast.Attribute) and parent.attr == "get" and \
            isinstance(call, ast.Call) and call.func is parent:
        return True
    return isinstance(parent, ast.Compare) and name in parent.comparators and \
        all(isinstance(op, ast.In | ast.NotIn) for op in parent.ops)


def _consumes(call: ast.Call) -> bool:
    """Whether a call uses what it is given itself: a builtin (``dict``, ``print``) or a
    method of a literal (``"{a}".format``), not another function that documents it."""
    func = call.func
    if isinstance(func, ast.Name):
        return hasattr(builtins, func.id)
    return isinstance(func, ast.Attribute) and isinstance(func.value, ast.Constant |
                                                          ast.JoinedStr)


def function_facts(node: FunctionNode, class_name: str | None,
                   source: str | None = None,
                   lines: Sequence[str] | None = None) -> FunctionFacts:
    """Read the documentation facts of a function.

    Args:
        node: The function.
        class_name: The enclosing class, when the function is a method.
        source: The module's text, for the conditions of raises as the source writes them
            (without it they are ``ast.unparse``'s spelling).
        lines: The module's lines, when the caller has them split already (else split
            from ``source``), for the arguments a comment declares unused.

    Returns:
        Parameters, return and yield behaviour, raises and decorators' meaning.
    """
    decorators = decorator_names(node)
    args = node.args
    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
    defaults += args.defaults
    params: list[Param] = []
    for i, (arg, default) in enumerate(zip(positional, defaults, strict=True)):
        kind = "positional_only" if i < len(args.posonlyargs) else "normal"
        params.append(Param(arg.arg, unparse(arg.annotation), unparse(default), kind))
    if args.vararg:
        params.append(Param(f"*{args.vararg.arg}", unparse(args.vararg.annotation), None,
                            "var_positional"))
    for arg, kw_default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        params.append(Param(arg.arg, unparse(arg.annotation), unparse(kw_default),
                            "keyword_only"))
    if args.kwarg:
        params.append(Param(f"**{args.kwarg.arg}", unparse(args.kwarg.annotation), None,
                            "var_keyword"))
    implicit_first = class_name is not None and "staticmethod" not in decorators
    if implicit_first and params and params[0].kind in ("positional_only", "normal"):
        params.pop(0)

    returns_value = is_generator = yields_value = False
    for sub in own_nodes(node):
        if isinstance(sub, ast.Return) and sub.value is not None and not (
                isinstance(sub.value, ast.Constant) and sub.value.value is None):
            returns_value = True
        elif isinstance(sub, ast.Yield | ast.YieldFrom):
            is_generator = True
            yields_value = yields_value or isinstance(sub, ast.YieldFrom) or not (
                sub.value is None or (isinstance(sub.value, ast.Constant)
                                      and sub.value.value is None))
    return FunctionFacts(
        name=node.name,
        params=tuple(params),
        return_annotation=unparse(node.returns),
        returns_value=returns_value,
        is_generator=is_generator,
        is_async=isinstance(node, ast.AsyncFunctionDef),
        is_property=any(d in ("property", "cached_property") for d in decorators),
        is_abstract="abstractmethod" in decorators,
        is_overload="overload" in decorators,
        is_stub=_is_stub(node.body),
        raises=_raises(node, source),
        class_name=class_name,
        yields_value=yields_value,
        unused=declared_unused(node, lines) if lines is not None else
        frozenset() if source is None else declared_unused(node, _str_lines(source)),
    )


def class_facts(node: ast.ClassDef, lines: Sequence[str] | None = None) -> ClassFacts:
    """Read the documentation facts of a class.

    Attributes come from class-level annotations (dataclass fields included) and from
    ``self.x = ...`` assignments in ``__init__``; private names are left out, and so are
    aliases kept for compatibility (``compat_aliases``, read when ``lines`` are given).

    Args:
        node: The class.
        lines: The file's lines (the comments that say an alias is kept for compatibility).

    Returns:
        Bases, attributes and decorators' meaning.
    """
    attrs: dict[str, str | None] = {}
    sources: dict[str, str] = {}
    init_params: dict[str, str | None] = {}
    fields: set[str] = set()
    for stmt in node.body:
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            fields.add(stmt.target.id)
            attrs.setdefault(stmt.target.id, unparse(stmt.annotation))
        elif isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef) and stmt.name == "__init__":
            init_params = {p.name: p.annotation for p in function_facts(stmt, node.name).params}
            for sub in own_nodes(stmt):
                targets: list[ast.expr] = []
                annotation: str | None = None
                if isinstance(sub, ast.Assign):
                    targets = sub.targets
                elif isinstance(sub, ast.AnnAssign):
                    targets, annotation = [sub.target], unparse(sub.annotation)
                for target in targets:
                    if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) \
                            and target.value.id == "self":
                        value = getattr(sub, "value", None)
                        if annotation is None and isinstance(value, ast.Name):
                            annotation = init_params.get(value.id)
                        stored = _stored_argument(value, init_params)
                        if target.attr not in attrs and stored is not None:
                            sources[target.attr] = stored
                        attrs.setdefault(target.attr, annotation)
    # An attribute followed by its own docstring (what Sphinx, griffe and mkdocstrings show)
    # is documented: the class's Attributes section is not asked to say it again.
    documented = _attribute_docstrings(node) | _bulleted(node)
    if lines is not None:
        documented |= compat_aliases(node, lines, set(attrs))
    public = tuple(AttributeFact(name, ann, sources.get(name)) for name, ann in attrs.items()
                   if not name.startswith("_") and name not in documented)
    defined, dynamic = _defined_names(node)
    bases = tuple(ast.unparse(b) for b in node.bases)
    plain = all(b.rsplit(".", 1)[-1].split("[", 1)[0] in _PLAIN_BASES for b in bases)
    return ClassFacts(
        name=node.name,
        bases=bases,
        attributes=public,
        is_dataclass="dataclass" in decorator_names(node),
        fields=frozenset(fields),
        defined=frozenset(defined | set(attrs)),
        open_ended=dynamic or not plain,
    )


#: Words of a comment saying an alias is kept for old callers.
_COMPAT_RE = re.compile(r"(?i)\b(backwards?[- ]compat\w*|compat\w*|legacy|deprecated|alias)")


def _alias_of(stmt: ast.AST) -> tuple[str, str] | None:
    """``(alias, name)`` for ``self.alias = self.name`` (both public), else None."""
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1):
        return None
    target, value = stmt.targets[0], stmt.value
    if isinstance(target, ast.Attribute) and isinstance(value, ast.Attribute) and \
            isinstance(target.value, ast.Name) and isinstance(value.value, ast.Name) and \
            target.value.id == value.value.id == "self" and \
            not target.attr.startswith("_") and not value.attr.startswith("_"):
        return target.attr, value.attr
    return None


def compat_aliases(node: ast.ClassDef, lines: Sequence[str], known: set[str]) -> set[str]:
    """The attributes ``__init__`` sets as another attribute's alias kept for compatibility.

    ``self.rfilename = self.path`` under ``# backwards compatibility`` (huggingface_hub's
    ``RepoFile``): the old name of a documented attribute, kept for old callers, that the
    project does not want to advertise. The comment is on the line, or just above the run
    of such aliases; the aliased name is an attribute of the class. Without the comment
    (``self.initial = self.value``: a copy taken once, whose meaning differs later) the
    attribute is asked for as any.

    Args:
        node: The class.
        lines: The file's lines.
        known: The class's attributes.

    Returns:
        The aliases' names.
    """
    def line(number: int) -> str:
        return lines[number - 1] if 0 < number <= len(lines) else ""

    found: set[str] = set()
    for stmt in node.body:
        if not (isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef) and
                stmt.name == "__init__"):
            continue
        body = stmt.body
        for index, sub in enumerate(body):
            alias = _alias_of(sub)
            if alias is None or alias[1] not in known:
                continue
            first = index
            while first > 0 and _alias_of(body[first - 1]) is not None and \
                    body[first - 1].end_lineno == body[first].lineno - 1:
                first -= 1
            above = body[first].lineno - 1
            comment = line(sub.end_lineno or sub.lineno).partition("#")[2]
            while not comment and line(above).strip().startswith("#"):
                comment = line(above)
                if _COMPAT_RE.search(comment):
                    break
                comment, above = "", above - 1
            if _COMPAT_RE.search(comment):
                found.add(alias[0])
    return found


def _stored_argument(value: ast.expr | None, params: dict[str, str | None]) -> str | None:
    """The constructor argument a value is, as it is: ``x``, ``x or default``, or
    ``default if x is None else x``; None for anything computed from it."""
    if isinstance(value, ast.BoolOp) and isinstance(value.op, ast.Or):
        value = value.values[0]
    elif isinstance(value, ast.IfExp):
        value = value.orelse if isinstance(value.test, ast.Compare) and \
            isinstance(value.test.ops[0], ast.Is) else value.body
    if isinstance(value, ast.Name) and value.id in params:
        return value.id
    return None


# ``- uri (`HfUri`)``, ``* name: text``, ``- `name`: text``: a bullet naming an attribute,
# then its type in parentheses or a colon (a dash after the name is prose, not a list).
_BULLET_RE = re.compile(r"^\s*[-*+]\s+`?([A-Za-z_]\w*)`?\s*(?:\(|:)")


def _bulleted(node: ast.ClassDef) -> set[str]:
    """Names a class docstring lists as bullets (``- uri (`HfUri`)``, ``* name: text``).

    A list of the attributes in the docstring's prose documents them as an Attributes
    section would (huggingface_hub's ``BucketUrl``): what the reader is told is there.
    """
    expr = docstring_expr(node.body)
    if expr is None:
        return set()
    value = str(expr.value.value)  # type: ignore[attr-defined]  # a str, checked
    return {match.group(1) for line in value.splitlines()
            if (match := _BULLET_RE.match(line)) is not None}


def _attribute_docstrings(node: ast.ClassDef) -> set[str]:
    """Attributes documented by a string right after their assignment.

    At class level (``x: int = 0`` then a string statement) and for ``self.x = …`` in
    ``__init__``, in any of its blocks, as griffe and Sphinx's autodoc read them.
    """
    documented: set[str] = set()

    def scan(body: list[ast.stmt], of_self: bool) -> None:
        for stmt, after in itertools.pairwise(body):
            if not (isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant)
                    and isinstance(after.value.value, str)):
                continue
            targets = stmt.targets if isinstance(stmt, ast.Assign) else \
                [stmt.target] if isinstance(stmt, ast.AnnAssign) else []
            for target in targets:
                if not of_self and isinstance(target, ast.Name):
                    documented.add(target.id)
                elif of_self and isinstance(target, ast.Attribute) and \
                        isinstance(target.value, ast.Name) and target.value.id == "self":
                    documented.add(target.attr)
        if of_self:
            for stmt in body:
                if not isinstance(stmt, SCOPES):
                    for block in child_blocks(stmt):
                        scan(block, of_self)

    scan(node.body, of_self=False)
    for stmt in node.body:
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef) and stmt.name == "__init__":
            scan(stmt.body, of_self=True)
    return documented


# Bases that bring no documented attributes of their own: a class deriving only from these
# defines exactly what its code shows.
_PLAIN_BASES = frozenset({"object", "ABC", "Protocol", "Generic", "NamedTuple", "TypedDict"})


def _defined_names(node: ast.ClassDef) -> tuple[set[str], bool]:
    """Attribute names a class's code defines, and whether it also sets them dynamically."""
    names: set[str] = set()
    dynamic = False
    for base in node.bases:  # class P(namedtuple("P", "x y")): the fields are attributes
        if isinstance(base, ast.Call) and len(base.args) >= 2:
            fields = base.args[1]
            if isinstance(fields, ast.Constant) and isinstance(fields.value, str):
                names.update(fields.value.replace(",", " ").split())
            elif isinstance(fields, ast.List | ast.Tuple):
                names.update(e.value for e in fields.elts
                             if isinstance(e, ast.Constant) and isinstance(e.value, str))
    for stmt in node.body:
        targets: list[ast.expr] = []
        if isinstance(stmt, ast.Assign):
            targets = stmt.targets
        elif isinstance(stmt, ast.AnnAssign):
            targets = [stmt.target]
        for target in targets:
            if isinstance(target, ast.Name):
                names.add(target.id)
                value = getattr(stmt, "value", None)
                if target.id == "__slots__" and isinstance(value, ast.List | ast.Tuple):
                    names.update(e.value for e in value.elts
                                 if isinstance(e, ast.Constant) and isinstance(e.value, str))
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(stmt.name)
            for sub in own_nodes(stmt):
                if isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Name) and \
                        sub.value.id in ("self", "cls"):
                    if sub.attr == "__dict__":
                        dynamic = True  # self.__dict__.update(...) or a Borg's shared dict
                    elif isinstance(sub.ctx, ast.Store):
                        names.add(sub.attr)
                elif isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name) and \
                        sub.func.id == "setattr" and sub.args and \
                        isinstance(sub.args[0], ast.Name) and sub.args[0].id in ("self", "cls"):
                    dynamic = True
    return names, dynamic


def module_facts(tree: ast.Module, name: str) -> ModuleFacts:
    """Read the documentation facts of a module.

    Args:
        tree: The parsed module.
        name: The module name.

    Returns:
        The facts.
    """
    public = tuple(
        stmt.name for stmt in tree.body
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        and not stmt.name.startswith("_")
    )
    return ModuleFacts(name, public)


def _short(node: ast.AST | None, limit: int = 40) -> str:
    text = unparse(node) or ""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def describe_statement(stmt: ast.stmt) -> str:
    """Return a short verb phrase describing a statement (for generated comments).

    Args:
        stmt: The statement.

    Returns:
        A lower-case phrase such as ``loop over items``.
    """
    match stmt:
        case ast.Assign(targets=targets):
            return "set " + ", ".join(_short(t, 24) for t in targets[:3])
        case ast.AugAssign(target=target):
            return f"update {_short(target, 24)}"
        case ast.AnnAssign(target=target):
            return f"declare {_short(target, 24)}"
        case ast.Expr(value=ast.Await(value=ast.Call(func=func))):
            return f"await {_short(func, 30)}"
        case ast.Expr(value=ast.Call(func=func)):
            return f"call {_short(func, 30)}"
        case ast.Return(value=None):
            return "return"
        case ast.Return(value=value):
            return f"return {_short(value, 30)}"
        case ast.For(iter=it) | ast.AsyncFor(iter=it):
            return f"loop over {_short(it, 30)}"
        case ast.While(test=test):
            return f"loop while {_short(test, 30)}"
        case ast.If(test=test):
            return f"check {_short(test, 30)}"
        case ast.With(items=items) | ast.AsyncWith(items=items):
            return "use " + ", ".join(_short(i.context_expr, 24) for i in items[:2])
        case ast.Try():
            return "handle errors"
        case ast.Raise(exc=exc):
            return f"raise {_short(exc, 30)}" if exc is not None else "re-raise the error"
        case ast.Import(names=names) | ast.ImportFrom(names=names):
            return "import " + ", ".join(a.asname or a.name for a in names[:3])
        case ast.FunctionDef(name=name) | ast.AsyncFunctionDef(name=name):
            return f"define {name}"
        case ast.ClassDef(name=name):
            return f"define class {name}"
        case ast.Delete(targets=targets):
            return "delete " + ", ".join(_short(t, 24) for t in targets[:3])
        case ast.Assert(test=test):
            return f"assert {_short(test, 30)}"
        case ast.Pass():
            return "do nothing"
        case _:
            return type(stmt).__name__.lower()
