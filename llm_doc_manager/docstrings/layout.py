"""Where each part of an existing docstring is: sections and entries with their line spans.

The layout is read from the docstring's value line by line, without changing a character,
so that an update can edit exactly the lines the code requires and copy every other line
as it was (``docstrings.sync``). ``parse_docstring`` reads the content from the same layout,
which is why what ``validate`` reports and what ``--fix`` edits always agree.
"""

from __future__ import annotations

import builtins
import functools
import re
import textwrap

from llm_doc_manager.docstrings.model import (
    EDITABLE,
    SECTIONED,
    Block,
    Entry,
    HeadingProblem,
    Layout,
    Style,
    cleaned_line,
    indent_width,
    leading,
    parse_raises_head,
    summary_span,
    text_of,
)
from llm_doc_manager.docstrings.sections import (
    ALIASES,
    NUMPY_HEADINGS,
    Section,
    heading_of,
    resembled_heading,
    resembled_name,
)
from llm_doc_manager.docstrings.types import split_top

# The model's names are used from here too (the readers of other styles import ``model``).
__all__ = ["EDITABLE", "SECTIONED", "Block", "Entry", "HeadingProblem", "Layout", "Style",
           "heading_problems", "leading", "parse_entry_head", "parse_raises_head",
           "read_layout", "split_type_prefix"]

_NUMPY_SORTED = sorted(NUMPY_HEADINGS)


_NUMPY_RE = re.compile(r"^[ \t]*(?:-{3,}|={3,})[ \t]*$", re.M)
_REST_RE = re.compile(r"^[ \t]*:(?:param|parameter|arg|argument|key|keyword|type|returns?|"
                      r"rtype|raises?|except|exception|ivar|cvar|var|vartype)\b", re.M)
_EPYTEXT_RE = re.compile(r"^[ \t]*@(?:param|type|return|rtype|raise|ivar|cvar|var)\b", re.M)
# ``name (type): text`` or ``name: text``; the type may hold nested brackets, so only its
# opening is matched here and ``parse_entry_head`` finds where it closes.
_ENTRY_NAME_RE = re.compile(r"(\*{0,2}[A-Za-z_][\w.]*)[ \t]*")
# A line that starts an admonition (GitHub's and hf-doc-builder's ``> [!TIP]``, an HTML
# ``<Tip>`` block): prose, never a section or an entry; it ends the section it follows.
_ADMONITION_RE = re.compile(r"[ \t]*(?:>[ \t]*\[![A-Za-z]+\]|<tip\b)", re.I)
# ``Returns: a [`~HFCacheInfo`] object.``: a heading with its text on the same line
# (huggingface_hub writes it so). Only the sections a function is asked for count: an
# inline ``Note: ...`` or ``Example: ...`` is prose (griffe reads it as an admonition).
_INLINE_RE = re.compile(r"([A-Za-z][A-Za-z ]*?)[ \t]*:[ \t]+(\S.*?)[ \t]*\Z")
_INLINE_SECTIONS = frozenset({Section.RETURNS, Section.YIELDS, Section.RAISES})
# A name an inline ``Raises: ...`` text gives as an exception: in backticks or markup, or a
# CapWords name ending as exception classes do.
_INLINE_EXCEPTION_RE = re.compile(
    r"\[?`~?([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)`\]?"
    r"|\b([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*(?:Error|Exception|Exit|Interrupt|Warning))\b")
