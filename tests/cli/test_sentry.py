"""Opt-in crash reports: off by default, and scrubbed before leaving (a fake transport)."""

from __future__ import annotations

import json
from typing import Any, ClassVar

import pytest
import sentry_sdk
from sentry_sdk.transport import Transport

from llm_doc_manager.cli.sentry import scrub_text, start

KEY = "sk-proj-Abc123def456ghi789"
AZURE = "0123456789abcdef0123456789abcdef"


class _Captured(Transport):
    envelopes: ClassVar[list[Any]] = []

    def capture_envelope(self, envelope: Any) -> None:
        type(self).envelopes.append(envelope)


@pytest.fixture
def captured() -> Any:
    _Captured.envelopes = []
    yield _Captured
    sentry_sdk.get_client().close()
    sentry_sdk.init()  # no DSN: reporting off again for the rest of the process


def _crash(path: str) -> None:
    contents = "def private_algorithm():\n    return 42  # the user's code\n"  # noqa: F841
    raise RuntimeError(f"cannot read {path} with key {KEY} from "
                       f"https://bob:hunter2@git.example.com/repo.git (azure {AZURE})")


def test_events_are_scrubbed(captured: Any) -> None:
    environ = {"SENTRY_DSN": "https://public@o0.ingest.example.invalid/1",
               "OPENAI_API_KEY": KEY, "AZURE_OPENAI_API_KEY": AZURE,
               "GITHUB_TOKEN": "ghp_tokenvalue"}
    assert start(environ, print, transport=captured)
    try:
        _crash("/home/ann/project/secret.py ghp_tokenvalue")
    except RuntimeError as exc:
        sentry_sdk.capture_exception(exc)
    sentry_sdk.flush(timeout=2)
    assert len(captured.envelopes) == 1
    sent = "".join(item.get_bytes().decode("utf-8", "replace")
                   for item in captured.envelopes[0].items)
    event = json.loads(sent.splitlines()[-1]) if sent.strip().startswith("{") else None
    for secret in (KEY, AZURE, "hunter2", "bob:", "ghp_tokenvalue", "private_algorithm",
                   "the user's code"):
        assert secret not in sent, secret
    assert "https://[redacted]@git.example.com/repo.git" in sent
    assert "RuntimeError" in sent
    assert event is None or "breadcrumbs" not in event


def test_off_without_a_dsn_and_said_when_the_extra_is_missing(
        monkeypatch: pytest.MonkeyPatch) -> None:
    said: list[str] = []
    assert not start({}, said.append)
    monkeypatch.setitem(__import__("sys").modules, "sentry_sdk", None)  # not installed
    assert not start({"SENTRY_DSN": "https://k@example.invalid/1"}, said.append)
    assert said
    assert "sentry-sdk is not installed" in said[0]


def test_scrub_text() -> None:
    assert scrub_text(f"key={KEY} url=ssh://u:p@h/x", ()) == \
        "key=[redacted] url=ssh://[redacted]@h/x"
    assert scrub_text("exact secret value", ("secret value",)) == "exact [redacted]"
    assert len(scrub_text("word " * 1000)) == 1001
