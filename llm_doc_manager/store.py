"""Where the tool keeps its caches, and the one way it opens an SQLite file.

A cache file is data the tool reads back, so it is opened as untrusted input (see
docs/caches.md): its folder and file must belong to the user and be writable by no one else,
SQLite runs with its defensive settings, and a database whose schema is not exactly the one
the store creates (a trigger, a view, an extra table or index, another column) is removed and
created afresh before anything is written to it. A damaged file is rebuilt, at open or at any
later query; every store is bounded in rows and bytes.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import os
import sqlite3
import stat
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar, cast

from llm_doc_manager.config import Settings

#: Where a store says something when its owner gave no ``warn``: one line on stderr by
#: default (logging's last-resort handler prints the bare message).
_log = logging.getLogger("llm_doc_manager.cache")
_said: set[str] = set()

Warn = Callable[[str], None]


def say(message: str, warn: Warn | None) -> None:
    """Say a warning about a cache once per process (every store of a run shares a folder).

    Args:
        message: One line, without a "warning:" prefix.
        warn: Where it goes (None: stderr, through logging's last-resort handler).
    """
    if message in _said:
        return
    _said.add(message)
    if warn is not None:
        warn(f"warning: {message}")
    else:
        _log.warning("llm-doc: warning: %s", message)


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


class CacheRefused(OSError):
    """A cache folder or file that is not safe to use (another user's, or writable by others).

    An ``OSError``: every store already runs without its cache when the file cannot be
    opened. The message says what is wrong and is one line.
    """


def _unsafe(path: Path, info: os.stat_result, what: str) -> str | None:
    """Why a folder or file may not be trusted, or None."""
    getuid = getattr(os, "getuid", None)  # absent on Windows: the folder's ACLs decide there
    if getuid is not None and info.st_uid != getuid():
        return f"cache {what} {path} belongs to another user (uid {info.st_uid}): not used"
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return (f"cache {what} {path} is writable by other users (mode "
                f"{stat.S_IMODE(info.st_mode):o}): not used; `chmod go-w` it to use it")
    return None


def folder_problem(folder: Path) -> str | None:
    """Why a cache folder may not be used, or None; a missing folder is created ``0700``.

    Args:
        folder: The cache folder.

    Returns:
        A one-line reason (another user's folder, writable by others, not a folder), or
        None when the folder is the user's own.

    Raises:
        OSError: If the folder cannot be created or examined.
    """
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = folder.stat()
    if not stat.S_ISDIR(info.st_mode):
        return f"cache folder {folder} is not a folder: not used"
    return _unsafe(folder, info, "folder")


def _file_problem(path: Path) -> str | None:
    """Why an existing database file (or its WAL side file) may not be used, or None."""
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            info = candidate.lstat()
        except FileNotFoundError:
            continue
        if not stat.S_ISREG(info.st_mode):  # a link could point SQLite anywhere
            return f"cache file {candidate} is not a regular file: not used"
        problem = _unsafe(candidate, info, "file")
        if problem is not None:
            return problem
    return None


def stored_object(text: str, keys: frozenset[str]) -> dict[str, object] | None:
    """A JSON object read back from a store row, when it has exactly ``keys`` (else None).

    Rows come from cache files a repository may have written: text that is no JSON, is
    nested too deep, or has other keys is a miss, never an error. The values are the
    caller's to check.

    Args:
        text: The stored text.
        keys: The keys the object must have, no more, no fewer.

    Returns:
        The object, or None.
    """
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return data if type(data) is dict and set(data) == keys else None


def remove_database(path: Path) -> None:
    """Delete an SQLite database and its WAL side files, ignoring what is already gone."""
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(OSError):
            Path(f"{path}{suffix}").unlink()


_DAMAGE_CODES = (11, 26)  # SQLITE_CORRUPT, SQLITE_NOTADB (named in sqlite3 from 3.11 only)


def is_damage(exc: sqlite3.Error) -> bool:
    """Whether an error means the file is damaged or not a database (rebuild it).

    ``OperationalError`` (locked, busy, read-only, disk full) is a subclass of
    ``DatabaseError`` and means nothing about the file: such a database is left alone.
    """
    code = getattr(exc, "sqlite_errorcode", None)  # Python 3.11+
    if code is not None:
        return (code & 0xFF) in _DAMAGE_CODES
    return type(exc) is sqlite3.DatabaseError


class _SchemaMismatch(sqlite3.DatabaseError):
    """The file holds tables, indexes, triggers or views other than the store's."""


def _statements(schema: str) -> list[str]:
    # The stores' own schemas: no ';' inside a statement.
    return [f"{part.strip()};" for part in schema.split(";") if part.strip()]


def _schema_of(db: sqlite3.Connection) -> frozenset[tuple[object, ...]]:
    """The rows of ``sqlite_master`` (a set: in a forged file they need not even sort)."""
    rows = [tuple(row) for row in
            db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master")]
    found = frozenset(rows)
    if len(found) != len(rows):  # two identical rows: never written by SQLite itself
        raise _SchemaMismatch("duplicate schema rows")
    return found


@functools.cache
def _expected(schema: str) -> frozenset[tuple[object, ...]]:
    """What ``sqlite_master`` holds after the schema runs on an empty database."""
    db = sqlite3.connect(":memory:")
    try:
        for statement in _statements(schema):
            db.execute(statement)
        return _schema_of(db)
    finally:
        db.close()


def _harden(db: sqlite3.Connection) -> None:
    """SQLite's settings for a file that may have been written by someone else.

    ``trusted_schema=OFF``: no function with side effects runs from a schema (views,
    triggers, defaults, generated columns). From Python 3.12, also the defensive mode (no
    writable schema, no shadow table writes) and triggers and views switched off outright;
    on older Pythons the exact schema check of ``_connect`` is what refuses them.
    """
    setconfig = getattr(db, "setconfig", None)
    if setconfig is not None:
        for name, value in (("SQLITE_DBCONFIG_DEFENSIVE", True),
                            ("SQLITE_DBCONFIG_TRUSTED_SCHEMA", False),
                            ("SQLITE_DBCONFIG_ENABLE_TRIGGER", False),
                            ("SQLITE_DBCONFIG_ENABLE_VIEW", False)):
            option = getattr(sqlite3, name, None)
            if option is not None:
                setconfig(option, value)
    db.execute("PRAGMA trusted_schema=OFF")


def _connect(path: Path, schema: str) -> sqlite3.Connection:
    # Autocommit mode; writers take explicit IMMEDIATE transactions so that concurrent
    # processes (pre-commit runs hooks in parallel) queue on the lock instead of failing on
    # a read-to-write upgrade deadlock.
    db = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        _harden(db)
        expected = _expected(schema)
        # Read before anything is written: a trigger fires on the first INSERT.
        found = _schema_of(db)
        if found and found != expected:
            raise _SchemaMismatch(path)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        if not found:
            # Created in one transaction, so a process opening the file meanwhile sees no
            # table or all of them, never a part (which would not be exactly the schema).
            db.execute("BEGIN IMMEDIATE")
            try:
                found = _schema_of(db)
                if not found:
                    for statement in _statements(schema):
                        db.execute(statement)
                elif found != expected:
                    raise _SchemaMismatch(path)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
    except BaseException:
        db.close()
        raise
    return db


def open_sqlite(path: Path, schema: str,  # noqa: LD342 - raised by callees
                warn: Warn | None = None) -> sqlite3.Connection:
    """Open (creating if needed) a cache database in WAL mode, defensively.

    The folder is created ``0700``; a folder or file of another user, or writable by others,
    is refused. A database whose schema is not exactly ``schema`` is removed and created
    afresh (said once through ``warn``); one that is damaged or not a database is replaced
    silently. A cache is an optimisation, never a reason to fail.

    Args:
        path: The database file; its folder is created.
        schema: ``CREATE … IF NOT EXISTS`` statements separated by ``;``: the whole schema.
        warn: Where to say that a database was replaced (None: one line on stderr).

    Returns:
        An autocommit connection.

    Raises:
        CacheRefused: If the folder or the file is not safe to use.
        sqlite3.DatabaseError: If the file is locked, read-only or cannot be opened for a
            reason other than damage (left as it is).
        sqlite3.Error: If the database cannot be opened even after starting afresh.
        OSError: If the folder cannot be created.
    """
    problem = folder_problem(path.parent) or _file_problem(path)
    if problem is not None:
        raise CacheRefused(problem)
    try:
        return _connect(path, schema)
    except _SchemaMismatch:
        say(f"cache database {path} holds tables, triggers or views the tool did not "
             "create: removed and created afresh", warn)
    except sqlite3.DatabaseError as exc:
        if not is_damage(exc):
            raise
    remove_database(path)
    return _connect(path, schema)


_RESULTS_SCHEMA = """
CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, value TEXT NOT NULL,
                                    size INTEGER NOT NULL, used REAL NOT NULL);
CREATE INDEX IF NOT EXISTS results_used ON results (used, size);
"""

#: What a store holds: text (JSON, every store of the tool). Kept generic for its callers.
V = TypeVar("V", bound=str)

#: Byte cap of one result store (validate's, generate's, the call graph's).
DEFAULT_MAX_BYTES = 256 * 2**20
#: A value above this share of the cap is not stored: it would evict most of the store.
LARGEST_SHARE = 8
#: Evict down to this share of the caps so a full store does not evict on every write.
EVICT_TO = 0.9
# A hit older than this is marked used again; fresher hits are not written (a warm run
# that finds everything stays read-only).
_TOUCH_AFTER = 3600.0


@dataclass(frozen=True)
class StoreStats:
    """Size of one store, for ``llm-doc cache stats``.

    Attributes:
        path: The database file.
        entries: Rows stored.
        size: Bytes of keys and values stored.
        max_size: The cap in bytes.
    """

    path: Path
    entries: int
    size: int
    max_size: int


def evict_oldest(db: sqlite3.Connection, table: str, key: str, held: tuple[int, int],
                 caps: tuple[int | None, int]) -> int:
    """Drop a store's least recently used rows until both caps have room again.

    Eviction goes down to ``EVICT_TO`` of each cap, not just under it, so that the next
    writes do not evict again one row at a time.

    Args:
        db: The open database, inside the caller's transaction.
        table: The table (one of ours: a constant, never text from a file).
        key: Its key column.
        held: Rows and bytes the table holds now.
        caps: Most rows (None: no cap) and most bytes.

    Returns:
        The bytes the table holds afterwards.
    """
    count, size = held
    rows = None if caps[0] is None else int(caps[0] * EVICT_TO)
    target = int(caps[1] * EVICT_TO)
    doomed = []
    for row_key, row_size in db.execute(f"SELECT {key}, size FROM {table} ORDER BY used"):
        if (rows is None or count <= rows) and size <= target:
            break
        doomed.append((row_key,))
        count -= 1
        size -= row_size
    db.executemany(f"DELETE FROM {table} WHERE {key} = ?", doomed)
    return size


class ResultStore(Generic[V]):
    """Results per file content, so that unchanged files are not processed again.

    Keys are hashes of a file's bytes and of everything else the result depends on; values
    are JSON text, which their owner validates when it reads them. Off (every lookup misses)
    when the path is None or the database cannot be opened: a cache makes runs faster, never
    different. Bounded in rows and in bytes, least recently used first out; a damaged
    database found by any query is rebuilt once (that query misses).

    Args:
        path: The database file, or None for no cache.
        max_rows: Rows kept.
        max_bytes: Bytes of keys and values kept; a value above an eighth of it is not
            stored.
        warn: Where to say the store is not used or was replaced (None: one line on stderr).
    """

    def __init__(self, path: Path | None, max_rows: int = 200_000,
                 max_bytes: int = DEFAULT_MAX_BYTES, warn: Warn | None = None) -> None:
        self._db: sqlite3.Connection | None = None
        self._path = path
        self._max_rows = max_rows
        self._max_bytes = max_bytes
        self._warn = warn
        self._rebuilt = False
        if path is not None:
            try:
                self._db = open_sqlite(path, _RESULTS_SCHEMA, warn)
            except CacheRefused as exc:
                say(str(exc), warn)
            except (sqlite3.Error, OSError):
                pass  # unwritable or locked away: run without, as before

    @property
    def available(self) -> bool:
        """Whether the store is open (lookups can hit, writes are kept)."""
        return self._db is not None

    def _failed(self, exc: sqlite3.Error) -> None:
        """After a failed query: rebuild a damaged file once; otherwise keep going."""
        if self._db is None or not is_damage(exc):
            return
        with contextlib.suppress(sqlite3.Error):
            self._db.close()
        self._db = None
        if self._rebuilt or self._path is None:
            return
        self._rebuilt = True
        remove_database(self._path)
        with contextlib.suppress(sqlite3.Error, OSError):
            self._db = open_sqlite(self._path, _RESULTS_SCHEMA, self._warn)

    def get_many(self, keys: list[str]) -> dict[str, V]:
        """Return the stored values of those keys that are known.

        A value that is not UTF-8 text (garbled in the file) is a miss.
        """
        if self._db is None or not keys:
            return {}
        found: dict[str, V] = {}
        stale: list[str] = []
        before = time.time() - _TOUCH_AFTER
        try:
            for start in range(0, len(keys), 500):  # SQLite's bound on parameters
                chunk = keys[start:start + 500]
                marks = ",".join("?" * len(chunk))
                # As bytes: sqlite3 would raise for text that is not UTF-8, as a file with a
                # garbled page holds; such a value is a miss like any other bad value.
                for key, value, used in self._db.execute(
                        "SELECT key, CAST(value AS BLOB), used FROM results "
                        f"WHERE key IN ({marks})", chunk):
                    with contextlib.suppress(UnicodeDecodeError, AttributeError):
                        found[key] = cast(V, value.decode())
                        if used < before:
                            stale.append(key)
            if stale:
                self._touch(stale)
        except sqlite3.Error as exc:
            self._failed(exc)
            return {}
        return found

    def _touch(self, keys: list[str]) -> None:
        """Mark rows used now (least recently used goes first)."""
        assert self._db is not None
        now = time.time()
        self._db.execute("BEGIN IMMEDIATE")
        try:
            self._db.executemany("UPDATE results SET used = ? WHERE key = ?",
                                 [(now, key) for key in keys])
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    def put_many(self, rows: list[tuple[str, V]]) -> None:
        """Store (key, value) rows, then trim the table to its caps.

        A value larger than an eighth of the byte cap is not stored. When the write finds
        the file damaged, it is rebuilt and the rows written to the new one.
        """
        if self._db is None or not rows:
            return
        largest = self._max_bytes // LARGEST_SHARE
        now = time.time()
        kept = [(key, value, len(key) + len(value), now) for key, value in rows
                if len(key) + len(value) <= largest]
        for _ in range(2):
            db = self._db
            if db is None or not kept:
                return
            try:
                self._write(db, kept)
                return
            except sqlite3.Error as exc:
                self._failed(exc)

    def _write(self, db: sqlite3.Connection, rows: Sequence[tuple[str, str, int, float]]
               ) -> None:
        """Insert rows and evict, in one transaction."""
        db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany("INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?)", rows)
            # Summed over the (used, size) index, not the rows: a few bytes a row.
            count, size = db.execute(
                "SELECT count(*), coalesce(sum(size), 0) FROM results").fetchone()
            if count > self._max_rows or size > self._max_bytes:
                evict_oldest(db, "results", "rowid", (count, size),
                             (self._max_rows, self._max_bytes))
            db.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            raise

    def stats(self) -> StoreStats | None:
        """Rows and bytes stored, or None when the store is off."""
        if self._db is None or self._path is None:
            return None
        try:
            entries, size = self._db.execute(
                "SELECT count(*), coalesce(sum(size), 0) FROM results").fetchone()
        except sqlite3.Error as exc:
            self._failed(exc)
            return None
        return StoreStats(self._path, int(entries), int(size), self._max_bytes)

    def close(self) -> None:
        """Close the database."""
        if self._db is not None:
            self._db.close()
            self._db = None
