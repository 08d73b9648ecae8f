"""How a server takes structured output is learned once, not every run (issue 24).

A server that refuses ``response_format: json_schema`` (llama-cpp-python's answers HTTP 500)
is asked next for ``json_object`` with the schema in ``response_format.schema`` (which
llama-cpp-python and llama-server turn into a grammar) and in the prompt; one that refuses
that too gets plain ``json_object``. What was learned is kept in the answer cache's store,
keyed by the server's URL (no credentials), the model's name and ``model-fingerprint``, and
used again only while the server lists the same model. Requests are counted on the real
local server; nothing depends on the clock.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from llm_doc_manager.docstrings import SCHEMA_FOR
from llm_doc_manager.providers.answer_cache import NOTE_PREFIX, AnswerCache, make_key
from llm_doc_manager.providers.model import DEFAULT_MODEL
from tests.conftest import Run
from tests.fake_openai import FakeOpenAI, Seen
from tests.providers.test_model_path import REGIONS, SHOP
from tests.providers.test_server_fit import LLAMA, _run

#: Settings of these tests: fast retries, and a timeout no loaded machine reaches (requests
#: are counted, and a timed-out request would be sent again).
SETTINGS = "[tool.llm-doc]\nretry-base = 0.01\nretry-max = 0.05\ntimeout = 120.0\n"


def _project(tmp_path: Path, settings: str = "") -> Path:
    (tmp_path / "pyproject.toml").write_text(SETTINGS + settings)
    (tmp_path / "shop.py").write_text(SHOP)
    return tmp_path / "shop.py"


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    server = FakeOpenAI().start()
    yield server
    server.stop()


def _shapes(seen: list[Seen]) -> list[str]:
    """Each request's shape: json_schema, json_object+schema or json_object."""
    shapes = []
    for one in seen:
        fmt: dict[str, Any] = one.body["response_format"]
        shapes.append(fmt["type"] + ("+schema" if "schema" in fmt else ""))
    return shapes


def _seed(path: Path, seed: int, extra: str = "") -> None:
    # Another seed is another cache key for every region: each run then asks them all.
    path.with_name("pyproject.toml").write_text(f"{SETTINGS}seed = {seed}\n{extra}")


def test_the_json_mode_is_learned_once_and_relearned_for_another_model(
        tmp_path: Path, llm_doc: Run, fake: FakeOpenAI) -> None:
    fake.models = [LLAMA]
    fake.schema_refusal = 500  # llama-cpp-python's server
    path = _project(tmp_path)
    first = _run(llm_doc, fake, "--diff", "--concurrency", "1", "--model", "local", ".")
    assert first.returncode == 0, first.stderr
    assert _shapes(fake.seen) == ["json_schema"] + ["json_object+schema"] * REGIONS
    # The schema goes in response_format (a grammar for llama.cpp's servers) and the prompt.
    names = {s.__name__: s for s in SCHEMA_FOR.values()}
    for seen in fake.seen[1:]:
        schema = seen.body["response_format"]["schema"]
        assert schema == names[schema["title"]].model_json_schema()
        assert "follows this JSON schema:" in seen.body["messages"][0]["content"]

    # The next run (every region asked again, another seed) spends no refused request.
    fake.seen.clear()
    _seed(path, 2)
    second = _run(llm_doc, fake, "--diff", "-v", "--model", "local", ".")
    assert second.returncode == 0, second.stderr
    assert _shapes(fake.seen) == ["json_object+schema"] * REGIONS
    assert "refuses response_format" not in second.stderr
    assert "response_format json_object+schema (learned in an earlier run)" in second.stderr

    # Another model behind the same name (llama-server now, which takes json_schema): the
    # mode is learned again from its answers, not carried over.
    fake.seen.clear()
    fake.schema_refusal = 0
    fake.models = [{**LLAMA, "id": "/models/smollm2-135m.gguf"}]
    _seed(path, 3)
    third = _run(llm_doc, fake, "--diff", "--model", "local", ".")
    assert third.returncode == 0, third.stderr
    assert _shapes(fake.seen) == ["json_schema"] * REGIONS


def test_a_server_that_refuses_the_schema_field_gets_plain_json_object_and_it_is_kept(
        tmp_path: Path, llm_doc: Run, fake: FakeOpenAI) -> None:
    fake.schema_refusal = 400
    fake.object_schema = "refuse"  # a server that checks its fields strictly
    path = _project(tmp_path)
    first = _run(llm_doc, fake, "--diff", "-v", "--concurrency", "1", ".")
    assert first.returncode == 0, first.stderr
    assert _shapes(fake.seen) == ["json_schema", "json_object+schema"] + \
        ["json_object"] * REGIONS
    said = [line for line in first.stderr.splitlines() if "refuses response_format" in line]
    assert len(said) == 2, first.stderr
    fake.seen.clear()
    _seed(path, 2)
    second = _run(llm_doc, fake, "--diff", ".")
    assert second.returncode == 0, second.stderr
    assert _shapes(fake.seen) == ["json_object"] * REGIONS