# Hugging Face's attribute list: ``**Attributes**:`` (or ``**Attributes:**``) alone at the
# margin, then bullets ``- **name** (type) -- text`` indented below it.
_HF_ATTRIBUTES_RE = re.compile(r"\*\*Attributes(?:\*\*:|:\*\*)[ \t]*\Z")
_HF_BULLET_RE = re.compile(r"[ \t]+[-*+][ \t]+\*\*([A-Za-z_]\w*)\*\*")
# A word saying an argument makes the function raise (``_arg_raises``), and a sentence's end.
_RAISE_WORD_RE = re.compile(r"\brais(?:e|es|ed|ing)\b", re.I)
_SENTENCE_END_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z`\[])")
# Heads of a Returns/Yields body that are words of prose, not types.
_NOT_TYPES = frozenset({"TODO", "FIXME", "XXX", "NOTE", "Note", "Warning", "WARNING", "Example",
                        "Hint", "See"})


# The bare names a union spelt in words may join (``str or None``): builtin types and None.
_BUILTIN_TYPES = frozenset(name for name, value in vars(builtins).items()
                           if isinstance(value, type) and not name.startswith("_")) | {"None"}
_IDENTIFIER_RE = re.compile(r"[A-Za-z_][\w.]*(?:\[.*\])?\Z", re.S)


def _type_alternative(word: str) -> bool:
    """Whether one alternative of a union spelt in words is a type: in backticks (or a
    ``[`~link`]``), or a builtin type, a CapWords or dotted name, a subscripted one."""
    if word.startswith("`") and word.endswith("`") and word.count("`") == 2 and len(word) > 2:
        return True
    if word.startswith("[`") and word.endswith("`]") and word.count("`") == 2:
        return True
    if not _IDENTIFIER_RE.match(word) or word in ("True", "False"):
        return False
    return word in _BUILTIN_TYPES or word[0].isupper() or "." in word or "[" in word


def _or_union(head: str) -> bool:
    """Whether a Returns/Yields head is a union spelt in words, as Args entries of many
    projects spell theirs (huggingface_hub: ```str` or `None```, ```int`, `float` or
    `None```): every alternative a type, so ``The value or None`` stays prose."""
    if len(split_top(head, (" or ",))) < 2:  # a top-level "or" joins them
        return False
    parts = split_top(head, (", ", " or "))
    return len(parts) >= 2 and all(map(_type_alternative, parts))


def _balanced(text: str) -> bool:
    return sum(text.count(c) for c in "([{") <= sum(text.count(c) for c in ")]}")


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
    # type (a slice or a dict display in a Literal), so only depth 0 is looked at. A union
    # spelt in words (```str` or `None```) has spaces too: it is a type when every
    # alternative is one (``_or_union``).
    worded = _worded_union(text)
    if worded is not None:
        return worded
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
            if head and head not in _NOT_TYPES and (i + 1 == len(text) or text[i + 1] in " \n"):
                return " ".join(head.split()), text[i + 1:].lstrip(" ")
            return None, text
        elif ch in " \n" and text[i - 1:i] not in (",", "|") and \
                text[i + 1:i + 2] not in ("|", ""):
            return None, text
    return None, text


def _worded_union(text: str) -> tuple[str, str] | None:
    """``split_type_prefix`` for a first line whose head is a union spelt in words."""
    first = text.split("\n", 1)[0]
    if " or " not in first:
        return None
    depth = 0
    for i, ch in enumerate(first):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == ":" and depth == 0:
            head = " ".join(first[:i].split())
            if _or_union(head) and (i + 1 == len(text) or text[i + 1] in " \n"):
                return head, text[i + 1:].lstrip(" ")
            return None
    return None


def parse_entry_head(line: str
                     ) -> tuple[str, str | None, str, tuple[int, int] | None, bool] | None:
    """Read ``name (type): rest`` at the start of ``line`` (types may span joined lines).

    Returns name, type, the text after the colon, the type's columns and whether a colon
    was found; None when the line does not start with a name.
    """
    match = _ENTRY_NAME_RE.match(line, len(leading(line)))
    if match is None:
        return None
    name = match.group(1)
    rest_at = match.end()
    type_hint: str | None = None
    type_span: tuple[int, int] | None = None
    if line.startswith("(", rest_at):
        depth = 0
        for i in range(rest_at, len(line)):
            depth += line[i] == "("
            depth -= line[i] == ")"
            if depth == 0:
                type_hint = " ".join(line[rest_at + 1:i].split()) or None
                type_span = (rest_at + 1, i)
                rest_at = i + 1
                break
        else:
            return None
        while line.startswith((" ", "\t"), rest_at):
            rest_at += 1
    if line.startswith(":", rest_at):
        return name, type_hint, line[rest_at + 1:].strip(), type_span, True
    return name, type_hint, line[rest_at:].strip(), type_span, False


