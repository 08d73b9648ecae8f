"""Find ``# @llm-<kind>-start`` / ``-end`` marker comments and pair them into regions."""

from __future__ import annotations

import bisect
import io
import re
import sys
import tokenize
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import Enum

from llm_doc_manager import codes
from llm_doc_manager.source.positions import INDENT_CHARS


class Kind(str, Enum):
    """What a region asks for."""

    DOC = "doc"
    CLASS = "class"
    COMM = "comm"
    MODULE = "module"


@dataclass(frozen=True)
class Region:
    """A balanced pair of markers.

    Attributes:
        kind: The marker kind.
        start: 1-based line of the start marker.
        end: 1-based line of the end marker.
        end_col: 0-based column of the end marker (its indentation).
    """

    kind: Kind
    start: int
    end: int
    end_col: int = 0


@dataclass(frozen=True)
class MarkerProblem:
    """A marker error before it is tied to a path.

    Attributes:
        line: 1-based line.
        col: 1-based column.
        code: Stable finding code.
        message: Explanation.
    """

    line: int
    col: int
    code: str
    message: str


@dataclass(frozen=True)
class MarkerScan:
    """Regions and problems found in one file.

    Attributes:
        regions: Balanced regions, ordered by start line.
        problems: Marker errors; any makes the file untouchable.
    """

    regions: tuple[Region, ...]
    problems: tuple[MarkerProblem, ...]


MARKER_PREFIX = "@llm-"
_MARKER_RE = re.compile(r"#\s*@llm-(doc|class|comm|module)-(start|end)\s*\Z")
_NEAR_MARKER_RE = re.compile(r"#\s*@llm-")
# Strings and comments of Python 3.11 code, left to right. Outside them no '#' or quote can
# appear, and where a string ends does not depend on its prefix (a backslash never ends
# one, raw or not), so matching from each quote finds exactly the comments the tokenizer
# finds. From 3.12 an f-string may hold its own quote inside braces; there the (then
# C-implemented, fast) tokenizer is used instead.
_STRING_OR_COMMENT_RE = re.compile(r"""
    (?P<comment>\#[^\r\n]*)
  | \"\"\"(?:[^"\\]|\\.|"(?!""))*(?:\"\"\"|\Z)
  | '\'\'(?:[^'\\]|\\.|'(?!''))*(?:'\'\'|\Z)
  | "(?:[^"\\\r\n]|\\(?:\r\n|.))*"
  | '(?:[^'\\\r\n]|\\(?:\r\n|.))*'
""", re.VERBOSE | re.DOTALL)
_LINE_BREAK_RE = re.compile(r"\r\n|\r|\n")
_REGEX_COMMENTS = sys.version_info < (3, 12)


def is_marker_comment(comment: str) -> bool:
    """Tell whether a comment's text is a marker (used to keep generated comments inert).

    Args:
        comment: Comment text starting with ``#``.

    Returns:
        True if the text would be read as a marker or a near-miss of one.
    """
    return bool(_NEAR_MARKER_RE.match(comment))


def all_comments(text: str) -> Iterator[tuple[int, int, str, str]]:
    """Yield every comment of parsable code: (line, 0-based column, comment, text before it).

    Lines break on ``\\r\\n``, ``\\r`` and ``\\n``, as ``ast`` counts them.
    """
    if not _REGEX_COMMENTS:
        # newline="": lines break on \r\n, \r and \n, as ast counts them, and keep their ends.
        for tok in tokenize.generate_tokens(io.StringIO(text, newline="").readline):
            if tok.type == tokenize.COMMENT:
                yield tok.start[0], tok.start[1], tok.string, tok.line[:tok.start[1]]
        return
    starts: list[int] | None = None
    for match in _STRING_OR_COMMENT_RE.finditer(text):
        comment = match.group("comment")
        if comment is None:
            continue
        if starts is None:
            starts = [0, *(m.end() for m in _LINE_BREAK_RE.finditer(text))]
        index = bisect.bisect_right(starts, match.start()) - 1
        yield index + 1, match.start() - starts[index], comment, \
            text[starts[index]:match.start()]


def scan_markers(text: str) -> MarkerScan:
    """Find the markers of a file and pair them into regions.

    Only comments count (as the tokenizer sees them), so marker text inside a string
    literal is never a marker. The caller must have checked that the text parses.

    Args:
        text: Source text.

    Returns:
        The balanced regions and the marker problems.
    """
    if MARKER_PREFIX not in text:
        return MarkerScan((), ())
    problems: list[MarkerProblem] = []
    found: list[tuple[int, int, Kind, bool]] = []  # line, col, kind, is_start
    for line, col, comment, before in all_comments(text):
        if not _NEAR_MARKER_RE.match(comment):
            continue
        match = _MARKER_RE.match(comment.rstrip())
        if match is None:
            problems.append(
                MarkerProblem(
                    line, col + 1, codes.MARKER_UNKNOWN,
                    f"unrecognised marker {comment.strip()!r} (expected "
                    "'# @llm-{doc,class,comm,module}-{start,end}')",
                )
            )
            continue
        if before.strip():
            problems.append(
                MarkerProblem(
                    line, col + 1, codes.MARKER_NOT_ALONE,
                    f"marker {comment.strip()!r} must be alone on its line",
                )
            )
            continue
        found.append((line, col + 1, Kind(match.group(1)), match.group(2) == "start"))

    regions: list[Region] = []
    stack: list[tuple[int, int, Kind]] = []
    for line, col, kind, is_start in found:
        if is_start:
            stack.append((line, col, kind))
            continue
        depth = next((i for i in range(len(stack) - 1, -1, -1) if stack[i][2] is kind), None)
        if depth is None:
            problems.append(
                MarkerProblem(line, col, codes.MARKER_UNOPENED,
                              f"'@llm-{kind.value}-end' without a matching start")
            )
            continue
        for crossed_line, crossed_col, crossed_kind in stack[depth + 1:]:
            problems.append(
                MarkerProblem(
                    crossed_line, crossed_col, codes.MARKER_CROSSING,
                    f"'@llm-{crossed_kind.value}' region crosses the '@llm-{kind.value}' region "
                    f"ending on line {line}",
                )
            )
        start_line = stack[depth][0]
        del stack[depth:]
        regions.append(Region(kind, start_line, line, col - 1))
    for line, col, kind in stack:
        problems.append(
            MarkerProblem(line, col, codes.MARKER_UNCLOSED,
                          f"'@llm-{kind.value}-start' is never closed")
        )
    regions.sort(key=lambda r: (r.start, -r.end))
    problems.sort(key=lambda p: (p.line, p.col))
    return MarkerScan(tuple(regions), tuple(problems))


def existing_comment(line: Callable[[int], str], first_stmt_line: int, region_start: int
                     ) -> tuple[int, str]:
    """Find the comment run right above a block's first statement, below its start marker.

    What ``generate`` replaces with a comment it writes, and what ``validate`` judges of a
    comment a person wrote (the numbers it states).

    Args:
        line: The text of a 1-based line of the source.
        first_stmt_line: First line of the block's first statement.
        region_start: Line of the start marker.

    Returns:
        The run's first line and its text (each line without ``#``, joined by newlines),
        "" when none.
    """
    lineno = first_stmt_line
    while lineno - 1 > region_start and line(lineno - 1).lstrip(INDENT_CHARS).startswith("#"):
        lineno -= 1
    text = "\n".join(line(n).strip().lstrip("#").strip() for n in range(lineno, first_stmt_line))
    return lineno, text
