"""Compute and apply the text edits that insert or replace docstrings and block comments.

Edits are exact character spans located with ``ast`` positions (and ``tokenize`` for the
colon ending a header), so every byte outside a docstring or a marked comment is copied
unchanged by construction. The result is verified before anyone may write it: it must
parse, have the same AST once docstrings are removed, and hold the intended docstrings.
"""

from __future__ import annotations

import ast
import re
import tokenize
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from llm_doc_manager.analysis import DefNode, docstring_expr, first_line
from llm_doc_manager.files import split_lines

_CODING_RE = re.compile(r"^[ \t\f]*#.*?coding[:=][ \t]*[-\w.]+")
_TYPE_COMMENT_RE = re.compile(r"[ \t]*#\s*type:")
_WS = " \t\f"


class ApplyError(Exception):
    """The edits could not be placed or the result failed verification."""


@dataclass(frozen=True, order=True)
class Edit:
    """Replace ``text[start:end]`` with ``replacement``.

    Attributes:
        start (int): Start offset (characters).
        end (int): End offset (characters), ``>= start``.
        replacement (str): The new text.
    """

    start: int
    end: int
    replacement: str


class SourceMap:
    """Offsets of a text's lines, to turn ``ast`` positions into string offsets."""

    def __init__(self, text: str) -> None:
        """Index the lines of ``text``.

        Args:
            text (str): Source text.
        """
        self.text = text
        self.lines = split_lines(text)
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line))
        self._unit: str | None = None

    def line(self, lineno: int) -> str:
        """Return line ``lineno`` (1-based) with its line ending, or "" past the end.

        Args:
            lineno (int): 1-based line number.

        Returns:
            str: The line.
        """
        return self.lines[lineno - 1] if 0 < lineno <= len(self.lines) else ""

    def offset(self, lineno: int, col: int) -> int:
        """Turn an ``ast`` position (UTF-8 byte column) into a string offset.

        Args:
            lineno (int): 1-based line.
            col (int): UTF-8 byte offset in the line.

        Returns:
            int: Offset into the text.
        """
        if lineno > len(self.lines):
            return len(self.text)
        line = self.lines[lineno - 1]
        if not line.isascii():
            col = len(line.encode("utf-8")[:col].decode("utf-8", "ignore"))
        return self.starts[lineno - 1] + col

    def newline(self, lineno: int) -> str:
        """Return the line ending of a line, or of the nearest line that has one.

        Args:
            lineno (int): 1-based line.

        Returns:
            str: ``"\\r\\n"``, ``"\\r"`` or ``"\\n"``.
        """
        for candidate in (lineno, lineno - 1, 1):
            line = self.line(candidate)
            stripped = line.rstrip("\r\n")
            if stripped != line:
                return line[len(stripped):]
        return "\n"

    def indent(self, lineno: int) -> str:
        """Return the leading whitespace of a line.

        Args:
            lineno (int): 1-based line.

        Returns:
            str: The whitespace.
        """
        line = self.line(lineno)
        return line[: len(line) - len(line.lstrip(_WS))]

    def indent_unit(self, tree: ast.Module, fallback_indent: str) -> str:
        """Return the file's most common indentation step (seed rule: tabs stay tabs).

        Args:
            tree (ast.Module): The parsed file.
            fallback_indent (str): Indentation of the header needing a step, used when the
                file has no indented block to learn from.

        Returns:
            str: One indentation level.
        """
        if self._unit is None:
            steps: Counter[str] = Counter()
            for node in ast.walk(tree):
                body = getattr(node, "body", None)
                if isinstance(node, ast.stmt) and isinstance(body, list) and body \
                        and body[0].lineno > node.lineno:
                    outer, inner = self.indent(node.lineno), self.indent(body[0].lineno)
                    if inner.startswith(outer) and len(inner) > len(outer):
                        steps[inner[len(outer):]] += 1
            self._unit = steps.most_common(1)[0][0] if steps else ""
        if self._unit:
            return self._unit
        return "\t" if "\t" in fallback_indent else "    "


