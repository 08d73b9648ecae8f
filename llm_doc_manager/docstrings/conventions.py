"""A project's docstring conventions, learned from its own Google-style docstrings.

What is new (a docstring, a section, an entry) is written the way the project already
writes: heading spellings (``Parameters:`` rather than ``Args:``), the indentation of a
section's entries, whether and how entries carry types, whether a blank line follows the
summary, and whether a module docstring sits below the comment header of a file.

Each choice is learned from the first place that shows it: the file itself, then the
other files of its folder, then a bounded sample of the project (the nearest folder up
holding ``pyproject.toml``, ``setup.py``, ``setup.cfg`` or ``.git``). The majority wins;
a tie goes to the tool's default, then to the first spelling in sorted order, so the same
project always gives the same answer. Nothing learned: the tool's defaults. This is the
one module of ``docstrings`` that reads files (other files of the project, never written).
"""

from __future__ import annotations

import ast
import functools
import os
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from llm_doc_manager.config import CONVENTIONS_CHOICES, TYPES_CHOICES
from llm_doc_manager.docstrings.layout import Layout, Style, leading, read_layout
from llm_doc_manager.docstrings.sections import HEADINGS, Section
from llm_doc_manager.source.discovery import PROJECT_MARKERS

#: Files read per folder and per project, at most; larger files are skipped.
SAMPLE_FILES = 200
_MAX_FILE_BYTES = 1_000_000
#: Paths listed while walking a project, at most, before the sample is drawn from them.
_MAX_LISTED = 5000
_SKIPPED_DIRS = frozenset({"__pycache__", "node_modules", "site-packages", "venv", "build",
                           "dist"})
_CODING_RE = re.compile(r"^[ \t\f]*#.*?coding[:=][ \t]*[-\w.]+")
_LICENCE_RE = re.compile(r"copyright|licen[cs]e|spdx-", re.I)

_T = TypeVar("_T")

__all__ = ["CONVENTIONS_CHOICES", "DEFAULT", "TYPES_CHOICES", "Evidence", "HouseStyle",
           "header_end", "house_style", "module_docstring_below"]


@dataclass
class Evidence:
    """What the docstrings of some files show, as counts.

    Attributes:
        headings: Spellings of each section's heading.
        units: Indentation of a section's body relative to its heading.
        hangings: Indentation of an entry's continuation lines relative to the entry.
        typed: Whether Args/Attributes entries carry a type.
        backticks: Whether the types written there are in backticks.
        blank: Whether a blank line separates the summary from a section right after it.
        below_header: Whether a module docstring sits below the file's comment header.
    """

    headings: dict[Section, Counter[str]] = field(default_factory=dict)
    units: Counter[str] = field(default_factory=Counter)
    hangings: Counter[str] = field(default_factory=Counter)
    typed: Counter[bool] = field(default_factory=Counter)
    backticks: Counter[bool] = field(default_factory=Counter)
    blank: Counter[bool] = field(default_factory=Counter)
    below_header: Counter[bool] = field(default_factory=Counter)

    def add_docstring(self, value: str) -> None:
        """Count what one docstring shows (nothing unless it is Google style).

        Args:
            value: The docstring's value.
        """
        if ":\n" not in value and ":\r" not in value:
            return  # no line ends with a colon: no section heading (most docstrings)
        layout = read_layout(value)
        if layout.style is not Style.GOOGLE:
            return
        lines = layout.lines
        for block in layout.blocks:
            if block.section is not None:
                self.headings.setdefault(block.section, Counter())[block.heading] += 1
            head_indent = leading(lines[block.start])
            if block.body_indent.startswith(head_indent) and \
                    len(block.body_indent) > len(head_indent):
                self.units[block.body_indent[len(head_indent):]] += 1
            if block.section not in (Section.ARGS, Section.ATTRIBUTES):
                continue
            for entry in block.entries:
                if not entry.well_formed:
                    continue
                self.typed[entry.type_hint is not None] += 1
                if entry.type_hint is not None:
                    self.backticks["`" in entry.type_hint] += 1
                if entry.end > entry.start + 1:
                    head, nxt = lines[entry.start], lines[entry.start + 1]
                    if nxt.strip() and len(leading(nxt)) > len(leading(head)) and \
                            leading(nxt).startswith(leading(head)):
                        self.hangings[leading(nxt)[len(leading(head)):]] += 1
        self._blank(layout)

    def _blank(self, layout: Layout) -> None:
        """Count whether a blank line follows the summary when a section comes next."""
        first = layout.blocks[0].start
        between = range(layout.summary[1], first)
        if layout.summary[0] < layout.summary[1] and \
                all(not layout.lines[i].strip() for i in between):
            self.blank[first > layout.summary[1]] += 1

    def add_tree(self, tree: ast.Module, lines: list[str] | None) -> None:
        """Count the docstrings of a parsed file (and its module docstring's place).

        Args:
            tree: The file's tree.
            lines: Its lines, to see where the module docstring sits (None: not counted).
        """
        for node in _doc_holders(tree):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and \
                    isinstance(body[0].value, ast.Constant) and \
                    isinstance(body[0].value.value, str):
                self.add_docstring(body[0].value.value)
        if lines is not None:
            below = module_docstring_below(tree, lines)
            if below is not None:
                self.below_header[below] += 1

    @property
    def empty(self) -> bool:
        """Whether nothing at all was learned."""
        return not (self.headings or self.units or self.typed or self.blank or
                    self.below_header)


