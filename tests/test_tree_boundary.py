"""The tree is the boundary, and ignore matching is bounded (issue 19), each test the attack.

Repositories are built with the real ``git``, links are real symbolic links, and every
command runs as the user would run it (``python -m llm_doc_manager``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from llm_doc_manager import codes
from llm_doc_manager.source.discovery import iter_files
from tests.conftest import Run

MARKED = "# @llm-doc-start\ndef add(a: int, b: int) -> int:\n    return a + b\n# @llm-doc-end\n"
SECRET = "API_TOKEN = 'hunter2-do-not-leak'\n"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX links and FIFOs")


def _git(repo: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Ann", "GIT_AUTHOR_EMAIL": "a@x",
           "GIT_COMMITTER_NAME": "Ann", "GIT_COMMITTER_EMAIL": "a@x",
           "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, env=env)


def _hostile_repo(tmp_path: Path) -> Path:
    """A repository whose committed links point at a secret beside it and at the cwd's .env."""
    (tmp_path / "secret.py").write_text(SECRET)
    repo = tmp_path / "repo"
    (repo / "pkg").mkdir(parents=True)
    (repo / "pkg" / "good.py").write_text('"""Good."""\n\n\ndef ok():\n    return 1\n')
    (repo / "pkg" / "leak.py").symlink_to("../../secret.py")
    (repo / "abs.py").symlink_to(tmp_path / "secret.py")
    (repo / "x.py").symlink_to("/proc/self/cwd/.env")
    (repo / "pyproject.toml").symlink_to(tmp_path / "user.toml")
    (tmp_path / "user.toml").write_text('[project.scripts]\nhunter2-script = "private:main"\n')
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "links")
    return repo


@pytest.mark.timeout(120)
@pytest.mark.parametrize("how", ["folder", "url"])
def test_a_report_never_shows_what_a_link_leaving_the_tree_points_at(
        tmp_path: Path, llm_doc: Run, how: str) -> None:
    repo = _hostile_repo(tmp_path)
    cwd = tmp_path / "work"  # where the user runs the command: its .env is theirs
    cwd.mkdir()
    (cwd / ".env").write_text("DATABASE_PASSWORD = 'hunter2-env'\n")
    out = tmp_path / "report.md"
    source = str(repo) if how == "folder" else f"file://{repo}"
    result = llm_doc("report", source, "-o", str(out), "--history", "0", cwd=cwd)
    assert result.returncode == 0, result.stderr  # skipped files are listed, as a FIFO is
    document = out.read_text()
    assert "hunter2" not in document + result.stdout + result.stderr
    assert "## `pkg/good.py`" in document
    assert "pkg/leak.py: skipped: symbolic link to '../../secret.py' leaves the folder" in \
        result.stderr
    # The link's own text is shown; the target's content never is.
    assert "x.py: skipped: symbolic link to '/proc/self/cwd/.env' leaves the folder" in \
        result.stderr
    data = llm_doc("report", source, "--format", "json", "--history", "0", cwd=cwd).stdout
    assert "hunter2" not in data
    assert json.loads(data)["entry_points"] == []


@pytest.mark.parametrize("command", [["generate", "--yes", "--all", "--provider", "static"],
                                     ["validate", "--all", "--fix", "--yes"]])
def test_a_write_never_goes_through_a_link_leaving_the_tree(
        tmp_path: Path, llm_doc: Run, command: list[str]) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    victim = outside / "victim.py"
    victim.write_text("def add(a, b):\n    return a + b\n")
    before = victim.read_bytes()
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "link.py").symlink_to("../outside/victim.py")
    (tree / "inside.py").write_text("def sub(a, b):\n    return a - b\n")
    (tree / "same.py").symlink_to("inside.py")  # a link that stays in: written through
    result = llm_doc(*command, "tree")
    assert result.returncode == 1, result.stderr
    assert victim.read_bytes() == before
    out = result.stdout + result.stderr
    assert ("tree/link.py:0:0: LD007 symbolic link to '../outside/victim.py' leaves the "
            "folder processed; not read or written") in out
    assert "Traceback" not in out
    assert (tree / "same.py").is_symlink()
    if command[0] == "generate":  # --fix only syncs docstrings that exist
        assert '"""' in (tree / "inside.py").read_text()


