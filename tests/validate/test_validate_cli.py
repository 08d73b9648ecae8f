"""``llm-doc validate``: every code, suppression, output formats, baseline, cache and --fix."""

from __future__ import annotations

import ast
import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import Run
from tests.helpers import assert_only_docstrings_changed, ast_without_docstrings

HERE = Path(__file__).parent / "data"
_EXPECTED = len((HERE / "expected.txt").read_text().splitlines())


def _drift(tmp_path: Path) -> Path:
    target = tmp_path / "drift.py"
    shutil.copyfile(HERE / "drift.py", target)
    # LD364 checks only a width the project states (docs/configuration.md): flake8's.
    (tmp_path / ".flake8").write_text("[flake8]\nmax-line-length = 79\n")
    return target


def test_every_code_is_found_where_expected(tmp_path: Path, llm_doc: Run) -> None:
    _drift(tmp_path)
    result = llm_doc("validate", "--all", "drift.py", "-q")
    assert result.returncode == 1, result.stderr
    assert result.stdout == (HERE / "expected.txt").read_text()
    codes = {line.split()[1] for line in result.stdout.splitlines()}
    assert codes == {"LD301", "LD302", "LD303", "LD311", "LD312", "LD313", "LD314", "LD315",
                     "LD321", "LD322", "LD323", "LD331", "LD332", "LD341", "LD342", "LD351",
                     "LD352", "LD353", "LD361", "LD362", "LD363", "LD364", "LD365"}
    # Suppressed (def line, docstring), short docstrings and private names stay silent.
    for silent in ("suppressed", "short", "_private"):
        assert f" {silent}:" not in result.stdout


def test_marked_regions_only_by_default(tmp_path: Path, llm_doc: Run) -> None:
    (tmp_path / "m.py").write_text(
        "def loose(a):\n    \"\"\"Loose.\n\n    Args:\n        b: Wrong.\n    \"\"\"\n\n\n"
        "# @llm-doc-start\ndef marked(a):\n    return a\n# @llm-doc-end\n\n"
        "# @llm-doc-start\nx = 1\n")
    result = llm_doc("validate", "m.py", "-q")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert "m.py:10:5: LD301 marked: function has no docstring" in lines
    assert any(" LD10" in line for line in lines)  # the unbalanced marker is a finding
    assert not any("loose" in line for line in lines)


def test_clean_file_exits_0_and_bad_input_is_a_finding(tmp_path: Path, llm_doc: Run) -> None:
    (tmp_path / "ok.py").write_text('"""Fine."""\n\n\ndef f(a: int) -> int:\n'
                                    '    """Double.\n\n    Args:\n        a (int): A number.'
                                    '\n\n    Returns:\n        int: Twice a.\n    """\n'
                                    '    return 2 * a\n')
    clean = llm_doc("validate", "--all", "ok.py")
    assert clean.returncode == 0, clean.stdout
    assert "1 file checked, no findings" in clean.stderr
    (tmp_path / "broken.py").write_text("def f(:\n")
    (tmp_path / "latin.py").write_bytes(b"x = '\xe9'\n")
    result = llm_doc("validate", "--all", ".", "-q")
    assert result.returncode == 1
    assert "broken.py:1:7: LD001 cannot parse" in result.stdout
    assert "latin.py:1:0: LD002" in result.stdout
    assert "Traceback" not in result.stderr
    assert llm_doc("validate", "--format", "xml").returncode == 2
    assert llm_doc("validate", "missing.py").returncode == 2
    assert llm_doc("validate", "--write-baseline").returncode == 2


