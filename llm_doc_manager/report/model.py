"""What a report says, as data: files, their definitions, complexity, calls and history.

``collect`` reads the code (never imports or runs it), parses each file once, indexes it
for the call graph from the same tree, and joins the graph. Everything here is a pure
function of the files and the repository's log, in a stable order, so the same input
gives the same report.
"""

from __future__ import annotations

import ast
import inspect
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from llm_doc_manager import codes
from llm_doc_manager.analysis import (
    ClassFacts,
    DefNode,
    FunctionFacts,
    ModuleFacts,
    class_facts,
    docstring_expr,
    fewer_collections,
    function_facts,
    iter_defs,
    load_file,
    module_facts,
    summary_of,
)
from llm_doc_manager.analysis.complexity import complexities
from llm_doc_manager.callgraph import Call, CallGraph, DefKey, key_of, module_for, module_index
from llm_doc_manager.codes import Finding
from llm_doc_manager.config import read_toml
from llm_doc_manager.docstrings.metrics import Metrics, measure
from llm_doc_manager.errors import ConfigError
from llm_doc_manager.report.history import (
    Commit,
    head,
    histories,
    repository_root,
    shallow_boundary,
)
from llm_doc_manager.source.discovery import iter_files

#: Folders of code copied in from elsewhere, left out of a report (as venvs and hidden
#: folders are): the report is about the project's own code.
VENDORED = ("_vendor/", "vendor/", "vendored/", "third_party/", "thirdparty/")


@dataclass(frozen=True)
class Ref:
    """A definition of the report, by file and qualified name.

    Attributes:
        path: The file, relative to the input's root (``/``-separated).
        qualname: The name inside its module (``C.m``, ``f.<locals>.g``).
        ordinal: It is the n-th definition of that name in the file (1 for the first).
    """

    path: str
    qualname: str
    ordinal: int = 1

    @property
    def id(self) -> str:
        """``path::qualname``, with ``#n`` for the n-th definition of that name in the file
        (a property's setter, a function defined in both branches of an ``if``)."""
        suffix = f"#{self.ordinal}" if self.ordinal > 1 else ""
        return f"{self.path}::{self.qualname}{suffix}"


@dataclass(frozen=True)
class Link:
    """Calls from one definition to another, as the report lists them.

    Attributes:
        ref: The other definition; None for a module's top-level code.
        path: The other definition's file (the calling file for top-level code).
        line: The other definition's ``def``/``class`` line (0 for top-level code).
        call_lines: Lines of the calls.
        resolution: ``resolved``, or ``inferred`` (a candidate by name or by override).
    """

    ref: Ref | None
    path: str
    line: int
    call_lines: tuple[int, ...]
    resolution: str


@dataclass
class Item:
    """A function, method or class of a file.

    Attributes:
        qualname: The name inside its module (``C.m``, ``f.<locals>.g``).
        kind: ``function``, ``method`` or ``class``.
        line: First line of its ``def``/``class`` keyword.
        end_line: Last line.
        signature: ``(args) -> ret`` for a function, ``(bases)`` for a class.
        complexity: Cyclomatic complexity (radon's rules, ``analysis.complexity``).
        docstring: Its docstring, cleaned (None when it has none).
        callers: Definitions of the project that call it (resolved calls), in order.
        callees: Definitions of the project it calls (resolved calls), in order.
        start_line: First line, decorators included.
        facts: What its code says, kept for a model's request when it has no docstring
            (``collect(..., facts=True)``).
        analysis: What a model wrote of it (a docstring's text), when it was asked.
        decorators: Last dotted part of each decorator (``property``, ``setter``).
        overloads: How many ``@overload`` stubs stand for it (they get no item of their own).
        ordinal: It is the n-th definition of its qualified name in the file.
        incoming: Calls into it, resolved and inferred, by caller.
        outgoing: Calls it makes to the project's definitions, resolved and inferred.
    """

    qualname: str
    kind: str
    line: int
    end_line: int
    signature: str
    complexity: int
    docstring: str | None
    callers: tuple[Ref, ...] = ()
    callees: tuple[Ref, ...] = ()
    start_line: int = 0
    facts: FunctionFacts | ClassFacts | None = None
    analysis: str | None = None
    decorators: tuple[str, ...] = ()
    overloads: int = 0
    ordinal: int = 1
    incoming: tuple[Link, ...] = ()
    outgoing: tuple[Link, ...] = ()

    @property
    def summary(self) -> str:
        """The docstring's first paragraph, else the model's ("" without either)."""
        return summary_of(self.docstring or self.analysis or "")


