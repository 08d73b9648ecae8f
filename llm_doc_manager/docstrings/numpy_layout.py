"""The layout of a NumPy-style docstring, in the terms the Google reader uses.

numpydoc's format (https://numpydoc.readthedocs.io/en/latest/format.html): a section is a
heading line underlined with dashes; in ``Parameters``, ``Attributes`` and ``Other
Parameters`` an entry is ``name : type`` (or ``name`` alone, or ``x1, x2 : type``) at the
section's margin with its description indented below; ``Returns`` and ``Yields`` entries
are ``type`` or ``name : type``; ``Raises`` entries are exception names. The result is the
same ``Layout`` of blocks and entries with their line and column spans, so that ``validate``
compares the same content and ``sync`` edits exactly the lines the code requires.
"""

from __future__ import annotations

import re
import textwrap

from llm_doc_manager.docstrings.model import (
    Block,
    Entry,
    HeadingProblem,
    Layout,
    Style,
    cleaned_lines,
    indent_width,
    leading,
    parse_raises_head,
    summary_span,
    text_of,
)
from llm_doc_manager.docstrings.sections import ALIASES, NUMPY_HEADINGS, Section, resembled_name

__all__ = ["HEADINGS", "numpy_heading_problems", "read_numpy", "underlined"]

#: The headings numpydoc writes for the sections with a schema field.
HEADINGS: dict[Section, str] = {
    Section.ARGS: "Parameters",
    Section.RETURNS: "Returns",
    Section.YIELDS: "Yields",
    Section.RAISES: "Raises",
    Section.ATTRIBUTES: "Attributes",
    Section.EXAMPLES: "Examples",
    Section.NOTES: "Notes",
    Section.TYPICAL_USAGE: "Examples",
}

KNOWN = NUMPY_HEADINGS

_UNDERLINE_RE = re.compile(r"[ \t]*(-{3,}|={3,})[ \t]*\Z")
# ``name : type``, ``name`` alone, ``x1, x2 : type``, ``*args``; the type runs to the end.
_NAMES = r"\*{0,2}[A-Za-z_][\w.]*(?:[ \t]*,[ \t]*\*{0,2}[A-Za-z_][\w.]*)*"
_HEAD_RE = re.compile(rf"({_NAMES})[ \t]*(?::[ \t]*(.*?))?[ \t]*\Z")
# A Returns/Yields head: ``name : type`` or a type alone. A type has no space outside
# brackets except after a comma, around ``|`` or in numpydoc's words (``of``, ``or``, ...).
_TYPE_WORDS = frozenset({"of", "or", "and", "to", "shape", "optional", "default", "like"})


def underlined(cleaned: list[str], index: int) -> bool:
    """Whether line ``index`` is a heading: text at the margin underlined by the next line."""
    text = cleaned[index]
    return bool(text.strip()) and text[:1] not in (" ", "\t") and index + 1 < len(cleaned) and \
        _UNDERLINE_RE.match(cleaned[index + 1]) is not None and \
        _UNDERLINE_RE.match(text) is None and len(text.split()) <= 4 and \
        not text.rstrip().endswith((".", ",", ";", ":"))


def _headings(cleaned: list[str], start: int) -> list[int]:
    return [i for i in range(start, len(cleaned) - 1) if underlined(cleaned, i) and
            (i == 0 or not cleaned[i - 1].strip() or underlined(cleaned, i - 2)
             or i - 1 < start)]


def _type_like(text: str) -> bool:
    """Whether a Returns/Yields head reads as a type rather than a sentence."""
    depth = 0
    outside = []
    for ch in text:
        depth += ch in "([{"
        depth -= ch in ")]}"
        outside.append(ch if depth == 0 else "x")
    words = "".join(outside).replace(",", " ").replace("|", " ").split()
    if not words or text.rstrip().endswith("."):
        return False
    return all(w.lower() in _TYPE_WORDS or not w.isalpha() or w == words[0] or
               w[:1].isupper() or "_" in w for w in words) and len(words) <= 6


def _entries(lines: list[str], cleaned: list[str], first: int, end: int,
             raises: bool) -> tuple[Entry, ...]:
    """The entries of a section body ``first:end``: heads at its margin, text below."""
    body = [i for i in range(first, end) if cleaned[i].strip()]
    if not body:
        return ()
    margin = min(indent_width(cleaned[i]) for i in body)
    heads = [i for i in body if indent_width(cleaned[i]) == margin]
    entries = []
    for number, head in enumerate(heads):
        stop = heads[number + 1] if number + 1 < len(heads) else end
        last = max(i for i in body if head <= i < stop) + 1
        line = lines[head].rstrip("\r")
        column = len(leading(line))
        description = text_of([cleaned[i] for i in range(head + 1, last)]) or ""
        if raises:
            found = parse_raises_head(line)
            if found is not None and not found[1]:
                names, _, span, _ = found
                entries.append(Entry(names[0], None, description, head, last, span, None,
                                     True, names))
                continue
            entries.append(Entry(line.strip(), None, description, head, last,
                                 (column, len(line.rstrip())), None, False))
            continue
        match = _HEAD_RE.match(line, column)
        if match is None:
            entries.append(Entry(line.strip(), None, description, head, last,
                                 (column, len(line.rstrip())), None, False))
            continue
        type_text = match.group(2)
        type_hint = " ".join(type_text.split()) if type_text else None
        type_span = match.span(2) if type_text else None
        entries.append(Entry(match.group(1), type_hint, description, head, last,
                             match.span(1), type_span, True))
    return tuple(entries)


