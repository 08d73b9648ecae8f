"""What ``generate`` writes into existing docstrings, as huggingface_hub's maintainer reads it.

Found on huggingface_hub and peft (issue 20): ``Returns: a [`~HFCacheInfo`] object.`` (text on
the heading's line) was not seen as a Returns section, so a second one was added; a
``> [!WARNING]`` admonition holding ``> Raises:`` with unbulleted names was not seen as
documenting them; forward references were written with their quotes (``(`'Sandbox'`)``);
and a method refusing its base's operation (``raise NotImplementedError(...)``) was asked
for a Returns section it can never have. Golden cases: ``golden/reading/inline_sections``,
``quoted_types`` and ``refusing_override``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from llm_doc_manager.analysis.facts import function_facts
from llm_doc_manager.docstrings.layout import read_layout
from llm_doc_manager.docstrings.parse import parse_docstring
from llm_doc_manager.docstrings.types import same_type, written_type
from llm_doc_manager.validate.checks import CheckOptions, check_source


def _codes(text: str) -> list[str]:
    return [f.code for f in check_source(Path("m.py"), text, CheckOptions(all_defs=True,
                                                                          width=119))]


SCAN = '''"""M."""

from pathlib import Path


class CacheNotFound(Exception):
    """The cache directory does not exist."""


def scan_cache_dir(cache_dir: str | None = None) -> dict[str, int]:
    """Scan the cache.

    Args:
        cache_dir (`str`, *optional*):
            Cache directory to scan.

    > [!WARNING]
    > Raises:
    >
    >     `CacheNotFound`
    >       If the cache directory does not exist.
    >
    >     [`ValueError`](https://docs.python.org/3/library/exceptions.html#ValueError)
    >       If the cache directory is a file, instead of a directory.

    Returns: a [`~HFCacheInfo`] object.
    """
    if cache_dir is None:
        raise CacheNotFound("no cache")
    if Path(cache_dir).is_file():
        raise ValueError(cache_dir)
    return {}
'''


def test_inline_returns_and_warning_admonition_raise_no_finding() -> None:
    # Was LD362 ("must go on the lines below") and LD341 twice.
    assert _codes(SCAN) == []


def test_inline_returns_is_the_returns_section() -> None:
    value = ast.get_docstring(ast.parse(SCAN).body[3], clean=False)  # type: ignore[arg-type]
    assert value is not None
    layout = read_layout(value)
    block = layout.blocks[-1]
    assert (block.heading, block.inline, block.text) == (
        "Returns", True, "a [`~HFCacheInfo`] object.")
    parsed = parse_docstring(value)
    assert parsed.returns is not None
    assert parsed.returns.description == "a [`~HFCacheInfo`] object."
    assert [r.exception_type for r in parsed.raises] == ["CacheNotFound", "ValueError"]


@pytest.mark.parametrize("kind", ["WARNING", "NOTE", "CAUTION"])
def test_raises_in_any_admonition(kind: str) -> None:
    layout = read_layout(f"Do it.\n\n> [!{kind}]\n> Raises:\n>\n>     `KeyError`\n"
                         ">       If missing.\n>     [`~errors.Gone`]\n>       If gone.\n")
    assert layout.noted_raises == ("KeyError", "errors.Gone")


def test_inline_text_continues_on_the_lines_below() -> None:
    # ``_sandbox.run``: the paragraph goes on at the margin; ``_commit_api``: indented below.
    parsed = parse_docstring("Run it.\n\nReturns: a [`Result`] (with `code`),\nor a "
                             "[`Process`].\n\nMore prose.\n")
    assert parsed.returns is not None
    assert parsed.returns.description == "a [`Result`] (with `code`),\nor a [`Process`]."
    indented = parse_docstring("Copy.\n\nReturns: `dict[str, bytes]`\n    Key is the path.\n")
    assert indented.returns is not None
    assert indented.returns.description == "`dict[str, bytes]`\nKey is the path."


@pytest.mark.parametrize("value", [
    "Returns: the value.",                      # the summary itself
    "Get it.\nReturns: the value.",             # inside the summary's paragraph
    "Get it.\n\nNote: the value is cached.",    # prose: no section a function is asked for
    "Get it.\n\nReturns:the value.",            # no space after the colon: not a heading
])
def test_prose_with_a_colon_is_no_section(value: str) -> None:
    parsed = parse_docstring(value)
    assert parsed.returns is None
    assert parsed.notes is None


def test_inline_raises_documents_the_exceptions_it_names() -> None:
    source = '''"""M."""


def read(path: str) -> str:
    """Read a file.

    Args:
        path: The path.

    Returns:
        The text.

    Raises: `ValueError` when the path is empty, OSError when it cannot be read.
    """
    if not path:
        raise ValueError(path)
    if path == "x":
        raise OSError(path)
    return path
'''
    assert _codes(source) == []


# -- forward references ----------------------------------------------------------------------


@pytest.mark.parametrize(("annotation", "written"), [
    ("'Sandbox'", "Sandbox"),
    ('"fastapi.FastAPI"', "fastapi.FastAPI"),
    ("list['CommitOperationAdd']", "list[CommitOperationAdd]"),
    ("Optional['X'] | None", "Optional[X] | None"),
    ("'list[\"X\"]'", "list[X]"),
    ("Literal['r', 'w']", "Literal['r', 'w']"),          # values keep their quotes
    ("Annotated['X', 'metadata']", "Annotated[X, 'metadata']"),
    ("dict[str,  int]", "dict[str,  int]"),              # no quotes: as written
    ("'not a type!'", "'not a type!'"),                  # not an expression: as written
])
def test_written_type(annotation: str, written: str) -> None:
    assert written_type(annotation) == written


@pytest.mark.parametrize(("doc", "annotation"), [
    ("`'Sandbox'`", "Sandbox"), ("`Sandbox`", "'Sandbox'"), ("'int'", "int"),
    ("`list['X']`", "list[X]"),
])
def test_quoted_and_unquoted_are_one_type(doc: str, annotation: str) -> None:
    assert same_type(doc, annotation) is True


def test_quoted_type_in_an_entry_is_no_finding() -> None:
    source = '''"""M."""


class Sandbox:
    """A sandbox."""


def make(box: "Sandbox") -> "Sandbox":
    """Make one.

    Args:
        box (`Sandbox`): The box.

    Returns:
        `'Sandbox'`: The box.
    """
    return box
'''
    assert _codes(source) == []


# -- a method that refuses -------------------------------------------------------------------

LILY = '''"""M."""

from abc import ABC, abstractmethod

from torch import nn


class Layer(ABC):
    """A layer."""

    @abstractmethod
    def get_delta_weight(self, adapter: str) -> list[float]:
        """Compute the delta weight.

        Args:
            adapter: The adapter.
        """


class Lily(nn.Module):
    """A layer."""

    def get_delta_weight(self, adapter: str) -> list[float]:
        """Compute the delta weight.

        Args:
            adapter: The adapter.
        """
        raise NotImplementedError("This method is not supported for Lily.")
'''


def test_refusing_override_is_not_asked_for_returns() -> None:
    findings = check_source(Path("m.py"), LILY, CheckOptions(all_defs=True))
    # The abstract method declares the interface: asked (line 13). Lily refuses: not asked.
    assert [(f.code, f.line) for f in findings] == [("LD321", 13)]


@pytest.mark.parametrize(("body", "refuses"), [
    ('raise NotImplementedError("not for Lily")', True),
    ("raise NotImplementedError", True),
    ("...", False),
    ("pass", False),
    ("return []", False),
    ("raise ValueError('no')", False),
])
def test_refuses(body: str, refuses: bool) -> None:
    node = ast.parse(f"def f(self) -> list[int]:\n    {body}\n").body[0]
    assert isinstance(node, ast.FunctionDef)
    facts = function_facts(node, "Lily")
    assert facts.refuses is refuses
    assert facts.needs_returns is not refuses


def test_abstract_method_raising_not_implemented_is_still_asked() -> None:
    node = ast.parse("@abstractmethod\ndef f(self) -> int:\n    raise NotImplementedError\n"
                     ).body[0]
    assert isinstance(node, ast.FunctionDef)
    facts = function_facts(node, "Base")
    assert not facts.refuses
    assert facts.needs_returns
