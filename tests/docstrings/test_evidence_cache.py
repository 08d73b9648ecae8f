"""The per-file evidence ``validate`` keeps between runs: read back only when exactly right."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from llm_doc_manager.docstrings.conventions import Evidence
from llm_doc_manager.docstrings.learning import Learning
from llm_doc_manager.store import ResultStore
from tests.conftest import Run

SOURCE = '''"""A module."""


def f(value: int, *args: int, **kwargs: int) -> int:
    """Do it.

    Parameters:
      value (int): The value. Defaults to 1.
      args: More.

    Raises:
      ValueError: When bad.
    """
    if value:
        raise ValueError(value)
    return value
'''


def test_evidence_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_text(SOURCE)
    learned = Learning().folder(tmp_path)
    assert learned.headings
    assert learned.raises
    assert learned.stars
    assert learned.modules
    again = Evidence.from_json(learned.to_json())
    assert again is not None
    assert again.to_json() == learned.to_json()


@pytest.mark.parametrize("forged", [
    "", "[]", "{}", '{"headings": 1}', "not json", "[" * 100_000,
    json.dumps({"headings": {"nope": {"Args": 1}}}),
])
def test_a_forged_row_is_a_miss(forged: str) -> None:
    assert Evidence.from_json(forged) is None


def test_forged_counts_are_a_miss(tmp_path: Path) -> None:
    good = json.loads(Evidence().to_json())
    for bad in ([["x", -1]], [["x", True]], [[1, 2]], [["x", 1, 2]], "x"):
        assert Evidence.from_json(json.dumps({**good, "typed": bad})) is None


def test_warm_validate_reads_evidence_back_and_survives_a_forged_store(
        tmp_path: Path, llm_doc: Run) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    for i in range(6):
        (tmp_path / f"m{i}.py").write_text(SOURCE)
    cold = llm_doc("validate", "--all", ".")
    warm = llm_doc("validate", "--all", ".")
    assert warm.stdout == cold.stdout
    caches = list((tmp_path.parent / f"{tmp_path.name}-cache").glob("validate-*.sqlite3"))
    assert caches
    db = sqlite3.connect(caches[0])
    rows = db.execute("SELECT count(*) FROM results WHERE key LIKE 'evidence-v1:%'").fetchone()
    assert rows[0] >= 1  # one per distinct file content
    db.execute("UPDATE results SET value = '{\"headings\": {\"args\": {\"Args\": -5}}}' "
               "WHERE key LIKE 'evidence-v1:%'")
    db.commit()
    db.close()
    forged = llm_doc("validate", "--all", ".")
    assert forged.stdout == cold.stdout
    assert "internal error" not in forged.stderr


def test_evidence_is_kept_by_content(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(SOURCE)
    store: ResultStore[str] = ResultStore(tmp_path / "store.sqlite3")
    try:
        first = Learning(store).folder(tmp_path).to_json()
        second = Learning(store).folder(tmp_path).to_json()
    finally:
        store.close()
    assert first == second