def test_select_ignore_and_formats(tmp_path: Path, llm_doc: Run) -> None:
    _drift(tmp_path)
    only_args = llm_doc("validate", "--all", "--select", "LD31", "--ignore", "LD315",
                        "--format", "json", "drift.py")
    data = json.loads(only_args.stdout)
    assert {d["code"] for d in data} == {"LD311", "LD312", "LD313", "LD314"}
    assert data[0] == {"path": "drift.py", "line": 20, "col": 5, "code": "LD313",
                       "message": "arg_drift: arguments are documented in another order than "
                                  "the signature (a, b, rest)"}
    github = llm_doc("validate", "--all", "--select", "LD301", "--format", "github", "drift.py")
    assert github.stdout.splitlines()[0] == (
        "::error file=drift.py,line=1,col=1,title=LD301::<module>: module has no docstring")
    fixable = llm_doc("validate", "--all", "--select", "fixable", "drift.py", "-q")
    assert "LD301" not in fixable.stdout
    assert "LD311" in fixable.stdout


def test_baseline_reports_only_new_drift(tmp_path: Path, llm_doc: Run) -> None:
    path = _drift(tmp_path)
    written = llm_doc("validate", "--all", "drift.py", "--baseline", "base.json",
                      "--write-baseline")
    assert written.returncode == 0
    assert llm_doc("validate", "--all", "drift.py", "--baseline", "base.json").returncode == 0
    # Lines move (a blank line on top) and one new problem appears: only it is reported.
    path.write_text("\n" + path.read_text() + "\n\ndef fresh(a, b):\n    \"\"\"New.\n\n"
                    "    Args:\n        a: First.\n    \"\"\"\n")
    result = llm_doc("validate", "--all", "drift.py", "--baseline", "base.json", "-q")
    assert result.returncode == 1
    line = path.read_text().splitlines().index("def fresh(a, b):") + 2
    assert result.stdout.splitlines() == [
        f"drift.py:{line}:5: LD311 fresh: argument 'b' is not documented"]


def test_warm_run_reports_what_the_cold_run_did(tmp_path: Path, llm_doc: Run) -> None:
    _drift(tmp_path)
    # 81 copies of one file would teach their own conventions (none has a module docstring:
    # the folder writes none, so none is asked for); this test is about the cache.
    (tmp_path / "pyproject.toml").write_text('[tool.llm-doc]\nconventions = "default"\n')
    for i in range(80):  # enough files for the worker processes to be used
        shutil.copyfile(HERE / "drift.py", tmp_path / f"copy_{i}.py")
    cold = llm_doc("validate", "--all", ".", "--format", "json")
    warm = llm_doc("validate", "--all", ".", "--format", "json")
    assert cold.stdout == warm.stdout
    assert len(json.loads(cold.stdout)) == 81 * _EXPECTED
    serial = llm_doc("validate", "--all", ".", "--format", "json", "--no-cache", "--jobs", "1")
    assert serial.stdout == cold.stdout
    # A changed file is checked again, the others come from the cache.
    (tmp_path / "copy_0.py").write_text('"""Now clean."""\n')
    again = json.loads(llm_doc("validate", "--all", ".", "--format", "json").stdout)
    assert len(again) == 80 * _EXPECTED


def test_fix_syncs_and_converges(tmp_path: Path, llm_doc: Run) -> None:
    path = _drift(tmp_path)
    before = path.read_text()
    fixed = llm_doc("validate", "--all", "--fix", "--yes", "drift.py", "-q")
    assert fixed.returncode == 1  # unfixable findings remain (missing docstrings, ...)
    after = path.read_text()
    assert after != before
    ast.parse(after)
    assert ast_without_docstrings(after) == ast_without_docstrings(before)
    assert_only_docstrings_changed(before, after)
    remaining = {line.split()[1] for line in fixed.stdout.splitlines()}
    assert remaining <= {"LD301", "LD302", "LD303", "LD313", "LD322", "LD332", "LD342", "LD352",
                         "LD361", "LD362", "LD363", "LD364", "LD365", "LD311"}, fixed.stdout
    assert "Wrong type." in after  # human text kept
    assert "x (float): Wrong type." in after  # the type follows the annotation
    second = llm_doc("validate", "--all", "--fix", "--yes", "--select", "fixable", "drift.py")
    assert path.read_text() == after
    assert second.returncode in (0, 1)
    third = llm_doc("validate", "--all", "--fix", "--yes", "--select", "fixable", "drift.py")
    assert third.returncode == second.returncode
    assert path.read_text() == after


