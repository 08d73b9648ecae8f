"""Byte-faithful source files: decode with encoding/BOM/newline kept, write atomically."""

from __future__ import annotations

import codecs
import errno
import hashlib
import io
import os
import re
import stat
import tempfile
import time
import tokenize
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from llm_doc_manager.errors import SourceDecodeError, StaleFileError, UnreadableSourceError


@dataclass(frozen=True)
class SourceFile:
    """A source file as read from disk, with what is needed to write it back identically.

    Attributes:
        path: Where the file lives.
        digest: SHA-256 of the exact bytes read: what the write checks the file still
            holds, and what result caches key on (the bytes themselves are not kept).
        text: The decoded text, newlines untouched, BOM removed.
        encoding: Codec used to decode (``utf-8-sig`` when a BOM is present).
        newline: The first line ending found (``"\\n"`` when none).
        mode: Permission bits to give the rewritten file.
    """

    path: Path
    digest: bytes
    text: str
    encoding: str
    newline: str
    mode: int

    def encode(self, text: str) -> bytes:
        """Encode new text the way the original was encoded (BOM included).

        Args:
            text: The new file content.

        Returns:
            The bytes to write.
        """
        return text.encode(self.encoding)


def detect_newline(text: str) -> str:
    """Return the first line ending used in ``text`` (``"\\n"`` if there is none).

    Args:
        text: Source text.

    Returns:
        ``"\\r\\n"``, ``"\\r"`` or ``"\\n"``.
    """
    match = re.search(r"\r\n|\r|\n", text)
    return match.group() if match else "\n"


def decode_source(raw: bytes) -> tuple[str, str]:
    """Decode source bytes following PEP 263 (coding cookie) and PEP 3120 (UTF-8, BOM).

    Args:
        raw: File content.

    Returns:
        The text and the codec name used.

    Raises:
        SourceDecodeError: If the cookie names an unknown codec or the bytes are invalid.
    """
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(raw).readline)
    except SyntaxError as exc:
        raise SourceDecodeError(str(exc), getattr(exc, "lineno", None) or 1) from exc
    try:
        codecs.lookup(encoding)
        return raw.decode(encoding), encoding
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SourceDecodeError(
            f"cannot decode byte {raw[exc.start]:#04x} as {encoding}", line
        ) from exc
    except LookupError as exc:
        raise SourceDecodeError(f"unknown encoding {encoding!r}", 1) from exc


def read_source(path: Path) -> SourceFile:  # noqa: LD342 - raised by a callee
    """Read a Python file from disk.

    Args:
        path: The file (read in binary: the bytes are kept for the write).

    Returns:
        The bytes, the decoded text and how to write it back identically.

    Raises:
        SourceDecodeError: If the bytes cannot be decoded.
    """
    raw, mode = _read_regular(path)
    text, encoding = decode_source(raw)
    return SourceFile(path, hashlib.sha256(raw).digest(), text, encoding, detect_newline(text),
                      mode)


def size_limit() -> int:
    """The largest file read, in bytes (``LLM_DOC_MAX_FILE_MB``, default 5 MB).

    Read from the environment so that worker processes see the same limit.
    """
    raw = os.environ.get("LLM_DOC_MAX_FILE_MB", "")
    try:
        megabytes = float(raw) if raw else 5.0
    except ValueError:
        megabytes = 5.0
    return int(max(megabytes, 0.001) * 1024 * 1024)


_KINDS = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISDIR, "a folder"))


