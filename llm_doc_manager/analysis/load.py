"""Read, decode and parse one file; every way that can fail becomes a finding."""

from __future__ import annotations

import ast
import contextlib
import dataclasses
import gc
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from llm_doc_manager import codes
from llm_doc_manager.codes import Finding
from llm_doc_manager.errors import SourceDecodeError, UnreadableSourceError
from llm_doc_manager.source import syntax
from llm_doc_manager.source.files import SourceFile, read_source


@dataclass(frozen=True)
class LoadedFile:
    """A file that was read and parsed.

    Attributes:
        source: The file as read (bytes, text, encoding, newline style).
        tree: Its syntax tree.
    """

    source: SourceFile
    tree: ast.Module


def read_file(path: Path) -> SourceFile | Finding:
    """Read and decode a file (LD002 undecodable, LD005 unreadable)."""
    try:
        return read_source(path)
    except SourceDecodeError as exc:
        return Finding(path, exc.line, 0, codes.DECODE_ERROR, str(exc))
    except UnreadableSourceError as exc:
        return Finding(path, 0, 0, codes.TOO_LARGE if exc.too_large else codes.IO_ERROR,
                       f"cannot read: {exc}")
    except OSError as exc:
        return Finding(path, 0, 0, codes.IO_ERROR, f"cannot read: {exc.strerror or exc}")


def parse_source(path: Path, text: str) -> ast.Module | Finding:
    """Parse decoded text (LD001 when it is not Python this interpreter can parse)."""
    try:
        return syntax.parse(text, filename=str(path))
    except SyntaxError as exc:
        return Finding(path, exc.lineno or 0, exc.offset or 0, codes.SYNTAX_ERROR,
                       f"cannot parse: {exc.msg}")
    # Null bytes (ValueError) and pathologically deep nesting (RecursionError, MemoryError)
    # are refusals of the parser too, not crashes of ours.
    except (ValueError, RecursionError, MemoryError) as exc:
        return Finding(path, 0, 0, codes.SYNTAX_ERROR, f"cannot parse: {exc}")


def load_file(path: Path) -> LoadedFile | Finding:
    """Read, decode and parse a file.

    Args:
        path: The file.

    Returns:
        The file and its tree, or the one finding that says why it cannot be used.
    """
    source = read_file(path)
    if isinstance(source, Finding):
        return source
    tree = parse_source(path, source.text)
    if isinstance(tree, Finding):
        return tree
    return LoadedFile(source, tree)


# Files a worker process read and parsed while learning, kept for planning them: the text
# and its tree, by absolute path, and how many bytes of text that is (``keep``).
_kept: dict[Path, LoadedFile] = {}
_kept_size = [0]


def keep(path: Path, loaded: LoadedFile, budget: int) -> bool:
    """Keep a file's text and tree for ``take_kept``, within ``budget`` bytes of text in all.

    Args:
        path: The file (absolute).
        loaded: What was read and parsed.
        budget: Most characters of text kept by this process.

    Returns:
        Whether it was kept.
    """
    size = len(loaded.source.text)
    if path in _kept or _kept_size[0] + size > budget:
        return False
    _kept[path] = loaded
    _kept_size[0] += size
    return True


def take_kept(path: Path) -> LoadedFile | None:
    """What ``keep`` kept of a file, given once (then let go), or None.

    The text is what was read then: writing checks that the file still holds those bytes,
    as it checks any read.
    """
    loaded = _kept.pop(path.absolute(), None)
    if loaded is None:
        return None
    _kept_size[0] -= len(loaded.source.text)
    # Named as the caller names it (messages show paths as given), not as learning did.
    return LoadedFile(dataclasses.replace(loaded.source, path=path), loaded.tree)


def drop_kept() -> None:
    """Let go of everything ``keep`` kept (a run's end: what it kept was read for it)."""
    _kept.clear()
    _kept_size[0] = 0


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Keep the cyclic garbage collector from re-scanning what a run holds.

    A run builds millions of AST nodes that live until their file is built, and makes
    almost no reference cycles. With CPython's default threshold (a young collection every
    700 allocations) the collector spends a third of an offline run walking those trees;
    freezing what is already alive (the imported modules) and collecting less often keeps
    cycles collectable while cutting that to a few per cent.
    """
    old = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*old)
        gc.unfreeze()
