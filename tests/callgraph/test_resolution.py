"""The call graph on a fixture package with one function per call pattern: exact results."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from llm_doc_manager.callgraph import CallGraph, key_of, load_project, module_for, module_index
from llm_doc_manager.callgraph.symbols import index_from_json, index_to_json

DATA = Path(__file__).parent / "data" / "shapes"

# Every call each definition makes: (line, col, resolution, callee or the call's text).
EXPECTED_OUTGOING = {
    "shapes.core.<module>": [(91, 9, "unresolved", "functools.partial"),
                             (91, 27, "resolved", "shapes.core.helper")],
    "shapes.core.area": [(7, 11, "inferred", "shapes.core.Circle.area"),
                         (7, 11, "inferred", "shapes.core.Shape.area"),
                         (7, 11, "inferred", "shapes.core.Square.area")],
    "shapes.core.Shape.describe": [(35, 31, "inferred", "shapes.core.Circle.area"),
                                   (35, 31, "inferred", "shapes.core.Square.area"),
                                   (35, 31, "resolved", "shapes.core.Shape.area")],
    "shapes.core.Shape.make": [(39, 15, "resolved", "shapes.core.Shape.__init__")],
    "shapes.core.Shape.label": [(43, 15, "unresolved", "self.name.upper")],
    "shapes.core.Circle.__init__": [(51, 8, "resolved", "shapes.core.Shape.__init__")],
    "shapes.core.Square.__init__": [(60, 8, "resolved", "shapes.core.Shape.__init__")],
    "shapes.core.Engine.__call__": [(69, 15, "resolved", "shapes.core.helper")],
    "shapes.core.Engine.run": [(72, 15, "resolved", "shapes.core.Engine.__call__")],
    "shapes.core.Car.__init__": [(77, 22, "resolved", "shapes.core.Engine")],
    "shapes.core.Car.drive": [(80, 15, "resolved", "shapes.core.Engine.run")],
    "shapes.core.make_engine": [(84, 11, "resolved", "shapes.core.Engine")],
    "shapes.core.factorial": [(88, 32, "resolved", "shapes.core.factorial")],
    "shapes.uses.plain": [(12, 11, "resolved", "shapes.core.helper")],
    "shapes.uses.module_alias": [(16, 11, "resolved", "shapes.core.helper")],
    "shapes.uses.imported_alias": [(20, 11, "resolved", "shapes.core.helper")],
    "shapes.uses.relative_module": [(24, 11, "resolved", "shapes.core.helper")],
    "shapes.uses.reexported": [(28, 11, "resolved", "shapes.core.area"),
                               (28, 19, "resolved", "shapes.core.Circle.__init__")],
    "shapes.uses.local_alias": [(33, 11, "resolved", "shapes.core.helper")],
    "shapes.uses.either": [(37, 11, "resolved", "shapes.core.py_scan"),
                           (37, 11, "unresolved", "scan")],
    "shapes.uses.through_lambda": [(42, 23, "resolved", "shapes.core.helper"),
                                   (43, 11, "unresolved", "callback")],
    "shapes.uses.lambda_called": [(47, 12, "unresolved", "lambda: twice(7)"),
                                  (47, 20, "resolved", "shapes.core.helper")],
    "shapes.uses.instantiate": [(51, 11, "resolved", "shapes.core.Circle.__init__")],
    "shapes.uses.call_instance": [(55, 13, "resolved", "shapes.core.Engine"),
                                  (56, 11, "resolved", "shapes.core.Engine.__call__")],
    "shapes.uses.annotated": [(60, 11, "resolved", "shapes.core.Engine.run")],
    "shapes.uses.annotated_variable": [(64, 21, "resolved", "shapes.core.make_engine"),
                                       (65, 11, "resolved", "shapes.core.Engine.run")],
    "shapes.uses.returned": [(69, 11, "resolved", "shapes.core.Engine.run"),
                             (69, 11, "resolved", "shapes.core.make_engine")],
    "shapes.uses.property_read": [(73, 11, "resolved", "shapes.core.Shape.label")],
    "shapes.uses.references": [(77, 11, "unresolved", "list"),
                               (77, 16, "unresolved", "map"),
                               (77, 20, "resolved", "shapes.core.helper"),
                               (77, 37, "unresolved", "core.functools.partial"),
                               (77, 60, "resolved", "shapes.core.factorial")],
    "shapes.uses.untyped": [(81, 11, "inferred", "shapes.core.Shape.describe")],
    "shapes.uses.dynamic": [(85, 11, "inferred", "shapes.core.Shape.describe")],
    "shapes.uses.nested.<locals>.inner": [(90, 15, "resolved", "shapes.core.helper")],
}


@pytest.fixture(scope="module")
def graph() -> CallGraph:
    project = load_project([DATA])
    assert project.problems == []
    return project.graph


def _outgoing(graph: CallGraph, inferred: bool = True) -> dict[str, list[tuple[object, ...]]]:
    found = {}
    for path in sorted(graph.files):
        for number in range(-1, len(graph.files[path].defs)):
            calls = graph.outgoing((path, number), inferred)
            if calls:
                found[graph.qualname((path, number))] = sorted(
                    (c.site.line, c.site.col, c.resolution,
                     graph.qualname(c.callee) if c.callee else c.site.text) for c in calls)
    return found


def test_every_pattern_resolves_exactly(graph: CallGraph) -> None:
    # Nested functions own their calls (nested() makes none), strings, comments and
    # attribute assignments are not calls (not_calls() makes none), each site once.
    assert _outgoing(graph) == EXPECTED_OUTGOING


def test_no_inferred_leaves_only_what_is_known(graph: CallGraph) -> None:
    without = _outgoing(graph, inferred=False)
    assert all(r != "inferred" for calls in without.values() for (_, _, r, _) in calls)
    assert without["shapes.core.Shape.describe"] == [(35, 31, "resolved", "shapes.core.Shape.area")]
    assert "shapes.uses.untyped" not in without
    for path in graph.files:
        for number in range(len(graph.files[path].defs)):
            assert all(c.resolution != "inferred"
                       for c in graph.incoming((path, number), inferred=False))


def _incoming(graph: CallGraph, qualname: str) -> list[tuple[object, ...]]:
    key = graph.find(qualname)
    assert key is not None
    return [(graph.qualname(c.caller, c.path), c.site.line, c.resolution, c.how)
            for c in graph.incoming(key)]


def test_incoming_through_every_alias(graph: CallGraph) -> None:
    assert _incoming(graph, "shapes.core.helper") == [
        ("shapes.core.Engine.__call__", 69, "resolved", "call"),
        ("shapes.core.<module>", 91, "resolved", "reference"),
        ("shapes.uses.plain", 12, "resolved", "call"),
        ("shapes.uses.module_alias", 16, "resolved", "call"),
        ("shapes.uses.imported_alias", 20, "resolved", "call"),
        ("shapes.uses.relative_module", 24, "resolved", "call"),
        ("shapes.uses.local_alias", 33, "resolved", "call"),
        ("shapes.uses.through_lambda", 42, "resolved", "call"),
        ("shapes.uses.lambda_called", 47, "resolved", "call"),
        ("shapes.uses.references", 77, "resolved", "reference"),
        ("shapes.uses.nested.<locals>.inner", 90, "resolved", "call"),
    ]


def test_overrides_are_offered_as_inferred(graph: CallGraph) -> None:
    assert _incoming(graph, "shapes.core.Circle.area") == [
        ("shapes.core.area", 7, "inferred", "call"),
        ("shapes.core.Shape.describe", 35, "inferred", "call"),
    ]
    key = graph.find("shapes.core.Circle.area")
    assert key is not None
    reasons = {c.reason for c in graph.incoming(key)}
    assert "calls Shape.area on an instance that may be a Circle" in reasons
    assert graph.incoming(key, inferred=False) == []


def test_instantiation_and_super(graph: CallGraph) -> None:
    assert _incoming(graph, "shapes.core.Shape.__init__") == [
        ("shapes.core.Shape.make", 39, "resolved", "call"),
        ("shapes.core.Circle.__init__", 51, "resolved", "call"),
        ("shapes.core.Square.__init__", 60, "resolved", "call"),
    ]
    assert _incoming(graph, "shapes.core.Circle") == [
        ("shapes.uses.reexported", 28, "resolved", "instantiation"),
        ("shapes.uses.instantiate", 51, "resolved", "instantiation"),
    ]


def test_recursion_is_marked(graph: CallGraph) -> None:
    key = graph.find("shapes.core.factorial")
    assert key is not None
    assert graph.is_recursive(key)
    assert _incoming(graph, "shapes.core.factorial") == [
        ("shapes.core.factorial", 88, "resolved", "call"),
        ("shapes.uses.references", 77, "resolved", "reference"),
    ]


def test_order_places_callees_first_and_groups_cycles(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(
        "def a():\n    b()\n\ndef b():\n    c()\n\ndef c():\n    a()\n    d()\n\n"
        "def d():\n    pass\n\ndef e():\n    a()\n    e()\n")
    project = load_project([tmp_path])
    graph = project.graph
    order = [[graph.qualname(k) for k in group] for group in graph.order()]
    assert order == [["m.d"], ["m.a", "m.b", "m.c"], ["m.e"]]
    assert graph.is_recursive(graph.find("m.e") or ("", 0))
    assert order == [[graph.qualname(k) for k in group] for group in graph.order()]


def test_a_syntax_error_is_reported_and_the_rest_indexed(tmp_path: Path) -> None:
    (tmp_path / "good.py").write_text("def f():\n    pass\n\ndef g():\n    f()\n")
    (tmp_path / "bad.py").write_text("def h(:\n")
    (tmp_path / "latin.py").write_bytes(b"x = '\xe9'\n")
    project = load_project([tmp_path])
    assert sorted((p.path.name, p.code, p.line) for p in project.problems) == [
        ("bad.py", "LD001", 1), ("latin.py", "LD002", 1)]
    key = project.graph.find("good.f")
    assert key is not None
    assert [project.graph.qualname(c.caller) for c in project.graph.incoming(key)] == ["good.g"]


def test_changing_one_file_resolves_again_only_what_depends_on_it(tmp_path: Path) -> None:
    graph = CallGraph()
    graph.update_text("/p/a.py", "def f():\n    pass\n", "a", False)
    graph.update_text("/p/b.py", "from a import f\n\ndef g():\n    f()\n", "b", False)
    graph.update_text("/p/c.py", "def h():\n    pass\n", "c", False)
    key = graph.find("a.f")
    assert key is not None
    assert [graph.qualname(c.caller) for c in graph.incoming(key)] == ["b.g"]
    # The objects themselves are kept: a freed one's id() may be reused by its successor.
    before = dict(graph.calls)
    graph.update_text("/p/a.py", "def f():\n    pass\n\ndef f2():\n    f()\n", "a", False)
    graph.resolve()
    assert graph.calls["/p/c.py"] is before["/p/c.py"]  # c.py never looked at a.py
    assert graph.calls["/p/b.py"] is not before["/p/b.py"]
    assert [graph.qualname(c.caller) for c in graph.incoming(key)] == ["a.f2", "b.g"]
    # A module that imported a name from a module not yet there resolves once it appears.
    graph.update_text("/p/d.py", "from e import k\n\ndef j():\n    k()\n", "d", False)
    key_j = graph.find("d.j")
    assert key_j is not None
    assert [c.resolution for c in graph.outgoing(key_j)] == ["unresolved"]
    graph.update_text("/p/e.py", "def k():\n    pass\n", "e", False)
    assert [graph.qualname(c.callee) for c in graph.outgoing(key_j)] == ["e.k"]


def test_editing_a_body_resolves_again_only_that_file() -> None:
    graph = CallGraph()
    graph.update_text("/p/a.py", "def f():\n    pass\n", "a", False)
    graph.update_text("/p/b.py", "from a import f\n\ndef g():\n    f()\n", "b", False)
    graph.resolve()
    before = dict(graph.calls)
    # New calls and moved lines in a.py: what b.py reads of a.py is the same.
    graph.update_text("/p/a.py", "\n\ndef f():\n    print(1)\n    f()\n", "a", False)
    graph.resolve()
    assert graph.calls["/p/b.py"] is before["/p/b.py"]
    key = graph.find("a.f")
    assert key is not None
    assert [(graph.qualname(c.caller), c.site.line) for c in graph.incoming(key)] == [
        ("a.f", 5), ("b.g", 4)]


def _snapshot(graph: CallGraph) -> list[tuple[object, ...]]:
    found: list[tuple[object, ...]] = []
    for path in sorted(graph.files):
        for number in range(-1, len(graph.files[path].defs)):
            for call in graph.outgoing((path, number)):
                found.append((graph.qualname((path, number)), call.site.line, call.site.col,
                              call.resolution, call.how, call.reason,
                              graph.qualname(call.callee) if call.callee else call.site.text))
    return found


def _edit(text: str, names: list[str], rng: random.Random) -> str:
    """One random edit that keeps the syntax: lines moved, a call retargeted, a def renamed,
    an import dropped or added."""
    lines = text.splitlines(keepends=True)
    kind = rng.randrange(5)
    if kind == 0:  # lines move
        at = rng.randrange(len(lines) + 1)
        return "".join([*lines[:at], "\n", *lines[at:]])
    if kind == 1:  # a call names something else
        calls = [m for m in re.finditer(r"\b([A-Za-z_]\w*)\(", text)
                 if not text[:m.start()].endswith(("def ", "class "))]
        if calls:
            m = rng.choice(calls)
            return text[:m.start(1)] + rng.choice(names) + text[m.end(1):]
    if kind == 2:  # a def is renamed
        defs = list(re.finditer(r"(?<=def )([A-Za-z_]\w*)", text))
        if defs:
            m = rng.choice(defs)
            return text[:m.start()] + rng.choice(names) + "_" + text[m.end():]
    if kind == 3:  # an import goes
        imports = [n for n, line in enumerate(lines) if line.startswith(("import ", "from "))
                   and not line.rstrip().endswith(("(", "\\"))]
        if imports:
            del lines[rng.choice(imports)]
            return "".join(lines)
    return f"from .core import {rng.choice(names)}\n" + text  # an import comes


def test_incremental_results_equal_a_fresh_graph(tmp_path: Path) -> None:
    # The shortcuts of incremental resolution (an unchanged interface spares the
    # dependents) must never show: after each of many random edits, every outgoing call
    # of the project equals what a graph built afresh from the same texts says.
    shutil.copytree(DATA, tmp_path, dirs_exist_ok=True)
    paths = sorted(tmp_path.rglob("*.py"))
    texts = {p: p.read_text() for p in paths}
    names = sorted({m for t in texts.values() for m in re.findall(r"(?<=def )\w+", t)})
    graph = load_project([tmp_path]).graph
    rng = random.Random(20261124)
    for _ in range(60):
        path = rng.choice(paths)
        texts[path] = _edit(texts[path], names, rng)
        module, is_package = module_for(path)
        graph.update_text(key_of(path), texts[path], module, is_package)
        fresh = CallGraph()
        for other in paths:
            other_module, other_package = module_for(other)
            fresh.set_index(key_of(other), module_index(texts[other], other_module,
                                                        other_package, str(other)))
        assert _snapshot(graph) == _snapshot(fresh)


def test_index_is_a_pure_function_of_the_text() -> None:
    text = (DATA / "shapes" / "uses.py").read_text()
    first = module_index(text, "shapes.uses", False)
    second = module_index(text, "shapes.uses", False)
    assert first == second
    assert module_index("def f(:\n", "m", False).error.startswith("cannot parse")
    # The index cache stores JSON: what comes back is the same index.
    assert first.sites
    assert first.scopes[0].bindings
    assert index_from_json(index_to_json(first)) == first


def test_columns_are_characters_not_bytes(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text("def f():\n    pass\n\ndef g():\n    s = 'héllo'; f()\n",
                                   encoding="utf-8")
    graph = load_project([tmp_path]).graph
    calls = graph.incoming(graph.find("m.f") or ("", 0))
    assert [(c.site.line, c.site.col) for c in calls] == [(5, 17)]


def _calls(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "llm_doc_manager", "calls", *args],
                          cwd=cwd, capture_output=True, text=True, timeout=120)


def test_cli_json_format(tmp_path: Path) -> None:
    root = tmp_path / "p"
    shutil.copytree(DATA, root)
    done = _calls("shapes/core.py:88", "--json", "--no-cache", cwd=root)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "target": {"qualname": "shapes.core.factorial", "path": "shapes/core.py", "line": 87},
        "incoming": [
            {"caller": "shapes.core.factorial", "path": "shapes/core.py", "line": 88,
             "col": 32, "resolution": "resolved"},
            {"caller": "shapes.uses.references", "path": "shapes/uses.py", "line": 77,
             "col": 60, "resolution": "resolved"}],
        "outgoing": [
            {"callee": "shapes.core.factorial", "path": "shapes/core.py", "line": 88,
             "col": 32, "resolution": "resolved"}],
    }
    # A call under LINE:COL is resolved to its callee; ::Qual.name finds a definition.
    by_call = json.loads(_calls("shapes/uses.py:69:26", "--json", cwd=root).stdout)
    assert by_call["target"]["qualname"] == "shapes.core.Engine.run"
    assert by_call["target"]["path"] == "shapes/core.py"
    by_name = json.loads(_calls("shapes/core.py::Engine.run", "--json", "--outgoing",
                                cwd=root).stdout)
    assert by_name["incoming"] == []
    assert by_name["outgoing"][0]["callee"] == "shapes.core.Engine.__call__"


def test_cli_errors(tmp_path: Path) -> None:
    root = tmp_path / "p"
    shutil.copytree(DATA, root)
    (root / "shapes" / "broken.py").write_text("def f(:\n")
    for target, code, message in (
            ("shapes/core.py:2", 2, "no definition starts there"),
            ("nowhere.py:1", 2, "no such file"),
            ("shapes/core.py", 2, "TARGET is path.py:LINE"),
            ("shapes/core.py::Nope", 2, "no definition named Nope"),
            ("shapes/broken.py:1", 1, "broken.py:1: cannot parse")):
        done = _calls(target, cwd=root)
        assert done.returncode == code, (target, done.stderr)
        assert message in done.stderr
        assert "Traceback" not in done.stderr
    done = _calls("shapes/core.py:10", cwd=root)
    assert done.returncode == 0
    assert "broken.py:1: LD001" in done.stderr  # reported, the rest answered
    order = _calls("--order", "shapes", "--json", cwd=root)
    groups = json.loads(order.stdout)["order"]
    assert {g["group"][0]["qualname"] for g in groups if g["recursive"]} == {
        "shapes.core.factorial"}
    assert sum(len(g["group"]) for g in groups) == 45


def test_a_name_that_may_hold_unknown_values_gives_inferred_calls(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text("def h():\n    pass\n\ndef f(cb=None):\n"
                                   "    if cb is None:\n        cb = h\n    cb()\n")
    graph = load_project([tmp_path]).graph
    key = graph.find("m.h")
    assert key is not None
    assert [(c.site.line, c.resolution, c.reason) for c in graph.incoming(key)] == [
        (7, "inferred", "the name may also hold other values")]
    assert graph.incoming(key, inferred=False) == []
    assert graph.outgoing(graph.find("m.f") or key, inferred=False) == []


def test_the_reason_given_is_the_same_in_every_process(tmp_path: Path) -> None:
    # r may hold two different unknowns; the reason shown must not depend on set order,
    # which changes with the process's hash seed.
    (tmp_path / "m.py").write_text("def f(p, q=None):\n    r = p if q else q.z()\n    r.go()\n")
    script = ("import sys; from pathlib import Path; from llm_doc_manager.callgraph import "
              "load_project; g = load_project([Path(sys.argv[1])]).graph; "
              "print([c.reason for c in g.outgoing(g.find('m.f'))])")
    seen = {subprocess.run([sys.executable, "-c", script, str(tmp_path)], check=True,
                           capture_output=True, text=True, timeout=60,
                           env={**os.environ, "PYTHONHASHSEED": str(seed)}
                           ).stdout for seed in range(1, 7)}
    assert len(seen) == 1
