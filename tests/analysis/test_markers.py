"""Markers: pairing, every error code, strings are never markers, region targets."""

from __future__ import annotations

import ast
import io
import sys
import sysconfig
import tokenize
from pathlib import Path

import pytest

from llm_doc_manager import codes as C
from llm_doc_manager.analysis.markers import Kind, all_comments, scan_markers
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
    assert [t.qualname for t in targets] == ["<module>", "A", "A.f", "A.f.g", "h"]


def test_comm_region_takes_its_block() -> None:
    text = "def f():\n    a = 1\n    # @llm-comm-start\n    b = 2\n    if b:\n        c = 3\n" \
           "    # @llm-comm-end\n    return a\n"
    scan = scan_markers(text)
    targets, problems = resolve(ast.parse(text), scan.regions, False)
    assert problems == []
    assert [type(s).__name__ for s in targets[0].statements] == ["Assign", "If"]


TRICKY = '''\
s = "# @llm-doc-start"
t = \'\'\'
# @llm-doc-end  (inside a triple-quoted string)
\'\'\'
u = "a \\\\" # @llm-doc-start"
v = 'it\\'s' \\
    "# not a comment"
w = r"\\\\"  # @llm-class-start
x = f"{1}"  # tail @llm-doc-start is not a marker: the comment starts before it
# @llm-doc-start
def f():
    return """# @llm-doc-end"""
# @llm-doc-end
'''


def test_only_real_comments_are_markers() -> None:
    scan = scan_markers(TRICKY)
    assert [(r.kind, r.start, r.end) for r in scan.regions] == [(Kind.DOC, 10, 13)]
    # Line 5's comment starts after the escaped backslash and ends with a quote; line 8's
    # follows code on its line.
    assert [(p.line, p.code) for p in scan.problems] == [(5, C.MARKER_UNKNOWN),
                                                         (8, C.MARKER_NOT_ALONE)]


def test_lone_carriage_returns_break_lines() -> None:
    text = "# @llm-doc-start\rdef f():\r    return 1\r# @llm-doc-end\r"
    scan = scan_markers(text)
    assert scan.problems == ()
    assert [(r.start, r.end) for r in scan.regions] == [(1, 4)]


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="the regex scanner serves 3.11 only")
def test_regex_scanner_finds_exactly_the_tokenizers_comments() -> None:
    """Every comment of the standard library, found both ways."""
    root = Path(sysconfig.get_paths()["stdlib"])
    checked = 0
    for path in sorted(root.rglob("*.py")):
        if "site-packages" in path.parts:
            continue
        try:
            text = path.read_text(encoding="utf-8")
            ast.parse(text)
        except (UnicodeDecodeError, SyntaxError, ValueError):
            continue
        expected = [(t.start[0], t.start[1], t.string)
                    for t in tokenize.generate_tokens(io.StringIO(text, newline="").readline)
                    if t.type == tokenize.COMMENT]
        found = [(line, col, comment) for line, col, comment, _ in all_comments(text)]
        assert found == expected, path
        checked += 1
    assert checked > 500
