"""Bring an existing docstring in line with the code by editing only the lines it requires.

An update is a list of line operations on the docstring's value: keep a line as it is,
replace it, insert new lines, or delete the lines of an entry whose argument is gone. Every
line nothing required is copied unchanged (the result says which lines are originals, so the
source literal keeps their exact bytes). What is written new follows the docstring's own
conventions: its margin and section indentation, whether it writes types, its type markup.

Text comes from the provider's answer only where something is missing: a summary, an entry
for a new argument, a section the code now needs, or a placeholder left by an earlier run.
"""

from __future__ import annotations

import functools
import re
import textwrap
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from llm_doc_manager.analysis import ClassFacts, FunctionFacts, ModuleFacts, Param
from llm_doc_manager.docstrings.conventions import (
    DEFAULT,
    HouseStyle,
    clearly_type,
    exception_markup,
    without_none,
    written_exception,
)
from llm_doc_manager.docstrings.layout import (
    EDITABLE,
    Block,
    Entry,
    Layout,
    Style,
    heading_problems,
    leading,
    parse_entry_head,
    split_type_prefix,
)
from llm_doc_manager.docstrings.numpy_layout import HEADINGS as NUMPY_HEADINGS
from llm_doc_manager.docstrings.numpy_layout import numpy_heading_problems, other_parameters
from llm_doc_manager.docstrings.render_styles import (
    NUMPY_DEFAULT_WAY,
    numpy_default_way,
    numpy_defaulted,
)
from llm_doc_manager.docstrings.schemas import (
    ClassDocstring,
    DocSchema,
    MethodDocstring,
    ModuleDocstring,
)
from llm_doc_manager.docstrings.sections import ALIASES, HEADINGS, Section, heading_of
from llm_doc_manager.docstrings.sphinx_layout import (
    SPHINX_TYPE_FIELDS,
    sphinx_field,
    sphinx_heading_problems,
)
from llm_doc_manager.docstrings.types import (
    core_type_span,
    read_doc_type,
    same_type,
    written_type,
)

#: Where a new section goes relative to the others (sections not listed keep their place).
_RANK = {Section.ARGS: 1.0, Section.ATTRIBUTES: 1.5, Section.RETURNS: 2.0,
         Section.YIELDS: 2.5, Section.RAISES: 3.0, Section.EXAMPLES: 8.0}

#: numpydoc's order of sections, in the terms of ``_RANK``: every section has its place.
_NUMPY_RANK = {"parameters": 1.0, "other parameters": 1.2, "attributes": 1.5, "methods": 1.7,
               "returns": 2.0, "yields": 2.5, "receives": 2.7, "raises": 3.0, "warns": 3.2,
               "warnings": 3.4, "see also": 4.0, "notes": 5.0, "references": 6.0,
               "examples": 8.0}


def _rank(block: Block, conv: Conventions) -> float | None:
    """Where a section stands in the order new sections are placed by (None: anywhere)."""
    ranked = _RANK.get(block.section) if block.section is not None else None
    return _NUMPY_RANK.get(block.heading.lower(), ranked) if conv.numpy else ranked


#: Line operations: an ``int`` keeps that original line, a ``str`` is new text.
Lines = list[int | str]


def bare(name: str) -> str:
    """A parameter name without its stars."""
    return name.lstrip("*")


# Names Python keeps as aliases of one class (PEP 3151 and 3.11's TimeoutError merge).
_EXCEPTION_ALIASES = {
    "IOError": "OSError", "EnvironmentError": "OSError", "WindowsError": "OSError",
    "socket.error": "OSError", "select.error": "OSError", "os.error": "OSError",
    "socket.timeout": "TimeoutError", "asyncio.TimeoutError": "TimeoutError",
    "concurrent.futures.TimeoutError": "TimeoutError",
}


def _exception_class(name: str) -> str:
    """The class an exception name stands for: the alias resolved, then the last name."""
    name = _EXCEPTION_ALIASES.get(name, name)
    return _EXCEPTION_ALIASES.get(name.rsplit(".", 1)[-1], name.rsplit(".", 1)[-1])


def same_exception(a: str, b: str) -> bool:
    """Whether two exception names mean the same class (qualified or not, or an alias)."""
    return a == b or _exception_class(a) == _exception_class(b)


@dataclass(frozen=True)
class Conventions:
    """How a docstring writes what we add to it.

    Attributes:
        margin: Leading whitespace of its lines after the first.
        unit: Indentation of a section's body relative to its heading.
        hanging: Indentation of an entry's continuation lines relative to the entry.
        typed: Whether entries carry types.
        backticks: Whether types are written in backticks.
        width: Longest line to write, indentation included.
        one_line: Whether the closing quotes share the summary's line (then new sections
            also get a last line holding only the margin, for the closing quotes).
        house: The project's conventions (heading spellings of new sections).
        add_sections: Whether a missing section may be added (False: an exempt
            definition's docstring, whose existing sections only are kept in line).
        style: The docstring's style: what is added is written its way (NumPy: an
            underlined heading, ``name : type`` with the text indented below).
        inline_types: Sphinx: a new field's type goes inside it (``:param int x:``), as
            most of the docstring's typed fields have it, not on a ``:type x:`` line.
        fields: Sphinx: the field names the docstring writes for a section (``return``
            where it writes ``:return:``; the others are written as Sphinx documents them).
        defaults: NumPy: how the docstring's entries say a parameter's default
            (``render_styles.numpy_default_way``), None when none says.
    """

    margin: str
    unit: str
    hanging: str
    typed: bool
    backticks: bool
    width: int
    one_line: bool
    house: HouseStyle = DEFAULT
    add_sections: bool = True
    style: Style = Style.GOOGLE
    inline_types: bool = False
    fields: tuple[tuple[Section, str], ...] = ()
    defaults: str | None = None

    @property
    def numpy(self) -> bool:
        """Whether what is added is written in NumPy style."""
        return self.style is Style.NUMPY

    @property
    def sphinx(self) -> bool:
        """Whether what is added is written as Sphinx fields (``inline_types``: a type
        inside the field, ``:param int x:``, else on a ``:type x:`` line of its own)."""
        return self.style is Style.REST


def conventions(layout: Layout, indent: str, unit: str, width: int,
                house: HouseStyle = DEFAULT) -> Conventions:
    """Read a docstring's conventions (the project's, then the code's, for what it does not show).

    Args:
        layout: The docstring.
        indent: The indentation of the docstring statement in the code.
        unit: The code's indentation step.
        width: Longest line to write.
        house: The project's learned or pinned conventions (a ``types`` pin wins).

    Returns:
        The conventions new text follows.
    """
    lines = layout.lines
    margin = indent
    candidates = [line for line in lines[1:] if line.strip()]
    if candidates:
        margin = min((leading(line) for line in candidates), key=len)
    if layout.style in (Style.NUMPY, Style.REST):
        return _field_conventions(layout, margin, width, house)
    own_unit: str | None = None
    # An inline section (``Returns: text``) shows neither indentation nor types: not read.
    blocks = [b for b in layout.blocks if not b.inline]
    for block in blocks:
        heading_line = lines[block.start]
        heading_indent = leading(heading_line)
        if block.body_indent.startswith(heading_indent) and \
                len(block.body_indent) > len(heading_indent):
            own_unit = block.body_indent[len(heading_indent):]
            break
    # The project is asked only for what the docstring does not show (learning may read
    # other files).
    body_unit = own_unit or house.unit or unit or "    "
    hanging = body_unit
    typed_entries = untyped_entries = 0
    backticks = False
    for block in blocks:
        if block.section in (Section.RETURNS, Section.YIELDS) and block.text:
            # ``name: text`` names the value returned (griffe): only a type counts as one.
            typed_entries += clearly_type(block.type_hint)
            untyped_entries += not clearly_type(block.type_hint)
            # ```list[Info]`: ...`` shows the type markup as well as an entry does.
            backticks = backticks or (clearly_type(block.type_hint) and
                                      "`" in (block.type_hint or ""))
        for entry in block.entries:
            if block.section is Section.RAISES:
                continue
            if block.section not in (Section.RETURNS, Section.YIELDS):
                typed_entries += entry.type_hint is not None
                untyped_entries += entry.type_hint is None
            backticks = backticks or "`" in (entry.type_hint or "")
            if entry.end > entry.start + 1 and hanging is body_unit:
                head, nxt = lines[entry.start], lines[entry.start + 1]
                head_indent, next_indent = len(leading(head)), len(leading(nxt))
                if nxt.strip() and next_indent > head_indent:
                    hanging = nxt[head_indent:next_indent]
    if hanging is body_unit and own_unit is None and house.unit and house.hanging:
        hanging = house.hanging
    typed = typed_entries > 0 or untyped_entries == 0
    if house.types != "auto":
        typed = house.types == "always"
    elif typed_entries + untyped_entries == 0 and house.typed is not None:
        typed = house.typed
    if typed and typed_entries == 0:
        backticks = house.backticks
    return Conventions(margin, body_unit, hanging, typed, backticks, width, len(lines) == 1,
                       house)


