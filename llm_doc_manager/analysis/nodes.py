"""Small questions asked of ``ast`` nodes, and the one walk over a module's definitions."""

from __future__ import annotations

import ast
import functools
import os
import stat
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from llm_doc_manager.config import PLACEHOLDER
from llm_doc_manager.source import syntax
from llm_doc_manager.source.discovery import nearest_project

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef
DefNode = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
#: Nodes that open a scope of their own: a walk of one scope stops at them.
SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


def unparse(node: ast.AST | None) -> str | None:
    """Return the source of an expression, or None.

    Args:
        node: The expression.

    Returns:
        Its source as ``ast.unparse`` writes it (not the original spelling).
    """
    return None if node is None else ast.unparse(node)


def decorator_names(node: DefNode) -> list[str]:
    """Return the last dotted component of each decorator (``functools.cache`` -> ``cache``).

    Args:
        node: A def or class.

    Returns:
        The names.
    """
    names = []
    for dec in node.decorator_list:
        target = dec.func if isinstance(dec, ast.Call) else dec
        if isinstance(target, ast.Attribute):
            names.append(target.attr)
        elif isinstance(target, ast.Name):
            names.append(target.id)
    return names


def is_overload(node: DefNode) -> bool:
    """Tell whether a def is an ``@overload`` stub (``typing``, ``typing_extensions``, any alias).

    Args:
        node: A def or class.

    Returns:
        True for a function decorated ``@overload``, ``@typing.overload`` or ``@t.overload``.
    """
    return not isinstance(node, ast.ClassDef) and "overload" in decorator_names(node)


def is_accessor(node: DefNode) -> bool:
    """Tell whether a def is a property's setter or deleter (``@name.setter``, ``@name.deleter``).

    Args:
        node: A def or class.

    Returns:
        True when the property's own docstring covers it.
    """
    return not isinstance(node, ast.ClassDef) and any(
        isinstance(dec, ast.Attribute) and dec.attr in ("setter", "deleter")
        and isinstance(dec.value, ast.Name) for dec in node.decorator_list)


def walk_own(nodes: list[ast.stmt]) -> Iterator[ast.AST]:
    """Walk statements without entering nested functions, classes or lambdas.

    The singleton nodes of contexts and operators (``Load``, ``Add``, ``Eq``…) are left out:
    they carry no position and no question is ever asked of them.

    Args:
        nodes: A body.

    Yields:
        ast.AST: Every node that belongs to this scope, depth first in source order.
    """
    yield from _own_list(nodes)


#: Nodes a walk of one scope does not enter or list: nested scopes met below a statement,
#: and the shared context and operator singletons.
_NOT_OWN = (*SCOPES, ast.expr_context, ast.operator, ast.boolop, ast.unaryop, ast.cmpop)


def _own_list(nodes: list[ast.stmt]) -> list[ast.AST]:
    """``walk_own``'s nodes as a list, built without a generator step per node."""
    # Fields are read directly rather than through ast.iter_child_nodes, and children go
    # straight onto the stack in reverse: this walk runs over every function of a run.
    found: list[ast.AST] = []
    stack: list[ast.AST] = list(reversed(nodes))
    pop, push, keep = stack.pop, stack.append, found.append
    while stack:
        node = pop()
        keep(node)
        if isinstance(node, SCOPES):  # a nested def in the body: its inside is not ours
            continue
        for name in reversed(node._fields):
            value = getattr(node, name, None)
            if isinstance(value, list):
                for item in reversed(value):
                    if isinstance(item, ast.AST) and not isinstance(item, _NOT_OWN):
                        push(item)
            elif isinstance(value, ast.AST) and not isinstance(value, _NOT_OWN):
                push(value)
    return found


# A run asks several questions of each function's own nodes (returns and yields, raises,
# attributes stored on self, the truth checks): walking the body once and keeping the nodes
# for as long as the tree lives spares the repeated walks, the larger share of planning.
_OWN: weakref.WeakKeyDictionary[ast.AST, tuple[ast.AST, ...]] = weakref.WeakKeyDictionary()


def own_nodes(node: FunctionNode) -> tuple[ast.AST, ...]:
    """Return ``walk_own(node.body)``'s nodes, in its order, walked once per function.

    Args:
        node: A function (its tree must not be changed afterwards).

    Returns:
        Every node of the function's own scope.
    """
    found = _OWN.get(node)
    if found is None:
        found = _OWN[node] = tuple(_own_list(node.body))
    return found


