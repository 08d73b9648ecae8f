"""Which methods of a class inherit their documentation from the class's family.

A method needs no docstring of its own when a base class (or a base of a base) documents a
method of that name, or defines it public in a public class of a public module: then the
base carries the finding, once for the whole family. Bases are found in the file itself and,
given a ``Hierarchy`` that may read them, in the other files of the project, by resolving
the base's name through the file's imports (``from pkg.mod import Base``, ``import pkg.mod
as m`` with ``m.Base``, relative ``from ..mod import Base``, a package that re-exports it,
``Base[T]``). A base imported from outside the project (``torch.nn.Module``) cannot be read:
the class is then marked as overriding a framework (see ``Overrides.hooks``).

It also counts the families of the file's package (the folder tree of its top package):
top-level public functions sharing their first snake_case word (peft's ``dispatch_*``, one
per tuner file), top-level public classes sharing a base (resolved as above:
``torch.autograd.Function``, a project's ``TextGenerationError``), and the package's
``__init__.py`` modules. A family of at least ``FAMILY_MIN`` members of which fewer than a
quarter are documented is one the project leaves undocumented (``Overrides.families``).

Pure but for the ``facts_of`` callable a ``Hierarchy`` is given (``docstrings.learning``
reads and caches the files); a ``Hierarchy`` only asks it for files inside the project.
"""

from __future__ import annotations

import ast
import functools
import json
import os
import re
import stat
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from llm_doc_manager.analysis.nodes import (
    child_blocks,
    decorator_names,
    describes,
    docstring_expr,
    is_overload,
    is_test_module,
    iter_defs,
    magic_name,
    own_nodes,
    private_module,
    private_name,
    reexports,
)
from llm_doc_manager.config import read_toml
from llm_doc_manager.docstrings.layout import SECTIONED, read_layout
from llm_doc_manager.docstrings.sections import Section
from llm_doc_manager.errors import ConfigError
from llm_doc_manager.source import syntax
from llm_doc_manager.store import stored_object

#: Classes one family walk visits at most (bases of bases; a cycle of names ends sooner).
MAX_CLASSES = 64
#: Imports followed to find where a class is defined (``pkg/__init__.py`` re-exporting it
#: from ``pkg/layer.py`` is one).
MAX_HOPS = 8

#: A family has at least this many members, ...
FAMILY_MIN = 5
#: ... and is left undocumented when fewer than 1 in this many have a docstring (under 25 %).
FAMILY_SHARE = 4
#: A method that at least this many (and at least half) of a package's direct subclasses of
#: a library's class define, none documenting it, is a framework hook too (peft's
#: ``convert`` of transformers' ``ConversionOps``: 0 of 3).
HOOK_NEVER_SEEN = 2
#: A module's helper functions are a family from this many on (``Exemptions._helpers``).
HELPERS_MIN = 3
#: Files of a package read to count its families, at most (evenly spread when more).
MAX_PACKAGE_FILES = 400
#: Bases that say nothing of what their subclasses share: no family.
_NO_FAMILY_BASES = frozenset({"object", "typing.Generic", "typing.Protocol",
                              "typing_extensions.Protocol", "abc.ABC", "typing.NamedTuple",
                              "typing.TypedDict", "typing_extensions.TypedDict"})
