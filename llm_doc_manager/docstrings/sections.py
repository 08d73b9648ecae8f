"""One vocabulary for Google-style sections, shared by the parser, renderer and checks."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from enum import Enum


class Section(str, Enum):
    """Sections that map to schema fields."""

    ARGS = "args"
    RETURNS = "returns"
    YIELDS = "yields"
    RAISES = "raises"
    ATTRIBUTES = "attributes"
    EXAMPLES = "examples"
    NOTES = "notes"
    TYPICAL_USAGE = "typical_usage"


#: The heading the formatter writes for each section.
HEADINGS: dict[Section, str] = {
    Section.ARGS: "Args",
    Section.RETURNS: "Returns",
    Section.YIELDS: "Yields",
    Section.RAISES: "Raises",
    Section.ATTRIBUTES: "Attributes",
    Section.EXAMPLES: "Example",
    Section.NOTES: "Note",
    Section.TYPICAL_USAGE: "Typical usage example",
}

#: Every spelling accepted when reading (lower case), mapped to its section.
ALIASES: dict[str, Section] = {
    "args": Section.ARGS,
    "arguments": Section.ARGS,
    "parameters": Section.ARGS,
    "params": Section.ARGS,
    "returns": Section.RETURNS,
    "return": Section.RETURNS,
    "yields": Section.YIELDS,
    "yield": Section.YIELDS,
    "raises": Section.RAISES,
    "raise": Section.RAISES,
    "exceptions": Section.RAISES,
    "attributes": Section.ATTRIBUTES,
    "example": Section.EXAMPLES,
    "examples": Section.EXAMPLES,
    "note": Section.NOTES,
    "notes": Section.NOTES,
    "typical usage example": Section.TYPICAL_USAGE,
    "typical usage": Section.TYPICAL_USAGE,
}

#: Google/Napoleon headings with no schema field: kept verbatim, never dropped.
OTHER_HEADINGS: frozenset[str] = frozenset(
    {
        "attention", "caution", "danger", "error", "hint", "important", "tip", "todo",
        "warning", "warnings", "warns", "see also", "references", "reference", "methods",
        "keyword args", "keyword arguments", "other parameters", "other params",
    }
)

#: Every heading numpydoc's format knows (lower case): the Google ones and its own.
NUMPY_HEADINGS: frozenset[str] = frozenset(
    {*ALIASES, *OTHER_HEADINGS, "receives", "warns", "see also", "references", "methods",
     "other parameters", "extended summary"})

_HEADING_RE = re.compile(r"([A-Za-z][A-Za-z ]*?)\s*:\s*\Z")


def heading_of(line: str) -> str | None:
    """Return the heading name if ``line`` is a known section heading at column 0.

    Args:
        line: One line of a cleaned docstring.

    Returns:
        The heading as written (without colon), or None.
    """
    match = _HEADING_RE.match(line)
    if match is None:
        return None
    name = match.group(1)
    key = name.lower()
    return name if key in ALIASES or key in OTHER_HEADINGS else None


_HEADING_LIKE_RE = re.compile(r"([A-Za-z][A-Za-z ]{0,30}?)\s*:\s*\Z")
_KNOWN = sorted({*ALIASES, *OTHER_HEADINGS})


def resembled_heading(line: str) -> str | None:
    """Return the known heading a ``Word:`` line resembles (itself included), if any.

    Args:
        line: One line, stripped.

    Returns:
        The known heading in lower case, or None when the line is no heading-like text.
    """
    match = _HEADING_LIKE_RE.match(line)
    if match is None:
        return None
    return resembled_name(match.group(1), _KNOWN)


def resembled_name(text: str, known: Iterable[str]) -> str | None:
    """Return the name of ``known`` (lower case) that ``text`` is a misspelling of, if any.

    Args:
        text: A heading as written.
        known: The headings it may stand for, in lower case.

    Returns:
        The closest of them with the same number of words, or None.
    """
    text = text.lower()
    # A misspelling keeps the word count: "Call arguments" (keras) is a heading of its own,
    # not a misspelt "Arguments".
    words = len(text.split())
    close = difflib.get_close_matches(text, [k for k in known if len(k.split()) == words],
                                      n=1, cutoff=0.75)
    return close[0] if close else None
