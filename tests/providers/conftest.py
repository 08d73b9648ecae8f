"""What the provider tests share: a fresh fake OpenAI-compatible server per test."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest

from tests.fake_openai import FakeOpenAI


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    """A real HTTP server on 127.0.0.1 playing an OpenAI-compatible one, stopped after the test."""
    server = FakeOpenAI().start()
    yield server
    server.stop()


def model_line(result: subprocess.CompletedProcess[str]) -> str:
    """The one ``model: …`` line of a run's summary (fails the test unless there is exactly one)."""
    lines = [line for line in result.stderr.splitlines() if line.startswith("model: ")]
    assert len(lines) == 1, result.stderr
    return lines[0]