@dataclass
class FileReport:
    """One file of the report.

    Attributes:
        path: Relative to the input's root, ``/``-separated.
        module: Its dotted module name.
        lines: Number of lines.
        docstring: The module docstring, cleaned (None when there is none).
        items: Its definitions in source order, nested ones included.
        history: Its newest commits (empty outside a git repository).
        error: Why it could not be analysed ("" when it was), with ``error_line``.
        error_line: Line of the error.
        source: Its text.
        metrics: Its documentation metrics (coverage, completeness, truthfulness).
        facts: What the module says, kept for a model's request when it has no docstring.
        analysis: What a model wrote of the module, when it was asked.
        test: Whether it is a test file (see ``is_test``).
    """

    path: str
    module: str
    lines: int = 0
    docstring: str | None = None
    items: list[Item] = field(default_factory=list)
    history: list[Commit] = field(default_factory=list)
    error: str = ""
    error_line: int = 0
    source: str = ""
    metrics: Metrics = field(default_factory=Metrics)
    facts: ModuleFacts | None = None
    analysis: str | None = None
    test: bool = False

    @property
    def summary(self) -> str:
        """The module docstring's first paragraph, else the model's ("" without either)."""
        return summary_of(self.docstring or self.analysis or "")


@dataclass(frozen=True)
class EntryPoint:
    """Where the code is started from.

    Attributes:
        kind: ``script`` (a console script of pyproject.toml), ``module`` (a
            ``__main__.py``) or ``main`` (a module with an ``if __name__ == "__main__"``
            block).
        name: The script's name, or the file.
        target: What runs: ``module:function``, ``python -m pkg``, or the block.
    """

    kind: str
    name: str
    target: str


@dataclass
class Project:
    """Everything a report shows.

    Attributes:
        name: The input's folder name (or the repository's name).
        files: The analysed files, by path.
        skipped: Files not read, with the reason (too large, not text).
        commit: The checked-out commit, when the input is a git repository.
        metrics: The project's documentation metrics (every analysed file joined).
        entry_points: Where the code is started from: ``__main__`` blocks and modules,
            console scripts of ``pyproject.toml``.
        shallow: Whether the repository is a shallow clone: the changes of its oldest
            fetched commits are unknown, so no file's history holds them.
    """

    name: str
    files: list[FileReport] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    commit: Commit | None = None
    entry_points: list[EntryPoint] = field(default_factory=list)
    metrics: Metrics = field(default_factory=Metrics)
    shallow: bool = False

    @property
    def known(self) -> set[str]:
        """The names the project defines (what truthfulness looks mentions up in)."""
        return self.metrics.defined


def _relative(path: Path, root: Path) -> str:
    """The path under ``root`` with ``/`` (links not followed: a link loop is just a name)."""
    relative = os.path.relpath(os.path.abspath(path), os.path.abspath(root))
    return Path(relative).as_posix()


