"""The caches as an attacker would use them: triggers, views, forged rows, open folders, damage.

Each test plants a real SQLite file (or folder) where the tool looks for its cache
(``LLM_DOC_CACHE_DIR``) and runs the real command in a subprocess. File names are written out
(not imported) so that the same tests can be pointed at an older checkout of the tool.
"""

from __future__ import annotations

import json
import os
import pickle
import random
import sqlite3
import stat
import sys
from pathlib import Path

import pytest

from llm_doc_manager.callgraph.index import module_index
from llm_doc_manager.callgraph.symbols import index_from_json, index_to_json
from llm_doc_manager.providers.answer_cache import AnswerCache
from llm_doc_manager.store import ResultStore, open_sqlite
from tests.conftest import Run

INDEX_FILE = "callgraph-v2.sqlite3"
OLD_INDEX_FILE = "callgraph.sqlite3"  # pickles, up to the change that made the index JSON
OLD_SCHEMA = ("CREATE TABLE results (key TEXT PRIMARY KEY, value TEXT NOT NULL, "
              "used REAL NOT NULL);")
NEW_SCHEMA = ("CREATE TABLE results (key TEXT PRIMARY KEY, value TEXT NOT NULL, "
              "size INTEGER NOT NULL, used REAL NOT NULL); "
              "CREATE INDEX results_used ON results (used, size);")


class _Touch:
    """Unpickling this runs ``touch PATH``: what a forged cache row would do."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return os.system, (f"touch {self.path}",)


def _project(root: Path, files: int = 2) -> Path:
    """A small project whose ``a.f`` calls ``b.g`` (and more modules when asked)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    (root / "b.py").write_text("def g():\n    pass\n")
    (root / "a.py").write_text("from b import g\n\n\ndef f():\n    g()\n")
    for number in range(files - 2):
        body = "".join(f"def h{n}(x: int) -> int:\n    return g{n}(x) + {n}\n\n\n"
                       for n in range(20))
        (root / f"m{number}.py").write_text("from b import g\n\n\n" + body)
    return root


