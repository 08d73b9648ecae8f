"""Whole runs: worker processes give the serial result; clean files are not processed again."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from pathlib import Path

from llm_doc_manager.generate import FileChange, Options, run_files
from llm_doc_manager.generate.known import RESULTS_FILE
from llm_doc_manager.providers.static import StaticProvider
from llm_doc_manager.store import ResultStore
from tests.conftest import Run

GOLDEN = Path(__file__).parent / "golden"


def _inputs(folder: Path) -> list[Path]:
    """The golden inputs, copied: more files than it takes to start worker processes."""
    paths = []
    for case in sorted(p for p in GOLDEN.iterdir() if p.is_dir()):
        target = folder / f"{case.name}.py"
        shutil.copyfile(case / "input.py", target)
        paths.append(target)
    assert len(paths) >= 16
    return paths


def test_workers_give_the_serial_result(tmp_path: Path) -> None:
    paths = _inputs(tmp_path)
    options = Options(all_defs=True)
    serial = asyncio.run(run_files(paths, StaticProvider(), options, jobs=1))
    parallel = asyncio.run(run_files(paths, StaticProvider(), options, jobs=2))
    assert [type(r) for r in serial] == [type(r) for r in parallel]
    for one, other in zip(serial, parallel, strict=True):
        assert isinstance(one, FileChange)
        assert isinstance(other, FileChange)
        assert one.source.path == other.source.path
        assert one.new_text == other.new_text
        assert [(r.qualname, r.status) for r in one.regions] == \
            [(r.qualname, r.status) for r in other.regions]


def test_clean_files_are_known_by_content(tmp_path: Path) -> None:
    paths = _inputs(tmp_path)
    store_path = tmp_path / "known.sqlite3"
    options = Options(all_defs=True)

    def run(opts: Options = options) -> list[FileChange]:
        store: ResultStore[str] = ResultStore(store_path)
        try:
            results = asyncio.run(run_files(paths, StaticProvider(), opts, known=store))
        finally:
            store.close()
        assert all(isinstance(r, FileChange) for r in results)
        return [r for r in results if isinstance(r, FileChange)]

    for change in run():  # write what the first run wants
        if change.changed:
            change.source.path.write_text(change.new_text, encoding=change.source.encoding)
    clean = run()  # nothing to change now: every file is recorded as clean
    assert not any(c.changed for c in clean)
    def rows() -> int:
        db = sqlite3.connect(store_path)
        try:
            return int(db.execute("SELECT count(*) FROM results").fetchone()[0])
        finally:
            db.close()

    distinct = len(paths)  # one key per file: content and place
    assert rows() == distinct
    again = run()
    assert [len(c.regions) for c in again] == [len(c.regions) for c in clean]
    # Another width is another key: the files are processed (and recorded) again.
    run(Options(all_defs=True, width=30))
    assert rows() == 2 * distinct
    # An edited file is processed again.
    paths[0].write_text(paths[0].read_text() + "\n\ndef added(x):\n    return x\n")
    assert run()[0].changed


def test_check_after_check_is_answered_from_the_cache(tmp_path: Path, llm_doc: Run) -> None:
    _inputs(tmp_path)
    assert llm_doc("generate", "--all", "--provider", "static", "--yes", ".").returncode == 0
    first = llm_doc("generate", "--all", "--provider", "static", "--check", ".")
    assert first.returncode == 0, first.stderr
    cache = tmp_path.parent / f"{tmp_path.name}-cache" / RESULTS_FILE
    assert cache.exists()
    second = llm_doc("generate", "--all", "--provider", "static", "--check", ".")
    assert second.returncode == 0
    assert second.stderr.splitlines()[-1] == first.stderr.splitlines()[-1]
    no_cache = llm_doc("generate", "--all", "--provider", "static", "--check", "--no-cache",
                       ".")
    assert no_cache.stderr.splitlines()[-1] == first.stderr.splitlines()[-1]
