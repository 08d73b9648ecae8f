"""``llm-doc report`` on hostile repositories, each test written as the attack.

The repositories are built here with the real ``git``; the Markdown is read back with
markdown-it-py (CommonMark with HTML allowed, and its GFM-like preset), the parser a site
generator would use.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from tests.conftest import Run

IMG = "<img src=x onerror=alert(1)>"
DETAILS = "<details open ontoggle=alert(2)>"
# Our own HTML blocks: the collapsed source of each file.
OURS = ("<details>", "</details>")


def _git(repo: Path, *args: str, author: str = "Ann", stdin: bytes | None = None,
         check: bool = True) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": "a@x",
           "GIT_COMMITTER_NAME": author, "GIT_COMMITTER_EMAIL": "a@x",
           "GIT_AUTHOR_DATE": "2026-01-02T03:04:05Z",
           "GIT_COMMITTER_DATE": "2026-01-02T03:04:05Z",
           "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}
    done = subprocess.run(["git", "-C", str(repo), *args], check=check, capture_output=True,
                          env=env, input=stdin)
    return done.stdout.decode().strip()


def _marker_script(folder: Path, name: str) -> tuple[Path, Path]:
    """An executable that leaves a marker file when anything runs it (and echoes stdin)."""
    marker = folder / f"RAN-{name}"
    script = folder / f"{name}.sh"
    script.write_text(f"#!/bin/sh\ntouch '{marker}'\ncat\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script, marker


def _parse(document: str) -> dict[str, list[Token]]:
    return {"commonmark": MarkdownIt("commonmark").enable("table").parse(document),
            "gfm-like": MarkdownIt("gfm-like", {"linkify": False}).parse(document)}


def _assert_no_live_html(tokens: list[Token]) -> None:
    for token in tokens:
        if token.type == "html_block":
            lines = token.content.strip().splitlines()
            assert lines[0] in OURS, token.content
            # The only other line of our block: <summary>Source of PATH</summary>.
            for line in lines[1:]:
                assert line.startswith("<summary>"), line
                assert line.endswith("</summary>"), line
                assert "<" not in line.removeprefix("<summary>").removesuffix("</summary>")
        for child in token.children or []:
            assert child.type != "html_inline", child.content


def _children(tokens: list[Token], container: str, child: str) -> list[int]:
    """How many ``child`` tokens each ``container`` holds (our containers do not nest)."""
    counts: list[int] = []
    for token in tokens:
        if token.type == f"{container}_open":
            counts.append(0)
        elif token.type == child and counts:
            counts[-1] += 1
    return counts


def _hostile_repo(root: Path) -> Path:
    repo = root / "proj"
    (repo / "pkg").mkdir(parents=True)
    _git(repo, "init", "-q", "-b", "main")
    (repo / "pkg" / f"evil\n{IMG}\n.py").write_text(
        f'"""Evil {IMG} module\n\nmore."""\n\n\ndef main():\n    """Run {DETAILS}."""\n')
    (repo / "pkg" / "bad\udcff|`x`.py").write_text("def ok():\n    pass\n")
    (repo / "pyproject.toml").write_text(
        '[project.scripts]\n"tool\\n<details open ontoggle=alert(2)>" = '
        '"pkg.m:main\\n<img src=x onerror=alert(1)>"\n')
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", f"{IMG} | subject\n\n{DETAILS}",
         author="Eve | [x](javascript:alert(1))")
    return repo


def _check_report(document: str, metadata: int) -> None:
    for preset, tokens in _parse(document).items():
        _assert_no_live_html(tokens)
        headings = [tokens[i + 1].content for i, t in enumerate(tokens)
                    if t.type == "heading_open"]
        # Title, contents, overview, most complex, entry points, two files and their
        # two functions: nothing else became a heading.
        assert len(headings) == 9, (preset, headings)
        # Table of contents (overview + 2 files), overview (3 lines), entry points (1).
        assert _children(tokens, "bullet_list", "list_item_open") == [3, 3, 1], preset
        # Metadata (header + commit, tool, summaries; + source for a URL), most complex
        # (header + 2), per file its recent changes and its definitions (header + 1 each).
        assert _children(tokens, "table", "tr_open") == [metadata, 3, 2, 2, 2, 2], preset
    assert "pkg/evil\\n<img src=x onerror=alert(1)>\\n.py" in document  # shown, not live
    assert "pkg/bad\\xff\\|`x`.py" in document


def test_names_from_the_tree_cannot_inject_html(tmp_path: Path, llm_doc: Run) -> None:
    repo = _hostile_repo(tmp_path)
    out = tmp_path / "out.md"
    result = llm_doc("report", str(repo), "-o", str(out))
    assert result.returncode == 0, result.stderr
    _check_report(out.read_text(), 4)
    data = json.loads(llm_doc("report", str(repo), "--format", "json").stdout)
    assert f"pkg/evil\n{IMG}\n.py" in [f["path"] for f in data["files"]]
    assert "pkg/bad\udcff|`x`.py" in [f["path"] for f in data["files"]]


def test_names_from_a_cloned_tree_cannot_inject_html(tmp_path: Path, llm_doc: Run) -> None:
    repo = _hostile_repo(tmp_path)
    result = llm_doc("report", f"file://{repo}")
    assert result.returncode == 0, result.stderr
    _check_report(result.stdout, 5)


def _commit_message(repo: Path, message: bytes, author: str = "Ann") -> str:
    """Commit the index with this message, written as bytes (``git commit`` refuses NUL)."""
    tree = _git(repo, "write-tree")
    parent = _git(repo, "rev-parse", "-q", "--verify", "HEAD", check=False)
    header = (f"tree {tree}\n" + (f"parent {parent}\n" if parent else "")
              + f"author {author} <a@x> 1767323045 +0000\n"
              f"committer {author} <a@x> 1767323045 +0000\n\n").encode()
    sha = _git(repo, "hash-object", "-t", "commit", "-w", "--stdin", stdin=header + message)
    _git(repo, "update-ref", "HEAD", sha)
    return sha


def test_a_commit_subject_cannot_forge_history(tmp_path: Path, llm_doc: Run) -> None:
    repo = tmp_path / "proj"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    (repo / "a.py").write_text("x = 1\n")
    _git(repo, "add", ".")
    first = _commit_message(repo, b"first\n")
    fake = "f" * 40
    (repo / "a.py").write_text("x = 2\n")
    _git(repo, "add", ".")
    # The old separators (record \x1e, field \x1f), then a header and a change as the
    # NUL-separated format writes them, in the subject and in the body.
    second = _commit_message(
        repo, (f"real\x1e{fake}\x1f2001-02-03\x1fMallory\x1fforged\n\n"
               f"{fake}\x002001-02-03\x00Mallory\x00forged\x00\nM\x00a.py\x00\n").encode())
    (repo / "a.py").write_text("x = 3\n")
    _git(repo, "add", ".")
    third = _commit_message(repo, f"\n{fake}\n2001-02-03 Mallory\n| 2001-02-03 | Mallory |"
                                  .encode(), author="Bo\x1fb")
    data = json.loads(llm_doc("report", str(repo), "--format", "json", "--no-source").stdout)
    history = data["files"][0]["history"]
    assert [c["sha"] for c in history] == [third, second, first]
    assert [c["date"] for c in history] == ["2026-01-02"] * 3
    assert history[1]["author"] == "Ann"
    assert history[1]["subject"].startswith("real\x1e" + fake)
    assert data["commit"]["sha"] == third
    document = llm_doc("report", str(repo), "--no-source").stdout
    tokens = MarkdownIt("commonmark").enable("table").parse(document)
    start = next(i for i, t in enumerate(tokens) if t.type == "inline"
                 and t.content == "**Recent changes**")
    table = tokens[start:]
    table = table[:table.index(next(t for t in table if t.type == "table_close"))]
    assert sum(1 for t in table if t.type == "tr_open") == 4  # header + the three commits
    assert "Mallory |" not in document


def _signed_looking_commit(repo: Path) -> None:
    """A commit with a ``gpgsig`` header, so that showing signatures runs gpg.program."""
    tree = _git(repo, "rev-parse", "HEAD^{tree}")
    parent = _git(repo, "rev-parse", "HEAD")
    body = (f"tree {tree}\nparent {parent}\nauthor Ann <a@x> 1767323045 +0000\n"
            f"committer Ann <a@x> 1767323045 +0000\ngpgsig -----BEGIN PGP SIGNATURE-----\n"
            " \n AAAA\n -----END PGP SIGNATURE-----\n\nsigned\n")
    sha = _git(repo, "hash-object", "-t", "commit", "-w", "--stdin", stdin=body.encode())
    _git(repo, "update-ref", "refs/heads/main", sha)


def test_a_folders_git_config_runs_no_program(tmp_path: Path, llm_doc: Run) -> None:
    repo = tmp_path / "proj"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    (repo / "a.py").write_text("x = 1\n")
    (repo / "b.py").write_text("y = 1\n" * 20)
    (repo / ".gitattributes").write_text("* filter=x diff=d\n")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "first")
    _git(repo, "mv", "b.py", "c.py")
    _git(repo, "commit", "-qm", "rename")
    _signed_looking_commit(repo)
    markers = []
    for key in ("gpg.program", "gpg.ssh.program", "core.fsmonitor", "core.pager",
                "diff.external", "diff.d.textconv", "diff.d.command", "filter.x.clean",
                "filter.x.smudge", "filter.x.process", "core.sshCommand",
                "credential.helper", "core.editor"):
        script, marker = _marker_script(tmp_path, key)
        _git(repo, "config", key, str(script))
        markers.append(marker)
    _git(repo, "config", "log.showSignature", "true")
    _git(repo, "config", "core.hooksPath", str(tmp_path))
    (repo / "a.py").write_text("x = 2\n")  # a changed file: status would ask the monitor
    result = llm_doc("report", str(repo), "--format", "json", "--no-source")
    assert result.returncode == 0, result.stderr
    assert [m.name for m in markers if m.exists()] == []
    data = json.loads(result.stdout)
    assert data["commit"]["subject"] == "signed"
    assert [c["subject"] for c in data["files"][1]["history"]] == ["rename", "first"]


def test_a_clone_runs_no_program_from_the_users_git_config(tmp_path: Path,
                                                            llm_doc: Run) -> None:
    repo = tmp_path / "proj"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    (repo / "a.py").write_text('"""Clean."""\n')
    (repo / ".gitattributes").write_text("*.py filter=x diff=d\n")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "first")
    home = tmp_path / "home"
    (home / "templates" / "hooks").mkdir(parents=True)
    smudge, smudged = _marker_script(tmp_path, "smudge")
    process, processed = _marker_script(tmp_path, "process")
    monitor, monitored = _marker_script(tmp_path, "fsmonitor")
    hook, hooked = _marker_script(home / "templates" / "hooks", "post-checkout")
    hook.rename(home / "templates" / "hooks" / "post-checkout")
    (home / ".gitconfig").write_text(
        f'[filter "x"]\n\tsmudge = {smudge}\n\tprocess = {process}\n'
        f'[core]\n\tfsmonitor = {monitor}\n[init]\n\ttemplateDir = {home / "templates"}\n'
    )
    env = {"HOME": str(home), "GIT_CONFIG_GLOBAL": str(home / ".gitconfig"),
           "XDG_CONFIG_HOME": str(home / ".config")}
    result = llm_doc("report", f"file://{repo}", "--format", "json", env=env)
    assert result.returncode == 0, result.stderr
    assert [m.name for m in (smudged, processed, monitored, hooked) if m.exists()] == []
    data = json.loads(result.stdout)
    assert data["files"][0]["source"] == '"""Clean."""\n'
    assert [c["subject"] for c in data["files"][0]["history"]] == ["first"]


def test_the_users_network_settings_still_apply_to_a_clone(tmp_path: Path,
                                                          llm_doc: Run) -> None:
    """url.<base>.insteadOf (like credential helpers and proxies) is the user's own."""
    repo = tmp_path / "proj"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    (repo / "a.py").write_text("x = 1\n")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "first")
    home = tmp_path / "home"
    home.mkdir()
    (home / ".gitconfig").write_text(
        f'[url "file://{tmp_path}/"]\n\tinsteadOf = https://example.invalid/\n'
        '[credential]\n\thelper = store\n[http]\n\tsslVerify = true\n'
        '[filter "x"]\n\tsmudge = cat\n[core]\n\tfsmonitor = true\n\tpager = less\n')
    env = {"HOME": str(home), "GIT_CONFIG_GLOBAL": str(home / ".gitconfig")}
    result = llm_doc("report", "https://example.invalid/proj", "--format", "json", env=env)
    assert result.returncode == 0, result.stderr
    assert [f["path"] for f in json.loads(result.stdout)["files"]] == ["a.py"]


