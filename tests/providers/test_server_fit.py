"""Requests that fit the server, failures that stop the run, and the model's identity (issue 24).

The real CLI and ``openai`` client against ``tests/fake_openai.py`` on 127.0.0.1, playing the
local servers people run: llama-cpp-python's refusal of ``json_schema``, a server that fails
every request the same way, one that dies mid-run, and ``/v1/models`` listings. Everything is
bounded by counting requests, never by the clock.
"""

from __future__ import annotations

import ast
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from llm_doc_manager.docstrings import SCHEMA_FOR
from llm_doc_manager.providers.prompting import MIN_ITEMS, schema_tokens
from tests.conftest import Run
from tests.fake_openai import FakeOpenAI, Fault
from tests.helpers import ast_without_docstrings
from tests.providers.test_model_path import REGIONS, SHOP

KEY = "sk-test-0123456789abcdef-never-print-me"


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    server = FakeOpenAI().start()
    yield server
    server.stop()


def _project(tmp_path: Path, settings: str = "") -> Path:
    # Small backoff: the retries a test sees cost milliseconds, and the counts bound them.
    (tmp_path / "pyproject.toml").write_text(
        "[tool.llm-doc]\nretry-base = 0.01\nretry-max = 0.05\ntimeout = 5.0\n" + settings)
    (tmp_path / "shop.py").write_text(SHOP)
    return tmp_path / "shop.py"


def _run(llm_doc: Run, fake: FakeOpenAI, *args: str) -> subprocess.CompletedProcess[str]:
    return llm_doc("generate", "--provider", "openai", "--base-url", fake.base_url, *args,
                   env={"OPENAI_API_KEY": KEY})


def _requests(result: subprocess.CompletedProcess[str]) -> int:
    found = re.search(r"model: (\d+) requests?", result.stderr)
    assert found, result.stderr
    return int(found.group(1))


def _docstrings(text: str) -> int:
    tree = ast.parse(text)
    return sum(1 for node in ast.walk(tree)
               if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
               and ast.get_docstring(node) is not None)


def test_every_request_carries_a_token_bound_temperature_and_seed(
        tmp_path: Path, llm_doc: Run, fake: FakeOpenAI) -> None:
    _project(tmp_path)
    result = _run(llm_doc, fake, "--yes", ".")
    assert result.returncode == 0, result.stderr
    assert len(fake.seen) == REGIONS
    for seen in fake.seen:
        assert seen.body["temperature"] == 0
        assert seen.body["seed"] == 1
        assert isinstance(seen.body["max_tokens"], int)
    # The bound is the schema's: a function of two arguments gets its kind's bound.
    flaky = [s for s in fake.seen if "function flaky" in str(s.body["messages"])]
    name = flaky[0].body["response_format"]["json_schema"]["name"]
    kind = next(k for k, s in SCHEMA_FOR.items() if s.__name__ == name)
    assert flaky[0].body["max_tokens"] == schema_tokens(SCHEMA_FOR[kind], MIN_ITEMS)
    comment = [s for s in fake.seen if s.body["response_format"]["json_schema"]["name"] ==
               "CommentText"]
    assert comment[0].body["max_tokens"] < flaky[0].body["max_tokens"]


def test_configured_sampling_arrives_and_keys_the_cache(tmp_path: Path, llm_doc: Run,
                                                        fake: FakeOpenAI) -> None:
    path = _project(tmp_path, "max-tokens = 300\ntemperature = 0.5\nseed = 7\n")
    assert _run(llm_doc, fake, "--diff", ".").returncode == 0
    assert {(s.body["max_tokens"], s.body["temperature"], s.body["seed"])
            for s in fake.seen} == {(300, 0.5, 7)}
    fake.seen.clear()
    assert _run(llm_doc, fake, "--diff", ".").returncode == 0
    assert fake.seen == []  # the same settings: every answer from the cache
    # Another seed is another answer: asked again. max-tokens = 0 sends no bound.
    path.with_name("pyproject.toml").write_text(
        "[tool.llm-doc]\nretry-base = 0.01\nmax-tokens = 0\ntemperature = 0.5\nseed = 8\n")
    assert _run(llm_doc, fake, "--diff", ".").returncode == 0
    assert len(fake.seen) == REGIONS
    assert all("max_tokens" not in s.body for s in fake.seen)
    assert {s.body["seed"] for s in fake.seen} == {8}


@pytest.mark.parametrize("status", [500, 400])
def test_a_server_that_refuses_json_schema_is_asked_for_json_object(
        tmp_path: Path, llm_doc: Run, fake: FakeOpenAI, status: int) -> None:
    # llama-cpp-python's server answers json_schema with an error naming it (HTTP 500).
    fake.schema_refusal = status
    path = _project(tmp_path)
    result = _run(llm_doc, fake, "--yes", "-v", "--concurrency", "1", ".")
    assert result.returncode == 0, result.stderr
    # One refused request for the whole run, then every region in json_object mode.
    assert [s.body["response_format"]["type"] for s in fake.seen] == \
        ["json_schema"] + ["json_object"] * REGIONS
    for seen in fake.seen[1:]:
        assert "follows this JSON schema:" in seen.body["messages"][0]["content"]
    assert _requests(result) == REGIONS + 1
    said = [line for line in result.stderr.splitlines() if "refuses response_format" in line]
    assert len(said) == 1, result.stderr
    assert "json_object" in said[0]
    assert "; response_format json_object" in result.stderr  # the mode in use, with -v
    text = path.read_text()
    assert '"""Summarise flaky.' in text
    assert ast_without_docstrings(text) == ast_without_docstrings(SHOP)


