"""What an offline ``--yes`` writes is recorded as clean: a ``--check`` right after is a hit.

The record is only safe because what a run writes is a fixed point. The golden cases
(``assert_invariants``) and the stdlib round trip prove that a second run changes nothing;
here the stored answer itself (each region unchanged, its line in the written text) is
compared with what a second run on the written text really reports, on every golden case
(the adversarial ones included), in three line-ending spellings, and on a stdlib sample.
"""

from __future__ import annotations

import ast
import asyncio
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bench.corpus import build_corpus
from llm_doc_manager.analysis.facts import _segment
from llm_doc_manager.generate import FileChange, Options, Status, run_files
from llm_doc_manager.generate.edits import Edit
from llm_doc_manager.generate.known import RESULTS_FILE, KnownClean, _settled_after
from llm_doc_manager.generate.outcomes import RegionResult
from llm_doc_manager.providers.static import StaticProvider
from llm_doc_manager.source.files import read_source
from llm_doc_manager.store import ResultStore
from tests.conftest import Run
from tests.helpers import CannedProvider, load_answers

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.name for p in GOLDEN.iterdir() if p.is_dir())


def _run(paths: list[Path], provider: object, options: Options) -> list[FileChange]:
    results = asyncio.run(run_files(paths, provider, options))  # type: ignore[arg-type]
    assert all(isinstance(r, FileChange) for r in results), results
    return results  # type: ignore[return-value]


def _reported(change: FileChange) -> list[list[str | int]]:
    return [[r.qualname, r.line, r.kind.value, r.status.value] for r in change.regions]


def _assert_recorded_is_second_run(paths: list[Path], provider: Callable[[], object],
                                   options: Options) -> int:
    """Write each file's change, run again, compare with what would be stored; count edits."""
    edited = 0
    for change in asyncio.run(run_files(paths, provider(), options)):  # type: ignore[arg-type]
        if not isinstance(change, FileChange):  # a coding cookie on a \r-only file: refused
            continue
        stored = _settled_after(change, options.all_defs)
        if any(r.status is Status.FAILED for r in change.regions):
            assert stored is None
            continue
        assert stored is not None, change.source.path
        change.source.path.write_bytes(change.source.encode(change.new_text))
        again_provider = provider()
        (again,) = _run([change.source.path], again_provider, options)
        assert not again.changed, change.source.path  # the fixed point itself
        if getattr(again_provider, "local", False):
            assert _reported(again) == stored, change.source.path
        else:  # never recorded for a model (a canned one may fail when asked twice): lines
            assert [r[:3] for r in _reported(again)] == [r[:3] for r in stored]
        edited += change.changed
    return edited


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_stored_regions_are_what_a_second_run_reports_on_every_golden(
        tmp_path: Path, newline: str) -> None:
    edited = 0
    for case in CASES:
        folder = GOLDEN / case
        answers = load_answers(folder / "answer.json")
        def provider(answers: dict[str, dict[str, Any]] = answers) -> object:
            return CannedProvider(answers) if answers else StaticProvider()  # one per run

        options_file = folder / "options.json"
        options = Options(**json.loads(options_file.read_text())) if options_file.exists() \
            else Options()
        raw = (folder / "input.py").read_bytes()
        if newline != "\n":  # the same code with every line break spelt another way
            if b"\r" in raw:
                continue
            raw = raw.replace(b"\n", newline.encode())
        path = tmp_path / case / "input.py"
        path.parent.mkdir()
        path.write_bytes(raw)
        edited += _assert_recorded_is_second_run([path], provider, options)
    assert edited >= 50  # the cases do edit: lines really move


def test_stored_regions_are_what_a_second_run_reports_on_stdlib(tmp_path: Path) -> None:
    files = build_corpus(tmp_path, limit=8, step=50)
    assert _assert_recorded_is_second_run(files, StaticProvider, Options()) >= 6