def _trigger_database(path: Path, schema: str, marker: Path) -> None:
    """Our table, plus a trigger that turns every inserted row into a pickle that runs code."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = pickle.dumps(_Touch(marker)).hex()
    db = sqlite3.connect(path)
    db.executescript(schema + f"""
        CREATE TRIGGER evil AFTER INSERT ON results BEGIN
            UPDATE results SET value = X'{payload}' WHERE key = NEW.key;
        END;""")
    db.close()


def _master(path: Path) -> list[tuple[str, str]]:
    db = sqlite3.connect(path)
    try:
        return sorted(db.execute("SELECT type, name FROM sqlite_master"))
    finally:
        db.close()


def test_a_trigger_in_the_index_cache_never_runs_code(tmp_path: Path, llm_doc: Run) -> None:
    project = _project(tmp_path / "repo")
    cache = project / ".llmcache"  # inside the tree, as a repository would ship it
    marker = tmp_path / "pwned"
    for name, schema in ((OLD_INDEX_FILE, OLD_SCHEMA), (INDEX_FILE, NEW_SCHEMA)):
        _trigger_database(cache / name, schema, marker)
    env = {"LLM_DOC_CACHE_DIR": str(cache)}
    first = llm_doc("calls", "a.py::f", cwd=project, env=env)
    second = llm_doc("calls", "a.py::f", cwd=project, env=env)
    assert not marker.exists()
    for run in (first, second):
        assert run.returncode == 0, run.stderr
        assert "b.g  a.py:5:4" in run.stdout
        assert "Traceback" not in run.stderr
    # Said once, in one line, when the database was replaced; the new one is exactly ours.
    assert [line for line in first.stderr.splitlines() if INDEX_FILE in line] == [
        f"llm-doc: warning: cache database {cache / INDEX_FILE} holds tables, triggers or "
        "views the tool did not create: removed and created afresh"]
    assert second.stderr == ""
    assert ("trigger", "evil") not in _master(cache / INDEX_FILE)
    third = llm_doc("calls", "a.py::f", cwd=project, env=env)
    assert third.stdout == first.stdout
    assert not marker.exists()


@pytest.mark.parametrize("extra", [
    "CREATE VIEW v AS SELECT key FROM results;",
    "CREATE TABLE other (x);",
    "CREATE INDEX extra ON results (value);",
    "CREATE TRIGGER t AFTER DELETE ON results BEGIN SELECT 1; END;",
])
def test_a_schema_that_is_not_exactly_ours_is_replaced(tmp_path: Path, extra: str) -> None:
    path = tmp_path / "store.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(NEW_SCHEMA + extra +
                     "INSERT INTO results VALUES ('k', 'planted', 7, 0);")
    db.close()
    said: list[str] = []
    store: ResultStore[str] = ResultStore(path, warn=said.append)
    assert store.available
    assert store.get_many(["k"]) == {}  # nothing planted is read
    store.put_many([("k", "ours")])
    assert store.get_many(["k"]) == {"k": "ours"}
    store.close()
    assert len(said) == 1
    assert "removed and created afresh" in said[0]
    assert _master(path) == [("index", "results_used"), ("index", "sqlite_autoindex_results_1"),
                             ("table", "results")]


def test_another_definition_of_our_table_is_replaced(tmp_path: Path) -> None:
    """Same names, other SQL: a default or a check could run a function on every write."""
    path = tmp_path / "store.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(NEW_SCHEMA.replace("used REAL NOT NULL",
                                        "used REAL NOT NULL DEFAULT (random())"))
    db.close()
    store: ResultStore[str] = ResultStore(path, warn=lambda _: None)
    store.put_many([("k", "v")])
    store.close()
    db = sqlite3.connect(path)
    assert "random" not in db.execute("SELECT sql FROM sqlite_master WHERE name = 'results'"
                                      ).fetchone()[0]
    db.close()


def test_sqlite_runs_with_its_defensive_settings(tmp_path: Path) -> None:
    db = open_sqlite(tmp_path / "x.sqlite3", "CREATE TABLE IF NOT EXISTS t (k);")
    assert db.execute("PRAGMA trusted_schema").fetchone() == (0,)
    if sys.version_info >= (3, 12):
        assert db.getconfig(sqlite3.SQLITE_DBCONFIG_DEFENSIVE)  # type: ignore[attr-defined]
        assert not db.getconfig(sqlite3.SQLITE_DBCONFIG_ENABLE_TRIGGER)  # type: ignore[attr-defined]
    db.close()


def test_a_new_cache_folder_is_private(tmp_path: Path, llm_doc: Run) -> None:
    project = _project(tmp_path / "repo")
    cache = tmp_path / "fresh" / "cache"
    assert llm_doc("calls", "a.py::f", cwd=project,
                   env={"LLM_DOC_CACHE_DIR": str(cache)}).returncode == 0
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    assert (cache / INDEX_FILE).is_file()


@pytest.mark.parametrize("target", ["folder", "file"])
def test_a_cache_writable_by_others_is_not_used(tmp_path: Path, llm_doc: Run,
                                                target: str) -> None:
    project = _project(tmp_path / "repo")
    cache = tmp_path / "shared"
    cache.mkdir(mode=0o700)
    database = cache / INDEX_FILE
    if target == "folder":
        cache.chmod(0o777)
        unsafe = cache
    else:
        open_sqlite(database, NEW_SCHEMA).close()
        database.chmod(0o666)
        unsafe = database
    before = sorted(cache.iterdir())
    result = llm_doc("calls", "a.py::f", cwd=project, env={"LLM_DOC_CACHE_DIR": str(cache)})
    assert result.returncode == 0, result.stderr
    assert "b.g  a.py:5:4" in result.stdout
    assert result.stderr.splitlines() == [
        f"llm-doc: warning: cache {target} {unsafe} is writable by other users (mode "
        f"{'777' if target == 'folder' else '666'}): not used; `chmod go-w` it to use it"]
    assert sorted(cache.iterdir()) == before  # nothing written there


def test_a_cache_folder_of_another_user_is_not_used(tmp_path: Path, llm_doc: Run) -> None:
    if os.getuid() != 0:
        pytest.skip("only root can give a folder to another user; the mode checks run as anyone")
    project = _project(tmp_path / "repo")
    cache = tmp_path / "theirs"
    cache.mkdir(mode=0o700)
    os.chown(cache, 65534, 65534)
    result = llm_doc("calls", "a.py::f", cwd=project, env={"LLM_DOC_CACHE_DIR": str(cache)})
    assert result.returncode == 0, result.stderr
    assert "belongs to another user (uid 65534): not used" in result.stderr
    assert not any(cache.iterdir())
    stats = llm_doc("cache", "stats", env={"LLM_DOC_CACHE_DIR": str(cache)})
    assert stats.returncode == 2
    assert "belongs to another user" in stats.stderr


def test_a_link_in_place_of_the_database_is_not_followed(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.txt"
    target.write_text("keep me")
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "store.sqlite3").symlink_to(target)
    said: list[str] = []
    store: ResultStore[str] = ResultStore(cache / "store.sqlite3", warn=said.append)
    assert not store.available
    assert len(said) == 1
    assert "not a regular file" in said[0]
    assert target.read_text() == "keep me"


def _damage(path: Path, seed: int) -> None:
    """Overwrite pages in the middle of a database with garbage, the header left intact."""
    data = bytearray(path.read_bytes())
    pages = len(data) // 4096
    assert pages >= 8, pages
    rng = random.Random(seed)
    for page in range(pages // 3, 2 * pages // 3):
        data[page * 4096:(page + 1) * 4096] = rng.randbytes(4096)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("seed", [1, 2])
def test_a_damaged_index_cache_is_rebuilt(tmp_path: Path, llm_doc: Run, seed: int) -> None:
    project = _project(tmp_path / "repo", files=40)
    cache = tmp_path / "cache"
    env = {"LLM_DOC_CACHE_DIR": str(cache)}
    first = llm_doc("calls", "a.py::f", cwd=project, env=env)
    assert first.returncode == 0, first.stderr
    [database] = cache.glob("callgraph*.sqlite3")
    # The graph the first run stored answers a warm run from the few indexes it needs, which
    # may miss the damage: gone, the runs below read every row, as this test means.
    (cache / "calls-resolved-v1.sqlite3").unlink()
    _damage(database, seed)
    for _ in range(2):  # the run that finds the damage, then one on the rebuilt file
        again = llm_doc("calls", "a.py::f", cwd=project, env=env)
        assert again.returncode == 0, again.stderr
        assert again.stdout == first.stdout
        assert again.stderr == ""
    db = sqlite3.connect(database)
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert db.execute("SELECT count(*) FROM results").fetchone() == (40,)
    db.close()


def test_damage_found_by_a_later_query_rebuilds_the_store(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    store: ResultStore[str] = ResultStore(path)
    store.put_many([(f"k{n}", "v" * 3000) for n in range(200)])
    store.close()
    _damage(path, 3)
    store = ResultStore(path)  # the header and schema page are intact: it opens
    assert store.available
    store.get_many([f"k{n}" for n in range(200)])
    store.put_many([("fresh", "value")])
    assert store.get_many(["fresh"]) == {"fresh": "value"}
    store.close()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    db.close()


def _poison(path: Path, value: str) -> None:
    """Give every row of a store a value its owner did not write."""
    db = sqlite3.connect(path)
    db.execute("UPDATE results SET value = ?", (value,))
    db.commit()
    db.close()


@pytest.mark.parametrize("value", ["not json", "[[1, 2]]", '{"a": 1}', "[" * 100_000,
                                   '[["x", "y", "z", "w"]]'])
def test_forged_validate_and_generate_rows_are_misses(tmp_path: Path, llm_doc: Run,
                                                     value: str) -> None:
    project = _project(tmp_path / "repo")
    (project / "c.py").write_text('def k(a):\n    """K.\n\n    Args:\n        b: B.\n    """\n')
    (project / "d.py").write_text('"""D."""\n\n\ndef k(a: int) -> int:\n    """K.\n\n'
                                  '    Args:\n        a: A.\n\n    Returns:\n        B.\n    """\n'
                                  '    return a\n')
    generate = ("generate", "--provider", "static", "--check", "--all", "d.py")
    cache = tmp_path / "cache"
    env = {"LLM_DOC_CACHE_DIR": str(cache)}
    first = llm_doc("validate", "--all", ".", cwd=project, env=env)
    assert first.returncode == 1, first.stderr
    generated = llm_doc(*generate, cwd=project, env=env)
    assert generated.returncode == 0, generated.stderr
    assert "2 unchanged" in generated.stderr
    stores = [*cache.glob("validate-v*.sqlite3"), *cache.glob("generate-v*.sqlite3")]
    assert len(stores) == 2
    for store in stores:
        _poison(store, value)
    again = llm_doc("validate", "--all", ".", cwd=project, env=env)
    assert (again.returncode, again.stdout, again.stderr) == (1, first.stdout, first.stderr)
    regenerated = llm_doc(*generate, cwd=project, env=env)
    assert (regenerated.returncode, regenerated.stdout, regenerated.stderr) == (
        0, generated.stdout, generated.stderr)


