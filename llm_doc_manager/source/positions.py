"""Line and column arithmetic over source text: ``ast`` positions to string offsets."""

from __future__ import annotations

import ast
import re
import tokenize
from collections import Counter, deque

from llm_doc_manager.errors import ApplyError

# CPython's tokenizer breaks lines on \r\n, \r and \n only (not \f, \v, \u2028...).
_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
#: What may indent a line of Python (the tokenizer accepts form feeds there too).
INDENT_CHARS = " \t\f"


def split_lines(text: str) -> list[str]:
    """Split text into lines the way CPython's tokenizer does, keeping the line endings.

    Args:
        text: Source text.

    Returns:
        The lines, each with its own line ending (the last may have none).
    """
    return _LINE_RE.findall(text)


#: The fields that hold statements, handlers or match cases, in the order of ``_fields``
#: (``Try``: body, handlers, orelse, finalbody): ``ast.walk``'s order.
_BLOCKS = ("body", "handlers", "orelse", "finalbody", "cases")


class SourceMap:
    """Offsets of a text's lines, to turn ``ast`` positions into string offsets."""

    def __init__(self, text: str) -> None:
        """Index the lines of ``text``."""
        self.text = text
        self.lines = split_lines(text)
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line))
        self._unit: str | None = None
        # Header colons found so far, by the header's (line, column): finding one tokenizes.
        self.colons: dict[tuple[int, int], tuple[int, int]] = {}

    def line(self, lineno: int) -> str:
        """Return line ``lineno`` (1-based) with its line ending, or "" past the end."""
        return self.lines[lineno - 1] if 0 < lineno <= len(self.lines) else ""

    def offset(self, lineno: int, col: int) -> int:
        """Turn an ``ast`` position (UTF-8 byte column) into a string offset.

        Args:
            lineno: 1-based line.
            col: UTF-8 byte offset in the line.

        Returns:
            Offset into the text.
        """
        if lineno > len(self.lines):
            return len(self.text)
        line = self.lines[lineno - 1]
        if not line.isascii():
            col = len(line.encode("utf-8")[:col].decode("utf-8", "ignore"))
        return self.starts[lineno - 1] + col

    def newline(self, lineno: int) -> str:
        """Return the line ending of a line, or of the nearest line that has one."""
        for candidate in (lineno, lineno - 1, 1):
            line = self.line(candidate)
            stripped = line.rstrip("\r\n")
            if stripped != line:
                return line[len(stripped):]
        return "\n"

    def indent(self, lineno: int) -> str:
        """Return the leading whitespace of a line."""
        line = self.line(lineno)
        return line[: len(line) - len(line.lstrip(INDENT_CHARS))]

    def text_indent(self, lineno: int) -> str:
        """The indentation new lines at this line's level take (form feeds left out).

        Python resets the column at a form feed, so ``"\\f    pass"`` is indented by four
        spaces; a docstring line written with the form feed would carry it into its text.
        """
        return self.indent(lineno).rsplit("\f", 1)[-1]

    def indent_unit(self, tree: ast.Module, fallback_indent: str) -> str:
        """Return the file's most common indentation step (seed rule: tabs stay tabs)."""
        if self._unit is None:
            steps: Counter[str] = Counter()
            # Breadth first over statements (and the handlers and cases that hold them) in
            # ``ast.walk``'s order, which decides a tie, without visiting the expressions:
            # they hold no statement, and are most of a tree's nodes.
            queue: deque[ast.AST] = deque([tree])
            while queue:
                node = queue.popleft()
                body = getattr(node, "body", None)
                if isinstance(node, ast.stmt) and isinstance(body, list) and body \
                        and body[0].lineno > node.lineno:
                    outer, inner = self.indent(node.lineno), self.indent(body[0].lineno)
                    if inner.startswith(outer) and len(inner) > len(outer):
                        steps[inner[len(outer):]] += 1
                for name in _BLOCKS:
                    value = getattr(node, name, None)
                    if value:
                        queue.extend(value)
            self._unit = steps.most_common(1)[0][0] if steps else ""
        if self._unit:
            return self._unit
        return "\t" if "\t" in fallback_indent else "    "


def colon_after_header(src: SourceMap,
                       node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
                       ) -> tuple[int, int]:
    """Find the ``:`` that ends a def/class header; return (offset after it, its line)."""
    # ast gives no position for this colon, and a text search is fooled by the colons of
    # annotations, defaults, slices, strings and comments. Tokens skip strings and comments;
    # every other colon of a header is inside brackets, except those of a lambda in a return
    # annotation (``def f() -> lambda: 1: ...`` is valid), so each bare ``lambda`` claims
    # the next colon at depth 0 first.
    known = src.colons.get((node.lineno, node.col_offset))
    if known is not None:
        return known
    first = src.line(node.lineno)
    col = src.offset(node.lineno, node.col_offset) - src.starts[node.lineno - 1]
    chunks = iter([first[col:], *src.lines[node.lineno:]])
    depth = lambdas = 0
    try:
        for tok in tokenize.generate_tokens(lambda: next(chunks, "")):
            if tok.type == tokenize.NAME and tok.string == "lambda" and depth == 0:
                lambdas += 1
            if tok.type != tokenize.OP:
                continue
            if tok.string in "([{":
                depth += 1
            elif tok.string in ")]}":
                depth -= 1
            elif tok.string == ":" and depth == 0 and lambdas:
                lambdas -= 1
            elif tok.string == ":" and depth == 0:
                row, tcol = tok.end
                lineno = node.lineno + row - 1
                base = src.starts[lineno - 1] + (col if row == 1 else 0)
                src.colons[node.lineno, node.col_offset] = (base + tcol, lineno)
                return base + tcol, lineno
    except (tokenize.TokenError, SyntaxError) as exc:
        raise ApplyError(f"cannot tokenize the header of {node.name!r}: {exc}") from exc
    raise ApplyError(f"no ':' found after the header of {node.name!r}")