def collect(root: Path, exclude: Sequence[str] = (), history: int = 5,
            name: str | None = None, facts: bool = False) -> Project:
    """Read, parse and join every Python file under ``root``.

    Args:
        root: The folder (a clone, or the user's checkout).
        exclude: Extra gitignore-style patterns to skip.
        history: Newest commits to show per file (0: none).
        name: The project's name (default: the folder's).
        facts: Keep what the code says of each undocumented definition and module, for a
            model's requests.

    Returns:
        The project; unreadable and unparsable files are recorded, not raised.
    """
    project = Project(name or root.resolve().name)
    graph = CallGraph()
    keys: dict[str, FileReport] = {}
    found: dict[str, dict[tuple[int, str], tuple[int, str | None, FactsOf]]] = {}
    mains: set[str] = set()
    problems: list[Finding] = []  # links leaving the tree, ignore patterns not applied
    with fewer_collections():  # millions of short-lived AST nodes, no cycles
        for path in iter_files([root], [*VENDORED, *exclude], root=root, problems=problems):
            relative = _relative(path, root)
            module, is_package = module_for(path)
            loaded = load_file(path)
            if isinstance(loaded, Finding):
                if loaded.code in (codes.SYNTAX_ERROR, codes.DECODE_ERROR):  # shown in place
                    project.files.append(FileReport(relative, module, error=loaded.message,
                                                    error_line=loaded.line))
                else:
                    project.skipped.append((relative, loaded.message))
                continue
            text = loaded.source.text
            report = FileReport(relative, module, len(text.splitlines()), source=text,
                                test=is_test(relative))
            project.files.append(report)
            try:
                index = module_index(text, module, is_package, str(path), tree=loaded.tree)
                # Each file's own facts now: its tree is let go before the next is read.
                # A method's facts need its class (``self`` is not an argument).
                owners = {id(d.node): d.class_name for d in iter_defs(loaded.tree)} \
                    if facts else {}
                found[relative] = {
                    (node.lineno, node.name): _facts_of(node, score, facts,
                                                        owners.get(id(node)))
                    for node, score in complexities(loaded.tree).items()}
            except RecursionError:
                report.error = "expressions nested too deeply to analyse"
                continue
            if index.error:
                report.error, report.error_line = index.error, index.error_line
                continue
            report.docstring = _clean(docstring_expr(loaded.tree.body))
            if facts and report.docstring is None:
                report.facts = module_facts(loaded.tree, module)
            report.metrics = measure(loaded.tree, module)
            if any(_is_main_block(stmt) for stmt in loaded.tree.body):
                mains.add(relative)
            key = key_of(path)
            graph.set_index(key, index)
            keys[key] = report
        graph.resolve()
        refs = _all_refs(graph, keys)
        paths = {key: report.path for key, report in keys.items()}
        calls = _calls(graph, refs, paths)
        for key, report in keys.items():
            _fill(report, found[report.path], graph, key, refs, paths, calls)
    project.skipped += [(_relative(p.path, root), f"line {p.line}: {p.message}" if p.line
                         else p.message) for p in problems]
    project.files.sort(key=lambda f: f.path)
    for report in project.files:
        project.metrics.add(report.metrics)
    project.skipped.sort()
    project.entry_points = _entry_points(root, project, mains)
    _add_history(root, project, history)
    return project


FactsOf = FunctionFacts | ClassFacts | None


def _facts_of(node: DefNode, score: int, keep: bool, class_name: str | None
              ) -> tuple[int, str | None, FactsOf]:
    """A definition's complexity, docstring and (when kept and undocumented) facts."""
    docstring = _clean(docstring_expr(node.body))
    if not keep or docstring is not None:
        return score, docstring, None
    if isinstance(node, ast.ClassDef):
        return score, None, class_facts(node)
    return score, None, function_facts(node, class_name)


def is_test(path: str) -> bool:
    """Whether a file is a test file: under a ``tests``/``test`` folder, or named
    ``test_*.py``, ``*_test.py`` or ``conftest.py``.

    Args:
        path: The file, relative to the input's root, ``/``-separated.

    Returns:
        True for a test file.
    """
    *folders, name = path.split("/")
    return any(f in ("tests", "test") for f in folders) or name == "conftest.py" or \
        name.startswith("test_") or name.endswith("_test.py")


