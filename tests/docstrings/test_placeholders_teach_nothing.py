"""A placeholder docstring is not counted as documenting anything (``analysis.nodes.describes``).

The shares the exemptions learn from (a package's properties, a family, a module's
helpers, its ``__init__`` methods) count documented definitions. ``generate --all`` fills
the asked ones with ``TODO: describe.``; were those counted, a second run found the share
past a quarter and asked for what the first had exempted (peft:
``TrainableTokensWrapper.original_module``, the ``get_*`` helpers of ``method_comparison``).
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Run
from tests.helpers import package_findings, package_project

_WRAPPER = '''"""Wrappers."""


class Inner:
    """The wrapped layer."""

    def __init__(self) -> None:
        """Make one."""
        self.base_layer = None
        self.weight = 0.0


class TokensWrapper:
    """Trainable tokens around a layer."""

    def __init__(self, inner: Inner) -> None:
        """Wrap ``inner``."""
        self.token_adapter = inner
        self.scale = 2.0

    @property
    def original_module(self):
        return self.token_adapter.base_layer

    @property
    def scaled(self) -> float:
        return self.token_adapter.weight * self.scale

    @property
    def doubled(self) -> float:
        return self.scale * 2

    @property
    def halved(self) -> float:
        return self.scale / 2

    @property
    def squared(self) -> float:
        """The scale squared."""
        return self.scale**2
'''


def _generate(root: Path, llm_doc: Run) -> str:
    done = llm_doc("generate", "--all", "--provider", "static", "--yes", "--no-cache", "pkg",
                   cwd=root)
    assert done.returncode == 0, done.stderr
    return (root / "pkg" / "wrap.py").read_text()


def test_a_second_run_asks_nothing_the_first_exempted(tmp_path: Path, llm_doc: Run) -> None:
    # 1 of 5 properties documented: the pass-through one is not asked; the others get
    # placeholders, which do not make the package one that documents its properties.
    root = package_project(tmp_path / "p", {"wrap.py": _WRAPPER})
    first = _generate(root, llm_doc)
    assert first.count('"""TODO: describe."""') == 3
    assert "base_layer" in first.split("def original_module(self):\n")[1].splitlines()[0]
    assert _generate(root, llm_doc) == first
    assert ("LD301", "TokensWrapper.original_module: function has no docstring") not in \
        package_findings(root, llm_doc)


def test_words_a_person_wrote_still_count(tmp_path: Path, llm_doc: Run) -> None:
    # The near miss: two of five documented by a person (a share of 40 %): the package
    # documents its properties, and the pass-through one is asked like the rest.
    text = _WRAPPER.replace("    def halved(self) -> float:\n",
                            '    def halved(self) -> float:\n        """Half the scale."""\n')
    root = package_project(tmp_path / "p", {"wrap.py": text})
    assert ("LD301", "TokensWrapper.original_module: function has no docstring") in \
        package_findings(root, llm_doc)
    first = _generate(root, llm_doc)
    assert '"""TODO: describe."""' in first.split("def original_module(self):\n")[1]
    assert _generate(root, llm_doc) == first
