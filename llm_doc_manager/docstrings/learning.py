"""Where a run learns a project's docstring conventions from: the files it reads for them.

The model itself (``docstrings.conventions``) is pure; this module finds and reads the other
files it learns from, once per run. The project is found as the nearest folder up holding
``pyproject.toml``, ``setup.py``, ``setup.cfg`` or ``.git``; its files are listed by
``source.discovery.iter_files`` (its default excludes, ``.gitignore``, and the link
boundary: a link leaving the project is never read) and read by ``analysis.load.read_file``
(its size limit; a FIFO or device is never opened for reading). A folder's level is its own
regular ``.py`` files, not walked into. Each file is parsed at most once per run, and a run
that uses worker processes learns everything its files need in the parent first
(``prime``), so no worker reads the project again.

It also finds the base classes of a file's classes in the project's other files
(``overrides``, see ``docstrings.bases``): only files inside the project are read (a
link leaving it is not followed), each at most once per run, and what each shows is kept
in the result store by content like the evidence.
"""

from __future__ import annotations

import ast
import hashlib
import os
from collections.abc import Callable, Iterable
from pathlib import Path

from llm_doc_manager.analysis.load import LoadedFile, parse_source, read_file
from llm_doc_manager.analysis.load import keep as keep_tree
from llm_doc_manager.codes import Finding
from llm_doc_manager.docstrings.bases import (
    Hierarchy,
    ModuleFacts,
    Overrides,
    module_facts,
    overrides,
)
from llm_doc_manager.docstrings.conventions import Evidence, HouseStyle, house_style
from llm_doc_manager.source.discovery import iter_files, nearest_project
from llm_doc_manager.source.files import SourceFile
from llm_doc_manager.store import ResultStore, code_fingerprint

#: Files learned from per folder and per project, at most (evenly spread when more).
SAMPLE_FILES = 200
#: Text of the files a run documents that one process keeps, between reading them to learn
#: from and documenting them (a tree takes about 28 times its text in memory: 16 MiB of
#: text is about 450 MiB of trees). Past it, a file is read and parsed again.
KEEP_BYTES = 16 * 2**20


def _sample(paths: list[Path]) -> list[Path]:
    """At most ``SAMPLE_FILES`` paths, evenly spread over the sorted list."""
    if len(paths) <= SAMPLE_FILES:
        return paths
    step = len(paths) / SAMPLE_FILES
    return [paths[int(i * step)] for i in range(SAMPLE_FILES)]


def _folder_files(folder: Path) -> list[Path]:
    """The regular ``.py`` files of a folder (links not followed), sorted."""
    try:
        with os.scandir(folder) as entries:
            return sorted(Path(e.path) for e in entries
                          if e.name.endswith(".py") and e.is_file(follow_symlinks=False))
    except OSError:
        return []


def _project_files(root: Path) -> list[Path]:
    """The ``.py`` files of a project as a run would find them, sorted."""
    try:
        found = iter_files([root])
    except (OSError, ValueError):  # gone meanwhile, or a pattern refused: learn nothing
        return []
    return sorted(path for path in found if path.suffix == ".py")


def _file_evidence(path: Path, source: SourceFile | Finding | None = None,
                   tree: ast.Module | Finding | None = None) -> Evidence:
    """What one file's docstrings show (nothing when it cannot be read or parsed)."""
    evidence = Evidence()
    source = read_file(path) if source is None else source
    if isinstance(source, Finding):
        return evidence
    tree = parse_source(path, source.text) if tree is None else tree
    if isinstance(tree, ast.Module):
        evidence.add_tree(tree, source.text.splitlines())
    return evidence


#: What one file teaches: its evidence, and its class facts when asked (None otherwise).
Lesson = tuple[Evidence, "ModuleFacts | None"]
#: Runs ``lessons`` over files elsewhere (worker processes), answers in the files' order.
Spread = Callable[[list[Path], bool], Iterable[Lesson]]