def _all_refs(graph: CallGraph, keys: dict[str, FileReport]) -> dict[DefKey, Ref]:
    """Every definition of the report that is no ``@overload`` stub, by key, numbered
    within its file by qualified name (a setter is the second ``C.x``)."""
    refs: dict[DefKey, Ref] = {}
    for key, report in keys.items():
        seen: Counter[str] = Counter()
        for number, definition in enumerate(graph.files[key].defs):
            if graph.canonical((key, number)) != (key, number):
                continue  # a stub stands for its implementation
            seen[definition.qualname] += 1
            refs[(key, number)] = Ref(report.path, definition.qualname,
                                      seen[definition.qualname])
    return refs


#: Inferred candidates one call site may have and still be listed: a site offering more
#: (``x.close()`` with every ``close`` of the project) says little of any one of them, and
#: listing them all made the standard library's report several times slower (``calls``
#: shows them).
INFERRED_CAP = 3

_Calls = dict[DefKey, list[tuple[DefKey | None, Call]]]


def _calls(graph: CallGraph, refs: dict[DefKey, Ref], paths: dict[str, str]
           ) -> tuple[_Calls, _Calls]:
    """Inferred calls in, and calls out, of every definition from one pass over what each
    calls (asking each method's inferred callers costs as many passes as methods).

    Returns:
        Incoming inferred calls (by callee: caller, call) and outgoing calls, resolved and
        inferred, in the order of their sites (by caller: callee, call); inferred ones only
        from sites with at most ``INFERRED_CAP`` candidates.
    """
    incoming: _Calls = {}
    outgoing: _Calls = {}
    owners = [(path, -1) for path in paths] + list(refs)
    for owner in owners:
        found = graph.outgoing(owner, inferred=True)
        per_site = Counter((c.path, c.site.line, c.site.col) for c in found
                           if c.resolution == "inferred")
        for call in found:
            if call.callee is None or call.resolution not in ("resolved", "inferred") or (
                    call.resolution == "inferred" and (call.more > 0  # the graph capped it
                    or per_site[(call.path, call.site.line, call.site.col)] > INFERRED_CAP)):
                continue
            if owner[1] >= 0:
                outgoing.setdefault(owner, []).append((call.callee, call))
            if call.resolution == "inferred":
                incoming.setdefault(graph.canonical(call.callee), []).append(
                    (call.caller, call))
    return incoming, outgoing


def _fill(report: FileReport, found: dict[tuple[int, str], tuple[int, str | None, FactsOf]],
          graph: CallGraph, key: str, refs: dict[DefKey, Ref], paths: dict[str, str],
          calls: tuple[_Calls, _Calls]) -> None:
    """Add a file's definitions (stubs counted on their implementation), with their
    complexity, docstrings and calls."""
    stubs = Counter(graph.canonical((key, n)) for n, d in enumerate(graph.files[key].defs)
                    if "overload" in d.decorators)
    for number, definition in enumerate(graph.files[key].defs):
        ref = refs.get((key, number))
        if ref is None:
            continue
        score, docstring, facts = found[(definition.line, definition.name)]
        # Resolved calls as the graph gives them (a class's instantiations are its
        # callers), the inferred ones of the single pass, by place.
        into = [(c.caller, c) for c in graph.incoming((key, number), inferred=False)
                if c.resolution == "resolved"] + calls[0].get((key, number), [])
        into.sort(key=lambda c: (paths.get(c[1].path, c[1].path), c[1].site.line,
                                 c[1].site.col))
        incoming = _links(graph, into, refs, paths)
        outgoing = _links(graph, calls[1].get((key, number), []), refs, paths)
        own = stubs[(key, number)] - ("overload" in definition.decorators)
        report.items.append(Item(
            definition.qualname, definition.kind, definition.line, definition.end_line,
            definition.after_name, score, docstring,
            tuple(dict.fromkeys(link.ref for link in incoming
                                if link.ref is not None and link.resolution == "resolved")),
            tuple(dict.fromkeys(link.ref for link in outgoing
                                if link.ref is not None and link.resolution == "resolved")),
            definition.start_line, facts, None, definition.decorators, own, ref.ordinal,
            incoming, outgoing))
    report.items.sort(key=lambda item: item.line)


