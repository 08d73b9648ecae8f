"""Files ``generate`` writes stay formatted for black and ruff format wherever they were.

Black and ruff format are run for real (both are test dependencies): a corpus is formatted
by each, documented with ``generate --all --yes``, and each formatter's ``--check`` must
pass on what we wrote.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# Real formatters at work: the slow tier, which CI runs (.ci/run).
pytestmark = pytest.mark.slow

SHAPES = '''\
import os


class Plain:
    x = 1

    def method(self, a):
        return a


class WithDoc:
    """Doc."""

    x = 1


class Error(Exception):
    pass


class OneLine: pass


def outer(a):
    def inner(b):
        return b

    return inner(a)


def commented(a):
    # a comment above a nested def
    def inner(b):
        return b

    return inner


@property
def decorated(self):
    return 1


def simple(a): return a


async def agen(n):
    for i in range(n):
        yield i
'''

MODULE_STARTS = {
    "starts_with_import.py": "import os\n\n\ndef f(a):\n    return a\n",
    "starts_with_def.py": "def f(a):\n    return a\n",
    "starts_with_comment_then_class.py": "# A comment.\nclass A:\n    pass\n",
    "starts_with_decorator.py": "import functools\n\n\n@functools.cache\ndef f():\n    return 1\n",
}


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=cwd, capture_output=True,
                          text=True, check=False, timeout=600)


def _corpus(folder: Path) -> None:
    folder.mkdir()
    (folder / "shapes.py").write_text(SHAPES)
    for name, text in MODULE_STARTS.items():
        (folder / name).write_text(text)
    spec = importlib.util.find_spec("rich")
    assert spec is not None
    assert spec.origin is not None
    shutil.copytree(Path(spec.origin).parent, folder / "rich",
                    ignore=shutil.ignore_patterns("__pycache__"))


@pytest.mark.parametrize("formatter", [("black", "-q"), ("ruff", "format", "-q")],
                         ids=["black", "ruff"])
def test_generate_keeps_formatted_files_formatted(tmp_path: Path,
                                                  formatter: tuple[str, ...]) -> None:
    corpus = tmp_path / "corpus"
    _corpus(corpus)
    formatted = _run(*formatter, ".", cwd=corpus)
    assert formatted.returncode == 0, formatted.stderr
    before = {p: p.read_text() for p in corpus.rglob("*.py")}
    generated = _run("llm_doc_manager", "generate", "--all", "--yes", ".", cwd=corpus)
    assert generated.returncode == 0, generated.stderr
    changed = [p for p in corpus.rglob("*.py") if p.read_text() != before[p]]
    assert len(changed) > 30  # the check is about files we wrote
    check = _run(*[part for part in formatter if part != "-q"], "--check", ".", cwd=corpus)
    assert check.returncode == 0, check.stdout + check.stderr
