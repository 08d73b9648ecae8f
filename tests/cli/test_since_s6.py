"""``--since REV`` (issue 23): only what changed since a git revision, on real git repositories.

One function's body changes, another's argument is renamed, a function is added, and the
rest stays as committed: ``validate`` reports and ``generate`` plans exactly the changed ones
(the fake OpenAI server counts the requests). The repository is hostile: its filters, its
file-system monitor and its diff drivers must not run, and a REV cannot become an option.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from llm_doc_manager.analysis.changed import MODULE, changed_definitions
from llm_doc_manager.source.since import LineChanges, changes_since, parse_diff
from tests.conftest import Run
from tests.fake_openai import FakeOpenAI
from tests.helpers import ast_without_docstrings

BEFORE = '''\
"""Shop helpers."""


def body_changes(a):
    return a + 1


def renamed_arg(x):
    return x


def untouched(y):
    return y


class Basket:
    size = 1

    def method(self, z):
        return z
'''


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com",
                           *args], cwd=repo, capture_output=True, text=True, check=True,
                          timeout=60)


def _repo(tmp_path: Path, files: dict[str, str]) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    (repo / "pyproject.toml").write_text("[tool.llm-doc]\nretry-base = 0.01\ntimeout = 5.0\n")
    for name, text in files.items():
        (repo / name).write_text(text)
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "first")
    return repo


def _edit(path: Path, *pairs: tuple[str, str], append: str = "") -> None:
    text = path.read_text()
    for old, new in pairs:
        assert old in text
        text = text.replace(old, new)
    path.write_text(text + append)


CHANGES = (("return a + 1", "return a + 2"),
           ("def renamed_arg(x):\n    return x", "def renamed_arg(w):\n    return w"))
ADDED = "\n\ndef added(q):\n    return q\n"


@pytest.fixture
def changed(tmp_path: Path) -> Path:
    """The shop, committed, then changed in the working tree."""
    repo = _repo(tmp_path, {"shop.py": BEFORE})
    _edit(repo / "shop.py", *CHANGES, append=ADDED)
    return repo


def _names(output: str, code: str = "LD301") -> set[str]:
    return {line.split(f"{code} ", 1)[1].split(":", 1)[0]
            for line in output.splitlines() if f" {code} " in line}


def test_validate_reports_only_changed_and_new_definitions(changed: Path, llm_doc: Run) -> None:
    full = llm_doc("validate", "--all", ".", cwd=changed)
    assert _names(full.stdout) == {"body_changes", "renamed_arg", "untouched", "Basket",
                                   "Basket.method", "added"}
    result = llm_doc("validate", "--all", "--since", "HEAD", ".", cwd=changed)
    assert result.returncode == 1, result.stderr
    assert _names(result.stdout) == {"body_changes", "renamed_arg", "added"}
    # Committed, nothing has changed since HEAD: nothing is checked, exit 0.
    _git(changed, "commit", "-qam", "second")
    clean = llm_doc("validate", "--all", "--since", "HEAD", ".", cwd=changed)
    assert (clean.returncode, clean.stdout) == (0, ""), clean.stderr
    assert "0 files checked" in clean.stderr
    # Against the first commit, the same three.
    again = llm_doc("validate", "--all", "--since", "HEAD~1", "shop.py", cwd=changed)
    assert _names(again.stdout) == {"body_changes", "renamed_arg", "added"}


def test_generate_static_writes_only_changed_definitions(changed: Path, llm_doc: Run) -> None:
    before = (changed / "shop.py").read_text()
    result = llm_doc("generate", "--all", "--since", "HEAD", "--provider", "static", "--yes",
                     ".", cwd=changed)
    assert result.returncode == 0, result.stderr
    after = (changed / "shop.py").read_text()
    tree = ast.parse(after)
    documented = {node.name for node in ast.walk(tree)
                  if isinstance(node, (ast.FunctionDef, ast.ClassDef))
                  and ast.get_docstring(node) is not None}
    assert documented == {"body_changes", "renamed_arg", "added"}
    assert ast_without_docstrings(after) == ast_without_docstrings(before)
    # A second run finds nothing left to do in what changed.
    second = llm_doc("generate", "--all", "--since", "HEAD", "--provider", "static", "--check",
                     ".", cwd=changed)
    assert second.returncode == 0, second.stdout + second.stderr


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    server = FakeOpenAI().start()
    yield server
    server.stop()


def test_generate_asks_the_model_only_for_changed_definitions(
        changed: Path, llm_doc: Run, fake: FakeOpenAI) -> None:
    result = llm_doc("generate", "--all", "--since", "HEAD", "--provider", "openai",
                     "--base-url", fake.base_url, "--yes", ".", cwd=changed,
                     env={"OPENAI_API_KEY": "sk-test"})
    assert result.returncode == 0, result.stderr
    asked = {name for seen in fake.seen for name in ("body_changes", "renamed_arg", "added",
                                                     "untouched", "Basket", "method")
             if f" {name}" in json.dumps(seen.body["messages"][-1]["content"])
             and f"Python function {name}" in json.dumps(seen.body)}
    assert asked == {"body_changes", "renamed_arg", "added"}
    assert len(fake.seen) == 3


def test_a_bad_revision_is_a_usage_error(changed: Path, llm_doc: Run) -> None:
    for command in ("validate", "generate"):
        result = llm_doc(command, "--since", "no-such-branch", ".", cwd=changed)
        assert result.returncode == 2
        assert [line for line in result.stderr.splitlines() if "error" in line] == [
            line for line in result.stderr.splitlines() if line.startswith("error: --since")]
        assert "'no-such-branch' is not a commit" in result.stderr
        assert "Traceback" not in result.stderr


def test_a_revision_cannot_become_a_git_option(changed: Path, llm_doc: Run) -> None:
    # Given to ``git diff`` as it is, this would write the diff into a file named x.
    for rev in ("--output=x", "--output=../x", "-ox"):
        result = llm_doc("validate", f"--since={rev}", ".", cwd=changed)
        assert result.returncode == 2
        assert "is not a commit" in result.stderr
    assert not (changed / "x").exists()
    assert not (changed.parent / "x").exists()


def test_outside_a_work_tree_and_stdin_are_usage_errors(tmp_path: Path, llm_doc: Run) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    (folder / "a.py").write_text("def f():\n    pass\n")
    result = llm_doc("validate", "--since", "HEAD", str(folder))
    assert result.returncode == 2
    assert "is not inside a git work tree" in result.stderr
    piped = llm_doc("validate", "--since", "HEAD", "-", stdin="x = 1\n")
    assert piped.returncode == 2
    assert "--since needs files" in piped.stderr
    piped = llm_doc("generate", "--since", "HEAD", "-", stdin="x = 1\n")
    assert piped.returncode == 2
    assert "--since needs files" in piped.stderr


def test_write_baseline_with_since_is_refused(changed: Path, llm_doc: Run) -> None:
    result = llm_doc("validate", "--since", "HEAD", "--baseline", "b.json", "--write-baseline",
                     ".", cwd=changed)
    assert result.returncode == 2
    assert not (changed / "b.json").exists()


def test_a_hostile_repository_runs_nothing(tmp_path: Path, llm_doc: Run) -> None:
    repo = _repo(tmp_path, {"shop.py": BEFORE})
    pwned = tmp_path / "pwned"
    (repo / ".gitattributes").write_text("*.py filter=evil diff=evil\n")
    _git(repo, "config", "filter.evil.clean", f"sh -c 'touch {pwned}-clean; cat'")
    _git(repo, "config", "diff.evil.command", f"sh -c 'touch {pwned}-command'")
    _git(repo, "config", "diff.evil.textconv", f"sh -c 'touch {pwned}-textconv; cat'")
    _git(repo, "config", "diff.external", f"sh -c 'touch {pwned}-external'")
    _git(repo, "config", "core.fsmonitor", f"sh -c 'touch {pwned}-fsmonitor'")
    _git(repo, "config", "core.pager", f"sh -c 'touch {pwned}-pager'")
    _edit(repo / "shop.py", *CHANGES)
    result = llm_doc("validate", "--all", "--since", "HEAD", ".", cwd=repo)
    assert _names(result.stdout) == {"body_changes", "renamed_arg"}, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("pwned")) == []
    # The attack is live: git as a user runs it, the repository's filter included.
    subprocess.run(["git", "diff", "HEAD"], cwd=repo, capture_output=True, check=False,
                   timeout=60)
    assert (tmp_path / "pwned-clean").exists() or (tmp_path / "pwned-external").exists()


def test_a_class_changes_for_its_own_lines_not_a_method_body(tmp_path: Path) -> None:
    tree = ast.parse(BEFORE)
    method_body, class_line = 20, 17  # ``return z``, ``size = 1``
    assert BEFORE.splitlines()[method_body - 1].strip() == "return z"
    found = changed_definitions(tree, LineChanges(frozenset({method_body})))
    assert found.changed == {19}  # Basket.method only
    found = changed_definitions(tree, LineChanges(frozenset({class_line})))
    assert found.changed == {16}  # Basket only
    found = changed_definitions(tree, LineChanges(gaps=frozenset({class_line})))
    assert found.changed == {16}  # a class-level line removed after ``size = 1``
    found = changed_definitions(tree, LineChanges(frozenset({1})))
    assert found.changed == {MODULE}
    everything = changed_definitions(tree, LineChanges(new=True)).changed
    assert everything == {MODULE, 4, 8, 12, 16, 19}
    constructor = ast.parse("class C:\n    def __init__(self, a):\n        self.a = a\n")
    assert changed_definitions(constructor, LineChanges(frozenset({2}))).changed == {1, 2}
    # ``self.a = a``: the attributes a class docstring lists are set there.
    assert changed_definitions(constructor, LineChanges(frozenset({3}))).changed == {1, 2}


def test_removed_decorator_and_renamed_file(tmp_path: Path) -> None:
    repo = _repo(tmp_path, {"a.py": "import functools\n\n\n@functools.cache\ndef f():\n"
                                    "    return 1\n\n\ndef g():\n    return 2\n",
                            "b.py": "def h():\n    return 3\n"})
    (repo / "a.py").write_text("import functools\n\n\ndef f():\n    return 1\n\n\n"
                               "def g():\n    return 2\n")
    _git(repo, "mv", "b.py", "c.py")
    since = changes_since("HEAD", [repo])
    changes = since.of(repo / "a.py")
    assert changes is not None
    tree = ast.parse((repo / "a.py").read_text())
    # f lost its decorator; lines removed just before a def may as well have been the
    # module's own (git cannot tell): the module counts too, the safe side.
    assert changed_definitions(tree, changes).changed == {MODULE, 4}
    moved = since.of(repo / "c.py")  # renamed: new, all of it
    assert moved is not None
    assert moved.new
    assert since.of(repo / "b.py") is None


def test_quoted_paths_of_the_diff() -> None:
    diff = ('diff --git "a/caf\\303\\251 \\"x\\".py" "b/caf\\303\\251 \\"x\\".py"\n'
            '--- "a/caf\\303\\251 \\"x\\".py"\n+++ "b/caf\\303\\251 \\"x\\".py"\n'
            "@@ -2 +2,2 @@\n-a\n+b\n+c\n@@ -9,2 +10,0 @@\n-d\n-e\n"
            "diff --git a/gone.py b/gone.py\ndeleted file mode 100644\n--- a/gone.py\n"
            "+++ /dev/null\n@@ -1 +0,0 @@\n-x\n")
    assert parse_diff(diff) == {'café "x".py': LineChanges(frozenset({2, 3}), frozenset({10}))}


def test_validate_fix_since_fixes_only_changed_definitions(tmp_path: Path, llm_doc: Run
                                                            ) -> None:
    drift = ('def old(a, b):\n    """Old.\n\n    Args:\n        a: A.\n    """\n'
             '    return a + b\n\n\ndef new(a):\n    """New.\n\n    Args:\n        a: A.\n'
             '    """\n    return a\n')
    repo = _repo(tmp_path, {"m.py": drift})
    _edit(repo / "m.py", ("def new(a):", "def new(a, c):"))
    result = llm_doc("validate", "--since", "HEAD", "--fix", "--yes", "--all", ".", cwd=repo)
    text = (repo / "m.py").read_text()
    assert "        c: " in text  # the changed function was synced
    assert "        b: " not in text  # the unchanged one keeps its drift
    assert "LD3" not in result.stdout.replace("LD302", ""), result.stdout


