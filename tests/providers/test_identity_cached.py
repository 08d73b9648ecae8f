"""A run answered wholly from the cache asks the server nothing (issue 24).

The model's identity keys the answer cache. It is asked of the server (``GET /v1/models``)
only when a region is not in the cache; until then the identity the last run learned from
this server (kept in the cache's store) stands for it. So a run whose every answer is cached
sends no request of any kind and works with the server down; the first miss asks, and a
model that changed since is then said, and re-asked for. The real CLI and ``openai`` client
against ``tests/fake_openai.py``; requests are counted, never timed.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import Run
from tests.fake_openai import FakeOpenAI
from tests.providers.conftest import model_line
from tests.providers.test_json_mode_memory import _project
from tests.providers.test_model_path import REGIONS, SHOP
from tests.providers.test_server_fit import LLAMA, _run


def test_all_cached_sends_nothing_and_a_server_that_is_down_does_not_matter(
        tmp_path: Path, llm_doc: Run) -> None:
    server = FakeOpenAI(models=[LLAMA], system_fingerprint="b6500-abc").start()
    url = server.base_url
    try:
        path = _project(tmp_path)
        first = _run(llm_doc, server, "--diff", "--model", "local", ".")
        assert first.returncode == 0, first.stderr
        assert (len(server.seen), server.listed) == (REGIONS, 1)
        # The summary names the model the server lists, with its answers' fingerprint.
        assert model_line(first).endswith(
            "; model '/models/qwen2.5-coder-0.5b-q8_0.gguf', system_fingerprint 'b6500-abc'")
        second = _run(llm_doc, server, "--diff", "--model", "local", ".")
        assert second.returncode == 0, second.stderr
        assert (len(server.seen), server.listed) == (REGIONS, 1)  # nothing of any kind
        assert second.stdout == first.stdout
    finally:
        server.stop()
    # Nothing listens there any more: every answer is cached, so the run does not care.
    down = llm_doc("generate", "--provider", "openai", "--base-url", url, "--diff",
                   "--model", "local", ".", env={"OPENAI_API_KEY": "sk-x"})
    assert down.returncode == 0, down.stderr
    assert down.stdout == first.stdout
    assert model_line(down).endswith(
        "; model '/models/qwen2.5-coder-0.5b-q8_0.gguf', system_fingerprint 'b6500-abc' "
        "(as last asked; the server was not asked)")
    assert path.read_text() == SHOP


def test_a_miss_asks_the_identity_and_a_changed_model_is_said_and_asked_again(
        tmp_path: Path, llm_doc: Run, fake: FakeOpenAI) -> None:
    fake.models = [LLAMA]
    path = _project(tmp_path)
    assert _run(llm_doc, fake, "--diff", "--model", "local", ".").returncode == 0
    assert fake.listed == 1
    # Another model file behind the same name, and one function changed: that region is
    # not cached, so the server is asked who answers, and says another model.
    fake.models = [{**LLAMA, "id": "/models/smollm2-135m.gguf",
                    "meta": {"n_params": 134515008, "size": 145000000}}]
    fake.seen.clear()
    path.write_text(SHOP.replace("return a + b", "return b + a"))
    changed = _run(llm_doc, fake, "--diff", "--model", "local", ".")
    assert changed.returncode == 0, changed.stderr
    assert fake.listed == 2
    asked = len(fake.seen)
    notes = [line for line in changed.stderr.splitlines() if line.startswith("note: ")]
    assert len(notes) == 1, changed.stderr
    assert f"note: the model server at {fake.base_url} now serves model " \
        "'/models/smollm2-135m.gguf', not model '/models/qwen2.5-coder-0.5b-q8_0.gguf' as " \
        "when the cache was written" in notes[0]
    early = int(re.search(r"(\d+) regions? answered from the cache before", notes[0])
                .group(1))  # type: ignore[union-attr]
    assert asked + early == REGIONS
    assert model_line(changed).endswith("; model '/models/smollm2-135m.gguf'")
    # The next run knows the new model: what came from the old one's cache is asked again.
    fake.seen.clear()
    again = _run(llm_doc, fake, "--diff", "--model", "local", ".")
    assert again.returncode == 0, again.stderr
    assert len(fake.seen) == early
    assert "note: " not in again.stderr
    fake.seen.clear()
    assert _run(llm_doc, fake, "--diff", "--model", "local", ".").returncode == 0
    assert fake.seen == []


def test_a_listing_that_differs_only_in_created_is_the_same_model(
        tmp_path: Path, llm_doc: Run, fake: FakeOpenAI) -> None:
    fake.models = [LLAMA]
    path = _project(tmp_path)
    assert _run(llm_doc, fake, "--diff", "--concurrency", "1", ".").returncode == 0
    # llama-server fills "created" afresh on every call; one region changes, so it is asked.
    fake.models = [{**LLAMA, "created": 2}]
    fake.seen.clear()
    path.write_text(SHOP.replace("return a + b", "return b + a"))
    result = _run(llm_doc, fake, "--diff", "--concurrency", "1", ".")
    assert result.returncode == 0, result.stderr
    assert fake.listed == 2
    assert "note: " not in result.stderr
    # Only what the change touched is asked (the function, and the module that holds it).
    assert 1 <= len(fake.seen) < REGIONS
    fake.seen.clear()
    assert _run(llm_doc, fake, "--diff", ".").returncode == 0
    assert fake.seen == []


def test_a_server_that_is_down_at_a_miss_is_not_taken_for_another_model(
        tmp_path: Path, llm_doc: Run) -> None:
    server = FakeOpenAI(models=[LLAMA]).start()
    try:
        path = _project(tmp_path)
        assert _run(llm_doc, server, "--diff", ".").returncode == 0
    finally:
        server.stop()
    path.write_text(SHOP.replace("return a + b", "return b + a"))
    result = _run(llm_doc, server, "--diff", ".")
    assert result.returncode == 2, result.stderr
    assert "cannot connect to the model server at" in result.stderr
    assert "note: " not in result.stderr
    assert "Traceback" not in result.stderr
