"""A project's docstring conventions: learned from its files, followed by what is written."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from llm_doc_manager.docstrings.conventions import Evidence, HouseStyle, header_end
from llm_doc_manager.docstrings.learning import Learning
from llm_doc_manager.docstrings.sections import Section
from llm_doc_manager.generate.pipeline import FileChange, Options
from tests.conftest import Run
from tests.helpers import assert_invariants, run_file

TWO_SPACE = '''def known(a: int) -> int:
  """Known.

  Parameters:
    a (int): The a.

  Return:
    int: The a.
  """
  return a
'''

NEW = "def fresh(x: int) -> int:\n    return x\n"
GOLDEN = Path(__file__).parent.parent / "generate" / "golden"


def _written(path: Path, options: Options | None = None) -> str:
    result = run_file(path, None, options or Options(all_defs=True))
    assert isinstance(result, FileChange), result
    assert_invariants(path, result.source.text, result, None, options or Options(all_defs=True))
    return result.new_text


def _style(text: str, path: Path, **kwargs: str) -> HouseStyle:
    return Learning().style(ast.parse(text), path, **kwargs)


def test_majority_wins_and_a_tie_goes_to_the_default(tmp_path: Path) -> None:
    evidence = Evidence()
    for heading in ("Parameters", "Parameters", "Args"):
        evidence.add_docstring(f"S.\n\n{heading}:\n  a: A.\n")
    assert evidence.headings[Section.ARGS].most_common(1) == [("Parameters", 2)]
    style = HouseStyle((lambda: evidence,))
    assert style.heading(Section.ARGS) == "Parameters"
    assert style.unit == "  "
    assert style.typed is False
    tie = Evidence()
    for heading in ("Arguments", "Args"):
        tie.add_docstring(f"S.\n\n{heading}:\n    a: A.\n")
    assert HouseStyle((lambda: tie,)).heading(Section.ARGS) == "Args"


def test_numpy_docstrings_teach_no_google_heading_and_prose_teaches_nothing() -> None:
    prose = Evidence()
    prose.add_docstring("Just prose.")
    assert prose.empty
    evidence = Evidence()
    evidence.add_docstring("S.\n\nParameters\n----------\nx : int\n    X.\n")
    # numpydoc's headings and their margin are the style's, not a Google spelling or unit;
    # what its entries show (types) and the style itself are learned.
    assert not evidence.headings
    assert not evidence.units
    assert evidence.typed == {True: 1}
    assert evidence.styles == {"numpy": 1}


def test_new_function_in_a_parameters_two_space_file(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_text(TWO_SPACE + "\n\n" + NEW)
    text = _written(path)
    assert '  """TODO: describe.\n\n  Parameters:\n    x (int): TODO: describe.\n\n' \
        '  Return:\n    int: TODO: describe.\n  """' not in text  # the def's body is 4 deep
    assert '    Parameters:\n      x (int): TODO: describe.\n\n    Return:\n' \
           '      int: TODO: describe.\n' in text
    assert "Args:" not in text
    assert "Returns:" not in text


def test_a_file_with_no_docstrings_learns_from_its_folder(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(TWO_SPACE)
    path = tmp_path / "b.py"
    path.write_text(NEW)
    text = _written(path)
    assert "    Parameters:\n      x (int): TODO: describe." in text


def test_then_from_its_project(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    (tmp_path / "pkg" / "sub").mkdir(parents=True)
    (tmp_path / "pkg" / "a.py").write_text(TWO_SPACE)
    path = tmp_path / "pkg" / "sub" / "b.py"
    path.write_text(NEW)
    assert "    Parameters:\n      x (int): TODO: describe." in _written(path)


def test_nothing_to_learn_gives_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "b.py"
    path.write_text(NEW)
    assert "    Args:\n        x (int): TODO: describe." in _written(path)


def test_conventions_default_turns_learning_off(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_text(TWO_SPACE + "\n\n" + NEW)
    text = _written(path, Options(all_defs=True, conventions="default"))
    assert "    Args:\n        x (int): TODO: describe." in text


def test_a_new_section_in_an_existing_docstring_uses_the_learned_heading(tmp_path: Path
                                                                         ) -> None:
    path = tmp_path / "m.py"
    path.write_text(TWO_SPACE + '\n\ndef g(y: int) -> int:\n  """G.\n\n  Return:\n    int: Y.\n'
                    '  """\n  return y\n')
    text = _written(path)
    assert '  """G.\n\n  Parameters:\n    y (int): TODO: describe.\n\n  Return:\n' in text