def child_blocks(stmt: ast.stmt) -> Iterator[list[ast.stmt]]:
    """Yield the statement lists nested directly in a compound statement.

    Args:
        stmt: Any statement.

    Yields:
        Each body, else-branch, handler body and case body.
    """
    for name in ("body", "orelse", "finalbody"):
        block = getattr(stmt, name, None)
        if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
            yield block
    for holder in (*getattr(stmt, "handlers", ()), *getattr(stmt, "cases", ())):
        yield holder.body


def first_line(stmt: ast.stmt) -> int:
    """Return the first line of a statement, decorators included.

    Args:
        stmt: The statement.

    Returns:
        1-based line.
    """
    decorators = getattr(stmt, "decorator_list", None)
    return min(stmt.lineno, *(d.lineno for d in decorators)) if decorators else stmt.lineno


def init_of(cls: ast.ClassDef) -> FunctionNode | None:
    """Return a class's own ``__init__`` (defined in its body), if it has one.

    Args:
        cls: The class.

    Returns:
        The def, or None.
    """
    return next((stmt for stmt in cls.body if isinstance(stmt, (ast.FunctionDef,
                 ast.AsyncFunctionDef)) and stmt.name == "__init__"), None)


def docstring_expr(body: list[ast.stmt]) -> ast.Expr | None:
    """Return the docstring statement of a body, if it has one.

    Args:
        body: A module, class or function body.

    Returns:
        ast.Expr | None: The string expression statement.
    """
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        return body[0]
    return None


def describes(body: list[ast.stmt]) -> bool:
    """Whether a body opens with a docstring that says something: one whose summary is the
    placeholder is what ``generate`` writes where nobody has described the definition yet.

    Every share a rule learns what a project leaves undocumented from is counted with it
    (a family, a package's properties, a module's helpers, its ``__init__`` methods): such
    a rule must not change its mind because ``generate`` filled the rest of the population
    with placeholders, or a second run asks for what the first exempted (peft: the ``get_*``
    helpers of ``method_comparison``, ``TrainableTokensWrapper.original_module``, the
    classes of ``image-gen/utils.py``).
    """
    expr = docstring_expr(body)
    return expr is not None and \
        not str(expr.value.value).lstrip().startswith(PLACEHOLDER)  # type: ignore[attr-defined]


def summary_of(docstring: str) -> str:
    """Return a docstring's summary: its first paragraph on one line ("" when none)."""
    words: list[str] = []
    for line in docstring.splitlines():
        if line.strip():
            words.append(line.strip())
        elif words:
            break
    return " ".join(words)


def module_name(path: Path) -> str:
    """Return the name a module is known by (the package's name for ``__init__.py``)."""
    if path.stem in ("__init__", "__main__"):
        return path.resolve().parent.name
    return path.stem


def private_name(name: str) -> bool:
    """Tell whether a name is private: a leading underscore, dunder names (``__x__``) aside.

    Args:
        name: An identifier, a dotted qualname or a file name.

    Returns:
        True when any dotted part is private.
    """
    return any(part.startswith("_") and not (part.startswith("__") and part.endswith("__"))
               for part in name.split("."))


@functools.lru_cache(maxsize=1024)
def _package_parts(folder: Path) -> tuple[str, ...]:
    """The packages (folders with ``__init__.py``) ending at ``folder``, innermost last."""
    try:
        if not (folder / "__init__.py").is_file():
            return ()
    except OSError:
        return ()
    parent = folder.parent
    return (*(_package_parts(parent) if parent != folder else ()), folder.name)


def private_module(path: Path | None) -> bool:
    """Tell whether a module is private: its name or a package holding it starts with ``_``.

    The module's own name, its packages (folders with ``__init__.py``) and, inside a project
    (the nearest folder up with a project marker), every folder below the project's root:
    ``pkg/_src/flax/x.py`` is private when ``flax/`` is a namespace folder too. A checkout
    under ``/home/_me/`` does not make its code private. ``__init__.py`` and ``__main__.py``
    are named after their package.

    Args:
        path: The file (None: text without a file).

    Returns:
        True for ``pkg/_internal/x.py``, ``pkg/_x.py`` and ``_internal/__init__.py``.
    """
    if path is None:
        return False
    folder = path.absolute().parent
    parts = list(_package_parts(folder))
    parts += _project_folders(folder) or []
    if path.stem not in ("__init__", "__main__"):
        parts.append(path.stem)
    return any(private_name(part) for part in parts)


def magic_name(name: str) -> bool:
    """Tell whether a name is a ``__dunder__`` name (``__eq__``, a module's ``__getattr__``)."""
    return len(name) > 4 and name.startswith("__") and name.endswith("__")