# Statements holding blocks a def may sit in (``try*`` exists from 3.11 on).
_BLOCKS = (ast.If, ast.Try, getattr(ast, "TryStar", ast.Try), ast.With, ast.AsyncWith, ast.For,
           ast.AsyncFor, ast.While)


def _doc_holders(tree: ast.Module) -> Iterator[ast.Module | ast.ClassDef | ast.FunctionDef |
                                              ast.AsyncFunctionDef]:
    """The module and every def and class, without recursing through expressions."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node
            stack.extend(reversed(node.body))
        elif isinstance(node, _BLOCKS):
            # ``with`` has no ``orelse``; ``try`` also has handlers and ``finalbody``.
            nested = [*node.body, *getattr(node, "orelse", ()), *getattr(node, "finalbody", ())]
            for handler in getattr(node, "handlers", ()):
                nested.extend(handler.body)
            stack.extend(reversed(nested))


def header_end(lines: list[str], first_stmt: int) -> int | None:
    """The last line of a file's comment header, or None when it has none.

    The header is the comment lines at the top of a file (after a shebang and an encoding
    line) that end with a blank line, or that read as a licence or copyright notice: a
    comment directly above the first statement is about that statement.

    Args:
        lines: The file's lines.
        first_stmt: Line number (1-based) of the first statement, or past the end.

    Returns:
        Its last line number (1-based).
    """
    number = 1
    if lines and lines[0].startswith("#!"):
        number = 2
    while number <= 2 and number <= len(lines) and _CODING_RE.match(lines[number - 1]):
        number += 1
    end: int | None = None
    paragraph: list[str] = []
    while number < first_stmt and number <= len(lines):
        stripped = lines[number - 1].strip()
        if stripped.startswith("#"):
            paragraph.append(stripped)
        elif not stripped:
            if paragraph:
                end = number - 1
            paragraph = []
        else:
            break
        number += 1
    if paragraph and _LICENCE_RE.search(" ".join(paragraph)):
        end = number - 1
    return end


def module_docstring_below(tree: ast.Module, lines: list[str]) -> bool | None:
    """Whether a file's module docstring sits below its comment header.

    Args:
        tree: The file's tree.
        lines: Its lines.

    Returns:
        True (below it), False (above a licence comment), None (no header or no docstring).
    """
    body = tree.body
    if not body or not isinstance(body[0], ast.Expr) or \
            not isinstance(body[0].value, ast.Constant) or \
            not isinstance(body[0].value.value, str):
        return None
    doc = body[0]
    if header_end(lines, doc.lineno) is not None:
        return True
    after = body[1].lineno if len(body) > 1 else len(lines) + 1
    following = [line.strip() for line in lines[(doc.end_lineno or doc.lineno):after - 1]]
    comments = " ".join(line for line in following if line.startswith("#"))
    return False if _LICENCE_RE.search(comments) else None


def _parse(path: Path) -> tuple[ast.Module, list[str]] | None:
    """A file's tree and lines, or None when it cannot be read or parsed."""
    try:
        with path.open("rb") as handle:
            data = handle.read(_MAX_FILE_BYTES + 1)
        if len(data) > _MAX_FILE_BYTES:
            return None
        tree = ast.parse(data)
    except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    text = data.decode("utf-8", "replace")
    return tree, text.splitlines()


