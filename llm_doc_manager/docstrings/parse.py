"""A parser of existing Google-style docstrings, into schema terms."""

from __future__ import annotations

import inspect
import re
import textwrap
from dataclasses import dataclass, field

from llm_doc_manager.docstrings.schemas import (
    ArgDoc,
    AttributeDoc,
    ClassDocstring,
    MethodDocstring,
    ModuleDocstring,
    RaisesDoc,
    ReturnsDoc,
    YieldsDoc,
)
from llm_doc_manager.docstrings.sections import ALIASES, Section, heading_of

_FOREIGN_STYLE_RE = re.compile(
    r"^\s*(?:-{3,}|={3,})\s*$|^\s*:(?:param|type|returns?|rtype|raises?)\b", re.M)


@dataclass(frozen=True)
class RawSection:
    """A section kept verbatim because no schema field holds it.

    Attributes:
        heading: The heading as written, without the colon.
        body: The dedented body text.
    """

    heading: str
    body: str


@dataclass
class ParsedDocstring:
    """What an existing docstring says, in schema terms.

    Attributes:
        summary: The first paragraph.
        description: Text between the summary and the first section.
        args: Entries of the Args section.
        returns: The Returns section.
        yields: The Yields section.
        raises: Entries of the Raises section.
        attributes: Entries of the Attributes section.
        examples: The Example(s) section, verbatim.
        notes: The Note(s) section.
        typical_usage: The Typical usage example section, verbatim.
        extras: Sections kept verbatim.
        google: False when the text is in another style and was kept whole.
    """

    summary: str
    description: str | None = None
    args: list[ArgDoc] = field(default_factory=list)
    returns: ReturnsDoc | None = None
    yields: YieldsDoc | None = None
    raises: list[RaisesDoc] = field(default_factory=list)
    attributes: list[AttributeDoc] = field(default_factory=list)
    examples: str | None = None
    notes: str | None = None
    typical_usage: str | None = None
    extras: list[RawSection] = field(default_factory=list)
    google: bool = True

    def to_method(self) -> MethodDocstring:
        """Return the content as a function docstring schema."""
        return MethodDocstring(
            summary=self.summary, extended_description=self.description, args=self.args,
            returns=self.returns, yields=self.yields, raises=self.raises,
            examples=self.examples, notes=self.notes,
        )

    def to_class(self) -> ClassDocstring:
        """Return the content as a class docstring schema."""
        return ClassDocstring(
            summary=self.summary, extended_description=self.description,
            attributes=self.attributes, examples=self.examples, notes=self.notes,
        )

    def to_module(self) -> ModuleDocstring:
        """Return the content as a module docstring schema."""
        return ModuleDocstring(
            summary=self.summary, extended_description=self.description,
            typical_usage=self.typical_usage or self.examples, notes=self.notes,
        )


def _text(lines: list[str]) -> str | None:
    while lines and not lines[0].strip():
        lines = lines[1:]
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    if not lines:
        return None
    return "\n".join(line.rstrip() for line in textwrap.dedent("\n".join(lines)).split("\n"))


def split_type_prefix(text: str) -> tuple[str | None, str]:
    """Split ``"type: description"`` when the part before the colon looks like a type.

    The type may be wrapped over several lines inside its brackets.

    Args:
        text: A Returns/Yields body.

    Returns:
        The type with whitespace normalised (or None) and the rest.
    """
    # Prose also has colons ("Note: ..."), so a head counts as a type only if it has no
    # space outside brackets except after ',' or around '|': "dict[str, int]" and
    # "int | None" are types, "The value: ..." is not. Colons inside brackets belong to the
    # type (a slice or a dict display in a Literal), so only depth 0 is looked at.
    depth = 0
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif depth > 0:
            continue
        elif ch == ":":
            head = text[:i].strip()
            if head and (i + 1 == len(text) or text[i + 1] in " \n"):
                return " ".join(head.split()), text[i + 1:].lstrip(" ")
            return None, text
        elif ch in " \n" and text[i - 1:i] not in (",", "|") and \
                text[i + 1:i + 2] not in ("|", ""):
            return None, text
    return None, text


def _balanced(text: str) -> bool:
    return sum(text.count(c) for c in "([{") <= sum(text.count(c) for c in ")]}")