#: What makes a method a property (``ModuleFacts.properties``).
_PROPERTY_DECORATORS = frozenset({"property", "cached_property"})
# A CamelCase name's first word (see ``family_word``).
_CAMEL_FIRST = re.compile(r"[A-Z]+(?=[A-Z][a-z0-9])|[A-Z][a-z0-9]*")

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
        documented: Whether the class itself has a docstring.
        abstract: Whether it declares an ``@abstractmethod`` (an interface its subclasses
            implement: ``Hierarchy.interface_keys``).
    """

    name: str
    bases: tuple[str, ...]
    methods: Mapping[str, bool]
    documented: bool = False
    abstract: bool = False


@dataclass(frozen=True)
class ModuleFacts:
    """What one file shows about its classes: their bases and methods, and its imports.

    Attributes:
        imports: Each name a module-level import binds, and where it comes from.
        classes: Each class, by qualname, in source order.
        functions: Each public top-level function (``@overload`` stubs left out), and
            whether it has a docstring (a name defined twice: if either has).
        module: Whether the module has a docstring; None for a file without a statement.
        from_returns: Its public ``from_*`` classmethods that return a value and have a
            sectioned docstring, and how many of those have a Returns section.
        properties: Its classes' public properties, and how many of those have a docstring.
    """

    imports: Mapping[str, Import]
    classes: Mapping[str, ClassFacts]
    functions: Mapping[str, bool] = field(default_factory=dict)
    module: bool | None = None
    from_returns: tuple[int, int] = (0, 0)
    properties: tuple[int, int] = (0, 0)

    def by_name(self, name: str) -> ClassFacts | None:
        """The first class of that simple name (a base written ``Base`` inside the file)."""
        return next((c for c in self.classes.values() if c.name == name), None)

    def to_json(self) -> str:
        """The facts as JSON (``from_json`` reads them back), for the result store."""
        return json.dumps({"imports": {k: list(v) for k, v in self.imports.items()},
                           "classes": {k: [c.name, list(c.bases), dict(c.methods),
                                           c.documented, c.abstract]
                                       for k, c in self.classes.items()},
                           "functions": dict(self.functions), "module": self.module,
                           "from_returns": list(self.from_returns),
                           "properties": list(self.properties)},
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
        data = stored_object(text, frozenset({"imports", "classes", "functions", "module",
                                              "from_returns", "properties"}))
        if data is None or type(data["imports"]) is not dict or type(data["classes"]) is not dict \
                or type(data["functions"]) is not dict or \
                type(data["from_returns"]) is not list or len(data["from_returns"]) != 2 or \
                not all(type(n) is int and n >= 0 for n in data["from_returns"]) or \
                type(data["properties"]) is not list or len(data["properties"]) != 2 or \
                not all(type(n) is int and n >= 0 for n in data["properties"]) or \
                not all(type(d) is bool for d in data["functions"].values()) or \
                not (data["module"] is None or type(data["module"]) is bool):
            return None
        imports: dict[str, Import] = {}
        for name, value in data["imports"].items():
            if type(value) is not list or len(value) != 3 or type(value[0]) is not int or \
                    type(value[1]) is not str or not (value[2] is None or type(value[2]) is str):
                return None
            imports[name] = (value[0], value[1], value[2])
        classes: dict[str, ClassFacts] = {}
        for qualname, value in data["classes"].items():
            if type(value) is not list or len(value) != 5 or type(value[0]) is not str or \
                    type(value[1]) is not list or type(value[2]) is not dict or \
                    not all(type(b) is str for b in value[1]) or \
                    not all(type(d) is bool for d in value[2].values()) or \
                    type(value[3]) is not bool or type(value[4]) is not bool:
                return None
            classes[qualname] = ClassFacts(value[0], tuple(value[1]), dict(value[2]), value[3],
                                           value[4])
        seen, given = data["from_returns"]
        shown, described = data["properties"]
        return cls(imports, classes, dict(data["functions"]), data["module"], (seen, given),
                   (shown, described))


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
    methods = {stmt.name: describes(stmt.body) for stmt in node.body
               if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef))}
    abstract = any(isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef) and
                   "abstractmethod" in decorator_names(stmt) for stmt in node.body)
    return ClassFacts(node.name, bases, methods, describes(node.body), abstract)


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
    classes: dict[str, ClassFacts] = {}
    functions: dict[str, bool] = {}
    seen = given = shown = described = 0
    for found in iter_defs(tree):
        node = found.node
        if isinstance(node, ast.ClassDef):
            classes[found.qualname] = class_facts(node)
            for counted in map(_from_returns, node.body):
                if counted is not None:
                    seen, given = seen + 1, given + counted
            for stmt in node.body:
                if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef) and \
                        not private_name(stmt.name) and not magic_name(stmt.name) and \
                        _PROPERTY_DECORATORS & set(decorator_names(stmt)):
                    shown += 1
                    described += describes(stmt.body)
        elif "." not in found.qualname and not private_name(node.name) and \
                not is_overload(node):
            functions[node.name] = functions.get(node.name, False) or \
                describes(node.body)
    module = describes(tree.body) if tree.body else None
    return ModuleFacts(imports, classes, functions, module, (seen, given), (shown, described))


def _from_returns(node: ast.stmt) -> bool | None:
    """For a public ``from_*`` classmethod that returns a value and has a sectioned
    (Google) docstring: whether that docstring has a Returns section; else None."""
    if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) or \
            not node.name.startswith("from_") or "classmethod" not in decorator_names(node):
        return None
    expr = docstring_expr(node.body)
    own = own_nodes(node)
    if expr is None or any(isinstance(n, ast.Yield | ast.YieldFrom) for n in own) or \
            not any(isinstance(n, ast.Return) and n.value is not None for n in own):
        return None
    layout = read_layout(str(expr.value.value))  # type: ignore[attr-defined]
    if layout.style not in SECTIONED or not any(b.section for b in layout.blocks):
        return None
    return layout.block(Section.RETURNS) is not None


def family_word(name: str, is_class: bool) -> str | None:
    """The word a top-level name shares with its family, if it can have one.

    A function's family is its first snake_case word (``is`` of ``is_torch_available``), a
    class's its first CamelCase word (``Webhook`` of ``WebhookPayloadComment``). A name that
    is its word alone (``get``, ``Webhook``) is what a family is about, not a member; a
    one-letter word (``f_add``, ``XConfig``) says nothing of what the names share.

    Args:
        name: A public function's or class's name.
        is_class: Whether it names a class.

    Returns:
        The family's word, or None.
    """
    if is_class:
        match = _CAMEL_FIRST.match(name)
        word = match.group() if match else ""
    else:
        word = name.partition("_")[0]
    return word if 1 < len(word) < len(name) else None


def left_undocumented(members: Collection[bool]) -> bool:
    """Whether a family is one its owner leaves undocumented.

    Args:
        members: Whether each member of the family has a docstring.

    Returns:
        True for at least ``FAMILY_MIN`` members, fewer than a quarter documented.
    """
    return len(members) >= FAMILY_MIN and \
        sum(members) * FAMILY_SHARE < len(members)


@dataclass(frozen=True)
class _Found:
    """A class found in a file."""

    path: Path | None
    facts: ModuleFacts
    cls: ClassFacts


#: A base imported from outside the project.
_EXTERNAL = "external"
#: Bases that make a class no builtin's kind when they are all it has: the one list of
#: ``plain_classes`` (within a module) and ``Hierarchy.plain`` (through the project). Besides
#: ``object`` and the typing markers, the abstract collections of ``collections.abc`` (and
#: their ``typing`` aliases): deriving from ``Mapping`` makes a class a mapping, never a
#: ``dict``, a ``bytes`` or an ``int`` (xarray's ``Dataset(..., Mapping[Hashable, DataArray])``).
_NEUTRAL_BASES = frozenset({
    "object", "ABC", "Generic", "Protocol",
    "Container", "Hashable", "Iterable", "Iterator", "Reversible", "Generator", "Sized",
    "Callable", "Collection", "Sequence", "MutableSequence", "Set", "MutableSet", "Mapping",
    "MutableMapping", "MappingView", "KeysView", "ItemsView", "ValuesView", "Awaitable",
    "Coroutine", "AsyncIterable", "AsyncIterator", "AsyncGenerator", "Buffer",
})


def plain_classes(tree: ast.Module) -> frozenset[str]:
    """The module's top-level classes that no builtin class is a base of, by name.

    A class with no bases, or only ``object``, ``ABC``, ``Generic[...]``, ``Protocol[...]``,
    abstract collections (``Mapping[...]``, ``Sequence``, ...) or other such classes of the
    module, is never an ``int``, a ``str`` or a ``list``: its
    name documented for such an annotation (or the reverse) is a contradiction. A base
    from elsewhere may be a builtin's subclass (``IntEnum``): such a class is left out.

    Args:
        tree: The module.

    Returns:
        The names.
    """
    bases: dict[str, list[str]] = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.ClassDef):
            names = []
            for base in stmt.bases:
                core = base.value if isinstance(base, ast.Subscript) else base
                names.append(ast.unparse(core).rsplit(".", 1)[-1])
            bases[stmt.name] = names
    plain: set[str] = set()
    changed = True
    while changed:  # a class whose bases are all plain is plain
        changed = False
        for name, of in bases.items():
            if name not in plain and all(b in _NEUTRAL_BASES or b in plain for b in of):
                plain.add(name)
                changed = True
    return frozenset(plain)


class Hierarchy:
    """Finds a class's bases in its file and in the other files of its project.

    Args:
        root: The project's folder (None: no other file is read, only the file's own
            classes are found).
        facts_of: The facts of a file inside the project (None when it cannot be read or
            parsed); asked at most once per file by a caller that caches.

    Attributes:
        metadata_roots: Each folder's nearest folder holding a project metadata file
            (``project_root``), found once per run: up to 48 file checks per file otherwise.
    """

    def __init__(self, root: Path | None,
                 facts_of: Callable[[Path], ModuleFacts | None] | None = None) -> None:
        self._root = root
        self._real_root = os.path.realpath(root) if root is not None else None
        self._facts_of = facts_of
        self._files: dict[Path, Path | None] = {}
        # One hierarchy serves every file of a project (``Learning`` keeps it): what is
        # found once is kept, so that the warm run (which keys each file by what it
        # inherits) does not resolve the package's bases again for each of its files.
        self._packages: dict[Path, list[tuple[Path, ModuleFacts]]] = {}
        self._views: dict[Path, _Package] = {}
        self._tops: dict[Path, Path | None] = {}
        self._roots: dict[Path, list[Path]] = {}
        self._keys: dict[tuple[Path, str], str | None] = {}
        self.metadata_roots: dict[Path, Path | None] = {}

    def _inside(self, candidate: Path) -> bool:
        """Whether a file is a regular file inside the project (a link leaving it is not)."""
        assert self._real_root is not None
        real = os.path.realpath(candidate)
        return real.startswith(self._real_root + os.sep) and os.path.isfile(real)

    def _import_roots(self, importer: Path) -> list[Path]:
        """Where an absolute import may start: the folder above the importer's top package,
        the project's folder and its ``src/``."""
        assert self._root is not None
        folder = importer.parent
        if folder not in self._roots:
            top = folder
            while (top / "__init__.py").is_file() and top.parent != top:
                top = top.parent
            self._roots[folder] = list(dict.fromkeys([top, self._root, self._root / "src"]))
        return self._roots[folder]

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

    def base_key(self, path: Path | None, facts: ModuleFacts, dotted: str) -> str | None:
        """What a base written in a file is, named alike from every file of the project.

        A class of the project is its file and name; a library's class its full dotted
        name through the file's imports (``torch.autograd.Function`` however imported); a
        builtin its name (``Exception``). None for a base that says nothing of what its
        subclasses share (``object``, ``Generic``, ``ABC``) or a relative import that
        does not resolve.

        Args:
            path: The file the base is written in.
            facts: That file's facts.
            dotted: The base as written (``nn.Module``).

        Returns:
            The key, or None.
        """
        if path is None:
            return self._base_key(path, facts, dotted)
        if (path, dotted) not in self._keys:
            self._keys[path, dotted] = self._base_key(path, facts, dotted)
        return self._keys[path, dotted]

    def _base_key(self, path: Path | None, facts: ModuleFacts, dotted: str) -> str | None:
        """``base_key``, not kept."""
        found = self._resolve(path, facts, dotted, 0)
        if isinstance(found, _Found):
            return f"{found.path}:{found.cls.name}"
        first, _, rest = dotted.partition(".")
        target = facts.imports.get(first)
        if target is None:
            key = dotted
        elif target[0]:
            return None
        else:
            key = ".".join(part for part in (target[1], target[2], rest) if part)
        return None if key in _NO_FAMILY_BASES else key

    def plain(self, path: Path | None, facts: ModuleFacts, name: str, depth: int = 0) -> bool:
        """Whether a class a file names is no builtin's kind: its bases, followed through the
        project's files, are only neutral ones (``Overrides.plain``). Unknown: False.

        Args:
            path: The file the name is written in.
            facts: That file's facts.
            name: The class's name there (dotted for ``mod.Class``).
            depth: How many bases deep this is (bounded by ``MAX_HOPS``).

        Returns:
            Whether it is known to be plain.
        """
        if depth > MAX_HOPS:
            return False
        key = (path, f"plain:{name}") if path is not None else None
        if key is not None and key in self._keys:
            return self._keys[key] == "1"
        found = self._resolve(path, facts, name, 0)
        result = isinstance(found, _Found) and all(
            base.rpartition(".")[2] in _NEUTRAL_BASES or
            self.plain(found.path, found.facts, base, depth + 1) for base in found.cls.bases)
        if key is not None:
            self._keys[key] = "1" if result else "0"
        return result

    def interface_keys(self, path: Path | None, facts: ModuleFacts, dotted: str) -> set[str]:
        """The keys (``base_key``) of the bases of a base, where that base is an abstract
        class of the project (one declaring an ``@abstractmethod``).

        A class implementing such an interface (peft's ``LoHaLayer`` of ``LycorisLayer``,
        itself one of ``BaseTunerLayer``'s subclasses) stands where the interface's
        siblings stand, and is counted in their family (``Overrides.families``). A concrete
        base (``AdaLoraLayer(LoraLayer)``, ``Linear(LoHaLayer)``) makes no such member.

        Args:
            path: The file the base is written in.
            facts: That file's facts.
            dotted: The base as written.

        Returns:
            The keys; none for a base that is not such a class.
        """
        found = self._resolve(path, facts, dotted, 0)
        if not isinstance(found, _Found) or not found.cls.abstract:
            return set()
        return {key for base in found.cls.bases
                if (key := self.base_key(found.path, found.facts, base)) is not None}

    def library_bases(self, path: Path | None, facts: ModuleFacts, cls: ClassFacts
                      ) -> set[str]:
        """The keys (``base_key``) of a class's direct bases imported from outside the project.

        Args:
            path: The class's file.
            facts: That file's facts.
            cls: The class.

        Returns:
            The keys.
        """
        return {key for dotted in cls.bases
                if self._resolve(path, facts, dotted, 0) == _EXTERNAL
                and (key := self.base_key(path, facts, dotted)) is not None}

    def package(self, path: Path) -> list[tuple[Path, ModuleFacts]]:
        """The facts of the files of a file's top package (test code left out).

        The top package is the highest folder up that holds an ``__init__.py``; its tree is
        walked without following links, and only regular files inside the project are
        read (at most ``MAX_PACKAGE_FILES``, evenly spread). Nothing for a file outside a
        package, or without a project.

        Args:
            path: A file of the project.

        Returns:
            Each file and its facts (files that do not parse left out).
        """
        top = self._top(path.absolute().parent)
        if top is None:
            return []
        if top in self._packages:
            return self._packages[top]
        package = self._packages[top] = []
        files: list[Path] = []
        for folder, dirs, names in os.walk(top):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
            for name in sorted(names):
                candidate = Path(folder) / name
                if name.endswith(".py") and not is_test_module(candidate) and \
                        self._inside(candidate):
                    files.append(candidate)
        if len(files) > MAX_PACKAGE_FILES:
            step = len(files) / MAX_PACKAGE_FILES
            files = [files[int(i * step)] for i in range(MAX_PACKAGE_FILES)]
        for file in files:
            facts = self._facts(file)
            if facts is not None:
                package.append((file, facts))
        return package

    def _top(self, folder: Path) -> Path | None:
        """A folder's top package (None: not in a package, or no project)."""
        if folder not in self._tops:
            top = None
            if self._root is not None and (folder / "__init__.py").is_file():
                top = folder
                while (top.parent / "__init__.py").is_file() and top.parent != top:
                    top = top.parent
            self._tops[folder] = top
        return self._tops[folder]

    def view(self, path: Path | None) -> _Package:
        """The families of a file's package, one object per package (counted once)."""
        top = self._top(path.absolute().parent) if path is not None else None
        if top is None:
            return _Package(path, self)
        if top not in self._views:
            self._views[top] = _Package(path, self)
        return self._views[top]

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
    """What the definitions of one file inherit from their families.

    Attributes:
        covered: Per class (by qualname), its methods a base covers (Reason.OVERRIDE).
        hooks: Per class, its methods that override a library's base (``forward`` of an
            ``nn.Module``) and whose name the project rarely or never documents.
        families: The file's undocumented top-level functions and classes that belong to
            a family its package leaves undocumented (Reason.PROJECT_FAMILY).
        siblings: Per class, its undocumented methods of a name (or a name family,
            ``reset_<x>_parameters``) that at least ``FAMILY_MIN`` classes of the package
            define without a project base covering it, fewer than a quarter documented
            (Reason.SIBLINGS: a duck-typed interface documented once, if at all).
        package_init: Whether the file is a package's ``__init__.py`` without a module
            docstring, in a package that leaves them undocumented (Reason.PACKAGE_INIT).
        omits_from_returns: Whether the package's documented ``from_*`` classmethods omit
            Returns: at least ``FAMILY_MIN`` of them (sectioned docstrings, giving a
            value), at most a quarter with one (the class is what they return).
        twins: Per class, the methods a twin class documents: one of the same name, or
            the same name but for an ``Async`` prefix, elsewhere in the package or file
            (huggingface_hub's ``AsyncInferenceClient.close`` beside ``InferenceClient``).
        plain: The class names the file uses (its own, or imported from the project)
            whose bases, followed through the project, are none but ``object``, ``ABC``,
            ``Generic``, ``Protocol`` and such classes: never a builtin's kind, so such a
            name documented for ``-> int`` is a contradiction (``truth.contradicts``).
        rare_properties: Whether the package documents fewer than a quarter of its at
            least ``FAMILY_MIN`` public properties (peft: 14 of 61): a property that only
            hands on an attribute chain is then left to its code (``exempt.passes_through``).
        exported: The file's names a public package above it re-exports (``"*"``: every
            public one; ``analysis.nodes.reexports``); None where no rule of a public
            module asks (fewer than 3 undocumented public functions: ``Exemptions`` reads
            them itself for a private module, keyed by ``module_standing``).
        entry_points: The file's functions that are console scripts' entry points, where
            the project leaves its entry points undocumented (``undocumented_entry_points``).
        imported: The file's top-level class names another file of the package imports
            by name (``from .lfs import PayloadPartT``): used beyond their file.
    """

    covered: Mapping[str, frozenset[str]] = field(default_factory=dict)
    hooks: Mapping[str, frozenset[str]] = field(default_factory=dict)
    families: frozenset[str] = frozenset()
    package_init: bool = False
    siblings: Mapping[str, frozenset[str]] = field(default_factory=dict)
    omits_from_returns: bool = False
    twins: Mapping[str, frozenset[str]] = field(default_factory=dict)
    plain: frozenset[str] = frozenset()
    rare_properties: bool = False
    exported: frozenset[str] | None = None
    entry_points: frozenset[str] = frozenset()
    imported: frozenset[str] = frozenset()

    def key(self) -> bytes:
        """These facts as bytes: what a file's result depends on from other files."""
        return json.dumps([{k: sorted(v) for k, v in sorted(self.covered.items())},
                           {k: sorted(v) for k, v in sorted(self.hooks.items())},
                           sorted(self.families), self.package_init,
                           {k: sorted(v) for k, v in sorted(self.siblings.items())},
                           self.omits_from_returns,
                           {k: sorted(v) for k, v in sorted(self.twins.items())},
                           sorted(self.plain), self.rare_properties,
                           None if self.exported is None else sorted(self.exported),
                           sorted(self.entry_points), sorted(self.imported)],
                          separators=(",", ":")).encode()


