"""Measure what ``validate --all --fix`` does to existing docstrings: words lost (goal 0).

On copies of the standard library (``Lib/``, tests excluded) and of the installed sources
of pydantic, rich and openai (real Google-style code), in a temporary folder: docstrings
compared, docstrings changed, words lost (judged by ``bench/words.py``, which knows nothing
of the package), entries removed because their argument is gone, old lines changed, lines
added, and whether a second ``--fix`` changes anything. Then the time of the fix against
the floor (``ast.parse`` of every file), in the same run.

Run: ``python -m bench.fix_words`` from the repository root.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.corpus import copy_stdlib, parse_floor
from bench.words import Tally, compare


def _copy_package(name: str, target: Path) -> None:
    spec = importlib.util.find_spec(name)
    assert spec is not None
    assert spec.origin is not None
    shutil.copytree(Path(spec.origin).parent, target / name,
                    ignore=shutil.ignore_patterns("__pycache__", "*.so"))


def _fix(folder: Path, cache: Path) -> tuple[float, str]:
    start = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "llm_doc_manager", "validate", "--all", "--fix",
                          "--yes", "-q", "."], cwd=folder, capture_output=True, text=True,
                         check=False, env={"LLM_DOC_CACHE_DIR": str(cache), "PATH": "/usr/bin"})
    return time.perf_counter() - start, run.stderr.strip().splitlines()[-1] if run.stderr else ""


def measure(name: str, before: Path, work: Path) -> None:
    """Fix a copy of ``before`` in ``work`` and print what changed."""
    shutil.copytree(before, work)
    floor = parse_floor(before.rglob("*.py"))
    seconds, summary = _fix(work, work.parent / f"{name}-cache")
    tally = Tally()
    files = 0
    for old in sorted(before.rglob("*.py")):
        new = work / old.relative_to(before)
        old_text = old.read_text(encoding="utf-8", errors="surrogateescape")
        new_text = new.read_text(encoding="utf-8", errors="surrogateescape")
        if old_text != new_text:
            files += 1
            try:
                compare(str(old.relative_to(before)), old_text, new_text, tally)
            except SyntaxError:
                print(f"  {old}: does not parse after the fix")
    snapshot = {p: p.read_bytes() for p in work.rglob("*.py")}
    _fix(work, work.parent / f"{name}-cache")
    second = sum(1 for p in work.rglob("*.py") if p.read_bytes() != snapshot[p])
    print(f"{name}: {summary}")
    print(f"  files changed {files}; docstrings in them {tally.docstrings}, "
          f"changed {tally.changed}; "
          f"words lost {len(tally.lost)}; entries removed (argument gone) "
          f"{tally.removed_entries}; old lines changed {tally.lines_changed}, lines added "
          f"{tally.lines_added}; lines changed per changed docstring "
          f"{tally.lines_changed / max(tally.changed, 1):.3f}; second fix changed {second} "
          f"files; fix {seconds:.1f} s = {seconds / floor:.1f}x the parse floor")
    for where in tally.lost[:20]:
        print("  lost:", where)


def main() -> None:
    """Run the measurement on the standard library and on three real packages."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        stdlib = root / "stdlib"
        copy_stdlib(stdlib)
        measure("stdlib", stdlib, root / "stdlib-fixed")
        real = root / "real"
        for package in ("pydantic", "rich", "openai"):
            _copy_package(package, real)
        measure("pydantic+rich+openai", real, root / "real-fixed")


if __name__ == "__main__":
    main()