def test_forged_index_rows_are_misses() -> None:
    text = ("import os\n\n\nclass A:\n    def __init__(self) -> None:\n        self.b = os.path\n\n"
            "    def run(self, x: A) -> A:\n        return self.b.join(x)\n\n\n"
            "def f():\n    return A().run(A())\n")
    index = module_index(text, "m", False)
    good = index_to_json(index)
    assert index_from_json(good) == index
    data = json.loads(good)
    forged = [
        pickle.dumps(index),                                   # the old form
        b"\x80\x04garbage", "", "null", "[]", "[" * 50_000 + "]" * 50_000,
        json.dumps([2, *data[1:]]),                            # another version of the form
        json.dumps([*data[:6], [[c] for c in data[6]], *data[7:]]),  # shapes changed
    ]

    def mutated(path: list[int], value: object) -> str:
        copy = json.loads(good)
        node = copy
        for step in path[:-1]:
            node = node[step]
        node[path[-1]] = value
        return json.dumps(copy)

    scopes = data[7]
    forged += [
        mutated([7, 1, 0], 0),             # the module scope its own parent: lookups loop
        mutated([7, 1, 1], 2),             # a scope whose parent comes after it
        mutated([6, 9, 1], 5),             # a def whose parent comes after it
        mutated([6, 11, 0], len(scopes[0])),  # a body scope that does not exist
        mutated([10, 3, 0], 10_000),       # a chain that does not exist
        mutated([10, 0, 0], True),         # a bool where an int goes
        mutated([9, 2, 1], "x"),           # a payload of the wrong type for its kind
        mutated([9, 1, 0], "eval"),        # a binding kind that does not exist
        mutated([7, 4, 0], [1, 1, 10_000]),  # more bindings than there are
        mutated([5, 0], []),               # an empty chain
        mutated([10, 2, 0], "exec"),       # a site kind that does not exist
    ]
    for row in forged:
        assert index_from_json(row) is None, row[:200]


