"""``llm-doc calls``: who calls a definition and what it calls; the callees-first order."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

from llm_doc_manager.cli.args import FINDINGS, USAGE, use_color
from llm_doc_manager.codes import visible

DESCRIPTION = (
    "Show who calls a definition and what it calls, resolved through imports, aliases, self, "
    "super() and the class hierarchy. TARGET is path.py:LINE (the definition at that line, or "
    "the call on it; path.py:LINE:COL picks one call) or path.py::Qual.name. Calls whose "
    "target cannot be known statically are listed as inferred candidates with the reason. "
    "With --order, the arguments are files or folders and the output is every definition, "
    "callees first, cycles as groups. Exit 0 answered, 1 the target's file cannot be read "
    "or parsed, 2 usage error.")


def configure(parser: argparse.ArgumentParser) -> None:
    """Add ``calls``'s arguments to ``parser``."""
    parser.add_argument("items", nargs="+", metavar="TARGET",
                        help="path.py:LINE[:COL] or path.py::Qual.name (with --order: files "
                             "or folders)")
    what = parser.add_argument_group("what to show")
    what.add_argument("--incoming", action="store_true", help="only the callers")
    what.add_argument("--outgoing", action="store_true", help="only the callees")
    what.add_argument("--depth", type=int, default=1, metavar="N",
                      help="follow calls N levels deep, as a tree (default 1; --json stays "
                           "one level)")
    what.add_argument("--no-inferred", action="store_true",
                      help="leave out candidates inferred by name or by override")
    what.add_argument("--candidates", type=_count, default=3, metavar="N",
                      help="by-name candidates listed per call site, best receiver evidence "
                           "first; the rest are counted as '+k more' (default 3; 0: all)")
    what.add_argument("--order", action="store_true",
                      help="print every definition of the paths, callees first")
    where = parser.add_argument_group("project")
    where.add_argument("--project", action="append", type=Path, metavar="PATH",
                       help="index these files or folders (default: the project around the "
                            "target: the folder of its pyproject.toml, setup.py or .git)")
    where.add_argument("--exclude", action="append", metavar="PATTERNS",
                       help="skip these gitignore-style patterns, comma-separated")
    where.add_argument("--config", type=Path, metavar="FILE",
                       help="use this pyproject.toml (it must have [tool.llm-doc])")
    where.add_argument("--no-cache", action="store_true", help="index every file afresh")
    output = parser.add_argument_group("output")
    output.add_argument("--json", action="store_true", help="print JSON (a stable format)")
    output.add_argument("--color", action=argparse.BooleanOptionalAction, default=None,
                        help="colour the output (default: on a terminal)")


_TARGET_RE = re.compile(r"^(?P<path>.+?\.pyi?)(?::(?P<line>\d+)(?::(?P<col>\d+))?"
                        r"|::(?P<qual>[\w.<>]+))$")


class _UsageError(Exception):
    """A command-line problem: printed, exit 2."""


class _Failure(Exception):
    """The question cannot be answered (the target's file is broken): printed, exit 1."""


def run(args: argparse.Namespace) -> int:
    """Run ``llm-doc calls``."""
    try:
        if args.order:
            return _order(args)
        return _query(args)
    except _UsageError as exc:
        print(f"llm-doc calls: error: {exc}", file=sys.stderr)
        return USAGE
    except _Failure as exc:
        print(f"llm-doc calls: {exc}", file=sys.stderr)
        return FINDINGS


def _load(args: argparse.Namespace, paths: list[Path], stored: bool = False) -> Any:
    """Index the project; problems in its files are reported, not fatal.

    With ``stored``, the graph stored by an earlier run for exactly these files answers
    (nothing is indexed or resolved), and a full build stores one for the next run.
    """
    from llm_doc_manager.callgraph import load_project
    from llm_doc_manager.callgraph.project import INDEX_FILE, idle_cores, load_stored
    from llm_doc_manager.callgraph.stored import RESOLVED_FILE
    from llm_doc_manager.config import flag_list, load_settings
    from llm_doc_manager.errors import ConfigError
    from llm_doc_manager.store import cache_dir

    try:  # --exclude adds to the configured patterns
        settings = load_settings(paths[0] if paths[0].is_dir() else paths[0].parent,
                                 {"extend_exclude": flag_list(args.exclude)},
                                 dict(os.environ), args.config)
    except ConfigError as exc:
        raise _UsageError(str(exc)) from None
    if not getattr(args, "notices_said", False):  # once, also when a stored graph missed
        args.notices_said = True
        for notice in settings.notices:
            print(notice, file=sys.stderr)
    cache = None if args.no_cache else cache_dir(settings) / INDEX_FILE
    resolved = cache.with_name(RESOLVED_FILE) if cache is not None and stored else None
    try:
        if resolved is not None and cache is not None:
            project = load_stored(paths, settings.excluded, root=settings.root, cache=cache,
                                  resolved=resolved)
            if project is not None:
                return project
        return load_project(paths, settings.excluded, root=settings.root, cache=cache,
                            resolved=resolved, workers=idle_cores())
    except FileNotFoundError as exc:
        raise _UsageError(str(exc)) from None


