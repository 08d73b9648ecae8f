"""Find ``# @llm-<kind>-start`` / ``-end`` marker comments and pair them into regions."""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass
from enum import Enum

from llm_doc_manager import codes


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
        kind (Kind): The marker kind.
        start (int): 1-based line of the start marker.
        end (int): 1-based line of the end marker.
    """

    kind: Kind
    start: int
    end: int


@dataclass(frozen=True)
class MarkerProblem:
    """A marker error before it is tied to a path.

    Attributes:
        line (int): 1-based line.
        col (int): 1-based column.
        code (str): Stable finding code.
        message (str): Explanation.
    """

    line: int
    col: int
    code: str
    message: str


@dataclass(frozen=True)
class MarkerScan:
    """Regions and problems found in one file.

    Attributes:
        regions (tuple[Region, ...]): Balanced regions, ordered by start line.
        problems (tuple[MarkerProblem, ...]): Marker errors; any makes the file untouchable.
    """

    regions: tuple[Region, ...]
    problems: tuple[MarkerProblem, ...]


MARKER_PREFIX = "@llm-"
_MARKER_RE = re.compile(r"#\s*@llm-(doc|class|comm|module)-(start|end)\s*\Z")
_NEAR_MARKER_RE = re.compile(r"#\s*@llm-")


def is_marker_comment(comment: str) -> bool:
    """Tell whether a comment's text is a marker (used to keep generated comments inert).

    Args:
        comment (str): Comment text starting with ``#``.

    Returns:
        bool: True if the text would be read as a marker or a near-miss of one.
    """
    return bool(_NEAR_MARKER_RE.match(comment))


def scan_markers(text: str) -> MarkerScan:
    """Find the markers of a file and pair them into regions.

    Comments are found with ``tokenize``, so marker text inside a string literal is never a
    marker. The caller must have checked that the text parses.

    Args:
        text (str): Source text.

    Returns:
        MarkerScan: The balanced regions and the marker problems.
    """
    if MARKER_PREFIX not in text:
        return MarkerScan((), ())
    problems: list[MarkerProblem] = []
    found: list[tuple[int, int, Kind, bool]] = []  # line, col, kind, is_start
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type != tokenize.COMMENT or not _NEAR_MARKER_RE.match(tok.string):
            continue
        line, col = tok.start
        match = _MARKER_RE.match(tok.string.rstrip())
        if match is None:
            problems.append(
                MarkerProblem(
                    line, col + 1, codes.MARKER_UNKNOWN,
                    f"unrecognised marker {tok.string.strip()!r} (expected "
                    "'# @llm-{doc,class,comm,module}-{start,end}')",
                )
            )
            continue
        if tok.line[:col].strip():
            problems.append(
                MarkerProblem(
                    line, col + 1, codes.MARKER_NOT_ALONE,
                    f"marker {tok.string.strip()!r} must be alone on its line",
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
        regions.append(Region(kind, start_line, line))
    for line, col, kind in stack:
        problems.append(
            MarkerProblem(line, col, codes.MARKER_UNCLOSED,
                          f"'@llm-{kind.value}-start' is never closed")
        )
    regions.sort(key=lambda r: (r.start, -r.end))
    problems.sort(key=lambda p: (p.line, p.col))
    return MarkerScan(tuple(regions), tuple(problems))
