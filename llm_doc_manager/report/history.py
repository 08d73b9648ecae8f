"""Recent changes of each file of a git repository, renames followed, from one ``git log``.

``git log --follow`` follows one file at a time: one process per file. Reading the whole
log once with rename detection (``-M``, the same detection ``--follow`` uses) and walking
it from the newest commit down gives every file's commits in one process: a commit that
renames ``old`` to ``new`` makes the older commits of ``old`` part of ``new``'s history.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

# Field and record separators no commit subject, name or path contains.
_FIELD, _RECORD = "\x1f", "\x1e"


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
    # No pager, no prompts, no user or system configuration that could change the output
    # (a pager, colours, a diff driver): the report must be the same wherever it runs.
    env = {"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null",
           "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C",
           "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    return subprocess.run(["git", "-C", str(root), "--no-pager", *args], capture_output=True,
                          text=True, encoding="utf-8", errors="replace", env=env, check=False)


def repository_root(folder: Path) -> Path | None:
    """The top folder of the git work tree holding ``folder``, or None (or no git)."""
    try:
        found = _git(folder, "rev-parse", "--show-toplevel")
    except OSError:
        return None
    if found.returncode != 0 or not found.stdout.strip():
        return None
    return Path(found.stdout.strip())


def head(root: Path) -> Commit | None:
    """The commit checked out in a repository (None before the first commit)."""
    found = _git(root, "log", "-1", f"--format=%H{_FIELD}%as{_FIELD}%an{_FIELD}%s")
    if found.returncode != 0 or not found.stdout.strip():
        return None
    return _commit(found.stdout.rstrip("\n"))


def _commit(header: str) -> Commit:
    """A commit from its ``%H %as %an %s`` fields."""
    sha, date, author, subject = [*header.split(_FIELD), "", "", ""][:4]
    return Commit(sha, date, author, subject)


def histories(root: Path, paths: set[str], limit: int) -> dict[str, list[Commit]]:
    """The ``limit`` newest commits of each path, renames followed.

    Args:
        root: The repository's top folder.
        paths: Files as they are named now, relative to ``root`` with ``/``.
        limit: Most commits per file.

    Returns:
        Path -> its commits, newest first (paths without commits are left out).
    """
    found: dict[str, list[Commit]] = {}
    if limit <= 0 or not paths:
        return found
    log = _git(root, "log", "-M", "--name-status", "-z", "--no-color",
               f"--format={_RECORD}%H{_FIELD}%as{_FIELD}%an{_FIELD}%s")
    if log.returncode != 0:
        return found
    # What each path of the past is called now (a rename seen in a newer commit).
    now: dict[str, str] = {}
    for record in log.stdout.split(_RECORD)[1:]:
        header, _, changes = record.partition("\0")
        commit = _commit(header)
        tokens = [t for t in changes.lstrip("\n").split("\0") if t]
        position = 0
        while position < len(tokens):
            status = tokens[position]
            if status[:1] in ("R", "C") and position + 2 < len(tokens):
                old, new = tokens[position + 1], tokens[position + 2]
                position += 3
                current = now.get(new, new)
                if status[0] == "R":
                    now[old] = current  # older commits of ``old`` belong to ``current``
            else:
                current = now.get(tokens[position + 1], tokens[position + 1]) \
                    if position + 1 < len(tokens) else ""
                position += 2
            if current in paths:
                commits = found.setdefault(current, [])
                if len(commits) < limit and (not commits or commits[-1].sha != commit.sha):
                    commits.append(commit)
    return found