def _display(path: str) -> str:
    """A path relative to the current folder when it is under it, else absolute."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def _target(args: argparse.Namespace, stored: bool = False
            ) -> tuple[Any, tuple[str, int], str, list[Any]]:
    """Load the project and find the target: (project, key, path as given, problems to say)."""
    from llm_doc_manager.callgraph import key_of, project_root

    if len(args.items) != 1:
        raise _UsageError("give one TARGET (several paths go with --order)")
    match = _TARGET_RE.match(args.items[0])
    if match is None:
        raise _UsageError(f"{args.items[0]!r}: TARGET is path.py:LINE[:COL] or "
                          "path.py::Qual.name")
    given = match["path"]
    path = Path(given)
    if not path.is_file():
        raise _UsageError(f"{given}: no such file")
    # The target is named too: indexed even where the project's ignore rules skip it (a
    # file reached by both is indexed once).
    project = _load(args, [*(args.project or [project_root(path)]), path], stored)
    graph = project.graph
    key = key_of(path)
    problems = _report_problems(project, key, given)
    if match["qual"]:
        found = graph.find(match["qual"], key)
        if found is None:
            _say(problems)
            raise _UsageError(f"{given}: no definition named {match['qual']}")
        return project, found, given, problems
    line = int(match["line"])
    found = graph.definition_at(key, line)
    if found is not None:
        return project, found, given, problems
    col = int(match["col"]) if match["col"] else None
    for site in graph.sites_at(key, line, col):
        targets = graph.site_targets(key, site)
        if targets:
            return project, targets[0], given, problems
    _say(problems)
    if graph.sites_at(key, line, col):
        raise _UsageError(f"{given}:{line}: the call there is not resolved to a definition "
                          "of the project")
    raise _UsageError(f"{given}:{line}: no definition starts there and no call is on it")


def _report_problems(project: Any, key: str, given: str) -> list[Any]:
    """The files that could not be indexed, to say; fail when the target's file is one.

    They are said once the answer is ready (``_say``): a stored graph that misses halfway
    is built afresh and asked again, and the problems must not be said twice.
    """
    from llm_doc_manager.callgraph import key_of

    before: list[Any] = []
    for problem in project.problems:
        if key_of(problem.path) == key:
            _say(before)
            raise _Failure(f"{given}:{problem.line}: {problem.message}")
        before.append(problem)
    return before


def _say(problems: list[Any]) -> None:
    """Say each problem on stderr."""
    for problem in problems:
        _warn(problem)


def _warn(problem: Any) -> None:
    """Say on stderr that a file could not be indexed."""
    from llm_doc_manager.callgraph import key_of

    print(visible(f"{_display(key_of(problem.path))}:{problem.line}: {problem.code} "
                  f"{problem.message} (not indexed)"), file=sys.stderr)


def _count(text: str) -> int:
    """A count argument: a whole number, 0 or more (argparse says so on a bad one)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more: {value}")
    return value


def _query(args: argparse.Namespace) -> int:
    """Answer from the stored graph when one matches; from a fresh build when it misses."""
    from llm_doc_manager.callgraph.stored import StoredGraphMiss

    try:
        return _answer(args, stored=True)
    except StoredGraphMiss:  # a row gone or not ours: nothing was printed yet
        return _answer(args, stored=False)


def _answer(args: argparse.Namespace, stored: bool) -> int:
    from llm_doc_manager.callgraph import key_of

    project, key, given, problems = _target(args, stored)
    given_key = key_of(Path(given))
    graph = project.graph
    both = not (args.incoming or args.outgoing)
    inferred = not args.no_inferred
    cap = args.candidates
    incoming = graph.incoming(key, inferred, cap) if both or args.incoming else []
    outgoing = graph.outgoing(key, inferred, cap) if both or args.outgoing else []
    definition = graph.definition(key)

    def shown(path: str) -> str:
        return given if path == given_key else _display(path)

    if args.json:
        document = {
            "target": {"qualname": graph.qualname(key), "path": shown(key[0]),
                       "line": definition.line},
            "incoming": [{"caller": graph.qualname(c.caller, c.path), "path": shown(c.path),
                          "line": c.site.line, "col": c.site.col,
                          "resolution": c.resolution} for c in incoming],
            "outgoing": [{"callee": graph.qualname(c.callee) if c.callee else c.site.text,
                          "path": shown(c.path), "line": c.site.line, "col": c.site.col,
                          "resolution": c.resolution,
                          # Only where the cap left candidates out: the stable shape stays.
                          **({"more": c.more} if c.more else {})} for c in outgoing],
        }
        text = json.dumps(document, indent=2)
        _say(problems)
        print(text)
        return 0
    _print_tree(args, graph, key, shown, both, problems)
    return 0


