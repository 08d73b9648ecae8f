"""The linear-time gitignore matcher answers as pathspec does, and hostile patterns end.

pathspec (its regular expressions run by Python's ``re``) is the reference wherever it is
fast: small random patterns and paths. The attack patterns are matched on paths where
``re`` would backtrack for minutes; the tests assert the answers, not the time.
"""

from __future__ import annotations

import re
import warnings

import pathspec
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from llm_doc_manager.source.globmatch import IgnoreSpec, _Program

# Pieces that exercise every rule: wildcards, classes (negated, ranges, a "]" first), an
# escape, "**", anchoring and trailing slashes, negation, trailing spaces, newlines.
_PATTERN_PIECES = ["a", "b", "-", "*", "**", "?", "/", "[ab]", "[!a]", "[^b]", "[a-c]",
                   "[]a]", "\\*", "\\", "!", " ", "\\ ", "\n", "["]
_PATH_PIECES = ["a", "b", "c", "-", "/", "*", " ", "\n", "ab", "a/", "b/"]

patterns = st.lists(st.sampled_from(_PATTERN_PIECES), min_size=1, max_size=7).map("".join)
paths = st.lists(st.sampled_from(_PATH_PIECES), min_size=0, max_size=8).map("".join)


# A path made from the pattern itself, each piece replaced by text it may match, so that
# about half the pairs match (random paths rarely do).
_STANDS_FOR = {"*": ["", "a", "ab", "a/b"], "**": ["", "a", "a/b", "a/b/"], "?": ["a", "/"],
               "[ab]": ["a", "c"], "[!a]": ["a", "b", "/"], "[^b]": ["b", "a"],
               "[a-c]": ["b", "d"], "[]a]": ["]", "a"], "\\*": ["*", "a"],
               "\\": [""], "!": ["", "!"], "\\ ": [" ", ""], "[": ["[", ""]}


@st.composite
def _pattern_and_path(draw: st.DrawFn) -> tuple[str, str]:
    pieces = draw(st.lists(st.sampled_from(_PATTERN_PIECES), min_size=1, max_size=7))
    text = "".join(draw(st.sampled_from(_STANDS_FOR.get(p, [p]))) for p in pieces)
    prefix = draw(st.sampled_from(["", "a/", "b/a/"]))
    suffix = draw(st.sampled_from(["", "/", "/a", "\n"]))
    return "".join(pieces), prefix + text + suffix


def _reference(lines: list[str]) -> pathspec.GitIgnoreSpec | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return pathspec.GitIgnoreSpec.from_lines(lines)
    except (ValueError, re.error):
        return None