def colon_after_header(src: SourceMap, node: DefNode) -> tuple[int, int]:
    """Find the ``:`` that ends a def/class header; return (offset after it, its line)."""
    first = src.line(node.lineno)
    col = src.offset(node.lineno, node.col_offset) - src.starts[node.lineno - 1]
    chunks = iter([first[col:], *src.lines[node.lineno:]])
    depth = 0
    try:
        for tok in tokenize.generate_tokens(lambda: next(chunks, "")):
            if tok.type != tokenize.OP:
                continue
            if tok.string in "([{":
                depth += 1
            elif tok.string in ")]}":
                depth -= 1
            elif tok.string == ":" and depth == 0:
                row, tcol = tok.end
                lineno = node.lineno + row - 1
                base = src.starts[lineno - 1] + (col if row == 1 else 0)
                return base + tcol, lineno
    except (tokenize.TokenError, SyntaxError) as exc:
        raise ApplyError(f"cannot tokenize the header of {node.name!r}: {exc}") from exc
    raise ApplyError(f"no ':' found after the header of {node.name!r}")


def _to_newline(text: str, newline: str) -> str:
    return text if newline == "\n" else text.replace("\n", newline)


def docstring_edits(src: SourceMap, tree: ast.Module, node: DefNode,
                    render: Callable[[str], str]) -> list[Edit]:
    """Edits that put a docstring first in a def/class body.

    Args:
        src (SourceMap): The source.
        tree (ast.Module): The parsed source (to learn the indentation step).
        node (DefNode): The def or class.
        render (Callable[[str], str]): Given the body indentation, returns the literal.

    Returns:
        list[Edit]: The edits.
    """
    body0 = node.body[0]
    colon_end, colon_line = colon_after_header(src, node)
    nl = src.newline(colon_line)
    existing = docstring_expr(node.body)
    simple_suite = body0.lineno == colon_line
    if simple_suite:
        indent = src.indent(node.lineno) + src.indent_unit(tree, src.indent(node.lineno))
    else:
        indent = src.indent(body0.lineno)
    literal = _to_newline(render(indent), nl)
    body_start = src.offset(body0.lineno, body0.col_offset)
    if existing is not None:
        span = Edit(body_start, src.offset(existing.end_lineno or existing.lineno,
                                           existing.end_col_offset or 0), literal)
        if simple_suite:
            return [Edit(colon_end, body_start, nl + indent), span]
        return [span]
    if simple_suite:
        return [Edit(colon_end, body_start, f"{nl}{indent}{literal}{nl}{indent}")]
    # Insert as the first line of the block, after any ``# type:`` comment lines.
    lineno = colon_line + 1
    while lineno < body0.lineno and _TYPE_COMMENT_RE.match(src.line(lineno)):
        lineno += 1
    at = src.starts[lineno - 1] if lineno <= len(src.lines) else len(src.text)
    return [Edit(at, at, f"{indent}{literal}{src.newline(lineno)}")]


def module_docstring_edits(src: SourceMap, tree: ast.Module, marker_line: int | None,
                           render: Callable[[str], str]) -> list[Edit]:
    """Edits that put a module docstring first (after shebang/encoding lines).

    Args:
        src (SourceMap): The source.
        tree (ast.Module): The parsed source.
        marker_line (int | None): Line of the module start marker, if any.
        render (Callable[[str], str]): Given the indentation (""), returns the literal.

    Returns:
        list[Edit]: The edits.
    """
    existing = docstring_expr(tree.body)
    if existing is not None:
        nl = src.newline(existing.lineno)
        return [Edit(src.offset(existing.lineno, existing.col_offset),
                     src.offset(existing.end_lineno or existing.lineno,
                                existing.end_col_offset or 0), _to_newline(render(""), nl))]
    after = 0
    if src.line(1).startswith("#!"):
        after = 1
    for lineno in (1, 2):
        if _CODING_RE.match(src.line(lineno)):
            after = max(after, lineno)
    first_stmt = min((first_line(s) for s in tree.body), default=len(src.lines) + 1)
    if marker_line is not None and marker_line < first_stmt:
        after = max(after, marker_line)
    lineno = after + 1
    nl = src.newline(lineno)
    literal = _to_newline(render(""), nl)
    at = src.starts[lineno - 1] if lineno <= len(src.lines) else len(src.text)
    if at == len(src.text) and src.text and not src.text.endswith(("\n", "\r")):
        return [Edit(at, at, f"{nl}{literal}{nl}")]
    following = src.line(lineno)
    gap = nl if following.strip() else ""
    return [Edit(at, at, f"{literal}{nl}{gap}")]


