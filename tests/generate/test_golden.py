"""Golden before/after cases for the applier: exact bytes, plus the three invariants.

Each folder of tests/generate/golden holds ``input.py``, the expected ``output.py`` (absent:
the file must stay unchanged), an optional ``answer.json`` (canned model answers by
qualname; without it the static provider answers) and optional ``options.json``.
Set ``LLM_DOC_REGEN=1`` to rewrite the expected outputs after reviewing a change.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import check_golden

CASES = Path(__file__).parent / "golden"


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if p.is_dir()))
def test_golden(case: str, tmp_path: Path) -> None:
    check_golden(CASES / case, tmp_path, comments="comm" in case or "adversarial" in case)
