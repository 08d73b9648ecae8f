"""validate's learning spread over worker processes finds exactly what one process finds.

With worker processes, the files the conventions and class facts are learned from are read
and parsed in the workers (``Learning.prime(spread=...)``) and what they show is kept in
the result store; the checks run in the same pool. Whatever the route (one process,
workers, a store that knows some of it, a forged store row), the findings are the same.
Each test runs ``validate`` four or five times on a project just above the workers'
threshold (``_PARALLEL_FROM`` files): about 2-3 s.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from llm_doc_manager.validate.collect import _PARALLEL_FROM
from tests.conftest import Run

BASE = '''"""Bases."""


class Shape:
    """A shape."""

    def area(self, scale):
        """The area.

        Parameters
        ----------
        scale : float
            The factor.

        Returns
        -------
        float
            The area.
        """
        return scale
'''

# Module docstrings are rare in the project (so LD301 on modules depends on the learning),
# each file's docstrings are NumPy-style, and some drift.
SHAPE = '''from pkg.base import Shape


class Shape{n}(Shape):
    """Shape number {n}."""

    def area(self, scale):
        return scale * {n}


def make{n}(size, colour=None):
    """Make a shape.

    Parameters
    ----------
    size : int
        The size.
    extra : str
        Gone from the signature.

    Returns
    -------
    Shape{n}
        The shape.
    """
    return Shape{n}()


def width{n}(a, b):
    """Width.

    Parameters
    ----------
    b : int
        Second.
    a : int
        First.
    """
    if a:
        raise ValueError(b)
    return a
'''


def _project(root: Path) -> Path:
    """A numpy-style project with more files than the workers' threshold."""
    package = root / "pkg"
    (package / "sub").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'pkg'\n")
    (package / "__init__.py").write_text("")
    (package / "base.py").write_text(BASE)
    for n in range(_PARALLEL_FROM + 6):
        folder = package / "sub" if n % 2 else package
        (folder / f"shape{n}.py").write_text(SHAPE.format(n=n))
    (package / "sub" / "__init__.py").write_text("")
    (package / "broken.py").write_text("def broken(:\n")
    (package / "latin.py").write_bytes(b'"""Caf\xe9."""\n')
    return root


def _findings(root: Path, llm_doc: Run, *args: str) -> str:
    done = llm_doc("validate", "--all", "--format", "json", *args, "pkg", cwd=root)
    assert done.returncode == 1, done.stderr
    assert "internal error" not in done.stderr
    return done.stdout


def test_workers_find_what_one_process_finds(tmp_path: Path, llm_doc: Run) -> None:
    root = _project(tmp_path / "p")
    alone = _findings(root, llm_doc, "--no-cache", "-j", "1")
    found = json.loads(alone)
    codes = {f["code"] for f in found}
    # The learned and cross-file parts are exercised: drift in the NumPy sections, and the
    # undocumented override of a documented base method is not asked for.
    assert {"LD311", "LD312", "LD313", "LD001"} <= codes, codes
    assert not any("Shape3.area" in f["message"] for f in found)
    assert _findings(root, llm_doc, "--no-cache", "-j", "2") == alone
    # With the store: cold through the workers (what they learned is kept by content, so a
    # warm run hashes the files instead of parsing them), then warm in one process.
    assert _findings(root, llm_doc, "-j", "2") == alone
    kept = _learned_rows(tmp_path)
    assert kept["evidence"] >= _PARALLEL_FROM + 8, kept
    assert kept["bases"] >= _PARALLEL_FROM + 7, kept
    assert _findings(root, llm_doc, "-j", "1") == alone


def _learned_rows(tmp_path: Path) -> dict[str, int]:
    """How many evidence and class facts rows the run's result stores hold."""
    counts = {"evidence": 0, "bases": 0}
    for store in (tmp_path.parent / f"{tmp_path.name}-cache").rglob("validate-*.sqlite3"):
        with sqlite3.connect(store) as db:
            for kind in counts:
                counts[kind] += db.execute("SELECT count(*) FROM results WHERE key LIKE ?",
                                           (kind + "-%",)).fetchone()[0]
    return counts


def test_a_store_that_knows_part_of_it(tmp_path: Path, llm_doc: Run) -> None:
    """Evidence stored without class facts (a run without --all), then forged rows."""
    root = _project(tmp_path / "p")
    alone = _findings(root, llm_doc, "--no-cache", "-j", "1")
    done = llm_doc("validate", "-j", "2", "pkg", cwd=root)  # learns evidence only
    assert "internal error" not in done.stderr
    assert _findings(root, llm_doc, "-j", "2") == alone
    cache = tmp_path.parent / f"{tmp_path.name}-cache"
    stores = list(cache.rglob("validate-*.sqlite3"))
    assert stores
    for store in stores:
        with sqlite3.connect(store) as db:
            # Every learned row forged, every result row gone: all learned again.
            db.execute("UPDATE results SET value = '[1' WHERE key LIKE 'evidence-%' OR "
                       "key LIKE 'bases-%'")
            db.execute("DELETE FROM results WHERE key NOT LIKE 'evidence-%' AND "
                       "key NOT LIKE 'bases-%'")
    assert _findings(root, llm_doc, "-j", "2") == alone
