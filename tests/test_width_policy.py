"""LD364 checks the docstring width the project states, and nothing else.

Measured on real projects before this rule: 37 of 40 sampled findings on griffe (its ruff
configuration lives in ``config/ruff.toml``, 120 columns, E501 ignored) and 19 of 40 on
huggingface_hub (E501 ignored) were LD364 at a 79 nobody asked for. A formatter's line
length (black) does not wrap docstrings, so it states no docstring width. Each test is a
project tree on disk, read by the real ``load_settings`` (or the real ``llm-doc``).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from llm_doc_manager.config import Settings, load_settings
from tests.conftest import Run

LONG = "word " * 17 + "end"  # 93 columns in a function's docstring; words, so it can wrap
SOURCE = f'"""M."""\n\n\ndef f():\n    """{LONG}."""\n'


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project folder; the user's own config.toml is an empty folder's."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "user"))
    folder = tmp_path / "project"
    (folder / "pkg").mkdir(parents=True)
    return folder


def _settings(project: Path, overrides: dict[str, object] | None = None,
              environ: dict[str, str] | None = None) -> Settings:
    return load_settings(project / "pkg", overrides or {}, environ or {})


def test_nothing_stated_means_no_width_check(project: Path) -> None:
    settings = _settings(project)
    assert settings.check_width is None
    assert settings.width == 79  # new text is still wrapped to PEP 8's width


def test_black_line_length_wraps_but_states_no_docstring_width(project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.black]\nline-length = 100\n")
    settings = _settings(project)
    assert (settings.width, settings.check_width) == (100, None)


def test_an_explicit_width_is_checked(project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.llm-doc]\nwidth = 90\n")
    settings = _settings(project)
    assert (settings.check_width, settings.check_width_from) == (90, "[tool.llm-doc] width")
    (project / "pyproject.toml").write_text("")
    assert _settings(project, {"width": 70}).check_width == 70
    assert _settings(project, environ={"LLM_DOC_WIDTH": "75"}).check_width == 75
    user = project.parent / "user" / "llm-doc"
    user.mkdir(parents=True)
    (user / "config.toml").write_text("width = 85\n")
    assert _settings(project).check_width == 85


@pytest.mark.parametrize("name", ["ruff.toml", ".ruff.toml"])
def test_ruff_file_with_e501_selected(project: Path, name: str) -> None:
    (project / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (project / name).write_text('line-length = 100\n[lint]\nselect = ["E"]\n')
    settings = _settings(project)
    assert settings.width == 100  # ruff's own file sets the wrap width too
    assert settings.check_width == 100
    assert name in settings.check_width_from


def test_ruff_file_found_without_a_pyproject(project: Path) -> None:
    (project / "ruff.toml").write_text('line-length = 110\nselect = ["E501"]\n')
    assert _settings(project).check_width == 110


def test_dot_ruff_toml_wins_over_ruff_toml_and_pyproject(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.ruff]\nline-length = 90\n[tool.ruff.lint]\nselect = ["E"]\n')
    (project / "ruff.toml").write_text('line-length = 100\n[lint]\nselect = ["E"]\n')
    (project / ".ruff.toml").write_text('line-length = 110\n[lint]\nselect = ["E"]\n')
    assert _settings(project).check_width == 110


@pytest.mark.parametrize(("lint", "checked"), [
    ('select = ["E"]', 100),
    ('select = ["E5"]', 100),
    ('select = ["E50"]', 100),
    ('select = ["E501"]', 100),
    ('select = ["ALL"]', 100),
    ('extend-select = ["E501"]', 100),
    ('select = ["F"]', None),
    ("", None),  # ruff's default selection has no E501
    ('select = ["E"]\nignore = ["E501"]', None),  # huggingface_hub
    ('select = ["ALL"]\nignore = ["E501"]', None),  # griffe
    ('select = ["E"]\nextend-ignore = ["E5"]', None),
    ('select = ["E501"]\nignore = ["E"]', 100),  # the more specific selector wins
])
def test_pyproject_ruff_line_length_counts_when_e501_is_on(project: Path, lint: str,
                                                           checked: int | None) -> None:
    (project / "pyproject.toml").write_text(
        f"[tool.ruff]\nline-length = 100\n[tool.ruff.lint]\n{lint}\n")
    settings = _settings(project)
    assert settings.check_width == checked
    assert settings.width == 100


def test_top_level_ruff_select_and_ruff_default_line_length(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.ruff]\nselect = ["E"]\n')
    settings = _settings(project)
    assert settings.check_width == 88  # ruff's own default line length


def test_ruff_max_doc_length(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        "[tool.ruff]\nline-length = 120\n[tool.ruff.lint.pycodestyle]\nmax-doc-length = 72\n")
    settings = _settings(project)
    assert settings.check_width == 72
    assert "max-doc-length" in settings.check_width_from
    assert settings.width == 72  # what we write must pass what we check


def test_legacy_ruff_pycodestyle_table(project: Path) -> None:
    (project / "ruff.toml").write_text("[pycodestyle]\nmax-doc-length = 88\n")
    assert _settings(project).check_width == 88


@pytest.mark.parametrize("name", ["setup.cfg", "tox.ini", ".flake8"])
def test_flake8_max_line_length(project: Path, name: str) -> None:
    (project / name).write_text("[flake8]\nmax-line-length = 99\n")
    settings = _settings(project)
    assert settings.check_width == 99
    assert name in settings.check_width_from


def test_flake8_ignoring_e501_states_no_width(project: Path) -> None:
    (project / "setup.cfg").write_text(
        "[flake8]\nmax-line-length = 99\nextend-ignore = E203,E501\n")
    assert _settings(project).check_width is None
    (project / "setup.cfg").write_text("[flake8]\nmax_line_length = 99\nignore =\n  E5\n")
    assert _settings(project).check_width is None


def test_flake8_max_doc_length(project: Path) -> None:
    (project / "tox.ini").write_text("[flake8]\nmax-line-length = 120\nmax-doc-length = 72\n")
    assert _settings(project).check_width == 72


def test_narrowest_stated_width_wins_and_explicit_beats_all(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.ruff]\nline-length = 100\n[tool.ruff.lint]\nselect = ["E"]\n')
    (project / "setup.cfg").write_text("[flake8]\nmax-line-length = 90\n")
    assert _settings(project).check_width == 90
    assert _settings(project, {"width": 120}).check_width == 120


def test_ruff_extend_inside_the_project(project: Path) -> None:
    (project / "config").mkdir()
    (project / "config" / "ruff.toml").write_text(
        'line-length = 120\n[lint]\nselect = ["E"]\n')
    (project / "pyproject.toml").write_text('[tool.ruff]\nextend = "config/ruff.toml"\n')
    settings = _settings(project)
    assert (settings.width, settings.check_width) == (120, 120)
    # The extending file's own keys win over the extended one's.
    (project / "pyproject.toml").write_text(
        '[tool.ruff]\nextend = "config/ruff.toml"\n[tool.ruff.lint]\nignore = ["E501"]\n')
    assert _settings(project).check_width is None


def test_ruff_extend_outside_the_project_is_not_followed(project: Path) -> None:
    (project.parent / "shared.toml").write_text('line-length = 120\n[lint]\nselect = ["E"]\n')
    (project / "ruff.toml").write_text('extend = "../shared.toml"\n')
    settings = _settings(project)
    assert (settings.width, settings.check_width) == (79, None)


def test_config_ruff_toml_alone_is_not_read(project: Path) -> None:
    # griffe: config/ruff.toml is passed with --config by its task runner, not found by ruff.
    (project / "config").mkdir()
    (project / "config" / "ruff.toml").write_text('line-length = 120\n[lint]\nselect = ["E"]\n')
    (project / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    assert _settings(project).check_width is None


@pytest.mark.parametrize("text", [
    "[flake8\nmax-line-length = 99\n",  # no closing bracket
    "max-line-length = 99\n",  # an option before any section
    "[flake8]\nmax-line-length = 99\n[flake8]\nmax-line-length = 80\n",  # duplicate section
    "[flake8]\nmax-line-length = ninety\n",
    "[flake8]\nmax-line-length = %(x)s\n",
    "[flake8]\nmax-line-length = " + "9" * 5000 + "\n",
])
def test_broken_ini_states_no_width_and_does_not_crash(project: Path, text: str) -> None:
    (project / "setup.cfg").write_text(text)
    settings = _settings(project)
    assert settings.check_width is None


def test_undecodable_or_huge_or_fifo_ini_is_skipped(project: Path) -> None:
    (project / "setup.cfg").write_bytes(b"[flake8]\nmax-line-length = 99\n# \xff\xfe\n")
    assert _settings(project).check_width is None
    (project / "setup.cfg").write_text("[flake8]\nmax-line-length = 99\n" + "#" * (2 << 20))
    assert _settings(project).check_width is None
    (project / "setup.cfg").unlink()
    os.mkfifo(project / "tox.ini")  # a FIFO must not hang the run
    assert _settings(project).check_width is None


def test_broken_ruff_toml_states_no_width(project: Path) -> None:
    (project / "ruff.toml").write_text("line-length = = 3\n")
    assert _settings(project).check_width is None


def test_cli_checks_only_a_stated_width_and_says_where_it_came_from(tmp_path: Path,
                                                                   llm_doc: Run) -> None:
    (tmp_path / "m.py").write_text(SOURCE)
    (tmp_path / "pyproject.toml").write_text("[tool.black]\nline-length = 79\n")
    quiet = llm_doc("validate", "--all", "-v", "m.py")
    assert "LD364" not in quiet.stdout
    assert "LD364 off" in quiet.stderr
    (tmp_path / "setup.cfg").write_text("[flake8]\nmax-line-length = 79\n")
    checked = llm_doc("validate", "--all", "-v", "m.py")
    assert "m.py:5:80: LD364 f: docstring line is 99 columns long (limit 79)" \
        in checked.stdout
    assert "LD364 at 79 (setup.cfg [flake8] max-line-length" in checked.stderr
    (tmp_path / "setup.cfg").write_text("[flake8\n")
    broken = llm_doc("validate", "--all", "m.py")
    assert broken.returncode == 0, broken.stderr
    assert "Traceback" not in broken.stderr
