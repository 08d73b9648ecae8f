"""Compute and apply the text edits that insert or replace docstrings and block comments.

Edits are exact character spans located with ``ast`` positions (and ``tokenize`` for the
colon ending a header), so every byte outside a docstring or a marked comment is copied
unchanged by construction. The result is verified before anyone may write it: it must
parse, have the same AST once docstrings are removed, and hold the intended docstrings.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from llm_doc_manager.analysis.nodes import DefNode, child_blocks, docstring_expr, first_line
from llm_doc_manager.docstrings.conventions import header_end
from llm_doc_manager.docstrings.render import NEEDS_ESCAPE_RE
from llm_doc_manager.errors import ApplyError
from llm_doc_manager.source import syntax
from llm_doc_manager.source.positions import (
    SourceMap,
    colon_after_header,
    split_lines,
)

_CODING_RE = re.compile(r"^[ \t\f]*#.*?coding[:=][ \t]*[-\w.]+")
_TYPE_COMMENT_RE = re.compile(r"[ \t]*#\s*type:")
_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


@dataclass(frozen=True, order=True)
class Edit:
    """Replace ``text[start:end]`` with ``replacement``.

    Attributes:
        start: Start offset (characters).
        end: End offset (characters), ``>= start``.
        replacement: The new text.
    """

    start: int
    end: int
    replacement: str


def to_newline(text: str, newline: str) -> str:
    """``text`` with its ``\\n`` line breaks written as ``newline``."""
    return text if newline == "\n" else text.replace("\n", newline)


def body_indent(src: SourceMap, tree: ast.Module, node: DefNode) -> str:
    """Return the indentation a def/class body's docstring lines take.

    Args:
        src: The source.
        tree: The parsed source (a one-line body learns the file's indentation step).
        node: The def or class.

    Returns:
        The body's own indentation; for ``def f(): x``, the header's plus one step.
    """
    if _simple_suite(src, node):
        return src.text_indent(node.lineno) + src.indent_unit(tree, src.indent(node.lineno))
    return src.text_indent(node.body[0].lineno)


def _simple_suite(src: SourceMap, node: DefNode) -> bool:
    """Whether the body sits on the header's line (``def f(): return 1``)."""
    # The first statement of a block starts its line; in a simple suite it follows the
    # header's colon. Telling them apart by the statement's column spares tokenizing the
    # header (indentation is ASCII, so its length in characters is its length in bytes).
    body0 = node.body[0]
    if body0.col_offset > len(src.indent(body0.lineno)):
        return True
    # ``def f(): \`` then the body on the next line: a simple suite continued by a
    # backslash (the body is on the header's logical line).
    previous = src.line(body0.lineno - 1).rstrip("\r\n") if body0.lineno > node.lineno else ""
    return previous.endswith("\\") and "#" not in previous


def docstring_edits(src: SourceMap, node: DefNode, indent: str, literal: str) -> list[Edit]:
    """Edits that put a docstring literal first in a def/class body.

    Args:
        src: The source.
        node: The def or class.
        indent: The body's indentation (``body_indent``).
        literal: The docstring literal, quotes included, lines joined with ``\\n``.

    Returns:
        The edits (a one-line body is also split onto its own line).
    """
    body0 = node.body[0]
    existing = docstring_expr(node.body)
    simple_suite = _simple_suite(src, node)
    body_start = src.offset(body0.lineno, body0.col_offset)
    if existing is not None and not simple_suite:  # replace in place: no colon needed
        return [Edit(body_start, src.offset(existing.end_lineno or existing.lineno,
                                            existing.end_col_offset or 0),
                     to_newline(literal, src.newline(body0.lineno)))]
    colon_end, colon_line = colon_after_header(src, node)
    nl = src.newline(colon_line)
    literal = to_newline(literal, nl)
    if existing is not None:
        span = Edit(body_start, src.offset(existing.end_lineno or existing.lineno,
                                           existing.end_col_offset or 0), literal)
        return [Edit(colon_end, body_start, nl + indent), span]
    # black and ruff format put a blank line after a class docstring and before a nested
    # def or class, and PEP 257 asks the same: a new docstring leaves a file they had
    # formatted still formatted.
    blank_after = isinstance(node, ast.ClassDef) or isinstance(body0, _NESTED)
    if simple_suite:
        gap = nl if blank_after else ""
        return [Edit(colon_end, body_start, f"{nl}{indent}{literal}{nl}{gap}{indent}")]
    # Insert as the first line of the block, after any ``# type:`` comment lines.
    lineno = colon_line + 1
    while lineno < body0.lineno and _TYPE_COMMENT_RE.match(src.line(lineno)):
        lineno += 1
    if src.line(colon_line).rstrip("\r\n").endswith("\\"):
        # ``def f(): \`` continued by a comment line: a line right after the header would
        # join it, so the docstring goes right above the first statement.
        lineno = first_line(body0)
    at = src.starts[lineno - 1] if lineno <= len(src.lines) else len(src.text)
    nl = src.newline(lineno)
    gap = nl if blank_after and src.line(lineno).strip() else ""
    return [Edit(at, at, f"{indent}{literal}{nl}{gap}")]


_LITERAL_RE = re.compile(r"([rRuU]?)(\"\"\"|'''|\"|')")
_NEWLINE_RE = re.compile(r"(\r\n|\r|\n)")
# A line ending in an odd run of backslashes: in a non-raw string, a line continuation.
_CONTINUED_RE = re.compile(r"(?<!\\)(?:\\\\)*\\\Z")


def literal_span(src: SourceMap, expr: ast.stmt) -> tuple[int, int]:
    """The character span of a docstring statement's literal."""
    return (src.offset(expr.lineno, expr.col_offset),
            src.offset(expr.end_lineno or expr.lineno, expr.end_col_offset or 0))


def updated_literal(raw: str, old_value: str, lines: Sequence[int | str], new_value: str,
                    encoding: str) -> str | None:
    """Rewrite a docstring literal line by line: kept lines keep their exact source text.

    Only new lines are written (escaped as the literal needs); the quotes, the prefix and
    every kept line, escapes and line endings included, stay as they were.

    Args:
        raw: The literal as it is in the source, quotes included.
        old_value: Its value.
        lines: The new value's lines: an ``int`` is an original line kept, a ``str`` new text.
        new_value: The value those lines make.
        encoding: The file's encoding.

    Returns:
        The new literal, or None when the literal cannot be edited by lines (one quoted
        string, implicit concatenation, escapes that change its line structure).
    """
    match = _LITERAL_RE.match(raw)
    if match is None:
        return None
    prefix, quote = match.groups()
    if len(quote) != 3 or not raw.endswith(quote) or len(raw) < match.end() + 3:
        return None
    body = raw[match.end():len(raw) - 3]
    pieces = _NEWLINE_RE.split(body)
    texts, breaks = pieces[0::2], pieces[1::2]
    is_raw = bool(prefix) and prefix in "rR"
    if not is_raw:
        # A backslash ending a source line continues it (xarray's long ``{...}`` types):
        # one line of the value is those source lines, kept together as they are.
        joined = texts[:1]
        for text, line_break in zip(texts[1:], breaks, strict=True):
            if _CONTINUED_RE.search(joined[-1]):
                joined[-1] += line_break + text
            else:
                joined.append(text)
        texts = joined
    if len(texts) != old_value.count("\n") + 1:
        return None
    newline = breaks[0] if breaks else "\n"
    out: list[str] = []
    for item in lines:
        if isinstance(item, int):
            out.append(texts[item])
            continue
        if NEEDS_ESCAPE_RE.search(item) or quote in item or (is_raw and "\\" in item):
            return None
        try:
            item.encode(encoding)
        except UnicodeEncodeError:
            return None
        out.append(item if is_raw else item.replace("\\", "\\\\"))
    if out and out[-1].endswith((quote[0], "\\")) and not isinstance(lines[-1], int):
        return None
    literal = prefix + quote + newline.join(out) + quote
    try:
        value = syntax.literal_eval(literal)
    except (SyntaxError, ValueError):
        return None
    return literal if value == new_value else None


def module_docstring_edits(src: SourceMap, tree: ast.Module, marker_line: int | None,
                           literal: str, below_header: Callable[[], bool] | None = None
                           ) -> list[Edit]:
    """Edits that put a module docstring first (after shebang/encoding lines).

    A file whose top is a comment header (a licence, an SPDX line, comments ended by a
    blank line) gets the docstring below the header and its blank lines, where a person
    puts it, unless ``below_header`` says the project writes them above.

    Args:
        src: The source.
        tree: Its tree.
        marker_line: The module region's start marker, if any: the docstring goes below.
        literal: The docstring literal, lines joined with ``\\n``.
        below_header: Asked only when the file has a header: whether it goes below.

    Returns:
        The edits.
    """
    existing = docstring_expr(tree.body)
    if existing is not None:
        nl = src.newline(existing.lineno)
        return [Edit(src.offset(existing.lineno, existing.col_offset),
                     src.offset(existing.end_lineno or existing.lineno,
                                existing.end_col_offset or 0), to_newline(literal, nl))]
    after = 0
    if src.line(1).startswith("#!"):
        after = 1
    for lineno in (1, 2):
        if _CODING_RE.match(src.line(lineno)):
            after = max(after, lineno)
    first_stmt = min((first_line(s) for s in tree.body), default=len(src.lines) + 1)
    if marker_line is not None and marker_line < first_stmt:
        after = max(after, marker_line)
    header = header_end([src.line(n) for n in range(1, min(first_stmt, len(src.lines) + 1))],
                        first_stmt)
    if header is not None and below_header is not None and below_header():
        # Below the header's own blank lines: they stay between it and the docstring.
        blank_end = header
        while blank_end + 1 < first_stmt and blank_end + 1 <= len(src.lines) and \
                not src.line(blank_end + 1).strip():
            blank_end += 1
        after = max(after, blank_end)
    lineno = after + 1
    nl = src.newline(lineno)
    literal = to_newline(literal, nl)
    at = src.starts[lineno - 1] if lineno <= len(src.lines) else len(src.text)
    if at == len(src.text) and src.text and not src.text.endswith(("\n", "\r")):
        return [Edit(at, at, f"{nl}{literal}{nl}")]
    # One blank line after a module docstring, two before a def or class (what black and
    # ruff format want), counting the blank lines already there.
    number, existing_blank = lineno, 0
    while number <= len(src.lines) and not src.line(number).strip():
        number, existing_blank = number + 1, existing_blank + 1
    want = 0 if number > len(src.lines) else 1
    for code_line in range(number, len(src.lines) + 1):
        stripped = src.line(code_line).strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith(("def ", "async def ", "class ", "@")):
            want = 2
        break
    gap = nl * max(0, want - existing_blank)
    return [Edit(at, at, f"{literal}{nl}{gap}")]


def comment_edits(src: SourceMap, first_stmt_line: int, run_start: int,
                  lines: list[str]) -> list[Edit]:
    """Edits that put comment lines above a block, replacing its leading comment run.

    Args:
        src: The source.
        first_stmt_line: First line of the block's first statement.
        run_start: First line of the existing comment run (== first_stmt_line if none).
        lines: The comment lines, indented, without line endings.

    Returns:
        The edits.
    """
    nl = src.newline(first_stmt_line)
    start, end = src.starts[run_start - 1], src.starts[first_stmt_line - 1]
    return [Edit(start, end, "".join(line + nl for line in lines))]


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Apply non-overlapping edits.

    Args:
        text: Original text.
        edits: The edits, in any order.

    Returns:
        The text with every span replaced (unverified: see ``verify``).

    Raises:
        ApplyError: If two edits overlap.
    """
    ordered = sorted(edits)
    parts: list[str] = []
    pos = 0
    for edit in ordered:
        if edit.start < pos:
            raise ApplyError("overlapping edits")
        parts.append(text[pos:edit.start])
        parts.append(edit.replacement)
        pos = edit.end
    parts.append(text[pos:])
    return "".join(parts)


_DOC_HOLDERS = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)


def _code_body(body: list[ast.stmt], docstrings: list[str] | None) -> list[ast.stmt]:
    expr = docstring_expr(body)
    if expr is None:
        return body
    if docstrings is not None:
        docstrings.append(expr.value.value)  # type: ignore[attr-defined]
    return body[1:]


def same_code(original: ast.AST, edited: ast.AST, docstrings: list[str],
              lines: tuple[Sequence[str], Sequence[str]] | None = None) -> bool:
    """Compare two trees as code: docstrings and positions do not count.

    One walk over both trees at once, stopping at the first difference; it is as strict as
    comparing ``ast.dump`` of both with their docstrings removed (field by field, values
    compared by type and value, so ``1`` and ``1.0`` differ), at a third of the cost and
    without building either dump.

    Args:
        original: The tree the edits were made from.
        edited: The tree of the edited text.
        docstrings: Receives the docstring values found in ``edited``.
        lines: The lines of both texts (as ``split_lines`` gives them): a statement whose
            lines are the same in both, at the same columns, is not walked into (the same
            text is the same code), only its docstrings are read.

    Returns:
        Whether the code is the same.
    """
    stack: list[tuple[ast.AST, ast.AST]] = [(original, edited)]
    while stack:
        old, new = stack.pop()
        if type(old) is not type(new):
            return False
        if lines is not None and isinstance(old, ast.stmt) and \
                _same_text(old, new, lines):  # type: ignore[arg-type]  # same type
            _docstrings_in(new, docstrings)  # type: ignore[arg-type]
            continue
        holder = isinstance(old, _DOC_HOLDERS)
        for name in old._fields:
            left, right = getattr(old, name, None), getattr(new, name, None)
            if isinstance(left, list):
                if not isinstance(right, list):
                    return False
                if holder and name == "body":
                    left, right = _code_body(left, None), _code_body(right, docstrings)
                if len(left) != len(right):
                    return False
                for a, b in zip(left, right, strict=True):
                    if isinstance(a, ast.AST):
                        if not isinstance(b, ast.AST):
                            return False
                        stack.append((a, b))
                    elif type(a) is not type(b) or a != b:
                        return False
            elif isinstance(left, ast.AST):
                if not isinstance(right, ast.AST):
                    return False
                stack.append((left, right))
            elif type(left) is not type(right) or left != right:
                return False
    return True


def _same_text(old: ast.stmt, new: ast.stmt, lines: tuple[Sequence[str], Sequence[str]]
               ) -> bool:
    """Whether two statements are written alike: the same whole lines, decorators included,
    and the same columns (so the statement's own text is the same string)."""
    # Python's grammar reads a statement from its text alone (a ``__future__`` import that
    # changes it is itself a statement compared here), so equal text parses to equal trees.
    start_old, start_new = first_line(old), first_line(new)
    end_old, end_new = old.end_lineno, new.end_lineno
    if end_old is None or end_new is None or old.col_offset != new.col_offset or \
            old.end_col_offset != new.end_col_offset or \
            end_old - start_old != end_new - start_new:
        return False
    return lines[0][start_old - 1:end_old] == lines[1][start_new - 1:end_new]


def _docstrings_in(stmt: ast.stmt, docstrings: list[str]) -> None:
    """Add the docstrings of a statement and of the definitions nested in it."""
    stack = [stmt]
    while stack:
        current = stack.pop()
        if isinstance(current, _DOC_HOLDERS):
            _code_body(current.body, docstrings)
        for block in child_blocks(current):
            stack.extend(block)


def verify(new_text: str, original: ast.Module, expected: Sequence[str],
           original_lines: Sequence[str] | None = None) -> None:
    """Check an edited text before it may be written.

    Args:
        new_text: The edited text.
        original: The tree of the text the edits were made from (not modified).
        expected: Docstring values that must be present.
        original_lines: The lines of that text (``split_lines``), when at hand: statements
            written alike in both texts are then compared as text (see ``same_code``).

    Raises:
        ApplyError: If the text does not parse, its code changed, or a docstring is wrong.
    """
    try:
        tree = syntax.parse(new_text)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        raise ApplyError(f"the edited file would not parse: {exc}") from exc
    found: list[str] = []
    lines = None if original_lines is None else (original_lines, split_lines(new_text))
    if not same_code(original, tree, found, lines):
        raise ApplyError("the edited file's code would differ from the original")
    if Counter(expected) - Counter(found):
        raise ApplyError("a written docstring does not read back as intended")


def verify_against(original: str, new_text: str, expected: Sequence[str]) -> None:
    """``verify`` an edited text against the original text it was made from."""
    verify(new_text, syntax.parse(original), expected, split_lines(original))
