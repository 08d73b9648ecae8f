"""An independent check that an update kept every word of the docstrings it touched.

Written against ``ast`` and ``difflib`` only (no code of the package), so it can judge the
package: the docstrings of two versions of a file are paired by their place in the tree,
and every word of the old docstring must still be in the new one, except the words of a
deleted entry whose argument the function no longer has (``name: ...``, NumPy's
``name : type`` and its indented text, Sphinx's ``:param name: ...`` and ``:type name:``).
"""

from __future__ import annotations

import ast
import difflib
import re
from collections import Counter
from dataclasses import dataclass, field

_WORD_RE = re.compile(r"\S+")
_ENTRY_RE = re.compile(r"\s*\**([A-Za-z_]\w*)\s*(?:\(|:)")
# A Sphinx field of an argument: ``:param x:``, ``:param int x:``, ``:type x:``, ``:param \*\*kw:``.
_FIELD_RE = re.compile(r"\s*:(?:param|parameter|arg|argument|key|keyword|type)\s+"
                       r"(?:[^:]*\s)?(?:\\?\*)*([A-Za-z_]\w*)\s*:")


def _entry_name(line: str) -> str | None:
    """The argument a docstring line starts an entry of (Google, NumPy or Sphinx), if any."""
    match = _FIELD_RE.match(line) or _ENTRY_RE.match(line)
    return match.group(1) if match else None
_TYPED_RE = re.compile(r"\s*(\**[A-Za-z_]\w*)\s*\(([^)]*)\)\s*:")
_PREFIX_RE = re.compile(r"\s*(.+?):(\s.*|)$")
# Words of type markup: a retype must keep them (``*optional*``, ``defaults to 2``).
_MARKUP = frozenset({"optional", "defaults", "default", "to"})


def _in_line_edit(old: str, new: str) -> Counter[str]:
    """Words an entry line may lose when only its name or its type changed."""
    allowed: Counter[str] = Counter()
    old_entry, new_entry = _ENTRY_RE.match(old), _ENTRY_RE.match(new)
    if old_entry and new_entry and old_entry.group(1) != new_entry.group(1):
        allowed.update(_WORD_RE.findall(old[:old_entry.end()]))
    old_typed, new_typed = _TYPED_RE.match(old), _TYPED_RE.match(new)
    if old_typed and new_typed:
        for word in _WORD_RE.findall(old[:old_typed.end()]):
            if word.strip("`*(),:").lower() not in _MARKUP:
                allowed[word] += 1
    old_prefix, new_prefix = _PREFIX_RE.match(old), _PREFIX_RE.match(new)
    if old_prefix and new_prefix and old_prefix.group(2) == new_prefix.group(2):
        allowed.update(_WORD_RE.findall(old[:old_prefix.end(1) + 1]))
    return allowed


@dataclass
class Tally:
    """What changed in the docstrings of a set of files.

    Attributes:
        docstrings: Existing docstrings compared.
        changed: Existing docstrings that changed.
        lost: Words lost, with where: ``(file, qualname, word)``.
        removed_entries: Entries deleted because their argument is gone.
        lines_changed: Old docstring lines replaced or deleted.
        lines_added: Lines added to existing docstrings.
    """

    docstrings: int = 0
    changed: int = 0
    lost: list[tuple[str, str, str]] = field(default_factory=list)
    removed_entries: int = 0
    lines_changed: int = 0
    lines_added: int = 0


def _docstrings(tree: ast.AST) -> dict[str, tuple[str, set[str]]]:
    """Docstrings by place, with the names of each function's parameters."""
    found: dict[str, tuple[str, set[str]]] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        # Places are names (and the kind and rank of other nodes), not positions among the
        # siblings: a docstring added above them (a new module docstring) must not shift
        # every later place, pairing each docstring with another one's.
        seen: Counter[str] = Counter()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                key = child.name
            else:
                key = type(child).__name__
            seen[key] += 1
            place = f"{prefix}/{key}#{seen[key]}"
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                doc = ast.get_docstring(child, clean=False)
                params: set[str] = set()
                if not isinstance(child, ast.ClassDef):
                    args = child.args
                    params = {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)}
                    params |= {a.arg for a in (args.vararg, args.kwarg) if a is not None}
                if doc is not None:
                    found[place] = (doc, params)
            visit(child, place)

    if isinstance(tree, ast.Module):
        doc = ast.get_docstring(tree, clean=False)
        if doc is not None:
            found["<module>"] = (doc, set())
    visit(tree, "")
    return found


def _removed_entries(lines: list[str], params: set[str], new: str, tally: Tally
                     ) -> Counter[str]:
    """Words of removed lines that belong to entries of arguments the function lacks.

    An entry whose description still appears in the new docstring was renamed, not
    removed: its words are not excused. Called only for a pure removal (no argument
    appeared): the one deletion the tool may make.
    """
    allowed: Counter[str] = Counter()
    inside = False
    head_indent = 0
    for line in lines:
        indent = len(line) - len(line.lstrip())
        name = _entry_name(line)
        if name is not None and (not inside or indent <= head_indent):
            field = _FIELD_RE.match(line)
            description = (line[field.end():] if field else line.partition(":")[2]).strip()
            inside = name not in params and bool(params) and \
                not (description and description in new)
            head_indent = indent
            # A ``:type x:`` line belongs to the ``:param x:`` entry counted already.
            tally.removed_entries += inside and not line.lstrip().startswith(":type")
        elif inside and line.strip() and indent <= head_indent:
            inside = False
        if inside:
            allowed.update(_WORD_RE.findall(line))
    return allowed


def compare(path: str, before: str, after: str, tally: Tally) -> None:
    """Add one file's docstring changes to ``tally``.

    Args:
        path: The file, for the report.
        before: Its text before the update.
        after: Its text after.
        tally: Where the counts go.
    """
    old_docs = _docstrings(ast.parse(before))
    new_docs = _docstrings(ast.parse(after))
    for place, (old, _) in old_docs.items():
        tally.docstrings += 1
        new, params = new_docs.get(place, ("", set()))
        # Words of a gone entry are excused only for a pure removal: no argument of the
        # signature lacks an entry (no "new" argument); otherwise the tool keeps them (a
        # rename it is not certain of is left to a person).
        documented = {name for name in map(_entry_name, old.split("\n")) if name}
        pure_removal = not (params - documented - {"self", "cls"})
        if new == old:
            continue
        tally.changed += 1
        old_lines, new_lines = old.split("\n"), new.split("\n")
        allowed: Counter[str] = Counter()
        matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag in ("replace", "delete"):
                tally.lines_changed += i2 - i1
            if tag in ("replace", "insert"):
                tally.lines_added += j2 - j1
            if tag == "replace":
                for old_line in old_lines[i1:i2]:
                    # The line it became: the most similar one of the replacement.
                    best = max(new_lines[j1:j2], key=lambda new_line, old_line=old_line:
                               difflib.SequenceMatcher(a=old_line, b=new_line).ratio())
                    allowed += _in_line_edit(old_line, best)
            if tag in ("replace", "delete") and pure_removal:
                allowed += _removed_entries(old_lines[i1:i2], params, new, tally)
        lost = Counter(_WORD_RE.findall(old)) - Counter(_WORD_RE.findall(new)) - allowed
        tally.lost.extend((path, place, word) for word in sorted(lost.elements()))