def _learn_files(paths: list[Path]) -> Evidence:
    evidence = Evidence()
    for path in paths:
        parsed = _parse(path)
        if parsed is not None:
            evidence.add_tree(*parsed)
    return evidence


def _python_files(folder: Path) -> list[Path]:
    """The regular ``.py`` files of a folder (links not followed), sorted."""
    try:
        with os.scandir(folder) as entries:
            return sorted(Path(e.path) for e in entries
                          if e.name.endswith(".py") and e.is_file(follow_symlinks=False))
    except OSError:
        return []


def _sample(paths: list[Path]) -> list[Path]:
    """At most ``SAMPLE_FILES`` paths, evenly spread over the sorted list."""
    if len(paths) <= SAMPLE_FILES:
        return paths
    step = len(paths) / SAMPLE_FILES
    return [paths[int(i * step)] for i in range(SAMPLE_FILES)]


@functools.lru_cache(maxsize=256)
def folder_evidence(folder: Path) -> Evidence:
    """What the Python files of one folder show (cached for the process's life).

    The file being documented is counted too: its own evidence is looked at first, so it
    adds nothing here to a choice it did not show.

    Args:
        folder: The folder, not walked into.

    Returns:
        The counts.
    """
    return _learn_files(_sample(_python_files(folder)))


def project_root(folder: Path) -> Path | None:
    """The nearest folder up from ``folder`` (itself included) that marks a project."""
    for candidate in (folder, *folder.parents):
        if any(os.path.lexists(candidate / marker) for marker in PROJECT_MARKERS):
            return candidate
    return None


@functools.lru_cache(maxsize=16)
def project_evidence(root: Path) -> Evidence:
    """What a bounded, evenly spread sample of a project's Python files shows.

    The walk is sorted (so the sample is the same each time), skips hidden, cache and
    virtual-environment folders, never follows links, and stops after ``_MAX_LISTED`` files.

    Args:
        root: The project's folder.

    Returns:
        The counts.
    """
    found: list[Path] = []
    # An explicit stack, not os.walk (recursive: a tree a thousand folders deep ends it
    # with a RecursionError before Python 3.12); only regular files are taken, so a FIFO
    # named ``x.py`` is never opened (its open would wait for a writer forever).
    stack = [root]
    visited = 0
    while stack and len(found) < _MAX_LISTED and visited < 4 * _MAX_LISTED:
        current = stack.pop()
        visited += 1  # both bounds: many files, or many folders holding none
        try:
            with os.scandir(current) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError:
            continue
        folders = []
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    if not entry.name.startswith(".") and entry.name not in _SKIPPED_DIRS:
                        folders.append(Path(entry.path))
                elif entry.name.endswith(".py") and entry.is_file(follow_symlinks=False):
                    found.append(Path(entry.path))
            except OSError:
                continue
        stack.extend(reversed(folders))
    return _learn_files(_sample(found[:_MAX_LISTED]))


