"""The real command: modes, exit codes, bad input that loses nothing, configuration."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from llm_doc_manager.errors import StaleFileError
from llm_doc_manager.source.files import read_source, write_atomic
from tests.conftest import Run

MARKED = "# @llm-doc-start\ndef add(a: int, b: int) -> int:\n    return a + b\n# @llm-doc-end\n"


def test_yes_writes_and_second_run_changes_nothing(tmp_path: Path, llm_doc: Run) -> None:
    (tmp_path / "m.py").write_text(MARKED)
    first = llm_doc("generate", "--yes", ".")
    assert first.returncode == 0, first.stderr
    assert "using the offline 'static' provider" in first.stderr
    assert "1 file changed; regions: 1 generated" in first.stderr
    assert '"""TODO: describe.' in (tmp_path / "m.py").read_text()
    second = llm_doc("generate", "--check", "--provider", "static")
    assert second.returncode == 0, second.stderr
    assert "0 files would change" in second.stderr
    assert "offline" not in second.stderr  # provider was configured: no note


def test_check_and_diff_write_nothing(tmp_path: Path, llm_doc: Run) -> None:
    path = tmp_path / "m.py"
    path.write_text(MARKED)
    check = llm_doc("generate", "--check", "m.py")
    assert check.returncode == 1
    assert "would change m.py" in check.stderr
    diff = llm_doc("generate", "--diff", "m.py")
    assert diff.returncode == 0
    assert diff.stdout.startswith("--- a/m.py\n+++ b/m.py\n")
    assert '+    """TODO: describe.' in diff.stdout
    assert path.read_text() == MARKED


def test_no_terminal_means_no_write(tmp_path: Path, llm_doc: Run) -> None:
    path = tmp_path / "m.py"
    path.write_text(MARKED)
    result = llm_doc("generate", "m.py", stdin="y\n")
    assert result.returncode == 1
    assert "Use --yes" in result.stderr
    assert path.read_text() == MARKED


def test_bad_files_are_reported_untouched_and_others_go_on(tmp_path: Path,
                                                           llm_doc: Run) -> None:
    files = {
        "a_syntax.py": b"# @llm-doc-start\ndef f(:\n    pass\n# @llm-doc-end\n",
        "b_undecodable.py": b"# @llm-doc-start\ndef f():\n    return '\xff\xfe'\n# @llm-doc-end\n",
        "c_unbalanced.py": b"# @llm-doc-start\ndef f():\n    pass\n",
        "d_bad_cookie.py": b"# -*- coding: no-such-codec -*-\ndef f(): pass\n",
        "e_good.py": MARKED.encode(),
    }
    if sys.version_info < (3, 12):
        files["f_newer_syntax.py"] = b"# @llm-doc-start\ndef f[T](x: T) -> T:\n    return x\n" \
                                     b"# @llm-doc-end\n"
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    result = llm_doc("generate", "--yes", ".")
    assert result.returncode == 1
    err = result.stderr
    assert "a_syntax.py:2:" in err
    assert "LD001" in err
    assert "b_undecodable.py:3:0: LD002" in err
    assert "c_unbalanced.py:1:1: LD101" in err
    assert "d_bad_cookie.py:1:0: LD002" in err
    if sys.version_info < (3, 12):
        assert "f_newer_syntax.py:2:" in err
    for name, data in files.items():
        if name != "e_good.py":
            assert (tmp_path / name).read_bytes() == data, name
    assert '"""TODO: describe.' in (tmp_path / "e_good.py").read_text()
    assert "1 file changed" in err


def test_mode_and_bytes_outside_docstrings_are_kept(tmp_path: Path, llm_doc: Run) -> None:
    path = tmp_path / "m.py"
    path.write_bytes(MARKED.replace("\n", "\r\n").encode())
    os.chmod(path, 0o750)
    assert llm_doc("generate", "-y", "-q", "m.py").returncode == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o750
    data = path.read_bytes()
    assert b"\r\n" in data
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert not list(tmp_path.glob(".m.py.*"))  # no temporary file left behind


