"""Which methods of a class inherit their documentation from the class's family.

A method needs no docstring of its own when a base class (or a base of a base) documents a
method of that name, or defines it public in a public class of a public module: then the
base carries the finding, once for the whole family. Bases are found in the file itself and,
given a ``Hierarchy`` that may read them, in the other files of the project, by resolving
the base's name through the file's imports (``from pkg.mod import Base``, ``import pkg.mod
as m`` with ``m.Base``, relative ``from ..mod import Base``, a package that re-exports it,
``Base[T]``). A base imported from outside the project (``torch.nn.Module``) cannot be read:
the class is then marked as overriding a framework (see ``Overrides.hooks``).

Pure but for the ``facts_of`` callable a ``Hierarchy`` is given (``docstrings.learning``
reads and caches the files); a ``Hierarchy`` only asks it for files inside the project.
"""

from __future__ import annotations

import ast
import json
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from llm_doc_manager.analysis.nodes import (
    child_blocks,
    docstring_expr,
    is_test_module,
    iter_defs,
    magic_name,
    private_module,
    private_name,
)

#: Classes one family walk visits at most (bases of bases; a cycle of names ends sooner).
MAX_CLASSES = 64
#: Imports followed to find where a class is defined (``pkg/__init__.py`` re-exporting it
#: from ``pkg/layer.py`` is one).
MAX_HOPS = 8

#: ``(level, module, name)``: ``from <level dots><module> import name``; ``name`` None for
#: ``import module``.
Import = tuple[int, str, str | None]


@dataclass(frozen=True)
class ClassFacts:
    """What a class shows its subclasses.

    Attributes:
        name: Its own name.
        bases: Its bases' names as written (``nn.Module``, ``Base`` for ``Base[T]``).
        methods: Each method it defines, and whether it has a docstring.
    """

    name: str
    bases: tuple[str, ...]
    methods: Mapping[str, bool]


@dataclass(frozen=True)
class ModuleFacts:
    """What one file shows about its classes: their bases and methods, and its imports.

    Attributes:
        imports: Each name a module-level import binds, and where it comes from.
        classes: Each class, by qualname, in source order.
    """

    imports: Mapping[str, Import]
    classes: Mapping[str, ClassFacts]

    def by_name(self, name: str) -> ClassFacts | None:
        """The first class of that simple name (a base written ``Base`` inside the file)."""
        return next((c for c in self.classes.values() if c.name == name), None)

    def to_json(self) -> str:
        """The facts as JSON (``from_json`` reads them back), for the result store."""
        return json.dumps({"imports": {k: list(v) for k, v in self.imports.items()},
                           "classes": {k: [c.name, list(c.bases), dict(c.methods)]
                                       for k, c in self.classes.items()}},
                          separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> ModuleFacts | None:
        """Facts read back from ``to_json``'s text; None unless it is exactly that shape.

        The text comes from a cache file a repository may have written: every value is
        checked, and a forged row is a miss, never an error.

        Args:
            text: The stored text.

        Returns:
            The facts, or None.
        """
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            return None
        if type(data) is not dict or set(data) != {"imports", "classes"} or \
                type(data["imports"]) is not dict or type(data["classes"]) is not dict:
            return None
        imports: dict[str, Import] = {}
        for name, value in data["imports"].items():
            if type(value) is not list or len(value) != 3 or type(value[0]) is not int or \
                    type(value[1]) is not str or not (value[2] is None or type(value[2]) is str):
                return None
            imports[name] = (value[0], value[1], value[2])
        classes: dict[str, ClassFacts] = {}
        for qualname, value in data["classes"].items():
            if type(value) is not list or len(value) != 3 or type(value[0]) is not str or \
                    type(value[1]) is not list or type(value[2]) is not dict or \
                    not all(type(b) is str for b in value[1]) or \
                    not all(type(d) is bool for d in value[2].values()):
                return None
            classes[qualname] = ClassFacts(value[0], tuple(value[1]), dict(value[2]))
        return cls(imports, classes)


def base_name(expr: ast.expr) -> str | None:
    """A base's dotted name (``nn.Module``; ``Base[T]`` gives ``Base``), None for a call."""
    if isinstance(expr, ast.Subscript):
        expr = expr.value
    parts: list[str] = []
    while isinstance(expr, ast.Attribute):
        parts.append(expr.attr)
        expr = expr.value
    if not isinstance(expr, ast.Name):
        return None
    parts.append(expr.id)
    return ".".join(reversed(parts))


def class_facts(node: ast.ClassDef) -> ClassFacts:
    """What one class shows its subclasses (see ``ClassFacts``)."""
    bases = tuple(name for name in map(base_name, node.bases) if name is not None)
    methods = {stmt.name: docstring_expr(stmt.body) is not None for stmt in node.body
               if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef))}
    return ClassFacts(node.name, bases, methods)


