"""What a model is shown about a region: its code and the little context it needs.

Everything comes from the region's own file. Docstrings (the current one is passed
separately) and the comments of ``comm`` regions are cut out of what is shown, so that what
a run writes does not change what the next run sends: a re-run on unchanged code then finds
every answer in the cache.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from llm_doc_manager.analysis import DefNode, class_facts, docstring_expr, first_line
from llm_doc_manager.analysis.markers import is_marker_comment
from llm_doc_manager.source.positions import SourceMap, colon_after_header

_INIT_NAMES = ("__init__", "__post_init__", "__new__")
_MODULE_OUTLINE_LIMIT = 6000


@dataclass(frozen=True)
class Shown:
    """The code and context sent for one region.

    Attributes:
        code: The region's source without its own docstring.
        context: Extra facts: enclosing class, imports used, and the like.
    """

    code: str
    context: str


class ContextBuilder:
    """Builds what is shown for the regions of one file (parents and imports computed once).

    Args:
        text: The file's text.
        src: Its line index.
        tree: Its AST.

    Attributes:
        text: The file's text.
        src: Its line index.
        tree: Its AST.
        hidden: Lines left out of everything shown (docstrings, ``comm``
            comments).
        tails: Code that follows a docstring on its last line, by line.
    """

    def __init__(self, text: str, src: SourceMap, tree: ast.Module) -> None:
        self.text = text
        self.src = src
        self.tree = tree
        self._parents: dict[int, ast.AST] | None = None
        self._imports: list[tuple[ast.Import | ast.ImportFrom, set[str]]] | None = None
        # Each class's attribute names, by the class node's id: every method of a class shows
        # them, and reading them walks the whole class (once per method was most of a plan).
        self._attributes: dict[int, list[str]] = {}
        self.hidden: set[int] = set()
        # Code after a docstring on its last line (``"""Doc."""; return 1``) stays shown.
        self.tails: dict[int, str] = {}
        # Defs whose body shares the header's line, by that line: shown split, as they read
        # once a docstring is inserted, so that documenting a nested ``def f(): return x``
        # does not change what its enclosing function shows.
        self._one_liners: dict[int, DefNode] = {}
        # Lines from a def's header to its first statement after the docstring, whose blank
        # ones are not shown: the applier may add a blank line after the docstring it
        # inserts (before a nested def), which must not change what the next run shows.
        self._gaps: set[int] = set()
        for node in ast.walk(tree):
            if isinstance(node, DefNode):
                if self._shares_line(node.body[0]):
                    self._one_liners[colon_after_header(src, node)[1]] = node
                first = node.body[1 if docstring_expr(node.body) is not None else 0:][:1]
                if first:
                    self._gaps.update(range(node.lineno + 1, first_line(first[0])))
            if isinstance(node, ast.Module | DefNode):
                expr = docstring_expr(node.body)
                if expr is not None and self._owns_lines(expr):
                    end = expr.end_lineno or expr.lineno
                    self.hidden.update(range(expr.lineno, end + 1))
                    after = self.text[src.offset(end, expr.end_col_offset or 0):
                                      src.starts[end]].strip().lstrip(";").strip()
                    if after:
                        self.tails[end] = src.indent(expr.lineno) + after

    def hide(self, start: int, end: int) -> None:
        """Leave lines ``start..end`` out of everything shown (comments a run may rewrite)."""
        self.hidden.update(range(start, end + 1))

    # -- slices of source -------------------------------------------------------------

    def _lines(self, start: int, end: int) -> str:
        """Return source lines ``start..end`` (1-based, inclusive), newline-normalised."""
        end = min(end, len(self.src.lines))
        if end < start:
            return ""
        # Docstrings and rewritable comments are hidden: what we write must not change
        # what the next run shows (and so its cache keys).
        kept: list[str] = []
        n = start
        while n <= end:
            inner = self._one_liners.get(n)
            if inner is not None and first_line(inner) >= start and \
                    (inner.end_lineno or n) <= end:
                kept.append(self._split_suite(inner).rstrip("\n"))
                n = (inner.end_lineno or n) + 1
                continue
            line = self.tails.get(n) if n in self.hidden else \
                self.src.lines[n - 1].rstrip("\r\n")
            if line is not None and not (
                    line.lstrip().startswith("#") and is_marker_comment(line.lstrip())) \
                    and not (n in self._gaps and not line.strip()):
                kept.append(line)
            n += 1
        return "".join(line + "\n" for line in kept)

    def _shares_line(self, stmt: ast.stmt) -> bool:
        """Whether code precedes a statement on its first line (a one-line suite)."""
        start = self.src.starts[stmt.lineno - 1]
        return bool(self.text[start:self.src.offset(stmt.lineno, stmt.col_offset)].strip())

    def _split_suite(self, node: DefNode) -> str:
        """The header line through its colon and the one-line suite below it, docstring left out.

        Shown as the applier writes it once a docstring splits the line.
        """
        colon_end, colon_line = colon_after_header(self.src, node)
        head = self.text[self.src.starts[colon_line - 1]:colon_end] + "\n"
        return head + self._suite(node)

    def _suite(self, node: DefNode) -> str:
        """The one-line suite of a def, on its own lines, without a docstring."""
        body0 = node.body[0]
        if body0 is docstring_expr(node.body):
            if len(node.body) == 1:
                return ""
            body0 = node.body[1]
        end = node.end_lineno or node.lineno
        rest = self.text[self.src.offset(body0.lineno, body0.col_offset):self.src.starts[
            min(end, len(self.src.lines))]]
        rest = rest.lstrip("; \t")
        lines = rest.splitlines() or [""]
        return (self._body_indent(node) + lines[0] + "\n"
                + "".join(line + "\n" for line in lines[1:]))

    def _without_docstring(self, node: DefNode) -> str:
        colon_line = colon_after_header(self.src, node)[1]
        body0 = node.body[0]
        end = node.end_lineno or node.lineno
        if body0.lineno != colon_line:
            return self._lines(first_line(node), end)
        # ``def f(): return x``: show it as it will read once a docstring splits the line.
        return self._signature(node) + self._suite(node)

    def _body_indent(self, node: DefNode) -> str:
        """The body's indentation, as the applier makes it for a one-line suite."""
        body0 = node.body[0]
        if body0.lineno != colon_after_header(self.src, node)[1]:
            return self.src.indent(body0.lineno)
        outer = self.src.indent(node.lineno)
        return outer + self.src.indent_unit(self.tree, outer)

    def _owns_lines(self, expr: ast.Expr) -> bool:
        """Tell whether the docstring statement sits alone on its lines."""
        start = self.src.starts[expr.lineno - 1]
        return not self.text[start:self.src.offset(expr.lineno, expr.col_offset)].strip()

    def _signature(self, node: DefNode) -> str:
        """Decorators and the def/class header, through its colon.

        The end is the header's colon, not the body's first line, so that inserting a
        docstring does not change what a signature shows.
        """
        colon_end, colon_line = colon_after_header(self.src, node)
        head = self._lines(first_line(node), colon_line - 1)
        return head + self.text[self.src.starts[colon_line - 1]:colon_end] + "\n"

    # -- structure ----------------------------------------------------------------------

    def _parent(self, node: ast.AST) -> ast.AST | None:
        if self._parents is None:
            self._parents = {}
            for parent in ast.walk(self.tree):
                for child in ast.iter_child_nodes(parent):
                    self._parents[id(child)] = parent
        return self._parents.get(id(node))

    def _module_imports(self) -> list[tuple[ast.Import | ast.ImportFrom, set[str]]]:
        if self._imports is None:
            self._imports = []
            for stmt in ast.walk(self.tree):
                if isinstance(stmt, ast.Import | ast.ImportFrom) and \
                        not isinstance(self._parent(stmt), DefNode):
                    bound = {(a.asname or a.name).split(".")[0] for a in stmt.names}
                    self._imports.append((stmt, bound))
        return self._imports

    def imports_used(self, nodes: list[ast.AST]) -> list[str]:
        """Return the module-level imports the given code uses, narrowed to the used names."""
        used: set[str] = set()
        for node in nodes:
            for sub in ast.walk(node):
                if isinstance(sub, ast.Name):
                    used.add(sub.id)
                elif isinstance(sub, ast.Constant) and isinstance(sub.value, str) and \
                        sub.value.isidentifier():
                    used.add(sub.value)  # string annotations name imported types too
        found: list[str] = []
        for stmt, bound in self._module_imports():
            if not bound & used:
                continue
            names = [a for a in stmt.names if (a.asname or a.name).split(".")[0] in used]
            narrowed: ast.stmt
            if isinstance(stmt, ast.ImportFrom):
                narrowed = ast.ImportFrom(module=stmt.module, names=names, level=stmt.level)
            else:
                narrowed = ast.Import(names=names)
            line = ast.unparse(narrowed)
            if line not in found:
                found.append(line)
        return found

    def _enclosing_class(self, node: ast.AST) -> ast.ClassDef | None:
        parent = self._parent(node)
        return parent if isinstance(parent, ast.ClassDef) else None

    def _enclosing_def(self, node: ast.AST) -> DefNode | None:
        parent = self._parent(node)
        while parent is not None and not isinstance(parent, DefNode):
            parent = self._parent(parent)
        return parent

    def class_outline(self, node: ast.ClassDef) -> str:
        """Return the class without method bodies (constructors shown whole), no docstrings."""
        if self._shares_line(node.body[0]):  # ``class E(Exception): pass``: all of it
            return self._without_docstring(node)
        parts = [self._signature(node)]
        for stmt in node.body:
            if stmt is docstring_expr(node.body):
                continue
            if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
                if stmt.name in _INIT_NAMES:
                    parts.append(self._without_docstring(stmt))
                else:
                    parts.append(self._signature(stmt) + self._ellipsis(stmt))
            elif isinstance(stmt, ast.ClassDef):
                parts.append(self._signature(stmt) + self._ellipsis(stmt))
            else:
                parts.append(self._lines(first_line(stmt), stmt.end_lineno or stmt.lineno))
        return "".join(parts)

    def _ellipsis(self, node: DefNode) -> str:
        return self._body_indent(node) + "...\n"

    def module_outline(self) -> str:
        """Return the module's imports, top-level statements and signatures, no docstrings.

        Returns:
            The outline, cut at a few kilobytes.
        """
        parts: list[str] = []
        for stmt in self.tree.body:
            if stmt is docstring_expr(self.tree.body):
                continue
            if isinstance(stmt, ast.ClassDef):
                parts.append(self._signature(stmt))
                for inner in stmt.body:
                    if isinstance(inner, DefNode):
                        parts.append(self._signature(inner))
            elif isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
                parts.append(self._signature(stmt))
            else:
                start = first_line(stmt)
                end = stmt.end_lineno or stmt.lineno
                parts.append(self._lines(start, min(end, start + 2)))
        outline = "".join(parts)
        if len(outline) > _MODULE_OUTLINE_LIMIT:
            outline = outline[:_MODULE_OUTLINE_LIMIT].rsplit("\n", 1)[0] + "\n# ... (cut)\n"
        return outline

    # -- per task -----------------------------------------------------------------------

    def for_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> Shown:
        """What to show for a function or method."""
        context: list[str] = []
        owner = self._enclosing_class(node)
        if owner is not None:
            context.append("Defined in class: " + self._signature(owner).strip())
            names = self._attributes.get(id(owner))
            if names is None:
                names = self._attributes[id(owner)] = [a.name for a in
                                                       class_facts(owner).attributes]
            if names:
                context.append("Class attributes: " + ", ".join(names))
        context += self.imports_used([node])
        return Shown(self._without_docstring(node), "\n".join(context))

    def for_class(self, node: ast.ClassDef) -> Shown:
        """What to show for a class."""
        return Shown(self.class_outline(node), "\n".join(self.imports_used([node])))

    def for_module(self) -> Shown:
        """What to show for a module."""
        return Shown(self.module_outline(), "")

    def for_block(self, statements: tuple[ast.stmt, ...]) -> Shown:
        """What to show for a commented block."""
        context: list[str] = []
        owner = self._enclosing_def(statements[0])
        if owner is not None:
            context.append("Inside: " + self._signature(owner).strip())
        context += self.imports_used(list(statements))
        last = statements[-1]
        code = self._lines(first_line(statements[0]), last.end_lineno or last.lineno)
        return Shown(code, "\n".join(context))
