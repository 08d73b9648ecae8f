"""The command line as black and ruff users expect it: help, completion, exclusion, stdin,
colour, verbosity, configuration, and writes that keep a file's identity."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Run

MARKED = "# @llm-doc-start\ndef add(a: int, b: int) -> int:\n    return a + b\n# @llm-doc-end\n"
DRIFT = ('"""Calc."""\n\n\ndef add(a, b):\n    """Add.\n\n    Args:\n        a: The first.\n'
         '    """\n    return a + b\n')
BIN = Path(sys.executable).parent


@pytest.mark.parametrize("command", [[], ["generate"], ["validate"], ["cache"], ["cache", "stats"],
                                     ["completion"]])
@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_help_for_every_command(llm_doc: Run, command: list[str], flag: str) -> None:
    result = llm_doc(*command, flag)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"usage: llm-doc{' ' if command else ''}{' '.join(command)}")
    assert "<bool>" not in result.stdout


def test_usage_errors_exit_2(llm_doc: Run) -> None:
    assert llm_doc().returncode == 2
    assert llm_doc("nonesuch").returncode == 2
    assert llm_doc("generate", "--nonesuch").returncode == 2
    assert llm_doc("validate", "--nonesuch").returncode == 2


def _complete(line: str) -> list[str]:
    """Ask the real bash completion function, as bash does on TAB."""
    script = subprocess.run([str(BIN / "llm-doc"), "completion", "bash"], capture_output=True,
                            text=True, check=True).stdout
    words = line.split(" ")
    driver = (f'{script}\nCOMP_WORDS=({" ".join(repr(w) for w in words)}); '
              f'COMP_CWORD={len(words) - 1}; COMP_LINE={line!r}; COMP_POINT={len(line)}; '
              '_python_argcomplete llm-doc; printf "%s\\n" "${COMPREPLY[@]}"')
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run(["bash", "-c", driver], capture_output=True, text=True, env=env,
                          check=False, timeout=60)
    assert done.returncode == 0, done.stderr
    return sorted(word.strip() for word in done.stdout.splitlines() if word.strip())


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_shell_completion_works_in_bash() -> None:
    assert _complete("llm-doc gen") == ["generate"]
    assert _complete("llm-doc validate --extend-") == ["--extend-exclude", "--extend-select"]
    assert [w for w in _complete("llm-doc completion ") if not w.startswith("-")] == [
        "bash", "fish", "zsh"]


@pytest.mark.parametrize("shell", ["zsh", "fish"])
def test_completion_scripts_for_other_shells(llm_doc: Run, shell: str) -> None:
    result = llm_doc("completion", shell)
    assert result.returncode == 0
    assert "llm-doc" in result.stdout


def _files(report: str) -> set[str]:
    """The files a findings report names."""
    return {line.split(":")[0] for line in report.splitlines() if line.strip()}


def _excluded_project(root: Path) -> None:
    (root / "pyproject.toml").write_text(
        '[tool.llm-doc]\nexclude = ["*_pb2.py", "generated/"]\n')
    (root / "generated").mkdir()
    for name in ("thing_pb2.py", "generated/gen.py", "kept.py"):
        (root / name).write_text(DRIFT)


def test_force_exclude_applies_exclude_to_named_files(tmp_path: Path, llm_doc: Run) -> None:
    _excluded_project(tmp_path)
    named = ("thing_pb2.py", "generated/gen.py", "kept.py")
    plain = llm_doc("validate", "--all", "-q", *named)
    assert _files(plain.stdout) == set(named)
    forced = llm_doc("validate", "--all", "-q", "--force-exclude", *named)
    assert _files(forced.stdout) == {"kept.py"}
    # From a subfolder the patterns stay relative to the project root (the pyproject.toml).
    sub = llm_doc("validate", "--all", "-q", "--force-exclude", "gen.py",
                  cwd=tmp_path / "generated")
    assert sub.returncode == 0
    assert sub.stdout == ""
    fixed = llm_doc("validate", "--all", "--fix", "--yes", "--force-exclude", *named)
    assert fixed.returncode == 1  # LD302: the placeholder written for kept.py
    assert (tmp_path / "thing_pb2.py").read_text() == DRIFT
    assert (tmp_path / "generated/gen.py").read_text() == DRIFT
    assert (tmp_path / "kept.py").read_text() != DRIFT
    generate = llm_doc("generate", "--all", "--yes", "--force-exclude", *named)
    assert generate.returncode == 0, generate.stderr
    assert (tmp_path / "thing_pb2.py").read_text() == DRIFT


