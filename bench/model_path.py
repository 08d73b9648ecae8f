"""Benchmark of the model path against the local OpenAI-compatible server.

N = 200 regions (20 files of 10 marked functions), concurrency 16, 0.5 s server latency.
Reports: wall time against the ideal ceil(N/C) x latency (goal <= 1.15x), the request count
of a re-run on the written files (goal 0), and prompt characters per region (goal: <= the
region's source + 2 kB). The model phase is timed in-process around ``run_files`` (what
``generate`` awaits); the whole command, interpreter start-up and imports included, is
timed as a subprocess too.

Then the standard library's json/, email/, http/ and argparse.py (``bench.call_context``'s
corpus: every def and class asked), without call context and with it, each against the
ideal: ceil(N/C) x latency, and with call context the longer of that and the longest chain
of callers waiting for their callees x latency (goal <= 1.15x for both). Indexing the call
graph is part of the run timed.

Run: ``python -m bench.model_path`` from the repository root.
"""

from __future__ import annotations

import asyncio
import json
import math
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from llm_doc_manager.config import Settings
from llm_doc_manager.docstrings import MethodDocstring
from llm_doc_manager.generate.pipeline import Options, run_files
from llm_doc_manager.providers import make_provider
from llm_doc_manager.providers.prompting import response_format
from tests.fake_openai import serve_in_process

FILES, PER_FILE, CONCURRENCY, LATENCY = 20, 10, 16, 0.5
KEY = "sk-bench-not-a-real-key"


def function_source(file: int, index: int) -> str:
    """A marked function of a few lines, different in every file.

    Args:
        file (int): File number.
        index (int): Function number.

    Returns:
        str: The source.
    """
    return (
        "# @llm-doc-start\n"
        f"def step_{file}_{index}(items: list[int], factor: float = {index}.5) -> list[float]:\n"
        f"    if factor < 0:\n"
        f"        raise ValueError('factor must not be negative')\n"
        f"    scaled = [item * factor for item in items if item % {index + 2}]\n"
        f"    return sorted(scaled)[:{file + 3}]\n"
        "# @llm-doc-end\n\n\n"
    )


def build(root: Path) -> tuple[list[Path], int]:
    """Write the corpus.

    Args:
        root (Path): Where.

    Returns:
        tuple[list[Path], int]: The files and the total characters of the regions' code.
    """
    paths, chars = [], 0
    for file in range(FILES):
        parts = [function_source(file, i) for i in range(PER_FILE)]
        chars += sum(len(p) for p in parts)
        path = root / f"module_{file}.py"
        path.write_text("".join(parts))
        paths.append(path)
    return paths, chars


class Server:
    """The fake server in a child process, so that it does not share our interpreter lock.

    Args:
        latency (float): Seconds before each answer.
    """

    def __init__(self, latency: float) -> None:
        context = multiprocessing.get_context("spawn")
        ready = context.Queue()
        self.process = context.Process(target=serve_in_process, args=(latency, ready),
                                       daemon=True)
        self.process.start()
        self.port = int(ready.get(timeout=60))
        self.base_url = f"http://127.0.0.1:{self.port}/v1"

    def requests(self) -> int:
        """Return how many chat requests the server has received.

        Returns:
            int: The count.
        """
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/_stats") as reply:
            return int(json.load(reply)["requests"])

    def stop(self) -> None:
        """Stop the child process."""
        self.process.kill()
        self.process.join()


async def model_phase(paths: list[Path], server: Server, cache: Path) -> tuple[float, int]:
    """Time the pipeline's model phase as ``generate`` runs it.

    Args:
        paths (list[Path]): The corpus.
        server (Server): The server.
        cache (Path): An empty cache folder.

    Returns:
        tuple[float, int]: Seconds, and prompt characters sent.
    """
    settings = Settings(provider="openai", base_url=server.base_url, concurrency=CONCURRENCY,
                        cache_dir=cache)
    provider = make_provider("openai", settings, {"OPENAI_API_KEY": KEY})
    started = time.perf_counter()
    try:
        results = await run_files(paths, provider, Options(), concurrency=CONCURRENCY)
    finally:
        await provider.aclose()
    elapsed = time.perf_counter() - started
    failed = [r for r in results if not hasattr(r, "regions")]
    assert not failed, failed
    return elapsed, provider.usage.prompt_chars


