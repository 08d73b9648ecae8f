"""Existing docstrings (Google, NumPy or Sphinx style, read into one layout) in schema terms."""

from __future__ import annotations

from dataclasses import dataclass, field

from llm_doc_manager.docstrings.layout import EDITABLE, Layout, read_layout, split_type_prefix
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
from llm_doc_manager.docstrings.sections import Section

__all__ = ["ParsedDocstring", "RawSection", "parse_docstring", "parse_layout", "split_type_prefix"]


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
        readable: False when the text is in no style the tool reads (Epytext) and was
            kept whole as the description.
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
    readable: bool = True

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


def parse_docstring(value: str) -> ParsedDocstring:
    """Parse a docstring (Google style; text in other styles is kept as the description).

    Args:
        value: The docstring's value as Python sees it.

    Returns:
        The content in schema terms.
    """
    return parse_layout(read_layout(value.replace("\r\n", "\n").replace("\r", "\n")))


def parse_layout(layout: Layout) -> ParsedDocstring:
    """Read a docstring's content from its layout.

    Args:
        layout: The docstring, as ``read_layout`` found it.

    Returns:
        The content in schema terms.
    """
    parsed = ParsedDocstring(summary=layout.summary_text(),
                             description=layout.description_text(),
                             readable=layout.style in EDITABLE)
    for block in layout.blocks:
        section = block.section
        # A Sphinx ``:rtype:`` alone (no ``:returns:`` text) documents the value returned.
        if section is None or (section is not Section.EXAMPLES and not block.text and
                               block.type_line is None):
            parsed.extras.append(RawSection(block.heading, block.text))
        elif section is Section.ARGS:
            parsed.args = [ArgDoc(name=e.name, type_hint=e.type_hint, description=e.description)
                           for e in block.entries]
        elif section is Section.ATTRIBUTES:
            parsed.attributes = [AttributeDoc(name=e.name, type_hint=e.type_hint,
                                              description=e.description) for e in block.entries]
        elif section is Section.RAISES:
            # ``ValueError, TypeError: ...`` documents each exception it names.
            parsed.raises = [RaisesDoc(exception_type=name, description=e.description)
                             for e in block.entries for name in (e.names or (e.name,))]
        elif section is Section.RETURNS:
            parsed.returns = ReturnsDoc(type_hint=block.type_hint, description=block.description)
        elif section is Section.YIELDS:
            parsed.yields = YieldsDoc(type_hint=block.type_hint, description=block.description)
        elif section is Section.EXAMPLES:
            parsed.examples = block.text or None
        elif section is Section.NOTES:
            parsed.notes = block.text
        else:
            parsed.typical_usage = block.text
    # Exceptions an admonition lists are documented too (huggingface_hub's ``> [!TIP]``).
    known = {r.exception_type for r in parsed.raises}
    parsed.raises += [RaisesDoc(exception_type=name, description=name)
                      for name in dict.fromkeys(layout.noted_raises) if name not in known]
    return parsed
