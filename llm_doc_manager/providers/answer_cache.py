"""Persistent answer cache: SQLite, size-capped with LRU eviction, shared by processes.

SQLite gives atomic writes and locking across processes (pre-commit runs hooks in parallel)
with nothing to install. The cache is an optimisation, never a reason to fail: a damaged
database (found at open or by any later query) is recreated once, an unwritable or unsafe
one (``store.open_sqlite``'s checks) is switched off with one warning. Entries hold
validated answers only — never keys, headers or anything secret — and are validated again by
the provider when read; beside them, under keys of their own, what runs learned of a server
(``ServerMemory``: checked JSON, nothing secret). One answer larger than an eighth of the
cap is not stored, so it cannot evict the whole cache.
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import json
import sqlite3
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from llm_doc_manager.source import syntax
from llm_doc_manager.store import (
    LARGEST_SHARE,
    CacheRefused,
    evict_oldest,
    is_damage,
    open_sqlite,
    remove_database,
    say,
)

FILE_NAME = "answers-v1.sqlite3"
DEFAULT_MAX_MB = 500
#: Keys of the notes kept beside the answers (what runs learned of a server): not answers,
#: so not counted as entries by ``stats``.
NOTE_PREFIX = "note:"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    size INTEGER NOT NULL,
    created REAL NOT NULL,
    used REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS entries_used ON entries (used);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""


def make_key(*parts: object) -> str:
    """Hash the parts of a cache key.

    Args:
        *parts: JSON-serialisable values (provider, model, prompt version, messages).

    Returns:
        A hex SHA-256 digest.
    """
    blob = json.dumps(parts, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def code_shape(code: str) -> str:
    """The code as its syntax tree, for a key that writing a docstring cannot change.

    Writing a docstring may lay a definition out anew (``def k(): \\`` and its body on the
    next line become a block), so the next run shows the model other text for the same
    code; the tree is the same. Code that does not parse alone stays as it is.

    Args:
        code: A region's code as a request shows it.

    Returns:
        The dump of its tree, or the code itself.
    """
    try:
        return ast.dump(syntax.parse(textwrap.dedent(code)))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return code


@dataclass(frozen=True)
class CacheStats:
    """What ``llm-doc cache stats`` shows.

    Attributes:
        path: The database file.
        entries: Stored answers (the notes beside them are not counted).
        size: Bytes of stored answers.
        max_size: The cap in bytes.
        hits: Lookups answered, over the cache's life.
        misses: Lookups not answered, over the cache's life.
    """

    path: Path
    entries: int
    size: int
    max_size: int
    hits: int
    misses: int


class AnswerCache:
    """Key-value store of model answers.

    Args:
        directory: Where the database lives (created when needed).
        max_mb: Size cap in megabytes.
        warn: Called once if the cache must be switched off.

    Attributes:
        path: The database file.
        max_size: Size cap in bytes.
        hits: Lookups answered in this process (added to the totals on close).
        misses: Lookups not answered in this process.
    """

    def __init__(self, directory: Path, max_mb: float = DEFAULT_MAX_MB,
                 warn: Callable[[str], None] | None = None) -> None:
        self.path = directory / FILE_NAME
        self.max_size = int(max_mb * 1024 * 1024)
        self._warn = warn
        self._db: sqlite3.Connection | None = None
        self._disabled = False
        self._rebuilt = False
        self.hits = 0
        self.misses = 0

    # -- connection ---------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection | None:
        if self._db is not None or self._disabled:
            return self._db
        try:
            self._db = open_sqlite(self.path, _SCHEMA, self._warn)
        except CacheRefused as exc:
            self._disabled = True
            say(str(exc), self._warn)
        except (sqlite3.Error, OSError) as exc:
            self._disable(f"cannot open the cache at {self.path}: {exc}")
        return self._db

    def _disable(self, message: str) -> None:
        self._disabled = True
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
        self._db = None
        if self._warn is not None:
            self._warn(f"warning: {message}; continuing without the cache")

    def _failed(self, exc: sqlite3.Error, what: str) -> None:
        """After a failed query: a damaged file is rebuilt once, anything else turns it off."""
        if not is_damage(exc) or self._rebuilt:
            self._disable(f"{what}: {exc}")
            return
        self._rebuilt = True  # the query that found the damage is a miss
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
        self._db = None
        remove_database(self.path)

    # -- operations ---------------------------------------------------------------------

    def _read(self, key: str, touch: bool) -> tuple[bool, str | None]:
        """The value under ``key`` (found, value); a value that is not text counts as absent."""
        db = self._connect()
        if db is None:
            return False, None
        try:
            # As bytes: text that is not UTF-8 (a garbled page) would make sqlite3 raise.
            row = db.execute("SELECT CAST(value AS BLOB) FROM entries WHERE key = ?",
                             (key,)).fetchone()
            if row is not None and touch:
                db.execute("UPDATE entries SET used = ? WHERE key = ?", (time.time(), key))
        except sqlite3.Error as exc:
            self._failed(exc, "cache read failed")
            return False, None
        if row is None:
            return False, None
        try:
            return True, bytes(row[0]).decode()
        except (UnicodeDecodeError, TypeError):
            return True, None

    def get(self, key: str) -> str | None:
        """Return the answer stored under ``key`` and mark it recently used."""
        found, value = self._read(key, touch=True)
        if found and value is None:
            self.delete(key)  # unreadable: it would be missed again on every run
        if value is None:
            self.misses += 1
            return None
        self.hits += 1
        return value

    def peek(self, key: str) -> str | None:
        """Return what is stored under ``key``, counting no hit or miss (a note, not an answer)."""
        return self._read(key, touch=False)[1]

    def has(self, key: str) -> bool:
        """Tell whether an answer is stored under ``key``, touching nothing (a dry run)."""
        db = self._connect()
        if db is None:
            return False
        try:
            return db.execute("SELECT 1 FROM entries WHERE key = ?", (key,)).fetchone() \
                is not None
        except sqlite3.Error as exc:
            self._failed(exc, "cache read failed")
            return False

    def put(self, key: str, value: str) -> None:
        """Store an answer, evicting the least recently used ones beyond the cap.

        An answer larger than an eighth of the cap is not stored.
        """
        size = len(value.encode("utf-8")) + len(key)
        if size > self.max_size // LARGEST_SHARE:
            return
        db = self._connect()
        if db is None:
            return
        now = time.time()
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                row = db.execute("SELECT size FROM entries WHERE key = ?", (key,)).fetchone()
                db.execute("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?, ?)",
                           (key, value, size, now, now))
                # A running total keeps writes O(1); the exact sum is only taken to evict.
                total = self._bump(db, "size", size - (row[0] if row else 0))
                if total > self.max_size:
                    self._evict(db)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            self._failed(exc, "cache write failed")

    @staticmethod
    def _bump(db: sqlite3.Connection, name: str, delta: int) -> int:
        db.execute("INSERT INTO counters VALUES (?, ?) ON CONFLICT(name) DO "
                   "UPDATE SET value = value + excluded.value", (name, delta))
        return int(db.execute("SELECT value FROM counters WHERE name = ?", (name,)).fetchone()[0])

    def _evict(self, db: sqlite3.Connection) -> None:
        total = int(db.execute("SELECT coalesce(sum(size), 0) FROM entries").fetchone()[0])
        left = evict_oldest(db, "entries", "key", (0, total), (None, self.max_size))
        db.execute("INSERT OR REPLACE INTO counters VALUES ('size', ?)", (left,))

    def delete(self, key: str) -> None:
        """Forget one entry (an answer that no longer validates)."""
        db = self._connect()
        if db is None:
            return
        try:
            db.execute("BEGIN IMMEDIATE")
            row = db.execute("SELECT size FROM entries WHERE key = ?", (key,)).fetchone()
            if row is not None:
                db.execute("DELETE FROM entries WHERE key = ?", (key,))
                self._bump(db, "size", -int(row[0]))
            db.execute("COMMIT")
        except sqlite3.Error as exc:
            self._failed(exc, "cache write failed")

    def stats(self) -> CacheStats:
        """Return the cache's statistics (this process's lookups included).

        Returns:
            Entries, size and lifetime hits/misses.
        """
        db = self._connect()
        entries = size = hits = misses = 0
        if db is not None:
            try:
                entries, size = db.execute(
                    "SELECT count(*), coalesce(sum(size), 0) FROM entries WHERE key NOT LIKE ?",
                    (NOTE_PREFIX + "%",)).fetchone()
                counters = dict(db.execute("SELECT name, value FROM counters").fetchall())
                hits, misses = counters.get("hits", 0), counters.get("misses", 0)
            except sqlite3.Error as exc:
                self._failed(exc, "cache read failed")
        return CacheStats(self.path, entries, size, self.max_size,
                          hits + self.hits, misses + self.misses)

    def clear(self) -> int:
        """Remove every entry and reset the counters.

        Returns:
            How many entries were removed.
        """
        db = self._connect()
        if db is None:
            return 0
        try:
            db.execute("BEGIN IMMEDIATE")
            removed = db.execute("DELETE FROM entries").rowcount
            db.execute("DELETE FROM counters")
            db.execute("COMMIT")
            db.execute("VACUUM")
        except sqlite3.Error as exc:
            self._disable(f"cache clear failed: {exc}")
            return 0
        self.hits = self.misses = 0
        return int(removed)

    def close(self) -> None:
        """Record this process's hits and misses and close the database."""
        db = self._db
        if db is None:
            return
        try:
            if self.hits or self.misses:
                db.execute("BEGIN IMMEDIATE")
                self._bump(db, "hits", self.hits)
                self._bump(db, "misses", self.misses)
                db.execute("COMMIT")
            self.hits = self.misses = 0
        except sqlite3.Error as exc:
            self._disable(f"cache write failed: {exc}")
        finally:
            if self._db is not None:
                self._db.close()
            self._db = None
