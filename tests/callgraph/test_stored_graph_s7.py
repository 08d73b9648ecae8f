"""The resolved graph stored in the cache folder, read back on a warm start (issue 22).

Attacks: a warm start that must answer at once (no index read back and resolved whole), yet
answer exactly what a fresh build answers; a changed file that must not be answered from the
old graph; a database whose rows are tampered with, foreign or gone, which must never crash a
query nor give an answer the files do not give; and ``llm-doc calls``, whose output must stay
byte for byte what a fresh build prints.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from llm_doc_manager.callgraph import CallGraph, key_of
from llm_doc_manager.callgraph.project import load_project, load_stored
from llm_doc_manager.callgraph.stored import StoredGraph, StoredGraphMiss

SHAPES = Path(__file__).parent / "data" / "shapes"
STDLIB = Path(sysconfig.get_paths()["stdlib"])


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A project of real code: the shapes fixture, and the standard library's json and email."""
    root = tmp_path / "proj"
    shutil.copytree(SHAPES, root)
    for name in ("json", "email"):
        shutil.copytree(STDLIB / name, root / name,
                        ignore=shutil.ignore_patterns("__pycache__"))
    (root / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    return root


def _caches(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "cache"
    folder.mkdir(exist_ok=True)
    return folder / "callgraph-v2.sqlite3", folder / "calls-resolved-v1.sqlite3"


def _warm(root: Path, tmp_path: Path) -> StoredGraph:
    cache, resolved = _caches(tmp_path)
    load_project([root], cache=cache, resolved=resolved)
    project = load_stored([root], cache=cache, resolved=resolved)
    assert project is not None
    assert isinstance(project.graph, StoredGraph)
    return project.graph


def _survey(graph: CallGraph, keys: list[tuple[str, int]]) -> list[object]:
    """Every query's answer for some definitions, with and without inferred calls and caps."""
    answers: list[object] = []
    for key in keys:
        for inferred in (True, False):
            for cap in (3, 1, 0):
                answers.append(graph.incoming(key, inferred, cap))
                answers.append(graph.outgoing(key, inferred, cap))
        answers.append((graph.qualname(key), graph.canonical(key), graph.is_recursive(key)))
    return answers


def _definitions(graph: CallGraph) -> list[tuple[str, int]]:
    return sorted((path, number) for path, index in graph.files.items()
                  for number in range(len(index.defs)))


def test_a_warm_start_answers_what_a_fresh_build_answers(tree: Path, tmp_path: Path) -> None:
    fresh = load_project([tree]).graph
    stored = _warm(tree, tmp_path)
    keys = _definitions(fresh)
    modules = sorted({(path, -1) for path, _ in keys})
    assert _survey(stored, keys) == _survey(fresh, keys)
    assert [stored.outgoing(k) for k in modules] == [fresh.outgoing(k) for k in modules]
    for path in sorted(fresh.files):
        index = fresh.files[path]
        for site in index.sites:  # what preparing on a call gives, and finding by name
            assert stored.sites_at(path, site.name_line, site.name_col) \
                == fresh.sites_at(path, site.name_line, site.name_col)
        for number in stored.sites_at(path, 1) + list(range(0, len(index.sites), 7)):
            assert stored.site_targets(path, number) == fresh.site_targets(path, number)
        for definition in index.defs:
            assert stored.find(definition.qualname, path) == fresh.find(definition.qualname, path)
            assert stored.definition_at(path, definition.line) \
                == fresh.definition_at(path, definition.line)


def test_a_warm_start_reads_only_what_the_query_touches(tree: Path, tmp_path: Path) -> None:
    stored = _warm(tree, tmp_path)
    target = key_of(tree / "json" / "decoder.py")
    key = stored.find("py_scanstring", target)
    assert key is not None
    assert stored.incoming(key)  # JSONObject's and the scanner's calls
    loaded = dict.keys(stored.files)  # the indexes read back so far, not the project's
    assert 0 < len(loaded) < len(stored.files) // 4


def test_a_changed_added_or_removed_file_is_not_answered_from_the_stored_graph(
        tree: Path, tmp_path: Path) -> None:
    cache, resolved = _caches(tmp_path)
    _warm(tree, tmp_path)
    decoder = tree / "json" / "decoder.py"
    decoder.write_text(decoder.read_text() + "\n\ndef extra():\n    return py_scanstring('', 0)\n")
    assert load_stored([tree], cache=cache, resolved=resolved) is None
    fresh = load_project([tree], cache=cache, resolved=resolved).graph
    stored = load_stored([tree], cache=cache, resolved=resolved)
    assert stored is not None  # the new state was stored in its turn
    key = fresh.find("py_scanstring", key_of(decoder))
    assert key is not None
    assert stored.graph.incoming(key) == fresh.incoming(key)
    assert any(fresh.qualname(c.caller) == "json.decoder.extra" for c in fresh.incoming(key))
    (tree / "json" / "added.py").write_text("x = 1\n")
    assert load_stored([tree], cache=cache, resolved=resolved) is None
    (tree / "json" / "added.py").unlink()
    assert load_stored([tree], cache=cache, resolved=resolved) is not None
    (tree / "json" / "tool.py").unlink()
    assert load_stored([tree], cache=cache, resolved=resolved) is None


def _rows(resolved: Path) -> dict[str, str]:
    with sqlite3.connect(resolved) as db:
        return dict(db.execute("SELECT key, CAST(value AS TEXT) FROM results"))


def _set(resolved: Path, key: str, value: str) -> None:
    with sqlite3.connect(resolved) as db:
        db.execute("UPDATE results SET value = ? WHERE key = ?", (value, key))


def _meta_key(rows: dict[str, str]) -> str:
    (key,) = [k for k in rows if ":" not in k]
    return key


def _ask_everything(root: Path, tmp_path: Path) -> list[object] | None:
    """Every answer of the stored graph, or None when it is not used (no crash either way)."""
    cache, resolved = _caches(tmp_path)
    project = load_stored([root], cache=cache, resolved=resolved)
    if project is None:
        return None
    graph = project.graph
    try:
        return _survey(graph, sorted((p, n) for p in graph.files
                                     for n in range(len(graph.files[p].defs))))
    except StoredGraphMiss:
        return None


@pytest.mark.parametrize("tamper", [
    "not json", "[]", '{"files": 3}', "null",
    # Valid JSON of the right shape, with an index past the end of what it indexes.
    "SHIFT_DEF", "FOREIGN_FILES", "BOOL_FOR_INT",
])
def test_a_tampered_snapshot_row_is_a_miss(tree: Path, tmp_path: Path, tamper: str) -> None:
    _warm(tree, tmp_path)
    _, resolved = _caches(tmp_path)
    rows = _rows(resolved)
    key = _meta_key(rows)
    meta = json.loads(rows[key])
    if tamper == "SHIFT_DEF":
        meta["methods"][0][1][0][1] = 10**6
        tamper = json.dumps(meta)
    elif tamper == "FOREIGN_FILES":
        meta["files"][0][1] = "0" * 64  # another project's digest
        tamper = json.dumps(meta)
    elif tamper == "BOOL_FOR_INT":
        meta["modules"][0][1] = True
        tamper = json.dumps(meta)
    _set(resolved, key, tamper)
    assert _ask_everything(tree, tmp_path) is None


@pytest.mark.parametrize("tamper", ["garbled", "target", "site", "status", "gone", "index",
                                    "definition", "inline site"])
def test_a_tampered_or_missing_row_under_a_good_snapshot_is_a_miss_not_a_crash(
        tree: Path, tmp_path: Path, tamper: str) -> None:
    fresh = load_project([tree]).graph
    _warm(tree, tmp_path)
    cache, resolved = _caches(tmp_path)
    rows = _rows(resolved)
    key = _meta_key(rows)
    edges = [k for k in rows if ":e:" in k and json.loads(rows[k])[0]]
    callers = [k for k in rows if ":in:" in k]
    if tamper == "garbled":
        for name in edges + callers:
            _set(resolved, name, rows[name][:-5])
    elif tamper in ("target", "site", "status"):
        place = {"target": 3, "site": 0, "status": 1}[tamper]
        for name in edges:
            data = json.loads(rows[name])
            data[0][0][place] = 10**6
            _set(resolved, name, json.dumps(data))
        for name in callers:
            data = json.loads(rows[name])
            data[0][0] = 10**6  # a definition past the end of its file
            _set(resolved, name, json.dumps(data))
    elif tamper == "definition":  # a caller's stored definition with a parent past the end
        for name in (k for k in rows if ":d:" in k and json.loads(rows[k])):
            data = json.loads(rows[name])
            data[0][9] = 10**6
            _set(resolved, name, json.dumps(data))
    elif tamper == "inline site":  # the site stored with a caller's edge: a kind of ours? no
        for name in callers:
            data = json.loads(rows[name])
            data[0][1][0][1][0][3][2] = "exec"
            _set(resolved, name, json.dumps(data))
    elif tamper == "gone":
        with sqlite3.connect(resolved) as db:
            db.execute("DELETE FROM results WHERE key != ?", (key,))
    else:  # the indexes the snapshot points at were evicted from the index cache
        with sqlite3.connect(cache) as db:
            db.execute("DELETE FROM results")
    answers = _ask_everything(tree, tmp_path)
    # Either no answer (the caller builds afresh) or, for rows left intact, the true one.
    assert answers is None or answers == _survey(fresh, _definitions(fresh))


def _calls(root: Path, cache: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "llm_doc_manager", "calls", *args],
                          cwd=root, capture_output=True, text=True, timeout=120, check=False,
                          env={"PATH": "/usr/bin:/bin", "LLM_DOC_CACHE_DIR": str(cache),
                               "XDG_CONFIG_HOME": str(cache / "config")})


QUERIES = [
    ("json/decoder.py::JSONDecoder.decode", "--depth", "3"),
    ("email/message.py::Message.get_payload", "--json"),
    ("email/message.py::Message.get_payload", "--candidates", "0", "--no-inferred"),
    ("shapes/core.py:10",),
    ("shapes/core.py:1",),  # no definition there: exit 2, the same words
    ("json/__init__.py:346:15", "--outgoing", "--json"),
]


def test_warm_llm_doc_calls_prints_byte_for_byte_what_a_fresh_build_prints(
        tree: Path, tmp_path: Path) -> None:
    # 15 runs of the real command (about 0.6 s each, most of it Python starting): the
    # output compared is the command's, so it is run as a user runs it.
    (tree / "shapes" / "broken.py").write_text("def f(:\n")  # a problem said on stderr
    cache = tmp_path / "cli-cache"
    expected = [_calls(tree, cache, *query, "--no-cache") for query in QUERIES]
    assert [done.returncode for done in expected] == [0, 0, 0, 0, 2, 0], \
        [d.stderr for d in expected]
    assert all("broken.py" in done.stderr for done in expected)
    first = _calls(tree, cache, *QUERIES[0])  # stores the graph
    assert (first.stdout, first.stderr) == (expected[0].stdout, expected[0].stderr)
    assert list(cache.glob("calls-resolved-v1.sqlite3"))
    for query, want in zip(QUERIES[1:], expected[1:], strict=True):
        got = _calls(tree, cache, *query)
        assert (got.returncode, got.stdout, got.stderr) == \
            (want.returncode, want.stdout, want.stderr), query
    # Every edge row tampered with: each query falls back to a fresh build, same output.
    resolved = cache / "calls-resolved-v1.sqlite3"
    for name, text in _rows(resolved).items():
        if ":e:" in name or ":in:" in name:
            _set(resolved, name, text.replace("[", "[1e9,", 1))
    for query, want in zip(QUERIES[:3], expected[:3], strict=True):
        got = _calls(tree, cache, *query)
        assert (got.returncode, got.stdout, got.stderr) == \
            (want.returncode, want.stdout, want.stderr), query


def test_worker_processes_index_as_this_process_does(
        tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import llm_doc_manager.callgraph.project as project

    alone = project.load_project([tree], cache=tmp_path / "alone.sqlite3")
    monkeypatch.setattr(project, "PARALLEL_FROM", 2)  # this small tree goes to the workers
    seen: list[tuple[int, int]] = []
    shared = project.load_project([tree], cache=tmp_path / "shared.sqlite3", workers=2,
                                  progress=lambda done, total: seen.append((done, total)))
    assert shared.graph.files == alone.graph.files
    assert shared.digests == alone.digests
    assert [(p.path, p.line, p.message) for p in shared.problems] \
        == [(p.path, p.line, p.message) for p in alone.problems]
    keys = _definitions(alone.graph)
    assert _survey(shared.graph, keys[::5]) == _survey(alone.graph, keys[::5])
    total = len(alone.graph.files)
    assert seen == [(done, total) for done in range(1, total + 1)]
    for name in ("alone", "shared"):  # the rows the workers made are the ones read back
        with sqlite3.connect(tmp_path / f"{name}.sqlite3") as db:
            assert db.execute("SELECT count(*) FROM results").fetchone()[0] == total
    again = project.load_project([tree], cache=tmp_path / "shared.sqlite3")
    assert again.graph.files == alone.graph.files
