"""Issue 22, the report (round 7): the history a URL clone asks for, overload stubs in the
metrics (each written as the attack)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from tests.conftest import Run


def _git(repo: Path, *args: str, day: int = 1) -> str:
    date = f"2026-01-{day:02d}T00:00:00Z"
    env = {**os.environ, "GIT_AUTHOR_NAME": "Ann", "GIT_AUTHOR_EMAIL": "a@x",
           "GIT_COMMITTER_NAME": "Ann", "GIT_COMMITTER_EMAIL": "a@x", "GIT_AUTHOR_DATE": date,
           "GIT_COMMITTER_DATE": date, "GIT_CONFIG_GLOBAL": "/dev/null",
           "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                          env=env, text=True).stdout


def _five_commits(tmp_path: Path) -> Path:
    """A repository whose ``a.py`` changes in each of 5 commits (b.py only in the first)."""
    origin = tmp_path / "origin"
    origin.mkdir()
    _git(origin, "init", "-q", "-b", "main")
    (origin / "a.py").write_text("A = 0\n")
    (origin / "b.py").write_text("B = 0\n")
    _git(origin, "add", ".")
    _git(origin, "commit", "-qm", "first: a and b", day=1)
    for n in range(1, 5):
        (origin / "a.py").write_text(f"A = {n}\n")
        _git(origin, "commit", "-qam", f"a number {n}", day=n + 1)
    return origin


def test_a_url_cloned_with_depth_n_shows_the_n_newest_commits(tmp_path: Path,
                                                               llm_doc: Run) -> None:
    # Attack: `--depth 2` cloned 2 commits, the older one a boundary commit whose change is
    # unknowable: a.py showed 1 commit of the 2 asked for.
    origin = _five_commits(tmp_path)
    result = llm_doc("report", f"file://{origin}", "--depth", "2", "--format", "json",
                     "--no-source")
    assert result.returncode == 0, result.stderr
    files = {f["path"]: f for f in json.loads(result.stdout)["files"]}
    assert [c["subject"] for c in files["a.py"]["history"]] == ["a number 4", "a number 3"]
    assert files["b.py"]["history"] == []  # its commit is past the depth: unknown
    markdown = llm_doc("report", f"file://{origin}", "--depth", "2", "--no-source").stdout
    assert "a number 2" not in markdown  # the extra commit fetched is the boundary
    assert ("| History | shallow clone (`--depth 2`): changes of the 2 newest commits of "
            "each line of history are shown, older ones are unknown (`--depth 0` fetches "
            "all) |") in markdown
    # --depth 5 holds the whole history: nothing is shallow, b.py's commit is known.
    whole = json.loads(llm_doc("report", f"file://{origin}", "--depth", "5", "--format",
                               "json", "--no-source").stdout)
    assert whole["shallow"] is False
    assert [len(f["history"]) for f in whole["files"]] == [5, 1]


def test_a_shallow_folder_says_what_is_unknown(tmp_path: Path, llm_doc: Run) -> None:
    # A folder cloned shallow by someone else: the depth asked is not known, the text says
    # what is.
    origin = _five_commits(tmp_path)
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "2", f"file://{origin}", str(clone)],
                   check=True, capture_output=True)
    markdown = llm_doc("report", str(clone), "--no-source").stdout
    assert "| History | shallow clone: what its oldest fetched commits changed is unknown" \
        in markdown


OVERLOADED = '''\
"""Conversions."""
import typing
from typing import overload


@overload
def conv(x: int) -> int: ...
@typing.overload
def conv(x: str) -> str: ...
def conv(x):
    """Convert."""
    return x
'''


def test_overload_stubs_are_not_documentable(tmp_path: Path, llm_doc: Run) -> None:
    # Attack: each stub counted as an undocumented definition: coverage 2 of 4 for a module
    # and a function that are both documented.
    root = tmp_path / "proj"
    root.mkdir()
    (root / "conv.py").write_text(OVERLOADED)
    result = llm_doc("report", str(root), "--format", "json", "--no-source")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["coverage"] == {"documented": 2, "documentable": 2}
    assert data["files"][0]["metrics"]["coverage"] == 1.0
    stats = llm_doc("validate", "--stats", str(root))
    assert "100.0 %" in stats.stdout, stats.stdout


def test_a_clone_as_deep_as_the_history_is_not_cut(tmp_path: Path, llm_doc: Run) -> None:
    # Attack: `git clone --depth 5` of a 5-commit history lists the root commit in its
    # `shallow` file although it has no parent: its change (adding a.py and b.py) is known,
    # but it gave no row and the document said "shallow clone".
    origin = _five_commits(tmp_path)
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "5", f"file://{origin}", str(clone)],
                   check=True, capture_output=True)
    assert (clone / ".git" / "shallow").read_text().strip()  # git does list it
    for source, extra in ((str(clone), ()), (f"file://{origin}", ("--depth", "4"))):
        data = json.loads(llm_doc("report", source, "--format", "json", "--no-source",
                                  *extra).stdout)
        assert data["shallow"] is False, source
        files = {f["path"]: f for f in data["files"]}
        assert [c["subject"] for c in files["b.py"]["history"]] == ["first: a and b"], source
        assert len(files["a.py"]["history"]) == 5, source
