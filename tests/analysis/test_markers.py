"""Markers: pairing, every error code, strings are never markers, region targets."""

from __future__ import annotations

import ast

import pytest

from llm_doc_manager import codes as C
from llm_doc_manager.analysis.markers import Kind, scan_markers
from llm_doc_manager.analysis.targets import resolve


def found_codes(text: str) -> list[str]:
    scan = scan_markers(text)
    problems = list(scan.problems)
    if not problems:
        _targets, region_problems = resolve(ast.parse(text), scan.regions, False)
        problems += region_problems
    return [p.code for p in problems]


@pytest.mark.parametrize(("text", "expected"), [
    ("# @llm-doc-start\ndef f(): pass\n", [C.MARKER_UNCLOSED]),
    ("def f(): pass\n# @llm-doc-end\n", [C.MARKER_UNOPENED]),
    ("# @llm-doc-start\n# @llm-class-start\nclass A: pass\n# @llm-doc-end\n# @llm-class-end\n",
     [C.MARKER_CROSSING, C.MARKER_UNOPENED]),
    ("# @llm-doc-start\nclass A: pass\n# @llm-doc-end\n", [C.MARKER_NO_FUNCTION]),
    ("# @llm-doc-start\nx = 1\n# @llm-doc-end\n", [C.MARKER_NO_FUNCTION]),
    ("# @llm-class-start\ndef f(): pass\n# @llm-class-end\n", [C.MARKER_NO_CLASS]),
    ("if a:\n    # @llm-comm-start\n    x = 1\n# @llm-comm-end\ny = 2\n",
     [C.MARKER_COMM_BLOCK]),
    ("x = 1\n# @llm-comm-start\nif a:\n    y = 1\n    # @llm-comm-end\n    z = 2\n",
     [C.MARKER_COMM_BLOCK]),
    ("# @llm-comm-start\n# only a comment\n# @llm-comm-end\n", [C.MARKER_EMPTY]),
    ("# @llm-doc-begin\ndef f(): pass\n", [C.MARKER_UNKNOWN]),
    ("# @llm-docs-start\ndef f(): pass\n", [C.MARKER_UNKNOWN]),
    ("x = 1  # @llm-doc-start\ndef f(): pass\n# @llm-doc-end\n",
     [C.MARKER_NOT_ALONE, C.MARKER_UNOPENED]),
])
def test_marker_errors(text: str, expected: list[str]) -> None:
    assert found_codes(text) == expected


def test_problems_carry_line_and_column() -> None:
    scan = scan_markers("x = 1\n    # @llm-doc-end\n")
    assert [(p.line, p.col, p.code) for p in scan.problems] == [(2, 5, C.MARKER_UNOPENED)]


def test_marker_text_in_strings_is_not_a_marker() -> None:
    text = (
        's = """\n# @llm-doc-start\n"""\n'
        "t = '# @llm-doc-end'\n"
        'u = f"""{1}\n# @llm-class-start\n"""\n'
        "def f():\n"
        '    """Docstring mentioning\n    # @llm-comm-start\n    markers."""\n'
    )
    scan = scan_markers(text)
    assert scan.regions == ()
    assert scan.problems == ()


def test_nested_regions_and_targets() -> None:
    text = (
        "# @llm-class-start\n"
        "@decorator\n"
        "class A:\n"
        "    # @llm-doc-start\n"
        "    @property\n"
        "    def f(self):\n"
        "        def inner(): pass\n"
        "        return 1\n"
        "    # @llm-doc-end\n"
        "# @llm-class-end\n"
    )
    scan = scan_markers(text)
    assert [(r.kind, r.start, r.end) for r in scan.regions] == [
        (Kind.CLASS, 1, 10), (Kind.DOC, 4, 9)]
    targets, problems = resolve(ast.parse(text), scan.regions, False)
    assert problems == []
    assert [(t.kind, t.qualname, t.class_name) for t in targets] == [
        (Kind.CLASS, "A", None), (Kind.DOC, "A.f", "A")]


def test_all_mode_targets_every_def_and_class() -> None:
    text = "class A:\n    def f(self):\n        def g(): pass\n\nasync def h(): pass\n"
    targets, _ = resolve(ast.parse(text), (), True)
    assert [t.qualname for t in targets] == ["A", "A.f", "A.f.g", "h"]


def test_comm_region_takes_its_block() -> None:
    text = "def f():\n    a = 1\n    # @llm-comm-start\n    b = 2\n    if b:\n        c = 3\n" \
           "    # @llm-comm-end\n    return a\n"
    scan = scan_markers(text)
    targets, problems = resolve(ast.parse(text), scan.regions, False)
    assert problems == []
    assert [type(s).__name__ for s in targets[0].statements] == ["Assign", "If"]