class _Package:
    """The families of a file's package, counted when first asked (see ``Hierarchy.package``)."""

    def __init__(self, path: Path | None, hierarchy: Hierarchy) -> None:
        self._path = path
        self._hierarchy = hierarchy
        self._methods: dict[str, dict[tuple[Path, str], bool]] | None = None
        self._all_methods: dict[str, dict[tuple[Path, str], bool]] | None = None
        self._by_path: dict[Path, ModuleFacts] | None = None

    def files(self) -> list[tuple[Path, ModuleFacts]]:
        """The package's files and their facts."""
        return self._hierarchy.package(self._path) if self._path is not None else []

    def never_documented(self, name: str, keys: set[str]) -> bool:
        """Whether a method is a library base's, left undocumented by the package.

        At least ``HOOK_NEVER_SEEN`` and at least half of the package's direct subclasses of
        those library bases define it (what they share is the base's interface: transformers'
        ``ConversionOps.convert``, not a property two of peft's hundreds of ``nn.Module``
        subclasses happen to have), and none documents it.
        """
        siblings = self._classes(keys)
        if self._never_documented(name, siblings):
            return True
        # A library's classes derive from one another where the project cannot read them
        # (transformers' ``Concatenate`` from ``ConversionOps``): the package's subclasses of
        # any class of the same library module are counted with them (peft's
        # ``PeftConcatenate`` beside ``FlattenDims``/``PermuteDims``, ``convert`` 0 of 3).
        modules = {key.rpartition(".")[0] for key in keys if ":" not in key and "." in key}
        seen = {id(cls) for _, cls in siblings}
        wider = [found for found in self._library_classes(modules) if id(found[1]) not in seen]
        return bool(wider) and self._never_documented(name, siblings + wider)

    @staticmethod
    def _never_documented(name: str, siblings: list[tuple[tuple[Path, str], ClassFacts]]
                          ) -> bool:
        """``never_documented`` over those classes."""
        documented = [cls.methods[name] for _, cls in siblings if name in cls.methods]
        return len(documented) >= HOOK_NEVER_SEEN and 2 * len(documented) >= len(siblings) \
            and not any(documented)

    def _library_classes(self, modules: set[str]
                         ) -> list[tuple[tuple[Path, str], ClassFacts]]:
        """The package's classes with a direct base imported from one of those modules
        (``from transformers.core_model_loading import ConversionOps``), read from each
        file's imports alone (a library is never a file of the project)."""
        found: list[tuple[tuple[Path, str], ClassFacts]] = []
        if not modules:
            return found
        for file, facts in self.files():
            for qualname, cls in facts.classes.items():
                for dotted in cls.bases:
                    first, _, rest = dotted.partition(".")
                    target = facts.imports.get(first)
                    if target is None or target[0]:
                        continue
                    # Named as ``base_key`` names a library's class: its module is all
                    # but the last part (``from m import X``: m; ``import m as a`` with
                    # ``a.b.X``: ``m.b``).
                    parts = [target[1], *([target[2]] if target[2] is not None else []),
                             *(rest.split(".") if rest else [])]
                    module = ".".join(parts[:-1])
                    if module in modules:
                        found.append(((file, qualname), cls))
                        break
        return found

    def _classes(self, keys: set[str]) -> list[tuple[tuple[Path, str], ClassFacts]]:
        """The package's classes with a direct base of one of those keys."""
        # A base is resolved (files read) only when its last name is one of theirs.
        last = {key.rpartition(":")[2].rpartition(".")[2] for key in keys}
        found = []
        for file, facts in self.files():
            for qualname, cls in facts.classes.items():
                if any(dotted.rpartition(".")[2] in last and
                       self._hierarchy.base_key(file, facts, dotted) in keys
                       for dotted in cls.bases):
                    found.append(((file, qualname), cls))
        return found

    def functions(self, words: set[str]) -> dict[str, dict[tuple[Path, str], bool]]:
        """The members of the function families of those words, across the package."""
        members: dict[str, dict[tuple[Path, str], bool]] = {word: {} for word in words}
        for file, facts in self.files():
            for name, documented in facts.functions.items():
                word = family_word(name, False)
                if word in members:
                    members[word][(file, name)] = documented
        return members

    def subclasses(self, keys: set[str]) -> dict[str, dict[tuple[Path, str], bool]]:
        """The public top-level classes of the package whose bases have those keys, or
        whose base is an abstract class of the package that has one (``interface_keys``)."""
        members: dict[str, dict[tuple[Path, str], bool]] = {key: {} for key in keys}
        interfaces: dict[str, set[str]] = {}
        for (file, qualname), cls in self._classes(keys):
            if "." in qualname:
                continue
            for dotted in cls.bases:
                key = self._hierarchy.base_key(file, self._facts(file), dotted)
                if key in members:
                    if not private_name(cls.name):
                        members[key][(file, qualname)] = cls.documented
                    if cls.abstract:
                        interfaces.setdefault(f"{file}:{cls.name}", set()).add(key)
        # peft's ``LoHaLayer(nn.Module, LycorisLayer)``: a member of the family of
        # ``BaseTunerLayer``'s subclasses through the abstract ``LycorisLayer``.
        for (file, qualname), cls in self._classes(set(interfaces)) if interfaces else ():
            if "." in qualname or private_name(cls.name):
                continue
            for dotted in cls.bases:
                for key in interfaces.get(
                        self._hierarchy.base_key(file, self._facts(file), dotted) or "", ()):
                    members[key][(file, qualname)] = cls.documented
        return members

    def methods(self, roots: bool = True) -> dict[str, dict[tuple[Path, str], bool]]:
        """Each public method name (and name pattern, ``method_patterns``) of the package's
        classes: the classes defining it, and whether each documents it.

        With ``roots``, a class whose base (by its last name) is a class of the package
        defining the same method is left out: it overrides it, and the base carries the
        family's count. Without, every definition counts (``rarely_documented``'s count,
        over the whole package rather than a sample of the project).

        Args:
            roots: Count only the classes that do not override a package base's method.

        Returns:
            Per name or pattern, the classes (file and qualname) and their documentation.
        """
        if self._methods is None or self._all_methods is None:
            self._methods, self._all_methods = {}, {}
            definers: dict[str, set[str]] = {}
            for _, facts in self.files():
                for cls in facts.classes.values():
                    for name in cls.methods:
                        definers.setdefault(name, set()).add(cls.name)
            for file, facts in self.files():
                for qualname, cls in facts.classes.items():
                    bases = {dotted.rpartition(".")[2] for dotted in cls.bases}
                    for name, documented in cls.methods.items():
                        if private_name(name) or magic_name(name):
                            continue
                        self._all_methods.setdefault(name, {})[(file, qualname)] = documented
                        if bases & definers[name]:
                            continue
                        for key in (name, *method_patterns(name)):
                            members = self._methods.setdefault(key, {})
                            members[(file, qualname)] = \
                                members.get((file, qualname), False) or documented
        return self._methods if roots else self._all_methods

    def _facts(self, file: Path) -> ModuleFacts:
        if self._by_path is None:
            self._by_path = dict(self.files())
        return self._by_path[file]

    def inits(self) -> dict[tuple[Path, str], bool]:
        """The package's ``__init__.py`` files with code, and whether each has a docstring."""
        return {(file, ""): facts.module for file, facts in self.files()
                if file.name == "__init__.py" and facts.module is not None}


