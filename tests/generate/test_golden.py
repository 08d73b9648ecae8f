"""Golden before/after cases for the applier: exact bytes, plus the three invariants.

Each folder of tests/generate/golden holds ``input.py``, the expected ``output.py`` (absent:
the file must stay unchanged), an optional ``answer.json`` (canned model answers by
qualname; without it the static provider answers) and optional ``options.json``.
Set ``LLM_DOC_REGEN=1`` to rewrite the expected outputs after reviewing a change.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from llm_doc_manager.generate.pipeline import FileChange, Options, Status
from tests.helpers import CannedProvider, assert_invariants, load_answers, run_file

CASES = Path(__file__).parent / "golden"


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if p.is_dir()))
def test_golden(case: str, tmp_path: Path) -> None:
    folder = CASES / case
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
    assert_invariants(path, result.source.text, result, provider, options,
                      comments="comm" in case or "adversarial" in case)