def existing_comment(src: SourceMap, first_stmt_line: int, region_start: int) -> tuple[int, str]:
    """Find the comment run right above a statement, below the region's start marker.

    Args:
        src (SourceMap): The source.
        first_stmt_line (int): First line of the block's first statement.
        region_start (int): Line of the start marker.

    Returns:
        tuple[int, str]: The run's first line and its text (without ``#``), "" when none.
    """
    lineno = first_stmt_line
    while lineno - 1 > region_start and src.line(lineno - 1).lstrip(_WS).startswith("#"):
        lineno -= 1
    text = "\n".join(src.line(n).strip().lstrip("#").strip()
                     for n in range(lineno, first_stmt_line))
    return lineno, text


def comment_edits(src: SourceMap, first_stmt_line: int, run_start: int,
                  render: Callable[[str], list[str]]) -> list[Edit]:
    """Edits that put comment lines above a block, replacing its leading comment run.

    Args:
        src (SourceMap): The source.
        first_stmt_line (int): First line of the block's first statement.
        run_start (int): First line of the existing comment run (== first_stmt_line if none).
        render (Callable[[str], list[str]]): Given the indentation, returns comment lines.

    Returns:
        list[Edit]: The edits.
    """
    indent = src.indent(first_stmt_line)
    nl = src.newline(first_stmt_line)
    lines = render(indent)
    start, end = src.starts[run_start - 1], src.starts[first_stmt_line - 1]
    return [Edit(start, end, "".join(line + nl for line in lines))]


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Apply non-overlapping edits.

    Args:
        text (str): Original text.
        edits (Iterable[Edit]): The edits, in any order.

    Returns:
        str: The edited text.

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


def strip_docstrings(tree: ast.Module) -> ast.Module:
    """Remove every module, class and function docstring, in place.

    Args:
        tree (ast.Module): A parsed module.

    Returns:
        ast.Module: The same tree, for chaining.
    """
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) \
                and docstring_expr(node.body) is not None:
            node.body = node.body[1:]
    return tree


def docstring_values(tree: ast.Module) -> Counter[str]:
    """Count the docstring values of a module.

    Args:
        tree (ast.Module): A parsed module.

    Returns:
        Counter[str]: How often each docstring value appears.
    """
    values: Counter[str] = Counter()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            expr = docstring_expr(node.body)
            if expr is not None:
                values[expr.value.value] += 1  # type: ignore[attr-defined]
    return values


def verify(new_text: str, reference_dump: str, expected: Sequence[str]) -> None:
    """Check an edited text before it may be written.

    Args:
        new_text (str): The edited text.
        reference_dump (str): ``ast.dump`` of the original with docstrings stripped.
        expected (Sequence[str]): Docstring values that must be present.

    Raises:
        ApplyError: If the text does not parse, its code changed, or a docstring is wrong.
    """
    try:
        tree = ast.parse(new_text)
    except (SyntaxError, ValueError) as exc:
        raise ApplyError(f"the edited file would not parse: {exc}") from exc
    found = docstring_values(tree)
    missing = Counter(expected) - found
    if missing:
        raise ApplyError("a written docstring does not read back as intended")
    if ast.dump(strip_docstrings(tree)) != reference_dump:
        raise ApplyError("the edited file's code would differ from the original")