def method_patterns(name: str) -> list[str]:
    """The name families a method name belongs to: one inner snake_case word made a
    wildcard (``reset_*_parameters`` of ``reset_wave_parameters``; a per-plugin token).

    The first and last words stay: ``get_*`` alone would join every getter.

    Args:
        name: A method's name.

    Returns:
        The patterns (none for fewer than three words).
    """
    words = name.split("_")
    if len(words) < 3 or not all(words):
        return []
    return ["_".join([*words[:i], "*", *words[i + 1:]]) for i in range(1, len(words) - 1)]


def _siblings(cls: ClassFacts, inherited: frozenset[str], package: _Package) -> frozenset[str]:
    """A class's undocumented methods whose name (or name family) the package's classes
    mostly leave undocumented, no project base covering it (``Overrides.siblings``)."""
    found = set()
    for name, documented in cls.methods.items():
        if documented or name in inherited or private_name(name) or magic_name(name):
            continue
        counted = package.methods()
        if any(left_undocumented(counted.get(key, {}).values())
               for key in (name, *method_patterns(name))):
            found.add(name)
    return frozenset(found)


def _families(facts: ModuleFacts, path: Path | None, hierarchy: Hierarchy,
              package: _Package) -> frozenset[str]:
    """The file's undocumented top-level functions and classes of families its package
    leaves undocumented (see ``Overrides.families``)."""
    names: set[str] = set()
    words = {word for name, documented in facts.functions.items()
             if not documented and (word := family_word(name, False)) is not None}
    if words:
        counted = package.functions(words)
        for name, documented in facts.functions.items():
            word = family_word(name, False)
            if not documented and word is not None and left_undocumented(counted[word].values()):
                names.add(name)
    own: dict[str, set[str]] = {}
    for qualname, cls in facts.classes.items():
        if "." in qualname or private_name(cls.name) or cls.documented:
            continue
        for dotted in cls.bases:
            key = hierarchy.base_key(path, facts, dotted)
            if key is not None:
                own.setdefault(qualname, set()).add(key)
            own.setdefault(qualname, set()).update(hierarchy.interface_keys(path, facts, dotted))
    if own:
        counted = package.subclasses(set().union(*own.values()))
        names.update(qualname for qualname, keys in own.items()
                     if any(left_undocumented(counted[key].values()) for key in keys))
    if path is not None:
        names.update(_namesakes(facts, path, package))
        names.update(_folder_enums(facts, path, package))
    return frozenset(names)