def _field_conventions(layout: Layout, margin: str, width: int, house: HouseStyle
                       ) -> Conventions:
    """A NumPy or Sphinx docstring's conventions: entries (fields) at the margin, their
    text indented below."""
    lines = layout.lines
    hanging: str | None = None
    typed_entries = untyped_entries = inline = 0
    for block in layout.blocks:
        for entry in block.entries:
            if block.section is not Section.RAISES:
                typed_entries += entry.type_hint is not None
                untyped_entries += entry.type_hint is None
                inline += entry.type_hint is not None and entry.type_line is None
            if hanging is None and entry.end > entry.start + 1:
                head, nxt = lines[entry.start], lines[entry.start + 1]
                if nxt.strip() and len(leading(nxt)) > len(leading(head)):
                    hanging = nxt[len(leading(head)):len(leading(nxt))]
    typed = typed_entries > 0 or untyped_entries == 0
    if house.types != "auto":
        typed = house.types == "always"
    fields: dict[Section, str] = {}
    for block in layout.blocks if layout.style is Style.REST else ():
        for index in range(block.start, block.end):
            found = sphinx_field(layout.cleaned(index))
            if found is not None and block.section is not None and \
                    found[0].lower() not in SPHINX_TYPE_FIELDS:
                fields.setdefault(block.section, found[0])
                break
    args = layout.block(Section.ARGS) if layout.style is Style.NUMPY else None
    defaults = numpy_default_way((e.type_hint, e.description) for e in args.entries) \
        if args is not None else None
    return Conventions(margin, "", hanging or "    ", typed, False, width, len(lines) == 1,
                       house, style=layout.style, inline_types=inline * 2 > typed_entries,
                       fields=tuple(fields.items()), defaults=defaults)


@dataclass
class _Edit:
    """Line operations collected before they are assembled."""

    layout: Layout
    replace: dict[int, list[str]] = field(default_factory=dict)
    delete: set[int] = field(default_factory=set)
    before: dict[int, list[str]] = field(default_factory=dict)
    after: dict[int, list[str]] = field(default_factory=dict)

    def current(self, index: int) -> str:
        """Original line ``index`` as edited so far."""
        return self.replace.get(index, [self.layout.lines[index]])[0]

    def insert(self, at: int, lines: Sequence[str]) -> None:
        """Insert before original line ``at`` (``len(lines)``: at the very end)."""
        self.before.setdefault(at, []).extend(lines)

    def insert_after(self, index: int, lines: Sequence[str]) -> None:
        """Insert after original line ``index`` (after what is inserted before it)."""
        self.after.setdefault(index, []).extend(lines)

    def set_line(self, index: int, text: str) -> None:
        self.replace[index] = [text]

    @property
    def empty(self) -> bool:
        return not (self.replace or self.delete or self.before or self.after)

    def assemble(self) -> Lines:
        count = len(self.layout.lines)
        out: Lines = []
        for item in range(count):
            out.extend(self.before.get(item, ()))
            if item not in self.delete:
                out.extend(self.replace.get(item, [item]))
            out.extend(self.after.get(item, ()))
        out.extend(self.before.get(count, ()))
        return out


def _wrap(first_prefix: str, text: str, rest_prefix: str, width: int) -> list[str]:
    """Wrap ``text`` after ``first_prefix``; later lines start with ``rest_prefix``.

    When not even the first word fits after ``first_prefix`` (a long ``name (type):``), the
    text starts on the next line.
    """
    words = text.split()
    if words and len(first_prefix) + len(words[0]) > width and first_prefix.strip() and \
            len(rest_prefix) < len(first_prefix):
        return [first_prefix.rstrip(), *_wrap(rest_prefix, text, rest_prefix, width)]
    out: list[str] = []
    prefix = first_prefix
    for paragraph in text.strip().split("\n"):
        if not paragraph.strip():
            out.append("")
            prefix = rest_prefix
            continue
        wrapped = textwrap.wrap(paragraph.strip(), max(width - len(prefix), 20),
                                break_long_words=False, break_on_hyphens=False)
        for line in wrapped or [""]:
            out.append((prefix + line).rstrip())
            prefix = rest_prefix
    return out or [first_prefix.rstrip()]


def _type_text(type_hint: str, conv: Conventions) -> str:
    type_hint = written_type(type_hint)  # ``'Sandbox'`` is written Sandbox
    return f"`{type_hint}`" if conv.backticks and "`" not in type_hint else type_hint


#: PEP 484's numeric tower, narrowest first.
_NUMBERS = {"int": 0, "float": 1, "complex": 2}


def _retyped(doc_text: str, annotation: str, has_default: bool = False) -> bool:
    """Whether a documented type is rewritten to the annotation: they disagree, and not
    only by the annotation being a narrower number. ``float`` documented for an ``int``
    annotation may be the truer of the two (huggingface_hub's ``timeout``, peft's quantile
    ``svd_clamp``): validate reports it (LD314), no run narrows it. A documented ``int``
    for a ``float`` annotation is retyped: the wider type keeps the text true."""
    if same_type(doc_text, annotation, has_default) is not False:
        return False
    documented = (read_doc_type(doc_text)[0] or frozenset()) - {"None"}
    annotated = (read_doc_type(annotation)[0] or frozenset()) - {"None"}
    if documented and annotated and documented | annotated <= _NUMBERS.keys():
        return max(_NUMBERS[n] for n in annotated) >= max(_NUMBERS[n] for n in documented)
    return True


def _arg_lines(param: Param, text: str, conv: Conventions) -> list[str]:
    """A new argument's entry. NumPy: its default said as the docstring says defaults, else
    as the project does, else as numpydoc's guide (``x : int, optional``)."""
    if not conv.numpy or param.default in (None, "..."):
        return _entry_lines(_written(param, conv), _marked(param, conv), text, conv)
    shown = conv.house.shown(param.annotation)
    type_hint = written_type(shown) if shown and conv.typed else None
    way = conv.defaults or conv.house.defaults or NUMPY_DEFAULT_WAY
    type_hint, text = numpy_defaulted(type_hint, text, param.default or "", way,
                                      conv.house.optional_marker)
    return _entry_lines(_written(param, conv), type_hint, text, conv)


def _marked(param: Param, conv: Conventions) -> str | None:
    """A new entry's type, with the project's ``optional`` marker for a default."""
    shown = conv.house.shown(param.annotation)
    annotation = written_type(shown) if shown else None
    return conv.house.marked(annotation, param.default not in (None, "..."),
                             conv.backticks, param.default)


#: The Sphinx fields of an entry of each section: its text, and its type.
_SPHINX_FIELDS = {Section.ARGS: ("param", "type"), Section.ATTRIBUTES: ("ivar", "vartype"),
                  Section.RAISES: ("raises", ""), Section.RETURNS: ("returns", "rtype"),
                  Section.YIELDS: ("yields", "ytype")}