def _module_statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """A module's statements, those in ``if``/``try`` blocks included, defs not entered."""
    for stmt in body:
        yield stmt
        if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for block in child_blocks(stmt):
                yield from _module_statements(block)


def module_facts(tree: ast.Module) -> ModuleFacts:
    """What a parsed file shows about its classes and imports (see ``ModuleFacts``).

    Args:
        tree: The file's tree.

    Returns:
        The facts.
    """
    imports: dict[str, Import] = {}
    for stmt in _module_statements(tree.body):
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.asname is not None:
                    imports[alias.asname] = (0, alias.name, None)
                else:  # ``import a.b`` binds ``a``
                    top = alias.name.partition(".")[0]
                    imports[top] = (0, top, None)
        elif isinstance(stmt, ast.ImportFrom):
            for alias in stmt.names:
                if alias.name != "*":
                    imports[alias.asname or alias.name] = (stmt.level, stmt.module or "",
                                                           alias.name)
    classes = {d.qualname: class_facts(d.node) for d in iter_defs(tree)
               if isinstance(d.node, ast.ClassDef)}
    return ModuleFacts(imports, classes)


@dataclass(frozen=True)
class _Found:
    """A class found in a file."""

    path: Path | None
    facts: ModuleFacts
    cls: ClassFacts


#: A base imported from outside the project.
_EXTERNAL = "external"


