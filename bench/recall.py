"""Recall of ``llm-doc validate`` on drift planted in real code (a labelled set made here).

For each project given (copies of real repositories, never stored in this one), functions
and classes whose Google docstrings ``validate --all`` finds clean are changed the way code
drifts, one kind at a time, and the expected finding is looked for at that definition:

- args: a parameter appended to a one-line signature (expect LD311);
- returns: ``if MUTANT: return 42`` in a function that returns nothing (LD321);
- yields: ``if MUTANT: yield 42`` (LD331);
- raises: ``if MUTANT: raise RuntimeError("m")`` (LD341);
- attributes: ``self.mutant_attr = 1`` in the ``__init__`` of a plain class that has an
  Attributes section (LD351).

Run: ``python -m bench.recall PROJECT [PROJECT...]``. Prints per kind: planted, found,
recall.
"""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

KINDS = {"args": "LD311", "returns": "LD321", "yields": "LD331", "raises": "LD341",
         "attributes": "LD351"}


def _validate(root: Path) -> list[dict[str, object]]:
    done = subprocess.run([sys.executable, "-m", "llm_doc_manager", "validate", "--all",
                           "--no-cache", "--format", "json", "-q", "."], cwd=root,
                          capture_output=True, text=True, check=False)
    found: list[dict[str, object]] = json.loads(done.stdout or "[]")
    return found


def _qualnames(tree: ast.Module) -> list[tuple[ast.AST, str]]:
    out: list[tuple[ast.AST, str]] = []

    def walk(body: list[ast.stmt], prefix: str, in_function: bool) -> None:
        for node in body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                name = prefix + node.name
                if not in_function:
                    out.append((node, name))
                walk(node.body, name + ".", in_function or not isinstance(node, ast.ClassDef))
    walk(tree.body, "", False)
    return out


def _google(node: ast.AST, section: str | None = None) -> bool:
    doc = ast.get_docstring(node)  # type: ignore[arg-type]
    if not doc or ("Args:" not in doc and "Attributes:" not in doc):
        return False
    return section is None or f"\n{section}:" in f"\n{doc}"


def _plant(kind: str, node: ast.AST, lines: list[str]) -> bool:
    """Change ``lines`` (0-based list) for one definition; False when it does not apply."""
    if kind == "attributes":
        if not isinstance(node, ast.ClassDef) or node.bases or not _google(node, "Attributes"):
            return False
        init = next((s for s in node.body if isinstance(s, ast.FunctionDef)
                     and s.name == "__init__"), None)
        if init is None:
            return False
        anchor = init.body[-1]
        indent = " " * anchor.col_offset
        lines.insert(anchor.end_lineno or anchor.lineno, f"{indent}self.mutant_attr = 1\n")
        return True
    if not isinstance(node, ast.FunctionDef) or not _google(node) or \
            not isinstance(node.body[0], ast.Expr) or len(node.body) < 2:
        return False
    first = node.body[1]
    indent = " " * first.col_offset
    if kind == "args":
        a = node.args
        header = lines[node.lineno - 1]
        if a.vararg or a.kwarg or a.kwonlyargs or a.posonlyargs or node.decorator_list or \
                node.body[0].lineno == node.lineno or not header.rstrip().endswith(":"):
            return False
        close = header.rfind(")")
        if close < 0 or header.count("(") != 1 or header.count(")") != 1:
            return False
        sep = ", " if header[header.index("(") + 1:close].strip() else ""
        lines[node.lineno - 1] = header[:close] + sep + "mutant_arg=None" + header[close:]
        return True
    if kind == "returns":
        if any((isinstance(n, ast.Return) and n.value is not None) or
               isinstance(n, ast.Yield | ast.YieldFrom) for n in ast.walk(node)) or \
                node.returns is not None:
            return False
        statement = "return 42"
    elif kind == "yields":
        if any(isinstance(n, ast.Yield | ast.YieldFrom | ast.Return) for n in ast.walk(node)) \
                or node.returns is not None:
            return False
        statement = "yield 42"
    else:
        statement = 'raise RuntimeError("m")'
    lines.insert(first.lineno - 1, f"{indent}if MUTANT:\n{indent}    {statement}\n")
    return True


def measure(project: Path, kind: str) -> tuple[int, int]:
    """Plant one kind of drift in a copy of ``project``; return (planted, found)."""
    clean_before = _validate(project)
    flagged = {(str(f["path"]), str(f["message"]).split(":", 1)[0]) for f in clean_before
               if f["code"] != "LD364"}
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "p"
        shutil.copytree(project, copy, symlinks=True)
        planted: set[tuple[str, str]] = set()
        for path in sorted(copy.rglob("*.py")):
            rel = path.relative_to(copy).as_posix()
            try:
                text = path.read_text(encoding="utf-8")
                tree = ast.parse(text)
            except (SyntaxError, UnicodeDecodeError, ValueError):
                continue
            lines = text.splitlines(keepends=True)
            chosen = [(n, q) for n, q in _qualnames(tree) if (rel, q) not in flagged]
            # Bottom-up, so earlier line numbers stay right.
            for node, qualname in sorted(chosen, key=lambda c: -c[0].lineno):  # type: ignore[attr-defined]
                if _plant(kind, node, lines):
                    planted.add((rel, qualname))
            if planted:
                path.write_text("".join(lines), encoding="utf-8")
        after = _validate(copy)
        hits = {(str(f["path"]), str(f["message"]).split(":", 1)[0]) for f in after
                if f["code"] == KINDS[kind]}
    return len(planted), len(planted & hits)


def main(argv: list[str]) -> None:
    """Measure every kind on every project given and print the table."""
    totals: Counter[str] = Counter()
    for name in argv:
        for kind in KINDS:
            planted, found = measure(Path(name), kind)
            totals[kind + ":planted"] += planted
            totals[kind + ":found"] += found
    print(f"{'kind':12} {'planted':>8} {'found':>8} {'recall':>8}")
    for kind in KINDS:
        planted, found = totals[kind + ":planted"], totals[kind + ":found"]
        recall = f"{100 * found / planted:.1f}%" if planted else "n/a"
        print(f"{kind:12} {planted:8} {found:8} {recall:>8}")


if __name__ == "__main__":
    main(sys.argv[1:])
