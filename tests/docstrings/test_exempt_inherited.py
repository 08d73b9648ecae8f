"""Definitions documented elsewhere need no docstring: overrides, listed properties, ``__doc__``.

Each case is asked of ``validate --all`` (no LD301) and ``generate --all`` (nothing written)
alike: the one rule of ``docstrings/exempt.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Run

OVERRIDE = '''"""Expressions."""


class Expr:
    """An expression."""

    def iterate(self, flat: bool = True) -> list[str]:
        """Iterate on the expression's elements.

        Args:
            flat: Expand inner expressions.

        Returns:
            The elements.
        """
        return []


class ExprName(Expr):
    """A name."""

    def iterate(self, flat: bool = True) -> list[str]:
        return ["name"]


class ExprCall(ExprName):
    """A call: its base's base documents the method."""

    def iterate(self, flat: bool = True) -> list[str]:
        return ["call"]
'''

LISTED = '''"""Contexts."""


class Context:
    """A context.

    Attributes:
        full_name: The full name.
        module_name: The full name of the enclosing modules.
    """

    def __init__(self, full_name: str) -> None:
        """Keep the name.

        Args:
            full_name: The full name.
        """
        self.full_name = full_name

    @property
    def module_name(self) -> str:
        return self.full_name.rsplit("/", 1)[0]
'''

ASSIGNED = '''"""Cores."""


class Core:
    """A core."""


class Core1D(Core):
    __doc__ = Core.__doc__
'''


@pytest.mark.parametrize("source", [OVERRIDE, LISTED, ASSIGNED], ids=["override", "listed",
                                                                      "assigned"])
def test_documented_elsewhere_is_not_asked_nor_written(tmp_path: Path, llm_doc: Run,
                                                       source: str) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    path = tmp_path / "m.py"
    path.write_text(source)
    checked = llm_doc("validate", "--all", "--select", "LD301", "m.py")
    assert checked.returncode == 0, checked.stdout
    generated = llm_doc("generate", "--all", "--provider", "static", "--check", "m.py")
    assert generated.returncode == 0, generated.stdout + generated.stderr


def test_an_override_of_an_undocumented_or_outside_method_is_still_asked(
        tmp_path: Path, llm_doc: Run) -> None:
    (tmp_path / "m.py").write_text('''"""Encoders."""

import json


class Encoder(json.JSONEncoder):
    """An encoder."""

    def default(self, o: object) -> object:
        return str(o)


class Base:
    """A base."""

    def run(self) -> None:
        pass


class Child(Base):
    """A child."""

    def run(self) -> None:
        pass
''')
    checked = llm_doc("validate", "--all", "--select", "LD301", "m.py")
    assert checked.returncode == 1
    assert "Encoder.default" in checked.stdout
    # The undocumented public base method carries the finding, once for the family.
    assert "Child.run" not in checked.stdout
    assert "Base.run" in checked.stdout


def test_a_namespace_folder_inside_a_private_package_is_private(tmp_path: Path,
                                                                llm_doc: Run) -> None:
    # haiku's ``_src/flax/`` has no ``__init__.py`` (find_namespace_packages): still ``_src``.
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    inner = tmp_path / "pkg" / "_src" / "flax"
    inner.mkdir(parents=True)
    (tmp_path / "pkg" / "__init__.py").write_text('"""Pkg."""\n')
    (tmp_path / "pkg" / "_src" / "__init__.py").write_text("")
    (inner / "shim.py").write_text("class hk:\n    pass\n")
    checked = llm_doc("validate", "--all", "--select", "LD301", "pkg")
    assert checked.returncode == 0, checked.stdout


GENERATED = '''# Inference code generated from the JSON schema spec in @huggingface/tasks.
#
# See:
#   - script: https://example.invalid/scripts/inference-codegen.ts
from dataclasses import dataclass


@dataclass
class SentenceSimilarityInputData:
    sentences: list[str]
    source_sentence: str
'''

FORWARDING = '''"""Wrappers."""

import functools


def _cond(pred, true_fun, false_fun):
    return true_fun() if pred else false_fun()


@functools.wraps(_cond)
def cond(*args, **kwargs):
    """Equivalent to ``_cond`` but with state.

    Args:
        pred: The predicate.
        true_fun: Called when true.
        false_fun: Called when false.

    Returns:
        What the called function returns.
    """
    return _cond(*args, **kwargs)
