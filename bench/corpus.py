"""Build the stdlib corpus used by the round-trip test and the benchmarks."""

from __future__ import annotations

import ast
import contextlib
import shutil
import sysconfig
import time
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from llm_doc_manager.analysis import first_line
from llm_doc_manager.source.files import detect_newline
from llm_doc_manager.source.positions import split_lines

SKIP_PARTS = {"test", "tests", "idle_test", "site-packages", "__pycache__", "lib2to3"}


def stdlib_files() -> list[Path]:
    """Return the running Python's standard library modules, tests excluded.

    Returns:
        list[Path]: Sorted paths.
    """
    root = Path(sysconfig.get_paths()["stdlib"])
    return sorted(p for p in root.rglob("*.py")
                  if not SKIP_PARTS & set(p.relative_to(root).parts))


def copy_stdlib(target: Path) -> Path:
    """Copy ``stdlib_files()`` into ``target``, keeping their paths; return ``target``.

    A copy, because an installation often lives under a ``.gitignore``d folder (pyenv's
    ``versions/``), which discovery rightly skips, and because some benchmarks write.
    """
    root = Path(sysconfig.get_paths()["stdlib"])
    for path in stdlib_files():
        dest = target / path.relative_to(root)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dest)
    return target


#: The stdlib part the call-graph and call-context benchmarks share (about 40 files).
CALLS_CORPUS = ("json", "email", "http", "argparse.py")


def copy_modules(names: Iterable[str], target: Path, lib: Path | None = None) -> Path:
    """Copy some stdlib packages and modules into ``target`` (no caches, no tests).

    Args:
        names: Package folders or module files of the standard library.
        target: Where (created).
        lib: The standard library (default: the running Python's).

    Returns:
        ``target``.
    """
    lib = lib or Path(sysconfig.get_paths()["stdlib"])
    target.mkdir(parents=True, exist_ok=True)
    for name in names:
        source = lib / name
        if source.is_dir():
            shutil.copytree(source, target / name,
                            ignore=shutil.ignore_patterns("__pycache__", "test*"))
        else:
            shutil.copyfile(source, target / name)
    return target


def parse_floor(files: Iterable[Path]) -> float:
    """Seconds to read and ``ast.parse`` every file on one core: what ratios are against."""
    start = time.perf_counter()
    for path in files:
        with contextlib.suppress(SyntaxError, ValueError):
            ast.parse(path.read_bytes())
    return time.perf_counter() - start


def wrap_in_markers(text: str) -> str:
    """Surround every def and class with doc/class markers at its own indentation.

    Args:
        text (str): Source that parses.

    Returns:
        str: The marked source.
    """
    tree = ast.parse(text)
    lines = split_lines(text)
    newline = detect_newline(text)
    before: dict[int, list[str]] = defaultdict(list)
    after: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            start, end = first_line(node), node.end_lineno or node.lineno
            line = lines[start - 1]
            indent = line[: len(line) - len(line.lstrip(" \t\f"))]
            kind = "class" if isinstance(node, ast.ClassDef) else "doc"
            before[start].append(f"{indent}# @llm-{kind}-start{newline}")
            after[end].append((start, f"{indent}# @llm-{kind}-end{newline}"))
    out: list[str] = []
    for number, line in enumerate(lines, 1):
        out.extend(before.get(number, ()))
        if not line.endswith(("\n", "\r")) and number in after:
            line += newline
        out.append(line)
        # Inner definitions (which start later) close first.
        out.extend(marker for _start, marker in sorted(after.get(number, ()), reverse=True))
    return "".join(out)


def build_corpus(target: Path, limit: int | None = None, step: int = 1) -> list[Path]:
    """Copy stdlib modules into ``target`` with every def and class marked.

    Args:
        target (Path): Destination folder.
        limit (int | None): At most this many files.
        step (int): Take every ``step``-th file (to spread a small sample over the stdlib).

    Returns:
        list[Path]: The written files.
    """
    root = Path(sysconfig.get_paths()["stdlib"])
    written = []
    for path in stdlib_files()[::step][:limit]:
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
            marked = wrap_in_markers(text)
        except (UnicodeDecodeError, SyntaxError):
            continue
        dest = target / path.relative_to(root)
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(marked.encode("utf-8"))
        written.append(dest)
    return written