def _colon_missing(parsed: tuple[str, str | None, str, tuple[int, int] | None, bool],
                   lines: list[str], index: int, end: int, indent: int) -> bool:
    """Whether an entry head ``name (type)`` lacks only its colon: text indented below it."""
    if parsed[4] or parsed[1] is None or parsed[2]:
        return False
    below = next((i for i in range(index + 1, end) if lines[i].strip()), None)
    return below is not None and indent_width(lines[below]) > indent


def _entries(lines: list[str], first: int, end: int, raises: bool = False
             ) -> tuple[Entry, ...]:
    """Read the entries of a body ``lines[first:end]`` (raw value lines).

    In a Raises section (``raises``) an entry may name several exceptions, with markup.
    """
    body = [i for i in range(first, end) if lines[i].strip()]
    if not body:
        return ()
    indent = min(indent_width(lines[i]) for i in body)
    found: list[tuple[str, str | None, list[str], int, int, tuple[int, int], tuple[int, int] |
                      None, bool]] = []
    named: dict[int, tuple[str, ...]] = {}
    index = first
    while index < end:
        line = lines[index].rstrip("\r")
        if not line.strip():
            if found:
                found[-1][2].append("")
            index += 1
            continue
        head_line = index
        at_margin = indent_width(line) == indent
        parsed = None
        joined = line
        exceptions = parse_raises_head(line) if raises and at_margin else None
        if exceptions is not None:
            names, rest, span, _ = exceptions
            named[len(found)] = names
            found.append((names[0], None, [rest] if rest else [], head_line, index + 1, span,
                          None, True))
            index += 1
            continue
        if at_margin:
            # A long ``name (type):`` may wrap inside its brackets: join it back first.
            while not _balanced(joined) and index + 1 < end and \
                    indent_width(lines[index + 1]) > indent:
                index += 1
                joined += " " + lines[index].strip()
            parsed = parse_entry_head(joined)
            if parsed is None and joined != line:
                joined, index = line, head_line
        # A line at the entries' margin that is no ``name: text`` continues the entry before
        # it (an unindented continuation line), unless there is no entry yet to continue,
        # or it is ``name (type)`` alone with its text indented below: an entry missing its
        # colon (peft's ``state_dict (`dict`, *optional*)``), malformed (LD365), never
        # read as the text of the entry above (which an update would then add again).
        if parsed is not None and (parsed[4] or not found or _colon_missing(
                parsed, lines, index, end, indent)):
            name, type_hint, rest, type_span, well_formed = parsed
            if not well_formed:  # reported as it is written: "a -- the old style"
                name, type_hint, rest = line.strip(), None, ""
            if joined != line:
                type_span = None
            column = len(leading(line))
            found.append((name, type_hint, [rest] if rest else [], head_line, index + 1,
                          (column, column + len(name)), type_span, well_formed))
        elif found:
            found[-1][2].append(line)
            found[-1] = (*found[-1][:4], index + 1, *found[-1][5:])
        else:
            column = len(leading(line))
            found.append((line.strip(), None, [], index, index + 1,
                          (column, len(line)), None, False))
        index += 1
    entries = []
    for number, (name, type_hint, desc_lines, start, stop, name_span, type_span,
                 well_formed) in enumerate(found):
        head_text, tail = ("", desc_lines)
        if desc_lines and desc_lines[0] and desc_lines[0][0] not in " \t":
            head_text, tail = desc_lines[0], desc_lines[1:]
        tail_text = text_of(tail)
        description = "\n".join(part for part in (head_text, tail_text) if part)
        entries.append(Entry(name, type_hint, description, start, stop, name_span, type_span,
                             well_formed, named.get(number, ())))
    return tuple(entries)


def _numpy(cleaned: list[str]) -> bool:
    """Whether a known section heading at the margin is underlined (numpydoc's way)."""
    for index, line in enumerate(cleaned[:-1]):
        if _NUMPY_RE.match(cleaned[index + 1]) and line[:1] not in (" ", "\t") and (
                line.strip().lower() in NUMPY_HEADINGS or
                resembled_name(line.strip(), _NUMPY_SORTED) is not None):
            return True  # a misspelt heading is reported (LD361), the rest still read
    return False