def _sphinx_field_names(section: Section, conv: Conventions) -> tuple[str, str]:
    """A section's text and type field names: the docstring's spelling, else the project's,
    else Sphinx's."""
    field, type_field = _SPHINX_FIELDS[section]
    return dict(conv.fields).get(section) or conv.house.sphinx_field(section) or field, \
        type_field


def _sphinx_lines(field: str, name: str, type_field: str, type_hint: str | None,
                  description: str, conv: Conventions) -> list[str]:
    """``:param x: text`` (and ``:type x: int``, or ``:param int x:``), the docstring's way."""
    indent = conv.margin
    shown = written_type(type_hint) if type_hint and type_hint.strip() != "..." else ""
    typed = bool(shown) and conv.typed and bool(type_field)
    args = f" {name}" if name else ""
    if typed and conv.inline_types and name and " " not in shown and ":" not in shown:
        args, typed = f" {shown} {name}", False
    lines = _wrap(f"{indent}:{field}{args}: ", description, indent + conv.hanging, conv.width)
    if typed:
        lines.append(f"{indent}:{type_field}{' ' + name if name else ''}: {shown}")
    return lines


def _entry_lines(name: str, type_hint: str | None, description: str, conv: Conventions,
                 section: Section = Section.ARGS) -> list[str]:
    """A new ``name (type): description`` entry, written the docstring's way."""
    indent = conv.margin + conv.unit
    if conv.sphinx:
        field, type_field = _sphinx_field_names(section, conv)
        return _sphinx_lines(field, name, type_field, type_hint, description, conv)
    if conv.numpy:
        # ``name : type`` alone on its line, the text indented below (numpydoc).
        if type_hint and type_hint.strip() != "..." and conv.typed and \
                len(indent) + len(name) + 3 + len(written_type(type_hint)) <= conv.width:
            name = f"{name} : {written_type(type_hint)}"
        return [indent + name, *_wrap(indent + conv.hanging, description,
                                      indent + conv.hanging, conv.width)]
    head = name
    # A stub's ``...`` (or an ellipsis annotation) says nothing about the type.
    if type_hint and type_hint.strip() != "..." and conv.typed:
        typed = f"{name} ({_type_text(type_hint, conv)})"
        read = parse_entry_head(typed + ": x")
        # A type is written only where it fits and reads back as itself.
        if len(indent) + len(typed) + 2 <= conv.width and read is not None and \
                read[1] == " ".join(_type_text(type_hint, conv).split()):
            head = typed
    return _wrap(f"{indent}{head}: ", description, indent + conv.hanging, conv.width)


def _typed_body(type_hint: str | None, description: str, conv: Conventions,
                section: Section = Section.RETURNS, placeholder: str = "") -> list[str]:
    """The body of a new Returns/Yields section."""
    indent = conv.margin + conv.unit
    if conv.sphinx:
        field, type_field = _sphinx_field_names(section, conv)
        return _sphinx_lines(field, "", type_field, type_hint, description, conv)
    if conv.numpy:
        # numpydoc's Returns entry is a type line (at the section's margin) with the text
        # indented below it: numpydoc reads whatever stands at the margin as the type. An
        # unknown type is the visible placeholder there (LD302 counts it), never the text.
        # numpydoc requires this type even where entries go untyped (render_styles agrees).
        head = written_type(type_hint) if type_hint else placeholder
        if not head:
            return _wrap(indent, description, indent, conv.width)
        return [indent + head, *_wrap(indent + conv.hanging, description,
                                      indent + conv.hanging, conv.width)]
    if type_hint and conv.typed:
        text = _type_text(type_hint, conv)
        if len(indent) + len(text) + 2 <= conv.width and \
                split_type_prefix(f"{text}: x")[0] == " ".join(text.split()):
            return _wrap(f"{indent}{text}: ", description, indent + conv.hanging, conv.width)
    return _wrap(indent, description, indent, conv.width)


def _has(text: str | None, placeholder: str) -> bool:
    return bool(placeholder) and text is not None and placeholder in text


def _usable(text: str | None, placeholder: str) -> str | None:
    """The answer's text if it says something (not empty, not a placeholder)."""
    if text is None or not text.strip() or _has(text, placeholder):
        return None
    return text.strip()


class _Syncer:
    """Collects the line operations that bring one docstring in line with the code."""

    def __init__(self, layout: Layout, conv: Conventions, placeholder: str) -> None:
        self.layout = layout
        self.conv = conv
        self.placeholder = placeholder
        self.edit = _Edit(layout)
        self.new_sections: list[tuple[Section, list[str]]] = []
        self.changes = EntryChanges()

    # -- text that is missing ------------------------------------------------------------

    def summary(self, answer: str | None) -> None:
        layout = self.layout
        start, end = layout.summary
        usable = _usable(answer, self.placeholder)
        if start == end:
            text = usable or self.placeholder
            first_heading = layout.blocks[0].start if layout.blocks else None
            if first_heading == 0:
                self.edit.insert(0, [text, ""])
                self.edit.set_line(0, self.conv.margin + layout.lines[0].lstrip())
            else:  # the first line is blank: the summary goes there
                self.edit.set_line(0, text)
                if first_heading == 1:
                    self.edit.insert(1, [""])
        elif usable and _has(layout.summary_text(), self.placeholder):
            self.fill(start, end, usable, self.conv.margin)

    def fill(self, start: int, end: int, text: str, rest_prefix: str) -> None:
        """Replace the placeholder in lines ``start:end`` with ``text``, the rest kept."""
        current = [self.edit.current(i) for i in range(start, end)]
        joined = " ".join(line.strip() for line in current)
        before, _, after = joined.partition(self.placeholder)
        first_prefix = leading(current[0])
        filled = _wrap(first_prefix + before, f"{text} {after}".strip(), rest_prefix,
                       self.conv.width)
        self.edit.replace[start] = filled
        self.edit.delete.update(range(start + 1, end))

    # -- sections ------------------------------------------------------------------------

    def add_section(self, section: Section, body: list[str]) -> None:
        # A line that looks like a heading but is not read as one (``Agrs:``, an indented
        # ``Args:``) means the docstring's structure is unclear: a second section would
        # duplicate what a person meant to write, so nothing is added (validate says why).
        if not self.unclear and self.conv.add_sections:
            self.new_sections.append((section, body))

    @functools.cached_property
    def unclear(self) -> bool:
        """Whether a line resembles a section heading without being read as one, or an
        entry section's body is not indented below its heading (``Args:`` then entries at
        its margin: peft's ``perm2mat``): validate compares nothing there (LD362), and a
        section added below the broken one would make the docstring less consistent."""
        if self.layout.style is Style.NUMPY:
            return any(p.kind != "underline" for p in numpy_heading_problems(self.layout))
        if self.layout.style is Style.REST:
            return bool(sphinx_heading_problems(self.layout))
        return any(p.kind != "body" or ALIASES.get(p.text.lower()) in _ENTRY_SECTIONS
                   for p in heading_problems(self.layout))

    def place_sections(self) -> None:
        """Insert the new sections where Google order puts them among the existing ones."""
        layout, conv = self.layout, self.conv
        for section, body in sorted(self.new_sections, key=lambda item: _RANK[item[0]]):
            rank = _RANK[section]
            ranked = [(b, r) for b in layout.blocks if (r := _rank(b, conv)) is not None]
            after = [b for b, r in ranked if r <= rank]
            later = [b for b, r in ranked if r > rank]
            if conv.numpy:
                heading = NUMPY_HEADINGS[section]
                lines = [conv.margin + heading, conv.margin + "-" * len(heading), *body]
            else:
                lines = [f"{conv.margin}{conv.house.heading(section)}:", *body]
            if conv.sphinx and layout.blocks:  # a field list has no headings, no blank lines
                if after:
                    self.edit.insert(after[-1].end, body)
                elif later:
                    self.edit.insert(later[0].start, body)
                else:
                    self.edit.insert(layout.blocks[-1].end, body)
                continue
            if conv.sphinx:
                lines = body
            if after:
                self.edit.insert(after[-1].end, ["", *lines])
            elif later:
                self.edit.insert(later[0].start, [*lines, ""])
            else:
                end = layout.content_end
                closing = [conv.margin] if conv.one_line else []
                if end == 0:  # an empty docstring got its summary from ``summary``
                    end = 1
                self.edit.insert(end, ["", *lines, *closing])

    # -- entries -------------------------------------------------------------------------

    def retype(self, index: int, span: tuple[int, int], annotation: str) -> None:
        """Write ``annotation`` over the type at ``span`` of line ``index``, markup kept."""
        line = self.edit.current(index)
        annotation = written_type(annotation)
        start, end = span
        core_start, core_end = core_type_span(line[start:end])
        self.edit.set_line(index, line[:start + core_start] + annotation +
                           line[start + core_end:])

    def retype_entry(self, entry: Entry, annotation: str) -> None:
        if entry.type_span is not None and entry.type_hint is not None:
            # Beside an ``optional`` marker, ``| None`` is what the marker already says.
            if read_doc_type(entry.type_hint)[1]:
                annotation = without_none(annotation)
            line = entry.start if entry.type_line is None else entry.type_line
            self.retype(line, entry.type_span, annotation)

    def rename(self, entry: Entry, name: str) -> None:
        line = self.edit.current(entry.start)
        start, end = entry.name_span
        self.edit.set_line(entry.start, line[:start] + name + line[end:])

    def fill_entry(self, entry: Entry, text: str | None) -> None:
        usable = _usable(text, self.placeholder)
        if usable and _has(entry.description, self.placeholder):
            indent = leading(self.layout.lines[entry.start])
            start = entry.start
            if self.conv.numpy and entry.end > start + 1 and \
                    not _has(self.layout.lines[start], self.placeholder):
                start += 1  # the text is below the ``name : type`` line
            self.fill(start, entry.end, usable, indent + self.conv.hanging)

    def remove_entries(self, block: Block, gone: list[Entry], added: bool) -> None:
        lines = self.layout.lines
        for entry in gone:
            self.edit.delete.update(range(entry.start, entry.end))
            if entry.type_line is not None:  # Sphinx's ``:type x:`` goes with ``:param x:``
                self.edit.delete.add(entry.type_line)
            # The blank lines that separated it from its neighbour go with it.
            number = block.entries.index(entry)
            if number + 1 < len(block.entries):
                self.edit.delete.update(range(entry.end, block.entries[number + 1].start))
            elif number > 0:
                previous = block.entries[number - 1]
                self.edit.delete.update(i for i in range(previous.end, entry.start)
                                        if not lines[i].strip())
        if len(gone) == len(block.entries) and not added:
            # The section is empty now: its heading and the blank line before it go too.
            self.edit.delete.update(range(block.start, block.end))
            # Sphinx fields follow one another without blank lines: the blank line before
            # the block separates the text from the fields after it too.
            last = block is self.layout.blocks[-1]
            if block.start > 0 and not self.layout.lines[block.start - 1].strip() and \
                    (last or not self.conv.sphinx):
                self.edit.delete.add(block.start - 1)

    def result(self) -> Lines | None:
        self.place_sections()
        return None if self.edit.empty else self.edit.assemble()


