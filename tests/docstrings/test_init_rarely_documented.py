"""``__init__`` docstrings where the project rarely writes them (``HouseStyle.init_docstrings``).

pydantic-settings documents 1 of its 23 ``__init__`` methods and mostly leaves the
constructor's arguments out of its class docstrings too: every ``__init__`` docstring
``generate --all`` wrote there ("Initialize the instance." and a placeholder per argument)
was struck out in review. Under a quarter of at least 5 ``__init__`` methods documented,
``generate --all`` writes none (``validate`` never asks an ``__init__`` for one, LD301);
an ``__init__`` docstring a person wrote is still checked whole, and a marker still asks.
The near misses (a quarter documented, or too few to tell) are written.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Run
from tests.helpers import package_findings, package_generated, package_project


def _source(index: int, documented: bool) -> str:
    """A module of one class whose ``__init__`` takes two arguments and may raise."""
    doc = ('        """Keep the name and size.\n\n        Args:\n            name: The name.\n'
           '            size: The size.\n        """\n') if documented else ""
    return (f'"""Source {index}."""\n\n\nclass Source{index}:\n    """A source."""\n\n'
            f'    def __init__(self, name: str, size: int) -> None:\n{doc}'
            f'        if size < 0:\n            raise ValueError(size)\n'
            f'        self.name = name\n        self.size = size\n')


def _project(root: Path, classes: int, documented: int) -> Path:
    return package_project(root, {f"s{i}.py": _source(i, i < documented)
                                  for i in range(classes)})


def _init_docstrings(text: str) -> int:
    return text.count('def __init__(self, name: str, size: int) -> None:\n        """')


def test_rarely_documented_inits_get_no_docstring(tmp_path: Path, llm_doc: Run) -> None:
    # The attack: 1 of 6 documented (17 %).
    root = _project(tmp_path / "p", 6, 1)
    # validate never asks an ``__init__`` for a docstring (LD301); the one a person wrote
    # is checked whole: the near miss, still reported.
    found = package_findings(root, llm_doc)
    assert {m for code, m in found if "__init__" in m} == {
        "Source0.__init__: raises ValueError but the docstring does not say so"}, found
    assert _init_docstrings(package_generated(root, "s3.py", llm_doc)) == 0
    assert "Raises:" in package_generated(root, "s0.py", llm_doc)


def test_a_marker_still_asks_for_an_init_docstring(tmp_path: Path, llm_doc: Run) -> None:
    root = _project(tmp_path / "p", 6, 1)
    path = root / "pkg" / "s3.py"
    path.write_text(path.read_text().replace(
        "    def __init__", "    # @llm-doc-start\n    def __init__").replace(
        "self.size = size\n", "self.size = size\n    # @llm-doc-end\n"))
    done = llm_doc("generate", "--provider", "static", "--yes", "--no-cache", "pkg", cwd=root)
    assert done.returncode == 0, done.stderr
    assert 'def __init__(self, name: str, size: int) -> None:\n        """' in path.read_text()


def test_near_misses_are_still_asked(tmp_path: Path, llm_doc: Run) -> None:
    # A quarter documented (2 of 8): the project writes them, new ones are written.
    root = _project(tmp_path / "quarter", 8, 2)
    assert _init_docstrings(package_generated(root, "s5.py", llm_doc)) == 1
    # Too few to tell (none of 4 documented): today's default, written.
    root = _project(tmp_path / "few", 4, 0)
    assert _init_docstrings(package_generated(root, "s3.py", llm_doc)) == 1