#: The standard library's enumeration classes (``enum.Enum`` and its kinds).
_ENUM_BASES = frozenset({"Enum", "StrEnum", "IntEnum", "Flag", "IntFlag"})


def _is_enum(facts: ModuleFacts, cls: ClassFacts) -> bool:
    """Whether a class derives directly from one of ``enum``'s classes (``str, Enum``)."""
    for dotted in cls.bases:
        first, _, rest = dotted.partition(".")
        target = facts.imports.get(first)
        if target is None or target[0]:
            continue
        module, name = (target[1], target[2]) if not rest else \
            (".".join([target[1], *rest.split(".")[:-1]]), rest.rpartition(".")[2])
        if module == "enum" and name in _ENUM_BASES:
            return True
    return False


def _folder_enums(facts: ModuleFacts, path: Path, package: _Package) -> set[str]:
    """The file's undocumented top-level enumerations, where its folder leaves them so.

    The public top-level ``enum`` classes of the files in the file's own folder (a
    sub-package): at least ``FAMILY_MIN``, fewer than a quarter documented (huggingface_hub's
    ``cli``: ``DiscussionStatus``, ``RepoTypeAll``, ``GatedChoices``... 1 of 6, the choices
    of its commands; its top package documents 7 of 12, so the folder is counted, not the
    package). Their members' names say what they are.
    """
    wanted = {qualname for qualname, cls in facts.classes.items()
              if "." not in qualname and not private_name(cls.name) and not cls.documented
              and _is_enum(facts, cls)}
    if not wanted:
        return set()
    members = [cls.documented for file, other in package.files() if file.parent == path.parent
               for qualname, cls in other.classes.items()
               if "." not in qualname and not private_name(cls.name) and _is_enum(other, cls)]
    return wanted if left_undocumented(members) else set()


