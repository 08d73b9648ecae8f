"""Render docstring schemas as complete NumPy-style or Sphinx (reST field list) values.

The counterparts of ``render.render_text`` for the two other styles: same arguments, same
return contract (the docstring value, lines after the first carrying ``indent``, the closing
quotes' line included), same house rules (prose wrapped at the width but human line breaks
kept, code never wrapped, a type written only where it fits on its line and reads back as
itself, extras kept verbatim). What differs is the shape:

* NumPy (numpydoc's format guide): underlined headings (``Parameters`` over ``----------``)
  in numpydoc's order, ``name : type`` entries with the description indented below,
  ``Returns``/``Yields``/``Raises`` entries headed by the type or the exception alone.
* Sphinx (Sphinx's info field lists): one field list after the prose, ``:param x:`` then
  ``:type x:``, ``:returns:``/``:rtype:``, ``:yields:``/``:ytype:``, ``:raises E:``,
  ``:ivar x:``/``:vartype x:``; notes as a ``.. note::`` directive and examples under
  ``.. rubric:: Examples``, both before the field list (a reader takes what follows a
  field as part of it).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from llm_doc_manager.config import DEFAULT_WIDTH, PLACEHOLDER
from llm_doc_manager.docstrings.conventions import DEFAULT, HouseStyle, without_none
from llm_doc_manager.docstrings.parse import RawSection
from llm_doc_manager.docstrings.render import (
    _assemble,
    _clean,
    _entry,
    _type_text,
    _verbatim,
    _Way,
    _way,
    display_width,
    wrap_prose,
)
from llm_doc_manager.docstrings.schemas import (
    ArgDoc,
    AttributeDoc,
    ClassDocstring,
    DocSchema,
    MethodDocstring,
    ModuleDocstring,
    RaisesDoc,
)
from llm_doc_manager.docstrings.types import written_type

#: numpydoc's section order (its format guide); an extra section goes to its place here,
#: one the guide does not name goes last, in the order it came.
NUMPY_ORDER: tuple[str, ...] = (
    "Parameters", "Attributes", "Methods", "Returns", "Yields", "Receives",
    "Other Parameters", "Raises", "Warns", "Warnings", "See Also", "Notes", "References",
    "Examples",
)

#: reST admonitions an extra Sphinx section is written as (``.. warning::``).
SPHINX_ADMONITIONS: frozenset[str] = frozenset({
    "attention", "caution", "danger", "error", "hint", "important", "note", "tip",
    "warning", "seealso", "todo",
})


# A line that starts a field (``:word: ``): where the readers of field lists (pydoclint's,
# docstring_parser's) take the fields to begin, blank line before it or not.
_FIELD_RE = re.compile(r":[^:\s][^:]*:(\s|\Z)")


def _one_line(text: str | None) -> str | None:
    """A type as one line, or None when there is none (a type never spans lines)."""
    if not text or not text.strip() or text.strip() == "...":
        return None
    return " ".join(text.split())


# --------------------------------------------------------------------------- NumPy

# How a NumPy entry says its parameter has a default (numpydoc's format guide, "Parameters"):
# ``x : int, optional`` (networkx: ``int, optional (default = 1)``); the default in the
# type (``copy : bool, default True``, also ``default=True`` and ``default: True``); or in
# the text (``Defaults to 1.``, ``Default is 1.``, ``the default is 1``).
_NUMPY_MARKER_RE = re.compile(r"(?:\A|,)\s*(\*?optional\*?)\s*(?:,|\(|\Z)")
_NUMPY_TYPE_DEFAULT_RE = re.compile(r",\s*default\b(?:\s*[:=]\s*|\s+)\S")
_NUMPY_SENTENCE_RE = re.compile(r"\bdefaults?\s+(?:to|is)\b", re.I)
#: numpydoc's guide writes ``optional`` where nothing is learned.
NUMPY_DEFAULT_WAY = "marker"


def numpy_default_way(entries: Iterable[tuple[str | None, str]]) -> str | None:
    """How NumPy entries write a parameter's default, by majority, from their types and texts.

    Args:
        entries: Each entry's type (None: untyped) and description; entries that say
            nothing of a default are not counted (their parameter may have none).

    Returns:
        ``marker`` (``int, optional``), ``type`` (``int, default 1``), ``sentence``
        (``Defaults to 1.`` in the text), ``both`` (marker and sentence), or None when no
        entry says.
    """
    counts: Counter[str] = Counter()
    for type_hint, description in entries:
        marker = bool(_NUMPY_MARKER_RE.search(type_hint or ""))
        sentence = bool(_NUMPY_SENTENCE_RE.search(description))
        if marker:
            counts["both" if sentence else "marker"] += 1
        elif _NUMPY_TYPE_DEFAULT_RE.search(type_hint or ""):
            counts["type"] += 1
        elif sentence:
            counts["sentence"] += 1
    if not counts:
        return None
    # A tie goes to numpydoc's own way, then to the first by name (the same answer always).
    best = max(counts.values())
    tied = sorted(k for k, v in counts.items() if v == best)
    return NUMPY_DEFAULT_WAY if NUMPY_DEFAULT_WAY in tied else tied[0]


def numpy_defaulted(type_hint: str | None, description: str, default: str, way: str,
                    marker: str = "optional", typed: bool = True) -> tuple[str | None, str]:
    """A defaulted parameter's NumPy type and text, its default said ``way``.

    The type carries ``, optional`` (``marker``/``both``, and ``type`` for a ``None``
    default, which numpydoc's guide would not write as a value) or ``, default X``
    (``type``); a ``Defaults to X.`` sentence of the text giving this default is kept
    only where the way says it in the text (``sentence``/``both``), or where there is no
    type to carry the default. A parameter with no type to write (no annotation) where
    entries are typed gets the marker alone (``tolerance : optional``): numpydoc's guide
    says "use optional" whenever a keyword need not be given, and projects that write no
    type for such a parameter write it so (xarray, 8 of 17 untyped defaulted entries; the
    rest bare); a ``default X`` without a type would read as the type.

    Args:
        type_hint: The type to write, None when none is written.
        description: The entry's text.
        default: The default's source text.
        way: As ``numpy_default_way`` answers.
        marker: The ``optional`` marker's spelling.
        typed: Whether the docstring's entries carry types (where they carry none, an
            untyped entry stays bare).

    Returns:
        The type and the text to write.
    """
    if not type_hint:
        if not typed or not (way in ("marker", "both") or (way == "type" and default == "None")):
            return type_hint, description
        return marker, description if way == "both" else _without_default(description, default)
    if _NUMPY_MARKER_RE.search(type_hint) or _NUMPY_TYPE_DEFAULT_RE.search(type_hint):
        return type_hint, description
    if way in ("marker", "both") or (way == "type" and default == "None"):
        base = without_none(type_hint) if default == "None" else type_hint
        type_hint = f"{base}, {marker}"
    elif way == "type":
        type_hint = f"{type_hint}, default {default}"
    if way not in ("sentence", "both"):
        description = _without_default(description, default)
    return type_hint, description


def _without_default(description: str, default: str) -> str:
    """The text without its ``Defaults to X.`` sentence for this default (kept when alone)."""
    found = re.search(r"\s*\bDefaults to (`?)" + re.escape(default) + r"\1\.(?=\s|\Z)",
                      description)
    if found is None:
        return description
    return (description[:found.start()] + description[found.end():]).strip() or description



def _numpy_heading(title: str) -> list[str]:
    return [title, "-" * len(title)]


def _numpy_section(title: str, body: Sequence[str]) -> list[str]:
    return [*_numpy_heading(title), *body] if body else []


def _numpy_type(type_hint: str | None, way: _Way) -> str | None:
    return _one_line(_type_text(type_hint, way)) if type_hint and way.typed else None


def _numpy_described(head: str, description: str, available: int, way: _Way) -> list[str]:
    """``head`` on its line, the description indented one unit below it."""
    return [head, *way.indented(wrap_prose(description, available - display_width(way.unit)))]


# The sentence a default is given in by the static provider and ``merge`` (``house_defaults``).
_GIVEN_DEFAULT_RE = re.compile(r"\bDefaults to (`?)(.+?)\1\.(?=\s|\Z)")


def _numpy_named(entries: Sequence[ArgDoc | AttributeDoc], available: int, way: _Way
                 ) -> list[str]:
    out: list[str] = []
    for entry in entries:
        head = entry.name
        kind = _numpy_type(entry.type_hint, way)
        description = entry.description
        given = _GIVEN_DEFAULT_RE.search(description) if isinstance(entry, ArgDoc) else None
        if given is not None:
            # A new entry's default is said numpydoc's way (``x : int, optional``) unless
            # the project says defaults otherwise.
            house = way.style.writing("numpy")
            marked, said = numpy_defaulted(
                kind, description, given.group(2), house.defaults or NUMPY_DEFAULT_WAY,
                house.optional_marker, way.typed)
            if marked and display_width(f"{head} : {marked}") <= available:
                kind, description = marked, said  # (a type left out keeps the sentence)
        # numpydoc reads ``name : type`` from one line: a type that would not fit is left
        # out rather than broken (a broken head reads back as another entry).
        if kind and display_width(f"{head} : {kind}") <= available:
            head = f"{head} : {kind}"
        out.extend(_numpy_described(head, description, available, way))
    return out


def _numpy_typed(type_hint: str | None, description: str, available: int, way: _Way,
                 placeholder: str) -> list[str]:
    """A Returns/Yields body: the type, then the description indented below it.

    numpydoc requires the type here (a name is optional) and reads whatever line stands at
    the section's margin as one: the ``types`` choice, which is about entries, does not
    leave it out, and a type longer than the line is written whole on its own line (left
    out, the description's first line would be read as the type; broken, its second half
    as a description). With no type (or one holding `` : ``, which would read as
    ``name : type``) the visible placeholder stands on the type line, for a person to
    replace (validate counts it, LD302), and the description is indented below it.
    """
    kind = _one_line(_type_text(type_hint, way)) if type_hint else None
    if not kind or " : " in kind:
        kind = placeholder
    return _numpy_described(kind, description, available, way)


def _numpy_raises(entries: Sequence[RaisesDoc], available: int, way: _Way) -> list[str]:
    out: list[str] = []
    for entry in entries:
        name = entry.exception_type if "`" in entry.exception_type else \
            way.style.exception(entry.exception_type)
        out.extend(_numpy_described(name, entry.description, available, way))
    return out


def _numpy_blocks(sections: dict[str, list[str]], extras: Sequence[RawSection]
                  ) -> list[list[str]]:
    """The sections in numpydoc's order, extras (verbatim, unindented) at their place."""
    for raw in extras:
        title = raw.heading.strip()
        known = next((name for name in NUMPY_ORDER if name.lower() == title.lower()), None)
        block = [*_numpy_heading(title), *_verbatim(raw.body)]
        if known is not None and not sections.get(known):
            sections[known] = block
        else:
            # A second section of a known name, or an unknown one: kept after the others.
            sections[f"\0{len(sections)}"] = block
    order = {name: index for index, name in enumerate(NUMPY_ORDER)}
    keys = sorted(sections, key=lambda key: order.get(key, len(order)))
    return [sections[key] for key in keys]


