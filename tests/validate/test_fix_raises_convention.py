"""``validate --fix`` mends an LD341 even in a project that seldom writes Raises sections.

``generate`` adds no new Raises section where the project documents no exceptions (the
learned convention); but a finding the user asked ``--fix`` to mend must be mended, or the
fix would never converge.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Run

# Six raising functions whose sectioned docstrings never say what they raise: the project
# does not document exceptions (fewer than a quarter of five or more).
_HOUSE = "".join(f'''
def check{i}(value: int) -> int:
    """Check a value.

    Args:
        value: The value.

    Returns:
        The value.
    """
    if value < {i}:
        raise ValueError("small")
    return value
''' for i in range(6))

_TARGET = '''def target(value: int) -> int:
    """Check a value.

    Args:
        value: The value.

    Returns:
        The value.
    """
    if value < 0:
        raise KeyError("negative")
    return value
'''


def _project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "house.py").write_text('"""House."""\n' + _HOUSE)
    target = package / "target.py"
    target.write_text('"""Target."""\n\n\n' + _TARGET)
    return target


def test_generate_adds_no_raises_section_but_fix_mends_ld331(tmp_path: Path,
                                                             llm_doc: Run) -> None:
    target = _project(tmp_path)
    before = target.read_text()
    generated = llm_doc("generate", "--all", "--provider", "static", "--yes", "pkg/target.py")
    assert generated.returncode == 0, generated.stderr
    assert target.read_text() == before  # the project's convention: no Raises written
    found = llm_doc("validate", "--all", "--select", "LD341", "pkg/target.py")
    assert found.returncode == 1
    assert "LD341" in found.stdout
    fixed = llm_doc("validate", "--all", "--select", "LD341", "--fix", "--yes",
                    "pkg/target.py")
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "Raises:\n        KeyError:" in target.read_text()
    again = llm_doc("validate", "--all", "--select", "LD341", "pkg/target.py")
    assert again.returncode == 0, again.stdout