def _last_line(entry: Entry) -> int:
    """The index of an entry's last line, its Sphinx ``:type x:`` line included."""
    return max(entry.end - 1, -1 if entry.type_line is None else entry.type_line)


def _gap(entries: Sequence[Entry]) -> int | None:
    """The blank lines between consecutive entries when it is the same everywhere, else None."""
    gaps = {entries[i + 1].start - entries[i].end for i in range(len(entries) - 1)}
    return None if len(gaps) > 1 else gaps.pop() if gaps else 0


# ``name:``, ``a, b:`` or ``a, b (type):`` at the start of a line, whatever its indentation.
_HEAD_RE = re.compile(r"[ \t]*(\*{0,2}[A-Za-z_]\w*(?:[ \t]*,[ \t]*\*{0,2}[A-Za-z_]\w*)*)[ \t]*"
                      r"(?:\((?:[^()]|\([^()]*\))*\))?[ \t]*:(?:[ \t]|$)")


def combined_names(text: str) -> tuple[str, ...]:
    """The names of a ``a, b (type): text`` line naming several parameters, else ().

    Args:
        text: A line, or an entry's name as the layout read it.

    Returns:
        The names without stars, in order; empty unless there are two or more.
    """
    # An entry's name has no colon (NumPy's ``x1, x2`` read from ``x1, x2 : array_like``).
    match = _HEAD_RE.match(text) or _HEAD_RE.match(text + ":")
    names = tuple(bare(n.strip()) for n in match.group(1).split(",")) if match else ()
    return names if len(names) > 1 else ()


def listed_names(layout: Layout, block: Block) -> dict[str, tuple[int, bool]]:
    """Names a section writes as entries on lines that are not read as their own entry.

    ``pending_u, pending_v: lists …`` documents both names (no Google entry names several,
    but projects write it), and ``size: …`` indented under the entry above is read as that
    entry's continuation though a person meant an entry: neither is added again.

    Args:
        layout: The docstring.
        block: One of its entry sections.

    Returns:
        Each name (without stars) with the index of its line and whether the line names
        several.
    """
    # NumPy's ``x1, x2 : array_like`` is a well-formed entry naming several: read here too.
    heads = {e.start for e in block.entries if e.well_formed and not combined_names(e.name)}
    found: dict[str, tuple[int, bool]] = {}
    for index in range(block.start + 1, block.end):
        match = _HEAD_RE.match(layout.lines[index])
        if match is None or index in heads:
            continue
        names = [bare(n.strip()) for n in match.group(1).split(",")]
        for name in names:
            found.setdefault(name, (index, len(names) > 1))
    return found


#: Sections made of entries: one whose body is not indented below its heading cannot be read.
_ENTRY_SECTIONS = frozenset({Section.ARGS, Section.ATTRIBUTES, Section.RAISES, Section.RETURNS,
                             Section.YIELDS})


def editable(layout: Layout, block: Block) -> bool:
    """Whether a section's entries can be edited: all well formed, body below the heading."""
    heading = layout.lines[block.start]
    heading_indent = len(leading(heading))
    if layout.style in (Style.NUMPY, Style.REST):  # entries stand at the margin there
        return all(e.well_formed for e in block.entries)
    # A section cut short by a heading indented into it (LD362) is unclear: what follows
    # the heading may hold entries of its own, which an added entry would duplicate.
    # An inline section (``Raises: text``) is kept byte for byte: nothing is added to it.
    return not block.inline and all(e.well_formed for e in block.entries) and \
        block.cut is None and (
        not block.body_indent or len(block.body_indent) > heading_indent)


def _param_text(param: Param, answer: MethodDocstring | None, placeholder: str) -> str:
    found = None
    if answer is not None:
        found = next((a.description for a in answer.args if bare(a.name) == bare(param.name)),
                     None)
    return (found or "").strip() or placeholder


def spelt_alike(old: str, new: str) -> bool:
    """Whether two argument names are one name spelt two ways, by a rule a reviewer accepts.

    The rules, on the names without the stars of ``*args`` and ``**kwargs``:

    - case does not count: ``maxLen`` is ``maxlen``;
    - underscores do not count, leading, inner or trailing: ``seq_len`` is ``seqlen``,
      ``_x`` is ``x``, ``maxLen`` is ``max_len``;
    - singular and plural (a final ``s``, ``es``, or ``y`` for ``ies``) are one name:
      ``rng``/``rngs``, ``length``/``lengths``, ``index``/``indexes``, ``entry``/``entries``.

    Nothing else is one name: ``lengths``/``seq_lengths`` and ``fn``/``scope_tree`` are two.

    Args:
        old: The name a docstring entry documents.
        new: A name of the signature.

    Returns:
        Whether the rules make them one name.
    """
    a, b = (bare(name).replace("_", "").lower() for name in (old, new))
    if not a or not b:
        return False

    def forms(word: str) -> set[str]:
        ies = {word[:-1] + "ies"} if word.endswith("y") else set()
        return {word, word + "s", word + "es", *ies}

    return b in forms(a) or a in forms(b)


