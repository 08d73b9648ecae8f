"""Find the Python files to process: walk folders, honour .gitignore, skip venvs and hidden."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pathspec

_Spec = pathspec.PathSpec[Any]

DEFAULT_EXCLUDES = frozenset({
    "__pycache__", "__pypackages__", "_build", "buck-out", "build", "dist", "node_modules",
    "site-packages", "venv", "env",
})
SUFFIXES = (".py", ".pyi")


def _spec(lines: Iterable[str]) -> _Spec:
    """Compile gitignore lines; an invalid pattern (``!`` alone) matches nothing, as in git."""
    lines = list(lines)
    try:
        return pathspec.GitIgnoreSpec.from_lines(lines)
    except ValueError:  # pathspec's GitIgnorePatternError is a ValueError
        valid = []
        for line in lines:
            try:
                pathspec.GitIgnoreSpec.from_lines([line])
            except ValueError:
                continue
            valid.append(line)
        return pathspec.GitIgnoreSpec.from_lines(valid)


def _gitignore(folder: Path) -> _Spec | None:
    path = folder / ".gitignore"
    try:
        if not stat.S_ISREG(path.stat().st_mode):  # a FIFO would block the read
            return None
        return _spec(path.read_text(encoding="utf-8", errors="replace").splitlines())
    except (OSError, RuntimeError):
        return None


def _ancestor_ignores(folder: Path) -> list[tuple[Path, _Spec]]:
    """The .gitignore files above ``folder``, up to the repository root."""
    found: list[tuple[Path, _Spec]] = []
    for parent in folder.parents:
        spec = _gitignore(parent)
        if spec is not None:
            found.append((parent, spec))
        if (parent / ".git").exists():
            break
    return found


def _real(path: Path) -> Path:
    """The resolved path, or the absolute one when links loop (never an exception)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: "Symlink loop" on Python < 3.13
        return Path(os.path.abspath(path))


def _identity(path: Path) -> object:
    """What makes two paths the same file: device and inode, else the absolute path."""
    try:
        info = path.stat()
    except (OSError, RuntimeError):
        return os.path.abspath(path)
    return (info.st_dev, info.st_ino)


def _ignored(path: Path, is_dir: bool, specs: Sequence[tuple[Path, _Spec]]) -> bool:
    for base, spec in specs:
        try:
            rel = path.relative_to(base).as_posix()
        except ValueError:
            continue
        if spec.match_file(rel + "/" if is_dir else rel):
            return True
    return False


def is_excluded(path: Path, exclude: Sequence[str], root: Path) -> bool:
    """Whether ``exclude`` (relative to ``root``) matches ``path`` or one of its folders.

    Args:
        path: A file, which need not exist (``--stdin-filename``).
        exclude: Gitignore-style patterns.
        root: The folder the patterns are relative to.

    Returns:
        True if the path is excluded.
    """
    return bool(exclude) and _file_excluded(path, _spec(exclude), _real(root))


def _anchored(spec: _Spec | None, anchor: Path | None, base: Path
              ) -> list[tuple[Path, _Spec]]:
    """``spec`` relative to ``anchor`` when ``base`` is inside it, else relative to ``base``."""
    if spec is None:
        return []
    inside = anchor is not None and (base == anchor or anchor in base.parents)
    return [(anchor if inside and anchor is not None else base, spec)]


def _file_excluded(path: Path, spec: _Spec, anchor: Path | None) -> bool:
    """Whether ``spec`` matches a named file; the link itself is matched, not its target."""
    where = _real(Path(os.path.abspath(path)).parent) / path.name
    return _ignored(where, False, _anchored(spec, anchor, where.parent))


def iter_files(paths: Sequence[Path], exclude: Sequence[str] = (), *,
               force_exclude: bool = False, root: Path | None = None) -> list[Path]:
    """Return the Python files under ``paths``, sorted, without duplicates.

    Folders are walked, skipping hidden folders, virtual environments, build/cache
    folders, ``.gitignore``d paths and the ``exclude`` patterns. Files named explicitly are
    taken as they are, unless ``force_exclude`` applies ``exclude`` to them too (black's and
    ruff's rule, so a pre-commit hook that passes every staged file still skips them).

    Args:
        paths: Files (taken) and folders (walked).
        exclude: Extra patterns to skip (gitignore syntax).
        force_exclude: Apply ``exclude`` to the files named in ``paths`` as well.
        root: The folder ``exclude`` patterns are relative to (the project root: the folder
            of the pyproject.toml); paths outside it match relative to the folder given.

    Returns:
        The Python files, sorted, each once.

    Raises:
        FileNotFoundError: If a given path does not exist.
    """
    result: dict[Path, None] = {}
    seen: set[object] = set()
    excluded = _spec(exclude) if exclude else None
    anchor = _real(root) if root is not None else None

    def add(path: Path) -> None:
        # The same file reached by two paths (a link, ``a/../a.py``) is processed once.
        identity = _identity(path)
        if identity not in seen:
            seen.add(identity)
            result[path] = None

    for given in paths:
        if not os.path.lexists(given):
            raise FileNotFoundError(f"{given}: no such file or folder")
        if not given.is_dir():
            # A file, or a link that loops or dangles: reading it says what is wrong (LD005).
            # The link itself is matched, not its target: `exclude` names paths one sees.
            if not (force_exclude and excluded is not None
                    and _file_excluded(given, excluded, anchor)):
                add(given)
            continue
        top = _real(given)
        if force_exclude and _ignored(top, True, _anchored(excluded, anchor, top.parent)):
            continue
        # Specs are matched against resolved paths; one from a sibling folder never matches.
        specs = _ancestor_ignores(top) + _anchored(excluded, anchor, top)
        for folder, dirs, files in os.walk(given):
            here = Path(folder)
            spec = _gitignore(here)
            if spec is not None:
                specs.append((_real(here), spec))
            kept = []
            for name in sorted(dirs):
                sub = here / name
                if name.startswith(".") or name in DEFAULT_EXCLUDES or \
                        (sub / "pyvenv.cfg").exists() or _ignored(_real(sub), True, specs):
                    continue
                kept.append(name)
            dirs[:] = kept
            for name in sorted(files):
                path = here / name
                if name.endswith(SUFFIXES) and not name.startswith(".") and \
                        not _ignored(_real(path), False, specs):
                    add(path)
    return list(result)