def _links(graph: CallGraph, calls: Iterable[tuple[DefKey | None, Call]],
           refs: dict[DefKey, Ref], paths: dict[str, str]) -> tuple[Link, ...]:
    """Calls grouped by the other definition and resolution, in the order first met; a
    definition outside the report (a vendored file's) is left out."""
    grouped: dict[tuple[DefKey | None, str, str], list[int]] = {}
    for other, call in calls:
        if call.resolution not in ("resolved", "inferred"):
            continue
        if other is not None and other[1] >= 0:
            other = graph.canonical(other)
            if other not in refs:
                continue
        else:
            other = None
        where = call.path if other is None else other[0]
        lines = grouped.setdefault((other, where, call.resolution), [])
        if call.site.line not in lines:
            lines.append(call.site.line)
    found: list[Link] = []
    for (other, where, resolution), lines in grouped.items():
        if other is None:
            if where in paths:  # top-level code of a file of the report
                found.append(Link(None, paths[where], 0, tuple(lines), resolution))
        else:
            ref = refs[other]
            found.append(Link(ref, ref.path, graph.definition(other).line, tuple(lines),
                              resolution))
    return tuple(found)


def _clean(expr: ast.Expr | None) -> str | None:
    """A docstring as ``inspect.cleandoc`` shows it (None when absent or empty)."""
    if expr is None:
        return None
    return inspect.cleandoc(expr.value.value) or None  # type: ignore[attr-defined]


def _entry_points(root: Path, project: Project, mains: set[str]) -> list[EntryPoint]:
    """``[project.scripts]`` of the root's pyproject.toml, ``__main__`` modules and blocks."""
    found: list[EntryPoint] = []
    pyproject = root / "pyproject.toml"
    # A link may point anywhere: the names it would show are not the tree's to show.
    if pyproject.is_file() and Path(os.path.realpath(pyproject)).is_relative_to(
            os.path.realpath(root)):
        try:
            project_table = read_toml(pyproject).get("project", {})
        except ConfigError:  # a broken pyproject.toml names no entry point
            project_table = {}
        # Any shape is possible in a stranger's file (``project = 1``): only tables count.
        scripts = project_table.get("scripts", {}) if isinstance(project_table, dict) else {}
        if isinstance(scripts, dict):
            found += [EntryPoint("script", str(name), target)
                      for name, target in sorted(scripts.items()) if isinstance(target, str)]
    for report in project.files:
        if report.path.endswith("__main__.py") and not report.error:
            found.append(EntryPoint("module", report.path, f"python -m {report.module}"))
        elif report.path in mains:
            found.append(EntryPoint("main", report.path, 'if __name__ == "__main__"'))
    return found


def _is_main_block(stmt: ast.stmt) -> bool:
    if not isinstance(stmt, ast.If) or not isinstance(stmt.test, ast.Compare):
        return False
    sides = [stmt.test.left, *stmt.test.comparators]
    return any(isinstance(s, ast.Name) and s.id == "__name__" for s in sides) and any(
        isinstance(s, ast.Constant) and s.value == "__main__" for s in sides)


def _add_history(root: Path, project: Project, limit: int) -> None:
    """The checked-out commit, and each file's newest commits, when ``root`` is in git."""
    top = repository_root(root)
    if top is None:
        return
    project.commit = head(top)
    # git names the top folder with links resolved: so is the input, to compare them.
    prefix = Path(os.path.relpath(root.resolve(), top.resolve())).as_posix()
    prefix = "" if prefix == "." else prefix + "/"
    project.shallow = bool(shallow_boundary(top))
    found = histories(top, {prefix + f.path for f in project.files}, limit)
    for report in project.files:
        report.history = found.get(prefix + report.path, [])
