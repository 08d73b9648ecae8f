"""The class family a method inherits its documentation from (``docstrings.bases``).

Unit cases for the facts read from a file and their stored form, the walk's bounds, the
learned share of documented method names, and a golden-shaped ``generate --all`` case: an
override of a base documented in another file gets no placeholder docstring, the rest of
the file is documented as before (exact bytes, parses, same code, a second run is a no-op).
"""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

import pytest

from llm_doc_manager.docstrings.bases import (
    MAX_CLASSES,
    Hierarchy,
    ModuleFacts,
    module_facts,
    overrides,
)
from llm_doc_manager.docstrings.conventions import Evidence, HouseStyle
from tests.conftest import Run


def test_facts_name_bases_imports_and_documented_methods() -> None:
    facts = module_facts(ast.parse('''
import torch.nn as nn
import pkg.base
from ..layer import LoraLayer as Layer
from typing import *

class A(Layer, nn.Module, pkg.base.Base[int], make()):
    def merge(self):
        """Merge."""
    async def run(self):
        pass
'''))
    assert facts.imports == {"nn": (0, "torch.nn", None), "pkg": (0, "pkg", None),
                             "Layer": (2, "layer", "LoraLayer")}
    cls = facts.classes["A"]
    assert cls.bases == ("Layer", "nn.Module", "pkg.base.Base")
    assert dict(cls.methods) == {"merge": True, "run": False}
    assert ModuleFacts.from_json(facts.to_json()) == facts


@pytest.mark.parametrize("forged", [
    "", "[]", "{}", '{"imports": {}, "classes": {}, "x": 1}',
    '{"imports": {"a": [0, "m"]}, "classes": {}}',
    '{"imports": {"a": ["0", "m", null]}, "classes": {}}',
    '{"imports": {}, "classes": {"A": ["A", ["B"], {"run": 1}]}}',
    '{"imports": {}, "classes": {"A": ["A", [2], {}]}}',
    "[" * 100000,
])
def test_a_forged_stored_row_is_a_miss(forged: str) -> None:
    assert ModuleFacts.from_json(forged) is None


def test_without_a_project_no_other_file_is_asked_for(tmp_path: Path) -> None:
    asked: list[Path] = []

    def facts_of(path: Path) -> ModuleFacts | None:
        asked.append(path)
        return None

    facts = module_facts(ast.parse(
        "from .base import Base\n\nclass C(Base):\n    def run(self):\n        pass\n"))
    found = overrides(facts, tmp_path / "m.py", Hierarchy(None, facts_of), lambda _: True)
    assert asked == []
    assert not found.covered
    assert not found.hooks


def test_a_long_chain_of_bases_is_walked_up_to_the_bound() -> None:
    # C0 <- C1 <- ... : each class's base is the next one; the method is at the far end.
    count = MAX_CLASSES + 10
    lines = [f"class C{i}(C{i + 1}):\n    def m{i}(self):\n        pass\n"
             for i in range(count)]
    lines.append(f"class C{count}:\n    def far(self):\n        \"\"\"Far.\"\"\"\n")
    facts = module_facts(ast.parse("\n".join(lines)))
    covered, external = Hierarchy(None).family(None, facts, facts.classes["C0"])
    assert "m1" in covered
    assert f"m{MAX_CLASSES}" in covered
    assert "far" not in covered
    assert f"m{MAX_CLASSES + 1}" not in covered
    assert not external


def test_the_share_of_documented_method_names_is_learned() -> None:
    evidence = Evidence()
    evidence.add_tree(ast.parse("\n".join(
        f"class L{i}:\n    def forward(self):\n"
        + ('        """Run."""\n' if i == 0 else "        pass\n")
        + "    def merge(self):\n        \"\"\"Merge.\"\"\"\n    def _private(self):\n"
        "        pass\n" for i in range(5))), None)
    assert evidence.methods == Counter({"forward": 5, "merge": 5})
    assert evidence.documented_methods == Counter({"forward": 1, "merge": 5})
    stored = Evidence.from_json(evidence.to_json())
    assert stored is not None
    assert stored.methods == evidence.methods
    house = HouseStyle((Evidence(), evidence))  # the widest level decides
    assert house.rarely_documented("forward")
    assert not house.rarely_documented("merge")
    assert not house.rarely_documented("unseen")
    assert not HouseStyle().rarely_documented("forward")  # nothing learned: asked


BASE = '''"""Bases."""


class Base:
    """A base."""

    def merge(self, safe: bool = False) -> None:
        """Merge the adapter into the weights.

        Args:
            safe: Check the result for NaNs first.
        """
'''

CHILD = '''"""Children."""

from pkg.base import Base


class Child(Base):
    """A child."""

    def merge(self, safe: bool = False) -> None:
        self.merged = True

    def scale(self, factor: float) -> float:
        return factor * 2
'''

EXPECTED = '''"""Children."""

from pkg.base import Base


class Child(Base):
    """A child."""

    def merge(self, safe: bool = False) -> None:
        self.merged = True

    def scale(self, factor: float) -> float:
        """TODO: describe.

        Args:
            factor: TODO: describe.

        Returns:
            TODO: describe.
        """
        return factor * 2
'''


def _code(text: str) -> str:
    """The module's AST with every docstring removed."""
    tree = ast.parse(text)
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef,
                             ast.AsyncFunctionDef)) and node.body and \
                isinstance(node.body[0], ast.Expr) and \
                isinstance(node.body[0].value, ast.Constant) and \
                isinstance(node.body[0].value.value, str):
            node.body = node.body[1:] or [ast.Pass()]
    return ast.dump(tree)


def test_generate_writes_no_placeholder_on_an_override_of_another_files_base(
        tmp_path: Path, llm_doc: Run) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text('"""Pkg."""\n')
    (tmp_path / "pkg" / "base.py").write_text(BASE)
    child = tmp_path / "pkg" / "child.py"
    child.write_text(CHILD)
    first = llm_doc("generate", "--all", "--provider", "static", "--yes", "pkg/child.py")
    assert first.returncode == 0, first.stderr
    produced = child.read_text()
    assert produced == EXPECTED
    assert _code(produced) == _code(CHILD)
    second = llm_doc("generate", "--all", "--provider", "static", "--yes", "pkg/child.py")
    assert second.returncode == 0, second.stderr
    assert child.read_text() == EXPECTED
    # validate asks nothing more of it (the one rule): the placeholders are LD302 only.
    checked = llm_doc("validate", "--all", "--select", "LD301", "pkg")
    assert checked.returncode == 0, checked.stdout


def test_generate_in_worker_processes_follows_the_same_rule(tmp_path: Path,
                                                             llm_doc: Run) -> None:
    # Enough files for worker processes: the bases' facts are learned in the parent.
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text('"""Pkg."""\n')
    (tmp_path / "pkg" / "base.py").write_text(BASE)
    children = [tmp_path / "pkg" / f"child{n}.py" for n in range(20)]
    # Each its own method name: 20 classes sharing an undocumented ``scale`` would be a
    # sibling family (Reason.SIBLINGS), asked no docstring.
    for n, child in enumerate(children):
        child.write_text(CHILD.replace("scale", f"scale{n}"))
    done = llm_doc("generate", "--all", "--provider", "static", "--jobs", "2", "--yes", "pkg")
    assert done.returncode == 0, done.stderr
    assert all(child.read_text() == EXPECTED.replace("scale", f"scale{n}")
               for n, child in enumerate(children))
