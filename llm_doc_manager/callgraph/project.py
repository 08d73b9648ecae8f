"""Build a project's call graph from files on disk, with indexes cached by content hash."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from llm_doc_manager import codes
from llm_doc_manager.analysis.load import fewer_collections, read_file
from llm_doc_manager.callgraph.graph import CallGraph
from llm_doc_manager.callgraph.index import module_index
from llm_doc_manager.callgraph.symbols import FORMAT, ModuleIndex, index_from_json, index_to_json
from llm_doc_manager.codes import Finding
from llm_doc_manager.source.discovery import PROJECT_MARKERS, iter_files
from llm_doc_manager.store import ResultStore, code_fingerprint


def module_for(path: Path) -> tuple[str, bool]:
    """The dotted module name of a file, from the packages (``__init__.py``) around it.

    Args:
        path: A ``.py`` or ``.pyi`` file.

    Returns:
        The name (``json.decoder``; ``json`` for ``json/__init__.py``) and whether the file
        is a package's ``__init__``.
    """
    is_package = path.stem == "__init__"
    parts = [] if is_package else [path.stem]
    folder = path.parent
    while (folder / "__init__.py").is_file() or (folder / "__init__.pyi").is_file():
        parts.append(folder.name)
        if folder.parent == folder:
            break
        folder = folder.parent
    if not parts:  # an __init__.py in a folder that is not itself inside a package
        parts = [path.parent.name or "__init__"]
    return ".".join(reversed(parts)), is_package


#: The index cache's file in the cache folder. Its rows were pickles up to ``callgraph.sqlite3``;
#: they are JSON now (``symbols.index_to_json``), checked whole when read back.
INDEX_FILE = "callgraph-v2.sqlite3"


class IndexCache:
    """Module indexes by content hash in the tool's cache folder; off when None is given.

    A ``ResultStore`` (bounded in rows and bytes, least recently used dropped first) of
    indexes as JSON, keyed by the hash of the file, of the tool's code and of the cached
    form's version. What comes back is checked by ``index_from_json``: a row that is not
    exactly an index this code wrote is a miss, and nothing but lists, strings and numbers
    is ever built from it.

    Args:
        path: The database file, or None for no cache.
    """

    def __init__(self, path: Path | None) -> None:
        self._store: ResultStore[str] = ResultStore(path)
        self._pending: list[tuple[str, str]] = []

    def get_many(self, keys: list[str]) -> dict[str, ModuleIndex]:
        """The cached indexes of some keys (a row that does not check out is a miss)."""
        found: dict[str, ModuleIndex] = {}
        with fewer_collections():  # hundreds of thousands of records, no cycles
            for key, text in self._store.get_many(keys).items():
                index = index_from_json(text)
                if index is not None:
                    found[key] = index
        return found

    def put(self, key: str, index: ModuleIndex) -> None:
        """Queue an index to be written by ``flush`` (nothing is encoded without a store)."""
        if self._store.available:
            self._pending.append((key, index_to_json(index)))

    def flush(self) -> None:
        """Write the queued indexes in one transaction and close."""
        self._store.put_many(self._pending)
        self._pending = []
        self._store.close()


@dataclass
class Project:
    """A call graph built from files, and what could not be read.

    Attributes:
        graph: The call graph (keys are absolute paths).
        problems: One finding per file that could not be read or parsed.
        paths: The files indexed.
    """

    graph: CallGraph
    problems: list[Finding] = field(default_factory=list)
    paths: list[Path] = field(default_factory=list)


def project_root(path: Path) -> Path:
    """The folder to index around a file or folder: the nearest one with a project marker.

    Without one, the folder above the top-level package (the standard library's ``Lib/``
    for ``Lib/json/decoder.py``).
    """
    folder = path.resolve() if path.is_dir() else path.resolve().parent
    for candidate in (folder, *folder.parents):
        if any((candidate / marker).exists() for marker in PROJECT_MARKERS):
            return candidate
    while (folder / "__init__.py").is_file() and folder.parent != folder:
        folder = folder.parent
    return folder


def key_of(path: Path) -> str:
    """The key a file has in the graph: its absolute path, links not resolved."""
    return os.path.abspath(path)


def load_project(paths: Sequence[Path], exclude: Sequence[str] = (), *,
                 root: Path | None = None, cache: Path | None = None) -> Project:
    """Index every Python file under some paths and join them into a call graph.

    Args:
        paths: Files and folders (``.gitignore`` and ``exclude`` respected).
        exclude: Extra patterns to skip.
        root: The folder ``exclude`` patterns are relative to.
        cache: The index cache database, or None.

    Returns:
        The project; a file that cannot be read or parsed is a problem, not a failure.

    Raises:
        FileNotFoundError: If a given path does not exist.
    """
    walk_problems: list[Finding] = []
    files = iter_files(paths, exclude, root=root, problems=walk_problems)
    # A stub beside its module describes the same module: the module's code is what runs.
    present = {f.with_suffix("") for f in files if f.suffix == ".py"}
    files = [f for f in files if f.suffix == ".py" or f.with_suffix("") not in present]
    project = Project(CallGraph(), paths=files, problems=walk_problems)
    store = IndexCache(cache)
    sources: list[tuple[Path, str, str, bool, str]] = []
    for path in files:
        source = read_file(path)
        if isinstance(source, Finding):
            project.problems.append(source)
            continue
        module, is_package = module_for(path)
        # A file name need not be UTF-8: its module name keeps the bytes as surrogates.
        about = f"\0{module}\0{is_package}\0{FORMAT}\0".encode("utf-8", "surrogateescape")
        digest = hashlib.sha256(source.digest + about
                                + code_fingerprint().encode()).hexdigest()
        sources.append((path, source.text, module, is_package, digest))
    cached = store.get_many([s[4] for s in sources])
    for path, text, module, is_package, digest in sources:
        index = cached.get(digest)
        if index is None:
            index = module_index(text, module, is_package, str(path))
            store.put(digest, index)
        if index.error:
            project.problems.append(Finding(path, index.error_line, 0, codes.SYNTAX_ERROR,
                                            index.error))
        project.graph.set_index(key_of(path), index, digest)
    store.flush()
    return project