def test_stale_file_is_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_text("x = 1\n")
    source = read_source(path)
    path.write_text("x = 2  # edited meanwhile\n")
    with pytest.raises(StaleFileError):
        write_atomic(source, "x = 3\n")
    assert path.read_text() == "x = 2  # edited meanwhile\n"
    assert [p.name for p in tmp_path.iterdir()] == ["m.py"]


def test_config_from_pyproject_and_unknown_key(tmp_path: Path, llm_doc: Run) -> None:
    (tmp_path / "m.py").write_text(MARKED.replace("add", "add_numbers_with_long_name"))
    (tmp_path / "pyproject.toml").write_text('[tool.llm-doc]\nprovider = "static"\nwidth = 30\n')
    result = llm_doc("generate", "--diff")
    assert result.returncode == 0, result.stderr
    assert all(len(line) <= 31 for line in result.stdout.splitlines()
               if line.startswith("+ ") and '"""' not in line)
    (tmp_path / "pyproject.toml").write_text('[tool.llm-doc]\nwdith = 30\n')
    bad = llm_doc("generate", "--diff")
    assert bad.returncode == 2
    assert "unknown key 'wdith'" in bad.stderr


def test_env_overrides_file_and_flags_override_env(tmp_path: Path, llm_doc: Run) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.llm-doc]\nprovider = "nonsense"\n')
    (tmp_path / "m.py").write_text(MARKED)
    assert llm_doc("generate", "--diff").returncode == 2
    assert llm_doc("generate", "--diff", env={"LLM_DOC_PROVIDER": "static"}).returncode == 0
    assert llm_doc("generate", "--diff", "--provider", "static",
                   env={"LLM_DOC_PROVIDER": "nonsense"}).returncode == 0


def test_usage_errors_exit_2(tmp_path: Path, llm_doc: Run) -> None:
    assert llm_doc("generate", "missing.py").returncode == 2
    assert llm_doc("generate", "--yes", "--check").returncode == 2
    assert llm_doc("generate", "--width", "5").returncode == 2
    assert llm_doc("generate", "--bogus").returncode == 2
    assert llm_doc("generate", "--provider", "bogus").returncode == 2
    no_key = llm_doc("generate", "--provider", "openai")
    assert no_key.returncode == 2
    assert "OPENAI_API_KEY" in no_key.stderr
    azure = llm_doc("generate", "--provider", "azure", env={"AZURE_OPENAI_API_KEY": "sk-x"})
    assert azure.returncode == 2
    assert "AZURE_OPENAI_ENDPOINT" in azure.stderr
    assert "sk-x" not in azure.stderr + azure.stdout
    assert llm_doc("generate", "--concurrency", "0").returncode == 2


def test_discovery_skips_ignored_hidden_and_venv(tmp_path: Path, llm_doc: Run) -> None:
    for rel in ("keep/a.py", "ignored/b.py", ".hidden/c.py", "venv1/d.py", "keep/gen_e.py"):
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(MARKED)
    (tmp_path / "venv1" / "pyvenv.cfg").write_text("")
    (tmp_path / ".gitignore").write_text("ignored/\n")
    (tmp_path / "pyproject.toml").write_text('[tool.llm-doc]\nexclude = ["gen_*.py"]\n')
    result = llm_doc("generate", "--check", "--provider", "static")
    assert result.returncode == 1
    changed = [line for line in result.stderr.splitlines() if line.startswith("would change ")]
    assert changed == ["would change keep/a.py"]