@pytest.mark.timeout(60)
def test_folder_links_to_the_root_or_a_parent_and_a_fifo_outside_are_left_alone(
        tmp_path: Path, llm_doc: Run) -> None:
    tree = tmp_path / "tree"
    (tree / "sub").mkdir(parents=True)
    (tree / "sub" / "m.py").write_text(MARKED)
    (tree / "root").symlink_to("/")
    (tree / "sub" / "up").symlink_to("..")
    (tree / "sub" / "top").symlink_to(tmp_path)
    os.mkfifo(tmp_path / "fifo")
    (tree / "fifo.py").symlink_to(tmp_path / "fifo")
    result = llm_doc("validate", "--all", "tree")
    assert result.returncode == 1, result.stderr
    assert "tree/fifo.py:0:0: LD007 symbolic link to" in result.stdout
    assert {line.split(":")[0] for line in result.stdout.splitlines() if line} == {
        "tree/fifo.py", "tree/sub/m.py"}
    found = iter_files([tree])
    assert found == [tree / "sub" / "m.py"]


def test_a_link_named_on_the_command_line_is_the_users_choice(tmp_path: Path) -> None:
    (tmp_path / "outside.py").write_text(MARKED)
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "link.py").symlink_to("../outside.py")
    problems: list[codes.Finding] = []
    assert iter_files([tree / "link.py"], problems=problems) == [tree / "link.py"]
    assert iter_files([tree], problems=problems) == []
    assert [(p.path, p.code) for p in problems] == [(tree / "link.py", codes.OUTSIDE_TREE)]


def test_a_gitignore_that_is_a_link_is_not_followed(tmp_path: Path) -> None:
    # git (2.32+) does not follow a .gitignore link either; its target is outside anyway.
    (tmp_path / "elsewhere").write_text("*.py\n")
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / ".gitignore").symlink_to("../elsewhere")
    (tree / "a.py").write_text("x = 1\n")
    assert iter_files([tree]) == [tree / "a.py"]


