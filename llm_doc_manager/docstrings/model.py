"""The one model of an existing docstring: its blocks and entries with their line spans.

Each style has its reader (``layout`` for Google, ``numpy_layout``, ``sphinx_layout``); all
of them give these values, which ``parse``, ``validate`` and ``sync`` use whatever the
style, and the line helpers the readers share.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from llm_doc_manager.docstrings.sections import Section


class Style(str, Enum):
    """The convention a docstring is written in."""

    GOOGLE = "google"
    PLAIN = "plain"
    NUMPY = "numpy"
    REST = "rest"
    EPYTEXT = "epytext"
    #: Underlined lines, but no numpydoc section heading among them (a reST title, a rule).
    UNKNOWN = "unknown"


#: Styles ``generate`` and ``--fix`` may edit (prose only is Google style without sections).
EDITABLE = frozenset({Style.GOOGLE, Style.PLAIN, Style.NUMPY, Style.REST})
#: Styles whose sections are read (all but prose).
SECTIONED = frozenset({Style.GOOGLE, Style.NUMPY, Style.REST})

# One exception name in a Raises entry as projects write it: ``ValueError``, ``~mod.Error``
# in backticks, ``:class:`X```, or hf-doc-builder's ``[`~utils.X`]`` and ``[`X`](url)``.
_EXCEPTION_RE = re.compile(r"(?::[\w:]+:)?(\[?)(`?)~?([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\2\]?"
                           r"(?:(?<=\])\([^()\s]*\))?")
_SEPARATOR_RE = re.compile(r"[ \t]*(?:,|\bor\b)[ \t]*")

@dataclass(frozen=True)
class Entry:
    """One ``name (type): description`` entry of an Args, Attributes or Raises section.

    Attributes:
        name: The name as written (stars kept).
        type_hint: The text between the parentheses, whitespace normalised, or None.
        description: The description, continuation lines dedented.
        start: Index of the entry's first line in ``Layout.lines``.
        end: Index after its last non-blank line.
        name_span: Columns of the name in its first line.
        type_span: Columns of the text inside the parentheses, when they close on the
            first line.
        well_formed: False for a line read as an entry only because nothing else fits
            (no colon after the name): such an entry is reported, never edited.
        names: For Raises: every exception the entry names (``ValueError, TypeError:``),
            markup removed (``[`~utils.X`]`` is ``utils.X``); () elsewhere.
        type_line: Index of the line ``type_span`` is on when it is not ``start`` (a
            Sphinx ``:type x:`` field), else None.
    """

    name: str
    type_hint: str | None
    description: str
    start: int
    end: int
    name_span: tuple[int, int]
    type_span: tuple[int, int] | None
    well_formed: bool = True
    names: tuple[str, ...] = ()
    type_line: int | None = None


@dataclass(frozen=True)
class Block:
    """One section: its heading line and body.

    Attributes:
        heading: The heading as written, without the colon.
        section: The section it maps to, or None for a heading kept verbatim (Warning, ...).
        start: Index of the heading line.
        end: Index after the last non-blank line of the body (``start + 1`` when empty).
        text: The body, dedented, without surrounding blank lines ("" when empty).
        entries: The entries, for Args, Attributes and Raises.
        type_hint: For Returns and Yields: the type before the first colon, if any.
        type_span: Columns of that type in the first body line.
        description: For Returns and Yields: the text after the type.
        body_indent: Leading whitespace of the first body line ("" when empty).
        cut: Index of a section heading indented into this section's body, which ends
            it (``Returns:`` indented into Args by mistake), or None.
        inline: The heading's line holds text too (``Returns: a [`X`] object.``): that
            text and its continuation lines are the body, never edited.
        type_line: For Returns and Yields: the index of the line ``type_span`` is on when
            it is not the body's first line (Sphinx's ``:rtype:``), else None.
        text_end: For Returns and Yields: the index after the lines of the text when they
            are not all the block's (Sphinx's ``:returns:`` before an ``:rtype:``).
    """

    heading: str
    section: Section | None
    start: int
    end: int
    text: str
    entries: tuple[Entry, ...] = ()
    type_hint: str | None = None
    type_span: tuple[int, int] | None = None
    description: str = ""
    body_indent: str = ""
    cut: int | None = None
    inline: bool = False
    type_line: int | None = None
    text_end: int | None = None


@dataclass(frozen=True)
class Layout:
    """An existing docstring's lines and where its parts are.

    Attributes:
        lines: The value's lines, exactly as in the value.
        margin: Columns of indentation ``inspect.cleandoc`` removes from lines after the first.
        summary: Indices ``(start, end)`` of the summary lines.
        description: Indices ``(start, end)`` of the text between summary and sections.
        blocks: The sections, in order.
        style: The convention the docstring is written in.
        noted_raises: Exceptions an admonition lists (``> [!TIP]`` then ``> Raises the
            following errors:`` and ``- [`~utils.X`]`` items, huggingface_hub's way): they
            are documented, though in no Raises section.
        arg_raises: Exceptions the description of an argument says it makes the function
            raise (``If `True`, raise an [`EntryNotFoundError`] when ...``): documented
            there (LD341 not reported, no Raises entry added), though they are not a Raises
            section of their own (LD342 does not check them, and they do not make a project
            that writes no Raises sections ask for one).
        listed_attributes: Names a Hugging Face attribute list documents (a ``**Attributes**:``
            line at the margin, then ``- **name** (type) -- text`` bullets indented below it,
            transformers' and peft's way): documented attributes, though in no Attributes
            section. The list is prose to the tool: never edited, converted or re-wrapped.
    """

    lines: tuple[str, ...]
    margin: int
    summary: tuple[int, int]
    description: tuple[int, int]
    blocks: tuple[Block, ...]
    style: Style
    noted_raises: tuple[str, ...] = ()
    arg_raises: tuple[str, ...] = ()
    listed_attributes: tuple[str, ...] = ()

    def cleaned(self, index: int) -> str:
        """Line ``index`` as ``inspect.cleandoc`` shows it (margin removed)."""
        return cleaned_line(self.lines, index, self.margin)

    def summary_text(self) -> str:
        """The summary, its lines joined."""
        return "\n".join(self.cleaned(i).rstrip() for i in range(*self.summary))

    def description_text(self) -> str | None:
        """The text between the summary and the first section, dedented, or None."""
        return text_of([self.cleaned(i) for i in range(*self.description)])

    def block(self, section: Section) -> Block | None:
        """The first block of a section, or None."""
        return next((b for b in self.blocks if b.section is section), None)

    @property
    def content_end(self) -> int:
        """Index after the last non-blank line."""
        for index in range(len(self.lines) - 1, -1, -1):
            if self.lines[index].strip():
                return index + 1
        return 0


def leading(line: str) -> str:
    """The whitespace a line starts with."""
    return line[:len(line) - len(line.lstrip())]


def indent_width(line: str) -> int:
    """Columns of a line's indentation, a tab counting to the next multiple of 8."""
    width = len(line) - len(line.lstrip())
    # Read for every line of every docstring: the tab case is the rare one.
    return len(line[:width].expandtabs(8)) if "\t" in line else width



def cleaned_line(lines: tuple[str, ...] | list[str], index: int, margin: int) -> str:
    """Line ``index`` as ``inspect.cleandoc`` shows it (margin removed)."""
    line = lines[index].rstrip("\r")
    if index == 0:
        return line.lstrip()
    if "\t" in line and "\t" in leading(line):
        line = line.expandtabs(8)
    return line[margin:]


def summary_span(cleaned: list[str], ends: Callable[[int], bool]) -> tuple[int, int]:
    """The summary's lines ``(start, end)``: leading blank lines skipped, then the lines
    up to a blank one or the first that ``ends`` it (a section heading of the style)."""
    index = 0
    while index < len(cleaned) and not cleaned[index].strip():
        index += 1
    start = index
    while index < len(cleaned) and cleaned[index].strip() and not ends(index):
        index += 1
    return start, index


def cleaned_lines(lines: list[str], margin: int) -> list[str]:
    """Every line as ``inspect.cleandoc`` shows it (margin removed)."""
    return [cleaned_line(lines, i, margin) for i in range(len(lines))]


def text_of(lines: list[str]) -> str | None:
    """Lines dedented and joined, surrounding blank lines dropped; None when all blank."""
    while lines and not lines[0].strip():
        lines = lines[1:]
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    if not lines:
        return None
    return "\n".join(line.rstrip() for line in textwrap.dedent("\n".join(lines)).split("\n"))


def parse_raises_head(line: str) -> tuple[tuple[str, ...], str, tuple[int, int], bool] | None:
    """Read the exceptions a Raises entry names at the start of ``line``.

    ``ValueError, TypeError: text``, ``(ValueError, TypeError): text``, ``ValueError or
    TypeError: text``, ``[`~utils.X`]:`` and ``[`X`](url)`` (the text on the lines below),
    ``:class:`X`: text``, and a list item ``- [`X`]: text``.

    Returns the names (markup removed), the text after the colon, the first name's columns
    and whether a colon was found; None when the line is not a list of exception names.
    """
    at = len(leading(line))
    if line.startswith(("- ", "* "), at):
        at += 2
    opened = line.startswith("(", at)
    at += opened
    names: list[str] = []
    span = (at, at)
    while True:
        match = _EXCEPTION_RE.match(line, at)
        if match is None:
            return None
        name = match.group(3)
        # Exception classes are CapWords; a lower-case word without markup is prose (a
        # continuation line such as ``fails``).
        if not (match.group(1) or match.group(2)) and not name.rsplit(".", 1)[-1][:1].isupper():
            return None
        if not names:
            span = match.span(3)
        names.append(name)
        at = match.end()
        separator = _SEPARATOR_RE.match(line, at)
        if separator is None or separator.end() == at:
            break
        at = separator.end()
    if opened:
        if not line.startswith(")", at):
            return None
        at += 1
    while line.startswith((" ", "\t"), at):
        at += 1
    if line.startswith(":", at):
        return tuple(names), line[at + 1:].strip(), span, True
    # Only names on the line, the text below (huggingface_hub's ``[`~utils.X`]``).
    return (tuple(names), "", span, True) if not line[at:].strip() else None


@dataclass(frozen=True)
class HeadingProblem:
    """A line that looks like a section heading but cannot be read as one.

    Attributes:
        index: The line's index in ``Layout.lines``.
        kind: ``"indented"`` (a heading off the margin), ``"misspelt"`` (close to a known
            heading) or ``"body"`` (the line after a heading is not indented below it).
        text: The heading as written.
        suggestion: For ``misspelt``: the known heading it resembles.
    """

    index: int
    kind: str
    text: str
    suggestion: str = ""