def test_types_never_and_always_are_pins(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_text(TWO_SPACE + "\n\n" + NEW)
    never = _written(path, Options(all_defs=True, types="never"))
    assert "      x: TODO: describe.\n" in never
    assert "x (int)" not in never
    untyped = tmp_path / "u.py"
    untyped.write_text('def k(a):\n    """K.\n\n    Args:\n        a: A.\n    """\n\n\n' + NEW)
    assert "x: TODO: describe." in _written(untyped)
    always = _written(untyped, Options(all_defs=True, types="always"))
    assert "x (int): TODO: describe." in always


def test_backtick_types_are_followed(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_text('def k(a: int) -> None:\n    """K.\n\n    Args:\n        a (`int`): A.\n'
                    '    """\n\n\n' + NEW)
    assert "x (`int`): TODO: describe." in _written(path)


def test_no_blank_line_after_the_summary_when_the_project_writes_none(tmp_path: Path
                                                                        ) -> None:
    path = tmp_path / "m.py"
    path.write_text('def k(a: int) -> None:\n    """K.\n    Args:\n        a (int): A.\n'
                    '    """\n\n\n' + NEW)
    assert '    """TODO: describe.\n    Args:\n' in _written(path)


def test_learning_is_deterministic(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(TWO_SPACE.replace("Parameters", "Arguments"))
    (tmp_path / "b.py").write_text(TWO_SPACE)
    first = _style(NEW, tmp_path / "c.py").heading(Section.ARGS)
    second = _style(NEW, tmp_path / "c.py").heading(Section.ARGS)
    # A tie between two spellings other than the default: the first in sorted order.
    assert first == second == "Arguments"


def test_header_end() -> None:
    lines = ["#!/usr/bin/env python", "# Copyright X", "", "# about os", "import os"]
    assert header_end(lines, 5) == 2
    assert header_end(["# Copyright X", "import os"], 2) == 1  # a licence, even unspaced
    assert header_end(["# about os", "import os"], 2) is None  # a comment on the import
    assert header_end(["import os"], 1) is None


def test_module_docstring_goes_below_a_licence_header_and_stays_formatted(tmp_path: Path
                                                                          ) -> None:
    pytest.importorskip("black")
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    if not Path(ruff).exists():
        pytest.skip("ruff is not installed")
    case = GOLDEN / "conventions_licence_header"
    output = tmp_path / "output.py"
    shutil.copyfile(case / "output.py", output)
    text = output.read_text()
    assert text.index("SPDX-License-Identifier") < text.index('"""TODO: describe."""')
    for command in ([sys.executable, "-m", "black", "--check", "-q", str(output)],
                    [ruff, "format", "--check", "-q", "--isolated", str(output)]):
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        assert done.returncode == 0, (command, done.stdout, done.stderr)


def test_a_project_that_writes_module_docstrings_above_its_licence(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text('"""A."""\n# Copyright X\n\nimport os\n')
    path = tmp_path / "b.py"
    path.write_text("# Copyright X\n\nimport os\n")
    assert _written(path).startswith('"""TODO: describe."""\n\n# Copyright X\n')


def test_an_unknown_types_value_is_a_configuration_error(tmp_path: Path, llm_doc: Run
                                                         ) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.llm-doc]\ntypes = "sometimes"\n')
    (tmp_path / "m.py").write_text(NEW)
    before = (tmp_path / "m.py").read_bytes()
    done = llm_doc("generate", "--all", "--check", ".")
    assert done.returncode == 2
    assert "types must be one of 'auto', 'always', 'never', got 'sometimes'" in done.stderr
    assert "Traceback" not in done.stderr
    assert (tmp_path / "m.py").read_bytes() == before


def test_the_project_sample_never_opens_a_fifo_and_walks_any_depth(tmp_path: Path,
                                                                   llm_doc: Run) -> None:
    # A FIFO named like a module anywhere in the project would block the sample's read
    # forever; a tree a thousand folders deep ended os.walk with a RecursionError.
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    (tmp_path / "aaa").mkdir()
    os.mkfifo(tmp_path / "aaa" / "trap.py")
    deep = tmp_path / "deep"
    deep.mkdir()
    os.chdir(deep)  # relative mkdir one level at a time: no path grows past PATH_MAX
    try:
        for _ in range(1100):
            os.mkdir("d")
            os.chdir("d")
    finally:
        os.chdir(tmp_path)
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.py").write_text(TWO_SPACE)
    (tmp_path / "zzz").mkdir()
    path = tmp_path / "zzz" / "b.py"
    path.write_text(NEW)
    try:
        done = llm_doc("generate", "--check", "--diff", "zzz/b.py", "--all")
    finally:
        # pytest's clean-up of old temporary folders recurses: leave no deep chain behind.
        os.chdir(deep)
        depth = 0
        while os.path.isdir("d"):
            os.chdir("d")
            depth += 1
        for _ in range(depth):
            os.chdir("..")
            os.rmdir("d")
        os.chdir(tmp_path)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert "internal error" not in done.stderr
    assert "+    Parameters:\n+      x (int): TODO: describe." in done.stdout
