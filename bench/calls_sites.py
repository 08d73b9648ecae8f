"""Random call sites of a real project: llm-doc's call graph, pyright and jedi beside the truth.

Usage::

    python -m bench.calls_sites PROJECT PYRIGHT_LANGSERVER [--seed 22] [--count 30]
                                [--python PATH] [--under src/]

``PROJECT`` is a checkout (docs/calls.md used pallets/jinja at 5ef70112), ``PYRIGHT_LANGSERVER``
the ``pyright-langserver`` script of ``npm install pyright``, ``--python`` the interpreter
whose packages pyright and jedi resolve into (one without the project installed, so that
neither answers with an installed copy of it). Nothing is installed by this script.

Draws ``--count`` call sites (``f(...)``, not references or attribute reads) at random with
``--seed`` from our index of the files under ``--under`` (the package, no tests), then asks
for each:

* ours: the call graph's outgoing calls of the site's enclosing definition at that site —
  resolved targets, inferred candidates (as listed, capped) or unresolved with the reason;
* pyright: ``textDocument/definition`` at the called name, over stdio (pygls's client);
* jedi: ``Script.goto(follow_imports=True)`` at the called name.

Each answer is mapped to the project definition whose header holds the line named (or
"outside" / a variable / nothing) and judged against ``TRUTH``: what the call runs, decided
by reading the code. Prints the table for docs/calls.md and the totals.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import jedi
from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient
from pygls.uris import from_fs_path, to_fs_path

from llm_doc_manager.callgraph import CallGraph, load_project
from llm_doc_manager.callgraph.symbols import SITE_CALL, Site

#: What each sampled call of pallets/jinja 5ef70112 runs (seed 22: 30 sites under src/, and
#: 30 with --receivers), decided by reading the code: ``path:line:col`` -> the project
#: definitions it runs
#: (``|``: any one of them is the right answer — a class for its ``__init__``), or
#: ``outside: what`` (the standard library, builtins, markupsafe), or ``dynamic: why``
#: (a value only known at run time). Names are relative to the package ``jinja2``.
TRUTH: dict[str, str] = {
    "src/jinja2/bccache.py:280:21": "outside: tempfile.NamedTemporaryFile",
    "src/jinja2/bccache.py:319:24": "outside: fnmatch.filter",
    "src/jinja2/compiler.py:503:21": "visitor.NodeVisitor.visit",
    # meta.TrackingCodeGenerator overrides write: it runs when find_undeclared_variables
    # compiles with that generator.
    "src/jinja2/compiler.py:513:21":
        "compiler.CodeGenerator.write|meta.TrackingCodeGenerator.write",
    "src/jinja2/compiler.py:820:38": "outside: map",
    "src/jinja2/compiler.py:1155:36": "outside: list.append",
    "src/jinja2/compiler.py:1298:17": "compiler.CodeGenerator.outdent",
    "src/jinja2/compiler.py:1684:21":
        "compiler.CodeGenerator.write|meta.TrackingCodeGenerator.write",
    "src/jinja2/compiler.py:1712:16": "compiler._make_binop",
    "src/jinja2/environment.py:451:33": "environment.load_extensions",
    "src/jinja2/environment.py:708:15": "outside: compile",
    # `concat = "".join`, a class attribute of Environment (NativeTemplate overrides the
    # methods that would reach native_concat).
    "src/jinja2/environment.py:1311:36": "outside: str.join",
    "src/jinja2/environment.py:1412:19": "environment.Template.new_context",
    # Const has no __init__: Node's runs.
    "src/jinja2/ext.py:537:36": "nodes.Const|nodes.Node.__init__",
    "src/jinja2/ext.py:694:20": "outside: list.append",
    "src/jinja2/filters.py:308:39": "outside: markupsafe.escape",
    "src/jinja2/idtracking.py:282:29": "idtracking.Symbols.store",
    "src/jinja2/lexer.py:84:17": "outside: sys.intern",
    "src/jinja2/lexer.py:352:21": "outside: collections.deque.append",
    "src/jinja2/nodes.py:761:18": "nodes.Impossible",
    "src/jinja2/parser.py:224:22": "parser.Parser.parse_assign_target",
    "src/jinja2/parser.py:314:62": "outside: any",
    "src/jinja2/parser.py:405:20": "lexer.TokenStream.expect",
    "src/jinja2/parser.py:535:26": "lexer.TokenStream.skip_if",
    "src/jinja2/parser.py:939:42": "lexer.TokenStream.expect",
    "src/jinja2/runtime.py:687:15": "outside: callable",
    "src/jinja2/sandbox.py:130:9": "outside: isinstance",
    # `self.undefined: type[Undefined]` (Environment.__init__): an Undefined is made (a
    # subclass when the environment is configured with one).
    "src/jinja2/sandbox.py:310:20": "runtime.Undefined|runtime.Undefined.__init__",
    "src/jinja2/utils.py:359:30": "outside: str.split",
    "src/jinja2/utils.py:450:22": "outside: threading.Lock",
    # The second draw (--receivers, seed 22): method calls on a receiver but self/cls.
    "src/jinja2/bccache.py:155:17": "outside: hashlib's update",
    "src/jinja2/bccache.py:217:26": "outside: tempfile.gettempdir",
    "src/jinja2/bccache.py:395:23": "bccache.Bucket.bytecode_to_string",
    "src/jinja2/compiler.py:31:6": "outside: typing.TypeVar",
    "src/jinja2/compiler.py:795:32": "idtracking.Symbols.ref",
    "src/jinja2/compiler.py:1530:21": "outside: list.append",
    "src/jinja2/compiler.py:1986:35": "nodes.EvalContext.save",
    "src/jinja2/environment.py:545:17": "outside: list.insert",
    "src/jinja2/environment.py:809:17": "nodes.Node.set_environment",
    "src/jinja2/ext.py:233:23": "runtime.Context.call",
    "src/jinja2/ext.py:383:51": "nodes.Assign|nodes.Node.__init__",
    "src/jinja2/ext.py:493:27": "parser.Parser.fail",
    "src/jinja2/ext.py:529:45": "nodes.Const|nodes.Node.__init__",
    "src/jinja2/ext.py:807:16": "outside: dict.get",
    "src/jinja2/ext.py:828:50": "environment.Environment.preprocess",
    "src/jinja2/filters.py:631:17": "outside: str.join (or markupsafe.Markup.join)",
    "src/jinja2/lexer.py:788:29": "outside: re.Match.group",
    "src/jinja2/lexer.py:833:56": "outside: dict.items",  # of re.Match.groupdict()
    "src/jinja2/loaders.py:231:26": "outside: os.walk",
    "src/jinja2/parser.py:118:24": "outside: list.append",
    "src/jinja2/parser.py:361:21": "nodes.FromImport|nodes.Node.__init__",
    "src/jinja2/parser.py:499:19": "nodes.Node.set_ctx",
    "src/jinja2/parser.py:577:21": "nodes.Compare|nodes.Node.__init__",
    "src/jinja2/parser.py:668:25": "nodes.Const|nodes.Node.__init__",
    "src/jinja2/runtime.py:137:15": "outside: functools.wraps",
    "src/jinja2/utils.py:87:24": "outside: enum.auto",
    "src/jinja2/utils.py:296:18": "outside: str.endswith",
    "src/jinja2/utils.py:314:33": "outside: str.index",
    "src/jinja2/utils.py:621:35": "outside: str.lstrip",
    "src/jinja2/utils.py:673:9": "outside: str.replace",
}


@dataclass
class Answer:
    """One tool's answer at one site.

    ``targets`` are what it names for sure: project definitions by qualified name,
    ``name at path:line`` for a binding that is no definition (go-to-definition on an
    attribute holding a callable), ``outside: file:line`` beyond the project; ``inferred``
    are ours labelled as candidates; ``label`` says the rest (``unresolved: why``, ``none``).
    """

    targets: list[str] = field(default_factory=list)
    inferred: list[str] = field(default_factory=list)
    label: str = ""

    def text(self) -> str:
        """The answer as the table shows it."""
        parts = [", ".join(dict.fromkeys(self.targets))] if self.targets else []
        if self.inferred:
            parts.append(", ".join(self.inferred) + " (inferred)")
        if self.label:
            parts.append(self.label)
        return "; ".join(parts)


def _short(qualname: str, package: str) -> str:
    return qualname[len(package) + 1:] if qualname.startswith(package + ".") else qualname


def _sites(graph: CallGraph, under: Path, receivers: bool) -> list[tuple[str, int, Site]]:
    """Every call site (``f(...)``) of the files under a folder, in path order.

    With ``receivers``, only method calls on a receiver other than ``self``/``cls``
    (``node.find(...)``, ``frame.symbols.ref(...)``, and module attributes such as
    ``os.path.join(...)``: the syntax alone cannot tell them apart).
    """
    found = []
    for path in sorted(graph.files):
        if not Path(path).is_relative_to(under):
            continue
        for number, site in enumerate(graph.files[path].sites):
            if site.kind != SITE_CALL:
                continue
            head, dot, _ = site.text.partition(".")
            if receivers and (not dot or head in ("self", "cls") or not head.isidentifier()):
                continue
            found.append((path, number, site))
    return found


def _ours(graph: CallGraph, path: str, site: Site, package: str) -> Answer:
    """The call graph's answer at one site (as ``llm-doc calls --outgoing`` lists it)."""
    calls = [c for c in graph.outgoing((path, site.owner)) if c.site == site]
    answer = Answer()
    for call in calls:
        if call.callee is None:
            answer.label = f"unresolved: {call.reason}" if call.reason else "unresolved"
        elif call.resolution == "resolved":
            answer.targets.append(_short(graph.qualname(call.callee), package))
        else:
            answer.inferred.append(_short(graph.qualname(call.callee), package))
    more = max((c.more for c in calls), default=0)
    if more:
        answer.label = f"+{more} more"
    if not calls:
        answer.label = "none"
    return answer