def render_numpy_text(schema: DocSchema, indent: str = "", width: int = DEFAULT_WIDTH,
                      extras: Sequence[RawSection] = (), style: HouseStyle = DEFAULT,
                      placeholder: str = PLACEHOLDER) -> str:
    """Build the value of a NumPy-style docstring of any kind (the schema says which).

    Args:
        schema: The content: a function's, a class's or a module's.
        indent: Indentation of the docstring's lines in the source.
        width: Maximum line width, indentation included.
        extras: Sections kept verbatim from an existing docstring.
        style: The project's conventions (indentation, types, exception markup).
        placeholder: What stands on a Returns/Yields type line when the type is unknown.

    Returns:
        The docstring value, without quotes; lines after the first carry ``indent``.
    """
    way = _way(style)
    available = width - display_width(indent)
    sections: dict[str, list[str]] = {}
    examples: str | None
    if isinstance(schema, MethodDocstring):
        sections["Parameters"] = _numpy_named(schema.args, available, way)
        if schema.returns:
            sections["Returns"] = _numpy_typed(schema.returns.type_hint,
                                               schema.returns.description, available, way,
                                               placeholder)
        if schema.yields:
            sections["Yields"] = _numpy_typed(schema.yields.type_hint,
                                              schema.yields.description, available, way,
                                              placeholder)
        sections["Raises"] = _numpy_raises(schema.raises, available, way)
        examples = schema.examples
    elif isinstance(schema, ClassDocstring):
        sections["Attributes"] = _numpy_named(schema.attributes, available, way)
        examples = schema.examples
    else:
        examples = schema.typical_usage
    sections["Notes"] = wrap_prose(schema.notes, available)
    sections["Examples"] = _verbatim(examples)
    sections = {title: _numpy_section(title, body) for title, body in sections.items()}
    blocks = [wrap_prose(schema.extended_description, available),
              *_numpy_blocks(sections, extras)]
    # way=None: numpydoc wants a blank line between the summary and the first section.
    return _assemble(schema.summary, blocks, indent, width)


