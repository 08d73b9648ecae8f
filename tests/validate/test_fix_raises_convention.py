"""A project that documents no exceptions: generate adds no Raises section, validate asks none.

Where a docstring has a Raises section, what it leaves out is still reported and fixed.
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


def test_generate_and_validate_follow_a_project_that_documents_no_exceptions(
        tmp_path: Path, llm_doc: Run) -> None:
    target = _project(tmp_path)
    before = target.read_text()
    generated = llm_doc("generate", "--all", "--provider", "static", "--yes", "pkg/target.py")
    assert generated.returncode == 0, generated.stderr
    assert target.read_text() == before  # the project's convention: no Raises written
    # ... and validate does not ask for one (peft documents 5 of 118 raising functions).
    found = llm_doc("validate", "--all", "--select", "LD341", "pkg/target.py")
    assert found.returncode == 0, found.stdout
    # Where a docstring has a Raises section, what it leaves out is still reported, and
    # --fix mends it.
    target.write_text(before.replace("    Returns:\n        The value.\n", "    Returns:\n"
                                     "        The value.\n\n    Raises:\n"
                                     "        TypeError: Never.\n"))
    found = llm_doc("validate", "--all", "--select", "LD341", "pkg/target.py")
    assert found.returncode == 1
    assert "KeyError" in found.stdout
    fixed = llm_doc("validate", "--all", "--select", "LD341", "--fix", "--yes",
                    "pkg/target.py")
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "        KeyError:" in target.read_text()


def test_with_default_conventions_every_raise_is_asked_for(tmp_path: Path,
                                                           llm_doc: Run) -> None:
    _project(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'p'\n\n[tool.llm-doc]\n"
                                             "conventions = \"default\"\n")
    found = llm_doc("validate", "--all", "--select", "LD341", "pkg/target.py")
    assert found.returncode == 1
    assert "KeyError" in found.stdout
