"""The layout of a Sphinx/reST field-list docstring, in the terms the Google reader uses.

Sphinx's info field lists (https://www.sphinx-doc.org/en/master/usage/domains/python.html,
"Info field lists"): ``:param x: text`` (or ``:param int x: text``) with ``:type x: int``,
``:returns: text`` with ``:rtype: int``, ``:raises ValueError: text``, ``:yields: text``,
``:ivar name: text`` with ``:vartype name: int``; continuation lines are indented below the
field. Sphinx has no section headings: consecutive fields of one kind make a block (the
``:type`` lines belong to the arguments' block), each field of an argument, attribute or
exception is an entry, and a type written on a line of its own is found by its index
(``Entry.type_line``, ``Block.type_line``), so that an update retypes that line only.
"""

from __future__ import annotations

import difflib
import re

from llm_doc_manager.docstrings.model import (
    Block,
    Entry,
    HeadingProblem,
    Layout,
    Style,
    cleaned_lines,
    indent_width,
    summary_span,
    text_of,
)
from llm_doc_manager.docstrings.sections import Section

__all__ = ["FIELDS", "SPHINX_TYPE_FIELDS", "read_sphinx", "sphinx_field", "sphinx_heading_problems"]

#: Field names and the section each belongs to (the type fields with their section).
FIELDS: dict[str, Section] = {
    **dict.fromkeys(("param", "parameter", "arg", "argument", "key", "keyword", "type"),
                    Section.ARGS),
    **dict.fromkeys(("returns", "return", "rtype"), Section.RETURNS),
    **dict.fromkeys(("yields", "yield", "ytype"), Section.YIELDS),
    **dict.fromkeys(("raises", "raise", "except", "exception"), Section.RAISES),
    **dict.fromkeys(("ivar", "cvar", "var", "vartype"), Section.ATTRIBUTES),
}
#: Fields that give a type, not text.
SPHINX_TYPE_FIELDS = frozenset({"type", "rtype", "ytype", "vartype"})
_TYPE_FIELDS = SPHINX_TYPE_FIELDS
# Other fields Sphinx and its extensions know: prose, kept where they are.
_OTHER_FIELDS = frozenset({"meta", "note", "seealso", "see", "version", "versionadded",
                           "since", "deprecated", "todo", "example", "examples", "warning",
                           "warns", "author", "copyright", "license", "private", "public",
                           "nocollapse", "hide-value", "value", "platform", "synopsis",
                           "class", "func", "meth", "attr", "exc", "data", "obj", "mod",
                           "ref", "doc", "term", "abbr", "math", "code", "kbd", "file"})

# The exceptions an argument-less ``:raises:`` field names in its text. Its first line may
# start with one in a role (werkzeug's ``:class:`~pkg.Error` if ...``), in backticks
# (paramiko's ```UnknownKeyType`, if ...``) or bare with an exception's suffix
# (``SSHException in case of ...``); any line may start with one in backticks or a role
# before `` -- `` (paramiko's ```.SSHException` -- if ...``, one exception per line).
_NAME = r"~?\.?([A-Za-z_][\w.]*)"
_MARKED = rf"(?::(?:py:)?(?:class|exc|obj):`{_NAME}`|``?{_NAME}``?)"
_DASHED_RE = re.compile(rf"[ \t]*{_MARKED}[ \t]+--(?:\s|$)")
_FIRST_RE = re.compile(rf"[ \t]*(?:{_MARKED}(?=[\s,;:]|$)|"
                       r"([A-Za-z_][\w.]*(?:Error|Exception|Warning))(?=[\s,;:]|$))")
# ``:field args: text`` at the start of a line; a role (``:class:`X```) is not a field (no
# space before its backtick). Arguments may hold backticks: ``:param `.Message` m:``.
_FIELD_RE = re.compile(r"[ \t]*:([A-Za-z][\w-]*)((?:[ \t]+[^:\s][^:]*?)?)[ \t]*:(?=\s|$)")


def sphinx_field(line: str) -> tuple[str, str, tuple[int, int], str] | None:
    """Read ``:name args: text`` at the start of ``line``.

    Returns the field name, its arguments, their columns and the text after the colon;
    None when the line does not start with a field.
    """
    match = _FIELD_RE.match(line)
    if match is None:
        return None
    args = match.group(2)
    start = match.start(2) + len(args) - len(args.lstrip())
    return match.group(1), args.strip(), (start, match.end(2)), line[match.end() + 1:].strip()