def _split_entry(line: str) -> tuple[str, str | None, str]:
    """Split ``name (type): description``; types may hold nested brackets."""
    match = re.match(r"(\*{0,2}[\w.]+)\s*", line)
    if match is None:
        return line.strip(), None, ""
    name, rest = match.group(1), line[match.end():]
    type_hint: str | None = None
    if rest.startswith("("):
        depth = 0
        for i, ch in enumerate(rest):
            depth += ch == "("
            depth -= ch == ")"
            if depth == 0:
                type_hint = " ".join(rest[1:i].split()) or None
                rest = rest[i + 1:].lstrip()
                break
    if rest.startswith(":"):
        return name, type_hint, rest[1:].strip()
    return name, type_hint, rest.strip()


def _entries(body: list[str]) -> list[tuple[str, str | None, str]]:
    lines = textwrap.dedent("\n".join(body)).split("\n")
    entries: list[tuple[str, str | None, list[str]]] = []
    i = -1
    while i + 1 < len(lines):
        i += 1
        line = lines[i]
        if not line.strip():
            if entries:
                entries[-1][2].append("")
            continue
        if line[0] not in " \t" or not entries:
            head = line
            # A long ``name (type):`` may wrap inside its brackets: join it back first.
            while not _balanced(head) and i + 1 < len(lines) and lines[i + 1][:1] in (" ", "\t"):
                i += 1
                head += " " + lines[i].strip()
            name, type_hint, first = _split_entry(head)
            entries.append((name, type_hint, [first] if first else []))
        else:
            entries[-1][2].append(line)
    result = []
    for name, type_hint, desc_lines in entries:
        first, rest = (desc_lines[0], desc_lines[1:]) if desc_lines and desc_lines[0] and \
            desc_lines[0][0] not in " \t" else ("", desc_lines)
        tail = _text(rest)
        description = "\n".join(part for part in (first, tail) if part)
        result.append((name, type_hint, description))
    return result


def parse_docstring(value: str) -> ParsedDocstring:
    """Parse a docstring (Google style; text in other styles is kept as the description).

    Args:
        value: The docstring's value as Python sees it.

    Returns:
        The content in schema terms.
    """
    lines = inspect.cleandoc(value.replace("\r\n", "\n").replace("\r", "\n")).split("\n")
    summary_lines: list[str] = []
    i = 0
    while i < len(lines) and lines[i].strip() and heading_of(lines[i]) is None:
        summary_lines.append(lines[i].rstrip())
        i += 1
    summary = "\n".join(summary_lines)
    rest = lines[i:]
    # Text in another style (numpy underlines, reST fields) has no Google headings, so it
    # lands in the description as it is; Google sections added next to it still parse.
    parsed = ParsedDocstring(summary=summary,
                             google=_FOREIGN_STYLE_RE.search("\n".join(rest)) is None)
    description: list[str] = []
    current: tuple[str, list[str]] | None = None
    blocks: list[tuple[str, list[str]]] = []
    for line in rest:
        heading = heading_of(line)
        if heading is not None:
            current = (heading, [])
            blocks.append(current)
        elif current is None:
            description.append(line)
        else:
            current[1].append(line)
    parsed.description = _text(description)
    for heading, body in blocks:
        section = ALIASES.get(heading.lower())
        text = _text(body)
        if section is None or (section is not Section.EXAMPLES and text is None):
            parsed.extras.append(RawSection(heading, text or ""))
        elif section is Section.ARGS:
            parsed.args = [ArgDoc(name=n, type_hint=t, description=d) for n, t, d in _entries(body)]
        elif section is Section.ATTRIBUTES:
            parsed.attributes = [
                AttributeDoc(name=n, type_hint=t, description=d) for n, t, d in _entries(body)
            ]
        elif section is Section.RAISES:
            parsed.raises = [
                RaisesDoc(exception_type=n, description=d) for n, _t, d in _entries(body)
            ]
        elif section in (Section.RETURNS, Section.YIELDS):
            assert text is not None
            type_hint, rest_text = split_type_prefix(text)
            first, _, tail = rest_text.partition("\n")
            desc = "\n".join(part for part in (first.strip(), textwrap.dedent(tail)) if part)
            if section is Section.RETURNS:
                parsed.returns = ReturnsDoc(type_hint=type_hint, description=desc)
            else:
                parsed.yields = YieldsDoc(type_hint=type_hint, description=desc)
        elif section is Section.EXAMPLES:
            parsed.examples = text
        elif section is Section.NOTES:
            parsed.notes = text
        else:
            parsed.typical_usage = text
    return parsed
