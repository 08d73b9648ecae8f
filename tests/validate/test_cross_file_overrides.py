"""Overrides whose base class lives in another file of the project, and framework hooks.

peft's ``merge``/``unmerge`` on subclasses of ``BaseTunerLayer`` (another file) and its 106
undocumented ``forward`` methods of ``nn.Module`` subclasses were reported as LD301: the
interface is documented once, the override inherits its docstring (Sphinx's
``autodoc_inherit_docstrings``, griffe). Each case runs ``validate --all`` on real files.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Run

BASE = '''"""Bases."""


class Base:
    """A base."""

    def merge(self) -> None:
        """Merge the adapter into the weights."""

    def unmerge(self) -> None:
        pass


class _Hidden:
    """A private base: its undocumented methods carry no finding."""

    def run(self) -> None:
        pass
'''


def _project(root: Path) -> Path:
    """A src/ layout project with ``pkg.base`` holding the bases."""
    (root / "pyproject.toml").write_text("[project]\nname = 'pkg'\n")
    package = root / "src" / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text('"""Pkg."""\n')
    (package / "sub" / "__init__.py").write_text('"""Sub."""\n\nfrom .mid import Mid\n')
    (package / "base.py").write_text(BASE)
    (package / "sub" / "mid.py").write_text('''"""Mid."""

from pkg.base import Base


class Mid(Base):
    """A middle class: its base's base documents merge."""
''')
    return package


def _ld301(result_stdout: str) -> set[str]:
    return {line.split("LD301 ", 1)[1].split(":", 1)[0]
            for line in result_stdout.splitlines() if " LD301 " in line}


def test_overrides_of_bases_in_other_files_are_not_asked(tmp_path: Path, llm_doc: Run) -> None:
    package = _project(tmp_path)
    (package / "sub" / "children.py").write_text('''"""Children."""

from typing import Generic, TypeVar

import pkg.base as b
from pkg.sub import Mid

from ..base import Base, _Hidden

T = TypeVar("T")


class Relative(Base):
    """Relative import."""

    def merge(self) -> None:
        pass

    def unmerge(self) -> None:
        pass


class Aliased(b.Base):
    """``import pkg.base as b``."""

    def merge(self) -> None:
        pass


class Reexported(Mid):
    """``Mid`` re-exported by ``pkg.sub``, its base in ``pkg.base``."""

    def merge(self) -> None:
        pass


class Typed(Base, Generic[T]):
    """Generic."""

    def unmerge(self) -> None:
        pass


class Hidden(_Hidden):
    """Its base is private and does not document run."""

    def run(self) -> None:
        pass

    def own(self) -> None:
        print("own")  # a method that works: not a null object (exempt.null_object)
''')
    checked = llm_doc("validate", "--all", "--select", "LD301", "src")
    assert checked.returncode == 1, checked.stdout + checked.stderr
    # The undocumented public base method is asked once, for the family; what no base
    # defines, or only a private undocumented base defines, is still asked.
    assert _ld301(checked.stdout) == {"Base.unmerge", "Hidden.run", "Hidden.own"}, \
        checked.stdout


def test_a_base_file_linked_from_outside_the_project_is_not_read(tmp_path: Path,
                                                                 llm_doc: Run) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "base.py").write_text(BASE.replace("class _Hidden", "class Hidden2")
                                     .replace("pass\n", '"""Run."""\n'))
    root = tmp_path / "proj"
    root.mkdir()
    (root / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    (root / "pkg").mkdir()
    (root / "pkg" / "__init__.py").write_text('"""Pkg."""\n')
    (root / "pkg" / "base.py").symlink_to(outside / "base.py")
    (root / "pkg" / "child.py").write_text('''"""Child."""

from .base import Hidden2


class Child(Hidden2):
    """A child of a class the project does not hold."""

    def run(self) -> None:
        pass
''')
    checked = llm_doc("validate", "--all", "--select", "LD301", "pkg/child.py", cwd=root)
    assert _ld301(checked.stdout) == {"Child.run"}, checked.stdout + checked.stderr


def test_import_cycles_between_bases_end(tmp_path: Path, llm_doc: Run) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text('"""Pkg."""\n')
    (tmp_path / "pkg" / "a.py").write_text(
        '"""A."""\n\nfrom .b import B\n\n\nclass A(B):\n    """A."""\n\n'
        '    def run(self) -> None:\n        return None\n')
    (tmp_path / "pkg" / "b.py").write_text(
        '"""B."""\n\nfrom .a import A\n\n\nclass B(A):\n    """B."""\n\n'
        '    def go(self) -> None:\n        return None\n')
    checked = llm_doc("validate", "--all", "--select", "LD301", "pkg")
    # The walk ends (each class once); neither defines the other's method: both asked.
    assert _ld301(checked.stdout) == {"A.run", "B.go"}, checked.stdout + checked.stderr


HOOK = '''"""Layers."""

import torch.nn as nn


class Layer{n}(nn.Module):
    """A layer."""

    def forward(self, x: int) -> int:
{doc}        return x

    def extra{n}(self) -> None:
        pass
'''


def _hooks(root: Path, documented: int) -> None:
    (root / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    (root / "pkg").mkdir()
    (root / "pkg" / "__init__.py").write_text('"""Pkg."""\n')
    for n in range(8):
        doc = '        """Run the layer."""\n' if n < documented else ""
        (root / "pkg" / f"layer{n}.py").write_text(HOOK.format(n=n, doc=doc))


def test_a_framework_hook_the_project_rarely_documents_is_not_asked(tmp_path: Path,
                                                                     llm_doc: Run) -> None:
    _hooks(tmp_path, documented=1)  # 1 of 8 forward methods documented: under a quarter
    checked = llm_doc("validate", "--all", "--select", "LD301", "pkg")
    assert _ld301(checked.stdout) == {f"Layer{n}.extra{n}" for n in range(8)}, checked.stdout


def test_a_framework_hook_the_project_documents_is_asked(tmp_path: Path, llm_doc: Run) -> None:
    _hooks(tmp_path, documented=2)  # 2 of 8: a quarter, the project documents forward
    checked = llm_doc("validate", "--all", "--select", "LD301", "pkg")
    assert _ld301(checked.stdout) == {f"Layer{n}.extra{n}" for n in range(8)} | \
        {f"Layer{n}.forward" for n in range(2, 8)}, checked.stdout


def test_editing_a_base_file_changes_a_subclass_file_result_on_a_warm_run(
        tmp_path: Path, llm_doc: Run) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text('"""Pkg."""\n')
    base = tmp_path / "pkg" / "base.py"
    undocumented = BASE.replace("class Base:", "class _Base:")
    base.write_text(undocumented)
    (tmp_path / "pkg" / "child.py").write_text('''"""Child."""

from .base import _Base


class Child(_Base):
    """A child of a private base."""

    def unmerge(self) -> None:
        pass
''')
    first = llm_doc("validate", "--all", "--select", "LD301", "pkg")
    assert _ld301(first.stdout) == {"Child.unmerge"}, first.stdout
    # Only the base file changes (its private class documents unmerge now): the child's
    # bytes are the same, its cached result must not be reused.
    base.write_text(undocumented.replace(
        "    def unmerge(self) -> None:\n        pass\n",
        '    def unmerge(self) -> None:\n        """Unmerge the adapter."""\n'))
    second = llm_doc("validate", "--all", "--select", "LD301", "pkg")
    assert second.returncode == 0, second.stdout
    base.write_text(undocumented)
    third = llm_doc("validate", "--all", "--select", "LD301", "pkg")
    assert _ld301(third.stdout) == {"Child.unmerge"}, third.stdout
