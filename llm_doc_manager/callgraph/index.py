"""Index one module: its definitions, what its names are bound to, and its call sites.

The index is a pure function of the file's text and module name (no other file is read), so
it can be cached by content hash and recomputed for one file when an editor changes it;
joining indexes into calls is ``resolve``'s job.
"""

from __future__ import annotations

import ast
from pathlib import Path

from llm_doc_manager.analysis.load import parse_source
from llm_doc_manager.analysis.nodes import docstring_expr, summary_of
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
    SITE_CALL,
    SITE_READ,
    SITE_REF,
    SUPER,
    UNKNOWN,
    VALUE,
    Binding,
    Chain,
    Definition,
    ModuleIndex,
    Scope,
    Site,
)
from llm_doc_manager.codes import Finding
from llm_doc_manager.source import syntax
from llm_doc_manager.source.positions import split_lines

#: Callables whose first argument is a function they will call (a reference, not a call).
_TAKES_FUNCTION = frozenset({"partial", "partialmethod", "map", "filter", "reduce", "starmap",
                             "filterfalse", "takewhile", "dropwhile", "accumulate"})
#: Keyword arguments that hand over a function to be called later.
_FUNCTION_KEYWORDS = frozenset({"key", "target", "callback", "default_factory"})
#: Decorators that are not calls worth reporting (builtins that only wrap).
_PLAIN_DECORATORS = frozenset({"property", "staticmethod", "classmethod", "setter", "getter",
                               "deleter", "abstractmethod", "override", "overload"})
_LITERALS: dict[type, str] = {
    ast.List: "list", ast.ListComp: "list", ast.Dict: "dict", ast.DictComp: "dict",
    ast.Set: "set", ast.SetComp: "set", ast.Tuple: "tuple", ast.JoinedStr: "str",
    ast.GeneratorExp: "generator",
}
_FUNCTION = (ast.FunctionDef, ast.AsyncFunctionDef)


def module_index(text: str, module: str, is_package: bool, filename: str = "<unknown>",
                 tree: ast.Module | None = None) -> ModuleIndex:
    """Index a module's text.

    Args:
        text: The decoded source.
        module: Its dotted name.
        is_package: Whether it is a package's ``__init__``.
        filename: Used in syntax error messages only.
        tree: The text's syntax tree, when the caller has parsed it already.

    Returns:
        The index; on a syntax error, an empty index whose ``error`` says why.
    """
    index = ModuleIndex(module, is_package)
    parsed = parse_source(Path(filename), text) if tree is None else tree
    if isinstance(parsed, Finding):
        index.error, index.error_line = parsed.message, parsed.line
        return index
    tree = parsed
    try:
        _Indexer(index, text).module(tree)
    except RecursionError:  # absurdly deep expressions: the file is reported, not the run
        return ModuleIndex(module, is_package, error="expressions nested too deeply to index")
    return index


def chain_of(node: ast.expr) -> Chain:
    """Return the chain of an expression (``a.b().c`` -> ``("a", "b", "()", "c")``)."""
    steps: list[str] = []
    while True:
        kind = type(node)
        if kind is ast.Attribute:
            steps.append(node.attr)  # type: ignore[attr-defined]
            node = node.value  # type: ignore[attr-defined]
        elif kind is ast.Name:
            steps.append(node.id)  # type: ignore[attr-defined]
            break
        elif kind is ast.Subscript and _is_generic_alias(node):
            node = node.value  # type: ignore[attr-defined]  # ``Box[int]`` is ``Box``
        elif kind is ast.Call:
            func = node.func  # type: ignore[attr-defined]
            if type(func) is ast.Name and func.id == "super":
                steps.append(SUPER)
                break
            args = node.args  # type: ignore[attr-defined]
            if type(func) is ast.Name and func.id == "getattr" and len(args) >= 2 \
                    and type(args[1]) is ast.Constant and isinstance(args[1].value, str):
                steps.append(args[1].value)
                steps.append(GETATTR)
                break
            steps.append(CALL)
            node = func
        else:
            steps.append(OPAQUE)
            break
    steps.reverse()
    return tuple(steps)


