"""Find the Python files to process: walk folders, honour .gitignore, skip venvs and hidden.

The folder walked is the boundary: a symbolic link met in it whose target resolves outside
it is a finding (LD007), never read or written; links to folders are never followed.
Ignore patterns are matched in time linear in the path (globmatch); one that is not a
valid pattern for ``re`` (``[z-a]``) is a finding (LD008) and is not applied.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from llm_doc_manager import codes
from llm_doc_manager.codes import Finding
from llm_doc_manager.errors import ConfigError
from llm_doc_manager.source.globmatch import WALK_STEPS, Budget, IgnoreSpec

_Spec = IgnoreSpec

DEFAULT_EXCLUDES = frozenset({
    "__pycache__", "__pypackages__", "_build", "buck-out", "build", "dist", "node_modules",
    "site-packages", "venv", "env",
})
SUFFIXES = (".py", ".pyi")
#: What marks a project's folder: its configuration or its repository.
PROJECT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", ".git")


def nearest_project(folder: Path) -> Path | None:
    """The nearest folder up from ``folder`` (itself included) holding a project marker.

    Args:
        folder: An absolute folder.

    Returns:
        That folder, or None when no folder up holds one (a marker that is a link counts,
        never followed).
    """
    for candidate in (folder, *folder.parents):
        if any(os.path.lexists(candidate / marker) for marker in PROJECT_MARKERS):
            return candidate
    return None


def _compile(lines: Iterable[str], budget: Budget | None = None, source: str = ""
             ) -> tuple[_Spec, list[tuple[int, str]]]:
    """Compile gitignore lines; also return the lines refused as not valid.

    An invalid pattern (``!`` alone) matches nothing, as in git. A refused line is
    ``(line number, why)`` and is not applied. Patterns ``re`` could backtrack on for
    minutes are matched in linear time (globmatch), so none is refused for its cost.
    """
    return IgnoreSpec.from_lines(lines, budget=budget, source=source)


def _spec(lines: Iterable[str], strict: bool = True, budget: Budget | None = None,
          source: str = "") -> _Spec:
    """Compile ``exclude`` patterns; one not valid is a ConfigError if ``strict``."""
    spec, refused = _compile(lines, budget, source)
    if refused and strict:
        raise ConfigError(f"exclude {refused[0][1]}")
    return spec


def _gitignore(folder: Path, problems: list[Finding] | None = None,
               budget: Budget | None = None) -> _Spec | None:
    """The folder's .gitignore, if it is a regular file (a link is not followed, as in git)."""
    path = folder / ".gitignore"
    try:
        info = path.lstat()
        # A FIFO would block the read; a link may point anywhere (git 2.32+ ignores it too).
        if not stat.S_ISREG(info.st_mode):
            return None
        with path.open("rb") as handle:
            raw = handle.read(_SIZE_LIMIT + 1)
    except (OSError, RuntimeError):
        return None
    if len(raw) > _SIZE_LIMIT:
        if problems is not None:
            problems.append(Finding(path, 0, 0, codes.TOO_LARGE,
                                    "not read: larger than 1 MB; its patterns are not applied"))
        return None
    spec, refused = _compile(raw.decode("utf-8", errors="replace").splitlines(), budget,
                             str(path))
    if problems is not None:
        problems.extend(Finding(path, number, 0, codes.IGNORE_PATTERN, f"{why}; not applied")
                        for number, why in refused)
    return spec


#: The largest .gitignore read (git's own limit is 100 MB; one of 1 MB is already absurd).
_SIZE_LIMIT = 1024 * 1024


