"""Deterministic documentation metrics (DocAgent's): coverage, completeness, truthfulness.

* **Coverage**: documentable nodes (the module, every class and function, nested ones and
  private ones included, as interrogate counts by default; ``@overload`` stubs are not:
  their implementation is documented) that have a docstring whose summary is more than
  the placeholder.
* **Completeness**: for each docstring of a function or class, the share of the parts its
  code requires that are there: a summary always; Args when it takes documentable
  arguments; Returns when it returns a value (not for a property); Yields when it yields
  values; Raises when it raises (``NotImplementedError`` aside); Attributes (or Args) when a
  class sets public attributes; a part holding only the placeholder is not counted as
  there. The project's figure is the mean over docstrings.
* **Truthfulness**: of the code entities a docstring names — its Args entries, its Raises
  types and the identifiers it puts in backticks — the share that exist: the function's
  own parameters, names the project defines (modules, classes, functions, their
  parameters, attributes, module-level names), names the file imports, builtins, the
  standard library's modules and ``typing``'s names. A Raises entry must also name an
  exception the function can raise: one that ``validate`` reports as never raised (LD342,
  ``truth.never_raised``) is untrue however well known its name. File names in backticks
  (``x.py``) are not counted. The figure is a lower bound: a value written in backticks (a mode
  name, an environment variable) counts as a name that does not exist.

``measure`` is a pure function of one file; ``Metrics.truthful`` needs the names of the
whole project, so files are measured one by one and joined once.
"""

from __future__ import annotations

import ast
import builtins
import keyword
import re
import sys
import typing
from collections.abc import Iterable
from dataclasses import dataclass, field

from llm_doc_manager.analysis import (
    ClassFacts,
    DefNode,
    FunctionFacts,
    child_blocks,
    class_facts,
    docstring_expr,
    function_facts,
    iter_defs,
    summary_of,
)
from llm_doc_manager.analysis.nodes import init_of, is_overload
from llm_doc_manager.config import PLACEHOLDER
from llm_doc_manager.docstrings.parse import ParsedDocstring, parse_docstring
from llm_doc_manager.docstrings.sync import bare
from llm_doc_manager.docstrings.truth import never_raised

# ``name``, ``name()``, ``a.b.c`` in single or double backticks (Markdown, reST).
_MENTION = re.compile(r"``?([A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*)(?:\(\))?``?")
# Names that exist without the project: builtins, keywords, the standard library's modules
# and what typing offers (docstrings name ``Any``, ``Callable`` without importing them).
_BUILTINS = frozenset(dir(builtins)) | frozenset(keyword.kwlist) | {"self", "cls"} | \
    frozenset(getattr(sys, "stdlib_module_names", ())) | frozenset(typing.__all__)
# ``x.py``, ``pyproject.toml``: file names, not code entities; not counted.
_FILE_SUFFIXES = frozenset({"py", "pyi", "toml", "cfg", "ini", "txt", "md", "rst", "json",
                            "yaml", "yml", "lock", "sqlite3"})


@dataclass
class Metrics:
    """The metrics of one file, or of many joined.

    Attributes:
        documentable: Modules, classes and functions.
        documented: Those with a docstring.
        completeness: Per docstring of a function or class, the share of required parts
            present (summed), and how many docstrings that is.
        docstrings: How many docstrings ``completeness`` sums over.
        true_here: Mentions found in the file itself (parameters, imports, builtins).
        unresolved: Mentions to look up among the project's names.
        defined: Names the file defines (for the project's lookup).
    """

    documentable: int = 0
    documented: int = 0
    completeness: float = 0.0
    docstrings: int = 0
    true_here: int = 0
    unresolved: list[str] = field(default_factory=list)
    defined: set[str] = field(default_factory=set)

    def add(self, other: Metrics) -> None:
        """Join another file's metrics into these."""
        self.documentable += other.documentable
        self.documented += other.documented
        self.completeness += other.completeness
        self.docstrings += other.docstrings
        self.true_here += other.true_here
        self.unresolved += other.unresolved
        self.defined |= other.defined

    @property
    def coverage(self) -> float | None:
        """Documented over documentable (None when there is nothing to document)."""
        return self.documented / self.documentable if self.documentable else None

    @property
    def complete(self) -> float | None:
        """Mean completeness of the docstrings (None without docstrings)."""
        return self.completeness / self.docstrings if self.docstrings else None

    def truthful(self, known: set[str]) -> tuple[int, int]:
        """(mentions that exist, mentions), given the names the project defines."""
        found = self.true_here + sum(1 for name in self.unresolved
                                     if _parts(name) & known)
        return found, self.true_here + len(self.unresolved)