def test_force_exclude_from_the_configuration(tmp_path: Path, llm_doc: Run) -> None:
    _excluded_project(tmp_path)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.llm-doc]\nexclude = ["*_pb2.py"]\nextend-exclude = ["generated/"]\n'
        "force-exclude = true\n")
    result = llm_doc("validate", "--all", "-q", "thing_pb2.py", "generated/gen.py", "kept.py")
    assert _files(result.stdout) == {"kept.py"}


def test_exclude_flags_replace_and_extend(tmp_path: Path, llm_doc: Run) -> None:
    _excluded_project(tmp_path)
    walked = llm_doc("validate", "--all", "-q", ".")
    assert _files(walked.stdout) == {"kept.py"}
    replaced = llm_doc("validate", "--all", "-q", "--exclude", "kept.py", ".")
    assert _files(replaced.stdout) == {
        "thing_pb2.py", "generated/gen.py"}
    extended = llm_doc("validate", "--all", "-q", "--extend-exclude", "kept.py", ".")
    assert extended.returncode == 0
    assert extended.stdout == ""


def test_validate_reads_stdin(tmp_path: Path, llm_doc: Run) -> None:
    (tmp_path / "pkg").mkdir()
    result = llm_doc("validate", "--all", "-q", "-", "--stdin-filename", "pkg/calc.py",
                     stdin=DRIFT)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == (
        "pkg/calc.py:5:5: LD311 add: argument 'b' is not documented")
    fixed = llm_doc("validate", "--all", "--fix", "-", "--stdin-filename", "pkg/calc.py",
                    stdin=DRIFT)
    # The fixed code on stdout, what is left (the placeholders) on stderr.
    assert fixed.stdout.startswith('"""Calc."""\n\n\ndef add(a, b):\n    """Add.\n\n    Args:\n'
                                   "        a: The first.\n        b: TODO: describe.\n")
    assert "pkg/calc.py:" in fixed.stderr
    assert "LD302" in fixed.stderr
    assert not list(tmp_path.rglob("*.py"))  # nothing written to disk


def test_generate_reads_stdin_and_prints_the_result(tmp_path: Path, llm_doc: Run) -> None:
    result = llm_doc("generate", "-", "--stdin-filename", "m.py", stdin=MARKED)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# @llm-doc-start\ndef add(a: int, b: int) -> int:\n"
                                    '    """TODO: describe.')
    diff = llm_doc("generate", "-", "--diff", stdin=MARKED)
    assert diff.stdout.startswith("--- a/stdin.py\n+++ b/stdin.py\n")
    assert llm_doc("generate", "-", "m.py", stdin=MARKED).returncode == 2
    excluded = llm_doc("generate", "-", "--stdin-filename", "x_pb2.py", "--force-exclude",
                       "--exclude", "*_pb2.py", stdin=MARKED)
    assert excluded.stdout == MARKED


def test_color_flags_and_environment(tmp_path: Path, llm_doc: Run) -> None:
    (tmp_path / "m.py").write_text(DRIFT)
    escape = "\x1b["
    assert escape not in llm_doc("validate", "--all", "m.py").stdout  # a pipe: no colour
    assert escape in llm_doc("validate", "--all", "--color", "m.py").stdout
    assert escape in llm_doc("validate", "--all", "m.py", env={"FORCE_COLOR": "1"}).stdout
    assert escape not in llm_doc("validate", "--all", "--no-color", "m.py",
                                 env={"FORCE_COLOR": "1"}).stdout
    assert escape not in llm_doc("validate", "--all", "m.py",
                                 env={"NO_COLOR": "1", "FORCE_COLOR": "1"}).stdout
    assert escape in llm_doc("generate", "--diff", "--all", "--color", "m.py").stdout
    assert escape not in llm_doc("generate", "--diff", "--all", "m.py").stdout


def test_verbose_names_the_configuration_and_the_provider(tmp_path: Path, llm_doc: Run) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.black]\nline-length = 100\n")
    (tmp_path / "m.py").write_text(MARKED)
    result = llm_doc("generate", "--check", "-v", "m.py")
    config = tmp_path / "pyproject.toml"
    assert f"config: {config}; width 100 ([tool.black] line-length)" in result.stderr
    assert "provider: static (offline)" in result.stderr
    checked = llm_doc("validate", "-v", "--width", "90", "m.py")
    assert f"config: {config}; width 90 (--width)" in checked.stderr