def _fields(lines: list[str], cleaned: list[str], start: int
            ) -> tuple[list[tuple[str, str, tuple[int, int], str, int, int]], set[int]]:
    """Every field from line ``start`` on: name, arguments, their columns, text, first line
    and the index after its last line (continuation lines are indented more); and the
    indexes (in that list) of the fields that follow prose."""
    found: list[tuple[str, str, tuple[int, int], str, int, int]] = []
    after_prose: set[int] = set()
    prose = False
    for index in range(start, len(lines)):
        text = cleaned[index]
        if not text.strip():
            continue
        field = sphinx_field(text) if text[:1] not in (" ", "\t") else None
        if field is not None:
            offset = len(lines[index]) - len(lines[index].lstrip()) - \
                (len(text) - len(text.lstrip()))
            name, args, span, rest = field
            if prose:
                after_prose.add(len(found))
            prose = False
            found.append((name.lower(), args, (span[0] + offset, span[1] + offset), rest,
                          index, index + 1))
        elif found and not prose and (text[:1] in (" ", "\t") or indent_width(text) > 0):
            found[-1] = (*found[-1][:5], index + 1)
        elif found:
            # Prose after the fields is not theirs, but Sphinx reads every field list of a
            # docstring: requests writes ``:param r:``, a paragraph, then ``:rtype: str``.
            prose = True
    return found, after_prose


def _split_typed(args: str, span: tuple[int, int]) -> tuple[str, tuple[int, int],
                                                            str | None, tuple[int, int] | None]:
    """``int x`` in ``:param int x:``: the name and its columns, the type and its columns."""
    head, _, name = args.rpartition(" ")
    if not head.strip():
        return args, span, None, None
    name_start = span[0] + len(args) - len(name)
    return name, (name_start, span[1]), " ".join(head.split()), (span[0], span[0] +
                                                                  len(head.rstrip()))


def read_sphinx(lines: list[str], margin: int, cleaned: list[str] | None = None) -> Layout:
    """Read a Sphinx field-list docstring's layout.

    Args:
        lines: The docstring value's lines.
        margin: Columns of indentation ``inspect.cleandoc`` removes from lines after the first.
        cleaned: The lines with the margin removed, when the caller has them.

    Returns:
        Its layout, ``Style.REST``.
    """
    cleaned = cleaned_lines(lines, margin) if cleaned is None else cleaned
    summary = summary_span(cleaned, lambda i: sphinx_field(cleaned[i]) is not None)
    index = summary[1]
    first_field = next((i for i in range(index, len(lines)) if cleaned[i][:1] not in
                        (" ", "\t") and sphinx_field(cleaned[i]) is not None and
                        sphinx_field(cleaned[i])[0].lower() in FIELDS), None)  # type: ignore[index]
    description = (index, first_field if first_field is not None else len(lines))
    fields, after_prose = _fields(lines, cleaned, first_field) if first_field is not None \
        else ([], set())
    # Runs of fields of one section make its block; other fields (``:meta:``) are kept. A
    # field after prose starts a block of its own: the prose is no field's text.
    runs: list[list[tuple[str, str, tuple[int, int], str, int, int]]] = []
    for number, field in enumerate(fields):
        section = FIELDS.get(field[0])
        if runs and FIELDS.get(runs[-1][0][0]) is section and number not in after_prose:
            runs[-1].append(field)
        else:
            runs.append([field])
    blocks = [_block(lines, cleaned, run) for run in runs]
    return Layout(tuple(lines), margin, summary, description, tuple(blocks), Style.REST)


def _text(cleaned: list[str], rest: str, start: int, end: int) -> str:
    """A field's text: what follows its colon, then its continuation lines."""
    tail = text_of([cleaned[i] for i in range(start + 1, end)])
    return "\n".join(part for part in (rest, tail) if part)


