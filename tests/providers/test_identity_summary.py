"""The run's summary names the model that answered (issue 24).

The real CLI and ``openai`` client against ``tests/fake_openai.py`` on 127.0.0.1: the name
comes from what the server lists (``/v1/models``), else from what its answers say
(``model``), with the answer's ``system_fingerprint`` when it gives one and the configured
``model-fingerprint`` otherwise. What a server sends is shown redacted.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Run
from tests.fake_openai import FakeOpenAI
from tests.providers.test_server_fit import KEY, LLAMA, _project, _run


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    server = FakeOpenAI().start()
    yield server
    server.stop()


def _summary(result: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in result.stderr.splitlines() if line.startswith("model: ")]
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_the_summary_names_the_listed_model_and_its_fingerprint(
        tmp_path: Path, llm_doc: Run, fake: FakeOpenAI) -> None:
    fake.models = [LLAMA]
    fake.system_fingerprint = "b6500-abc"
    _project(tmp_path)
    result = _run(llm_doc, fake, "--diff", "--model", "local", ".")  # no -v: the summary
    assert result.returncode == 0, result.stderr
    assert _summary(result).endswith(
        "; model '/models/qwen2.5-coder-0.5b-q8_0.gguf', system_fingerprint 'b6500-abc'")


def test_without_a_listing_the_answers_name_the_model(tmp_path: Path, llm_doc: Run,
                                                      fake: FakeOpenAI) -> None:
    fake.answer_model = "qwen2.5-coder-0.5b-instruct"
    _project(tmp_path)
    result = _run(llm_doc, fake, "--diff", "--model", "local", ".")
    assert result.returncode == 0, result.stderr
    assert _summary(result).endswith("; model 'qwen2.5-coder-0.5b-instruct'")


def test_the_configured_fingerprint_stands_in_for_a_server_that_reports_none(
        tmp_path: Path, llm_doc: Run, fake: FakeOpenAI) -> None:
    _project(tmp_path, 'model-fingerprint = "sha256:1234"\n')
    result = _run(llm_doc, fake, "--diff", "--model", "local", ".")
    assert result.returncode == 0, result.stderr
    assert _summary(result).endswith("; model 'local', model-fingerprint 'sha256:1234'")


def test_a_server_that_echoes_the_key_as_its_model_name_shows_no_key(
        tmp_path: Path, llm_doc: Run, fake: FakeOpenAI) -> None:
    fake.answer_model = f"echo-{KEY}"
    fake.system_fingerprint = f"Bearer {KEY}"
    _project(tmp_path)
    result = _run(llm_doc, fake, "--diff", ".")
    assert result.returncode == 0, result.stderr
    assert KEY not in result.stderr
    assert "; model 'echo-" in _summary(result)