def test_the_memory_is_keyed_by_url_without_credentials_and_by_fingerprint(
        tmp_path: Path, llm_doc: Run, fake: FakeOpenAI) -> None:
    fake.schema_refusal = 500
    path = _project(tmp_path)
    assert _run(llm_doc, fake, "--diff", "--concurrency", "1", ".").returncode == 0
    fake.seen.clear()
    _seed(path, 2, 'model-fingerprint = "sha256:5678"\n')
    fingerprinted = _run(llm_doc, fake, "--diff", "--concurrency", "1", ".")
    assert fingerprinted.returncode == 0, fingerprinted.stderr
    assert _shapes(fake.seen)[0] == "json_schema"
    # A server that reports no fingerprint: the summary shows the configured one.
    assert fingerprinted.stderr.rstrip().endswith(
        "; model 'gpt-4.1-mini', model-fingerprint 'sha256:5678'")
    # Credentials in the URL (or another key) do not make another server: what was learned
    # holds, and they are not part of what is stored.
    fake.seen.clear()
    _seed(path, 3, 'model-fingerprint = "sha256:5678"\n')
    url = fake.base_url.replace("http://", "http://user:pass-9876@") + "/"
    other = llm_doc("generate", "--provider", "openai", "--base-url", url, "--diff", ".",
                    env={"OPENAI_API_KEY": "sk-other-key-5555"})
    assert other.returncode == 0, other.stderr
    assert _shapes(fake.seen) == ["json_object+schema"] * REGIONS
    stored = b"".join(p.read_bytes() for p in tmp_path.parent.glob(f"{tmp_path.name}-cache/*"))
    assert b"pass-9876" not in stored
    assert b"sk-other-key-5555" not in stored


@pytest.mark.parametrize("value", [
    b"\x80\x04\x95 pickle",  # never unpickled: not even JSON
    b'{"served": "", "mode": "yaml", "shown": "x"}',  # no such shape
    b'{"served": "[1]", "mode": "json_object", "shown": "x"}',  # not a listing
    b'[' * 100_000,  # too deep for the parser
])
def test_a_forged_note_is_no_note(tmp_path: Path, llm_doc: Run, fake: FakeOpenAI,
                                  value: bytes) -> None:
    fake.models = [LLAMA]
    fake.schema_refusal = 500
    _project(tmp_path)
    # Planted where the tool keeps its note for this server and model, before any run.
    database = tmp_path.parent / f"{tmp_path.name}-cache" / "answers-v1.sqlite3"
    key = NOTE_PREFIX + make_key("server-v1", f"openai|{fake.base_url}|{DEFAULT_MODEL}", "")
    AnswerCache(database.parent).put(key, "{}")
    with sqlite3.connect(database) as db:
        assert db.execute("UPDATE entries SET value = ? WHERE key = ?",
                          (value, key)).rowcount == 1
    result = _run(llm_doc, fake, "--diff", "--concurrency", "1", ".")
    assert result.returncode == 0, result.stderr
    assert fake.listed == 1  # the identity was asked: the note was not believed
    assert _shapes(fake.seen) == ["json_schema"] + ["json_object+schema"] * REGIONS
    assert "Traceback" not in result.stderr


def test_a_note_shown_to_the_terminal_is_made_safe(tmp_path: Path, llm_doc: Run,
                                                   fake: FakeOpenAI) -> None:
    fake.models = [LLAMA]
    _project(tmp_path)
    assert _run(llm_doc, fake, "--diff", ".").returncode == 0
    database = tmp_path.parent / f"{tmp_path.name}-cache" / "answers-v1.sqlite3"
    key = NOTE_PREFIX + make_key("server-v1", f"openai|{fake.base_url}|{DEFAULT_MODEL}", "")
    with sqlite3.connect(database) as db:
        stored = json.loads(db.execute("SELECT value FROM entries WHERE key = ?",
                                       (key,)).fetchone()[0])
        stored["shown"] = "model '\x1b[2J\u202eevil'"
        db.execute("UPDATE entries SET value = ? WHERE key = ?", (json.dumps(stored), key))
    result = _run(llm_doc, fake, "--diff", ".")  # every answer cached: the note is shown
    assert result.returncode == 0, result.stderr
    assert fake.listed == 1
    assert "\x1b" not in result.stderr
    assert "\u202e" not in result.stderr