def _style(lines: list[str], start: int) -> Style:
    rest = "\n".join(lines[start:])
    if _NUMPY_RE.search(rest):
        return Style.UNKNOWN
    if _REST_RE.search(rest):
        return Style.REST
    if _EPYTEXT_RE.search(rest):
        return Style.EPYTEXT
    return Style.GOOGLE


def _heading(cleaned: list[str], index: int) -> str | None:
    """The section heading line ``index`` is, or None.

    A heading word in lower case right below a line of prose ends that prose's sentence
    (peft's "... each of which contains the following" then "attributes:"): it is no
    heading. ``Args:`` capitalised there is one (huggingface_hub writes it under the
    summary without a blank line).
    """
    heading = heading_of(cleaned[index])
    if heading is not None and heading[:1].islower() and index > 0 and \
            cleaned[index - 1].strip() and heading_of(cleaned[index - 1]) is None:
        return None
    return heading


@functools.lru_cache(maxsize=4096)
def read_layout(value: str) -> Layout:
    """Find the summary, description, sections and entries of a docstring value.

    Kept for the values last read (a layout is immutable): one docstring is read by the
    conventions learned, the checks and the exemptions of one run.

    Args:
        value: The docstring's value as Python sees it.

    Returns:
        Its layout; ``style`` says which reader read it and whether it may be edited.
    """
    lines = value.split("\n")
    margin = min((indent_width(line) for line in lines[1:] if line.strip()), default=0)
    cleaned = [cleaned_line(lines, i, margin) for i in range(len(lines))]
    if _numpy(cleaned):
        from llm_doc_manager.docstrings.numpy_layout import read_numpy  # it imports this
        return read_numpy(lines, margin, cleaned)
    if _REST_RE.search(value):
        from llm_doc_manager.docstrings.sphinx_layout import read_sphinx  # it imports this
        return read_sphinx(lines, margin, cleaned)
    summary = summary_span(cleaned, lambda i: _heading(cleaned, i) is not None)
    index = description_start = summary[1]
    while index < len(lines) and _heading(cleaned, index) is None and \
            _inline_heading(cleaned, index) is None:
        index += 1
    description = (description_start, index)
    style = _style(lines, summary[1])
    headings = [i for i in range(index, len(lines)) if _heading(cleaned, i) is not None or
                _inline_heading(cleaned, i) is not None]
    blocks = []
    for number, start in enumerate(headings):
        stop = headings[number + 1] if number + 1 < len(headings) else len(lines)
        inline = _inline_heading(cleaned, start) if _heading(cleaned, start) is None \
            else None
        if inline is not None:
            blocks.append(_inline_block(lines, cleaned, start, stop, *inline))
            continue
        # A line back at the margin after an indented body ends the section: it is prose
        # after it, not part of its last entry. So does an admonition (prose, wherever it
        # is indented) and a section heading indented into the body (``Returns:`` under
        # Args): read as an entry, it would be a gone argument's to remove or rename.
        indented = False
        cut = None
        for i in range(start + 1, stop):
            if not cleaned[i].strip():
                continue
            if _ADMONITION_RE.match(cleaned[i]) or _indented_heading(cleaned, i, start):
                stop = i
                cut = i if not _ADMONITION_RE.match(cleaned[i]) else None
                break
            if cleaned[i][:1] in (" ", "\t"):
                indented = True
            elif indented:
                stop = i
                break
        end = start + 1
        for i in range(stop - 1, start, -1):
            if cleaned[i].strip():
                end = i + 1
                break
        heading = _heading(cleaned, start) or ""
        section = ALIASES.get(heading.lower())
        text = text_of(cleaned[start + 1:end]) or ""
        first_body = next((i for i in range(start + 1, end) if lines[i].strip()), None)
        body_indent = "" if first_body is None else leading(lines[first_body])
        entries: tuple[Entry, ...] = ()
        type_hint, type_span, description_text = None, None, ""
        if section in (Section.ARGS, Section.ATTRIBUTES, Section.RAISES):
            entries = _entries(lines, start + 1, end, section is Section.RAISES)
        elif section in (Section.RETURNS, Section.YIELDS) and first_body is not None:
            type_hint, rest = split_type_prefix(text)
            head, _, tail = rest.partition("\n")
            description_text = "\n".join(
                part for part in (head.strip(), textwrap.dedent(tail)) if part)
            line = lines[first_body]
            column = len(leading(line))
            if type_hint is not None and line[column:].startswith(type_hint) and \
                    line[column + len(type_hint):].startswith(":"):
                type_span = (column, column + len(type_hint))
        blocks.append(Block(heading, section, start, end, text, entries, type_hint, type_span,
                            description_text, body_indent, cut))
    if style is Style.GOOGLE and not blocks:
        style = Style.PLAIN
    return Layout(tuple(lines), margin, summary, description, tuple(blocks), style,
                  _noted_raises(cleaned), _arg_raises(blocks), _hf_attributes(cleaned))