def lessons(paths: list[Path], facts: bool, keep: frozenset[Path] = frozenset(),
            budget: int = 0) -> list[Lesson]:
    """What each file shows, read and parsed once: its evidence and, if asked, its class facts.

    Args:
        paths: The files (absolute).
        facts: Whether the class facts are wanted too.
        keep: Files this process documents next: their text and tree are kept for it
            (``analysis.load.keep``), so they are not read and parsed again.
        budget: Most characters of text this process keeps so.

    Returns:
        One (evidence, class facts or None) per file, in order.
    """
    found: list[Lesson] = []
    for path in paths:
        source = read_file(path)
        tree = None if isinstance(source, Finding) else parse_source(path, source.text)
        if path in keep and isinstance(source, SourceFile) and isinstance(tree, ast.Module):
            keep_tree(path, LoadedFile(source, tree), budget)
        evidence = _file_evidence(path, source, tree)
        found.append((evidence, module_facts(tree) if facts and isinstance(tree, ast.Module)
                      else None))
    return found


#: Prefix of the evidence cache's keys (the rest: a digest of the tool's code and the file).
_EVIDENCE_KEY = "evidence-v1:"
#: Prefix of the class facts' keys (``docstrings.bases.ModuleFacts``), keyed alike.
_FACTS_KEY = "bases-v1:"


#: Calls that make a type variable: the name means "some type", which no reader can look up.
_TYPE_VARIABLES = frozenset({"TypeVar", "ParamSpec", "TypeVarTuple"})


def _own_type_variables(tree: ast.Module) -> frozenset[str]:
    """The names a module's top-level statements bind to ``TypeVar(...)`` and the like."""
    names = set()
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and \
                isinstance(stmt.targets[0], ast.Name) and isinstance(stmt.value, ast.Call):
            func = stmt.value.func
            called = func.id if isinstance(func, ast.Name) else \
                func.attr if isinstance(func, ast.Attribute) else None
            if called in _TYPE_VARIABLES:
                names.add(stmt.targets[0].id)
    return frozenset(names)


def import_aliases(tree: ast.Module) -> dict[str, str]:
    """The names a module imports under another name, each with the name it imports.

    ``from tqdm.auto import tqdm as base_tqdm`` gives ``base_tqdm -> tqdm``: the alias is
    the module's own word, the imported name the one its documentation goes by. Imports at
    the top level, also under ``if``/``try`` (``if TYPE_CHECKING:``). A private name made
    public by its alias (``from ._x import _Foo as Foo``) is kept: the alias is the name
    readers know.
    """
    found: dict[str, str] = {}
    stack: list[ast.stmt] = list(tree.body)
    while stack:
        stmt = stack.pop()
        if isinstance(stmt, (ast.If, ast.Try)):
            stack.extend([*stmt.body, *stmt.orelse, *getattr(stmt, "finalbody", ()),
                          *(s for h in getattr(stmt, "handlers", ()) for s in h.body)])
        elif isinstance(stmt, ast.ImportFrom):
            for alias in stmt.names:
                name = alias.name
                if alias.asname and alias.asname != name and name != "*" and \
                        not name.startswith("_"):
                    found[alias.asname] = name
    return found


def _module_file(path: Path, node: ast.ImportFrom) -> Path | None:
    """The project file a ``from X import`` in ``path`` reads, when it is in its package."""
    parts = (node.module or "").split(".") if node.module else []
    if node.level:
        base = path.parent
        for _ in range(node.level - 1):
            base = base.parent
    else:
        # An absolute import of the file's own top package (``huggingface_hub._typing``).
        top = path.parent
        while (top.parent / "__init__.py").is_file():
            top = top.parent
        if not parts or parts[0] != top.name or not (top / "__init__.py").is_file():
            return None
        base = top.parent
    target = base.joinpath(*parts) if parts else base
    for candidate in (target.with_suffix(".py"), target / "__init__.py"):
        if parts and candidate.is_file():
            return candidate
    return None


