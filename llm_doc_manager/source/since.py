"""``--since REV``: which lines of which files changed since a git revision.

One ``git diff -U0`` per work tree gives the changed line ranges of the tracked files (the
working tree against REV, so staged and unstaged changes both count); ``git ls-files
--others`` adds the new files git does not track yet. Rename detection is off: a renamed or
moved file is a new file, all of it changed. The repository is treated as hostile: git
runs through ``source.gitrun`` (no pager, hooks, file-system monitor, external diff or
textconv), the filters its own configuration defines are switched off by name, REV is
resolved with ``rev-parse --verify --end-of-options`` (a REV starting with ``-`` is a
revision name or nothing, never an option) and only the commit id it names reaches
``diff``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from llm_doc_manager.errors import ConfigError
from llm_doc_manager.source.gitrun import run_git

#: Seconds one git command of ``--since`` may take.
SINCE_TIMEOUT = 120.0
#: Most characters of ``git diff`` output read (far past any real change of Python files).
DIFF_LIMIT = 256 * 1024 * 1024
# What git diff reads: Python files anywhere (``*`` matches ``/`` in a pathspec).
_PYTHON = ("*.py", "*.pyi")
_SHA = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
# ``@@ -a[,b] +c[,d] @@``: the new side's first line and count (count 1 when left out).
_HUNK = re.compile(r"@@ -[0-9]+(?:,[0-9]+)? \+([0-9]+)(?:,([0-9]+))? @@")
_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}


@dataclass(frozen=True)
class LineChanges:
    """What changed in one file since the revision, in the file's current line numbers.

    Attributes:
        lines: Lines added or modified.
        gaps: Where lines were removed: ``n`` means between line ``n`` and ``n + 1``.
        new: The whole file is new (untracked, added, or renamed since the revision).
    """

    lines: frozenset[int] = frozenset()
    gaps: frozenset[int] = frozenset()
    new: bool = False

    def touches(self, start: int, end: int) -> bool:
        """Whether a change falls in lines ``start``..``end``, or a removal at their edge.

        A removal just before ``start`` or just after ``end`` counts: git cannot say whether
        the removed lines were the definition's first or last ones (a decorator, the end of
        its body), and checking one definition too many is the safe side.
        """
        return self.new or any(start <= line <= end for line in self.lines) or any(
            start - 1 <= gap <= end for gap in self.gaps)


@dataclass
class Since:
    """The changes of the files under one or more work trees since a revision.

    Attributes:
        rev: The revision as given.
        files: Absolute file path -> its changes; a file not here did not change.
    """

    rev: str
    files: dict[Path, LineChanges] = field(default_factory=dict)

    def of(self, path: Path) -> LineChanges | None:
        """The changes of ``path`` (as named on the command line or found), or None."""
        return self.files.get(_absolute(path))


def _absolute(path: Path) -> Path:
    """``path`` absolute, its folders' links resolved (git names the link itself)."""
    absolute = path.absolute()
    return absolute.parent.resolve() / absolute.name


def changes_since(rev: str, paths: Sequence[Path]) -> Since:
    """Read what changed since ``rev`` in the work trees holding ``paths``.

    Args:
        rev: A git revision (a commit, a branch, ``HEAD~3``, ``origin/main``...).
        paths: The files and folders given on the command line.

    Returns:
        The changed files of those work trees (every tracked change and untracked file, not
        only those under ``paths``: the caller intersects).

    Raises:
        ConfigError: If git is missing, a path is not inside a git work tree, ``rev`` names
            no commit there, or git fails.
    """
    since = Since(rev)
    # One ``rev-parse`` per folder, not per file: pre-commit names every staged file.
    folders: dict[Path, Path] = {}
    for path in paths:
        folder = _absolute(path)
        folders.setdefault(folder if folder.is_dir() else folder.parent, path)
    roots = dict.fromkeys(_root(folder, path) for folder, path in folders.items())
    for root in roots:
        since.files.update(_changes(root, rev))
    return since


def _git(root: Path, *args: str, limit: int | None = None) -> tuple[int, str, str]:
    """Run git for ``--since``; git missing is a usage error."""
    try:
        done = run_git(root, args, SINCE_TIMEOUT, limit)
    except OSError as exc:
        raise ConfigError(f"--since needs git, which cannot be run: {exc.strerror}") from None
    return done.returncode, done.stdout, done.stderr


def _first_line(text: str) -> str:
    """The first non-empty line of git's error output, for a one-line message."""
    return next((line.strip() for line in text.splitlines() if line.strip()), "failed")


