"""Recent changes of each file of a git repository, renames followed, from one ``git log``.

``git log --follow`` follows one file at a time: one process per file. Reading the whole
log once with rename detection (``-M``, the same detection ``--follow`` uses) and walking
it from the newest commit down gives every file's commits in one process: a commit that
renames ``old`` to ``new`` makes the older commits of ``old`` part of ``new``'s history.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from llm_doc_manager.source.gitrun import SAFE_CONFIG as SAFE_CONFIG
from llm_doc_manager.source.gitrun import run_git

#: Seconds one git command of the report may take; past it the report has no history
#: (git is killed), instead of a run that never ends.
GIT_TIMEOUT = 600.0
# A log line's fields, separated by NUL: the one byte no commit subject, author name or
# path holds (git ends a message at a NUL; paths cannot hold one).
_FORMAT = "--format=%H%x00%as%x00%an%x00%s"
_SHA = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")  # SHA-1 or SHA-256 repositories
_DATE = re.compile(r"[0-9]{4,}-[0-9]{2}-[0-9]{2}")  # %as: the year may pass 9999
# --name-status letters; renames and copies carry a similarity score and two paths.
_STATUS = re.compile(r"\n?(?:[ADMTUXB]|[RC][0-9]{1,3})")


@dataclass(frozen=True)
class Commit:
    """One commit touching a file.

    Attributes:
        sha: The full commit id.
        date: The author date, ``YYYY-MM-DD``.
        author: The author's name.
        subject: The first line of the message.
    """

    sha: str
    date: str
    author: str
    subject: str


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # Filters, textconv and external diff drivers: ``log --name-status`` runs none of them
    # (and gets ``--no-textconv --no-ext-diff``), and a clone has none defined (origin.py).
    return run_git(root, args, GIT_TIMEOUT)


def repository_root(folder: Path) -> Path | None:
    """The top folder of the git work tree holding ``folder``, or None (or no git)."""
    try:
        found = _git(folder, "rev-parse", "--show-toplevel")
    except OSError:
        return None
    top = found.stdout.removesuffix("\n")  # one newline ends it; a name may hold others
    if found.returncode != 0 or not top.strip():
        return None
    return Path(top)


def head(root: Path) -> Commit | None:
    """The commit checked out in a repository (None before the first commit)."""
    found = _git(root, "log", "-1", "-z", "--no-show-signature", _FORMAT)
    if found.returncode != 0:
        return None
    fields = found.stdout.split("\0")
    return _commit(fields[:4]) if len(fields) == 5 and fields[4] == "" else None


def _commit(fields: Sequence[str]) -> Commit | None:
    """A commit from its ``%H %as %an %s`` fields, or None when they are not that."""
    sha, date, author, subject = fields
    if not _SHA.fullmatch(sha) or not _DATE.fullmatch(date):
        return None
    return Commit(sha, date, author, subject)


def histories(root: Path, paths: set[str], limit: int) -> dict[str, list[Commit]]:
    """The ``limit`` newest commits of each path, renames followed.

    Args:
        root: The repository's top folder.
        paths: Files as they are named now, relative to ``root`` with ``/``.
        limit: Most commits per file.

    Returns:
        Path -> its commits, newest first (paths without commits are left out; nothing
        when git's output is not what was asked for).
    """
    if limit <= 0 or not paths:
        return {}
    log = _git(root, "log", "-M", "--name-status", "-z", "--no-color", "--no-textconv",
               "--no-ext-diff", "--no-show-signature", "--encoding=UTF-8", _FORMAT)
    if log.returncode != 0:
        return {}
    changes = _parse(log.stdout.split("\0"))
    if changes is None:
        return {}
    # Every record names a commit of the log, in the log's order: the same walk, asked
    # for the ids alone, holds nothing a commit's author could write.
    shas = _git(root, "log", "-z", "--format=%H")
    if shas.returncode != 0 or [c.sha for c, _ in changes] != shas.stdout.split("\0")[:-1]:
        return {}
    # A shallow clone's oldest commits are grafted: git shows them adding every file, as it
    # cannot see their parents. What they changed is unknowable, so they give no row.
    cut = shallow_boundary(root)
    return _walk([(commit, [] if commit.sha in cut else found)
                  for commit, found in changes], paths, limit)


def shallow_boundary(root: Path) -> set[str]:
    """The commits a shallow clone's history stops at (their parents were not fetched).

    Args:
        root: The repository's top folder.

    Returns:
        Their ids; empty for a complete repository (or when git cannot say).
    """
    found = _git(root, "rev-parse", "--git-path", "shallow")
    if found.returncode != 0:
        return set()
    path = Path(found.stdout.removesuffix("\n"))
    try:
        text = (path if path.is_absolute() else root / path).read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError):  # no such file: not shallow
        return set()
    listed = {line for line in text.split() if _SHA.fullmatch(line)}
    if len(listed) > _ROOTS_CHECKED:
        return listed
    # A clone as deep as the history lists its root commit too, which has no parent to
    # miss: what it changed (it added its files) is known, so it is no boundary.
    return {sha for sha in listed if not _is_root(root, sha)}


#: Listed commits checked one by one for being a root (a clone grafts a few: one per line
#: of history it cut); past this many they are all taken as boundaries.
_ROOTS_CHECKED = 100


def _is_root(root: Path, sha: str) -> bool:
    """Whether a commit's own object names no parent (git's graft hides them from log)."""
    found = _git(root, "cat-file", "commit", sha)
    if found.returncode != 0:
        return False  # cannot tell: taken as a boundary
    header = found.stdout.partition("\n\n")[0]
    return not any(line.startswith("parent ") for line in header.split("\n"))


Change = tuple[str, str, str]  # status letter, path before, path after


def _parse(tokens: list[str]) -> list[tuple[Commit, list[Change]]] | None:
    """The NUL-separated log, each record checked: a commit's four fields (its id and
    date well-formed), then its changes (a known status letter, one path, or two for a
    rename or copy). None when anything does not fit."""
    records: list[tuple[Commit, list[Change]]] = []
    position = 0
    while position + 4 < len(tokens):
        commit = _commit(tokens[position:position + 4])
        if commit is None:
            return None
        position += 4
        changes: list[Change] = []
        while position < len(tokens) and _STATUS.fullmatch(tokens[position]):
            status = tokens[position].lstrip("\n")[0]
            count = 2 if status in "RC" else 1
            if position + count >= len(tokens):
                return None
            names = tokens[position + 1:position + 1 + count]
            changes.append((status, names[0], names[-1]))
            position += 1 + count
        records.append((commit, changes))
    # What is left is the empty string after the last NUL (or nothing for an empty log).
    return records if tokens[position:] in ([""], []) else None


def _walk(records: list[tuple[Commit, list[Change]]], paths: set[str], limit: int
          ) -> dict[str, list[Commit]]:
    """Each path's commits, newest first, following renames down the log."""
    found: dict[str, list[Commit]] = {}
    # What each path of the past is called now (a rename seen in a newer commit).
    now: dict[str, str] = {}
    for commit, changes in records:
        for status, old, new in changes:
            current = now.get(new, new)
            if status == "R":
                now[old] = current  # older commits of ``old`` belong to ``current``
            if current in paths:
                commits = found.setdefault(current, [])
                if len(commits) < limit and (not commits or commits[-1].sha != commit.sha):
                    commits.append(commit)
    return found
