"""The invariant of incremental resolution, as a property (issue 22).

After any sequence of edits to real files, including edits that break the syntax and edits
that repair it, every call the incremental graph reports (outgoing of every definition and
of each module's top level, incoming of every definition, with resolutions and reasons)
equals what a graph built afresh from the same texts reports. The files are the project's
own call graph and language server modules (their imports of each other give the cross-file
edges); hypothesis draws the edit sequences, derandomized so each run is the same.
"""

from __future__ import annotations

import ast
import random
import re
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llm_doc_manager.callgraph import CallGraph, module_index
from llm_doc_manager.callgraph.symbols import ModuleIndex
from tests.callgraph.test_resolution import _edit

PACKAGE = Path(__file__).resolve().parents[2] / "llm_doc_manager"
FILES = [PACKAGE / "callgraph" / name for name in
         ("__init__.py", "graph.py", "project.py", "resolve.py", "symbols.py")] + [
    PACKAGE / "lsp" / "server.py"]
ROOT = "/virtual"  # keys only: nothing is read from or written to these paths
MODULES = {f"{ROOT}/{p.relative_to(PACKAGE.parent)}":
           (".".join(p.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(
               ".__init__"), p.name == "__init__.py") for p in FILES}
ORIGINAL = {f"{ROOT}/{p.relative_to(PACKAGE.parent)}": p.read_text() for p in FILES}
KEYS = sorted(ORIGINAL)
NAMES = sorted({m for t in ORIGINAL.values() for m in re.findall(r"(?<=def )\w+", t)})
#: Class name -> the names of its methods, in the original files.
METHODS = {node.name: [f.name for f in node.body if isinstance(f, ast.FunctionDef)] or ["m"]
           for text in ORIGINAL.values() for node in ast.walk(ast.parse(text))
           if isinstance(node, ast.ClassDef)}
_INDEXES: dict[tuple[str, str], ModuleIndex] = {}


def _index(key: str, text: str) -> ModuleIndex:
    """The index of a text, computed once (indexes are pure functions of the text)."""
    found = _INDEXES.get((key, text))
    if found is None:
        module, is_package = MODULES[key]
        found = _INDEXES[(key, text)] = module_index(text, module, is_package, key)
    return found


def _break(text: str, rng: random.Random) -> str:
    """An edit that (usually) leaves the file unparsable, as typing does."""
    lines = text.splitlines(keepends=True)
    at = rng.randrange(len(lines) + 1)
    kind = rng.randrange(4)
    if kind == 0:  # an unclosed ``(``
        return "".join([*lines[:at], "value = helper(\n", *lines[at:]])
    if kind == 1:  # PEP 695 syntax (a syntax error before 3.12)
        new = "def generic[T](value: T) -> T:\n    return value\n" \
            if sys.version_info < (3, 12) else "def generic(:\n"
        return "".join([*lines[:at], new, *lines[at:]])
    if kind == 2:  # the file cut short in the middle of a line
        cut = rng.randrange(len(text) + 1)
        return text[:cut]
    return "".join([*lines[:at], "    )\n", *lines[at:]])  # a stray, indented ``)``


def _rebase(text: str, rng: random.Random) -> str:
    """A class gets another base, plain or subscripted, and calls one of its methods.

    The call (``self.m()`` in the class's first one-line ``def``) is looked up along the
    new MRO, so a resolution that kept the old one shows.
    """
    found = list(re.finditer(r"^class (\w+)(\(([^)]*)\))?:", text, re.M))
    if not found:
        return text
    match = rng.choice(found)
    name = rng.choice(sorted(METHODS))
    base = rng.choice([name, f"{name}[int]", "Generic[T]", "typing.Protocol"])
    bases = f"{match[3]}, {base}" if match[3] else base
    text = text[:match.start()] + f"class {match[1]}({bases}):" + text[match.end():]
    method = re.compile(r"^    (?:async )?def \w+\(self\b.*:\n", re.M).search(text, match.start())
    if method is None:
        return text
    call = f"        self.{rng.choice(METHODS[name])}()\n"
    return text[:method.end()] + call + text[method.end():]


def _overload(text: str, rng: random.Random) -> str:
    """An ``@overload`` stub before a def (the calls of its name go to the implementation)."""
    found = list(re.finditer(r"^( *)(?:async )?def (\w+)\(", text, re.M))
    if not found:
        return text
    match = rng.choice(found)
    indent, name = match[1], match[2]
    stub = f"{indent}@overload\n{indent}def {name}(*args: int) -> int: ...\n"
    return text[:match.start()] + stub + text[match.start():]


def _self_call(text: str, rng: random.Random) -> str:
    """A method calls ``self.name()`` or ``super().name()``: a lookup along its class's MRO."""
    found = list(re.finditer(r"^    (?:async )?def \w+\(self\b.*:\n", text, re.M))
    if not found:
        return text
    match = rng.choice(found)
    receiver = rng.choice(["self", "super()"])
    return text[:match.end()] + f"        {receiver}.{rng.choice(NAMES)}()\n" \
        + text[match.end():]


def _calls(graph: CallGraph) -> list[tuple[object, ...]]:
    found: list[tuple[object, ...]] = []
    for path in sorted(graph.files):
        for number in range(-1, len(graph.files[path].defs)):
            key = (path, number)
            for direction, calls in (("out", graph.outgoing(key)),
                                     ("in", graph.incoming(key) if number >= 0 else [])):
                found.extend((direction, graph.qualname(key), c.path, c.site.line, c.site.col,
                              c.resolution, c.how, c.reason,
                              graph.qualname(c.callee) if c.callee else c.site.text,
                              graph.qualname(c.caller, c.path)) for c in calls)
    return found


def _fresh(texts: dict[str, str]) -> CallGraph:
    graph = CallGraph()
    for key in KEYS:
        graph.set_index(key, _index(key, texts[key]))
    return graph


_FRESH_CALLS: dict[tuple[str, ...], list[tuple[object, ...]]] = {}


def _fresh_calls(texts: dict[str, str]) -> list[tuple[object, ...]]:
    """What a graph built afresh from ``texts`` reports, computed once per set of texts.

    The oracle is a pure function of the texts, and hypothesis replays the same edit
    prefixes in many examples (its mutations copy and repeat parts of earlier ones), so
    most states recur: resolving a fresh graph for each was two thirds of the test's time.
    """
    state = tuple(texts[key] for key in KEYS)
    found = _FRESH_CALLS.get(state)
    if found is None:
        if len(_FRESH_CALLS) >= 256:  # bounded: each entry holds every call of six files
            _FRESH_CALLS.clear()
        found = _FRESH_CALLS[state] = _calls(_fresh(texts))
    return found


#: One edit: which file, what kind (0-4 keep the syntax, 5 breaks it, 6 restores the file's
#: last text that parsed, 7 adds a base, 8 adds an ``@overload`` stub, 9 a ``self.m()`` or
#: ``super().m()`` call), and the seed of its random choices.
EDITS = st.lists(st.tuples(st.integers(0, len(KEYS) - 1), st.integers(0, 9),
                           st.integers(0, 2**32 - 1)), min_size=1, max_size=10)


@pytest.mark.slow  # 150 edit sequences: the slow tier, which CI runs (.ci/run)
@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(EDITS)
def test_after_any_edits_the_incremental_graph_equals_a_fresh_one(
        edits: list[tuple[int, int, int]]) -> None:
    texts = dict(ORIGINAL)
    last_good = dict(ORIGINAL)
    graph = _fresh(texts)
    graph.resolve()
    for file, kind, seed in edits:
        key, rng = KEYS[file], random.Random(seed)
        if kind == 5:
            texts[key] = _break(texts[key], rng)
        elif kind == 6:
            texts[key] = last_good[key]
        elif kind == 7:
            texts[key] = _rebase(texts[key], rng)
        elif kind == 8:
            texts[key] = _overload(texts[key], rng)
        elif kind == 9:
            texts[key] = _self_call(texts[key], rng)
        else:
            texts[key] = _edit(texts[key], NAMES, rng)
        index = _index(key, texts[key])
        if not index.error:
            last_good[key] = texts[key]
        graph.set_index(key, index, str(hash(texts[key])))
        # Queried after some edits only: an unqueried graph must catch up on its own.
        if rng.random() < 0.7 or (file, kind, seed) == edits[-1]:
            assert _calls(graph) == _fresh_calls(texts)