def is_test_name(name: str, is_class: bool) -> bool:
    """Tell whether a def or class is named as a test (Google's ``no-docstring-rgx``).

    Args:
        name: The def's or class's own name.
        is_class: Whether it is a class.

    Returns:
        True for functions named ``test*`` and classes named ``Test*``, ``*Test`` or
        ``*Tests`` (``main`` is not a test).
    """
    if is_class:
        return name.startswith("Test") or name.endswith(("Test", "Tests"))
    return name.startswith("test")


#: Files that are test code by their name alone (pytest's and unittest's conventions).
_TEST_FILES = ("tests.py", "conftest.py")
# Benchmarks are scripts run to time the library, documented as tests are (``all-tests``).
_TEST_FOLDERS = ("tests", "test", "benchmarks", "benchmark")


@functools.lru_cache(maxsize=1024)
def _project_folders(folder: Path) -> list[str] | None:
    """The names of a folder and those above it up to its project's root (not included).

    None when no folder up holds a project marker.
    """
    root = nearest_project(folder)
    return None if root is None else list(reversed(folder.relative_to(root).parts))


def _in_test_folder(folder: Path) -> bool:
    """Whether a folder is, or lies in, a ``tests``/``test``/``benchmarks`` folder of its project.

    Only the folders below the project's root (the nearest one with a project marker) count,
    so a checkout under ``/home/test/`` is not test code; without a project marker, the
    packages holding the file and the folder above them.
    """
    names = _project_folders(folder)
    if names is None:
        names = [folder.name, *(p.name for p in folder.parents)][:len(_package_parts(folder)) + 1]
    return any(name in _TEST_FOLDERS for name in names)


def is_test_module(path: Path | None) -> bool:
    """Tell whether a file is test code: by its name, or by a ``tests``/``test`` folder.

    Args:
        path: The file (None: text without a file).

    Returns:
        True for ``test_*.py``, ``*_test.py``, ``tests.py``, ``conftest.py`` and any file
        under a folder named ``tests``, ``test``, ``benchmarks`` or ``benchmark`` inside
        its project.
    """
    if path is None:
        return False
    name = path.name.removesuffix(".pyi").removesuffix(".py")
    if f"{name}.py" in _TEST_FILES or name.startswith("test_") or name.endswith("_test"):
        return True
    return _in_test_folder(path.absolute().parent)


#: The largest ``__init__.py`` read for its re-exports.
INIT_LIMIT = 1024 * 1024


@dataclass(frozen=True)
class _Init:
    """What a package's ``__init__.py`` imports and lists in ``__all__``.

    Attributes:
        imports: Per module imported from, in order of first import: its level, its
            name, every name it binds, and the ``(name, bound as)`` of each import bound
            to a public name.
        public_all: The public names of a literal ``__all__`` list or tuple.
    """

    imports: tuple[tuple[int, str, frozenset[str], tuple[tuple[str, str], ...]], ...]
    public_all: frozenset[str]


