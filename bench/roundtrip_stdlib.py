"""Benchmark: ``generate --yes`` (static provider) over the whole stdlib ``Lib/``.

Every def and class of every module (tests excluded) is wrapped in markers; the script times,
in the same run, the bare libcst parse of the same marked files and the full pipeline
(read, parse, markers, analysis, static provider, formatting, edits, verification, atomic
write), then reports files/s, regions/s and the ratio. Usage: ``python -m bench.roundtrip_stdlib``.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path

import libcst

from bench.corpus import build_corpus
from llm_doc_manager.generate.pipeline import FileChange, Options, Status, process_file
from llm_doc_manager.providers.static import StaticProvider
from llm_doc_manager.source.files import write_atomic


def main() -> None:
    sys.setrecursionlimit(20000)  # libcst recurses deeply on long binary expressions
    with tempfile.TemporaryDirectory() as tmp:
        files = build_corpus(Path(tmp))
        texts = [path.read_text(encoding="utf-8") for path in files]
        size = sum(len(t) for t in texts)

        start = time.perf_counter()
        for text in texts:
            libcst.parse_module(text)
        libcst_time = time.perf_counter() - start

        provider = StaticProvider()
        start = time.perf_counter()
        regions = failed = written = 0

        async def run() -> None:
            nonlocal regions, failed, written
            for path in files:
                result = await process_file(path, provider, Options())
                if isinstance(result, FileChange):
                    regions += len(result.regions)
                    failed += sum(r.status is Status.FAILED for r in result.regions)
                    if result.changed:
                        write_atomic(result.source, result.new_text)
                        written += 1
                else:
                    failed += 1

        asyncio.run(run())
        ours = time.perf_counter() - start

    print(f"corpus: {len(files)} files, {size / 1e6:.1f} MB, {regions} regions "
          f"({failed} failed), {written} files written")
    print(f"libcst parse only : {libcst_time:7.2f} s")
    print(f"llm-doc generate  : {ours:7.2f} s  = {len(files) / ours:6.1f} files/s, "
          f"{regions / ours:7.0f} regions/s")
    print(f"ratio to libcst parse: {ours / libcst_time:.2f}x  (goal <= 1.5x)")


if __name__ == "__main__":
    main()
