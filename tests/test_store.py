"""The shared SQLite helper: a damaged cache file is replaced, never fatal."""

from __future__ import annotations

from pathlib import Path

from llm_doc_manager.store import open_sqlite

SCHEMA = "CREATE TABLE IF NOT EXISTS t (k TEXT PRIMARY KEY);"


def test_open_creates_then_reopens(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "cache.sqlite3"
    db = open_sqlite(path, SCHEMA)
    db.execute("INSERT INTO t VALUES ('a')")
    db.close()
    again = open_sqlite(path, SCHEMA)
    assert again.execute("SELECT k FROM t").fetchall() == [("a",)]
    assert again.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    again.close()


def test_damaged_file_is_recreated(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    path.write_bytes(b"this is not a database" * 200)
    db = open_sqlite(path, SCHEMA)
    assert db.execute("SELECT count(*) FROM t").fetchone() == (0,)
    db.close()
