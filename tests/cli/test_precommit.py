"""The hooks of .pre-commit-hooks.yaml, run by the real ``pre-commit`` in a real git repo.

pre-commit installs the hook repository (a copy of this working tree, committed in a
temporary repo) into a virtualenv of its own with pip, exactly as it does for a user: the
dependencies come from the package index (the one network place tests may reach). Borrowing
the running interpreter's site-packages instead breaks in a virtual environment, whose base
interpreter has none of them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import OUTSIDE_ENV

# Real pre-commit building its hook environment: the slow tier, which CI runs (.ci/run).
pytestmark = pytest.mark.slow

ROOT = Path(__file__).parent.parent.parent

DRIFT = '''\
# @llm-doc-start
def add(a, b):
    """Add two numbers.

    Args:
        a: The first.
    """
    return a + b
# @llm-doc-end
'''


def _git(cwd: Path, *args: str, env: dict[str, str] | None = None
         ) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          check=False, timeout=300)


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, Path]:
    """A committed copy of this working tree, and a pre-commit home shared by the tests."""
    repo = tmp_path_factory.mktemp("hook-repo")
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout.splitlines()
    for name in listed:
        source = ROOT / name
        if source.is_file():
            target = repo / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "hooks")
    rev = _git(repo, "rev-parse", "HEAD").stdout.strip()
    return repo, rev, tmp_path_factory.mktemp("pre-commit-home")


def _env(home: Path, cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("LLM_DOC_", "OPENAI_", "AZURE_OPENAI_", "GIT_"))}
    env.update({"PRE_COMMIT_HOME": str(home),
                "LLM_DOC_CACHE_DIR": str(cache), "GIT_AUTHOR_NAME": "t",
                "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
                "GIT_COMMITTER_EMAIL": "t@example.com"})
    # pip must reach the package index to build the hook's environment: the user's own
    # proxy settings, not the closed proxy every other test gets (conftest._no_network).
    for name, value in OUTSIDE_ENV.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def _project(tmp_path: Path, hook_repo: tuple[Path, str, Path], hooks: list[str]
             ) -> tuple[Path, dict[str, str]]:
    repo, rev, home = hook_repo
    project = tmp_path / "project"
    project.mkdir()
    env = _env(home, tmp_path / "cache")
    _git(project, "init", "-q", env=env)
    ids = "".join(f"      - id: {hook}\n" for hook in hooks)
    (project / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {repo}\n    rev: {rev}\n    hooks:\n{ids}")
    installed = subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=project,
                               env=env, capture_output=True, text=True, check=False)
    assert installed.returncode == 0, installed.stderr
    return project, env


def test_validate_hook_gates_commits(tmp_path: Path, hook_repo: tuple[Path, str, Path]) -> None:
    project, env = _project(tmp_path, hook_repo, ["llm-doc-validate"])
    _git(project, "add", ".pre-commit-config.yaml", env=env)
    assert _git(project, "commit", "-qm", "config", env=env).returncode == 0
    (project / "calc.py").write_text(DRIFT)
    _git(project, "add", "calc.py", env=env)
    refused = _git(project, "commit", "-qm", "drift", env=env)
    assert refused.returncode != 0
    output = refused.stdout + refused.stderr
    assert "llm-doc validate" in output
    assert "calc.py:3:5: LD311 add: argument 'b' is not documented" in output
    assert "calc.py:3:5: LD321 add: returns a value" in output
    (project / "calc.py").write_text(DRIFT.replace(
        "        a: The first.\n", "        a: The first.\n        b: The second.\n\n"
        "    Returns:\n        The sum.\n"))
    _git(project, "add", "calc.py", env=env)
    accepted = _git(project, "commit", "-qm", "clean", env=env)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr


def test_fix_hook_converges(tmp_path: Path, hook_repo: tuple[Path, str, Path]) -> None:
    project, env = _project(tmp_path, hook_repo, ["llm-doc-fix", "llm-doc-validate"])
    (project / "calc.py").write_text(DRIFT)
    _git(project, "add", "-A", env=env)
    first = subprocess.run([sys.executable, "-m", "pre_commit", "run", "--all-files"],
                           cwd=project, env=env, capture_output=True, text=True, check=False)
    assert first.returncode != 0  # the fix hook modified a file: pre-commit reports it
    assert "files were modified by this hook" in first.stdout
    fixed = (project / "calc.py").read_text()
    assert "b: Undocumented." not in fixed
    assert "        b: " in fixed
    assert "    Returns:\n" in fixed
    assert "a: The first." in fixed  # human text kept
    _git(project, "add", "-A", env=env)
    second = subprocess.run([sys.executable, "-m", "pre_commit", "run", "--all-files"],
                            cwd=project, env=env, capture_output=True, text=True, check=False)
    # The fix converged; what is left is the placeholder it wrote for the new argument's
    # description, which validate reports until a person (or a model) writes it.
    assert "llm-doc fix" in second.stdout
    assert "Passed" in second.stdout.split("\n")[0]
    findings = [line for line in second.stdout.splitlines() if ": LD" in line]
    assert [f.split()[1] for f in findings] == ["LD302"], second.stdout
    assert (project / "calc.py").read_text() == fixed


def test_generate_hook_runs_only_on_the_manual_stage(tmp_path: Path,
                                                     hook_repo: tuple[Path, str, Path]) -> None:
    project, env = _project(tmp_path, hook_repo, ["llm-doc-generate"])
    (project / "calc.py").write_text(DRIFT.replace('    """Add two numbers.\n\n    Args:\n'
                                                   '        a: The first.\n    """\n', ""))
    _git(project, "add", "-A", env=env)
    commit_stage = subprocess.run([sys.executable, "-m", "pre_commit", "run", "--all-files"],
                                  cwd=project, env=env, capture_output=True, text=True,
                                  check=False)
    assert commit_stage.returncode == 0
    assert '"""' not in (project / "calc.py").read_text()
    env["LLM_DOC_PROVIDER"] = "static"
    manual = subprocess.run([sys.executable, "-m", "pre_commit", "run", "--hook-stage",
                             "manual", "--all-files"], cwd=project, env=env,
                            capture_output=True, text=True, check=False)
    assert "llm-doc generate" in manual.stdout
    assert '"""TODO: describe.' in (project / "calc.py").read_text()


def test_hooks_skip_excluded_files(tmp_path: Path, hook_repo: tuple[Path, str, Path]) -> None:
    # pre-commit passes every staged file by name; the hooks force the exclude patterns.
    project, env = _project(tmp_path, hook_repo, ["llm-doc-fix", "llm-doc-validate"])
    (project / "pyproject.toml").write_text(
        '[tool.llm-doc]\nexclude = ["*_pb2.py", "generated/"]\n')
    (project / "generated").mkdir()
    (project / "thing_pb2.py").write_text(DRIFT)
    (project / "generated" / "gen.py").write_text(DRIFT)
    _git(project, "add", "-A", env=env)
    run = subprocess.run([sys.executable, "-m", "pre_commit", "run", "--all-files"],
                         cwd=project, env=env, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout
    assert (project / "thing_pb2.py").read_text() == DRIFT
    assert (project / "generated" / "gen.py").read_text() == DRIFT
