"""The shared SQLite helper: a damaged cache file is replaced, never fatal."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from llm_doc_manager.store import ResultStore, is_damage, open_sqlite

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


def test_an_older_schema_is_replaced_and_said_once(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE t (k TEXT PRIMARY KEY, extra)")
    db.close()
    said: list[str] = []
    again = open_sqlite(path, SCHEMA, said.append)
    again.close()
    assert said == [f"warning: cache database {path} holds tables, triggers or views the tool "
                    "did not create: removed and created afresh"]
    db = sqlite3.connect(path)
    assert db.execute("SELECT sql FROM sqlite_master").fetchall() == [
        ("CREATE TABLE t (k TEXT PRIMARY KEY)",), (None,)]
    db.close()


def test_a_locked_database_is_not_damage(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    open_sqlite(path, SCHEMA).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA journal_mode=DELETE")
    holder.execute("BEGIN EXCLUSIVE")
    waiter = sqlite3.connect(path, timeout=0)
    with pytest.raises(sqlite3.OperationalError) as locked:
        waiter.execute("SELECT count(*) FROM t").fetchone()
    assert not is_damage(locked.value)
    holder.execute("ROLLBACK")
    holder.close()
    waiter.close()
    assert path.exists()


def test_a_store_cannot_be_opened_in_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    store: ResultStore[str] = ResultStore(blocker / "sub" / "s.sqlite3")
    assert not store.available
    assert store.get_many(["k"]) == {}
    store.put_many([("k", "v")])
    assert store.stats() is None