def _majority(counts: Counter[_T], default: _T) -> _T:
    """The most frequent value; a tie goes to ``default``, then to the smallest by repr."""
    best = max(counts.values())
    tied = [value for value, count in counts.items() if count == best]
    if default in tied:
        return default
    return min(tied, key=repr)


class HouseStyle:
    """How new docstring text is written: learned (lazily, level by level) or pinned.

    Each choice is looked up the first time it is needed, in the file's evidence, then
    its folder's, then its project's: a file whose choices its own docstrings show costs
    no read of other files. ``None`` for a choice means "nothing learned": the caller's
    default applies (the code's indentation step, the tool's heading spelling, ...).
    """

    def __init__(self, levels: tuple[Callable[[], Evidence], ...] = (),
                 types: str = "auto") -> None:
        """Keep where to learn from.

        Args:
            levels: Evidence of the file, its folder and its project, computed on demand.
            types: The ``types`` pin (``auto``, ``always`` or ``never``).
        """
        self._levels = levels
        self._cache: dict[int, Evidence] = {}
        self.types = types

    def _level(self, index: int) -> Evidence:
        if index not in self._cache:
            self._cache[index] = self._levels[index]()
        return self._cache[index]

    def _learned(self, pick: Callable[[Evidence], Counter[_T]], default: _T) -> _T | None:
        for index in range(len(self._levels)):
            counts = pick(self._level(index))
            if counts:
                return _majority(counts, default)
        return None

    def heading(self, section: Section) -> str:
        """The heading to write for a section (the tool's own when nothing is learned)."""
        default = HEADINGS[section]
        learned = self._learned(lambda e: e.headings.get(section, Counter()), default)
        return learned or default

    @functools.cached_property
    def unit(self) -> str | None:
        """A section body's indentation relative to its heading, if learned."""
        return self._learned(lambda e: e.units, "    ")

    @functools.cached_property
    def hanging(self) -> str | None:
        """An entry's continuation indentation relative to the entry, if learned."""
        return self._learned(lambda e: e.hangings, self.unit or "    ")

    @functools.cached_property
    def typed(self) -> bool | None:
        """Whether entries carry types: pinned, learned, or None."""
        if self.types != "auto":
            return self.types == "always"
        return self._learned(lambda e: e.typed, True)

    @functools.cached_property
    def backticks(self) -> bool:
        """Whether a type is written in backticks (``x (`int`):``)."""
        learned: bool | None = self._learned(lambda e: e.backticks, False)
        return bool(learned)

    @functools.cached_property
    def blank_after_summary(self) -> bool:
        """Whether a blank line separates the summary from the first section."""
        learned = self._learned(lambda e: e.blank, True)
        return True if learned is None else learned

    @functools.cached_property
    def below_header(self) -> bool:
        """Whether a new module docstring goes below the file's comment header."""
        learned = self._learned(lambda e: e.below_header, True)
        return True if learned is None else learned


#: Nothing learned and nothing pinned: the tool's own way of writing.
DEFAULT = HouseStyle()


def house_style(tree: ast.Module, path: Path, types: str = "auto",
                learn: bool = True) -> HouseStyle:
    """The conventions new text in one file follows.

    Args:
        tree: The file's tree (its own docstrings are the first evidence).
        path: The file, to find its folder and project.
        types: The ``types`` pin.
        learn: Whether to learn at all (``conventions = "default"``: the tool's defaults).

    Returns:
        The conventions, each learned on first use.
    """
    if not learn:
        return HouseStyle((), types)

    def own() -> Evidence:
        evidence = Evidence()
        evidence.add_tree(tree, None)
        return evidence

    folder = path.absolute().parent
    levels: list[Callable[[], Evidence]] = [own, lambda: folder_evidence(folder)]
    root = project_root(folder)
    if root is not None:
        levels.append(lambda: project_evidence(root))
    return HouseStyle(tuple(levels), types)