def test_pre_commit_checks_what_the_commit_changes(tmp_path: Path) -> None:
    # The real pre-commit with a local hook (``language: system``: no environment to
    # install): it passes the staged files and stashes the unstaged changes, so
    # ``--since HEAD`` is what this commit changes.
    pytest.importorskip("pre_commit")
    repo = _repo(tmp_path, {"shop.py": BEFORE})
    (repo / ".pre-commit-config.yaml").write_text(
        "repos:\n  - repo: local\n    hooks:\n      - id: llm-doc-validate\n"
        "        name: llm-doc validate\n"
        f"        entry: {sys.executable} -m llm_doc_manager validate --force-exclude --all "
        "--since HEAD\n        language: system\n        types_or: [python, pyi]\n"
        "        require_serial: true\n")
    _git(repo, "add", ".pre-commit-config.yaml")
    _git(repo, "commit", "-qm", "hooks")
    _edit(repo / "shop.py", CHANGES[0])
    _git(repo, "add", "shop.py")
    _edit(repo / "shop.py", CHANGES[1])  # unstaged: stashed while the hook runs
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LLM_DOC_", "GIT_"))}
    env.update({"PRE_COMMIT_HOME": str(tmp_path / "pre-commit"),
                "LLM_DOC_CACHE_DIR": str(tmp_path / "cache")})
    result = subprocess.run([sys.executable, "-m", "pre_commit", "run"], cwd=repo, env=env,
                            capture_output=True, text=True, check=False, timeout=120)
    assert result.returncode == 1, result.stdout + result.stderr
    assert _names(result.stdout) == {"body_changes"}
    assert "renamed_arg(w)" in (repo / "shop.py").read_text()  # the unstaged change is back
