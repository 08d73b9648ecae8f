"""Renames only when certain: an entry whose argument left the signature keeps its words.

Golden cases in ``golden/renames/`` have the shape of ``tests/generate/golden`` (``input.py``,
the expected ``output.py``, optional ``answer.json`` and ``options.json``) and are checked
the same way: exact bytes, the output parses, its AST equals the input's without
docstrings, and a second run changes nothing. Set ``LLM_DOC_REGEN=1`` to rewrite the
expected outputs after reviewing a change.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from llm_doc_manager.docstrings.sync import spelt_alike
from llm_doc_manager.generate.pipeline import FileChange, Status
from tests.conftest import Run
from tests.helpers import check_golden

CASES = Path(__file__).parent / "golden" / "renames"


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if p.is_dir()))
def test_golden(case: str, tmp_path: Path) -> None:
    check_golden(CASES / case, tmp_path)


@pytest.mark.parametrize(("old", "new"), [
    ("rng", "rngs"), ("lengths", "length"), ("index", "indexes"), ("entry", "entries"),
    ("seq_len", "seqlen"), ("_x", "x"), ("x_", "x"), ("maxLen", "max_len"),
    ("MaxLens", "max_len"), ("**options", "option"),
])
def test_spelling_rules_accept(old: str, new: str) -> None:
    assert spelt_alike(old, new)
    assert spelt_alike(new, old)


@pytest.mark.parametrize(("old", "new"), [
    ("lengths", "seq_lengths"), ("fn", "scope_tree"), ("old_rate", "tax_rate"),
    ("width", "height"), ("x", "y"), ("rng", "rngs_key"), ("rate", "ratio"),
    ("data", "datum"),
])
def test_spelling_rules_refuse(old: str, new: str) -> None:
    assert not spelt_alike(old, new)


LENGTHS = (CASES / "lengths_kept_two_more_new" / "input.py").read_text()
RENAMES = '''def area(width: float, height: float, depth: float) -> float:
    """Volume of a box.

    Args:
        w: The horizontal side.
        heights: The vertical side.
        depth: The third side.
        unit: No longer taken.

    Returns:
        The volume.
    """
    return width * height * depth
'''


def test_kept_entry_is_flagged_by_validate(tmp_path: Path, llm_doc: Run) -> None:
    (tmp_path / "m.py").write_text(LENGTHS)
    first = llm_doc("generate", "--all", "--yes", "--provider", "static", "m.py")
    assert first.returncode == 0, first.stderr
    assert "entries: 1 kept for a person" in first.stderr, first.stderr
    assert "lengths (Array): The number of real tokens" in (tmp_path / "m.py").read_text()
    found = llm_doc("validate", "--all", "m.py")
    assert found.returncode == 1
    assert "LD312 pack: documented argument 'lengths' is not in the signature" in found.stdout


def test_summary_counts_renamed_and_removed(tmp_path: Path, llm_doc: Run) -> None:
    # ``heights`` -> ``height`` by the plural rule. ``w`` is not paired with ``width``: three
    # entries are gone, so the position rule does not apply; and ``width`` is still new,
    # so ``w`` and ``unit`` are kept for a person.
    (tmp_path / "m.py").write_text(RENAMES)
    run = llm_doc("generate", "--all", "--diff", "--provider", "static", "m.py")
    assert run.returncode == 0, run.stderr
    assert "entries: 1 renamed, 2 kept for a person" in run.stderr, run.stderr
    (tmp_path / "m.py").write_text(RENAMES.replace("width: float, ", "w: float, ")
                                   .replace("return width", "return w"))
    run = llm_doc("generate", "--all", "--diff", "--provider", "static", "m.py")
    assert run.returncode == 0, run.stderr
    assert "entries: 1 renamed, 1 removed" in run.stderr, run.stderr
    assert "kept" not in run.stderr
    (tmp_path / "n.py").write_text("def f(a: int) -> int:\n    return a\n")
    plain = llm_doc("generate", "--all", "--diff", "--provider", "static", "n.py")
    assert "entries:" not in plain.stderr  # nothing to count: the line stays as it was


def test_summary_takes_back_what_a_reviewer_declined(tmp_path: Path) -> None:
    from llm_doc_manager.analysis import Kind
    from llm_doc_manager.cli.apply import Report, _decline, summary_line
    from llm_doc_manager.docstrings.sync import EntryChanges
    from llm_doc_manager.generate.outcomes import RegionResult
    from llm_doc_manager.source.files import read_source

    (tmp_path / "m.py").write_text("x = 1\n")
    kept = RegionResult("f", 1, Kind.DOC, Status.UPDATED, entries=EntryChanges(kept=2))
    renamed = RegionResult("g", 9, Kind.DOC, Status.UPDATED,
                           entries=EntryChanges(renamed=1, removed=1))
    report = Report()
    report.add([FileChange(read_source(tmp_path / "m.py"), (kept, renamed))])
    assert summary_line(report, "changed").endswith(
        "; entries: 1 renamed, 1 removed, 2 kept for a person")
    _decline(report, [kept])
    assert summary_line(report, "changed").endswith("; entries: 1 renamed, 1 removed")