def _named(graph: CallGraph, root: Path, file: str, line: int, package: str) -> str:
    """A definition named by a file and 1-based line (a stub: its implementation)."""
    path = os.path.abspath(file)
    if path in graph.files:
        key = graph.definition_at(path, line)
        if key is not None and key[1] >= 0:
            return _short(graph.qualname(key), package)
        return f"name at {Path(path).relative_to(root)}:{line}"
    return f"outside: {Path(file).name}:{line}"


async def _pyright(server: str, root: Path, picks: list[tuple[str, int, Site]],
                   graph: CallGraph, package: str, python: str) -> list[Answer]:
    """pyright's go-to-definition at each site's called name."""
    client = LanguageClient("llm-doc-bench", "1")
    env = {**os.environ, "PATH": f"{Path(python).parent}{os.pathsep}{os.environ['PATH']}"}
    await client.start_io(server, "--stdio", env=env)
    uri = from_fs_path(str(root)) or ""
    await client.initialize_async(lsp.InitializeParams(
        capabilities=lsp.ClientCapabilities(), root_uri=uri,
        workspace_folders=[lsp.WorkspaceFolder(uri=uri, name=root.name)]))
    client.initialized(lsp.InitializedParams())
    for path in sorted({p for p, _, _ in picks}):
        client.text_document_did_open(lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(
            uri=from_fs_path(path) or "", language_id="python", version=1,
            text=Path(path).read_text(encoding="utf-8"))))
    answers = []
    for path, _, site in picks:
        found = await client.text_document_definition_async(lsp.DefinitionParams(
            lsp.TextDocumentIdentifier(from_fs_path(path) or ""),
            lsp.Position(site.name_line - 1, site.name_col)))
        places: list[lsp.Location | lsp.LocationLink] = (
            [found] if isinstance(found, lsp.Location) else list(found or []))
        answer = Answer()
        for place in places:
            if isinstance(place, lsp.LocationLink):
                target, line = place.target_uri, place.target_selection_range.start.line
            else:
                target, line = place.uri, place.range.start.line
            answer.targets.append(_named(graph, root, to_fs_path(target) or "", line + 1,
                                         package))
        answer.label = "" if answer.targets else "none"
        answers.append(answer)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return answers