def _read_regular(path: Path) -> tuple[bytes, int]:
    """Read a regular file's bytes and mode; refuse anything else without blocking.

    The file is opened non-blocking and checked on the open descriptor: a FIFO named
    ``x.py`` cannot hang the run, ``/dev/zero`` behind a link cannot fill the memory, and
    no swap between a check and the read can slip another kind of file in.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            kind = next((name for test, name in _KINDS if test(info.st_mode)), "not a file")
            raise UnreadableSourceError(f"not a regular file ({kind})")
        limit = size_limit()
        raw = handle.read(limit + 1)
        if len(raw) > limit:
            raise UnreadableSourceError(
                f"larger than the {limit / 1024 / 1024:g} MB limit (LLM_DOC_MAX_FILE_MB)",
                too_large=True)
    return raw, stat.S_IMODE(info.st_mode)


#: The temporary files of ``write_atomic``: ``.NAME.RANDOM.llm-doc`` beside the file.
TEMP_PREFIX, TEMP_SUFFIX = ".", ".llm-doc"


def remove_leftovers(paths: Iterable[Path], older_than: float = 60.0) -> list[Path]:
    """Remove temporary files a killed run left beside ``paths``; return what was removed.

    Only a run killed without warning (SIGKILL, power loss) leaves one: other signals are
    handled. A file younger than ``older_than`` seconds may be another run's write in
    progress, so it stays.

    Args:
        paths: Files about to be written.
        older_than: Minimum age in seconds.

    Returns:
        The removed files.
    """
    removed = []
    now = time.time()
    for path in paths:
        prefix = f"{TEMP_PREFIX}{path.name}."
        try:
            entries = list(os.scandir(path.parent))
        except OSError:
            continue
        for entry in entries:
            if not (entry.name.startswith(prefix) and entry.name.endswith(TEMP_SUFFIX)
                    and len(entry.name) > len(prefix) + len(TEMP_SUFFIX)):
                continue
            try:
                info = entry.stat(follow_symlinks=False)
                if stat.S_ISREG(info.st_mode) and now - info.st_mtime > older_than:
                    os.unlink(entry.path)
                    removed.append(Path(entry.path))
            except OSError:
                continue
    return removed


def write_atomic(source: SourceFile, new_text: str) -> None:  # noqa: LD342 - by a callee
    """Replace the file's content, refusing if it changed since it was read.

    The file keeps its identity: a symbolic link is written through to its target (the
    link stays a link), and the mode, owner and group stay. Normally a temporary file is
    written beside the target and moved over it with ``os.replace``, so a reader never sees
    a half-written file and a crash leaves the original intact. A file with other hard
    links, or whose owner this process cannot give a new file, is rewritten in place
    instead (as black always does): replacing it would cut the links or change the owner.

    Args:
        source: The file as it was read.
        new_text: The new content.

    Raises:
        StaleFileError: If the file on disk no longer holds the bytes that were read.
        OSError: ``EFBIG`` if the new bytes are over the size limit: what is written must
            read back (the file is left as it was).
    """
    data = source.encode(new_text)
    limit = size_limit()
    if len(data) > limit:
        raise OSError(errno.EFBIG, f"not written: the new text ({len(data) / 1024 / 1024:.3g} "
                      f"MB) would be larger than the {limit / 1024 / 1024:.3g} MB limit "
                      "(LLM_DOC_MAX_FILE_MB) that reading it back allows")
    target = Path(os.path.realpath(source.path))
    info = os.stat(target)
    if info.st_nlink > 1:
        _write_in_place(source, target, data)
        return
    fd, tmp_name = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{target.name}.", suffix=TEMP_SUFFIX,
                                    dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, stat.S_IMODE(info.st_mode))
        if not _same_owner(tmp_name, info):
            os.unlink(tmp_name)
            _write_in_place(source, target, data)
            return
        # Checked as late as possible: an editor saving meanwhile must win, not be overwritten.
        _check_unchanged(source, target)
        os.replace(tmp_name, target)
    except BaseException:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
        raise


def _same_owner(path: str, wanted: os.stat_result) -> bool:
    """Give ``path`` the owner and group of ``wanted``; False when that is not allowed."""
    info = os.stat(path)
    if (info.st_uid, info.st_gid) == (wanted.st_uid, wanted.st_gid):
        return True
    try:
        os.chown(path, wanted.st_uid, wanted.st_gid)
    except (OSError, AttributeError):  # not permitted, or no chown (Windows)
        return False
    return True


def _check_unchanged(source: SourceFile, target: Path) -> bytes:
    """The bytes on disk, if they are still those read; else StaleFileError."""
    current = target.read_bytes()
    if hashlib.sha256(current).digest() != source.digest:
        raise StaleFileError(f"{source.path} changed on disk since it was read; not written")
    return current


def _write_in_place(source: SourceFile, target: Path, data: bytes) -> None:
    """Overwrite ``target`` through its own inode; on a failed write, put the old bytes back."""
    original = _check_unchanged(source, target)
    with open(target, "r+b") as handle:
        try:
            handle.write(data)
            handle.truncate()
            handle.flush()
            os.fsync(handle.fileno())
        except OSError:
            handle.seek(0)
            handle.write(original)
            handle.truncate()
            raise
