"""An abstract collection base (``Mapping[...]``) leaves a class no builtin's kind."""

from __future__ import annotations

from pathlib import Path

from llm_doc_manager.validate.checks import CheckOptions, check_source
from tests.conftest import Run


def _findings(text: str) -> list[str]:
    return [f"{f.code} {f.message}" for f in check_source(
        Path("m.py"), text, CheckOptions(all_defs=True, width=99))]


_MODULE = '''"""M."""

from collections.abc import Hashable, Mapping
from typing import Sequence


class Dataset(Mapping[Hashable, int]):
    """A mapping of names to values (xarray's shape)."""


class Rows(Sequence):
    """Rows."""


class Raw(bytes):
    """Bytes."""


def load(path: str) -> bytes:
    """Load.

    Parameters
    ----------
    path : str
        Where.

    Returns
    -------
    Dataset
        The data.
    """
    return b""


def rows(path: str) -> list:
    """Rows.

    :param path: Where.
    :rtype: Rows
    """
    return []


def raw(path: str) -> bytes:
    """Raw.

    :param path: Where.
    :rtype: Raw
    """
    return b""
'''


def test_a_mapping_or_sequence_subclass_contradicts_a_builtin_annotation() -> None:
    found = _findings(_MODULE)
    assert "LD323 load: Returns says Dataset but the annotation is bytes" in found
    assert "LD323 rows: Returns says Rows but the annotation is list" in found
    assert not any("LD323 raw" in f for f in found)  # a bytes subclass is bytes


def test_through_the_project_too(tmp_path: Path, llm_doc: Run) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text('"""P."""\n')
    (package / "base.py").write_text(
        '"""Base."""\n\nimport typing\n\n\nclass Mixin:\n    """M."""\n\n\n'
        'class Dataset(Mixin, typing.Mapping[str, int]):\n    """D."""\n')
    (package / "use.py").write_text('''"""Use."""

from pkg.base import Dataset


def load(path: str) -> bytes:
    """Load.

    Parameters
    ----------
    path : str
        Where.

    Returns
    -------
    Dataset
        The data.
    """
    return b""
''')
    result = llm_doc("validate", "--all", "pkg")
    assert "LD323 load: Returns says Dataset but the annotation is bytes" in result.stdout