def _same_place(entries: Sequence[Entry], params: Sequence[Param], entry: Entry,
                param: Param) -> bool:
    """Whether ``param`` sits in the signature where ``entry`` sits among the documented ones."""
    documented = {bare(e.name) for e in entries}
    here = next(i for i, e in enumerate(entries) if e is entry)
    there = next(i for i, p in enumerate(params) if p is param)
    names = [bare(p.name) for p in params]
    return ({bare(e.name) for e in entries[:here]} & set(names) ==
            set(names[:there]) & documented and
            {bare(e.name) for e in entries[here + 1:]} & set(names) ==
            set(names[there + 1:]) & documented)


def _renames(entries: Sequence[Entry], params: Sequence[Param], stale: list[Entry],
             missing: list[Param]) -> dict[int, Param]:
    """The new argument of each gone entry whose words move to it, by the entry's ``id``."""
    # Only what a reviewer would accept as certain (docs/updates.md): a wrong guess puts a
    # person's words under the wrong name (``scope_tree: The function to pack``) and a missed
    # one only leaves the entry for the person, reported as LD312.
    if len(stale) == 1 and len(missing) == 1:
        # The position rule: one entry gone and one argument new, in the same place. An entry
        # typed otherwise than the new argument describes something else.
        entry, param = stale[0], missing[0]
        if _same_place(entries, params, entry, param) and not (
                entry.type_hint and param.annotation and same_type(
                    entry.type_hint, param.annotation, param.default is not None) is False):
            return {id(entry): param}
    # The spelling rule: the same name spelt otherwise, the only candidate on both sides.
    found: dict[int, Param] = {}
    for entry in stale:
        candidates = [p for p in missing if spelt_alike(entry.name, p.name)]
        if len(candidates) == 1 and [e for e in stale if spelt_alike(
                e.name, candidates[0].name)] == [entry]:
            found[id(entry)] = candidates[0]
    return found


@dataclass(frozen=True)
class EntryChanges:
    """What an update did with the entries of arguments that left the signature.

    Attributes:
        renamed: Entries whose words now stand under the new name (a certain rename).
        removed: Entries deleted: their argument is gone and no new one appeared.
        kept: Entries kept for a person to decide (``validate`` reports them, LD312).
    """

    renamed: int = 0
    removed: int = 0
    kept: int = 0


@dataclass(frozen=True)
class _ArgPlan:
    """What happens to the Args entries: renames, deletions, and what stays for a person."""

    renamed: dict[int, Param]
    removed: list[Entry]
    kept: list[Entry]
    missing: list[Param]

    @property
    def changes(self) -> EntryChanges:
        return EntryChanges(len(self.renamed), len(self.removed), len(self.kept))


def _plan_args(entries: Sequence[Entry], params: Sequence[Param], placeholder: str,
               aside: set[str] | None = None) -> _ArgPlan:
    """Decide the fate of every entry whose argument left the signature (``aside``: names
    documented outside the section, ``documented_aside``)."""
    by_name = {bare(p.name): p for p in params}
    documented = {bare(e.name) for e in entries} | {
        n for e in entries for n in combined_names(e.name)} | (aside or set())
    missing = [p for p in params if bare(p.name) not in documented]
    takes_kwargs = any(p.kind == "var_keyword" for p in params)
    # With **kwargs an entry of no argument may document a keyword received through it.
    # An "entry" named like a section (``Returns:`` or ``Example:`` indented into Args by
    # mistake) is a person's section, with all that is indented under it (examples, code):
    # never an argument's entry to remove or rename.
    stale = [] if takes_kwargs else [e for e in entries if bare(e.name) not in by_name
                                     and heading_of(f"{e.name}:") is None and
                                     not combined_names(e.name)]
    renamed = _renames(entries, params, stale, missing)
    stale = [e for e in stale if id(e) not in renamed]
    missing = [p for p in missing if all(p is not new for new in renamed.values())]
    # A new argument is one the docstring does not describe yet: not documented, or
    # documented only by the placeholder (the entry an earlier run added next to a kept
    # one: without this, the second run would delete what the first kept).
    undescribed = bool(missing) or any(
        bare(e.name) in by_name and _has(e.description, placeholder) for e in entries)
    if undescribed:
        return _ArgPlan(renamed, [], stale, missing)
    return _ArgPlan(renamed, stale, [], missing)


def carried(params: Sequence[Param], documented: Iterable[str]) -> bool:
    """Whether ``*args``/``**kwargs`` need no entry: the docstring documents what they carry.

    A wrapper (``@functools.wraps(jax.lax.cond) def cond(*args, **kwargs)``) documents
    the arguments it passes on (``pred``, ``true_fun``), which the signature does not name.

    Args:
        params: The signature's parameters.
        documented: The names of the Args entries.

    Returns:
        True when the signature takes ``*args`` or ``**kwargs`` and an entry names no
        parameter.
    """
    names = {bare(p.name) for p in params}
    return any(p.kind in ("var_positional", "var_keyword") for p in params) and \
        any(bare(name) not in names for name in documented)


def documented_inline(layout: Layout, names: Iterable[str]) -> set[str]:
    """The names the text outside any section documents as an entry does.

    ``model (`PeftModel`): Peft model to update`` written under the summary, without an
    ``Args:`` heading (peft's ``update_forward_signature``), also when a formatter joined two
    such entries on one line: an Args section added beside it would say it twice. Only
    ``name (type):`` anywhere in a line, or ``name:`` starting one, counts; prose that
    merely mentions a name does not.

    Args:
        layout: The docstring.
        names: The parameter names to look for (stars are ignored).

    Returns:
        Those of ``names`` (without stars) written so.
    """
    text = "\n".join(layout.cleaned(i) for i in range(layout.summary[0],
                                                      layout.description[1]))
    found: set[str] = set()
    for name in names:
        word = re.escape(bare(name))
        typed = rf"(?:^|\s)\**`?{word}`?[ \t]*\((?:[^()\n]|\([^()\n]*\))*\)[ \t]*:(?:\s|$)"
        untyped = rf"^[ \t]*\**`?{word}`?[ \t]*:(?:\s|$)"
        if re.search(typed, text, re.M) or re.search(untyped, text, re.M):
            found.add(bare(name))
    return found


def documented_aside(layout: Layout) -> set[str]:
    """The names a NumPy ``Other Parameters`` section documents (without stars).

    numpydoc's place for the arguments "only used infrequently": they are documented,
    though not in Parameters (no LD311, no entry added for them there).

    Args:
        layout: The docstring.

    Returns:
        The names (none in other styles).
    """
    if layout.style is not Style.NUMPY:
        return set()
    return {name for entry in other_parameters(layout)
            for name in (combined_names(entry.name) or (bare(entry.name),))}


def misfiled_args(layout: Layout, params: Sequence[Param]) -> Block | None:
    """A function's ``Attributes:`` section that lists exactly its arguments, if any.

    A function has no attributes to document: such a section is its Args under the wrong
    heading (peft's eva ``prepare_model_inputs_fn_language_modeling``). ``validate`` says so
    once (LD361); no argument is reported missing and no Args section is added beside it.

    Args:
        layout: A function's docstring.
        params: Its parameters.

    Returns:
        The section, or None (also when the docstring has an Args section).
    """
    block = layout.block(Section.ATTRIBUTES)
    if block is None or layout.block(Section.ARGS) is not None or not block.entries:
        return None
    listed = {bare(e.name) for e in block.entries}
    return block if listed == {bare(p.name) for p in params} else None