def _namesakes(facts: ModuleFacts, path: Path, package: _Package) -> set[str]:
    """The file's undocumented top-level classes of a per-backend family of its package.

    Both hold: the class's name recurs in at least ``FAMILY_MIN`` files of the package,
    fewer than a quarter of them documenting it, and the file's name recurs in at least as
    many folders of the package, fewer than a quarter of their top-level classes documented
    (peft's ``bnb.py`` of each tuner, with ``Linear4bit``/``Linear8bitLt``: 0 of 29). Bases
    and an ``if is_bnb_available():`` around them do not matter. A name alone is not enough:
    peft's ``Embedding``/``Conv2d`` recur in every tuner's ``layer.py``, whose classes are
    documented in 15 of 39.
    """
    wanted = {qualname for qualname, cls in facts.classes.items()
              if "." not in qualname and not private_name(cls.name) and not cls.documented}
    if not wanted:
        return set()
    files: dict[str, dict[Path, bool]] = {name: {} for name in wanted}
    alike: list[bool] = []
    for file, other in package.files():
        for qualname, cls in other.classes.items():
            if qualname in files:
                files[qualname][file] = files[qualname].get(file, False) or cls.documented
            if file.name == path.name and "." not in qualname and not private_name(cls.name):
                alike.append(cls.documented)
    siblings = {file.parent for file, _ in package.files() if file.name == path.name}
    if len(siblings) < FAMILY_MIN or alike.count(True) * FAMILY_SHARE >= len(alike):
        return set()
    return {name for name, found in files.items() if left_undocumented(found.values())}


