"""Build a project's call graph from files on disk, with indexes cached by content hash."""

from __future__ import annotations

import contextlib
import hashlib
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from llm_doc_manager import codes
from llm_doc_manager.analysis.load import fewer_collections, read_file
from llm_doc_manager.callgraph.graph import CallGraph
from llm_doc_manager.callgraph.index import module_index
from llm_doc_manager.callgraph.stored import open_stored, parts_of, store_graph
from llm_doc_manager.callgraph.symbols import FORMAT, ModuleIndex, index_from_json, index_to_json
from llm_doc_manager.codes import Finding
from llm_doc_manager.source.discovery import PROJECT_MARKERS, iter_files
from llm_doc_manager.store import ResultStore, code_fingerprint


def module_for(path: Path, memo: dict[Path, list[str]] | None = None) -> tuple[str, bool]:
    """The dotted module name of a file, from the packages (``__init__.py``) around it.

    Args:
        path: A ``.py`` or ``.pyi`` file.
        memo: Folder -> the package names from it upward, shared by the calls of one run
            (the files of one folder ask the same folders).

    Returns:
        The name (``json.decoder``; ``json`` for ``json/__init__.py``) and whether the file
        is a package's ``__init__``.
    """
    is_package = path.stem == "__init__"
    parts = ([] if is_package else [path.stem]) + _packages(path.parent,
                                                            {} if memo is None else memo)
    if not parts:  # an __init__.py in a folder that is not itself inside a package
        parts = [path.parent.name or "__init__"]
    return ".".join(reversed(parts)), is_package