def test_width_follows_the_formatter(tmp_path: Path, llm_doc: Run) -> None:
    long_line = "word " * 17 + "end"  # words: a line of one word is never too long
    (tmp_path / "m.py").write_text(f'def f():\n    """{long_line}."""\n')
    assert "LD364" in llm_doc("validate", "--all", "--width", "79", "m.py").stdout
    (tmp_path / "pyproject.toml").write_text(
        '[tool.ruff]\nline-length = 100\n[tool.ruff.lint]\nselect = ["E501"]\n')
    assert "LD364" not in llm_doc("validate", "--all", "m.py").stdout
    (tmp_path / "pyproject.toml").write_text(
        "[tool.ruff]\nline-length = 100\n[tool.llm-doc]\nwidth = 79\n")
    assert "LD364" in llm_doc("validate", "--all", "m.py").stdout


def test_config_file_without_our_table_is_an_error(tmp_path: Path, llm_doc: Run) -> None:
    (tmp_path / "other.toml").write_text("[tool.black]\nline-length = 100\n")
    (tmp_path / "m.py").write_text(MARKED)
    for command in ("validate", "generate"):
        result = llm_doc(command, "--config", "other.toml", "m.py")
        assert result.returncode == 2
        assert "other.toml: no [tool.llm-doc] table" in result.stderr


def test_missing_baseline_is_an_error_unless_written(tmp_path: Path, llm_doc: Run) -> None:
    (tmp_path / "m.py").write_text(DRIFT)
    missing = llm_doc("validate", "--all", "--baseline", "base.json", "m.py")
    assert missing.returncode == 2
    assert "base.json: no such baseline file" in missing.stderr
    assert llm_doc("validate", "--all", "--baseline", "base.json", "--write-baseline",
                   "m.py").returncode == 0
    assert llm_doc("validate", "--all", "--baseline", "base.json", "m.py").returncode == 0


def test_fix_diff_keeps_stdout_for_the_diff(tmp_path: Path, llm_doc: Run) -> None:
    (tmp_path / "m.py").write_text(DRIFT)
    result = llm_doc("validate", "--all", "--fix", "--diff", "m.py")
    assert result.returncode == 1
    assert result.stdout.startswith("--- a/m.py\n+++ b/m.py\n")
    assert "LD311" not in result.stdout
    assert "m.py:5:5: LD311" in result.stderr
    patch = subprocess.run(["git", "apply", "--check", "-"], input=result.stdout, text=True,
                           cwd=tmp_path, capture_output=True, check=False)
    assert patch.returncode == 0, patch.stderr


def test_check_and_diff_together(tmp_path: Path, llm_doc: Run) -> None:
    (tmp_path / "m.py").write_text(MARKED)
    result = llm_doc("generate", "--check", "--diff", "m.py")
    assert result.returncode == 1
    assert result.stdout.startswith("--- a/m.py\n+++ b/m.py\n")
    assert (tmp_path / "m.py").read_text() == MARKED
    assert llm_doc("generate", "--check", "--yes", "m.py").returncode == 2