def _label(graph: Any, call: Any, direction: str, shown: Any) -> str:
    """One line of the human output."""
    if direction == "incoming":
        name = graph.qualname(call.caller, call.path)
    else:
        name = graph.qualname(call.callee) if call.callee is not None else call.site.text
    extra = []
    if call.how != "call":
        extra.append(call.how)
    if call.resolution != "resolved":
        extra.append(call.resolution + (f": {call.reason}" if call.reason else ""))
    if call.caller is not None and call.caller == call.callee:
        extra.append("recursive")
    where = f"{shown(call.path)}:{call.site.line}:{call.site.col}"
    return f"{name}  {where}" + (f"  ({'; '.join(extra)})" if extra else "")


def _walk(graph: Any, calls: list[Any], direction: str, depth: int, path: set[Any],
          limit: int, inferred: bool, shown: Any, lines: list[tuple[int, str]],
          cap: int = 3) -> None:
    """Add calls to ``lines``, and theirs below them until ``limit`` (no loops)."""
    for call in calls:
        other = call.caller if direction == "incoming" else call.callee
        lines.append((depth, _label(graph, call, direction, shown)))
        if other is None or other in path or depth - 1 >= limit:
            continue
        more = graph.incoming(other, inferred, cap) if direction == "incoming" \
            else graph.outgoing(other, inferred, cap)
        _walk(graph, more, direction, depth + 1, path | {other}, limit, inferred, shown, lines,
              cap)


def _print_tree(args: argparse.Namespace, graph: Any, key: tuple[str, int], shown: Any,
                both: bool, problems: list[Any]) -> None:
    """Print callers and callees as indented text, or as a rich tree on a terminal."""
    inferred = not args.no_inferred
    definition = graph.definition(key)
    head = f"{graph.qualname(key)}  {shown(key[0])}:{definition.line}"
    lines: list[tuple[int, str]] = [(0, head)]
    # Names and paths come from the tree: a file name cannot forge a line or send escapes.
    for direction in ("incoming", "outgoing"):
        if not (both or getattr(args, direction)):
            continue
        top = graph.incoming(key, inferred, args.candidates) if direction == "incoming" \
            else graph.outgoing(key, inferred, args.candidates)
        lines.append((1, f"{direction} calls ({len(top)})"))
        _walk(graph, top, direction, 2, {key}, args.depth, inferred, shown, lines,
              args.candidates)
    _say(problems)  # every line is known: a stored graph can no longer miss
    if use_color(args.color, sys.stdout, os.environ):
        from rich.console import Console
        from rich.markup import escape
        from rich.tree import Tree

        tree = Tree(f"[bold]{escape(visible(lines[0][1]))}[/bold]")
        parents: list[Any] = [tree]
        for depth, text in lines[1:]:
            del parents[depth:]
            style = "dim" if "inferred" in text or "unresolved" in text else ""
            node = parents[-1].add(f"[{style}]{escape(visible(text))}[/{style}]" if style
                                   else escape(visible(text)))
            parents.append(node)
        Console(force_terminal=True).print(tree)
        return
    for depth, text in lines:
        print("  " * depth + visible(text))


def _order(args: argparse.Namespace) -> int:
    """Print the callees-first order of every definition under the paths."""
    paths = [Path(item) for item in args.items]
    project = _load(args, paths)
    graph = project.graph
    for problem in project.problems:
        _warn(problem)
    # The graph's order holds implementations only (an ``@overload`` stub stands for its).
    groups = graph.order()
    if args.json:
        document = {"order": [
            {"group": [{"qualname": graph.qualname(k), "path": _display(k[0]),
                        "line": graph.definition(k).line} for k in group],
             "cycle": len(group) > 1,
             "recursive": len(group) > 1 or graph.is_recursive(group[0])}
            for group in groups]}
        print(json.dumps(document, indent=2))
        return 0
    for group in groups:
        names = [visible(f"{graph.qualname(k)}  {_display(k[0])}:{graph.definition(k).line}")
                 for k in group]
        if len(group) > 1:
            print(f"cycle of {len(group)}:")
            for name in names:
                print(f"  {name}")
        else:
            print(names[0] + ("  (recursive)" if graph.is_recursive(group[0]) else ""))
    return 0