class Hierarchy:
    """Finds a class's bases in its file and in the other files of its project.

    Args:
        root: The project's folder (None: no other file is read, only the file's own
            classes are found).
        facts_of: The facts of a file inside the project (None when it cannot be read or
            parsed); asked at most once per file by a caller that caches.
    """

    def __init__(self, root: Path | None,
                 facts_of: Callable[[Path], ModuleFacts | None] | None = None) -> None:
        self._root = root
        self._real_root = os.path.realpath(root) if root is not None else None
        self._facts_of = facts_of
        self._files: dict[Path, Path | None] = {}

    def _inside(self, candidate: Path) -> bool:
        """Whether a file is a regular file inside the project (a link leaving it is not)."""
        assert self._real_root is not None
        real = os.path.realpath(candidate)
        return real.startswith(self._real_root + os.sep) and os.path.isfile(real)

    def _import_roots(self, importer: Path) -> list[Path]:
        """Where an absolute import may start: the folder above the importer's top package,
        the project's folder and its ``src/``."""
        assert self._root is not None
        top = importer.parent
        while (top / "__init__.py").is_file() and top.parent != top:
            top = top.parent
        roots = [top, self._root, self._root / "src"]
        return list(dict.fromkeys(roots))

    def _module_file(self, importer: Path, level: int, module: str) -> Path | None:
        """The project's file of a module imported from ``importer``, if there is one."""
        if self._root is None:
            return None
        if level:
            start = importer.parent
            for _ in range(level - 1):
                start = start.parent
            starts = [start]
        else:
            starts = self._import_roots(importer)
        parts = module.split(".") if module else []
        for start in starts:
            place = start.joinpath(*parts)
            for candidate in (place / "__init__.py", place.with_name(place.name + ".py")):
                if candidate not in self._files:
                    self._files[candidate] = candidate if self._inside(candidate) else None
                if self._files[candidate] is not None:
                    return candidate
        return None

    def _facts(self, path: Path) -> ModuleFacts | None:
        return self._facts_of(path) if self._facts_of is not None else None

    def _resolve(self, path: Path | None, facts: ModuleFacts, dotted: str,
                 hops: int) -> _Found | str | None:
        """The class a base name written in a file refers to, ``_EXTERNAL``, or None."""
        first, _, rest = dotted.partition(".")
        if not rest:
            own = facts.by_name(first)
            if own is not None:
                return _Found(path, facts, own)
        target = facts.imports.get(first)
        if target is None or hops >= MAX_HOPS:
            return None  # a builtin (``Exception``), a name bound otherwise: nothing to read
        level, module, name = target
        names = ([name] if name is not None else []) + (rest.split(".") if rest else [])
        if not names:
            return None
        # ``from pkg import mod`` with ``mod.Base`` reads ``pkg/mod.py``; the class is the
        # last name, the module the ones before it.
        module = ".".join(p for p in (module, *names[:-1]) if p)
        if path is None or self._root is None:
            return None
        file = self._module_file(path, level, module)
        if file is None:
            # Not a file of the project: a library (``torch.nn``), unless a relative import
            # that does not resolve (then nothing is known).
            return _EXTERNAL if level == 0 else None
        other = self._facts(file)
        if other is None:
            return None
        return self._resolve(file, other, names[-1], hops + 1)

    def family(self, path: Path | None, facts: ModuleFacts, cls: ClassFacts
               ) -> tuple[frozenset[str], bool]:
        """The method names a class's bases cover, and whether one base is a library's.

        Args:
            path: The class's file (None: text without a file).
            facts: That file's facts.
            cls: The class.

        Returns:
            The names some base documents, or defines public in a public class of a
            public module (that base carries the finding); and whether a base (or a base
            of a base) is imported from outside the project.
        """
        covered: set[str] = set()
        external = False
        seen: set[tuple[Path | None, str]] = {(path, cls.name)}
        stack = [(path, facts, base) for base in reversed(cls.bases)]
        while stack and len(seen) <= MAX_CLASSES:
            where, where_facts, dotted = stack.pop()
            found = self._resolve(where, where_facts, dotted, 0)
            if found == _EXTERNAL:
                external = True
                continue
            if not isinstance(found, _Found) or (found.path, found.cls.name) in seen:
                continue
            seen.add((found.path, found.cls.name))
            public = not private_name(found.cls.name) and not private_module(found.path) \
                and not is_test_module(found.path)
            for method, documented in found.cls.methods.items():
                if documented or (public and not private_name(method)):
                    covered.add(method)
            stack.extend((found.path, found.facts, base) for base in reversed(found.cls.bases))
        return frozenset(covered), external


@dataclass(frozen=True)
class Overrides:
    """What the methods of one file's classes inherit from their families.

    Attributes:
        covered: Per class (by qualname), its methods a base covers (Reason.OVERRIDE).
        hooks: Per class, its methods that override a library's base (``forward`` of an
            ``nn.Module``) and whose name the project rarely documents.
    """

    covered: Mapping[str, frozenset[str]] = field(default_factory=dict)
    hooks: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def key(self) -> bytes:
        """These facts as bytes: what a file's result depends on from other files."""
        return json.dumps([{k: sorted(v) for k, v in sorted(self.covered.items())},
                           {k: sorted(v) for k, v in sorted(self.hooks.items())}],
                          separators=(",", ":")).encode()


def overrides(facts: ModuleFacts, path: Path | None, hierarchy: Hierarchy,
              rarely_documented: Callable[[str], bool]) -> Overrides:
    """What the methods of one file's classes inherit (see ``Overrides``).

    Args:
        facts: The file's facts.
        path: The file (None: text without a file).
        hierarchy: Where bases are found.
        rarely_documented: Whether the project rarely documents methods of a name.

    Returns:
        The covered and hook methods of each class with bases.
    """
    covered: dict[str, frozenset[str]] = {}
    hooks: dict[str, frozenset[str]] = {}
    for qualname, cls in facts.classes.items():
        names = {name for name in cls.methods if not magic_name(name)}
        if not names or not cls.bases:
            continue
        inherited, external = hierarchy.family(path, facts, cls)
        if names & inherited:
            covered[qualname] = frozenset(names & inherited)
        hook = {name for name in names - inherited if external and rarely_documented(name)}
        if hook:
            hooks[qualname] = frozenset(hook)
    return Overrides(covered, hooks)