def test_the_same_500_on_every_request_stops_the_run(tmp_path: Path, llm_doc: Run,
                                                     fake: FakeOpenAI) -> None:
    fake.faults.append(Fault("500", "", times=10_000))
    path = _project(tmp_path)
    result = _run(llm_doc, fake, "--yes", "--concurrency", "1", ".")
    assert result.returncode == 1, result.stderr
    # Three requests in all: not max-tries (5) for each of the 6 regions.
    assert len(fake.seen) == 3
    stops = [line for line in result.stderr.splitlines() if line.startswith("stopped:")]
    assert len(stops) == 1, result.stderr
    assert "HTTP 500 from the model server at" in stops[0]
    assert "3 requests in a row: " in stops[0]
    assert "injected 500" in stops[0]
    assert f"{REGIONS} regions left unanswered" in stops[0]
    assert "Traceback" not in result.stderr
    assert path.read_text() == SHOP


def test_a_server_that_dies_mid_run_stops_it_and_a_rerun_resumes(
        tmp_path: Path, llm_doc: Run) -> None:
    server = FakeOpenAI(die_after=2).start()
    port = server.port
    try:
        path = _project(tmp_path)
        result = _run(llm_doc, server, "--yes", "--concurrency", "1", ".")
    finally:
        server.stop()
    assert result.returncode == 1, result.stderr
    # Two answers, then three failed connections (not 5 tries for each of 4 regions).
    assert len(server.seen) == 2
    assert _requests(result) == 2 + 3
    stops = [line for line in result.stderr.splitlines() if line.startswith("stopped:")]
    assert len(stops) == 1, result.stderr
    assert f"the model server at http://127.0.0.1:{port}/v1 stopped answering" in stops[0]
    assert f"{REGIONS - 2} regions left unanswered" in stops[0]
    assert "a re-run asks only for what is left" in stops[0]
    # What was answered is written; the file is whole.
    text = path.read_text()
    assert ast_without_docstrings(text) == ast_without_docstrings(SHOP)
    assert _docstrings(text) >= 1

    # The server is back where it was: only what is left is asked.
    again = FakeOpenAI().start(port)
    try:
        second = _run(llm_doc, again, "--yes", ".")
    finally:
        again.stop()
    assert second.returncode == 0, second.stderr
    assert len(again.seen) == REGIONS - 2
    final = path.read_text()
    assert '"""Summarise flaky.' in final
    assert '"""Summarise scale.' in final
    assert ast_without_docstrings(final) == ast_without_docstrings(SHOP)


LLAMA = {"id": "/models/qwen2.5-coder-0.5b-q8_0.gguf", "object": "model", "created": 1,
         "owned_by": "llamacpp", "meta": {"n_params": 494032768, "size": 531065856}}


def test_a_model_swapped_behind_the_same_name_is_not_answered_from_the_cache(
        tmp_path: Path, llm_doc: Run, fake: FakeOpenAI) -> None:
    fake.models = [LLAMA]
    fake.system_fingerprint = "b6500-abc"
    path = _project(tmp_path)
    first = _run(llm_doc, fake, "--diff", "-v", "--model", "local", ".")
    assert first.returncode == 0, first.stderr
    assert len(fake.seen) == REGIONS
    assert fake.listed == 1
    # -v says what the server serves and what its answers say they are.
    assert "serves one model, '/models/qwen2.5-coder-0.5b-q8_0.gguf'" in first.stderr
    assert "answers as model 'local', system_fingerprint 'b6500-abc'; response_format " \
        "json_schema" in first.stderr
    fake.seen.clear()
    # llama-server fills "created" afresh on every call: that is no new model.
    fake.models = [{**LLAMA, "created": 2}]
    assert _run(llm_doc, fake, "--diff", "--model", "local", ".").returncode == 0
    assert fake.seen == []
    # Another file behind the same name, every answer cached: the server is asked nothing,
    # so it cannot tell (the documented trade-off; the first region not cached asks, see
    # test_identity_cached.py) ...
    fake.models = [{**LLAMA, "id": "/models/smollm2-135m.gguf",
                    "meta": {"n_params": 134515008, "size": 145000000}}]
    assert _run(llm_doc, fake, "--diff", "--model", "local", ".").returncode == 0
    assert (fake.seen, fake.listed) == ([], 1)
    # ... and the user's fingerprint says it: another key, every answer asked for.
    fake.models = None  # a server that lists nothing
    path.with_name("pyproject.toml").write_text(
        '[tool.llm-doc]\nretry-base = 0.01\nmodel-fingerprint = "sha256:1234"\n')
    assert _run(llm_doc, fake, "--diff", "--model", "local", ".").returncode == 0
    assert len(fake.seen) == REGIONS
    assert path.read_text() == SHOP


def test_a_model_the_server_does_not_serve_is_a_usage_error(tmp_path: Path, llm_doc: Run,
                                                            fake: FakeOpenAI) -> None:
    fake.models = [{"id": "qwen2.5-coder:0.5b", "object": "model", "owned_by": "library"},
                   {"id": "llama3:latest", "object": "model", "owned_by": "library"}]
    path = _project(tmp_path)
    result = _run(llm_doc, fake, "--yes", "--model", "gpt-nonesuch", ".")
    assert result.returncode == 2, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    assert "model 'gpt-nonesuch' is not served by the model server at " \
        f"{fake.base_url}; it serves 'qwen2.5-coder:0.5b', 'llama3:latest'" in errors[0]
    assert fake.seen == []  # no chat request at all
    assert path.read_text() == SHOP
    # Ollama answers a name without a tag with its ":latest".
    result = _run(llm_doc, fake, "--yes", "--model", "llama3", ".")
    assert result.returncode == 0, result.stderr
    assert len(fake.seen) == REGIONS