def _root(folder: Path, given: Path) -> Path:
    """The top folder of the work tree holding ``folder``."""
    code, out, _ = _git(folder, "rev-parse", "--show-toplevel")
    top = out.removesuffix("\n")
    if code != 0 or not top:
        raise ConfigError(f"--since: {given} is not inside a git work tree")
    return Path(top).resolve()


def _changes(root: Path, rev: str) -> dict[Path, LineChanges]:
    """The changed Python files of one work tree since ``rev``."""
    code, out, _ = _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options",
                        f"{rev}^{{commit}}")
    sha = out.strip()
    if code != 0 or not _SHA.fullmatch(sha):
        raise ConfigError(f"--since: {rev!r} is not a commit of the repository at {root}")
    found: dict[Path, LineChanges] = {}
    code, out, err = _git(root, *_no_filters(root), "diff", "-U0", "--no-color",
                          "--no-ext-diff", "--no-textconv", "--no-renames", "--no-relative",
                          "--inter-hunk-context=0",
                          "--src-prefix=a/", "--dst-prefix=b/", "--ignore-submodules", sha,
                          "--", *_PYTHON, limit=DIFF_LIMIT)
    if code != 0:
        raise ConfigError(f"--since {rev}: git diff failed in {root}: {_first_line(err)}")
    found.update({root / name: changes for name, changes in parse_diff(out).items()})
    code, out, err = _git(root, "ls-files", "-z", "--others", "--exclude-standard", "--",
                          *_PYTHON)
    if code != 0:
        raise ConfigError(f"--since {rev}: git ls-files failed in {root}: {_first_line(err)}")
    found.update((root / name, LineChanges(new=True)) for name in out.split("\0") if name)
    return found


def _no_filters(root: Path) -> list[str]:
    """``-c`` settings switching off every filter the repository's configuration defines.

    ``git diff`` against the working tree runs a file's ``clean`` filter (named by
    ``.gitattributes``, defined in ``.git/config``) to compare it: an empty command is no
    filter, so nothing the repository names is started.
    """
    code, out, _ = _git(root, "config", "-z", "--name-only", "--get-regexp",
                        r"^filter\..*\.(clean|smudge|process)$")
    settings: list[str] = []
    for name in sorted(set(out.split("\0")) if code == 0 else ()):
        if name:
            driver = name.rsplit(".", 1)[0]
            settings += ["-c", f"{driver}.clean=", "-c", f"{driver}.smudge=",
                         "-c", f"{driver}.process=", "-c", f"{driver}.required=false"]
    return settings


def parse_diff(text: str) -> dict[str, LineChanges]:
    """The changed lines per file of a ``git diff -U0`` (``a/``, ``b/`` prefixes).

    Args:
        text: The diff.

    Returns:
        The path of each file on the new side (relative to the top of the work tree) ->
        its changes; a file added since the revision is wholly new, a deleted one is left
        out.
    """
    found: dict[str, LineChanges] = {}
    name: str | None = None
    lines: set[int] = set()
    gaps: set[int] = set()
    new = False

    def close() -> None:
        if name is not None:
            found[name] = LineChanges(frozenset(lines), frozenset(gaps), new)

    for line in text.split("\n"):
        if line.startswith("diff --git "):
            close()
            name, new = None, False
            lines, gaps = set(), set()
        elif line.startswith("new file mode "):
            new = True
        elif line.startswith("+++ "):
            name = _unquote(line[4:])  # None for /dev/null: a deleted file
            name = name[2:] if name is not None and name.startswith("b/") else None
        elif line.startswith("@@ "):
            match = _HUNK.match(line)
            if match:
                first, count = int(match[1]), int(match[2] or "1")
                if count:
                    lines.update(range(first, first + count))
                else:  # removed only: the new side names the line before them
                    gaps.add(first)
    close()
    return found


def _unquote(text: str) -> str | None:
    """A path of a diff header: as it is, or C-quoted by git (``"b/caf\\303\\251.py"``)."""
    if text == "/dev/null":
        return None
    if not (text.startswith('"') and text.endswith('"') and len(text) >= 2):
        return text
    raw = bytearray()
    body = os.fsencode(text[1:-1])
    index = 0
    while index < len(body):
        byte = body[index]
        if byte == 92 and index + 1 < len(body):  # a backslash escape
            after = chr(body[index + 1])
            if after in "01234567":
                raw.append(int(body[index + 1:index + 4], 8))
                index += 4
                continue
            raw.append(_ESCAPES.get(after, body[index + 1]))
            index += 2
            continue
        raw.append(byte)
        index += 1
    return os.fsdecode(bytes(raw))