def test_clear_and_stats_cover_every_store(tmp_path: Path, llm_doc: Run) -> None:
    project = _project(tmp_path / "repo")
    cache = tmp_path / "cache"
    env = {"LLM_DOC_CACHE_DIR": str(cache)}
    assert llm_doc("calls", "a.py::f", cwd=project, env=env).returncode == 0
    assert llm_doc("validate", ".", cwd=project, env=env).returncode == 0
    assert llm_doc("generate", "--provider", "static", "--check", "b.py", cwd=project,
                   env=env).returncode == 0
    answers = AnswerCache(cache)
    answers.put("k", '{"summary": "x"}')
    answers.close()
    # Files of older versions of two stores, pickles and all.
    for old in ("callgraph.sqlite3", "validate-v3.sqlite3"):
        sqlite3.connect(cache / old).executescript(OLD_SCHEMA)
    stats = llm_doc("cache", "stats", env=env)
    assert stats.returncode == 0, stats.stderr
    blocks = stats.stdout.split("\n", 1)[1]
    # validate: two files' findings and the two files' learned evidence (``evidence-v1:``);
    # their class facts (``bases-v1:``) are found, from the same parse, when ``--all`` asks
    # for what methods inherit (validate's workers learn only what the run needs).
    for title, name, entries in (("model answers", "answers-v1.sqlite3", 1),
                                 ("validate results", "validate-v4.sqlite3", 4),
                                 ("generate's clean files", "generate-v3.sqlite3", 1),
                                 ("call graph index", INDEX_FILE, 2)):
        block = blocks.split(f"{title} ({name})\n", 1)[1]
        assert block.startswith(f"  entries:  {entries}\n  size:     "), stats.stdout
    assert stats.stdout.startswith(f"cache folder: {cache}\n")
    cleared = llm_doc("cache", "clear", env=env)
    assert cleared.returncode == 0, cleared.stderr
    assert "model answers: removed 1 entry (1 file)" in cleared.stdout
    assert "call graph index: removed 2 entries (2 files)" in cleared.stdout
    assert not any(path.suffix == ".sqlite3" for path in cache.iterdir())
    after = llm_doc("cache", "stats", env=env).stdout
    assert after.count("entries:  0 (no file yet)") == 5  # the resolved graph's too