def _written(param: Param, conv: Conventions) -> str:
    """A parameter's name as an entry writes it: ``*args`` with its stars unless the project
    writes them without."""
    return param.name if conv.house.stars else bare(param.name)


def _sync_args(syncer: _Syncer, facts: FunctionFacts, answer: MethodDocstring | None) -> None:
    layout, conv, placeholder = syncer.layout, syncer.conv, syncer.placeholder
    if facts.is_property:
        # A property takes no argument: its Parameters say how to call the value it gives
        # (networkx's ``G.edges`` view, ``G.edges(nbunch, data=False)``), never entries of
        # arguments gone from its signature (they were deleted, 173 lines on networkx).
        return
    params = list(facts.params)
    # An argument declared unused on purpose gets no entry (``declared_unused``); one a
    # person documented is still kept in line.
    wanted = [p for p in params if bare(p.name) not in facts.unused]
    block = layout.block(Section.ARGS)
    if block is None and misfiled_args(layout, params) is not None:
        return  # the arguments are documented, under a wrong heading (LD361)
    if block is None:
        inline = documented_inline(layout, [p.name for p in wanted]) | \
            documented_aside(layout)
        wanted = [p for p in wanted if bare(p.name) not in inline]
        if wanted:
            body: list[str] = []
            for param in wanted:
                body += _arg_lines(param, _param_text(param, answer, placeholder), conv)
            syncer.add_section(Section.ARGS, body)
        return
    if not editable(layout, block):
        return  # a malformed section is reported (LD362, LD365), never edited
    by_name = {bare(p.name): p for p in params}
    entries = list(block.entries)
    aside = documented_aside(layout)
    plan = _plan_args(entries, params, placeholder, aside)
    syncer.changes = plan.changes
    renamed, missing = plan.renamed, plan.missing
    listed = listed_names(layout, block)
    missing = [p for p in missing if bare(p.name) not in listed and bare(p.name) not in aside
               and bare(p.name) not in
               facts.unused]
    if carried(params, [e.name for e in entries]):
        missing = [p for p in missing if p.kind not in ("var_positional", "var_keyword")]
    for entry in entries:
        found = renamed.get(id(entry)) or by_name.get(bare(entry.name))
        if found is None:
            continue
        param = found
        # The type first: a new name would move the type's columns.
        if entry.type_hint and param.annotation and _retyped(
                entry.type_hint, param.annotation, param.default is not None):
            syncer.retype_entry(entry, param.annotation)
        # The stars of ``*args`` are added only where the project writes them (Hugging Face
        # writes ``kwargs (...)``: LD315 is not reported there either).
        if id(entry) in renamed and entry.name != _written(param, conv):
            syncer.rename(entry, _written(param, conv))
        elif entry.name != param.name and param.name.startswith("*") and conv.house.stars:
            syncer.rename(entry, param.name)
        if answer is not None and not plan.kept:
            # While an entry is kept for a person, its words may belong to any undescribed
            # argument: that is the person's call, so no placeholder is filled.
            syncer.fill_entry(entry, _param_text(param, answer, ""))
    syncer.remove_entries(block, plan.removed, bool(missing))
    kept = [e for e in entries if e not in plan.removed]
    position = {bare(p.name): i for i, p in enumerate(params)}
    # Where each kept entry belongs in the signature (a renamed one under its new name).
    rank = {id(e): position[bare(renamed[id(e)].name)] if id(e) in renamed else
            position.get(bare(e.name)) for e in kept}
    # Entries a person wrote are never moved, even out of signature order (LD313 says
    # so; the order is theirs to choose): a new entry goes right after the entry of the
    # argument before it in the signature, or first when none is documented.
    blank = [] if conv.sphinx else [""] * (_gap(entries) or 0)
    for param in missing:
        index = position[bare(param.name)]
        before = [e for e in kept if (r := rank[id(e)]) is not None and r < index]
        text = _param_text(param, answer, placeholder)
        if plan.kept and not _has(text, placeholder):
            text = placeholder  # the kept entry may be this argument's description
        lines = _arg_lines(param, text, conv)
        if before:
            anchor = max(before, key=lambda e: rank[id(e)] or 0)
            syncer.edit.insert_after(_last_line(anchor), [*blank, *lines])
        elif kept:
            syncer.edit.insert(kept[0].start, [*lines, *blank])
        else:
            syncer.edit.insert(block.end, lines)


def _sync_typed(syncer: _Syncer, section: Section, needed: bool, annotation: str | None,
                text: str | None) -> None:
    """Returns or Yields: add it when needed, retype it when the annotation disagrees."""
    layout = syncer.layout
    block = layout.block(section)
    conv, placeholder = syncer.conv, syncer.placeholder
    if block is None:
        if needed:
            syncer.add_section(section, _typed_body(annotation, (text or "").strip() or
                                                    placeholder, conv, section, placeholder))
        return
    if block.inline or not (block.text or block.type_line is not None):
        return  # ``Returns: text`` on one line is the project's own way: never edited
    first = _first_body_line(layout, block)
    if conv.numpy and _numpy_placeholder_head(syncer, block, first, annotation, text):
        return
    if block.type_hint and annotation and block.type_span is not None and \
            _retyped(block.type_hint, annotation):
        syncer.retype(first if block.type_line is None else block.type_line,
                      block.type_span, annotation)
    usable = _usable(text, placeholder)
    if usable and _has(block.text, placeholder):
        if conv.numpy and block.type_span is not None and first + 1 < block.end:
            first += 1  # the text is below the type
        if conv.sphinx:  # the ``:returns:`` field's lines, not the ``:rtype:`` line
            first = next(i for i in range(block.start, block.end) if i != block.type_line)
            syncer.fill(first, block.text_end or block.end, usable,
                        leading(layout.lines[first]) + conv.hanging)
            return
        syncer.fill(first, block.end, usable, leading(layout.lines[first]))


def _numpy_placeholder_head(syncer: _Syncer, block: Block, first: int, annotation: str | None,
                            text: str | None) -> bool:
    """A NumPy Returns/Yields entry whose type line holds the placeholder: the annotation
    replaces it when there is one, and a lone placeholder line (what earlier versions wrote
    for an unknown type) becomes a type line with the text indented below it. Whether it
    was such an entry."""
    layout, conv, placeholder = syncer.layout, syncer.conv, syncer.placeholder
    line = layout.lines[first]
    if not _has(line, placeholder) or line.strip() != placeholder:
        return False
    rest = [i for i in range(first + 1, block.end) if layout.lines[i].strip()]
    usable = _usable(text, placeholder)
    indent = leading(line)
    head = written_type(annotation) if annotation else placeholder
    if rest:  # the text is already below the type line: only the type is written
        if head != placeholder:
            syncer.edit.set_line(first, indent + head)
        if usable and _has("\n".join(layout.lines[i] for i in rest), placeholder):
            hanging = leading(layout.lines[rest[0]])
            syncer.fill(rest[0], block.end, usable, hanging)
        return True
    if head == placeholder and not usable:
        return True  # nothing to say yet: kept as it is, so a second run changes nothing
    syncer.edit.replace[first] = [indent + head, *_wrap(
        indent + conv.hanging, usable or placeholder, indent + conv.hanging, conv.width)]
    return True


def _first_body_line(layout: Layout, block: Block) -> int:
    """The first line of a section's body with text (below a NumPy heading's underline)."""
    start = block.start + {Style.NUMPY: 2, Style.REST: 0}.get(layout.style, 1)
    return next(i for i in range(start, block.end) if layout.lines[i].strip())