def test_fix_diff_writes_nothing(tmp_path: Path, llm_doc: Run) -> None:
    path = _drift(tmp_path)
    before = path.read_text()
    shown = llm_doc("validate", "--all", "--fix", "--diff", "drift.py")
    assert "+        *rest: Missing stars." in shown.stdout
    assert path.read_text() == before
    refused = llm_doc("validate", "--all", "--fix", "drift.py")
    assert "stdin is not a terminal" in refused.stderr
    assert path.read_text() == before


def test_the_package_documents_itself(llm_doc: Run) -> None:
    root = Path(__file__).parent.parent.parent
    result = llm_doc("validate", "--all", str(root / "llm_doc_manager"), "--config",
                     str(root / "pyproject.toml"))
    assert result.returncode == 0, result.stdout


def test_select_ignore_and_baseline_from_pyproject(tmp_path: Path, llm_doc: Run) -> None:
    _drift(tmp_path)
    config = '[tool.llm-doc]\nselect = ["LD33"]\nignore = ["LD332"]\n'
    (tmp_path / "pyproject.toml").write_text(config)
    result = llm_doc("validate", "--all", "drift.py", "-q")
    assert [line.split()[1] for line in result.stdout.splitlines()] == ["LD331"]
    (tmp_path / "pyproject.toml").write_text(config + 'baseline = "base.json"\n')
    # A baseline that does not exist is a mistake (a typo would fail or pass everything).
    missing = llm_doc("validate", "--all", "drift.py", "-q")
    assert missing.returncode == 2
    assert "base.json: no such baseline file (create it with --write-baseline)" in missing.stderr
    assert llm_doc("validate", "--all", "drift.py", "--write-baseline").returncode == 0
    assert (tmp_path / "base.json").exists()
    assert llm_doc("validate", "--all", "drift.py").returncode == 0
    assert llm_doc("validate", "--all", "drift.py", "--select", "LD301").returncode == 1


def test_fix_never_deletes_a_superfluous_section(tmp_path: Path, llm_doc: Run) -> None:
    # A Returns section on a function that returns nothing holds words a person wrote: it is
    # reported (LD322) and left for a person to delete, never deleted by --fix.
    path = tmp_path / "stop.py"
    text = ('from typing import NoReturn\n\n\ndef fail(msg: str) -> NoReturn:\n'
            '    """Stop.\n\n    Args:\n        msg (str): Why.\n\n    Returns:\n'
            '        None: Never.\n    """\n    ...\n')
    path.write_text(text)
    assert "LD322" in llm_doc("validate", "--all", "stop.py", "-q").stdout
    llm_doc("validate", "--all", "--fix", "--yes", "stop.py")
    assert path.read_text() == text
    assert llm_doc("validate", "--all", "--select", "fixable", "stop.py").returncode == 0


def test_fix_turns_returns_of_a_generator_into_yields(tmp_path: Path, llm_doc: Run) -> None:
    path = tmp_path / "gen.py"
    path.write_text('def count(n):\n    """Count.\n\n    Args:\n        n: How far.\n\n'
                    '    Returns:\n        The numbers, one by one.\n    """\n'
                    '    yield from range(n)\n')
    llm_doc("validate", "--all", "--fix", "--yes", "gen.py")
    assert path.read_text() == ('def count(n):\n    """Count.\n\n    Args:\n'
                                '        n: How far.\n\n    Yields:\n'
                                '        The numbers, one by one.\n    """\n'
                                '    yield from range(n)\n')