def _arg_raises(blocks: list[Block]) -> tuple[str, ...]:
    """The exceptions Args entries name after a word of raising, markup removed.

    ``If `True`, raise an [`EntryNotFoundError`] when ...`` documents the exception where
    the argument that triggers it is described; only names after ``raise``/``raises``/
    ``raised``/``raising`` in the same sentence count, written in backticks or markup or
    ending as exception classes do.
    """
    names: list[str] = []
    for block in blocks:
        if block.section is not Section.ARGS:
            continue
        for entry in block.entries:
            for sentence in _SENTENCE_END_RE.split(entry.description):
                match = _RAISE_WORD_RE.search(sentence)
                if match is not None:
                    names += [a or b for a, b in
                              _INLINE_EXCEPTION_RE.findall(sentence[match.end():])]
    return tuple(dict.fromkeys(names))


def _inline_heading(cleaned: list[str], index: int) -> tuple[str, str] | None:
    """The heading and text of ``Returns: text`` on line ``index``, else None.

    Only at the margin, after a blank line (not the summary's first line, nor a line
    inside a paragraph), for a section a function is asked for (``_INLINE_SECTIONS``).
    """
    if index == 0 or cleaned[index - 1].strip():
        return None
    match = _INLINE_RE.match(cleaned[index])
    if match is None or ALIASES.get(match.group(1).lower()) not in _INLINE_SECTIONS:
        return None
    return match.group(1), match.group(2)


def _inline_block(lines: list[str], cleaned: list[str], start: int, stop: int, heading: str,
                  head: str) -> Block:
    """The section of an inline heading: its text, then the lines continuing it.

    The paragraph it starts continues it (``_sandbox.run``'s second line at the margin),
    and so do lines indented below it, blank lines between them included; a line back at
    the margin after a blank line, or an admonition, is prose after it.
    """
    end = start + 1
    for i in range(start + 1, stop):
        if not cleaned[i].strip():
            continue
        if _ADMONITION_RE.match(cleaned[i]) or (
                cleaned[i][:1] not in (" ", "\t") and not cleaned[i - 1].strip()):
            break
        end = i + 1
    text = "\n".join(part for part in (head, text_of(cleaned[start + 1:end])) if part)
    section = ALIASES[heading.lower()]
    entries: tuple[Entry, ...] = ()
    if section is Section.RAISES:
        names = tuple(dict.fromkeys(a or b for a, b in _INLINE_EXCEPTION_RE.findall(text)))
        if names:
            column = lines[start].find(names[0])
            span = (column, column + len(names[0])) if column >= 0 else (0, 0)
            entries = (Entry(names[0], None, text, start, end, span, None, True, names),)
    return Block(heading, section, start, end, text, entries, None, None,
                 text if section is not Section.RAISES else "", "", None, True)


