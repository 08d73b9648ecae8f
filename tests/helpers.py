"""Shared test helpers: invariant checks and a canned provider that plays a model."""

from __future__ import annotations

import ast
import asyncio
import difflib
import json
import os
import shutil
from pathlib import Path
from typing import Any

from llm_doc_manager.docstrings import SCHEMA_FOR, AnySchema
from llm_doc_manager.generate.pipeline import (
    FileChange,
    FileResult,
    Options,
    Status,
    process_file,
)
from llm_doc_manager.providers.base import DocRequest, Usage
from llm_doc_manager.providers.static import StaticProvider
from llm_doc_manager.source.positions import split_lines
from tests.conftest import Run


class CannedProvider:
    """Answers from a JSON mapping ``qualname -> schema fields``, like a model would.

    Missing fields default to null / empty lists so cases stay short; the answer is still
    validated by the real pydantic schema.
    """

    name = "canned"
    keeps_human_text = False
    needs_code = True
    local = False
    model = "canned"

    def __init__(self, answers: dict[str, dict[str, Any]]) -> None:
        self.answers = answers
        self.requests: list[DocRequest] = []
        self.usage = Usage()

    async def generate(self, request: DocRequest) -> AnySchema:
        self.requests.append(request)
        schema = SCHEMA_FOR[request.kind]
        data = dict(self.answers[request.qualname])
        for name, info in schema.model_fields.items():
            if name not in data:
                data[name] = [] if "list" in str(info.annotation) else None
        return schema.model_validate(data)

    def is_cached(self, request: DocRequest) -> bool:
        del request
        return False

    def remember(self, request: DocRequest, answer: AnySchema, settled: str) -> None:
        del request, answer, settled

    async def aclose(self) -> None:
        return None


def run_file(path: Path, provider: Any = None, options: Options | None = None) -> FileResult:
    return asyncio.run(process_file(path, provider or StaticProvider(), options or Options()))


def ast_without_docstrings(text: str) -> str:
    tree = ast.parse(text)
    # An oracle independent of the package's own comparison (generate.edits.same_code).
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) \
                and node.body and isinstance(node.body[0], ast.Expr) \
                and isinstance(node.body[0].value, ast.Constant) \
                and isinstance(node.body[0].value.value, str):
            node.body = node.body[1:]
    return ast.dump(tree)


def without_docstrings(text: str) -> str:
    """The text with every docstring literal cut out by its exact span."""
    from llm_doc_manager.source.positions import SourceMap

    src = SourceMap(text)
    cuts = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                expr = body[0]
                cuts.append((src.offset(expr.lineno, expr.col_offset),
                             src.offset(expr.end_lineno or 0, expr.end_col_offset or 0)))
    parts, pos = [], 0
    for start, end in sorted(cuts):
        parts.append(text[pos:start])
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


def assert_only_docstrings_changed(before: str, after: str) -> None:
    """Outside docstrings the files are identical but for whitespace (comments included).

    A backslash line continuation counts as whitespace: splitting ``def f(): \\`` and its
    body onto their own lines drops it, as splitting ``def f(): x`` adds a line break.
    """
    old = "".join(without_docstrings(before).replace("\\\n", " ").split())
    new = "".join(without_docstrings(after).replace("\\\n", " ").split())
    if old != new:
        diff = difflib.unified_diff(split_lines(without_docstrings(before)),
                                    split_lines(without_docstrings(after)))
        raise AssertionError("non-docstring text changed:\n" + "".join(diff))


def assert_invariants(path: Path, before: str, change: FileChange, provider: Any = None,
                      options: Options | None = None, comments: bool = False) -> None:
    """The three golden invariants: parses, same AST modulo docstrings, idempotent."""
    after = change.new_text
    ast.parse(after)
    assert ast_without_docstrings(after) == ast_without_docstrings(before)
    if not comments:
        assert_only_docstrings_changed(before, after)
    data = path.read_bytes()
    path.write_bytes(change.source.encode(after))
    try:
        again = run_file(path, provider, options)
        assert isinstance(again, FileChange), again
        assert not again.changed, "second run changed the file:\n" + "".join(
            difflib.unified_diff(split_lines(after), split_lines(again.new_text)))
    finally:
        path.write_bytes(data)


def load_answers(path: Path) -> dict[str, dict[str, Any]]:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def check_golden(folder: Path, tmp_path: Path, *, comments: bool = False) -> None:
    """One golden case: ``input.py`` gives exactly ``output.py``, with the invariants.

    The folder may hold ``answer.json`` (canned model answers; else the static provider)
    and ``options.json``. ``LLM_DOC_REGEN=1`` rewrites ``output.py`` after a reviewed change.
    """
    answers = load_answers(folder / "answer.json")
    provider = CannedProvider(answers) if answers else None
    options_file = folder / "options.json"
    options = Options(**json.loads(options_file.read_text())) if options_file.exists() \
        else Options()
    path = tmp_path / "input.py"
    shutil.copyfile(folder / "input.py", path)
    os.chmod(path, 0o640)
    before = path.read_bytes()

    result = run_file(path, provider, options)

    assert isinstance(result, FileChange), result
    assert all(r.status is not Status.FAILED for r in result.regions), result.regions
    produced = result.source.encode(result.new_text)
    expected_file = folder / "output.py"
    if os.environ.get("LLM_DOC_REGEN"):
        expected_file.write_bytes(produced)
    assert produced == expected_file.read_bytes()
    assert path.read_bytes() == before, "process_file must not write"
    assert_invariants(path, result.source.text, result, provider, options, comments=comments)


def package_project(root: Path, files: dict[str, str]) -> Path:
    """A project at ``root``: a package ``pkg`` holding ``files`` (paths relative to ``pkg``)."""
    (root / "pkg").mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    (root / "pkg" / "__init__.py").write_text('"""Pkg."""\n')
    for name, text in files.items():
        path = root / "pkg" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def package_findings(root: Path, llm_doc: Run) -> set[tuple[str, str]]:
    """``validate --all`` on ``pkg`` (no cache), as (code, message) pairs."""
    done = llm_doc("validate", "--all", "--no-cache", "--format", "json", "pkg", cwd=root)
    assert done.returncode in (0, 1), done.stderr
    return {(f["code"], f["message"]) for f in json.loads(done.stdout)}


def package_generated(root: Path, name: str, llm_doc: Run) -> str:
    """What ``generate --all`` (static, no cache) writes into ``pkg/name``; the file is put back."""
    path = root / "pkg" / name
    before = path.read_text()
    done = llm_doc("generate", "--all", "--provider", "static", "--yes", "--no-cache", "pkg",
                   cwd=root)
    assert done.returncode == 0, done.stderr
    after = path.read_text()
    path.write_text(before)
    return after