def test_a_crash_exits_2_without_a_traceback(tmp_path: Path) -> None:
    # The last line of defence, driven by a real failure inside the command.
    code = ("import sys, llm_doc_manager.cli as cli, llm_doc_manager.cli.app as app\n"
            "def broken(): raise RuntimeError('boom')\n"
            "app.build_parser = broken\nsys.argv = ['llm-doc', 'generate']\ncli.main()\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=tmp_path, check=False)
    assert result.returncode == 2
    assert "llm-doc: internal error: RuntimeError: boom" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_crash_message_shows_no_secret_and_no_terminal_escape(tmp_path: Path) -> None:
    # An exception's text can hold anything it was built from: the key, a URL with its
    # password, a file name with an escape sequence.
    code = ("import os, sys, llm_doc_manager.cli as cli, llm_doc_manager.cli.app as app\n"
            "def broken(): raise RuntimeError('key ' + os.environ['OPENAI_API_KEY'] + "
            "' at https://ann:hunter22@h/v1 \\x1b[2J\\nforged line')\n"
            "app.build_parser = broken\nsys.argv = ['llm-doc', 'generate']\ncli.main()\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=tmp_path, check=False,
                            env={**os.environ, "OPENAI_API_KEY": "sk-not-a-real-key-123"})
    assert result.returncode == 2
    assert "internal error: RuntimeError: key [redacted] at https://[redacted]@h/v1" \
        in result.stderr
    assert "sk-not-a-real-key-123" not in result.stderr
    assert "hunter22" not in result.stderr
    assert "\x1b" not in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_writes_go_through_a_symlink_and_keep_hard_links(tmp_path: Path, llm_doc: Run) -> None:
    real = tmp_path / "real.py"
    real.write_text(MARKED)
    link = tmp_path / "link.py"
    link.symlink_to(real)
    result = llm_doc("generate", "--yes", "link.py")
    assert result.returncode == 0, result.stderr
    assert link.is_symlink()
    assert '"""TODO: describe.' in real.read_text()
    (tmp_path / "a.py").write_text(MARKED)
    os.link(tmp_path / "a.py", tmp_path / "b.py")
    assert llm_doc("generate", "--yes", "a.py").returncode == 0
    assert os.path.samefile(tmp_path / "a.py", tmp_path / "b.py")
    assert '"""TODO: describe.' in (tmp_path / "b.py").read_text()


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root")
def test_writes_keep_the_owner_and_group(tmp_path: Path, llm_doc: Run) -> None:
    path = tmp_path / "theirs.py"
    path.write_text(MARKED)
    os.chown(path, 4321, 4322)
    path.chmod(0o640)
    assert llm_doc("generate", "--yes", "theirs.py").returncode == 0
    info = path.stat()
    assert (info.st_uid, info.st_gid, info.st_mode & 0o777) == (4321, 4322, 0o640)
    assert '"""TODO: describe.' in path.read_text()


def test_a_killed_runs_temporary_file_is_removed_by_the_next_run(tmp_path: Path,
                                                                 llm_doc: Run) -> None:
    (tmp_path / "m.py").write_text(MARKED)
    leftover = tmp_path / ".m.py.k2j4x9_q.llm-doc"
    leftover.write_text(MARKED)
    os.utime(leftover, (1, 1))
    fresh = tmp_path / ".m.py.abcdefgh.llm-doc"  # maybe another run's write in progress
    fresh.write_text(MARKED)
    result = llm_doc("generate", "--yes", "m.py")
    assert result.returncode == 0
    assert f"removed {leftover.name}" in result.stderr.replace(str(tmp_path) + os.sep, "")
    assert not leftover.exists()
    assert fresh.exists()


def test_a_signal_while_writing_stops_starting_files_and_names_them(tmp_path: Path) -> None:
    # A real SIGINT, delivered while the first file is being written (from inside the write,
    # so the moment is certain). Files are written a few at once (cli/apply.py _WRITERS):
    # the writes already started complete, no new one starts, and the message names exactly
    # the files written. The other writes wait until the signal was handled, so how many
    # were started does not depend on the machine's speed.
    names = [f"m{i:02}.py" for i in range(24)]
    for name in names:
        (tmp_path / name).write_text(MARKED)
    code = ("import os, signal, sys, threading\n"
            "import llm_doc_manager.cli.apply as apply\n"
            "handled = threading.Event()\n"
            "remember = apply._Stop._remember\n"
            "def seen(self, signum, frame):\n"
            "    remember(self, signum, frame)\n"
            "    handled.set()\n"
            "apply._Stop._remember = seen\n"
            "real = apply.write_atomic\n"
            "def write(source, text):\n"
            "    if source.path.name == 'm00.py':\n"
            "        os.kill(os.getpid(), signal.SIGINT)\n"
            "    assert handled.wait(60)\n"
            "    real(source, text)\n"
            "apply.write_atomic = write\n"
            f"sys.argv = ['llm-doc', 'generate', '--yes', *{names!r}]\n"
            "import llm_doc_manager.cli as cli\ncli.main()\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LLM_DOC_", "OPENAI_"))}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=tmp_path, check=False, env=env, timeout=120)
    assert result.returncode == 130, result.stderr
    written = [n for n in names if (tmp_path / n).read_text() != MARKED]
    untouched = [n for n in names if (tmp_path / n).read_text() == MARKED]
    assert written[0] == "m00.py"
    assert len(untouched) >= len(names) - 8  # at most the writes already started
    for name in written:
        assert '"""TODO: describe.' in (tmp_path / name).read_text()
    assert f"Interrupted; written: {', '.join(written)}; nothing else was changed." \
        in result.stderr
    assert not list(tmp_path.glob(".*.llm-doc"))
