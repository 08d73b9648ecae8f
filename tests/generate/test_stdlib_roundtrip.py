"""Round trip over real code: 200 stdlib modules, every def and class marked."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bench.corpus import build_corpus
from tests.conftest import Run
from tests.helpers import assert_only_docstrings_changed, ast_without_docstrings


@pytest.mark.slow
def test_stdlib_round_trip(tmp_path: Path, llm_doc: Run) -> None:
    corpus = tmp_path / "corpus"
    # Every third module over the same stretch of the standard library (the whole of it is
    # bench/roundtrip_stdlib.py's): 200 files keep the suite inside its time budget.
    files = build_corpus(corpus, limit=200, step=3)
    assert len(files) >= 170
    before = {path: path.read_text(encoding="utf-8") for path in files}

    result = llm_doc("generate", "--yes", "--provider", "static", "-q", str(corpus))
    assert result.returncode == 0, result.stderr[-3000:]

    changed = 0
    for path, old in before.items():
        new = path.read_text(encoding="utf-8")
        changed += new != old
        ast.parse(new)
        assert ast_without_docstrings(new) == ast_without_docstrings(old), path
        assert_only_docstrings_changed(old, new)
    assert changed >= 170

    # --no-cache: the check must run again, not read back what the write recorded as clean.
    again = llm_doc("generate", "--check", "--no-cache", "--provider", "static", str(corpus))
    assert again.returncode == 0, again.stderr[-3000:]
    assert "0 files would change" in again.stderr