def test_an_edit_spanning_the_start_of_a_regions_line_is_not_recorded(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_text("# @llm-doc-start\ndef f(x):\n    return x\n# @llm-doc-end\n")
    (change,) = _run([path], StaticProvider(), Options())
    kind = change.regions[0].kind
    across = (Edit(5, 20, "x\n"),)  # from line 1 into line 2, past the start of line 2

    def one(line: int) -> FileChange:
        return FileChange(change.source, (RegionResult("f", line, kind, Status.GENERATED,
                                                       across),))

    assert _settled_after(one(1), False) == [["f", 1, kind.value, "unchanged"]]
    assert _settled_after(one(2), False) is None  # where line 2 went is not sure: not kept


def _rows(cache: Path) -> dict[str, str]:
    with sqlite3.connect(cache / RESULTS_FILE) as db:
        return dict(db.execute("SELECT key, value FROM results").fetchall())


def _written_key(path: Path) -> str:
    store: ResultStore[str] = ResultStore(None)
    return KnownClean(store, "static", Options()).key(read_source(path))


def _project(root: Path) -> list[Path]:
    """Three goldens and a few stdlib modules, every def and class marked."""
    root.mkdir()
    for case in ("class_attributes", "comm_regions", "crlf", "decorators_async_nested"):
        (root / f"{case}.py").write_bytes((GOLDEN / case / "input.py").read_bytes())
    build_corpus(root / "lib", limit=4, step=60)
    return sorted(root.rglob("*.py"))


def test_check_right_after_yes_is_answered_from_the_store_as_without_it(
        tmp_path: Path, llm_doc: Run) -> None:
    project = tmp_path / "p"
    files = _project(project)
    cache = tmp_path / "cache"
    env = {"LLM_DOC_CACHE_DIR": str(cache)}
    wrote = llm_doc("generate", "--provider", "static", "--yes", str(project), env=env)
    assert wrote.returncode == 0, wrote.stderr
    rows = _rows(cache)
    # Every file as written is known clean: the check below reads nothing but the store.
    assert all(_written_key(path) in rows for path in files)
    cached = llm_doc("generate", "--provider", "static", "--check", str(project), env=env)
    fresh = llm_doc("generate", "--provider", "static", "--check", "--no-cache",
                    str(project), env=env)
    assert (cached.returncode, cached.stderr) == (fresh.returncode, fresh.stderr) == (
        0, cached.stderr)
    assert "0 files would change" in cached.stderr
    assert " 0 unchanged" not in cached.stderr


def test_a_file_edited_by_hand_after_the_write_is_a_miss(tmp_path: Path, llm_doc: Run) -> None:
    project = tmp_path / "p"
    project.mkdir()
    path = project / "m.py"
    path.write_text("# @llm-doc-start\ndef f(x):\n    return x\n# @llm-doc-end\n")
    env = {"LLM_DOC_CACHE_DIR": str(tmp_path / "cache")}
    assert llm_doc("generate", "--provider", "static", "--yes", str(project),
                   env=env).returncode == 0
    path.write_text(path.read_text()
                    + "\n\n# @llm-doc-start\ndef g(y):\n    return y\n# @llm-doc-end\n")
    checked = llm_doc("generate", "--provider", "static", "--check", str(project), env=env)
    assert checked.returncode == 1, checked.stderr
    assert "would change" in checked.stderr
    assert "1 generated, 0 updated, 1 unchanged" in checked.stderr


@pytest.mark.parametrize("flags", [["--diff"], ["--check"], ["--yes", "--no-cache"], []])
def test_nothing_written_or_no_cache_records_nothing_new(tmp_path: Path, llm_doc: Run,
                                                          flags: list[str]) -> None:
    project = tmp_path / "p"
    project.mkdir()
    path = project / "m.py"
    path.write_text("# @llm-doc-start\ndef f(x):\n    return x\n# @llm-doc-end\n")
    cache = tmp_path / "cache"
    env = {"LLM_DOC_CACHE_DIR": str(cache)}
    # No flag: review, and stdin is not a terminal, so nothing is written.
    llm_doc("generate", "--provider", "static", *flags, str(project), env=env)
    (change,) = _run([path], StaticProvider(), Options())
    assert change.changed is ("--yes" not in flags)  # written only with --yes
    if (cache / RESULTS_FILE).exists():
        assert _rows(cache) == {}


def test_source_segments_are_ast_get_source_segments() -> None:
    # facts._segment splits the source once per file instead of once per call (the first
    # run's largest avoidable cost); it must give exactly what the standard library gives.
    source = ("x = 1\r\nif (é and\r  ñ(\n'ü', b)):\f\n    raise ValueError(\"ß\" \\\n + y)\n"
              "z = [a\r\n for a in 'x']")
    tree = ast.parse(source)
    exprs = [node for node in ast.walk(tree) if isinstance(node, ast.expr)]
    assert len(exprs) > 15
    for node in exprs:
        assert _segment(source, node) == ast.get_source_segment(source, node)