def _packages(folder: Path, memo: dict[Path, list[str]]) -> list[str]:
    """The names of the packages holding a folder, innermost first (none: not a package)."""
    found = memo.get(folder)
    if found is None:
        if (folder / "__init__.py").is_file() or (folder / "__init__.pyi").is_file():
            found = [folder.name] + (_packages(folder.parent, memo)
                                     if folder.parent != folder else [])
        else:
            found = []
        memo[folder] = found
    return found


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

    @property
    def available(self) -> bool:
        """Whether the cache is open (a refused or absent one is not)."""
        return self._store.available

    def get_many(self, keys: list[str]) -> dict[str, ModuleIndex]:
        """The cached indexes of some keys (a row that does not check out is a miss)."""
        found: dict[str, ModuleIndex] = {}
        with fewer_collections():  # hundreds of thousands of records, no cycles
            for key, text in self._store.get_many(keys).items():
                index = index_from_json(text)
                if index is not None:
                    found[key] = index
        return found

    def put(self, key: str, index: ModuleIndex, text: str | None = None) -> None:
        """Queue an index to be written by ``flush`` (nothing is encoded without a store).

        Args:
            key: The cache key.
            index: The index.
            text: Its ``index_to_json`` when already made (by a worker process).
        """
        if self._store.available:
            self._pending.append((key, text if text is not None else index_to_json(index)))

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
        digests: Graph key -> the content digest each file was indexed from.
        unparsed: (graph key, line, message) of the files that could not be parsed.
    """

    graph: CallGraph
    problems: list[Finding] = field(default_factory=list)
    paths: list[Path] = field(default_factory=list)
    digests: dict[str, str] = field(default_factory=dict)
    unparsed: list[tuple[str, int, str]] = field(default_factory=list)


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


#: ``load_project``'s progress: called with (files done, files in all) as files are indexed.
Progress = Callable[[int, int], None]


@dataclass
class _Read:
    """The files of a project as read: their texts and digests, and what could not be read."""

    files: list[Path]
    problems: list[Finding]
    sources: list[tuple[Path, str, str, bool, str]]  # path, text, module, package, digest

    def digests(self) -> list[tuple[str, str]]:
        """(graph key, digest) of every file read: what a stored graph is keyed by."""
        return [(key_of(path), digest) for path, _, _, _, digest in self.sources]


def _read(paths: Sequence[Path], exclude: Sequence[str], root: Path | None) -> _Read:
    """Find, read and hash the files to index (``FileNotFoundError`` for a missing path)."""
    walk_problems: list[Finding] = []
    files = iter_files(paths, exclude, root=root, problems=walk_problems)
    # A stub beside its module describes the same module: the module's code is what runs.
    present = {f.with_suffix("") for f in files if f.suffix == ".py"}
    files = [f for f in files if f.suffix == ".py" or f.with_suffix("") not in present]
    found = _Read(files, walk_problems, [])
    memo: dict[Path, list[str]] = {}
    fingerprint = code_fingerprint().encode()
    for path in files:
        source = read_file(path)
        if isinstance(source, Finding):
            found.problems.append(source)
            continue
        module, is_package = module_for(path, memo)
        # A file name need not be UTF-8: its module name keeps the bytes as surrogates.
        about = f"\0{module}\0{is_package}\0{FORMAT}\0".encode("utf-8", "surrogateescape")
        digest = hashlib.sha256(source.digest + about + fingerprint).hexdigest()
        found.sources.append((path, source.text, module, is_package, digest))
    return found


def load_stored(paths: Sequence[Path], exclude: Sequence[str] = (), *,
                root: Path | None = None, cache: Path, resolved: Path) -> Project | None:
    """The project from the stored graph, when one is stored for exactly these files.

    Every file is read and hashed (to know they are the ones stored), but none is indexed
    or resolved: the graph answers from the stored rows (``stored.StoredGraph``), reading
    only what each query touches. Its queries may raise ``StoredGraphMiss`` when a row is
    gone or does not check out: then ``load_project`` builds it afresh.

    Args:
        paths: Files and folders (``.gitignore`` and ``exclude`` respected).
        exclude: Extra patterns to skip.
        root: The folder ``exclude`` patterns are relative to.
        cache: The index cache database.
        resolved: The stored graph's database.

    Returns:
        The project, or None when no graph of these files is stored.

    Raises:
        FileNotFoundError: If a given path does not exist.
    """
    found = _read(paths, exclude, root)
    graph = open_stored(resolved, cache, found.digests())
    if graph is None:
        return None
    problems = found.problems + [Finding(Path(path), line, 0, codes.SYNTAX_ERROR, message)
                                 for path, line, message in graph.problems]
    return Project(graph, problems, found.files)


#: Files to index (not found in the cache) from which worker processes share the work:
#: below, starting them costs about what they save.
PARALLEL_FROM = 64


def idle_cores() -> int:
    """The worker processes worth starting to index: the cores not busy already (at least 1).

    As ``make -l`` does, from the load average: on a machine whose cores are all taken by
    other work, processes of ours would take turns with them and with each other, and the
    cost of sending each index back would be all they add (measured: 2 workers on 2 cores
    at a load of 3 indexed sympy in 44.9 s against 36.3 s for one process).
    """
    cores = os.cpu_count() or 1
    try:
        busy = round(os.getloadavg()[0])
    except OSError:  # no load average on this system
        busy = 0
    return max(1, min(cores, cores - busy))


def _index_job(job: tuple[str, str, bool, str]) -> tuple[ModuleIndex, str]:
    """Index one file in a worker process: the index, and its cached form for the parent."""
    text, module, is_package, path = job
    index = module_index(text, module, is_package, path)
    return index, index_to_json(index)


def load_project(paths: Sequence[Path], exclude: Sequence[str] = (), *,
                 root: Path | None = None, cache: Path | None = None,
                 resolved: Path | None = None, progress: Progress | None = None,
                 workers: int = 1) -> Project:
    """Index every Python file under some paths and join them into a call graph.

    Args:
        paths: Files and folders (``.gitignore`` and ``exclude`` respected).
        exclude: Extra patterns to skip.
        root: The folder ``exclude`` patterns are relative to.
        cache: The index cache database, or None.
        resolved: The stored graph's database: the graph is resolved and stored there
            (``load_stored`` answers from it next time), unless already stored. None: not.
        progress: Told (files indexed, files in all) as the files are indexed.
        workers: Processes indexing the files not in the cache when there are at least
            ``PARALLEL_FROM`` of them (1: this process alone).

    Returns:
        The project; a file that cannot be read or parsed is a problem, not a failure.

    Raises:
        FileNotFoundError: If a given path does not exist.
    """
    found = _read(paths, exclude, root)
    project = Project(CallGraph(), paths=found.files, problems=found.problems)
    store = IndexCache(cache)
    sources = found.sources
    cached = store.get_many([s[4] for s in sources])
    total = len(sources)
    jobs = [(text, module, is_package, str(path))
            for path, text, module, is_package, digest in sources if digest not in cached]
    with contextlib.ExitStack() as stack:
        made: Iterator[tuple[ModuleIndex, str]] | None = None
        if workers > 1 and len(jobs) >= PARALLEL_FROM:
            # forkserver: the language server calls this from a thread, and a fork of a
            # process with threads may copy a lock some other thread holds.
            pool = stack.enter_context(ProcessPoolExecutor(
                max_workers=workers, mp_context=multiprocessing.get_context("forkserver")))
            made = pool.map(_index_job, jobs, chunksize=4)  # in order, as they are done
        for done, (path, text, module, is_package, digest) in enumerate(sources, 1):
            index = cached.get(digest)
            if index is None and made is not None:
                try:
                    index, cached_form = next(made)
                    store.put(digest, index, cached_form)
                except (BrokenProcessPool, OSError):
                    # The workers could not start (a script calling this without a main
                    # guard, no /dev/shm): this process indexes the rest.
                    made = None
            if index is None:
                index = module_index(text, module, is_package, str(path))
                store.put(digest, index)
            _add(project, path, index, digest)
            if progress is not None:
                progress(done, total)
    usable = store.available  # flush closes it
    store.flush()
    if resolved is not None and usable:
        store_resolved(project, resolved)
    return project


def _add(project: Project, path: Path, index: ModuleIndex, digest: str) -> None:
    """Put one file's index in the project's graph, and its syntax error in the problems."""
    key = key_of(path)
    if index.error:
        project.problems.append(Finding(path, index.error_line, 0, codes.SYNTAX_ERROR,
                                        index.error))
        project.unparsed.append((key, index.error_line, index.error))
    project.graph.set_index(key, index, digest)
    project.digests[key] = digest


def store_resolved(project: Project, resolved: Path) -> None:
    """Resolve a project built with the index cache and store its graph for warm starts.

    Only a project built with the index cache: the stored graph reads its indexes there.

    Args:
        project: What ``load_project`` built.
        resolved: The stored graph's database.
    """
    store_graph(resolved, parts_of(project.graph), project.digests, project.unparsed)