def _convert(syncer: _Syncer, facts: FunctionFacts) -> bool:
    """A Returns section on a generator becomes Yields (and the reverse): only the heading
    changes, so nothing a person wrote is lost. Other superfluous sections stay (LD322)."""
    layout = syncer.layout
    returns, yields = layout.block(Section.RETURNS), layout.block(Section.YIELDS)
    if facts.undecidable:
        return False
    if facts.is_generator and returns is not None and yields is None and \
            not facts.generator_returns:  # ``return x`` in a generator: Returns is right
        block, heading, annotation = returns, HEADINGS[Section.YIELDS], facts.yield_type
    elif not facts.is_generator and facts.documents_return and yields is not None and \
            returns is None:
        block, heading = yields, HEADINGS[Section.RETURNS]
        annotation = None if facts.annotated_no_value else facts.return_annotation
    else:
        return False
    if layout.style is Style.REST:
        _convert_fields(syncer, block.section or Section.RETURNS, annotation)
        return True
    if block.inline:
        return False  # kept byte for byte, its heading too
    line = layout.lines[block.start]
    column = line.index(block.heading)
    if syncer.conv.numpy:
        heading = NUMPY_HEADINGS[ALIASES[heading.lower()]]
        underline = layout.lines[block.start + 1]
        if len(underline.strip()) == len(block.heading):  # the underline follows it
            syncer.edit.set_line(block.start + 1, leading(underline) +
                                 underline.strip()[0] * len(heading))
    syncer.edit.set_line(block.start, line[:column] + heading + line[column +
                                                                     len(block.heading):])
    # The type follows in the same run (``Iterable[str]`` returned is ``str`` yielded):
    # left for the next run, a second run would change the file again.
    if block.text and block.type_hint and annotation and block.type_span is not None and \
            _retyped(block.type_hint, annotation):
        syncer.retype(_first_body_line(layout, block), block.type_span, annotation)
    return True


#: A Sphinx return field's generator counterpart and the reverse: the spelling family kept
#: (``:return:`` is ``:yield:``); ``rtype`` and ``ytype`` are as long as each other, so the
#: type's columns on its line stay where they were for the retype that follows.
_SPHINX_SWAP = {"returns": "yields", "return": "yield", "rtype": "ytype",
                "yields": "returns", "yield": "return", "ytype": "rtype"}


def _convert_fields(syncer: _Syncer, section: Section, annotation: str | None) -> None:
    """Sphinx's Returns/Yields: each ``:returns:``/``:rtype:`` field of ``section`` renamed
    to its generator counterpart (``:yields:``/``:ytype:``, as pydoclint's sphinx style and
    docstring_parser read them), or the reverse. Only the field names change, each in its
    own spelling family (``:return:`` is ``:yield:``): the docstring's own choice, where the
    project's spelling could turn one docstring's ``:return:`` into ``:yields:`` and another's
    ``:yields:`` into ``:return:`` in the same run."""
    layout = syncer.layout
    for block in (b for b in layout.blocks if b.section is section):
        for index in range(block.start, block.end):
            line = layout.lines[index]
            found = sphinx_field(layout.cleaned(index))
            name = found[0] if found is not None else ""
            swapped = _SPHINX_SWAP.get(name.lower())
            if found is None or swapped is None or layout.cleaned(index)[:1] in (" ", "\t"):
                continue  # a continuation line, or a field of no return kind
            if name[:1].isupper():  # ``:Returns:`` (napoleon's spelling) stays capitalised
                swapped = swapped.capitalize()
            column = line.index(":" + name) + 1
            syncer.edit.set_line(index, line[:column] + swapped + line[column + len(name):])
        # The type follows in the same run (``Iterator[int]`` returned is ``int`` yielded).
        if block.type_hint and annotation and block.type_span is not None and \
                block.type_line is not None and _retyped(block.type_hint, annotation):
            syncer.retype(block.type_line, block.type_span, annotation)


def _sync_raises(syncer: _Syncer, facts: FunctionFacts, answer: MethodDocstring | None) -> None:
    conv, placeholder = syncer.conv, syncer.placeholder
    given = {r.exception_type: r.description for r in (answer.raises if answer else [])}
    block = syncer.layout.block(Section.RAISES)
    if block is not None and not editable(syncer.layout, block):
        return
    # Every name of ``ValueError, TypeError:`` and those an admonition lists are documented.
    documented = [n for e in block.entries for n in (e.names or (e.name,))] if block else []
    documented += syncer.layout.noted_raises + syncer.layout.arg_raises
    missing = [f for f in facts.documented_raises
               if not any(same_exception(f.exception, d) for d in documented)]
    if block is None and syncer.layout.noted_raises:
        # ``> Raises the following errors:`` in an admonition is where this docstring says
        # what it raises: a Raises section would be a second place (validate reports LD341).
        missing = []
    body: list[str] = []
    # The exception is written as the section's own entries write theirs, else as the
    # project does (``[`~utils.HfError`]``, ```ValueError```, or plain).
    own = Counter(exception_markup(syncer.layout.lines[e.start])
                  for e in (block.entries if block else ()) if e.well_formed)
    markup = own.most_common(1)[0][0] if own else conv.house.exception_markup
    for fact in missing:
        text = next((t for name, t in given.items() if same_exception(name, fact.exception)),
                    None)
        body += _entry_lines(written_exception(fact.exception, markup), None,
                             (text or "").strip() or placeholder, conv, Section.RAISES)
    if block is not None:
        for entry in block.entries:
            text = next((t for name, t in given.items() if same_exception(name, entry.name)),
                        None)
            syncer.fill_entry(entry, text)
        if body:
            syncer.edit.insert(block.end, body)
    elif body and conv.house.documents_raises:  # a project that writes none gets none
        syncer.add_section(Section.RAISES, body)


def sync_function(layout: Layout, facts: FunctionFacts, answer: MethodDocstring | None,
                  conv: Conventions, placeholder: str) -> Lines | None:
    """The line operations that bring a function docstring in line with its code.

    Args:
        layout: The existing docstring.
        facts: What the code says.
        answer: The provider's content, used only where text is missing (None: no text
            to offer, placeholders are written).
        conv: How the docstring writes things.
        placeholder: The visible placeholder for text only a person or a model can write.

    Returns:
        The new lines, or None when nothing has to change.
    """
    return _function_syncer(layout, facts, answer, conv, placeholder).result()


def _function_syncer(layout: Layout, facts: FunctionFacts, answer: MethodDocstring | None,
                     conv: Conventions, placeholder: str) -> _Syncer:
    """The syncer of ``sync_function`` with its operations collected, not yet assembled."""
    syncer = _Syncer(layout, conv, placeholder)
    syncer.summary(answer.summary if answer else None)
    if layout.style not in (Style.GOOGLE, Style.NUMPY, Style.REST):
        return syncer  # prose only: complete as it is (see docs/codes.md)
    _sync_args(syncer, facts, answer)
    # A project that documents generators under Returns (``Returns: `Iterable[str]```)
    # keeps it so: not renamed Yields, no Yields section added beside it.
    under_returns = conv.house.generators_under_returns and facts.is_generator and \
        layout.block(Section.RETURNS) is not None and layout.block(Section.YIELDS) is None
    # Such a project's generator with neither section gets a Returns section with its
    # ``Iterable[...]`` annotation, as its other generators have (validate agrees).
    new_returns = conv.house.generators_under_returns and facts.is_generator and \
        facts.documents_yield and facts.return_annotation is not None and \
        layout.block(Section.RETURNS) is None and layout.block(Section.YIELDS) is None
    under_returns = under_returns or new_returns
    converted = False if under_returns else _convert(syncer, facts)
    says_value = new_returns or (not facts.is_generator and not facts.annotated_no_value)
    # A stub annotated ``Iterator[T]`` may say what it yields instead (pydoclint agrees).
    yields_instead = facts.undecidable and facts.annotated_iterator and \
        layout.block(Section.YIELDS) is not None
    _sync_typed(syncer, Section.RETURNS,
                new_returns or (facts.needs_returns and not converted and not yields_instead),
                conv.house.shown(facts.return_annotation) if says_value else None,
                answer.returns.description if answer and answer.returns else None)
    _sync_typed(syncer, Section.YIELDS,
                facts.documents_yield and not converted and not under_returns,
                conv.house.shown(facts.yield_type),
                answer.yields.description if answer and answer.yields else None)
    _sync_raises(syncer, facts, answer)
    return syncer


