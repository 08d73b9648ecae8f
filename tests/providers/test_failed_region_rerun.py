"""What the next run asks after a region failed, or was written with a placeholder (issue 24).

A region that failed wrote nothing: the next run asks for it again (one request per failed
region), and the run after that asks nothing. A region the gate left a placeholder in was
written from a cached answer: the next run asks nothing for it. The real CLI and ``openai``
client against ``tests/fake_openai.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Run
from tests.fake_openai import FakeOpenAI, Fault, fill
from tests.providers.test_server_fit import _run

CODE = ('# @llm-doc-start\ndef f(a: int) -> int:\n    return a\n# @llm-doc-end\n\n\n'
        '# @llm-doc-start\ndef g(a: int) -> int:\n    return a\n# @llm-doc-end\n')


def _project(tmp_path: Path) -> Path:
    # A timeout no loaded machine reaches: requests are counted, and a retry would count.
    (tmp_path / "pyproject.toml").write_text(
        "[tool.llm-doc]\nretry-base = 0.01\nretry-max = 0.05\ntimeout = 120.0\n")
    path = tmp_path / "m.py"
    path.write_text(CODE)
    return path


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    server = FakeOpenAI().start()
    yield server
    server.stop()


def test_a_failed_region_is_asked_again_once_by_the_next_run(
        tmp_path: Path, llm_doc: Run, fake: FakeOpenAI) -> None:
    path = _project(tmp_path)
    fake.faults.append(Fault("400", "function f", times=1))  # a 400 is not retried
    first = _run(llm_doc, fake, "--yes", "m.py")
    assert first.returncode == 1, first.stderr
    assert "LD201 f:" in first.stderr
    assert path.read_text().startswith("# @llm-doc-start\ndef f(a: int) -> int:\n    return a")
    counts = [len(fake.seen)]
    for _ in range(2):
        again = _run(llm_doc, fake, "--yes", "m.py")
        assert again.returncode == 0, again.stderr
        counts.append(len(fake.seen))
    # 2 requests, then the failed region alone, then nothing.
    assert counts == [2, 3, 3]
    assert '"""Summarise f.' in path.read_text()


def test_a_placeholder_the_gate_left_costs_no_request_on_the_next_run(
        tmp_path: Path, llm_doc: Run, fake: FakeOpenAI) -> None:
    def answer(schema: dict[str, Any], target: str) -> dict[str, Any]:
        value = dict(fill(schema, schema.get("$defs", {}), "", target))
        if target == "f":
            value["summary"] = "t"  # one word: the gate drops it, the placeholder stays
        return value

    fake.answer = answer
    path = _project(tmp_path)
    first = _run(llm_doc, fake, "--yes", "m.py")
    assert first.returncode == 0, first.stderr
    assert 'def f(a: int) -> int:\n    """TODO: describe.' in path.read_text()
    written = path.read_text()
    second = _run(llm_doc, fake, "--yes", "m.py")
    assert second.returncode == 0, second.stderr
    assert len(fake.seen) == 2  # the first run's two, nothing more
    assert path.read_text() == written