def _ancestor_ignores(folder: Path, budget: Budget | None = None
                     ) -> list[tuple[Path, _Spec]]:
    """The .gitignore files above ``folder``, up to the repository root (none past it)."""
    found: list[tuple[Path, _Spec]] = []
    if (folder / ".git").exists():  # the folder is the root: what is above is not its own
        return found
    for parent in folder.parents:
        spec = _gitignore(parent, budget=budget)
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
    # Not strict: one buffer from an editor is no place for the configuration error every
    # other run of the same configuration reports (exit 2); the invalid pattern is left out.
    return bool(exclude) and _file_excluded(path, _spec(exclude, strict=False), _real(root))


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
               force_exclude: bool = False, root: Path | None = None,
               problems: list[Finding] | None = None) -> list[Path]:
    """Return the Python files under ``paths``, sorted, without duplicates.

    Folders are walked, skipping hidden folders, virtual environments, build/cache
    folders, ``.gitignore``d paths and the ``exclude`` patterns. Files named explicitly are
    taken as they are, unless ``force_exclude`` applies ``exclude`` to them too (black's and
    ruff's rule, so a pre-commit hook that passes every staged file still skips them).

    A folder given is the boundary of its walk: a symbolic link found in it whose target
    resolves outside it is not taken (LD007; a link named explicitly is the user's choice
    and is taken), links to folders are never followed, and a ``.gitignore`` that is a link
    is not read (as in git). A ``.gitignore`` pattern that is not valid is not applied
    (LD008).

    Args:
        paths: Files (taken) and folders (walked).
        exclude: Extra patterns to skip (gitignore syntax).
        force_exclude: Apply ``exclude`` to the files named in ``paths`` as well.
        root: The folder ``exclude`` patterns are relative to (the project root: the folder
            of the pyproject.toml); paths outside it match relative to the folder given.
        problems: Where the findings of the walk go (links leaving it, ignore patterns not
            applied); None drops them (what they name is skipped all the same).

    Returns:
        The Python files, sorted, each once.

    Raises:
        FileNotFoundError: If a given path does not exist.
        ConfigError: If an ``exclude`` pattern is not valid (as LD008 says).
    """
    result: dict[Path, None] = {}
    seen: set[object] = set()
    # One budget for every costly pattern matched in this call (see globmatch.WALK_STEPS).
    budget = Budget()
    excluded = _spec(exclude, budget=budget, source=str(root or Path.cwd())) \
        if exclude else None
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
        specs = _ancestor_ignores(top, budget) + _anchored(excluded, anchor, top)
        for path in _walk(given, top, specs, problems, budget):
            add(path)
    if problems is not None:
        problems.extend(
            Finding(Path(source), number, 0, codes.IGNORE_PATTERN,
                    f"pattern {line.strip()[:80]!r} took more than the "
                    f"{WALK_STEPS:,} matching steps one walk allows; not applied from here "
                    "on (the files it would ignore are processed)")
            for source, number, line in budget.exhausted)
    return list(result)


def _walk(given: Path, top: Path, specs: list[tuple[Path, _Spec]],
          problems: list[Finding] | None, budget: Budget) -> Iterator[Path]:
    """The candidate files under ``given`` (resolved: ``top``), folders first to last.

    An explicit stack, not ``os.walk``: its recursion ends a tree nested a thousand
    folders deep with a RecursionError before Python 3.12. Every folder walked is a real
    folder (links to folders are not entered), so its resolved path is its parent's plus
    its name: no path is resolved again, which on a deep tree would be quadratic.
    """
    stack: list[tuple[Path, Path, list[tuple[Path, _Spec]]]] = [(given, top, specs)]
    while stack:
        here, real, inherited = stack.pop()
        spec = _gitignore(here, problems, budget)
        specs = [*inherited, (real, spec)] if spec is not None else inherited
        try:
            with os.scandir(here) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError:  # unreadable or gone: os.walk skipped it too
            continue
        folders = []
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            try:
                is_folder = entry.is_dir(follow_symlinks=False)
                is_link = entry.is_symlink()
            except OSError:
                continue
            if is_folder:
                sub = here / name
                if name not in DEFAULT_EXCLUDES and not (sub / "pyvenv.cfg").exists() \
                        and not _ignored(real / name, True, specs):
                    folders.append((sub, real / name, specs))
                continue
            if not name.endswith(SUFFIXES) or _ignored(real / name, False, specs):
                continue
            path = here / name
            if is_link and _is_folder(path):
                continue  # a link to a folder is never followed, whatever its name
            if is_link and not Path(os.path.realpath(path)).is_relative_to(top):
                if problems is not None:
                    problems.append(Finding(path, 0, 0, codes.OUTSIDE_TREE, _leaving(path)))
                continue
            yield path
        stack.extend(reversed(folders))


def _is_folder(path: Path) -> bool:
    try:
        return path.is_dir()
    except (OSError, RuntimeError):
        return False


def _leaving(link: Path) -> str:
    """The finding for a link leaving the tree: its own text, never its target's content."""
    try:
        text = repr(os.readlink(link))  # repr: no control character reaches a terminal
    except OSError:
        text = "a target"
    return f"symbolic link to {text} leaves the folder processed; not read or written"