def main() -> None:
    """Run the benchmark and print the figures."""
    n = FILES * PER_FILE
    ideal = math.ceil(n / CONCURRENCY) * LATENCY
    server = Server(LATENCY)
    work = Path(tempfile.mkdtemp(prefix="llm-doc-bench-"))
    try:
        corpus = work / "corpus"
        corpus.mkdir()
        paths, region_chars = build(corpus)

        phase, prompt_chars = asyncio.run(model_phase(paths, server, work / "cache-a"))
        requests_a = server.requests()
        schema_chars = sum(len(json.dumps(response_format(s))) for s in [MethodDocstring])

        env = {k: v for k, v in os.environ.items() if not k.startswith(("LLM_DOC_", "OPENAI_"))}
        env.update({"OPENAI_API_KEY": KEY, "LLM_DOC_CACHE_DIR": str(work / "cache-b")})
        command = [sys.executable, "-m", "llm_doc_manager", "generate", "--provider", "openai",
                   "--base-url", server.base_url, "--concurrency", str(CONCURRENCY), "--yes",
                   "-q", str(corpus)]
        started = time.perf_counter()
        subprocess.run(command, env=env, check=True)
        whole = time.perf_counter() - started
        requests_b = server.requests() - requests_a
        started = time.perf_counter()
        subprocess.run(command, env=env, check=True)
        rerun = time.perf_counter() - started
        requests_c = server.requests() - requests_a - requests_b
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import llm_doc_manager.providers.model"],
                       check=True)
        startup = time.perf_counter() - started
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)

    print(f"regions: {n} in {FILES} files; concurrency {CONCURRENCY}; "
          f"server latency {LATENCY} s; ideal ceil(N/C) x latency = {ideal:.2f} s")
    print(f"model phase (in-process)  : {phase:6.2f} s = {phase / ideal:.3f}x ideal "
          f"(goal <= 1.15x), {requests_a} requests")
    print(f"whole command (subprocess): {whole:6.2f} s = {whole / ideal:.3f}x ideal, "
          f"{requests_b} requests; of which interpreter start-up + imports {startup:.2f} s")
    print(f"re-run on written files   : {rerun:6.2f} s, {requests_c} requests (goal 0)")
    print(f"prompt chars per region   : {prompt_chars / n:.0f} "
          f"(region source {region_chars / n:.0f} + "
          f"{(prompt_chars - region_chars) / n:.0f}; goal <= source + 2048)")
    print(f"response_format chars per request (the JSON schema, sent besides the messages): "
          f"{schema_chars:.0f}")


def call_context_ratios() -> None:
    """Time the stdlib corpus without and with call context and print both ratios."""
    # Imported here: bench.call_context imports this module's Server.
    from bench.call_context import copy_corpus, run_corpus
    from llm_doc_manager.generate import pipeline

    # The longest chain of waiting callers is what the run itself computes to schedule it.
    chains: list[int] = []
    heights = pipeline._Run._waiting_heights

    def recorded(run: pipeline._Run) -> dict[Any, int]:
        found = heights(run)
        chains.append(max(found.values(), default=0))
        return found

    pipeline._Run._waiting_heights = recorded  # type: ignore[method-assign]
    server = Server(LATENCY)
    work = Path(tempfile.mkdtemp(prefix="llm-doc-bench-cc-"))
    try:
        for name, context in (("without", False), ("with", True)):
            files = copy_corpus(work / name / "lib")
            before = server.requests()
            elapsed, _, indexed = asyncio.run(run_corpus(files, server, work / f"c-{name}",
                                                         CONCURRENCY, context))
            sent = server.requests() - before
            ideal = math.ceil(sent / CONCURRENCY) * LATENCY
            line = (f"stdlib corpus, {name} call context: {sent} requests in "
                    f"{elapsed:6.2f} s (indexing {indexed:.2f} s); ceil(N/C) x latency "
                    f"{ideal:.2f} s")
            if context:
                chain = chains[-1] * LATENCY if chains else 0.0
                ideal = max(ideal, chain)
                line += f", longest chain {chains[-1] if chains else 0} x latency {chain:.2f} s"
            print(f"{line} -> {elapsed / ideal:.3f}x (goal <= 1.15x)")
    finally:
        pipeline._Run._waiting_heights = heights  # type: ignore[method-assign]
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
    call_context_ratios()
