"""Render docstring schemas as complete Google-style literals at a given indentation.

Two layers: ``render_*_text`` builds the docstring *value* (what ``__doc__`` will hold), and
``to_literal`` turns a value into source text that evaluates back to exactly that value.
The ``format_*`` functions compose both. All of them are pure.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from llm_doc_manager.config import DEFAULT_WIDTH
from llm_doc_manager.docstrings.conventions import DEFAULT, HouseStyle
from llm_doc_manager.docstrings.layout import parse_entry_head, split_type_prefix
from llm_doc_manager.docstrings.parse import RawSection
from llm_doc_manager.docstrings.schemas import (
    ArgDoc,
    AttributeDoc,
    ClassDocstring,
    CommentText,
    DocSchema,
    MethodDocstring,
    ModuleDocstring,
    RaisesDoc,
)
from llm_doc_manager.docstrings.sections import ALIASES, Section, heading_of
from llm_doc_manager.docstrings.types import written_type

TAB_SIZE = 4
SECTION_INDENT = "    "

# Characters that must never appear raw in a literal: C0/C1 controls (but tab and newline),
# DEL, and the Unicode line/paragraph separators some editors treat as line breaks.
NEEDS_ESCAPE_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_ESCAPED_FORM_RE = re.compile(r'\\|"+|[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]')
_FENCE_RE = re.compile(r"\s*(```|~~~)")


def display_width(text: str) -> int:
    """Return the column count of ``text``, counting a tab as 4 columns.

    Args:
        text: A line fragment.

    Returns:
        Its width.
    """
    return len(text.expandtabs(TAB_SIZE)) if "\t" in text else len(text)


def normalize_newlines(text: str) -> str:
    """Turn CRLF and CR into LF (line breaks in a docstring value are always LF)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _clean(text: str | None) -> list[str]:
    """Split field text into lines without trailing blanks; empty text gives no lines."""
    if text is None:
        return []
    lines = [line.rstrip() for line in normalize_newlines(text).split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def wrap_prose(text: str | None, available: int) -> list[str]:
    """Wrap prose lines longer than ``available``; never join lines or touch code.

    Human line breaks are kept (so update runs leave human text as it was); only an overlong
    line is broken. Indented lines, doctest lines and fenced code are never wrapped.

    Args:
        text: Field text.
        available: Columns available for the text.

    Returns:
        Output lines.
    """
    out: list[str] = []
    in_fence = False
    for line in _clean(text):
        if _FENCE_RE.match(line):
            in_fence = not in_fence
            out.append(line)
        elif in_fence or not line or line[0] in " \t" or line.startswith((">>>", "...")) \
                or display_width(line) <= available:
            out.append(line)
        else:
            out.extend(textwrap.wrap(line, max(available, 20), break_long_words=False,
                                     break_on_hyphens=False) or [line])
    return out


def _verbatim(text: str | None) -> list[str]:
    return _clean(text)


@dataclass(frozen=True)
class _Way:
    """The house style's choices, resolved once per docstring.

    Attributes:
        style: Where heading spellings come from.
        unit: A section body's indentation relative to its heading.
        hanging: An entry's continuation indentation relative to the entry.
        typed: Whether entries (and Returns/Yields bodies) carry types.
        backticks: Whether those types are written in backticks.
        blank: Whether a blank line follows the summary before a section.
    """

    style: HouseStyle
    unit: str
    hanging: str
    typed: bool
    backticks: bool
    blank: bool

    def heading(self, section: Section) -> str:
        return self.style.heading(section)

    def indented(self, body: Iterable[str], prefix: str | None = None) -> list[str]:
        prefix = self.unit if prefix is None else prefix
        return [prefix + line if line else line for line in body]


def _way(style: HouseStyle) -> _Way:
    unit = style.unit or SECTION_INDENT
    typed = style.typed
    return _Way(style, unit, style.hanging or unit, True if typed is None else typed,
                style.backticks, style.blank_after_summary)


def _entry(head: str, description: str, available: int, hanging: str = SECTION_INDENT
           ) -> list[str]:
    """Render ``head: description`` with a hanging indent for continuation lines.

    The head (``name (type)``, or a Returns type) is never broken: a broken head reads
    back as another entry or as part of the description.
    """
    lines = _clean(description)
    first = lines[0] if lines and lines[0] else ""
    words = first.split()
    step = display_width(hanging)
    if words and len(head) + 2 + len(words[0]) > available:
        # Not even one word fits after the head: the description starts on the next line.
        return [f"{head}:", *(hanging + line if line else line for line in
                              wrap_prose(description, available - step))]
    # Continuation lines carry the hanging indent within the same width: wrapping them at
    # the full width and indenting afterwards made lines too long to read back unchanged.
    # A tab counts 4 columns here as everywhere (textwrap would count it as one).
    out = textwrap.wrap(first, max(available, 20), initial_indent=f"{head}: ",
                        subsequent_indent=" " * step, break_long_words=False,
                        break_on_hyphens=False) or [f"{head}:"]
    out = [out[0], *(hanging + line[step:] for line in out[1:])]
    for line in wrap_prose("\n".join(lines[1:]), available - step):
        out.append(hanging + line if line else line)
    return out


def _type_text(type_hint: str, way: _Way) -> str:
    # A type that has its backticks already (a marked default: str in backticks, then
    # ``, *optional*``) is written as it is. A forward reference is written unquoted.
    type_hint = written_type(type_hint)
    return f"`{type_hint}`" if way.backticks and "`" not in type_hint else type_hint


def _arg_head(name: str, type_hint: str | None, available: int, way: _Way) -> str:
    """``name (type)``, or the name alone when the type would not fit or read back."""
    if not type_hint or type_hint == "..." or not way.typed:  # ``x: ...`` (a stub) says nothing
        return name
    text = _type_text(type_hint, way)
    head = f"{name} ({text})"
    read = parse_entry_head(head + ": x")
    if len(head) + 2 > available or read is None or read[1] != " ".join(text.split()):
        return name
    return head


def _section(heading: str, body: Iterable[str], way: _Way) -> list[str]:
    lines = way.indented(body)
    return [f"{heading}:", *lines] if lines else []


def _named_entries(entries: Sequence[ArgDoc | AttributeDoc], available: int, way: _Way
                   ) -> list[str]:
    out: list[str] = []
    for entry in entries:
        out.extend(_entry(_arg_head(entry.name, entry.type_hint, available, way),
                          entry.description, available, way.hanging))
    return out


def _raises(entries: Sequence[RaisesDoc], available: int, way: _Way) -> list[str]:
    out: list[str] = []
    for entry in entries:
        # Written in the project's markup, unless it carries markup already.
        name = entry.exception_type if "`" in entry.exception_type else \
            way.style.exception(entry.exception_type)
        out.extend(_entry(name, entry.description, available, way.hanging))
    return out


def _typed(type_hint: str | None, description: str, available: int, way: _Way) -> list[str]:
    # The type is written only where it fits on its line and reads back as itself: a
    # wrapped or odd type (``-> 1 + 1``) would be read as description the next time.
    text = _type_text(type_hint, way) if type_hint and way.typed else None
    if text and len(text) + 2 <= available and \
            split_type_prefix(f"{text}: x")[0] == " ".join(text.split()):
        return _entry(text, description, available, way.hanging)
    return wrap_prose(description, available)


ARGS_HEADINGS = frozenset(k for k, v in ALIASES.items() if v is Section.ARGS)


def _extras(extras: Sequence[RawSection], way: _Way) -> list[list[str]]:
    return [[f"{raw.heading}:", *way.indented(_verbatim(raw.body))] for raw in extras]


def _assemble(summary: str, blocks: Sequence[list[str]], indent: str, width: int,
              way: _Way | None = None) -> str:
    """Join the summary and the non-empty blocks into a docstring value at ``indent``."""
    available = width - display_width(indent)
    summary_lines = wrap_prose(summary, available - 3) or [""]
    blocks = [block for block in blocks if block]
    if not blocks and len(summary_lines) == 1 and \
            display_width(indent) + display_width(summary_lines[0]) + 6 <= width:
        return summary_lines[0]
    lines = list(summary_lines)
    for number, block in enumerate(blocks):
        # A project that writes its first section right under the summary gets that too
        # (a heading line ends the summary, so it reads back the same).
        if number or way is None or way.blank or heading_of(block[0]) is None:
            lines.append("")
        lines.extend(block)
    body = "\n".join(indent + line if line else "" for line in lines[1:])
    return f"{lines[0]}\n{body}\n{indent}" if body else f"{lines[0]}\n{indent}"


def render_method_text(schema: MethodDocstring, indent: str = "", width: int = DEFAULT_WIDTH,
                       extras: Sequence[RawSection] = (), style: HouseStyle = DEFAULT) -> str:
    """Build the value of a function docstring.

    Args:
        schema: What to say: summary, arguments, returns, yields, raises.
        indent: Indentation of the docstring's lines in the source.
        width: Maximum line width, indentation included.
        extras: Sections kept verbatim from an existing docstring.
        style: The project's conventions (headings, indentation, types).

    Returns:
        The docstring value, without quotes; lines after the first carry ``indent``.
    """
    way = _way(style)
    available = width - display_width(indent)
    inner = available - display_width(way.unit)
    blocks = [
        wrap_prose(schema.extended_description, available),
        _section(way.heading(Section.ARGS), _named_entries(schema.args, inner, way), way),
        _section(way.heading(Section.RETURNS), _typed(schema.returns.type_hint,
                 schema.returns.description, inner, way) if schema.returns else (), way),
        _section(way.heading(Section.YIELDS), _typed(schema.yields.type_hint,
                 schema.yields.description, inner, way) if schema.yields else (), way),
        _section(way.heading(Section.RAISES), _raises(schema.raises, inner, way), way),
        _section(way.heading(Section.EXAMPLES), _verbatim(schema.examples), way),
        _section(way.heading(Section.NOTES), wrap_prose(schema.notes, inner), way),
        *_extras(extras, way),
    ]
    return _assemble(schema.summary, blocks, indent, width, way)


def render_class_text(schema: ClassDocstring, indent: str = "", width: int = DEFAULT_WIDTH,
                      extras: Sequence[RawSection] = (), style: HouseStyle = DEFAULT) -> str:
    """Build the value of a class docstring.

    Args:
        schema: What to say: summary, description, attributes.
        indent: Indentation of the docstring's lines in the source.
        width: Maximum line width, indentation included.
        extras: Sections kept verbatim from an existing docstring.
        style: The project's conventions (headings, indentation, types).

    Returns:
        The docstring value, without quotes; lines after the first carry ``indent``.
    """
    way = _way(style)
    available = width - display_width(indent)
    inner = available - display_width(way.unit)
    # Constructor arguments kept on the class go where Google style puts them: first.
    leading = [raw for raw in extras if raw.heading.lower() in ARGS_HEADINGS]
    blocks = [
        wrap_prose(schema.extended_description, available),
        *_extras(leading, way),
        _section(way.heading(Section.ATTRIBUTES),
                 _named_entries(schema.attributes, inner, way), way),
        _section(way.heading(Section.EXAMPLES), _verbatim(schema.examples), way),
        _section(way.heading(Section.NOTES), wrap_prose(schema.notes, inner), way),
        *_extras([raw for raw in extras if raw not in leading], way),
    ]
    return _assemble(schema.summary, blocks, indent, width, way)


def render_module_text(schema: ModuleDocstring, indent: str = "", width: int = DEFAULT_WIDTH,
                       extras: Sequence[RawSection] = (), style: HouseStyle = DEFAULT) -> str:
    """Build the value of a module docstring.

    Args:
        schema: What to say: summary, description, typical usage.
        indent: Indentation of the docstring's lines (normally empty).
        width: Maximum line width, indentation included.
        extras: Sections kept verbatim from an existing docstring.
        style: The project's conventions (headings, indentation).

    Returns:
        The docstring value, without quotes.
    """
    way = _way(style)
    available = width - display_width(indent)
    inner = available - display_width(way.unit)
    blocks = [
        wrap_prose(schema.extended_description, available),
        _section(way.heading(Section.TYPICAL_USAGE), _verbatim(schema.typical_usage), way),
        _section(way.heading(Section.NOTES), wrap_prose(schema.notes, inner), way),
        *_extras(extras, way),
    ]
    return _assemble(schema.summary, blocks, indent, width, way)


def render_text(schema: DocSchema, indent: str = "", width: int = DEFAULT_WIDTH,
                extras: Sequence[RawSection] = (), style: HouseStyle = DEFAULT) -> str:
    """Build the value of a docstring of any kind (the schema says which).

    Args:
        schema: The content: a function's, a class's or a module's.
        indent: Indentation of the docstring's lines in the source.
        width: Maximum line width, indentation included.
        extras: Sections kept verbatim from an existing docstring.
        style: The project's conventions; by default the tool's own.

    Returns:
        The docstring value, without quotes.
    """
    if isinstance(schema, MethodDocstring):
        return render_method_text(schema, indent, width, extras, style)
    if isinstance(schema, ClassDocstring):
        return render_class_text(schema, indent, width, extras, style)
    return render_module_text(schema, indent, width, extras, style)


def _encodable(ch: str, encoding: str) -> bool:
    try:
        ch.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def _escape_char(ch: str) -> str:
    code = ord(ch)
    if code < 0x100:
        return {"\b": "\\b", "\f": "\\f", "\v": "\\v", "\r": "\\r", "\a": "\\a"}.get(
            ch, f"\\x{code:02x}")
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def to_literal(value: str, encoding: str = "utf-8") -> str:
    """Return a triple-quoted literal that evaluates to exactly ``value``.

    A plain literal when nothing needs escaping; a raw literal when the value holds
    backslashes but nothing else special; otherwise an escaped literal (backslashes
    doubled, quotes that would close the literal escaped, control characters and
    characters the file's encoding cannot hold written as escapes).

    Args:
        value: The docstring's value, exactly as ``ast`` must read it back.
        encoding: The file's encoding: characters it cannot hold are escaped.

    Returns:
        The literal, starting and ending with the quotes.
    """
    unencodable = not value.isascii() and not all(_encodable(ch, encoding) for ch in set(value))
    risky = '"""' in value or value.endswith(('"', "\\")) or unencodable or \
        NEEDS_ESCAPE_RE.search(value) is not None
    if not risky:
        return f'r"""{value}"""' if "\\" in value else f'"""{value}"""'

    def escape(match: re.Match[str]) -> str:
        text = match.group()
        if text == "\\":
            return "\\\\"
        if text[0] == '"':
            # A run of three quotes, or quotes touching the closing ones, would end the literal.
            return '\\"' * len(text) if len(text) >= 3 or match.end() == len(value) else text
        return _escape_char(text)

    body = _ESCAPED_FORM_RE.sub(escape, value)
    if unencodable:
        body = "".join(ch if _encodable(ch, encoding) else _escape_char(ch) for ch in body)
    return f'"""{body}"""'


def format_comment(schema: CommentText, indent: str = "", width: int = DEFAULT_WIDTH,
                   encoding: str = "utf-8") -> list[str]:
    """Return comment lines (without line endings) explaining a block.

    Control characters become spaces, characters the encoding cannot hold become
    backslash escapes, and a line that would read as a marker is neutralised, so a
    comment can never change the code or the regions around it.

    Args:
        schema: The comment's text, unwrapped.
        indent: Indentation of the code the comment sits above.
        width: Maximum line width, indentation included.
        encoding: The file's encoding: characters it cannot hold are escaped.

    Returns:
        The comment lines, each starting with ``indent + "# "``.
    """
    text = NEEDS_ESCAPE_RE.sub(" ", normalize_newlines(schema.text).replace("\t", " "))
    text = text.encode(encoding, "backslashreplace").decode(encoding)
    available = width - display_width(indent) - 2
    lines = []
    for line in wrap_prose(text, available) or [""]:
        line = line.lstrip("# \t")
        # "# @llm-doc-end" written by a model must not become a marker.
        if line.startswith("@llm-"):
            line = "@ " + line[1:]
        lines.append(f"{indent}# {line}".rstrip())
    return lines