def _indented_heading(cleaned: list[str], index: int, start: int) -> bool:
    """Whether line ``index`` of a section's body is a section heading indented into it.

    ``Returns:`` alone on its line with an indented block below it is one when it stands
    at the body's margin or after a blank line. Only a capitalised heading counts: an
    argument named ``returns`` or ``example`` is documented as ``returns:``.
    """
    line = cleaned[index]
    stripped = line.strip()
    heading = heading_of(stripped)
    if heading is None or not heading[:1].isupper() or line[:1] not in (" ", "\t"):
        return False
    body = next(i for i in range(start + 1, len(cleaned)) if cleaned[i].strip())
    width = indent_width(line)
    if width != indent_width(cleaned[body]) and cleaned[index - 1].strip():
        return False
    following = next((i for i in range(index + 1, len(cleaned)) if cleaned[i].strip()), None)
    return following is not None and indent_width(cleaned[following]) > width


def _hf_attributes(cleaned: list[str]) -> tuple[str, ...]:
    """The names Hugging Face attribute lists (``**Attributes**:`` then bullets) document.

    A list runs from its heading at the margin to the next line back at the margin; within
    it, only bullets whose name is in bold count (continuation lines are their text).
    """
    names: list[str] = []
    listing = False
    for line in cleaned:
        if not line.strip():
            continue
        if line[:1] not in (" ", "\t"):
            listing = _HF_ATTRIBUTES_RE.match(line) is not None
            continue
        match = _HF_BULLET_RE.match(line) if listing else None
        if match is not None:
            names.append(match.group(1))
    return tuple(dict.fromkeys(names))


def _noted_raises(cleaned: list[str]) -> tuple[str, ...]:
    """The exceptions ``> Raises ...`` admonition text lists, markup removed.

    In any admonition (``> [!TIP]``, ``> [!WARNING]``, ...): after a ``> Raises`` line,
    list items (``- [`~utils.X`]``) and lines at the first item's indentation name the
    exceptions (``scan_cache_dir``'s ``>     `CacheNotFound``` with its text indented below).
    """
    names: list[str] = []
    listing = False
    margin: int | None = None
    for line in cleaned:
        text = line.strip()
        if not text.startswith(">"):
            listing = False
            continue
        body = text[1:].expandtabs(8)
        body = body[1:] if body.startswith(" ") else body  # the space after ``>``
        text = body.strip()
        if text.lower().startswith("raises"):
            listing, margin = True, None
            continue
        if not listing or not text:
            continue
        width = len(body) - len(body.lstrip())
        margin = width if margin is None else margin
        if text.startswith(("- ", "* ")) or width == margin:
            head = parse_raises_head(text)
            if head is not None:
                names.extend(head[0])
    return tuple(names)


def heading_problems(layout: Layout) -> list[HeadingProblem]:
    """Find the lines that make a docstring's sections unclear.

    ``validate`` reports them (LD361, LD362); ``--fix`` adds no section to such a docstring,
    since a second section would duplicate what a person meant to write.

    Args:
        layout: The docstring.

    Returns:
        The problems, in line order.
    """
    problems = []
    previous_blank = True
    lines = layout.lines
    cuts = {b.cut for b in layout.blocks if b.cut is not None}
    cleaned = [layout.cleaned(i) for i in range(len(lines))]
    for index in range(len(lines)):
        text = cleaned[index]
        stripped = text.strip()
        indented = text[:1] in (" ", "\t")
        heading = heading_of(stripped) if stripped.endswith(":") else None
        if heading is not None and not indented and _heading(cleaned, index) is None:
            heading = None  # the end of a sentence (``_heading``), not a heading
        if heading is not None and indented and (previous_blank or index in cuts):
            problems.append(HeadingProblem(index, "indented", stripped))
        elif heading is None and not indented and previous_blank and stripped.endswith(":"):
            close = resembled_heading(stripped)
            if close is not None:
                problems.append(HeadingProblem(index, "misspelt", stripped.rstrip(": "),
                                               close))
        elif heading is not None and not indented:
            following = next((i for i in range(index + 1, len(lines)) if lines[i].strip()),
                             None)
            if following is not None and heading.lower() in ALIASES and \
                    layout.cleaned(following)[:1] not in (" ", "\t") and \
                    heading_of(lines[following].strip()) is None:
                problems.append(HeadingProblem(following, "body", heading))
        previous_blank = not stripped
    return problems