def _parts(name: str) -> set[str]:
    """What a mention may be known by: its last part, or its first (``self.x`` is ``x``)."""
    parts = [p for p in name.split(".") if p not in ("self", "cls")]
    return {parts[0], parts[-1]} if parts else {name}


def measure(tree: ast.Module, module: str, placeholder: str = PLACEHOLDER) -> Metrics:
    """Measure one parsed file.

    Args:
        tree: Its syntax tree.
        module: Its dotted module name (its parts are names the project defines).
        placeholder: The placeholder text: a part holding only it is not complete.

    Returns:
        Its metrics; ``unresolved`` still to be looked up with ``Metrics.truthful``.
    """
    metrics = Metrics(defined=set(module.split(".")))
    imported = _imported(tree)
    metrics.defined |= _module_names(tree)
    metrics.documentable += 1
    if _says_something(docstring_expr(tree.body), placeholder):
        metrics.documented += 1
    for definition in iter_defs(tree):
        node = definition.node
        metrics.defined.add(node.name)
        if is_overload(node):
            continue  # its implementation is the one documented (validate's rule too)
        metrics.documentable += 1
        # Cheap names for every definition (parameters, class-level names); the attributes
        # a class sets in its methods only for documented classes (that walk costs).
        metrics.defined |= _params(node) if not isinstance(node, ast.ClassDef) else \
            _class_level(node)
        expr = docstring_expr(node.body)
        if expr is None:
            continue
        metrics.documented += _says_something(expr, placeholder)
        # The facts once per docstring: completeness, truthfulness and the attributes a
        # class defines all read them (they cost a walk of the body each).
        of_class = class_facts(node) if isinstance(node, ast.ClassDef) else None
        local = set(of_class.defined) if of_class is not None else _params(node)
        metrics.defined |= local
        parsed = parse_docstring(expr.value.value)  # type: ignore[attr-defined]
        if not parsed.readable:
            continue  # no style read (Epytext): its parts cannot be told apart
        of_function = None if isinstance(node, ast.ClassDef) else \
            function_facts(node, definition.class_name)
        required, present = _parts_required(of_class or of_function, parsed, placeholder)
        metrics.completeness += present / required
        metrics.docstrings += 1
        params = _params(node)
        # An exception the function cannot raise is an untrue mention, even a builtin's
        # name: the figure must see what a model invents (``validate`` reports it, LD342).
        invented = set(never_raised(node, of_function, [r.exception_type
                                                         for r in parsed.raises])) \
            if parsed.raises and of_function is not None \
            and not isinstance(node, ast.ClassDef) else set()
        for name in _mentions(parsed, expr.value.value):  # type: ignore[attr-defined]
            if name in invented:
                invented.discard(name)  # once: the same name in backticks counts as a name
                metrics.unresolved.append("\0" + name)  # "\0": no name matches
            elif _parts(name) & (params | imported | _BUILTINS):
                metrics.true_here += 1
            else:
                metrics.unresolved.append(name)
        # An argument entry names a parameter (or a field, for a class); one that is not
        # there is untrue, unless ``**kwargs`` may bring it.
        takes_kwargs = not isinstance(node, ast.ClassDef) and node.args.kwarg is not None
        for entry in parsed.args:
            if bare(entry.name) in params | local or takes_kwargs:
                metrics.true_here += 1
            else:
                metrics.unresolved.append("\0" + entry.name)  # "\0": no name matches
    return metrics