def test_all_and_only_missing_flags(tmp_path: Path, llm_doc: Run) -> None:
    path = tmp_path / "m.py"
    path.write_text('def a(x):\n    """Kept."""\n    return x\n\n\ndef b(y):\n    return y\n')
    assert llm_doc("generate", "--check", "m.py").returncode == 0  # no markers: nothing
    result = llm_doc("generate", "--yes", "--all", "--only-missing", "m.py")
    assert result.returncode == 0, result.stderr
    text = path.read_text()
    assert '"""Kept."""' in text
    assert "y: TODO: describe." in text


def test_an_invalid_gitignore_pattern_matches_nothing(tmp_path: Path, llm_doc: Run) -> None:
    # git ignores a pattern it cannot read (``!`` alone); so do we, instead of a traceback.
    (tmp_path / ".gitignore").write_text("!\nskipped/\n")
    (tmp_path / "skipped").mkdir()
    (tmp_path / "skipped" / "s.py").write_text(MARKED)
    (tmp_path / "kept.py").write_text(MARKED)
    result = llm_doc("generate", "--check", ".")
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    changed = [line for line in result.stderr.splitlines() if line.startswith("would change ")]
    assert changed == ["would change kept.py"]


@pytest.mark.timeout(60)
@pytest.mark.parametrize("command", ["generate", "validate"])
def test_fifo_device_link_and_symlink_loop_are_findings(tmp_path: Path, llm_doc: Run,
                                                        command: str) -> None:
    import os

    os.mkfifo(tmp_path / "fifo.py")
    (tmp_path / "zero.py").symlink_to("/dev/zero")
    (tmp_path / "loop_a.py").symlink_to(tmp_path / "loop_b.py")
    (tmp_path / "loop_b.py").symlink_to(tmp_path / "loop_a.py")
    (tmp_path / "good.py").write_text(MARKED)
    (tmp_path / "same.py").symlink_to(tmp_path / "good.py")
    args = ["--all"] if command == "validate" else ["--check"]
    # zero.py named: the user's choice, read and refused; found in the walk: it leaves "."
    result = llm_doc(command, *args, ".", "good.py", "zero.py")
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    out = result.stdout + result.stderr
    assert "fifo.py:0:0: LD005 cannot read: not a regular file (a FIFO)" in out
    assert "zero.py:0:0: LD005 cannot read: not a regular file (a character device)" in out
    assert "zero.py:0:0: LD007 symbolic link to '/dev/zero' leaves the folder processed" in out
    assert "loop_a.py:0:0: LD005 cannot read:" in out
    # good.py was named twice and linked once: it is one file.
    if command == "generate":
        assert [line for line in result.stderr.splitlines()
                if line.startswith("would change")] == ["would change good.py"]


def test_a_file_over_the_size_limit_is_a_finding(tmp_path: Path, llm_doc: Run) -> None:
    (tmp_path / "big.py").write_text("x = 1\n" * 200_000)
    result = llm_doc("validate", "--all", "big.py", env={"LLM_DOC_MAX_FILE_MB": "1"})
    assert result.returncode == 1
    assert "big.py:0:0: LD006 cannot read: larger than the 1 MB limit" in result.stdout


@pytest.mark.parametrize("command", ["generate", "validate"])
def test_an_expression_too_deep_to_analyse_fails_its_file_only(tmp_path: Path, llm_doc: Run,
                                                               command: str) -> None:
    deep = ("def f(x=" + "+".join(["1"] * 1200) + "):\n    \"\"\"Sum.\n\n    Args:\n"
            "        x: A number.\n    \"\"\"\n    return x\n")
    (tmp_path / "deep.py").write_text(deep)
    (tmp_path / "good.py").write_text(MARKED)
    args = ["--all", "."] if command == "validate" else ["--yes", "--all", "."]
    result = llm_doc(command, *args)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "deep.py:0:0: LD001 cannot analyse: expressions nested too deeply" in \
        result.stdout + result.stderr
    assert (tmp_path / "deep.py").read_text() == deep
    if command == "generate":
        assert '"""TODO: describe.' in (tmp_path / "good.py").read_text()