@pytest.mark.parametrize("key", ["filter.x.smudge", "core.fsmonitor", "core.pager",
                                 "diff.external", "core.hookspath", "init.templatedir",
                                 "alias.log", "gpg.program", "protocol.allow"])
def test_only_network_settings_are_taken_from_the_users_config(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, key: str) -> None:
    from llm_doc_manager.report.origin import user_network_config

    config = tmp_path / "gitconfig"
    section, _, name = key.rpartition(".")
    head, _, sub = section.partition(".")
    title = f'[{head} "{sub}"]' if sub else f"[{head}]"
    config.write_text(f"{title}\n\t{name} = /bin/true\n[credential]\n\thelper = store\n"
                      '\thelper =\n\thelper = "!f() { echo x; }; f"\n'
                      '[http "https://h/"]\n\tproxy = http://127.0.0.1:1\n')
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    assert user_network_config() == [
        ("credential.helper", "store"), ("credential.helper", ""),
        ("credential.helper", "!f() { echo x; }; f"), ("http.https://h/.proxy",
                                                        "http://127.0.0.1:1")]


@pytest.mark.parametrize("table", ["project = 1", "project = [1]", 'project = {scripts = "x"}'])
def test_a_pyproject_of_any_shape_names_no_entry_point(tmp_path: Path, llm_doc: Run,
                                                       table: str) -> None:
    (tmp_path / "pyproject.toml").write_text(table + "\n")
    (tmp_path / "a.py").write_text("def f():\n    pass\n")
    result = llm_doc("report", str(tmp_path), "--format", "json", "--no-source")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["entry_points"] == []


def test_a_git_command_that_never_ends_leaves_the_report_without_history(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A stand-in for a repository whose history git cannot walk in time: a "git" that
    # answers rev-parse and then never answers log. The report is written, without history.
    from llm_doc_manager.report import history

    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "a.py").write_text("def f():\n    pass\n")
    fake = tmp_path / "bin"
    fake.mkdir()
    script = fake / "git"
    script.write_text(f'#!/bin/sh\ncase "$*" in *rev-parse*) echo "{repo}";; '
                      '*) exec sleep 60;; esac\n')
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(history, "GIT_TIMEOUT", 0.5)
    assert history.repository_root(repo) == repo
    assert history.head(repo) is None
    assert history.histories(repo, {"a.py"}, 5) == {}