def test_result_stores_are_bounded_in_bytes(tmp_path: Path) -> None:
    store: ResultStore[str] = ResultStore(tmp_path / "s.sqlite3", max_bytes=100_000)
    small = [(f"small{n:03d}", "v" * 990) for n in range(90)]  # 1,000 bytes each
    store.put_many(small)
    # One value above an eighth of the cap is not stored: everything else survives.
    store.put_many([("huge", "h" * 20_000)])
    assert store.get_many(["huge"]) == {}
    assert len(store.get_many([key for key, _ in small])) == 90
    # Below that share it is stored, and only the least recently used go to make room.
    store.put_many([(f"more{n}", "m" * 12_000) for n in range(2)])
    stats = store.stats()
    assert stats is not None
    assert stats.size <= 100_000
    kept = store.get_many([key for key, _ in small])
    assert 50 <= len(kept) < 90
    assert "small089" in kept
    assert "small000" not in kept
    store.close()


def test_a_recent_read_keeps_a_row(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    store: ResultStore[str] = ResultStore(path, max_bytes=100_000)
    store.put_many([(f"k{n:02d}", "v" * 1996) for n in range(40)])
    db = sqlite3.connect(path)
    db.execute("UPDATE results SET used = used - 86400")  # written a day ago
    db.commit()
    db.close()
    assert store.get_many(["k00"]) == {"k00": "v" * 1996}  # read now: used now
    store.put_many([(f"n{n:02d}", "w" * 1996) for n in range(20)])
    assert store.get_many(["k00"])
    assert not store.get_many(["k01"])
    store.close()


def test_one_oversized_answer_does_not_empty_the_answer_cache(tmp_path: Path) -> None:
    cache = AnswerCache(tmp_path, max_mb=100_000 / 2**20)  # a 100 kB cap
    for n in range(80):
        cache.put(f"key{n:02d}", "a" * 1000)
    cache.put("huge", "h" * 60_000)
    assert cache.get("huge") is None
    assert all(cache.get(f"key{n:02d}") is not None for n in range(80))
    assert cache.stats().entries == 80
    cache.close()


def test_a_damaged_answer_cache_is_rebuilt_at_any_query(tmp_path: Path) -> None:
    cache = AnswerCache(tmp_path)
    for n in range(300):
        cache.put(f"key{n}", "a" * 3000)
    cache.close()
    _damage(tmp_path / "answers-v1.sqlite3", 5)
    said: list[str] = []
    cache = AnswerCache(tmp_path, warn=said.append)
    for n in range(300):
        cache.get(f"key{n}")
    cache.put("fresh", "answer")
    assert cache.get("fresh") == "answer"
    cache.close()
    assert said == []
    db = sqlite3.connect(tmp_path / "answers-v1.sqlite3")
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    db.close()


def test_an_index_that_passes_the_checks_never_crashes_the_resolver() -> None:
    """Forged rows of the right types and ranges: wrong answers at worst, never an exception."""
    from llm_doc_manager.callgraph.graph import CallGraph

    root = Path(__file__).parent.parent / "llm_doc_manager" / "callgraph"
    good = json.loads(index_to_json(module_index((root / "graph.py").read_text(),
                                                 "pkg.graph", False)))
    other = index_from_json(index_to_json(module_index((root / "resolve.py").read_text(),
                                                       "pkg.resolve", False)))
    assert other is not None
    leaves: list[list[int]] = []

    def walk(node: object, path: list[int]) -> None:
        if isinstance(node, list):
            for position, item in enumerate(node):
                walk(item, [*path, position])
        elif not isinstance(node, dict):
            leaves.append(path)

    walk(good, [])
    rng = random.Random(7)
    words = ["", "class", "function", "method", "def", "self", "cls", "value", "module", "()",
             "<super>", "<getattr>", "call", "read", "ref", "x"]
    accepted = 0
    for _ in range(300):
        copy = json.loads(json.dumps(good))
        for _ in range(rng.randint(1, 3)):
            path = rng.choice(leaves)
            node = copy
            for step in path[:-1]:
                node = node[step]
            old = node[path[-1]]
            if type(old) is int:
                node[path[-1]] = rng.choice([-1, 0, 1, old + 1, old - 1, rng.randint(-3, 50)])
            elif type(old) is str:
                node[path[-1]] = rng.choice(words)
        index = index_from_json(json.dumps(copy))
        if index is None:
            continue
        accepted += 1
        graph = CallGraph()
        graph.set_index("/x/pkg/graph.py", index, "1")
        graph.set_index("/x/pkg/resolve.py", other, "2")
        graph.resolve()
        for path, found in graph.files.items():
            for number in range(len(found.defs)):
                graph.incoming((path, number))
                graph.outgoing((path, number))
        graph.order()
    assert accepted > 50  # the checks let plausible values through: they are what is tested
