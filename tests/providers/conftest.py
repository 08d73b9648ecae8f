"""What the provider tests share (the ``fake`` server fixture is in tests/conftest.py)."""

from __future__ import annotations

import subprocess


def model_line(result: subprocess.CompletedProcess[str]) -> str:
    """The one ``model: …`` line of a run's summary (fails the test unless there is exactly one)."""
    lines = [line for line in result.stderr.splitlines() if line.startswith("model: ")]
    assert len(lines) == 1, result.stderr
    return lines[0]