def _is_generic_alias(node: ast.expr) -> bool:
    """Whether a subscript parametrizes a class (``Box[int]``, ``t.Generic[T]``).

    By the name's shape, as written: a CapWords name (``Box``, ``ParamType``), not a
    variable (``items[0]``) nor a constant (``TABLE[key]``). Calling or reading an attribute
    of ``Box[int]`` is calling or reading one of ``Box``.
    """
    value = node.value  # type: ignore[attr-defined]
    while type(value) is ast.Subscript:
        value = value.value
    if type(value) is ast.Name:
        name = value.id
    elif type(value) is ast.Attribute:
        name = value.attr
    else:
        return False
    bare = name.lstrip("_")
    return bare[:1].isupper() and not bare.isupper()


def _unsubscripted(node: ast.expr) -> ast.expr:
    """A base class without its type arguments (``ParamType[str]`` -> ``ParamType``)."""
    while isinstance(node, ast.Subscript):
        node = node.value
    return node


def annotation_chains(node: ast.expr | None) -> tuple[Chain, ...]:
    """Return the chains of the classes an annotation names (``Optional[B]`` -> ``B``).

    Containers (``list[B]``) name their own class, not their items'; a string annotation is
    parsed; anything else (``Callable[...]``, literals) names nothing.
    """
    if node is None:
        return ()
    kind = type(node)
    if kind is ast.Constant and isinstance(node.value, str):  # type: ignore[attr-defined]
        try:
            text: str = node.value  # type: ignore[attr-defined]
            parsed = syntax.parse(text.strip(), mode="eval").body
        except (SyntaxError, ValueError, RecursionError):
            return ()
        return annotation_chains(parsed)
    if kind is ast.BinOp and isinstance(node.op, ast.BitOr):  # type: ignore[attr-defined]
        return annotation_chains(node.left) + annotation_chains(node.right)  # type: ignore[attr-defined]
    if kind is ast.Subscript:
        outer = chain_of(node.value)  # type: ignore[attr-defined]
        if outer[-1] in ("Optional", "Union", "Annotated", "Final", "ClassVar", "Type", "type"):
            inner = node.slice  # type: ignore[attr-defined]
            items = inner.elts if type(inner) is ast.Tuple else [inner]
            if outer[-1] == "Annotated":
                items = items[:1]
            return tuple(c for item in items for c in annotation_chains(item))
        return (outer,) if outer[0] != OPAQUE else ()
    if kind is ast.Name or kind is ast.Attribute:
        chain = chain_of(node)
        return () if chain[0] == OPAQUE or chain == ("None",) else (chain,)
    return ()