def _block(lines: list[str], cleaned: list[str],
           run: list[tuple[str, str, tuple[int, int], str, int, int]]) -> Block:
    """One block of consecutive fields of a section."""
    section = FIELDS.get(run[0][0])
    start, end = run[0][4], run[-1][5]
    heading = f":{run[0][0]}:"
    text = "\n".join(_text(cleaned, f[3], f[4], f[5]) for f in run)
    if section in (Section.RETURNS, Section.YIELDS):
        type_hint = type_span = type_line = None
        described, text_end = "", None
        for name, args, _, rest, first, last in run:
            if name in _TYPE_FIELDS and rest and type_line is None:
                type_hint, type_line = " ".join(rest.split()), first
                column = lines[first].find(rest)
                type_span = (column, column + len(rest)) if column >= 0 else None
            elif name not in _TYPE_FIELDS and not described:
                described, text_end = _text(cleaned, rest, first, last), last
                del args
        # An ``:rtype:`` alone documents the value too (Sphinx renders "Return type"):
        # its text is the block's, so the section is there; the description stays empty.
        return Block(heading, section, start, end, described or type_hint or "", (),
                     type_hint, type_span, described, "", None, False, type_line, text_end)
    if section not in (Section.ARGS, Section.ATTRIBUTES, Section.RAISES):
        return Block(heading, None, start, end, text)
    types: dict[str, tuple[str, int, tuple[int, int] | None]] = {}
    for name, args, _, rest, first, _ in run:
        if name in _TYPE_FIELDS and args:
            column = lines[first].find(rest) if rest else -1
            types.setdefault(args.replace("\\*", "*"), (" ".join(rest.split()), first,
                                    (column, column + len(rest)) if column >= 0 else None))
    entries = []
    for name, args, span, rest, first, last in run:
        if name in _TYPE_FIELDS:
            continue
        description = _text(cleaned, rest, first, last)
        if section is Section.RAISES:
            named = [next(g for g in m.groups() if g) for number, line in
                     enumerate(description.split("\n")) if not args and (m := (
                         _DASHED_RE.match(line) or
                         (_FIRST_RE.match(line) if number == 0 else None)))]
            if named:
                args = ", ".join(named)
            names = tuple(n for n in re.split(r"[ \t]*,[ \t]*|[ \t]+or[ \t]+", args) if n)
            well = bool(names) and all(re.fullmatch(r"~?[A-Za-z_][\w.]*", n) for n in names)
            names = tuple(n.lstrip("~") for n in names)
            entries.append(Entry(names[0] if names else args, None, description, first, last,
                                 span, None, well, names))
            continue
        entry_name, name_span, type_hint, type_span = _split_typed(args, span)
        # reST escapes a leading star (``:param \*\*kwargs:``): the name is ``**kwargs``.
        entry_name = entry_name.replace("\\*", "*")
        type_line = None
        if type_hint is None and entry_name in types:
            type_hint, type_line, type_span = types[entry_name]
        well = bool(re.fullmatch(r"\*{0,2}[A-Za-z_]\w*", entry_name))
        entries.append(Entry(entry_name, type_hint, description, first, last, name_span,
                             type_span, well, (), type_line))
    # ``:type x:`` with no ``:param x:`` (botocore) documents ``x`` by its type alone: an
    # entry without text (LD363), never one to add again beside it.
    documented = {e.name for e in entries}
    for name, args, span, _, first, last in run:
        entry_name = args.replace("\\*", "*")
        if name in _TYPE_FIELDS and entry_name and entry_name not in documented:
            documented.add(entry_name)
            type_hint, _, type_span = types[entry_name]
            entries.append(Entry(entry_name, type_hint or None, "", first, last, span,
                                 type_span, bool(re.fullmatch(r"\*{0,2}[A-Za-z_]\w*",
                                                              entry_name)), (), first))
    entries.sort(key=lambda e: e.start)
    return Block(heading, section, start, end, text, tuple(entries))


def sphinx_heading_problems(layout: Layout) -> list[HeadingProblem]:
    """Find fields whose name is a misspelling of a known one (``:parm x:``).

    Args:
        layout: A Sphinx-style docstring.

    Returns:
        The problems, in line order (kind ``"misspelt"``).
    """
    problems = []
    known = sorted({*FIELDS, *_OTHER_FIELDS})
    cleaned = cleaned_lines(list(layout.lines), layout.margin)
    start = layout.description[0]
    for index in range(start, len(cleaned)):
        field = sphinx_field(cleaned[index]) if cleaned[index][:1] not in (" ", "\t") else None
        if field is None or field[0].lower() in known:
            continue
        close = difflib.get_close_matches(field[0].lower(), known, n=1, cutoff=0.75)
        if close:
            problems.append(HeadingProblem(index, "misspelt", f":{field[0]}:", f":{close[0]}:"))
    return problems
