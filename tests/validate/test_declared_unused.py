"""An argument the author declared unused on purpose is not asked for an entry.

mkdocstrings-python's Jinja filters take ``context: Context,  # noqa: ARG001`` (Jinja passes
it; the filter never reads it) and document every other argument; validate asked for
``context`` six times and ``generate`` would have added a placeholder entry for it. The rule
is one function (``analysis.facts.declared_unused``), read by both commands.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from llm_doc_manager.analysis.facts import declared_unused
from llm_doc_manager.generate.pipeline import FileChange, Options
from llm_doc_manager.validate import CheckOptions, check_source
from tests.helpers import run_file

FILTER = '''\
"""Jinja filters."""


def do_section(
    context: object,  # noqa: ARG001
    attributes: list[str],
    *,
    check_public: bool = True,
) -> str:
    """Build a section from a list of attributes.

    Args:
        attributes: The attributes to build the section from.
        check_public: Whether to check if the attribute is public.

    Returns:
        The section.
    """
    return ",".join(a for a in attributes if check_public)


def render(self_: object, links: dict[str, str], *, locale: str = "") -> str:  # noqa: ARG001
    """Render the links.

    Args:
        self_: The handler.
        links: The links to render.

    Returns:
        The HTML.
    """
    return str(self_) + str(links)
'''


def _missing(text: str, tmp_path: Path) -> set[str]:
    path = tmp_path / "filters.py"
    path.write_text(text)
    found = check_source(path, text, CheckOptions(all_defs=True))
    return {f.message for f in found if f.code == "LD311"}


def test_validate_does_not_ask_for_an_argument_declared_unused(tmp_path: Path) -> None:
    assert _missing(FILTER, tmp_path) == set()


def test_generate_adds_no_entry_for_it_and_leaves_the_file_alone(tmp_path: Path) -> None:
    path = tmp_path / "filters.py"
    path.write_text(FILTER)
    result = run_file(path, None, Options(all_defs=True))
    assert not isinstance(result, FileChange) or result.new_text == FILTER


@pytest.mark.parametrize(("change", "asked"), [
    # Without the linter's code the argument is an ordinary undocumented one.
    (("  # noqa: ARG001", ""), "do_section: argument 'context' is not documented"),
    # A blanket noqa says nothing about this argument.
    (("  # noqa: ARG001", "  # noqa"), "do_section: argument 'context' is not documented"),
    # Read by the body: the noqa is stale and the argument needs its words.
    (("return \",\".join(", "return str(context) + \",\".join("),
     "do_section: argument 'context' is not documented"),
])
def test_only_a_silenced_unused_argument_counts(tmp_path: Path, change: tuple[str, str],
                                                asked: str) -> None:
    assert _missing(FILTER.replace(*change, 1), tmp_path) == {asked}


def test_the_other_linters_spellings(tmp_path: Path) -> None:
    for comment in ("# noqa: U100", "# noqa:ARG002,E501", "# pylint: disable=unused-argument"):
        text = "def f(a, b):  " + comment + "\n    return a\n"
        node = ast.parse(text).body[0]
        assert isinstance(node, ast.FunctionDef)
        assert declared_unused(node, text.splitlines()) == {"b"}, comment


def test_a_generated_args_section_leaves_it_out(tmp_path: Path) -> None:
    path = tmp_path / "hook.py"
    path.write_text('"""Hooks."""\n\n\n'
                    "def hook(event: str, sender: object) -> str:  # noqa: ARG001\n"
                    "    return event\n")
    result = run_file(path, None, Options(all_defs=True))
    assert isinstance(result, FileChange)
    assert "event (str): TODO" in result.new_text or "event: TODO" in result.new_text
    assert "sender" not in result.new_text.split('"""')[3]


def test_the_context_jinja_passes_to_a_filter_is_not_asked_for(tmp_path: Path) -> None:
    text = ('"""Filters."""\n\nfrom jinja2 import pass_context\n\n\n@pass_context\n'
            'def do_section(context, functions: list[str]) -> str:\n'
            '    """Build a section.\n\n    Args:\n        functions: The functions.\n\n'
            '    Returns:\n        The section.\n    """\n    return ",".join(functions)\n')
    assert _missing(text, tmp_path) == set()
    # Read by the body: documented like any argument.
    used = text.replace('return ",".join(functions)', 'return context.name + "".join(functions)')
    assert _missing(used, tmp_path) == {"do_section: argument 'context' is not documented"}


def test_an_unread_kwargs_and_a_private_argument_are_not_asked_for(tmp_path: Path) -> None:
    text = ('"""Layers."""\n\n\ndef update_layer(name: str, _hot_reload: bool = False, **kwargs) '
            '-> str:\n    """Update a layer.\n\n    Args:\n        name: The layer.\n\n'
            '    Returns:\n        The name.\n    """\n    return name if _hot_reload else name\n')
    assert _missing(text, tmp_path) == set()
    # **kwargs passed on is read: what it carries needs saying.
    passed = text.replace("return name if _hot_reload else name",
                          "return name + str(dict(**kwargs))")
    assert _missing(passed, tmp_path) == {"update_layer: argument '**kwargs' is not documented"}


def test_the_body_is_walked_once_for_the_names_read_and_those_passed_on(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # ``read`` then ``_passed_on`` (parents, then names) walked a body three times; one walk
    # gives all three. Counted as the children asked of each node (``ast.walk`` asks too).
    source = ("def wrap(x, *args, **kwargs):  # noqa: ARG001\n"
              "    if kwargs.get('k'):\n        return inner(x, *args, **kwargs)\n"
              "    return [y for y in range(3)]\n")
    node = ast.parse(source).body[0]
    assert isinstance(node, ast.FunctionDef)
    nodes = sum(1 for stmt in node.body for _ in ast.walk(stmt))
    asked = [0]
    children = ast.iter_child_nodes

    def counted(parent: ast.AST) -> object:
        asked[0] += 1
        return children(parent)

    monkeypatch.setattr(ast, "iter_child_nodes", counted)
    assert declared_unused(node, source.splitlines()) == {"args", "kwargs"}
    assert asked[0] == nodes