@functools.lru_cache(maxsize=256)
def _parse_init(real: str, _identity: tuple[int, int, int, int]) -> _Init | None:
    """Read and parse one ``__init__.py`` (``_identity``: its stat, so an edit is re-read)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        # Opened without blocking and checked on the descriptor: a FIFO swapped in after
        # the stat cannot hang the run, nor a link swapped in lead out of the tree.
        fd = os.open(real, flags)
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                return None
            raw = handle.read(INIT_LIMIT + 1)
    except OSError:
        return None
    if len(raw) > INIT_LIMIT:
        return None
    try:
        tree = syntax.parse(raw)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    # Grouped by module once here: NumPy's ``__init__.py`` imports hundreds of names from a
    # few modules, and each file of the package looks through them.
    imports: dict[tuple[int, str], list[tuple[str, str]]] = {}
    for stmt in walk_own(tree.body):
        if isinstance(stmt, ast.ImportFrom):
            imports.setdefault((stmt.level, stmt.module or ""), []).extend(
                (alias.name, alias.asname or alias.name) for alias in stmt.names)
    return _Init(tuple((level, module, frozenset(bound for _, bound in names),
                        tuple((name, bound) for name, bound in names if not private_name(bound)))
                       for (level, module), names in imports.items()),
                 frozenset(n for n in literal_all(tree) or () if not private_name(n)))


def literal_all(tree: ast.Module) -> frozenset[str] | None:
    """Return the names a module's ``__all__`` lists, when it is a literal list or tuple.

    Args:
        tree: The parsed module.

    Returns:
        The names of every ``__all__ = [...]``, ``+= [...]`` or ``: list[str] = [...]`` of
        the module's own scope; None when there is none.
    """
    names: set[str] | None = None
    for stmt in walk_own(tree.body):
        if isinstance(stmt, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets) and \
                    isinstance(stmt.value, ast.List | ast.Tuple):
                names = (names or set()) | {e.value for e in stmt.value.elts if isinstance(
                    e, ast.Constant) and isinstance(e.value, str)}
    return None if names is None else frozenset(names)


def _read_init(folder: Path, top: Path) -> _Init | None:
    """The ``__init__.py`` of a package, if it is a regular file inside the top package
    (``top``: the top package's folder, links resolved)."""
    try:
        real = (folder / "__init__.py").resolve(strict=True)
        if not real.is_relative_to(top):
            return None  # a link out of the tree: never read
        info = os.stat(real)
    except (OSError, RuntimeError):  # missing, unreadable, or a loop of links
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    return _parse_init(str(real), (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns))


def _exported(folder: Path, dotted: str, rel: tuple[str, ...], top: Path,
              memo: dict[tuple[Path, str, tuple[str, ...]], frozenset[str]] | None = None
              ) -> frozenset[str]:
    """The names of module ``rel`` (dotted from the package at ``folder``) it re-exports.

    ``"*"`` stands for every public name (a star import). ``memo`` keeps what one
    ``reexports`` call found: a package importing many names from one subpackage (NumPy's
    ``from ._core import ...``) would read that subpackage again for each of them.
    """
    memo = {} if memo is None else memo
    key = (folder, dotted, rel)
    if key not in memo:
        memo[key] = _exported_once(folder, dotted, rel, top, memo)
    return memo[key]


def _exported_once(folder: Path, dotted: str, rel: tuple[str, ...], top: Path,
                   memo: dict[tuple[Path, str, tuple[str, ...]], frozenset[str]]
                   ) -> frozenset[str]:
    """``_exported``, computed."""
    init = _read_init(folder, top)
    if init is None:
        return frozenset()
    names: set[str] = set()
    elsewhere: set[str] = set()
    for level, module, bounds, imported in init.imports:
        if level == 1:
            parts = tuple(module.split(".")) if module else ()
        elif level == 0 and module.startswith(dotted + "."):
            parts = tuple(module[len(dotted) + 1:].split("."))
        else:
            continue
        if not parts or parts != rel[:len(parts)]:
            elsewhere.update(bounds)
            continue
        inner: frozenset[str] | None = None
        # Only public bindings: ``from ._client import Client as _Client`` keeps it inside.
        for name, _ in imported:
            if parts == rel:
                names.add(name)
                continue
            if inner is None:  # from a package on the way (``from ._sub import X``)
                inner = _exported(folder.joinpath(*parts), f"{dotted}.{module}",
                                  rel[len(parts):], top, memo)
            if name == "*":
                names.update(inner)
            elif name in inner or ("*" in inner and not private_name(name)):
                names.add(name)
    names.update(init.public_all - elsewhere)
    return frozenset(names)


def reexports(path: Path | None) -> frozenset[str]:
    """Return the names of a module that a public package above it re-exports.

    ``httpx/__init__.py`` saying ``from ._client import Client`` (or ``… as Client``, or
    naming ``Client`` in its ``__all__``) makes ``Client`` of ``httpx/_client.py`` public;
    ``… as _Client`` does not. The ``__init__.py`` files are read, never imported: regular
    files inside the top package only, at most ``INIT_LIMIT`` bytes, one that does not
    parse re-exports nothing.

    Args:
        path: The module (None: text without a file).

    Returns:
        The re-exported top-level names; ``"*"`` for every public name (a star import).
    """
    if path is None or path.stem == "__main__":
        return frozenset()
    folder = path.absolute().parent
    packages = _package_parts(folder)
    if not packages:
        return frozenset()
    module = packages if path.stem == "__init__" else (*packages, path.stem)
    folders = [folder, *folder.parents][:len(packages)][::-1]  # top package first
    try:  # resolved once here, not for each __init__.py read
        top = folders[0].resolve(strict=True)
    except (OSError, RuntimeError):  # gone, or a loop of links: no __init__.py is read
        return frozenset()
    names: set[str] = set()
    memo: dict[tuple[Path, str, tuple[str, ...]], frozenset[str]] = {}
    for depth in range(1, len(module)):
        if any(private_name(part) for part in packages[:depth]):
            break  # re-exported by a private package: still private
        names.update(_exported(folders[depth - 1], ".".join(packages[:depth]),
                               module[depth:], top, memo))
    return frozenset(names)


def module_standing(path: Path | None) -> str:
    """Return what the exemptions read from a file's place rather than its text.

    Args:
        path: The file.

    Returns:
        A text that changes when the module's privacy, its re-exported names or whether it
        is test code changes (a key of the result cache).
    """
    private = private_module(path)
    names = ",".join(sorted(reexports(path))) if private else ""
    return f"{int(private)}{int(is_test_module(path))}:{names}"


@dataclass(frozen=True)
class Definition:
    """A def or class found by ``iter_defs``.

    Attributes:
        node: The def or class statement.
        qualname: Dotted name from the module (``Class.method``, ``outer.inner``).
        class_name: The class whose body holds it directly (a method's class), else None.
        nested: Whether it lies inside a function (directly or not).
    """

    node: DefNode
    qualname: str
    class_name: str | None
    nested: bool

    @property
    def start(self) -> int:
        """First line, decorators included."""
        return first_line(self.node)

    @property
    def end(self) -> int:
        """Last line."""
        return self.node.end_lineno or self.node.lineno


def iter_defs(tree: ast.Module) -> Iterator[Definition]:
    """Iterate over every def and class of a module in source order, nested ones included.

    Definitions inside compound statements (``if TYPE_CHECKING:``, ``try:``) count: they
    are as much part of the module's interface as top-level ones.

    Args:
        tree: The parsed module (it must not be changed afterwards).

    Returns:
        Each definition with its dotted name and its enclosing class.
    """
    # A check asks for a file's definitions about five times (the checks, the class
    # facts, the exemption rules' families, helpers and classes): listed once per tree.
    found = _DEFS.get(tree)
    if found is None:
        found = _DEFS[tree] = tuple(_visit_defs(tree.body, "", None, False))
    return iter(found)


_DEFS: weakref.WeakKeyDictionary[ast.Module, tuple[Definition, ...]] = \
    weakref.WeakKeyDictionary()


def _visit_defs(block: list[ast.stmt], prefix: str, class_name: str | None, nested: bool
                ) -> Iterator[Definition]:
    """``iter_defs``'s walk of one block."""
    for stmt in block:
        if isinstance(stmt, DefNode):
            qualname = prefix + stmt.name
            yield Definition(stmt, qualname, class_name, nested)
            is_class = isinstance(stmt, ast.ClassDef)
            yield from _visit_defs(stmt.body, qualname + ".",
                                   stmt.name if is_class else None, nested or not is_class)
        else:
            for sub in child_blocks(stmt):
                yield from _visit_defs(sub, prefix, class_name, nested)


#: What makes a function another's wrapper (``@functools.wraps(fn)``, ``update_wrapper``).
_WRAPPERS = frozenset({"wraps", "update_wrapper"})


def makes_decorator(node: FunctionNode) -> bool:
    """Whether a function is a decorator: it returns a function it defines that wraps another.

    The returned inner function is decorated ``@wraps(...)`` or handed to
    ``update_wrapper``, or is such a decorator itself (a decorator factory,
    ``@deprecate(version)``), or the docstring's first line calls the function a decorator
    (``Decorator to register ...``, ``Decorates a validator ...``). A factory returning a
    closure without any of these (``make_handler(name)``) is not one.

    Args:
        node: A def.

    Returns:
        True for a decorator.
    """
    inner = {stmt.name: stmt for stmt in node.body
             if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef)}
    returned = [inner[sub.value.id] for sub in own_nodes(node)
                if isinstance(sub, ast.Return) and isinstance(sub.value, ast.Name) and
                sub.value.id in inner]
    if not returned:
        return False
    expr = docstring_expr(node.body)
    summary = str(expr.value.value).strip().partition("\n")[0] if expr is not None else ""  # type: ignore[attr-defined]
    if "decorat" in summary.lower():
        return True
    if any(_WRAPPERS & set(decorator_names(found)) or makes_decorator(found)
           for found in returned):
        return True
    # ``update_wrapper(wrapper, fn)`` before ``return wrapper``.
    names = {found.name for found in returned}
    return any(isinstance(sub, ast.Call) and call_name(sub) == "update_wrapper" and
               sub.args and isinstance(sub.args[0], ast.Name) and sub.args[0].id in names
               for sub in own_nodes(node))


def call_name(call: ast.Call) -> str | None:
    """The last name of what a call calls (``functools.wraps`` gives ``wraps``)."""
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else \
        func.id if isinstance(func, ast.Name) else None