'''


def test_a_generated_file_is_neither_asked_nor_written(tmp_path: Path, llm_doc: Run) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    path = tmp_path / "types_gen.py"
    path.write_text(GENERATED)
    checked = llm_doc("validate", "--all", "--select", "LD301", "types_gen.py")
    assert checked.returncode == 0, checked.stdout
    generated = llm_doc("generate", "--all", "--provider", "static", "--check", "types_gen.py")
    assert generated.returncode == 0, generated.stderr


def test_a_main_module_is_not_asked_for_a_docstring(tmp_path: Path, llm_doc: Run) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text('"""Pkg."""\n')
    (package / "__main__.py").write_text("# Entry point: python -m pkg.\nprint('hi')\n")
    checked = llm_doc("validate", "--all", "--select", "LD301", "pkg")
    assert checked.returncode == 0, checked.stdout


def test_what_stars_carry_may_be_documented_instead(tmp_path: Path, llm_doc: Run) -> None:
    # haiku's stateful.cond: no LD311 for *args/**kwargs, and no placeholder entries added.
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    (tmp_path / "w.py").write_text(FORWARDING)
    checked = llm_doc("validate", "--all", "--select", "LD311", "w.py")
    assert checked.returncode == 0, checked.stdout
    generated = llm_doc("generate", "--all", "--provider", "static", "--diff", "w.py")
    assert "args: TODO" not in generated.stdout


def test_a_malformed_raises_entry_is_one_finding(tmp_path: Path, llm_doc: Run) -> None:
    # optax's ``ValueError if the given node is not a NamedTuple``: LD365, not LD363 too.
    (tmp_path / "r.py").write_text('''"""R."""


def check(node: object) -> None:
    """Check a node.

    Args:
        node: The node.

    Raises:
        ValueError if the given node is not a NamedTuple or a dict.
    """
    if not isinstance(node, dict):
        raise ValueError(node)
''')
    checked = llm_doc("validate", "--all", "r.py")
    assert "LD365" in checked.stdout
    assert "'Exception: description'" in checked.stdout
    assert "LD363" not in checked.stdout


PRIVATE = '''"""Commits."""


def _send_commit(repo: str, token: str, message: str) -> str:
    """Send the commit; the caller has checked every argument.

    Raises:
        ValueError: If the server refuses it.
    """
    if not repo:
        raise ValueError(repo)
    return message


def _described(repo: str, token: str) -> str:
    """Describe.

    Args:
        repo: The repository.
    """
    return repo + token
'''


def test_a_private_docstring_is_kept_in_line_within_its_sections(tmp_path: Path,
                                                                 llm_doc: Run) -> None:
    # huggingface_hub's _send_commit: prose and Raises for thirteen arguments; no Args
    # section is asked of it or added to it. An existing Args section is still completed.
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    path = tmp_path / "c.py"
    path.write_text(PRIVATE)
    checked = llm_doc("validate", "--all", "c.py")
    assert "_send_commit" not in checked.stdout, checked.stdout
    assert "_described: argument 'token' is not documented" in checked.stdout
    generated = llm_doc("generate", "--all", "--provider", "static", "--yes", "c.py")
    assert generated.returncode == 0, generated.stderr
    text = path.read_text()
    assert text.count("Args:") == 1
    assert "        token: TODO: describe." in text
    assert "Returns:" not in text


COMMAND = '''"""Commands."""

import typer

app = typer.Typer()


@app.command()
def verify(repo_id: str, revision: str = "main") -> None:
    """Verify a cached repository.

    Examples:
        hf cache verify gpt2
    """
    print(repo_id, revision)
'''


def test_a_cli_command_is_not_asked_for_args(tmp_path: Path, llm_doc: Run) -> None:
    # huggingface_hub's ``hf cache verify``: the docstring is the --help text.
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    (tmp_path / "cli.py").write_text(COMMAND)
    checked = llm_doc("validate", "--all", "cli.py")
    assert checked.returncode == 0, checked.stdout
    generated = llm_doc("generate", "--all", "--provider", "static", "--check", "cli.py")
    assert generated.returncode == 0, generated.stderr
