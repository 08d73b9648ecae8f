"""Small questions asked of ``ast`` nodes, and the one walk over a module's definitions."""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

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

    Args:
        nodes: A body.

    Yields:
        ast.AST: Every node that belongs to this scope.
    """
    # Fields are read directly rather than through ast.iter_child_nodes: this walk runs
    # over every function body of a run, and the generator-per-node costs half of it.
    stack: list[ast.AST] = list(reversed(nodes))
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, SCOPES):  # a nested def in the body: its inside is not ours
            continue
        children: list[ast.AST] = []
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, ast.AST):
                if not isinstance(value, SCOPES):
                    children.append(value)
            elif isinstance(value, list):
                children.extend(v for v in value
                                if isinstance(v, ast.AST) and not isinstance(v, SCOPES))
        stack.extend(reversed(children))


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

    Only the module's own name and its packages count (folders with ``__init__.py``): a
    checkout under ``/home/_me/`` does not make its code private. ``__init__.py`` and
    ``__main__.py`` are named after their package.

    Args:
        path: The file (None: text without a file).

    Returns:
        True for ``pkg/_internal/x.py``, ``pkg/_x.py`` and ``_internal/__init__.py``.
    """
    if path is None:
        return False
    parts = list(_package_parts(path.absolute().parent))
    if path.stem not in ("__init__", "__main__"):
        parts.append(path.stem)
    return any(private_name(part) for part in parts)


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
    """Yield every def and class of a module in source order, nested ones included.

    Definitions inside compound statements (``if TYPE_CHECKING:``, ``try:``) count: they
    are as much part of the module's interface as top-level ones.

    Args:
        tree: The parsed module.

    Yields:
        Each definition with its dotted name and its enclosing class.
    """
    def visit(block: list[ast.stmt], prefix: str, class_name: str | None, nested: bool
              ) -> Iterator[Definition]:
        for stmt in block:
            if isinstance(stmt, DefNode):
                qualname = prefix + stmt.name
                yield Definition(stmt, qualname, class_name, nested)
                is_class = isinstance(stmt, ast.ClassDef)
                yield from visit(stmt.body, qualname + ".", stmt.name if is_class else None,
                                 nested or not is_class)
            else:
                for sub in child_blocks(stmt):
                    yield from visit(sub, prefix, class_name, nested)

    yield from visit(tree.body, "", None, False)