#: A project's metadata files that may name its console scripts, and how much is read.
_METADATA = ("pyproject.toml", "setup.cfg", "setup.py")
_METADATA_BYTES = 1 << 20
#: ``name = package.module:function`` as setup.cfg and setup.py write an entry point.
_DOTTED = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")
_ENTRY = re.compile(r"[\w.-]+\s*=\s*([A-Za-z_][\w.]*)\s*:\s*([A-Za-z_]\w*)")


def project_root(path: Path, memo: dict[Path, Path | None] | None = None) -> Path | None:
    """The nearest folder up from a file holding a project metadata file, if any (``memo``:
    what earlier calls found per folder, the answer of a file's folder kept in it)."""
    start = path.absolute().parent
    if memo is not None and start in memo:
        return memo[start]
    found = None
    for folder in list(path.absolute().parents)[:16]:
        if any((folder / name).is_file() for name in _METADATA):
            found = folder
            break
    if memo is not None:
        memo[start] = found
    return found


def _stamp(path: Path) -> tuple[int, int] | None:
    """What tells a file's content changed without reading it (None: not a regular file)."""
    try:
        status = path.stat()
    except OSError:
        return None
    return (status.st_mtime_ns, status.st_size) if stat.S_ISREG(status.st_mode) else None


def entry_points(root: Path) -> dict[tuple[str, str], bool]:
    """The project's console and GUI script functions, and whether each has a docstring.

    Read from ``pyproject.toml``'s ``[project.scripts]``/``[project.gui-scripts]``, and from
    the ``console_scripts``/``gui_scripts`` entries of ``setup.cfg`` or ``setup.py`` (read as
    text, never run). An entry resolves to a file of the project (``pkg/mod.py`` or
    ``pkg/mod/__init__.py``, under the root or its ``src/``); one that does not is left out.

    Args:
        root: The project's folder.

    Returns:
        Per entry point (its file's real path as text, the function's name), whether the
        function has a docstring.
    """
    # Kept while the metadata files and the functions' files are unchanged (a language
    # server runs for hours; a batch run asks once per file).
    found: dict[tuple[str, str], bool] = {}
    for (_, func), candidate in _targets(root, tuple(
            _stamp(root / name) for name in _METADATA)).items():
        documented = _documents(candidate, func, _stamp(Path(candidate)))
        if documented is not None:
            found[(candidate, func)] = documented
    return found


@functools.lru_cache(maxsize=64)
def _targets(root: Path, stamps: tuple[tuple[int, int] | None, ...]
             ) -> dict[tuple[str, str], str]:
    """The entry points the metadata names (``entry_points``), with the file each resolves
    to (its real path); ``stamps`` keys the cache."""
    targets: set[tuple[str, str]] = set()
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        try:
            project = read_toml(pyproject).get("project", {})
        except ConfigError:
            project = {}
        for table in ("scripts", "gui-scripts"):
            scripts = project.get(table, {}) if isinstance(project, dict) else {}
            for value in scripts.values() if isinstance(scripts, dict) else ():
                module, _, func = str(value).partition(":")
                if module and func:
                    targets.add((module.strip(), func.split("[")[0].strip()))
    for name in ("setup.cfg", "setup.py"):
        file = root / name
        size = _stamp(file)
        if size is None or size[1] > _METADATA_BYTES:
            continue
        try:
            text = file.read_text("utf-8", "replace")
        except OSError:
            continue
        for marker in ("console_scripts", "gui_scripts"):
            at = text.find(marker)
            while at >= 0:
                # The entries follow the marker, up to the next section or closing bracket.
                chunk = re.split(r"\n\s*\[|\]", text[at:at + 4096])[0]
                targets.update((m.group(1), m.group(2)) for m in _ENTRY.finditer(chunk))
                at = text.find(marker, at + 1)
    resolved: dict[tuple[str, str], str] = {}
    inside = os.path.realpath(root) + os.sep
    for module, func in sorted(targets):
        # A dotted name of identifiers only, and a file inside the project (a link leaving
        # it is not read): the metadata is the repository's, not trusted.
        if not _DOTTED.fullmatch(module) or not func.isidentifier():
            continue
        parts = module.split(".")
        for start in (root, root / "src"):
            place = start.joinpath(*parts)
            candidate = next((c for c in (place.with_name(place.name + ".py"),
                                          place / "__init__.py") if c.is_file()), None)
            if candidate is not None:
                real = os.path.realpath(candidate)
                if real.startswith(inside):
                    resolved[(module, func)] = real
                break
    return resolved