# --------------------------------------------------------------------------- Sphinx


def _sphinx_name(name: str) -> str:
    # A bare * or ** in a field name opens emphasis that never closes (docutils warns,
    # Sphinx renders it wrong): escaped the way napoleon writes them, ``\*args``.
    stars = len(name) - len(name.lstrip("*"))
    return "\\*" * stars + name[stars:]


def _sphinx_type(type_hint: str | None, way: _Way) -> str | None:
    # Sphinx links the words of a :type: field itself: no backticks here.
    return _one_line(written_type(type_hint)) if type_hint and way.typed else None


def _sphinx_field(field: str, text: str, available: int, way: _Way) -> list[str]:
    """``:field: text`` with continuation lines at the house hanging indent."""
    return _entry(f":{field}", text, available, way.hanging)


def _sphinx_type_field(field: str, kind: str | None, available: int) -> list[str]:
    """``:field: type`` on one line, or nothing when it would not fit on it."""
    if kind is None:
        return []
    line = f":{field}: {kind}"
    return [line] if display_width(line) <= available else []


def _sphinx_fields(schema: DocSchema, available: int, way: _Way) -> list[str]:
    out: list[str] = []
    if isinstance(schema, MethodDocstring):
        for arg in schema.args:
            name = _sphinx_name(arg.name)
            out += _sphinx_field(f"param {name}", arg.description, available, way)
            out += _sphinx_type_field(f"type {name}", _sphinx_type(arg.type_hint, way),
                                      available)
        if schema.returns:
            out += _sphinx_field("returns", schema.returns.description, available, way)
            out += _sphinx_type_field("rtype", _sphinx_type(schema.returns.type_hint, way),
                                      available)
        if schema.yields:
            out += _sphinx_field("yields", schema.yields.description, available, way)
            out += _sphinx_type_field("ytype", _sphinx_type(schema.yields.type_hint, way),
                                      available)
        for raised in schema.raises:
            # A field argument is a name Sphinx cross-references itself: no markup.
            name = raised.exception_type.strip("`[]~") or raised.exception_type
            out += _sphinx_field(f"raises {name}", raised.description, available, way)
    elif isinstance(schema, ClassDocstring):
        for attribute in schema.attributes:
            out += _sphinx_field(f"ivar {attribute.name}", attribute.description,
                                 available, way)
            out += _sphinx_type_field(f"vartype {attribute.name}",
                                      _sphinx_type(attribute.type_hint, way), available)
    return out