@settings(max_examples=3000, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(pattern=patterns, path=paths)
def test_one_pattern_matches_as_pathspecs_regex(pattern: str, path: str) -> None:
    _same_as_pathspec(pattern, path)


def _same_as_pathspec(pattern: str, path: str) -> None:
    reference = _reference([pattern])
    assume(reference is not None and reference.patterns[0].regex is not None)
    assert reference is not None
    compiled = reference.patterns[0]
    regex = compiled.regex.pattern  # type: ignore[union-attr]
    assume(regex.startswith("^"))  # pathspec's fixed expressions ("**", "*/") stay in re
    found = compiled.match_file(path)
    expected = None if found is None else bool(found.match.groupdict().get("ps_d"))
    # Whether it matched, and whether through a folder (which decides between patterns).
    assert _Program(pattern).match(path)[0] == expected


@settings(max_examples=3000, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(pair=_pattern_and_path())
def test_one_pattern_matches_as_pathspecs_regex_on_near_paths(pair: tuple[str, str]) -> None:
    _same_as_pathspec(*pair)


@settings(max_examples=2000, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(lines=st.lists(st.one_of(patterns, patterns.map(lambda p: "!" + p)), min_size=1,
                      max_size=4),
       path=paths)
def test_a_list_of_patterns_decides_as_gitignorespec(lines: list[str], path: str) -> None:
    reference = _reference(lines)
    assume(reference is not None)
    assert reference is not None
    for always in (True, False):
        spec, refused = IgnoreSpec.from_lines(lines, always=always)
        assert refused == []
        assert spec.match_file(path) == reference.match_file(path), (lines, path, always)


@pytest.mark.parametrize(("pattern", "path", "ignored"), [
    ("**/x/**/*.py", "x/m.py", True), ("**/x/**/*.py", "a/x/b/c/m.py", True),
    ("**/x/**/*.py", "a/y/b/m.py", False), ("*-*-*.log", "d/a-b-c.log", True),
    ("*-*-*.log", "a-b.log", False), ("a/**/a/**/b", "a/a/b", True),
    ("a/**/a/**/b/", "a/q/a/r/b", False), ("a/**/a/**/b/", "a/q/a/r/b/", True),
    ("/x/**/y/**", "x/y/z", True), ("/x/**/y/**", "q/x/y/z", False),
])
def test_patterns_over_the_limit_match(pattern: str, path: str, ignored: bool) -> None:
    spec, refused = IgnoreSpec.from_lines([pattern])
    assert refused == []
    assert spec.match_file(path) is ignored
    assert _reference([pattern]).match_file(path) is ignored  # type: ignore[union-attr]


def test_negation_and_order_with_a_pattern_over_the_limit() -> None:
    spec, _ = IgnoreSpec.from_lines(["**/x/**/*.py", "!**/x/**/keep_*_*_.py"])
    assert spec.match_file("x/a/drop.py")
    assert not spec.match_file("x/a/keep_1_2_.py")
    spec, _ = IgnoreSpec.from_lines(["!**/x/**/keep_*_*_.py", "**/x/**/*.py"])
    assert spec.match_file("x/a/keep_1_2_.py")


@pytest.mark.timeout(300)  # a backstop only: each of these ends in well under a second
@pytest.mark.parametrize(("pattern", "path"), [
    ("a/**/" * 12 + "b", "/".join(["a"] * 2000) + "/c"),
    ("**/a/**/a/**/b", "/".join(["a"] * 2000) + "/c"),
    ("*a*a*a*b", "a" * 4000),
    ("*a*a*a*a*a*a*a*a*a*a*b", "a" * 4000),
    ("**/*a*a*a*a*a*a*b/**/*a*a*a*a*b/**/c", "/".join(["a" * 30] * 130)),
])
def test_attack_patterns_answer_on_long_paths(pattern: str, path: str) -> None:
    spec, refused = IgnoreSpec.from_lines([pattern])
    assert refused == []
    assert spec.match_file(path) is False
    assert spec.match_file(path[:-1] + "b") is pattern.endswith("b")


def test_a_range_re_refuses_is_reported_not_raised() -> None:
    spec, refused = IgnoreSpec.from_lines(["*.pyc", "[z-a]x"])
    assert refused == [(2, "pattern '[z-a]x' is not valid: bad character range z-a at "
                           "position 10")]
    assert spec.match_file("a.pyc")


def test_a_pattern_too_long_for_a_program_is_refused() -> None:
    long = "*a" * 600 + "b"
    spec, refused = IgnoreSpec.from_lines(["*.pyc", long, "x" * 2000])
    assert refused == [(2, f"pattern {long[:80]!r}... is too long to match safely: 1201 "
                           "characters with 600 variable-length wildcards (at most 1024 "
                           "characters with more than 2)")]
    assert spec.match_file("a.pyc")
    assert spec.match_file("x" * 2000)  # no wildcard: re takes it, whatever its length


def test_blank_and_comment_lines_are_skipped() -> None:
    # pathspec 1.x keeps no pattern for them: every .gitignore with a blank line was an
    # internal error (IndexError) in every command.
    lines = ["*.pyc", "", "# a comment", "   ", "#", "build/", "!keep.py", "\\#literal.py"]
    spec, refused = IgnoreSpec.from_lines(lines)
    assert refused == []
    assert spec.match_file("a.pyc")
    assert spec.match_file("build/")
    assert spec.match_file("#literal.py")
    assert not spec.match_file("keep.py")
    assert not spec.match_file("a.py")