def _typed(lines: list[str], cleaned: list[str], first: int, end: int, text: str
           ) -> tuple[str | None, tuple[int, int] | None, str]:
    """A Returns/Yields body's type, its columns and the description.

    Only a body of one entry has a type to compare with the annotation: a tuple returned
    as several named entries does not.
    """
    body = [i for i in range(first, end) if cleaned[i].strip()]
    if not body:
        return None, None, ""
    margin = min(indent_width(cleaned[i]) for i in body)
    heads = [i for i in body if indent_width(cleaned[i]) == margin]
    line = lines[body[0]].rstrip("\r")
    column = len(leading(line))
    head = line[column:].rstrip()
    if len(heads) != 1 or heads[0] != body[0] or indent_width(cleaned[body[0]]) != margin:
        return None, None, text
    match = _HEAD_RE.match(line, column)
    if match is not None and match.group(2):
        type_hint, span = match.group(2), match.span(2)
    elif _type_like(head):
        type_hint, span = head, (column, column + len(head))
    else:
        return None, None, text
    description = text_of([cleaned[i] for i in range(body[0] + 1, end)]) or ""
    return " ".join(type_hint.split()), span, description


def read_numpy(lines: list[str], margin: int, cleaned: list[str] | None = None) -> Layout:
    """Read a NumPy-style docstring's layout.

    Args:
        lines: The docstring value's lines.
        margin: Columns of indentation ``inspect.cleandoc`` removes from lines after the first.
        cleaned: The lines with the margin removed, when the caller has them.

    Returns:
        Its layout, ``Style.NUMPY``.
    """
    cleaned = cleaned_lines(lines, margin) if cleaned is None else cleaned
    summary = summary_span(cleaned, lambda i: underlined(cleaned, i))
    index = summary[1]
    headings = _headings(cleaned, index)
    description = (index, headings[0] if headings else len(lines))
    blocks = []
    for number, start in enumerate(headings):
        stop = headings[number + 1] if number + 1 < len(headings) else len(lines)
        end = start + 2
        for i in range(stop - 1, start + 1, -1):
            if cleaned[i].strip():
                end = i + 1
                break
        heading = cleaned[start].strip()
        key = heading.lower()
        section = ALIASES.get(key) if key != "other parameters" else None
        text = text_of(cleaned[start + 2:end]) or ""
        first_body = next((i for i in range(start + 2, end) if lines[i].strip()), None)
        body_indent = "" if first_body is None else leading(lines[first_body])
        entries: tuple[Entry, ...] = ()
        type_hint, type_span, described = None, None, ""
        if section in (Section.ARGS, Section.ATTRIBUTES, Section.RAISES):
            entries = _entries(lines, cleaned, start + 2, end, section is Section.RAISES)
        elif section in (Section.RETURNS, Section.YIELDS):
            type_hint, type_span, described = _typed(lines, cleaned, start + 2, end, text)
        blocks.append(Block(heading, section, start, end, text, entries, type_hint,
                            type_span, described, body_indent))
    return Layout(tuple(lines), margin, summary, description, tuple(blocks), Style.NUMPY)


def other_parameters(layout: Layout) -> tuple[Entry, ...]:
    """The entries of an ``Other Parameters`` section (documented arguments too)."""
    cleaned = cleaned_lines(list(layout.lines), layout.margin)
    return tuple(e for b in layout.blocks if b.section is None and
                 b.heading.lower() == "other parameters"
                 for e in _entries(list(layout.lines), cleaned, b.start + 2, b.end, False))


def numpy_heading_problems(layout: Layout) -> list[HeadingProblem]:
    """Find the lines that make a NumPy docstring's sections unclear.

    ``"underline"``: the dashes are not as long as the heading; ``"misspelt"``: an
    underlined heading close to a known one; ``"indented"``: a known heading off the margin.

    Args:
        layout: A NumPy-style docstring.

    Returns:
        The problems, in line order.
    """
    problems = []
    cleaned = cleaned_lines(list(layout.lines), layout.margin)
    for block in layout.blocks:
        heading = block.heading
        underline = cleaned[block.start + 1].strip()
        if heading.lower() not in KNOWN:
            suggestion = resembled_name(heading, sorted(KNOWN))
            if suggestion is not None:
                problems.append(HeadingProblem(block.start, "misspelt",
                                               textwrap.shorten(heading, 40), suggestion))
        if len(underline) != len(heading):
            problems.append(HeadingProblem(block.start + 1, "underline", heading))
    for index in range(len(cleaned) - 1):
        text = cleaned[index]
        if text[:1] in (" ", "\t") and text.strip().lower() in KNOWN and \
                _UNDERLINE_RE.match(cleaned[index + 1]):
            problems.append(HeadingProblem(index, "indented", text.strip()))
    return sorted(problems, key=lambda p: p.index)
