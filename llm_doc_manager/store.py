"""Where the tool keeps its caches, and the one way it opens an SQLite file."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import sqlite3
import time
from pathlib import Path
from typing import Generic, TypeVar

from llm_doc_manager.config import Settings


def cache_dir(settings: Settings) -> Path:
    """Return the cache folder of a run (shared by every cache of the tool)."""
    if settings.cache_dir is not None:
        return settings.cache_dir
    import platformdirs  # only when no folder is configured: keeps validate's start lean

    return Path(platformdirs.user_cache_dir("llm-doc", appauthor=False))


@functools.cache
def code_fingerprint() -> str:
    """A digest of the package's own files (name, size, modification time).

    Cached results are keyed by it, so results computed by other code of the tool (an
    upgrade, or an edited checkout) are never reused, even when the version did not change.
    A ``stat`` of some fifty files costs far less than the work a hit saves.
    """
    root = Path(__file__).parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".txt"):
            info = path.stat()
            digest.update(f"{path.relative_to(root)}:{info.st_size}:{info.st_mtime_ns};".encode())
    return digest.hexdigest()[:16]


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


_RESULTS_SCHEMA = ("CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, value TEXT NOT NULL, "
                   "used REAL NOT NULL);")


#: What a store holds: JSON text (validate, generate) or pickled bytes (call graph indexes).
V = TypeVar("V", str, bytes)


class ResultStore(Generic[V]):
    """Results per file content, so that unchanged files are not processed again.

    Keys are hashes of a file's bytes and of everything else the result depends on; values
    are JSON text or bytes (SQLite keeps a blob a blob whatever the column's type). Off
    (every lookup misses) when the path is None or the database cannot be opened: a cache
    makes runs faster, never different.

    Args:
        path: The database file, or None for no cache.
        max_rows: Rows kept; the least recently written go first.
    """

    def __init__(self, path: Path | None, max_rows: int = 200_000) -> None:
        self._db: sqlite3.Connection | None = None
        self._max_rows = max_rows
        if path is not None:
            with contextlib.suppress(sqlite3.Error, OSError):
                self._db = open_sqlite(path, _RESULTS_SCHEMA)

    @property
    def available(self) -> bool:
        """Whether the store is open (lookups can hit, writes are kept)."""
        return self._db is not None

    def get_many(self, keys: list[str]) -> dict[str, V]:
        """Return the stored values of those keys that are known."""
        if self._db is None or not keys:
            return {}
        found: dict[str, V] = {}
        try:
            for start in range(0, len(keys), 500):  # SQLite's bound on parameters
                chunk = keys[start:start + 500]
                marks = ",".join("?" * len(chunk))
                found.update(self._db.execute(
                    f"SELECT key, value FROM results WHERE key IN ({marks})", chunk))
        except sqlite3.Error:
            return {}
        return found

    def put_many(self, rows: list[tuple[str, V]]) -> None:
        """Store (key, value) rows, then trim the table to ``max_rows``."""
        if self._db is None or not rows:
            return
        now = time.time()
        try:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany("INSERT OR REPLACE INTO results VALUES (?, ?, ?)",
                                [(k, v, now) for k, v in rows])
            count = self._db.execute("SELECT count(*) FROM results").fetchone()[0]
            if count > self._max_rows:
                self._db.execute("DELETE FROM results WHERE key IN (SELECT key FROM results "
                                "ORDER BY used LIMIT ?)", (count - self._max_rows,))
            self._db.execute("COMMIT")
        except sqlite3.Error:
            with contextlib.suppress(sqlite3.Error):
                self._db.execute("ROLLBACK")

    def close(self) -> None:
        """Close the database."""
        if self._db is not None:
            self._db.close()
            self._db = None
