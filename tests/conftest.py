"""Fixtures: run the real ``llm-doc`` command in a subprocess."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.fake_openai import FakeOpenAI

Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture(autouse=True, scope="session")
def _own_user_folders(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Every test and subprocess uses a cache and config folder of this session.

    Never the user's: a test would read their trusted projects and defaults, and another
    ``llm-doc`` run holding a cache's lock would hold the test's last write too.
    """
    base = tmp_path_factory.mktemp("user")
    saved = {name: os.environ.get(name) for name in ("LLM_DOC_CACHE_DIR", "XDG_CONFIG_HOME")}
    os.environ["LLM_DOC_CACHE_DIR"] = str(base / "cache")
    os.environ["XDG_CONFIG_HOME"] = str(base / "config")
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


#: The variables ``_no_network`` replaced, as the user had them (None: not set): a test that
#: must reach the package index (pre-commit building its hook's environment with pip) runs
#: its subprocess with these.
OUTSIDE_ENV: dict[str, str | None] = {}


@pytest.fixture(autouse=True, scope="session")
def _no_network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """No test reaches the network or waits for it: tiktoken finds an empty encoding cache
    and its download goes to a proxy on a closed 127.0.0.1 port (refused at once).

    A test that sets its own (``monkeypatch.setenv``, a subprocess's ``env``) wins; the model
    servers of the tests, on 127.0.0.1, are reached directly (``NO_PROXY``).
    """
    # Bound but never listening: a connection to it is refused for as long as it is held,
    # whereas a port merely found free could be taken by another process meanwhile.
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    proxy = f"http://127.0.0.1:{closed.getsockname()[1]}"
    values = {"TIKTOKEN_CACHE_DIR": str(tmp_path_factory.mktemp("tiktoken-empty")),
              "HTTPS_PROXY": proxy, "HTTP_PROXY": proxy, "https_proxy": proxy,
              "http_proxy": proxy, "NO_PROXY": "127.0.0.1,localhost",
              "no_proxy": "127.0.0.1,localhost"}
    saved = {name: os.environ.get(name) for name in values}
    OUTSIDE_ENV.update(saved)
    os.environ.update(values)
    yield
    closed.close()
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


#: Files learning samples per project in runs of ``llm_doc_small_sample`` (the package's
#: ``SAMPLE_FILES`` is 200: a test of what lies beyond the sample needed 300-400 files).
SMALL_SAMPLE = 20

# ``python -c`` with this program is ``llm-doc`` with a smaller learning sample; the rest of
# the command is the real one (a fork of it keeps the smaller sample in generate's workers).
_SMALL_SAMPLE_MAIN = (
    "import sys; import llm_doc_manager.docstrings.learning as learning; "
    f"learning.SAMPLE_FILES = {SMALL_SAMPLE}; "
    "from llm_doc_manager.cli import main; main()")


def _runner(tmp_path: Path, command: list[str]) -> Run:
    """Run ``command`` + arguments in a subprocess, away from the user's cache and config."""
    def run(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
            stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        environ = {k: v for k, v in os.environ.items()
                   if not k.startswith(("LLM_DOC_", "OPENAI_", "AZURE_OPENAI_"))}
        # Never touch the user's real answer cache.
        environ["LLM_DOC_CACHE_DIR"] = str(tmp_path.parent / f"{tmp_path.name}-cache")
        # ... nor the user's own config.toml (trusted projects and defaults live there).
        environ["XDG_CONFIG_HOME"] = str(tmp_path.parent / f"{tmp_path.name}-config")
        environ.update(env or {})
        return subprocess.run(
            [*command, *args], cwd=cwd or tmp_path, env=environ,
            input=stdin if stdin is not None else "", capture_output=True, text=True,
            timeout=120, check=False,
        )
    return run


@pytest.fixture
def llm_doc(tmp_path: Path) -> Run:
    """Run the real ``llm-doc`` command (``python -m llm_doc_manager``)."""
    return _runner(tmp_path, [sys.executable, "-m", "llm_doc_manager"])


@pytest.fixture
def llm_doc_small_sample(tmp_path: Path) -> Run:
    """Run the real ``llm-doc`` command learning from ``SMALL_SAMPLE`` files per project."""
    return _runner(tmp_path, [sys.executable, "-c", _SMALL_SAMPLE_MAIN])


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    """A real HTTP server on 127.0.0.1 playing an OpenAI-compatible one, stopped after the test."""
    server = FakeOpenAI().start()
    yield server
    server.stop()