def _jedi(root: Path, picks: list[tuple[str, int, Site]], graph: CallGraph,
          package: str, python: str) -> list[Answer]:
    """jedi's goto (imports followed) at each site's called name."""
    project = jedi.Project(root, environment_path=python)
    answers = []
    for path, _, site in picks:
        script = jedi.Script(path=path, project=project)
        answer = Answer()
        for name in script.goto(site.name_line, site.name_col, follow_imports=True):
            if name.module_path is None or name.line is None:
                answer.targets.append(f"outside: {name.full_name or name.name}")
                continue
            answer.targets.append(_named(graph, root, str(name.module_path), name.line,
                                         package))
        answer.label = "" if answer.targets else "none"
        answers.append(answer)
    return answers


def _verdict(truth: str, answer: Answer) -> str:
    """How an answer stands against the truth.

    ``right``: what runs named (a project definition; outside the project, said to be
    outside — ours: unresolved — or named there); ``inferred``: nothing named for sure, the
    truth among labelled candidates; ``binding``: the attribute or variable the callable is
    read from named, not what it holds; ``missed``: no answer where there is one; ``noise``:
    only labelled candidates, none of which runs there; ``wrong``: a definition named for
    sure that does not run there.
    """
    if not truth:
        return "?"
    right = set(truth.split("|"))
    sure = list(dict.fromkeys(t for t in answer.targets if not t.startswith("outside:")))
    if sure:
        if all(t in right for t in sure):
            return "right"
        if all(t.startswith("name at ") for t in sure):
            return "binding"
        return "wrong"
    if answer.inferred:
        return "inferred" if right & set(answer.inferred) else "noise"
    if truth.startswith("dynamic:"):
        return "right"  # nothing to name: saying nothing is the right answer
    if truth.startswith("outside:"):
        return "right" if answer.targets or answer.label.startswith("unresolved") else \
            "missed"
    return "missed"