def _insert_field(syncer: _Syncer, args: Block, order: list[str], name: str,
                  lines: list[str]) -> None:
    """Put a new field's entry into Args after the entry of the field before it."""
    earlier = set(order[:order.index(name)])
    before = [e for e in args.entries if bare(e.name) in earlier]
    if before:
        syncer.edit.insert_after(_last_line(before[-1]), lines)
    elif args.entries:
        syncer.edit.insert(args.entries[0].start, lines)
    else:
        syncer.edit.insert(args.end, lines)


def _respelt(syncer: _Syncer, entries: Sequence[Entry], missing: Sequence[str],
             known: set[str]) -> set[str]:
    """Rename each entry spelt like exactly one missing attribute (and the reverse); return
    the names so documented."""
    gone = [e for e in entries if bare(e.name) not in known]
    renamed = set()
    for name in missing:
        candidates = [e for e in gone if spelt_alike(e.name, name)]
        if len(candidates) == 1 and [n for n in missing if spelt_alike(
                candidates[0].name, n)] == [name]:
            syncer.rename(candidates[0], name)
            renamed.add(name)
    return renamed


def sync_class(layout: Layout, facts: ClassFacts, answer: ClassDocstring | None,
               conv: Conventions, placeholder: str) -> Lines | None:
    """The line operations that bring a class docstring in line with its code.

    Attributes documented in the class's ``Args`` section (constructor arguments stored
    as they are) count as documented.

    Args:
        layout: The existing docstring.
        facts: What the code says.
        answer: The provider's content, used only where text is missing.
        conv: How the docstring writes things.
        placeholder: The visible placeholder for text only a person or a model can write.

    Returns:
        The new lines, or None when nothing has to change.
    """
    syncer = _Syncer(layout, conv, placeholder)
    syncer.summary(answer.summary if answer else None)
    if layout.style not in (Style.GOOGLE, Style.NUMPY, Style.REST):
        return syncer.result()
    block = layout.block(Section.ATTRIBUTES)
    args = layout.block(Section.ARGS)
    if block is not None and not editable(layout, block):
        return syncer.result()
    documented = {e.name for e in block.entries} if block else set()
    documented |= {bare(e.name) for e in args.entries} if args else set()
    for listed in (block, args):
        documented |= set(listed_names(layout, listed)) if listed else set()
    # ``self.api = hf_api`` with ``hf_api`` under Args: the attribute is documented.
    documented |= {f.name for f in facts.attributes if f.source in documented}
    given = {a.name: a.description for a in (answer.attributes if answer else [])}
    body: list[str] = []
    asked = conv.house.asked_attributes(facts, block is not None, args is not None)
    if block is None and not conv.house.payload_keys_asked(facts):
        asked = frozenset()  # a TypedDict's keys, where the project lists none
    # An entry naming an attribute another way (``updatedAt`` for ``updated_at``) is renamed
    # by the spelling rule, never left beside a second entry: in Attributes, or in a
    # dataclass's Args (its fields; other classes' Args are their constructor's).
    missing = [f.name for f in facts.asked if f.name not in documented and f.name in asked]
    known = set(facts.defined) | {f.name for f in facts.attributes} | \
        {f.source for f in facts.attributes if f.source}
    if block is not None:
        documented |= _respelt(syncer, block.entries, missing, known)
    elif args is not None and facts.is_dataclass and editable(layout, args):
        documented |= _respelt(syncer, args.entries,
                               [n for n in missing if n in facts.fields], known)
    order = [fact.name for fact in facts.attributes]
    for fact in facts.asked:
        if fact.name not in documented and fact.name in asked:
            in_args = block is None and args is not None and facts.is_dataclass and \
                fact.name in facts.fields
            new_type = fact.annotation if conv.numpy or conv.sphinx else \
                conv.house.new_type(fact.annotation, conv.backticks)
            lines = _entry_lines(fact.name, new_type,
                                 (given.get(fact.name) or "").strip() or placeholder, conv,
                                 Section.ARGS if in_args else Section.ATTRIBUTES)
            if in_args and args is not None:
                # A dataclass's field missing from the Args that list the others goes
                # there, after the field before it (the constructor's order). One the text
                # lists as a bullet (``- namespace (`str`)``) is not asked at all (the
                # class facts' rule, validate's too); a name merely used in another entry's
                # words ("weight-to-bias coupling") documents nothing.
                if editable(layout, args):
                    _insert_field(syncer, args, order, fact.name, lines)
            else:
                body.extend(lines)
    if block is not None:
        annotations = {f.name: f.annotation for f in facts.attributes}
        for entry in block.entries:
            annotation = annotations.get(entry.name)
            if entry.type_hint and annotation and _retyped(entry.type_hint, annotation):
                syncer.retype_entry(entry, annotation)
            syncer.fill_entry(entry, given.get(entry.name))
        if body:
            syncer.edit.insert(block.end, body)
    elif body:  # only what ``asked_attributes`` asks: a project that writes none gets none
        syncer.add_section(Section.ATTRIBUTES, body)
    return syncer.result()


def sync_module(layout: Layout, facts: ModuleFacts, answer: ModuleDocstring | None,
                conv: Conventions, placeholder: str) -> Lines | None:
    """The line operations that complete a module docstring (a missing summary only).

    Args:
        layout: The existing docstring.
        facts: What the code says (modules have no signature to follow).
        answer: The provider's content, used only where text is missing.
        conv: How the docstring writes things.
        placeholder: The visible placeholder for text only a person or a model can write.

    Returns:
        The new lines, or None when nothing has to change.
    """
    del facts
    syncer = _Syncer(layout, conv, placeholder)
    syncer.summary(answer.summary if answer else None)
    return syncer.result()


def sync(layout: Layout, facts: FunctionFacts | ClassFacts | ModuleFacts,
         answer: DocSchema | None, conv: Conventions, placeholder: str) -> Lines | None:
    """Bring any docstring in line with its code (the one dispatch over kinds).

    Args:
        layout: The existing docstring; it must be in an editable style.
        facts: What the code says.
        answer: The provider's content of the matching schema, or None.
        conv: How the docstring writes things.
        placeholder: The visible placeholder for text only a person or a model can write.

    Returns:
        The new lines, or None when nothing has to change.
    """
    return sync_counted(layout, facts, answer, conv, placeholder)[0]


def sync_counted(layout: Layout, facts: FunctionFacts | ClassFacts | ModuleFacts,
                 answer: DocSchema | None, conv: Conventions, placeholder: str
                 ) -> tuple[Lines | None, EntryChanges]:
    """``sync``, and what it did with the entries of arguments that left the signature.

    Args:
        layout: The existing docstring; it must be in an editable style.
        facts: What the code says.
        answer: The provider's content of the matching schema, or None.
        conv: How the docstring writes things.
        placeholder: The visible placeholder for text only a person or a model can write.

    Returns:
        The new lines (None when nothing has to change) and the entries renamed, removed
        and kept for a person.
    """
    assert layout.style in EDITABLE
    if isinstance(facts, FunctionFacts):
        syncer = _function_syncer(layout, facts, answer if isinstance(
            answer, MethodDocstring) else None, conv, placeholder)
        return syncer.result(), syncer.changes
    if isinstance(facts, ClassFacts):
        return sync_class(layout, facts, answer if isinstance(answer, ClassDocstring)
                          else None, conv, placeholder), EntryChanges()
    return sync_module(layout, facts, answer if isinstance(answer, ModuleDocstring) else None,
                       conv, placeholder), EntryChanges()


def assemble(layout: Layout, lines: Lines) -> str:
    """The docstring value the line operations give."""
    return "\n".join(layout.lines[item] if isinstance(item, int) else item for item in lines)