def test_a_gitignore_above_the_repository_is_not_applied(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("*.py\n")
    repo = tmp_path / "clone"
    repo.mkdir()
    _git(repo, "init", "-q")
    (repo / "a.py").write_text("x = 1\n")
    assert iter_files([repo]) == [repo / "a.py"]


@pytest.mark.timeout(120)
def test_a_tree_nested_deeper_than_the_recursion_limit_is_walked(llm_doc: Run) -> None:
    # Not under pytest's tmp_path: its clean-up (shutil.rmtree, recursive before Python
    # 3.12) would fail on this tree in whichever later pytest run removes old folders.
    folder = Path(tempfile.mkdtemp(prefix="llm-doc-deep-"))
    here = os.getcwd()
    try:
        (folder / "top.py").write_text("y = 2\n")
        os.chdir(folder)  # relative steps: the absolute path soon passes PATH_MAX
        for _ in range(1200):
            os.mkdir("a")
            os.chdir("a")
        Path("x.py").write_text("x = 1\n")
        os.chdir(here)
        result = llm_doc("validate", str(folder))
    finally:
        os.chdir(here)
        _remove_deep(folder)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert "internal error" not in result.stderr


def _remove_deep(folder: Path) -> None:
    """Remove a folder of any depth, one level at a time from the bottom (cwd restored)."""
    here = os.getcwd()
    names: list[str] = []
    try:
        os.chdir(folder)
        while True:  # down through the one sub-folder each level has
            subs = [e.name for e in os.scandir(".") if e.is_dir(follow_symlinks=False)]
            if not subs:
                break
            names.append(subs[0])
            os.chdir(subs[0])
        while True:
            for entry in os.scandir("."):
                if not entry.is_dir(follow_symlinks=False):
                    os.unlink(entry.name)
            if not names:
                break
            os.chdir("..")
            os.rmdir(names.pop())
    finally:
        os.chdir(here)
    os.rmdir(folder)


# The attack: one .gitignore line whose regular expression backtracks exponentially on a
# deep path under pathspec's ``re`` (10 '**' take minutes per path where 8 take 30 ms). It
# is matched in linear time instead, so it applies like any other line.
ATTACK = "a/**/" * 12 + "b"


@pytest.mark.timeout(120)  # a backstop: the run takes seconds
@pytest.mark.parametrize("command", ["validate", "generate"])
def test_a_gitignore_line_cannot_hang_the_run(tmp_path: Path, llm_doc: Run,
                                              command: str) -> None:
    (tmp_path / ".gitignore").write_text("# fine\n*.pyc\n" + ATTACK + "\n")
    deep = tmp_path.joinpath(*["a"] * 40)
    (deep / "b").mkdir(parents=True)
    (deep / "m.py").write_text(MARKED)
    (deep / "b" / "gone.py").write_text(MARKED)  # a/ (12 times or more) then b: ignored
    args = ["--all"] if command == "validate" else ["--check", "--provider", "static"]
    result = llm_doc(command, *args, ".")
    assert result.returncode == 1, result.stderr
    out = result.stdout + result.stderr
    assert "m.py" in out.replace(".gitignore", "")  # the file was processed
    assert "gone.py" not in out
    assert "LD008" not in out


@pytest.mark.parametrize(("pattern", "name"), [
    (ATTACK, "a/" * 12 + "b/m.py"), ("*a*a*a*b", "aaab/m.py"),
    ("**/a/**/a/**/b", "q/a/r/a/b/m.py"), ("a/**/a/**/b", "a/a/s/b/m.py"),
    ("**/x/**/*.py", "q/x/y/m.py"), ("*-*-*.log", "d/1-2-3.log/m.py"),
])
def test_patterns_that_could_backtrack_apply(tmp_path: Path, pattern: str, name: str) -> None:
    (tmp_path / ".gitignore").write_text(f"{pattern}\n")
    (tmp_path / "a.py").write_text("")
    (tmp_path / name).parent.mkdir(parents=True)
    (tmp_path / name).write_text("")
    problems: list[codes.Finding] = []
    assert iter_files([tmp_path], problems=problems) == [tmp_path / "a.py"]
    assert problems == []


def test_a_gitignore_line_re_cannot_compile_is_reported_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("*.pyc\n[z-a]x\n")
    (tmp_path / "a.py").write_text("")
    problems: list[codes.Finding] = []
    assert iter_files([tmp_path], problems=problems) == [tmp_path / "a.py"]
    assert [(p.path.name, p.line, p.code) for p in problems] == [
        (".gitignore", 2, codes.IGNORE_PATTERN)]
    assert problems[0].message == ("pattern '[z-a]x' is not valid: bad character range z-a "
                                   "at position 10; not applied")


def test_an_exclude_pattern_that_could_backtrack_applies(tmp_path: Path,
                                                         llm_doc: Run) -> None:
    (tmp_path / "a.py").write_text(MARKED)
    (tmp_path / "ba_na_na_b.py").write_text(MARKED)
    (tmp_path / "pyproject.toml").write_text('[tool.llm-doc]\nexclude = ["*a*a*a*b.py"]\n')
    for command in ("validate", "generate"):
        result = llm_doc(command, "--all", ".") if command == "validate" else \
            llm_doc(command, "--check", "--provider", "static", ".")
        assert result.returncode == 1, result.stderr
        assert "a.py" in result.stdout + result.stderr
        assert "ba_na_na_b.py" not in result.stdout + result.stderr
    piped = llm_doc("validate", "--force-exclude", "--stdin-filename", "ba_na_na_b.py", "-",
                    stdin=MARKED)
    assert "Traceback" not in piped.stderr
    assert piped.returncode == 0, piped.stderr  # excluded: nothing to report


def test_an_exclude_pattern_re_cannot_compile_is_a_configuration_error(
        tmp_path: Path, llm_doc: Run) -> None:
    (tmp_path / "a.py").write_text(MARKED)
    (tmp_path / "pyproject.toml").write_text('[tool.llm-doc]\nexclude = ["[z-a]x"]\n')
    result = llm_doc("validate", ".")
    assert result.returncode == 2, result.stderr
    assert "error: exclude pattern '[z-a]x' is not valid: bad character range" in \
        result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("pattern", "ignored"), [
    ("*.py", True), ("**/*.py", True), ("docs/**/*.py", True), ("*_test_*.py", True),
    ("out/", True), ("/gen_*.py", True), ("!keep.py", False), ("**/docs/**", True),
    ("docs/**", True), ("[f-h]*.py", True), ("?.py", False), ("**/node_modules", False),
])
def test_common_patterns_still_apply(tmp_path: Path, pattern: str, ignored: bool) -> None:
    names = ["docs/x/y/gen_a_test_b.py", "out/gen_c_test_d.py", "gen_e_test_f.py"]
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    (tmp_path / ".gitignore").write_text(f"{pattern}\n")
    problems: list[codes.Finding] = []
    found = iter_files([tmp_path], problems=problems)
    assert problems == []
    assert (len(found) < len(names)) is ignored


