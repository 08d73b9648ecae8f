"""``llm-doc report`` end to end on a git repository built here with the real ``git``."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from llm_doc_manager.report.slug import Slugger
from tests.conftest import Run

CORE_V1 = '''\
"""Core helpers: parsing and checking numbers."""


def parse(text):
    """Turn text into a number.

    Args:
        text: The digits.
    """
    if not text:
        return 0
    return int(text) if text.isdigit() else check(text)


def check(value):
    for char in value:
        if char in "+-" and value.index(char) > 0 or char == ".":
            raise ValueError(value)
    return float(value)
'''

APP = '''\
from pkg.core import parse


class Runner:
    """Run things | twice."""

    def go(self, items):
        return [parse(i) for i in items if i]

    def __init__(self):
        self.count = 0


if __name__ == "__main__":
    Runner().go(["1"])
'''


def _git(repo: Path, *args: str, author: str = "Ann") -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": f"{author}@x",
           "GIT_COMMITTER_NAME": author, "GIT_COMMITTER_EMAIL": f"{author}@x",
           "GIT_AUTHOR_DATE": "2026-01-02T03:04:05Z", "GIT_COMMITTER_DATE":
           "2026-01-02T03:04:05Z", "GIT_CONFIG_GLOBAL": "/dev/null",
           "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, env=env)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    (root / "pkg").mkdir(parents=True)
    _git(root, "init", "-q", "-b", "main")
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "numbers.py").write_text(CORE_V1)
    _git(root, "add", ".")
    _git(root, "commit", "-qm", "Add number parsing")
    (root / "pkg" / "app.py").write_text(APP)
    _git(root, "add", ".")
    _git(root, "commit", "-qm", "Add the runner", author="Bob")
    _git(root, "mv", "pkg/numbers.py", "pkg/core.py")
    _git(root, "commit", "-qm", "Rename numbers to core", author="Cid")
    (root / "pkg" / "core.py").write_text(CORE_V1 + "\n\ndef extra():\n    return parse('1')\n")
    (root / "broken.py").write_text("def oops(:\n    pass\n")
    _git(root, "add", ".")
    _git(root, "commit", "-qm", "Extra | helper, and a broken file", author="Ann")
    return root


def _headings_and_links(document: str) -> tuple[list[str], list[str]]:
    """Every heading's anchor (as GitHub computes it from the rendered text) and every
    in-document link target."""
    tokens = MarkdownIt("commonmark").enable("table").parse(document)
    slugger = Slugger()
    anchors = []
    for number, token in enumerate(tokens):
        if token.type == "heading_open":
            inline = tokens[number + 1]
            text = "".join(child.content for child in inline.children or []
                           if child.type in ("text", "code_inline"))
            anchors.append(slugger.slug(text))
    links = re.findall(r"\]\(#([^)]*)\)", document)
    return anchors, links


def test_markdown_report_of_a_repository(repo: Path, llm_doc: Run) -> None:
    result = llm_doc("report", str(repo), "-o", str(repo.parent / "out.md"))
    assert result.returncode == 1  # broken.py could not be analysed
    assert "broken.py:1: not analysed: cannot parse" in result.stderr
    document = (repo.parent / "out.md").read_text()
    anchors, links = _headings_and_links(document)
    assert len(links) > 10
    assert set(links) <= set(anchors), set(links) - set(anchors)
    assert len(anchors) == len(set(anchors))
    # The file that was renamed keeps its history (git log --follow).
    section = document.split("## `pkg/core.py`")[1].split("\n## ")[0]
    assert "| 2026-01-02 | Ann |" in section
    assert "Rename numbers to core" in section
    assert "Add number parsing" in section
    assert "Add the runner" not in section
    assert "Extra \\| helper" in section  # a pipe in a subject does not split the table
    # Complexity as radon counts it: check = 1 + for + if + or + and = 5
    assert re.search(r"\| \[`check`\]\(#check\) \| 15-19 \| 5 \|", section)
    assert "| [`parse`](#parse) | 4-12 | 3 | 2 / 1 | Turn text into a number. |" in section
    assert "Function `(text)`, lines 4-12" in section
    assert "Called by: [`parse`](#parse)" in section
    assert "Not analysed (line 1): cannot parse" in document
    assert "- `pkg/app.py`: `if __name__ == \"__main__\"`" in document
    assert "- Documentation: docstring coverage 33.3 % (3 of 9); completeness 0.583 (2 " \
        "docstrings); truthfulness 1.000 (1 of 1 names mentioned exist)" in document
    assert "<summary>Source of pkg/core.py</summary>" in document
    # The same input gives the same bytes.
    again = llm_doc("report", str(repo), "-o", str(repo.parent / "again.md"))
    assert again.returncode == 1
    assert (repo.parent / "again.md").read_bytes() == document.encode()


def test_history_equals_git_log_follow(repo: Path, llm_doc: Run) -> None:
    result = llm_doc("report", str(repo), "--format", "json", "--no-source")
    data = json.loads(result.stdout)
    for entry in data["files"]:
        follow = subprocess.run(
            ["git", "-C", str(repo), "log", "--follow", "--format=%H", "-n", "5", "--",
             entry["path"]], capture_output=True, text=True, check=True).stdout.split()
        assert [c["sha"] for c in entry["history"]] == follow, entry["path"]


def test_json_report(repo: Path, llm_doc: Run) -> None:
    (repo / "pkg" / "_vendor").mkdir()
    (repo / "pkg" / "_vendor" / "six.py").write_text("def copied():\n    pass\n")
    (repo / ".venv" / "lib").mkdir(parents=True)
    (repo / ".venv" / "lib" / "site.py").write_text("x = 1\n")
    (repo / "big.py").write_text("x = 1\n" * 300)  # 1,800 bytes
    result = llm_doc("report", str(repo), "--format", "json", "--no-source",
                     env={"LLM_DOC_MAX_FILE_MB": "0.001"})  # 1,048 bytes
    data = json.loads(result.stdout)
    paths = [f["path"] for f in data["files"]]
    assert paths == ["broken.py", "pkg/__init__.py", "pkg/app.py", "pkg/core.py"]
    assert [s["path"] for s in data["skipped"]] == ["big.py"]  # over the size limit
    assert "MB limit" in data["skipped"][0]["reason"]
    core = data["files"][3]
    assert core["summary"] == "Core helpers: parsing and checking numbers."
    assert [(f["qualname"], f["line"], f["end_line"], f["complexity"], f["callers"],
             f["callees"], f["summary"]) for f in core["functions"]] == [
        ("parse", 4, 12, 3, 2, 1, "Turn text into a number."),
        ("check", 15, 19, 5, 1, 0, ""),
        ("extra", 22, 23, 1, 0, 1, "")]
    app = data["files"][2]
    assert [f["qualname"] for f in app["functions"]] == ["Runner.go", "Runner.__init__"]
    assert app["classes"][0]["summary"] == "Run things | twice."
    assert data["files"][0]["error"].startswith("cannot parse")
    assert "source" not in core


def test_a_url_is_cloned_and_removed(repo: Path, llm_doc: Run, tmp_path: Path) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    result = llm_doc("report", f"file://{repo}", "--no-source", env={"TMPDIR": str(temp)})
    assert result.returncode == 1, result.stderr  # the broken file
    assert "# proj: code documentation and analysis" in result.stdout
    assert f"| Source | `file://{repo}` |" in result.stdout
    assert "Rename numbers to core" in result.stdout
    assert list(temp.iterdir()) == []  # the clone is gone
    # A commit can be asked for: the first one has numbers.py and no app.py.
    first = subprocess.run(["git", "-C", str(repo), "rev-list", "--max-parents=0", "HEAD"],
                           capture_output=True, text=True, check=True).stdout.strip()
    old = llm_doc("report", f"file://{repo}", "--ref", first, "--format", "json",
                  "--no-source", env={"TMPDIR": str(temp)})
    assert old.returncode == 0, old.stderr
    assert [f["path"] for f in json.loads(old.stdout)["files"]] == [
        "pkg/__init__.py", "pkg/numbers.py"]
    assert list(temp.iterdir()) == []


@pytest.mark.parametrize("argument", [
    "--upload-pack=touch /tmp/pwned", "-oProxyCommand=x", "ext::sh -c touch% /tmp/pwned",
    "fd::17", "http://example.com/x.git", "git://example.com/x.git", "ftp://h/x",
    "https:///nohost", "ssh://h/x\nevil", "ssh://-oProxyCommand=touch%20/tmp/pwned/x",
    "ssh://-u@host/x", "git@-oProxyCommand=x:repo", "-@host:repo",
])
def test_unsafe_inputs_are_refused(argument: str, llm_doc: Run, tmp_path: Path) -> None:
    result = llm_doc("report", "--", argument)  # past argparse: our own check refuses it
    assert result.returncode == 2, (argument, result.stderr)
    assert "refused" in result.stderr or "no such folder" in result.stderr
    assert not Path("/tmp/pwned").exists()


def test_a_local_path_posing_as_a_url_is_refused(llm_doc: Run, tmp_path: Path) -> None:
    (tmp_path / "git@host:repo").mkdir()
    result = llm_doc("report", "git@host:repo")
    assert result.returncode == 2
    assert "a local path that reads as a URL" in result.stderr
    assert llm_doc("report", "./git@host:repo").returncode == 0


def test_credentials_are_never_printed(llm_doc: Run) -> None:
    # Nothing listens on port 9: git fails, and its message names the URL.
    result = llm_doc("report", "https://alice:s3cr3t-token@127.0.0.1:9/repo.git")
    assert result.returncode == 1
    assert "cannot clone https://***@127.0.0.1:9/repo.git" in result.stderr
    assert "s3cr3t" not in result.stderr + result.stdout
    assert "alice" not in result.stderr + result.stdout


def test_bad_files_are_named_and_the_rest_goes_on(tmp_path: Path, llm_doc: Run) -> None:
    package = tmp_path / "hostile" / "pkg"
    package.mkdir(parents=True)
    (package / "good.py").write_text("def ok():\n    return 1\n")
    os.mkfifo(package / "fifo.py")
    (package / "loop1.py").symlink_to("loop2.py")
    (package / "loop2.py").symlink_to("loop1.py")
    (package / "self").symlink_to(tmp_path / "hostile")
    (package / "bad.py").write_bytes(b"\xff\xfe\x00bad")
    (package / "syntax.py").write_text("def oops(:\n")
    out = tmp_path / "out.md"
    result = llm_doc("report", str(tmp_path / "hostile"), "-o", str(out), "--no-source")
    assert result.returncode == 1
    for name in ("fifo.py: skipped", "loop1.py: skipped", "bad.py:1: not analysed",
                 "syntax.py:1: not analysed"):
        assert f"pkg/{name}" in result.stderr
    document = out.read_text()
    assert "| `pkg/fifo.py` | cannot read: not a regular file (a FIFO) |" in document
    assert "## `pkg/good.py`" in document
    assert "internal error" not in result.stderr
