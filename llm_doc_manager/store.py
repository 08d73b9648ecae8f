"""Where the tool keeps its caches, and the one way it opens an SQLite file."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from llm_doc_manager.config import Settings


def cache_dir(settings: Settings) -> Path:
    """Return the cache folder of a run (shared by every cache of the tool).

    Args:
        settings: The run's settings.

    Returns:
        ``cache-dir`` / ``LLM_DOC_CACHE_DIR``, else the platform's user cache folder (not
        created).
    """
    if settings.cache_dir is not None:
        return settings.cache_dir
    import platformdirs  # only when no folder is configured: keeps validate's start lean

    return Path(platformdirs.user_cache_dir("llm-doc", appauthor=False))


def remove_database(path: Path) -> None:
    """Delete an SQLite database and its WAL side files, ignoring what is already gone."""
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(OSError):
            Path(f"{path}{suffix}").unlink()


def _connect(path: Path, schema: str) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Autocommit mode; writers take explicit IMMEDIATE transactions so that concurrent
    # processes (pre-commit runs hooks in parallel) queue on the lock instead of failing on
    # a read-to-write upgrade deadlock.
    db = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.executescript(schema)
    except BaseException:
        db.close()
        raise
    return db


def open_sqlite(path: Path, schema: str) -> sqlite3.Connection:  # noqa: LD342 - raised by callees
    """Open (creating if needed) a cache database in WAL mode and make sure its tables exist.

    A cache is an optimisation, never a reason to fail: a file that is not a database or is
    damaged is removed and created afresh, once.

    Args:
        path: The database file; its folder is created.
        schema: ``CREATE TABLE IF NOT EXISTS …`` statements, run on every open.

    Returns:
        An autocommit connection.

    Raises:
        sqlite3.Error: If the database cannot be opened even after starting afresh.
        OSError: If the folder cannot be created.
    """
    try:
        return _connect(path, schema)
    except sqlite3.DatabaseError:
        remove_database(path)
        return _connect(path, schema)