class _Indexer:
    """One walk over a module's tree, scope by scope."""

    def __init__(self, index: ModuleIndex, text: str) -> None:
        self.index = index
        self.text = text
        self._lines: list[str] | None = None
        # ``ModuleIndex`` starts with its module scope (scope 0).
        self.owner = -1
        self.scope = 0
        self.func_scope = 0  # innermost function or module scope: where a def's body looks up

    # -- positions -----------------------------------------------------------------------

    def line(self, number: int) -> str:
        """Return the text of a 1-based line (without its ending)."""
        if self._lines is None:
            self._lines = [line.rstrip("\r\n") for line in split_lines(self.text)]
        return self._lines[number - 1] if 0 < number <= len(self._lines) else ""

    def col(self, number: int, byte_col: int) -> int:
        """Turn ``ast``'s UTF-8 byte column into a character column."""
        if byte_col == 0:
            return 0
        text = self.line(number)
        if text.isascii():
            return byte_col
        return len(text.encode("utf-8")[:byte_col].decode("utf-8", errors="replace"))

    # -- bindings ------------------------------------------------------------------------

    def bind(self, name: str, kind: str, payload: tuple[object, ...] = ()) -> None:
        """Bind a name in the current scope (or the module's, after ``global``)."""
        scope = self.index.scopes[self.scope]
        target = 0 if name in scope.declared_global else self.scope
        self.index.scopes[target].bindings.setdefault(name, []).append(
            Binding(self.scope, kind, payload))

    def describe(self, value: ast.expr) -> list[tuple[str, tuple[object, ...]]]:
        """Return what an assigned expression may hold, as binding kinds and payloads."""
        kind = type(value)
        if kind is ast.Name or kind is ast.Attribute or kind is ast.Subscript:
            # ``Alias = Base[int]`` is an alias of ``Base``; ``x = items[0]`` is unknown.
            chain = chain_of(value)
            return [(VALUE, (chain,))] if chain[0] != OPAQUE else [(UNKNOWN, ())]
        if kind is ast.Call:
            func = value.func  # type: ignore[attr-defined]
            chain = chain_of(func)
            args = value.args  # type: ignore[attr-defined]
            if chain[-1] == "partial" and args and type(args[0]) in (ast.Name, ast.Attribute):
                return self.describe(args[0])  # calling the partial calls the function
            if chain[-1] == "__new__" and args and type(args[0]) is ast.Name:
                return [(INSTANCE, (chain_of(args[0]),))]  # ``X.__new__(cls)``: a cls
            return [(RESULT, (chain,))] if chain[0] != OPAQUE else [(UNKNOWN, ())]
        if kind is ast.BoolOp:
            return [d for item in value.values for d in self.describe(item)]  # type: ignore[attr-defined]
        if kind is ast.IfExp:
            return self.describe(value.body) + self.describe(value.orelse)  # type: ignore[attr-defined]
        if kind is ast.Lambda:
            return [(UNKNOWN, ("a lambda: its calls are counted where it is written",))]
        if kind is ast.NamedExpr:
            return self.describe(value.value)  # type: ignore[attr-defined]
        if kind is ast.Constant:
            literal = value.value  # type: ignore[attr-defined]
            return [] if literal is None or literal is Ellipsis else \
                [(LITERAL, (type(literal).__name__,))]
        if kind in _LITERALS:
            return [(LITERAL, (_LITERALS[kind],))]
        return [(UNKNOWN, ())]

    def assign(self, target: ast.expr, value: ast.expr | None) -> None:
        """Bind the names an assignment target binds, to what the value may hold."""
        kind = type(target)
        if kind is ast.Name:
            described = self.describe(value) if value is not None else [(UNKNOWN, ())]
            for binding_kind, payload in described or [(LITERAL, ("NoneType",))]:
                self.bind(target.id, binding_kind, payload)  # type: ignore[attr-defined]
        elif kind is ast.Attribute:
            self.assign_attribute(target, value)  # type: ignore[arg-type]
        elif kind is ast.Tuple or kind is ast.List:
            items = target.elts  # type: ignore[attr-defined]
            values = value.elts if isinstance(value, (ast.Tuple, ast.List)) \
                and len(value.elts) == len(items) else None
            for position, item in enumerate(items):
                self.assign(item, values[position] if values is not None else None)
        elif kind is ast.Starred:
            self.assign(target.value, None)  # type: ignore[attr-defined]
        else:
            self.expr(target)  # a subscript target: its inside is read

    def assign_attribute(self, target: ast.Attribute, value: ast.expr | None) -> None:
        """Record ``self.x = value`` for the class of the method it is in."""
        self.expr(target.value)
        self.bind_attribute(target, self.describe(value) if value is not None
                            else [(UNKNOWN, ())])

    def bind_attribute(self, target: ast.Attribute,
                       described: list[tuple[str, tuple[object, ...]]]) -> bool:
        """Bind ``self.x`` of a method's class; False when the target is not such."""
        base = target.value
        cls = self.self_class(base.id) if type(base) is ast.Name else -1
        if cls < 0:
            return False
        attrs = self.index.class_attrs.setdefault(cls, {}).setdefault(target.attr, [])
        attrs.extend(Binding(self.scope, kind, payload) for kind, payload in described)
        return True

    def self_class(self, name: str) -> int:
        """Return the class whose instance ``name`` is in this scope (a method's self)."""
        scope = self.index.scopes[self.scope]
        for binding in scope.bindings.get(name, ()):
            if binding.kind == SELF and binding.scope == self.scope:
                return binding.payload[0]  # type: ignore[return-value]
        return -1

    # -- statements ----------------------------------------------------------------------

    def module(self, tree: ast.Module) -> None:
        """Index a module body."""
        self.block(tree.body)

    def block(self, body: list[ast.stmt]) -> None:
        """Index a list of statements in the current scope."""
        for stmt in body:
            self.stmt(stmt)

    def stmt(self, node: ast.stmt) -> None:
        """Index one statement."""
        kind = type(node)
        if kind in _FUNCTION:
            self.function(node)  # type: ignore[arg-type]
        elif kind is ast.ClassDef:
            self.klass(node)  # type: ignore[arg-type]
        elif kind is ast.Assign:
            self.expr(node.value)  # type: ignore[attr-defined]
            for target in node.targets:  # type: ignore[attr-defined]
                self.assign(target, node.value)  # type: ignore[attr-defined]
        elif kind is ast.AnnAssign:
            if node.value is not None:  # type: ignore[attr-defined]
                self.expr(node.value)  # type: ignore[attr-defined]
            self.annotated(node)  # type: ignore[arg-type]
        elif kind is ast.AugAssign:
            self.expr(node.value)  # type: ignore[attr-defined]
            target = node.target  # type: ignore[attr-defined]
            if type(target) is not ast.Name:
                self.expr(target)
        elif kind is ast.Import:
            for alias in node.names:  # type: ignore[attr-defined]
                if alias.asname:
                    self.bind(alias.asname, MODULE, (alias.name,))
                else:
                    top = alias.name.partition(".")[0]
                    self.bind(top, MODULE, (top,))
        elif kind is ast.ImportFrom:
            self.import_from(node)  # type: ignore[arg-type]
        elif kind is ast.For or kind is ast.AsyncFor:
            self.expr(node.iter)  # type: ignore[attr-defined]
            self.assign(node.target, None)  # type: ignore[attr-defined]
            self.block(node.body)  # type: ignore[attr-defined]
            self.block(node.orelse)  # type: ignore[attr-defined]
        elif kind is ast.With or kind is ast.AsyncWith:
            for item in node.items:  # type: ignore[attr-defined]
                self.expr(item.context_expr)
                if item.optional_vars is not None:
                    self.assign(item.optional_vars, None)
            self.block(node.body)  # type: ignore[attr-defined]
        elif kind is ast.Try or kind.__name__ == "TryStar":
            self.block(node.body)  # type: ignore[attr-defined]
            for handler in node.handlers:  # type: ignore[attr-defined]
                if handler.type is not None:
                    self.expr(handler.type)
                if handler.name:
                    for chain in annotation_chains(handler.type) or [()]:
                        if chain:
                            self.bind(handler.name, INSTANCE, (chain,))
                self.block(handler.body)
            self.block(node.orelse)  # type: ignore[attr-defined]
            self.block(node.finalbody)  # type: ignore[attr-defined]
        elif kind is ast.If or kind is ast.While:
            self.expr(node.test)  # type: ignore[attr-defined]
            self.block(node.body)  # type: ignore[attr-defined]
            self.block(node.orelse)  # type: ignore[attr-defined]
        elif kind is ast.Global:
            self.index.scopes[self.scope].declared_global.update(node.names)  # type: ignore[attr-defined]
        elif kind.__name__ == "TypeAlias":  # ``type Alias = Base[int]`` (3.12)
            self.expr(node.value)  # type: ignore[attr-defined]
            self.assign(node.name, node.value)  # type: ignore[attr-defined]
        elif kind is ast.Match:
            self.expr(node.subject)  # type: ignore[attr-defined]
            for case in node.cases:  # type: ignore[attr-defined]
                for sub in ast.walk(case.pattern):
                    name = getattr(sub, "name", None) or getattr(sub, "rest", None)
                    if isinstance(name, str):
                        self.bind(name, UNKNOWN)
                    if isinstance(sub, ast.MatchValue):
                        self.expr(sub.value)
                if case.guard is not None:
                    self.expr(case.guard)
                self.block(case.body)
        else:  # Expr, Return, Raise, Assert, Delete, ...: only their expressions matter
            for name in node._fields:
                value = getattr(node, name, None)
                if isinstance(value, ast.expr):
                    self.expr(value)
                elif isinstance(value, list):
                    for item in value:
                        if isinstance(item, ast.expr):
                            self.expr(item)

    def annotated(self, node: ast.AnnAssign) -> None:
        """Bind an annotated assignment: the annotation says what it holds."""
        target = node.target
        chains = annotation_chains(node.annotation)
        if chains and chains[0][-1] == "TypeAlias" and node.value is not None:
            self.assign(target, node.value)  # ``Alias: TypeAlias = Base[int]``: an alias
            return
        if type(target) is ast.Name:
            name = target.id
            for chain in chains:
                self.bind(name, INSTANCE, (chain,))
            if node.value is not None:
                for binding_kind, payload in self.describe(node.value):
                    self.bind(name, binding_kind, payload)
            if not chains and node.value is None:
                self.bind(name, UNKNOWN)
        elif type(target) is ast.Attribute:
            described: list[tuple[str, tuple[object, ...]]] = [
                (INSTANCE, (chain,)) for chain in chains]
            if node.value is not None:
                described += self.describe(node.value)
            if not self.bind_attribute(target, described):
                self.expr(target)
        else:
            self.expr(target)

    def import_from(self, node: ast.ImportFrom) -> None:
        """Bind the names of ``from m import a as b`` (relative modules made absolute)."""
        module = node.module or ""
        if node.level:
            parts = self.index.module.split(".")
            keep = len(parts) - node.level + (1 if self.index.is_package else 0)
            base = ".".join(parts[:max(keep, 0)])
            module = f"{base}.{module}" if base and module else base or module
        for alias in node.names:
            if alias.name == "*":
                self.index.scopes[self.scope].stars.append(module)
            else:
                self.bind(alias.asname or alias.name, FROM, (module, alias.name))

    def new_def(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, kind: str,
                body_scope: int) -> int:
        """Record a definition and return its index."""
        index = self.index
        parent = self.owner
        if parent < 0:
            qualname = node.name
        elif index.defs[parent].kind == "class":
            qualname = f"{index.defs[parent].qualname}.{node.name}"
        else:
            qualname = f"{index.defs[parent].qualname}.<locals>.{node.name}"
        keyword = "class" if kind == "class" else (
            "async def" if isinstance(node, ast.AsyncFunctionDef) else "def")
        line_text = self.line(node.lineno)
        col = self.col(node.lineno, node.col_offset)
        name_col = line_text.find(node.name, col + len(keyword.split()[-1]))
        decorators = []
        for dec in node.decorator_list:
            chain = chain_of(dec.func if isinstance(dec, ast.Call) else dec)
            decorators.append(chain[-1])
        doc = docstring_expr(node.body)
        summary = summary_of(doc.value.value) if doc is not None else ""  # type: ignore[attr-defined]
        returns: tuple[Chain, ...] = ()
        bases: tuple[Chain, ...] = ()
        if isinstance(node, ast.ClassDef):
            # A subscripted base is the class it parametrizes, whatever its name's case
            # (``Base[T]``, ``t.Generic[T]``, ``dict[str, int]``). A base the code does not
            # name (``*bases``) is kept as an opaque chain: the MRO is then incomplete.
            bases = tuple(chain_of(_unsubscripted(b)) for b in node.bases)
            signature = f"class {node.name}" + (
                f"({', '.join(ast.unparse(b) for b in node.bases)})" if node.bases else "")
        else:
            returns = annotation_chains(node.returns)
            signature = f"{keyword} {node.name}({ast.unparse(node.args)})" + (
                f" -> {ast.unparse(node.returns)}" if node.returns is not None else "")
        start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        end_line = node.end_lineno or node.lineno
        index.defs.append(Definition(
            qualname, node.name, kind, node.lineno, end_line, start,
            self.col(end_line, node.end_col_offset or 0), node.lineno,
            name_col if name_col >= 0 else col, parent, self.scope, body_scope,
            tuple(decorators), bases, returns, signature, summary))
        return len(index.defs) - 1

    def function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        """Index a def: its decorators and defaults here, its body in a scope of its own."""
        for dec in node.decorator_list:
            self.decorator(dec)
        args = node.args
        for default in (*args.defaults, *args.kw_defaults):
            if default is not None:
                self.expr(default)
        in_class = self.index.scopes[self.scope].kind == "class"
        class_def = self.owner if in_class else -1
        scopes = self.index.scopes
        body_scope = len(scopes)
        scopes.append(Scope("function", self.func_scope, -1))
        number = self.new_def(node, "method" if in_class else "function", body_scope)
        scopes[body_scope].owner = number
        self.bind(node.name, DEF, (number,))
        saved = self.owner, self.scope, self.func_scope
        self.owner, self.scope, self.func_scope = number, body_scope, body_scope
        params = [*args.posonlyargs, *args.args]
        decorators = self.index.defs[number].decorators
        first = None
        if class_def >= 0 and params and "staticmethod" not in decorators:
            first = params[0].arg
            is_cls = "classmethod" in decorators or node.name in (
                "__new__", "__init_subclass__", "__class_getitem__")
            self.bind(first, CLS if is_cls else SELF, (class_def,))
        for param in (*params, *args.kwonlyargs, args.vararg, args.kwarg):
            if param is None or param.arg == first:
                continue
            chains = annotation_chains(param.annotation) \
                if param not in (args.vararg, args.kwarg) else ()
            for chain in chains:
                self.bind(param.arg, INSTANCE, (chain,))
            if not chains:
                self.bind(param.arg, UNKNOWN)
        self.block(node.body)
        self.owner, self.scope, self.func_scope = saved

    def klass(self, node: ast.ClassDef) -> None:
        """Index a class: bases and decorators here, its body in a class scope."""
        for dec in node.decorator_list:
            self.decorator(dec)
        for base in node.bases:
            self.expr(base)
        for keyword in node.keywords:
            self.expr(keyword.value)
        scopes = self.index.scopes
        body_scope = len(scopes)
        scopes.append(Scope("class", self.func_scope, -1))  # methods never see it
        number = self.new_def(node, "class", body_scope)
        scopes[body_scope].owner = number
        self.bind(node.name, DEF, (number,))
        saved = self.owner, self.scope
        self.owner, self.scope = number, body_scope
        self.block(node.body)
        self.owner, self.scope = saved

    def decorator(self, node: ast.expr) -> None:
        """A decorator is called when the definition runs, unless it only wraps."""
        target = node.func if isinstance(node, ast.Call) else node
        chain = chain_of(target)
        if isinstance(node, ast.Call):
            self.expr(node)
        elif chain[-1] not in _PLAIN_DECORATORS:
            self.site(SITE_CALL, node, chain)
            self.chain_inside(node)

    # -- expressions ---------------------------------------------------------------------

    def site(self, kind: str, node: ast.expr, chain: Chain) -> None:
        """Record a call site of ``node`` (the callee expression)."""
        line = node.lineno
        col = self.col(line, node.col_offset)
        end_line = node.end_lineno or line
        end = self.col(end_line, node.end_col_offset or 0)
        if type(node) is ast.Attribute:
            name_line, name_end = end_line, end
            name_col = max(end - len(node.attr), 0)
        else:
            name_line, name_col, name_end = line, col, end if end_line == line else col
        if end_line == line:
            text = self.line(line)[col:end]
        else:
            text = ".".join(step for step in chain if step != CALL)
        self.index.sites.append(Site(self.owner, self.scope, kind, chain, line, col, name_line,
                                     name_col, name_end, text))

    def chain_inside(self, node: ast.expr) -> None:
        """Walk what a callee chain holds besides its links (arguments of inner calls)."""
        while True:
            kind = type(node)
            if kind is ast.Attribute:
                node = node.value  # type: ignore[attr-defined]
            elif kind is ast.Call:
                self.call(node)  # type: ignore[arg-type]
                return
            elif kind is ast.Name:
                return
            else:
                self.expr(node)
                return

    def call(self, node: ast.Call) -> None:
        """Record a call and walk its parts."""
        func = node.func
        chain = chain_of(func)
        # super() and getattr(obj, "m") themselves are plumbing: the call of interest is the
        # method called on (or with) what they return, recorded with the outer call.
        own = chain_of(node)
        if not (own == (SUPER,) or (own[0] == GETATTR and len(own) == 2)):
            self.site(SITE_CALL, func, chain)
        self.chain_inside(func)
        if chain[-1] in _TAKES_FUNCTION and node.args:
            self.reference(node.args[0])
        for arg in node.args:
            self.expr(arg)
        for keyword in node.keywords:
            if keyword.arg in _FUNCTION_KEYWORDS:
                self.reference(keyword.value)
            self.expr(keyword.value)

    def reference(self, node: ast.expr) -> None:
        """Record a function handed over to be called (``partial(f)``)."""
        if type(node) is ast.Name or type(node) is ast.Attribute:
            chain = chain_of(node)
            if chain[0] != OPAQUE:
                self.site(SITE_REF, node, chain)

    def expr(self, node: ast.expr) -> None:
        """Walk an expression, recording calls and attribute reads."""
        stack: list[ast.AST] = [node]
        while stack:
            item: ast.AST = stack.pop()
            kind = type(item)
            if kind is ast.Name or kind is ast.Constant:
                continue
            if kind is ast.Call:
                self.call(item)  # type: ignore[arg-type]
            elif kind is ast.Attribute:
                if type(item.ctx) is ast.Load:  # type: ignore[attr-defined]
                    chain = chain_of(item)  # type: ignore[arg-type]
                    if chain[0] != OPAQUE:
                        self.site(SITE_READ, item, chain)  # type: ignore[arg-type]
                self.chain_inside(item)  # type: ignore[arg-type]
            elif kind is ast.NamedExpr:
                stack.append(item.value)  # type: ignore[attr-defined]
                self.assign(item.target, item.value)  # type: ignore[attr-defined]
            elif kind is ast.Lambda:
                stack.append(item.body)  # type: ignore[attr-defined]
                args = item.args  # type: ignore[attr-defined]
                stack.extend(d for d in (*args.defaults, *args.kw_defaults) if d is not None)
            elif kind is ast.comprehension:
                stack.append(item.iter)  # type: ignore[attr-defined]
                stack.extend(item.ifs)  # type: ignore[attr-defined]
                self.assign(item.target, None)  # type: ignore[attr-defined]
            else:
                for name in item._fields:
                    value = getattr(item, name, None)
                    if isinstance(value, ast.AST):
                        stack.append(value)
                    elif isinstance(value, list):
                        stack.extend(v for v in value if isinstance(v, ast.AST))