def _cell(verdict: str, answer: Answer, full: bool) -> str:
    """A table cell: the verdict, with the answer when it is not plainly right."""
    if full:
        return f"{answer.text()} — **{verdict}**"
    if verdict == "right":
        return "right" + (f" (+ {', '.join(answer.inferred)} inferred)"
                          if answer.inferred else "")
    return f"**{verdict}**: {answer.text()}"


def main() -> None:
    """Draw the sites, ask the three, print the table and the totals."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("pyright")
    parser.add_argument("--seed", type=int, default=22)
    parser.add_argument("--count", type=int, default=30)
    parser.add_argument("--under", default="src/")
    parser.add_argument("--python", default="python3")
    parser.add_argument("--receivers", action="store_true",
                        help="draw only method calls on a receiver other than self/cls")
    parser.add_argument("--full", action="store_true",
                        help="every answer in full (default: the answer only when not right)")
    options = parser.parse_args()
    logging.getLogger("pygls").setLevel(logging.ERROR)
    root = options.project.resolve()
    graph = load_project([root]).graph
    under = root / options.under
    sites = _sites(graph, under, options.receivers)
    picks = sorted(random.Random(options.seed).sample(sites, options.count),
                   key=lambda p: (p[0], p[2].line, p[2].col))
    package = graph.files[picks[0][0]].module.split(".")[0]
    ours = [_ours(graph, path, site, package) for path, _, site in picks]
    theirs = asyncio.run(_pyright(options.pyright, root, picks, graph, package,
                                  options.python))
    jedis = _jedi(root, picks, graph, package, options.python)
    drawn = "method calls on a receiver" if options.receivers else "call sites"
    print(f"{len(sites)} {drawn} under {options.under}; {options.count} drawn with seed "
          f"{options.seed}")
    print("\n| site | call | truth | llm-doc | pyright | jedi |\n|---|---|---|---|---|---|")
    totals: dict[str, Counter[str]] = {"llm-doc": Counter(), "pyright": Counter(),
                                       "jedi": Counter()}
    kinds: Counter[str] = Counter()
    for (path, _, site), mine, pyr, jed in zip(picks, ours, theirs, jedis, strict=True):
        where = f"{Path(path).relative_to(root)}:{site.name_line}:{site.name_col}"
        truth = TRUTH.get(where, "")
        kind = "outside" if truth.startswith(("outside:", "dynamic:")) else "project"
        kinds[kind] += 1
        cells = []
        for tool, answer in (("llm-doc", mine), ("pyright", pyr), ("jedi", jed)):
            verdict = _verdict(truth, answer)
            totals[tool][verdict] += 1
            totals[tool][f"{kind} {verdict}"] += 1
            cells.append(_cell(verdict, answer, options.full))
        print(f"| `{Path(where).name}` | `{site.text}()` | {truth.replace('|', ' / ') or '?'}"
              " | " + " | ".join(cells) + " |")
    print(f"\n{kinds['project']} sites run a definition of the project, "
          f"{kinds['outside']} code outside it (or a value known only at run time)")
    for tool, counts in totals.items():
        verdicts = ("right", "inferred", "binding", "missed", "noise", "wrong", "?")
        print(f"{tool}: " + "; ".join(
            f"{kind}: " + ", ".join(f"{counts[f'{kind} {v}']} {v}" for v in verdicts
                                    if counts[f"{kind} {v}"])
            for kind in ("project", "outside") if kinds[kind]))


if __name__ == "__main__":
    main()