@functools.lru_cache(maxsize=256)
def _documents(file: str, func: str, stamp: tuple[int, int] | None) -> bool | None:
    """Whether a file's top-level function has a docstring (None: the file cannot be read
    or parsed, or is over 1 MiB); ``stamp`` keys the cache."""
    if stamp is None or stamp[1] > _METADATA_BYTES:
        return None
    try:
        tree = syntax.parse(Path(file).read_bytes())
    except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    return any(isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef) and
               stmt.name == func and describes(stmt.body)
               for stmt in tree.body)


def undocumented_entry_points(path: Path, memo: dict[Path, Path | None] | None = None
                              ) -> frozenset[str]:
    """The file's functions that are console scripts' entry points, in a project whose entry
    points carry (almost) no docstring (huggingface_hub's ``hf`` ``main``: 0 of 2).

    Args:
        path: A file of the project.
        memo: Each folder's project root as found by earlier calls (``project_root``).

    Returns:
        The functions' names (none where a quarter or more of the entry points have one).
    """
    root = project_root(path, memo)
    if root is None:
        return frozenset()
    points = entry_points(root)
    if sum(points.values()) * FAMILY_SHARE >= len(points):
        return frozenset()
    real = os.path.realpath(path)
    return frozenset(name for file, name in points if file == real)


def overrides(facts: ModuleFacts, path: Path | None, hierarchy: Hierarchy,
              rarely_documented: Callable[[str], bool]) -> Overrides:
    """What the definitions of one file inherit (see ``Overrides``).

    Args:
        facts: The file's facts.
        path: The file (None: text without a file).
        hierarchy: Where bases and the package's files are found.
        rarely_documented: Whether the project rarely documents methods of a name.

    Returns:
        The covered and hook methods of each class with bases, and the file's members of
        undocumented families of its package.
    """
    covered: dict[str, frozenset[str]] = {}
    hooks: dict[str, frozenset[str]] = {}
    siblings: dict[str, frozenset[str]] = {}
    package = hierarchy.view(path)
    for qualname, cls in facts.classes.items():
        names = {name for name in cls.methods if not magic_name(name)}
        if not names:
            continue
        inherited, external = hierarchy.family(path, facts, cls) if cls.bases else \
            (frozenset(), False)
        alike = _siblings(cls, inherited, package)
        if not cls.bases:
            if alike:
                siblings[qualname] = alike
            continue
        if names & inherited:
            covered[qualname] = frozenset(names & inherited)
        libraries = hierarchy.library_bases(path, facts, cls) if external else set()
        hook = {name for name in names - inherited if external and
                (rarely_documented(name) or
                 (libraries and package.never_documented(name, libraries)))}
        if hook:
            hooks[qualname] = frozenset(hook)
        # The same rule counted over the whole package (not a sample of the project), as a
        # sibling family: a property among them is still asked (see ``Reason.SIBLINGS``).
        counted = package.methods(roots=False)
        alike |= {name for name in names - inherited - hook if external and
                  not cls.methods[name] and left_undocumented(counted.get(name, {}).values())}
        if alike:
            siblings[qualname] = alike
    package_init = path is not None and path.name == "__init__.py" and \
        facts.module is False and left_undocumented(package.inits().values())
    # The package's files include this one only when it is under a package; else its own.
    counts = [f.from_returns for _, f in package.files()] or [facts.from_returns]
    seen, given = sum(c[0] for c in counts), sum(c[1] for c in counts)
    omits_from = seen >= FAMILY_MIN and given * FAMILY_SHARE <= seen
    shown_all = [f.properties for _, f in package.files()] or [facts.properties]
    shown, described = sum(c[0] for c in shown_all), sum(c[1] for c in shown_all)
    rare_properties = shown >= FAMILY_MIN and described * FAMILY_SHARE < shown
    plain = frozenset(name for name in (*facts.classes, *facts.imports)
                      if "." not in name and name[:1].isupper() and
                      hierarchy.plain(path, facts, name))
    return Overrides(covered, hooks, _families(facts, path, hierarchy, package), package_init,
                     siblings, omits_from, _twins(facts, path, package), plain,
                     rare_properties,
                     # Read only where a module's helpers may be a family (see
                     # ``Exemptions._helpers``): the __init__ files cost more than the rest.
                     reexports(path) if sum(not d for d in facts.functions.values()) >=
                     HELPERS_MIN else None,
                     undocumented_entry_points(path, hierarchy.metadata_roots)
                     if path is not None else frozenset(),
                     _imported_elsewhere(facts, path, package))


def _imported_elsewhere(facts: ModuleFacts, path: Path | None, package: _Package
                        ) -> frozenset[str]:
    """The file's top-level class names another file of the package imports by name
    (``Overrides.imported``; a name imported from any module counts: never too few).
    Another file importing the module itself (``from . import types``, then
    ``types.OptionHelpExtra`` in click's ``core.py``) may use any of them: all count."""
    names = {qualname for qualname in facts.classes if "." not in qualname}
    if not names or path is None:
        return frozenset()
    found: set[str] = set()
    own = path.absolute()
    for file, other in package.files():
        if file.absolute() == own:
            continue
        for _, module, name in other.imports.values():
            if name is not None and name in names:
                found.add(name)
            elif (name if name is not None else module.rpartition(".")[2]) == path.stem:
                return frozenset(names)
    return frozenset(found)


def _twins(facts: ModuleFacts, path: Path | None, package: _Package
           ) -> dict[str, frozenset[str]]:
    """Per class of the file, the methods a twin class documents (``Overrides.twins``)."""
    wanted = {qualname: {cls.name, f"Async{cls.name}", cls.name.removeprefix("Async")}
              for qualname, cls in facts.classes.items()}
    if not wanted:
        return {}
    files: list[tuple[Path | None, ModuleFacts]] = [*package.files()] or [(path, facts)]
    if not any(file == path for file, _ in files):
        files = [*files, (path, facts)]
    found: dict[str, frozenset[str]] = {}
    for qualname, names in wanted.items():
        documented: set[str] = set()
        for file, other in files:
            for other_name, cls in other.classes.items():
                if cls.name in names and not (file == path and other_name == qualname):
                    documented.update(name for name, has in cls.methods.items() if has)
        if documented:
            found[qualname] = frozenset(documented)
    return found