def _directive(name: str, body: Iterable[str], way: _Way) -> list[str]:
    lines = way.indented(body)
    return [f".. {name}::", *lines] if lines else []


def _sphinx_examples(text: str | None, way: _Way) -> list[str]:
    """Examples under a rubric: doctest lines as they are, other code in a code block.

    Not reST's bare ``::`` paragraph: a docstring line starting with ``:`` is where the
    readers of field lists (pydoclint's) take the fields to begin.
    """
    lines = _verbatim(text)
    if not lines:
        return []
    if lines[0].lstrip().startswith(">>>"):
        return [".. rubric:: Examples", "", *lines]
    return [".. rubric:: Examples", "", ".. code-block:: python", "", *way.indented(lines)]


def _sphinx_extra(raw: RawSection, way: _Way) -> list[str]:
    title = raw.heading.strip()
    key = title.lower().replace(" ", "")
    body = _verbatim(raw.body)
    if key in SPHINX_ADMONITIONS:
        return [f".. {key}::", *way.indented(body)]
    return [f".. rubric:: {title}", *([""] if body else []), *body]


def render_sphinx_text(schema: DocSchema, indent: str = "", width: int = DEFAULT_WIDTH,
                       extras: Sequence[RawSection] = (), style: HouseStyle = DEFAULT) -> str:
    """Build the value of a Sphinx-style (reST field list) docstring of any kind.

    Args:
        schema: The content: a function's, a class's or a module's.
        indent: Indentation of the docstring's lines in the source.
        width: Maximum line width, indentation included.
        extras: Sections kept verbatim from an existing docstring.
        style: The project's conventions (indentation, types).

    Returns:
        The docstring value, without quotes; lines after the first carry ``indent``.
    """
    way = _way(style)
    available = width - display_width(indent)
    inner = available - display_width(way.unit)
    examples = schema.typical_usage if isinstance(schema, ModuleDocstring) else schema.examples
    blocks = [
        _sphinx_prose(schema.extended_description, available),
        _directive("note", _sphinx_prose(schema.notes, inner), way),
        _sphinx_examples(examples, way),
        *(_sphinx_extra(raw, way) for raw in extras),
        _sphinx_fields(schema, available, way),
    ]
    return _assemble(schema.summary, blocks, indent, width)


def _sphinx_prose(text: str | None, available: int) -> list[str]:
    """Prose wrapped so that no line it breaks starts a field (``:word: ``)."""
    out: list[str] = []
    for line in wrap_prose(text, available):
        if out and _FIELD_RE.match(line) and line not in _clean(text):
            # A break the wrapping made: move the word back up rather than start a field.
            word, _, rest = line.partition(" ")
            out[-1] = f"{out[-1]} {word}"
            if rest:
                out.append(rest)
        else:
            out.append(line)
    return out