def test_a_new_text_larger_than_the_read_limit_is_not_written(tmp_path: Path,
                                                              llm_doc: Run) -> None:
    # 2 KB: the file is read, but its documented version would be over the limit.
    text = "".join(f"def f{i}(a, b):\n    return a + b\n\n\n" for i in range(40))
    assert 1024 < len(text) < 2 * 1024 * 1024 / 1024
    path = tmp_path / "m.py"
    path.write_text(text)
    result = llm_doc("generate", "--yes", "--all", "--provider", "static", "m.py",
                     env={"LLM_DOC_MAX_FILE_MB": "0.002"})
    assert result.returncode == 1, result.stderr
    assert path.read_text() == text
    assert "m.py:0:0: LD006 not written: the new text" in result.stderr
    assert "0.002 MB limit (LLM_DOC_MAX_FILE_MB)" in result.stderr
    assert "Traceback" not in result.stderr


def test_many_costly_patterns_on_many_deep_paths_stop_at_the_walks_budget(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Each match is bounded, but a tree chooses how many paths and patterns there are: a
    # .gitignore in every folder of a deep chain, each full of costly patterns. The walk's
    # budget of steps ends it; the patterns that ran out are named and not applied (the
    # files they would ignore are processed: more work shown, nothing hidden).
    from llm_doc_manager.source import globmatch

    monkeypatch.setattr(globmatch, "WALK_STEPS", 200_000)  # the default: 20,000,000
    lines = "".join(f"**/z{k}/**/a*a*a*b{k}\n" for k in range(20))
    folder = tmp_path
    for _ in range(30):
        folder = folder / ("a" * 60)
        folder.mkdir()
        (folder / ".gitignore").write_text(lines)
        (folder / "m.py").write_text("")
    problems: list[codes.Finding] = []
    files = iter_files([tmp_path], problems=problems)
    assert len(files) == 30
    spent = [p for p in problems if p.code == codes.IGNORE_PATTERN]
    assert spent, "the budget was never reached: the test does not test it"
    assert all("matching steps one walk allows; not applied" in p.message for p in spent)
    assert all(p.path.name == ".gitignore" and p.line >= 1 for p in spent)
    # Each pattern is reported once, whatever the number of paths after it ran out.
    assert len({(p.path, p.line) for p in spent}) == len(spent)


def test_the_budget_leaves_ordinary_trees_alone(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("**/x/**/*.py\n*-*-*.log\n")
    for k in range(200):
        (tmp_path / f"p{k}" / "x" / "y").mkdir(parents=True)
        (tmp_path / f"p{k}" / "x" / "y" / "gone.py").write_text("")
        (tmp_path / f"p{k}" / "kept.py").write_text("")
    problems: list[codes.Finding] = []
    files = iter_files([tmp_path], problems=problems)
    assert sorted(f.name for f in files) == ["kept.py"] * 200
    assert problems == []


def test_a_real_gitignore_with_blank_lines_and_comments(tmp_path: Path, llm_doc: Run) -> None:
    (tmp_path / ".gitignore").write_text("# Byte-compiled\n__pycache__/\n*.py[cod]\n\n"
                                         "# Distribution\nbuild/\n\n\n.venv\n")
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "gone.py").write_text(MARKED)
    (tmp_path / "m.py").write_text(MARKED)
    for command in (["validate", "--all", "."], ["generate", "--check", "."],
                    ["calls", "--order", "."], ["report", "--no-source", "."]):
        result = llm_doc(*command)
        assert result.returncode in (0, 1), (command, result.stderr)
        assert "internal error" not in result.stderr, command
        assert "gone.py" not in result.stdout + result.stderr, command