class Learning:
    """The evidence of folders and projects, read at most once per run.

    Pickled to worker processes with what it has learned (not the per-file counts it was
    summed from), so a primed ``Learning`` costs a worker no read.
    """

    def __init__(self, store: ResultStore[str] | None = None) -> None:
        """Start with nothing learned.

        Args:
            store: Where each file's evidence is kept by content between runs (``validate``
                learns on every run, warm ones included: a file read from the store is
                hashed, not parsed). None: nothing kept.
        """
        self._store = store
        self._files: dict[Path, Evidence] = {}
        self._folders: dict[Path, Evidence] = {}
        self._projects: dict[Path, Evidence] = {}
        self._roots: dict[Path, Path | None] = {}
        self._facts: dict[Path, ModuleFacts | None] = {}
        self._type_vars: dict[Path, frozenset[str]] = {}
        self._hierarchies: dict[Path | None, Hierarchy] = {}
        self._keep: frozenset[Path] = frozenset()

    def __getstate__(self) -> dict[str, object]:
        """What a worker receives: the folders' and projects' sums, not every file's (nor
        the hierarchies, which a worker finds again from the facts)."""
        return {"_files": {}, "_folders": self._folders, "_projects": self._projects,
                "_roots": self._roots, "_store": None, "_facts": self._facts,
                "_type_vars": self._type_vars, "_hierarchies": {}, "_keep": frozenset()}

    def type_variables(self, tree: ast.Module, path: Path) -> frozenset[str]:
        """The names a file binds to type variables: its own, and those it imports from a
        module of its package (huggingface_hub's ``from ._typing import CallableT``), each
        such module read once per run.

        Args:
            tree: The file's tree.
            path: The file.

        Returns:
            The names.
        """
        names = set(_own_type_variables(tree))
        for stmt in tree.body:
            if not isinstance(stmt, ast.ImportFrom):
                continue
            found = _module_file(path.absolute(), stmt)
            if found is None:
                continue
            if found not in self._type_vars:
                source = read_file(found)
                other = None if isinstance(source, Finding) else \
                    parse_source(found, source.text)
                self._type_vars[found] = _own_type_variables(other) \
                    if isinstance(other, ast.Module) else frozenset()
            names |= {alias.asname or alias.name for alias in stmt.names
                      if alias.name in self._type_vars[found]}
        return frozenset(names)

    def facts(self, sources: dict[Path, SourceFile], trees: dict[Path, ast.Module] | None = None
              ) -> None:
        """Learn the class facts of files already read (from the store where known).

        Args:
            sources: The files (absolute paths) and their content.
            trees: Their trees where already parsed (not parsed again).
        """
        todo = {path: source for path, source in sources.items() if path not in self._facts}
        keys: dict[Path, str] = {}
        stored: dict[str, str] = {}
        if self._store is not None:
            salt = code_fingerprint().encode()
            keys = {path: _FACTS_KEY + hashlib.sha256(salt + source.digest).hexdigest()
                    for path, source in todo.items()}
            stored = self._store.get_many(list(keys.values()))
        fresh: list[tuple[str, str]] = []
        for path, source in todo.items():
            key = keys.get(path)
            known = ModuleFacts.from_json(stored[key]) if key in stored else None
            if known is None:
                tree = (trees or {}).get(path) or parse_source(path, source.text)
                if isinstance(tree, Finding):
                    self._facts[path] = None
                    continue
                known = module_facts(tree)
                if key is not None:
                    fresh.append((key, known.to_json()))
            self._facts[path] = known
        if self._store is not None and fresh:
            self._store.put_many(fresh)

    def _facts_of(self, path: Path) -> ModuleFacts | None:
        """The class facts of another file of the project (read at most once per run)."""
        if path not in self._facts:
            source = read_file(path)
            if isinstance(source, Finding):
                self._facts[path] = None
            else:
                self.facts({path: source})
        return self._facts[path]

    def overrides(self, path: Path, source: SourceFile, house: HouseStyle,
                  tree: ast.Module | None = None) -> Overrides:
        """What the methods of a file's classes inherit from bases in the project.

        Args:
            path: The file.
            source: Its content.
            house: Its conventions (whether the project rarely documents a method name).
            tree: Its tree, if already parsed.

        Returns:
            The covered and hook methods of each class (nothing when it does not parse).
        """
        path = path.absolute()
        self.facts({path: source}, {path: tree} if tree is not None else None)
        facts = self._facts[path]
        if facts is None:
            return Overrides()
        root = self.root(path.parent)
        if root not in self._hierarchies:  # one per project: what it finds is kept
            self._hierarchies[root] = Hierarchy(root, self._facts_of)
        return overrides(facts, path, self._hierarchies[root], house.rarely_documented)

    def _from_store(self, paths: list[Path]) -> None:
        """Learn the files not yet known, from the store where their content is known."""
        assert self._store is not None
        sources = {path: read_file(path) for path in paths if path not in self._files}
        salt = code_fingerprint().encode()
        keys = {path: _EVIDENCE_KEY + hashlib.sha256(salt + source.digest).hexdigest()
                for path, source in sources.items() if not isinstance(source, Finding)}
        stored = self._store.get_many(list(keys.values()))
        fresh: list[tuple[str, str]] = []
        trees: dict[Path, ast.Module] = {}
        for path, source in sources.items():
            key = keys.get(path)
            known = Evidence.from_json(stored[key]) if key in stored else None
            if known is None:
                tree = None if isinstance(source, Finding) else parse_source(path, source.text)
                known = _file_evidence(path, source, tree)
                if isinstance(tree, ast.Module) and path.is_absolute():
                    trees[path] = tree
                if key is not None:
                    fresh.append((key, known.to_json()))
            self._files[path] = known
        self._store.put_many(fresh)
        # The class facts of a file just parsed come from the same tree (a cold run would
        # parse it again for them); only the facts are kept, not the trees.
        self.facts({path: source for path, source in sources.items()
                    if path in trees and not isinstance(source, Finding)}, trees)

    def _stored_lessons(self, paths: list[Path], bases: bool) -> dict[Path, str]:
        """Learn from the store what it knows of ``paths``; each readable file's key digest.

        A file is learned here only when the store has all that is asked of it (its
        evidence, and its class facts with ``bases``): the others go to ``spread``.
        """
        assert self._store is not None
        salt = code_fingerprint().encode()
        keys: dict[Path, str] = {}
        for path in paths:
            source = read_file(path)
            if not isinstance(source, Finding):
                keys[path] = hashlib.sha256(salt + source.digest).hexdigest()
        stored = self._store.get_many([prefix + digest for digest in keys.values()
                                       for prefix in (_EVIDENCE_KEY, _FACTS_KEY)])
        for path, digest in keys.items():
            evidence = stored.get(_EVIDENCE_KEY + digest)
            known = Evidence.from_json(evidence) if evidence is not None else None
            facts = stored.get(_FACTS_KEY + digest)
            found = ModuleFacts.from_json(facts) if facts is not None else None
            if known is not None and (found is not None or not bases):
                self._files[path] = known
                if found is not None and path not in self._facts:
                    self._facts[path] = found
        return keys

    def _sum(self, paths: Iterable[Path]) -> Evidence:
        total = Evidence()
        paths = list(paths)
        if self._store is not None:
            self._from_store(paths)
        missing = [path for path in paths if path not in self._files]
        if missing:  # the files of the run among them are kept for it (``keep_for``)
            found = lessons(missing, False, self._keep, KEEP_BYTES) if self._keep \
                else [(_file_evidence(path), None) for path in missing]
            self._files.update((path, evidence) for path, (evidence, _) in zip(
                missing, found, strict=True))
        for path in paths:
            total.add(self._files[path])
        return total

    def keep_for(self, paths: Iterable[Path]) -> None:
        """Keep the text and tree of these files when they are read to learn from, for the
        run that documents them next in this process (``analysis.load.take_kept``).

        Args:
            paths: The run's files.
        """
        self._keep = frozenset(path.absolute() for path in paths)

    def folder(self, folder: Path) -> Evidence:
        """What the Python files of one folder show.

        The file being documented is counted too: its own evidence is looked at first, so
        it adds nothing here to a choice it did not show.

        Args:
            folder: The folder (absolute), not walked into.

        Returns:
            The counts.
        """
        if folder not in self._folders:
            self._folders[folder] = self._sum(_sample(_folder_files(folder)))
        return self._folders[folder]

    def root(self, folder: Path) -> Path | None:
        """The project of a folder (absolute), or None.

        Args:
            folder: The folder.

        Returns:
            The nearest folder up that marks a project.
        """
        if folder not in self._roots:
            self._roots[folder] = nearest_project(folder)
        return self._roots[folder]

    def project(self, root: Path) -> Evidence:
        """What an evenly spread sample of a project's Python files shows.

        Args:
            root: The project's folder.

        Returns:
            The counts.
        """
        if root not in self._projects:
            self._projects[root] = self._sum(_sample(_project_files(root)))
        return self._projects[root]

    def prime(self, paths: Iterable[Path], bases: bool = False,
              spread: Spread | None = None, reach: bool = True) -> None:
        """Learn now what the given files will need (before the run is split over workers).

        Args:
            paths: The files of the run.
            bases: Also read the class facts of the files and of the bases they reach
                (``generate --all``), so that no worker parses a base file again.
            spread: Runs ``lessons`` over chunks of files in worker processes, so that
                the files learned from are read and parsed on every core (with a store,
                only those it does not know: a stored file costs a hash, not a parse).
                None: read here.
            reach: With ``bases``, also find the bases the files reach in other files
                here; False when the caller does it next (``validate`` keys each file's
                result by what it inherits, so it asks ``overrides`` itself).
        """
        paths = list(paths)
        folders = sorted({path.absolute().parent for path in paths})
        in_folder: dict[Path, list[Path]] = {}
        in_project: dict[Path, list[Path]] = {}
        for folder in folders:
            if folder not in self._folders:
                in_folder[folder] = _sample(_folder_files(folder))
            root = self.root(folder)
            if root is not None and root not in self._projects and root not in in_project:
                in_project[root] = _sample(_project_files(root))
        if spread is not None:
            wanted = dict.fromkeys(p for sample in (*in_folder.values(), *in_project.values())
                                   for p in sample)
            if bases:  # each file of the run needs its class facts too
                wanted.update(dict.fromkeys(path.absolute() for path in paths))
            todo = [path for path in wanted if path not in self._files]
            # A store that is off (--no-cache) knows nothing: no file is read for it.
            keys = self._stored_lessons(todo, bases) \
                if self._store is not None and self._store.available else {}
            todo = [path for path in todo if path not in self._files]
            fresh: list[tuple[str, str]] = []
            for path, (evidence, facts) in zip(todo, spread(todo, bases), strict=True):
                self._files[path] = evidence
                if bases and path not in self._facts:
                    self._facts[path] = facts
                if path in keys:  # kept by content, as ``_from_store`` and ``facts`` keep
                    fresh.append((_EVIDENCE_KEY + keys[path], evidence.to_json()))
                    if facts is not None:
                        fresh.append((_FACTS_KEY + keys[path], facts.to_json()))
            if self._store is not None and fresh:
                self._store.put_many(fresh)
        if bases and reach:
            for path in paths:
                source = read_file(path)
                if not isinstance(source, Finding):
                    self.overrides(path, source, HouseStyle())
        for folder in folders:
            if folder in in_folder:
                self._folders[folder] = self._sum(in_folder[folder])
            root = self.root(folder)
            if root is not None and root not in self._projects:
                self._projects[root] = self._sum(in_project[root])
        self._files.clear()  # only the sums are needed from here on

    def style(self, tree: ast.Module, path: Path, types: str = "auto",
              raises: bool | None = None, docstyle: str = "auto") -> HouseStyle:
        """The conventions new text in one file follows: its own, its folder's, its project's.

        Args:
            tree: The file's tree.
            path: The file.
            types: The ``types`` pin.
            raises: Pins whether a new Raises section may be added (None: learned).
            docstyle: The ``style`` pin.

        Returns:
            The conventions, each level learned on first use.
        """
        folder = path.absolute().parent
        levels: list[Callable[[], Evidence]] = [lambda: self.folder(folder)]
        root = self.root(folder)
        if root is not None:
            levels.append(lambda: self.project(root))
        style = house_style(tree, levels, types, raises=raises, style=docstyle)
        style.type_vars = self.type_variables(tree, path)
        style.aliases = import_aliases(tree)
        return style
