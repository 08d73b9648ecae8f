"""``--fix`` on real Google-style code nobody here wrote: every word a person wrote survives.

The installed sources of three of our dependencies (pydantic, rich, openai: about 1,400
``Args:`` sections) are copied to a temporary folder at test time (nothing is copied into
the repository) and synced with the real command line. The judge is ``bench/words.py``,
written against ``ast`` and ``difflib`` only.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench.words import Tally, compare
from tests.helpers import ast_without_docstrings

# Real code at size: the slow tier, which CI runs (.ci/run); the README's command leaves it out.
pytestmark = pytest.mark.slow

PACKAGES = ("pydantic", "rich", "openai")


def _installed(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    assert spec is not None, name
    assert spec.origin is not None, name
    return Path(spec.origin).parent


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    root = tmp_path_factory.mktemp("real")
    before, after = root / "before", root / "after"
    for name in PACKAGES:
        shutil.copytree(_installed(name), before / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.so", "*.pyd"))
    shutil.copytree(before, after)
    env_cache = root / "cache"
    run = subprocess.run([sys.executable, "-m", "llm_doc_manager", "validate", "--all", "--fix",
                          "--yes", "-q", "."], cwd=after, capture_output=True, text=True,
                         check=False, timeout=900,
                         env={"LLM_DOC_CACHE_DIR": str(env_cache), "PATH": "/usr/bin:/bin"})
    assert run.returncode in (0, 1), run.stderr
    return before, after, run.stderr


def test_every_word_survives_a_fix(synced: tuple[Path, Path, str]) -> None:
    before, after, summary = synced
    tally = Tally()
    changed = 0
    for old in sorted(before.rglob("*.py")):
        new = after / old.relative_to(before)
        old_text = old.read_text(encoding="utf-8")
        new_text = new.read_text(encoding="utf-8")
        if old_text == new_text:
            continue
        changed += 1
        assert ast_without_docstrings(old_text) == ast_without_docstrings(new_text), old
        compare(str(old.relative_to(before)), old_text, new_text, tally)
    # The corpus has real drift: the test would notice no work. (openai's files generated
    # by Stainless are left alone: their generator owns their text.)
    assert changed > 30, summary
    # (97 docstrings on 2026-12-07, once an unread **kwargs and a _name argument were no
    # longer asked for.)
    assert tally.changed > 80
    assert tally.lost == [], tally.lost[:20]
    # Lines of existing docstrings are rarely touched: entries and sections are added.
    # (17 of 323 on 2026-12-07: fewer sections are added where the project writes none.)
    assert tally.lines_changed < tally.lines_added / 15


def test_a_second_fix_changes_nothing(synced: tuple[Path, Path, str]) -> None:
    _, after, _ = synced
    snapshot = {p: p.read_bytes() for p in after.rglob("*.py")}
    run = subprocess.run([sys.executable, "-m", "llm_doc_manager", "validate", "--all", "--fix",
                          "--yes", "--select", "fixable", "."], cwd=after,
                         capture_output=True, text=True, check=False, timeout=900)
    assert "fix: 0 files changed" in run.stderr or "no findings" in run.stderr, run.stderr
    assert {p: p.read_bytes() for p in after.rglob("*.py")} == snapshot
