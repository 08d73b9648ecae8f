"""What call context costs and adds: prompt size per region and wall time, before and after.

Usage: ``python -m bench.call_context [--latency SECONDS] [--concurrency N]``

Corpus: the stdlib's json/, email/, http/ and argparse.py, every def and class documented
(``--all``) by the openai provider against the local fake server (in a child process, with
a fixed latency per answer). The same run is made twice on fresh copies: without call
context (``--no-call-context``) and with it (the default budget). Reported per function
region: the prompt's user message beyond the region's own code (median, 90th percentile,
largest), the call context alone, the share of regions that get any; the wall time of
both runs (callers wait for their callees, which lengthens the critical path); and the
requests of a re-run on what the run wrote (goal 0).
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.corpus import CALLS_CORPUS, copy_modules
from bench.model_path import Server
from llm_doc_manager.config import Settings
from llm_doc_manager.docstrings import AnySchema
from llm_doc_manager.generate.call_context import DEFAULT_CHARS, load_call_context
from llm_doc_manager.generate.pipeline import Options, run_files
from llm_doc_manager.providers import make_provider
from llm_doc_manager.providers.base import DocRequest
from llm_doc_manager.providers.prompting import user_message
from llm_doc_manager.source import iter_files

KEY = "sk-bench-not-a-real-key"


class Recording:
    """A provider that notes the size of each prompt, then asks the real one."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.name = inner.name
        self.description = inner.description
        self.keeps_human_text = inner.keeps_human_text
        self.needs_code = inner.needs_code
        self.local = inner.local
        self.usage = inner.usage
        self.model = inner.model
        self.sizes: list[tuple[int, int, int]] = []  # (prompt, code, call context)

    async def generate(self, request: DocRequest) -> AnySchema:
        """Note the prompt's size and ask the wrapped provider."""
        if request.kind.value == "doc":
            # The call context is the end of the context, from its first heading on.
            start = min((request.context.find(m) for m in ("Calls (", "Called by:",
                                                           "It calls itself")
                         if m in request.context), default=len(request.context))
            self.sizes.append((len(user_message(request)), len(request.code),
                               len(request.context) - start))
        return await self.inner.generate(request)

    def is_cached(self, request: DocRequest) -> bool:
        """Ask the wrapped provider."""
        return bool(self.inner.is_cached(request))

    def remember(self, request: DocRequest, answer: AnySchema, settled: str) -> None:
        """Pass on to the wrapped provider."""
        self.inner.remember(request, answer, settled)

    async def aclose(self) -> None:
        """Close the wrapped provider."""
        await self.inner.aclose()


def copy_corpus(target: Path) -> list[Path]:
    """Copy the corpus into ``target`` and return its files."""
    copy_modules(CALLS_CORPUS, target)
    return iter_files([target / name for name in CALLS_CORPUS])


async def run_corpus(files: list[Path], server: Server, cache: Path, concurrency: int,
                     context: bool) -> tuple[float, Recording, float]:
    """Document every def and class of the corpus (with or without call context); the
    seconds of the whole run, the recording provider, and the seconds spent indexing."""
    settings = Settings(provider="openai", base_url=server.base_url, concurrency=concurrency,
                        cache_dir=cache)
    provider = Recording(make_provider("openai", settings, {"OPENAI_API_KEY": KEY}))
    started = time.perf_counter()
    calls = load_call_context(files, [files[0].parent.parent], (), files[0].parent.parent,
                              None) if context else None
    indexed = time.perf_counter() - started
    try:
        results = await run_files(files, provider, Options(all_defs=True),
                                  concurrency=concurrency, calls=calls)
    finally:
        await provider.aclose()
    elapsed = time.perf_counter() - started
    failed = [r for r in results if not hasattr(r, "regions")]
    assert not failed, failed
    for result in results:
        new_text = getattr(result, "new_text", None)
        if new_text is not None and new_text != result.source.text:
            result.source.path.write_text(new_text, encoding=result.source.encoding)
    return elapsed, provider, indexed


def _spread(values: list[int]) -> str:
    ordered = sorted(values)
    p90 = ordered[int(0.9 * (len(ordered) - 1))]
    return f"median {statistics.median(ordered):6.0f}, p90 {p90:6.0f}, max {ordered[-1]:6.0f}"


def main() -> None:
    """Run both configurations and print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    server = Server(args.latency)
    work = Path(tempfile.mkdtemp(prefix="llm-doc-bench-calls-"))
    try:
        runs = {}
        for name, context in (("without", False), ("with", True)):
            files = copy_corpus(work / name / "lib")
            cache = work / f"cache-{name}"
            elapsed, recorded, indexed = asyncio.run(run_corpus(files, server, cache,
                                                                args.concurrency, context))
            before = server.requests()
            asyncio.run(run_corpus(files, server, cache, args.concurrency, context))
            runs[name] = (elapsed, recorded, indexed, server.requests() - before, len(files))
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)

    print(f"corpus: {', '.join(CALLS_CORPUS)} ({runs['with'][4]} files), every def and class; "
          f"server latency {args.latency} s, concurrency {args.concurrency}")
    for name, (elapsed, recorded, indexed, rerun, _) in runs.items():
        sizes = recorded.sizes
        extra = [prompt - code for prompt, code, _ in sizes]
        print(f"{name:7} call context: {len(sizes)} function prompts; beyond the code "
              f"{_spread(extra)} chars")
        print(f"        wall {elapsed:6.2f} s (call graph {indexed:.2f} s of it); "
              f"{recorded.usage.requests} requests; re-run {rerun} requests (goal 0)")
    with_sizes = runs["with"][1].sizes
    shown = [c for _, _, c in with_sizes if c]
    print(f"call context alone: {len(shown)} of {len(with_sizes)} function prompts have one; "
          f"{_spread(shown)} chars (budget {DEFAULT_CHARS})")
    print(f"wall time with / without: {runs['with'][0] / runs['without'][0]:.2f}x")


if __name__ == "__main__":
    main()
