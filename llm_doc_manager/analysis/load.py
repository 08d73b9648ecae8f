"""Read, decode and parse one file; every way that can fail becomes a finding."""

from __future__ import annotations

import ast
import contextlib
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