def test_warm_run_imports_neither_pydantic_nor_rich(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    _drift(tmp_path)
    env = {**os.environ, "LLM_DOC_CACHE_DIR": str(tmp_path / "cache")}
    command = [sys.executable, "-X", "importtime", "-m", "llm_doc_manager", "validate",
               "--all", "drift.py"]
    cold = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True,
                          check=False, timeout=120)
    assert "pydantic" in cold.stderr  # the checker was needed
    warm = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True,
                          check=False, timeout=120)
    assert warm.stdout == cold.stdout
    imported = {line.rsplit("|", 1)[-1].strip().split(".")[0]
                for line in warm.stderr.splitlines() if line.startswith("import time:")}
    assert not imported & {"pydantic", "rich", "typer", "openai"}


@pytest.mark.parametrize("args", [["--select", "XX"], ["--select", "LD9"],
                                  ["--ignore", "LD3l1"], ["--extend-select", "LD31,XY"]])
def test_unknown_codes_are_a_usage_error(tmp_path: Path, llm_doc: Run, args: list[str]) -> None:
    _drift(tmp_path)
    result = llm_doc("validate", "--all", *args, "drift.py")
    assert result.returncode == 2, result.stdout
    bad = args[1].split(",")[-1]
    assert f"unknown code '{bad}'" in result.stderr
    assert result.stdout == ""


def test_unknown_code_in_the_config_names_the_file(tmp_path: Path, llm_doc: Run) -> None:
    _drift(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.llm-doc]\nselect = ["LD3l1"]\n')
    result = llm_doc("validate", "--all", "drift.py")
    assert result.returncode == 2
    assert "pyproject.toml: [tool.llm-doc] select: unknown code 'LD3l1'" in result.stderr


def test_extend_select_and_exit_zero(tmp_path: Path, llm_doc: Run) -> None:
    _drift(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.llm-doc]\nselect = ["LD311"]\n')
    only = llm_doc("validate", "--all", "-q", "drift.py")
    assert {line.split()[1] for line in only.stdout.splitlines()} == {"LD311"}
    extended = llm_doc("validate", "--all", "-q", "--extend-select", "LD312", "drift.py")
    assert {line.split()[1] for line in extended.stdout.splitlines()} == {"LD311", "LD312"}
    assert extended.returncode == 1
    zero = llm_doc("validate", "--all", "-q", "--exit-zero", "drift.py")
    assert zero.returncode == 0
    assert zero.stdout == only.stdout
    every = llm_doc("validate", "--all", "-q", "--select", "ALL", "--exit-zero", "drift.py")
    assert every.returncode == 0
    assert len(every.stdout.splitlines()) == _EXPECTED


def test_stats_per_file_and_in_all(tmp_path: Path, llm_doc: Run) -> None:
    (tmp_path / "a.py").write_text(
        '"""Module a."""\n\n\ndef f(x):\n    """Return `x` doubled, see `g`.\n\n    Args:\n'
        '        x: A number.\n\n    Returns:\n        Twice x.\n    """\n    return 2 * x\n\n\n'
        'def g(y):\n    return y\n')
    (tmp_path / "b.py").write_text('def h(z):\n    """Use `nowhere`."""\n    return z\n')
    result = llm_doc("validate", "--stats", "a.py", "b.py")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["file", "coverage", "completeness", "truthfulness"]
    # a.py: module, f, g -> 2 of 3; f complete (summary, Args, Returns); mentions x, g, x
    # (the Args entry) all exist.
    assert lines[1].split() == ["a.py", "66.7", "%", "2/3", "1.000", "(", "1)", "1.000",
                                "(3/3)"]
    # b.py: module, h -> 1 of 2; h lacks Args and Returns: 1 of 3; `nowhere` does not exist.
    assert lines[2].split() == ["b.py", "50.0", "%", "1/2", "0.333", "(", "1)", "0.000",
                                "(0/1)"]
    assert lines[3].split() == ["all", "files", "60.0", "%", "3/5", "0.667", "(", "2)",
                                "0.750", "(3/4)"]
    bad = llm_doc("validate", "--stats", "--format", "json", "a.py")
    assert bad.returncode == 2
    assert "--stats prints a table" in bad.stderr
