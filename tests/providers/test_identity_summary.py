"""The run's summary names the model that answered (issue 24).

The real CLI and ``openai`` client against ``tests/fake_openai.py`` on 127.0.0.1: the name
comes from what the server lists (``/v1/models``), else from what its answers say
(``model``), with the answer's ``system_fingerprint`` when it gives one and the configured
``model-fingerprint`` otherwise. What a server sends is shown redacted.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Run
from tests.fake_openai import FakeOpenAI
from tests.providers.conftest import model_line
from tests.providers.test_json_mode_memory import _project
from tests.providers.test_server_fit import KEY, _run


def test_without_a_listing_the_answers_name_the_model_and_no_key_is_shown(
        tmp_path: Path, llm_doc: Run, fake: FakeOpenAI) -> None:
    # (The listed id, and the configured fingerprint, are checked in test_identity_cached.py
    # and test_json_mode_memory.py, on runs they make anyway.)
    fake.answer_model = "qwen2.5-coder-0.5b-instruct"
    fake.system_fingerprint = f"Bearer {KEY}"  # a careless server echoing the key
    _project(tmp_path)
    result = _run(llm_doc, fake, "--diff", "--model", "local", ".")
    assert result.returncode == 0, result.stderr
    assert KEY not in result.stderr
    assert "; model 'qwen2.5-coder-0.5b-instruct', system_fingerprint 'Bearer " in \
        model_line(result)