def _says_something(expr: ast.Expr | None, placeholder: str) -> bool:
    """Whether a docstring is there and its summary is more than the placeholder."""
    if expr is None:
        return False
    summary = summary_of(expr.value.value)  # type: ignore[attr-defined]
    return bool(summary) and summary != placeholder


def _parts_required(facts: FunctionFacts | ClassFacts | None, parsed: ParsedDocstring,
                    placeholder: str) -> tuple[int, int]:
    """(parts the code requires, parts present) for one docstring.

    A part that holds only the placeholder (what the offline provider writes where prose is
    missing) is not present: it is there to be filled.
    """
    def said(*texts: str | None) -> bool:
        return any(t and t.strip() and t.strip() != placeholder for t in texts)

    required, present = 1, int(said(parsed.summary))
    if isinstance(facts, ClassFacts):
        if facts.asked:
            required += 1
            present += said(*(a.description for a in parsed.attributes),
                            *(a.description for a in parsed.args))
        return required, present
    if facts is None:  # neither: not reached (a def has one or the other)
        return required, present
    function = facts
    needs = [
        (bool(function.params), said(*(a.description for a in parsed.args))),
        (function.needs_returns,
         parsed.returns is not None and said(parsed.returns.description)),
        (function.documents_yield, parsed.yields is not None and
         said(parsed.yields.description)),
        (bool(function.documented_raises),
         said(*(r.description for r in parsed.raises))),
    ]
    for needed, there in needs:
        if needed:
            required += 1
            present += there
    return required, present


def _mentions(parsed: ParsedDocstring, text: str) -> Iterable[str]:
    """Raises types, and identifiers in backticks (not in examples)."""
    yield from (r.exception_type for r in parsed.raises if r.exception_type)
    prose = text
    for verbatim in (parsed.examples, parsed.typical_usage):
        if verbatim:
            prose = prose.replace(verbatim, "")
    for match in _MENTION.finditer(prose):
        if match.group(1).rpartition(".")[2] not in _FILE_SUFFIXES:
            yield match.group(1)


def _params(node: DefNode) -> set[str]:
    if isinstance(node, ast.ClassDef):
        init = init_of(node)
        return _params(init) if init is not None else set()
    args = node.args
    return {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs,
                            *filter(None, (args.vararg, args.kwarg))]}


def _class_level(node: ast.ClassDef) -> set[str]:
    """Names assigned in a class body."""
    return _assigned(node.body)


def _module_names(tree: ast.Module) -> set[str]:
    """Names assigned at module level."""
    return _assigned(tree.body)


def _assigned(body: list[ast.stmt]) -> set[str]:
    names: set[str] = set()
    for stmt in body:
        targets: list[ast.expr] = []
        if isinstance(stmt, ast.Assign):
            targets = stmt.targets
        elif isinstance(stmt, ast.AnnAssign | ast.AugAssign):
            targets = [stmt.target]
        for target in targets:
            names |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
    return names


def _imported(tree: ast.Module) -> set[str]:
    """Names bound by the file's imports (anywhere), and the modules they come from."""
    names: set[str] = set()
    stack: list[ast.stmt] = list(tree.body)
    while stack:  # statements only: an import is never inside an expression
        node = stack.pop()
        for block in child_blocks(node):
            stack.extend(block)
        if isinstance(node, ast.Import):
            for alias in node.names:
                names.add((alias.asname or alias.name).split(".")[0])
                names.update(alias.name.split("."))
        elif isinstance(node, ast.ImportFrom):
            names.update((node.module or "").split("."))
            names.update(alias.asname or alias.name for alias in node.names)
    names.discard("")
    return names
