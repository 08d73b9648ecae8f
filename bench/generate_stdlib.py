"""Benchmark: ``llm-doc generate --provider static`` on the whole stdlib, against the floor.

Every def and class of every stdlib module (tests excluded) is wrapped in markers. In one run
the script measures:

* the floor: a bare single-core loop reading each file and calling ``ast.parse``;
* the first run, the whole command (``--yes``, writing), on both cores, and with ``-j 1``;
* a ``--check`` right after (the content as written was recorded clean by the write), a
  second ``--check`` (unchanged files: answered from the result cache), and a ``--check
  --no-cache`` (every file processed again: what the check cost before the record);
* the review path: showing every region's diff of the largest file, against verifying the
  whole file once per region as before;
* the peak resident memory of the command.

Ratios are to the floor of the same run (machines here are shared and noisy); each timing is
the best of three.
Usage: ``python -m bench.generate_stdlib``.
"""

from __future__ import annotations

import ast
import asyncio
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.corpus import build_corpus
from llm_doc_manager.generate import FileChange, Options, run_files
from llm_doc_manager.generate.edits import verify_against
from llm_doc_manager.providers.static import StaticProvider


def _floor(files: list[Path]) -> float:
    start = time.perf_counter()
    for path in files:
        ast.parse(path.read_bytes())
    return time.perf_counter() - start


def _command(folder: Path, cache: Path, *args: str) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one ``llm-doc generate`` run."""
    env = {**os.environ, "LLM_DOC_CACHE_DIR": str(cache)}
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "llm_doc_manager", "generate", str(folder),
                           "--provider", "static", *args], env=env, capture_output=True,
                          text=True, check=False)
    wall = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(done.stderr)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return wall, peak


def _review(path: Path) -> tuple[int, float, float]:
    """Regions of one file, seconds to preview each region's diff, and to verify per region."""
    result = asyncio.run(run_files([path], StaticProvider(), Options()))[0]
    assert isinstance(result, FileChange)
    regions = [r for r in result.regions if r.edits]
    start = time.perf_counter()
    for region in regions:
        result.preview(region)
    preview = time.perf_counter() - start
    start = time.perf_counter()
    for region in regions[:50]:  # the former way, on a sample: it is slow
        verify_against(result.source.text, result.preview(region), region.expected)
    per_region_verify = (time.perf_counter() - start) / max(1, min(50, len(regions)))
    return len(regions), preview, per_region_verify


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        pristine = root / "pristine"
        files = build_corpus(pristine)
        size = sum(p.stat().st_size for p in files)
        # Best of three for each timing: the least disturbed run of a shared machine.
        floor = min(_floor(files) for _ in range(3))
        firsts = []
        for attempt in range(3):
            work = root / f"work{attempt}"
            shutil.copytree(pristine, work)
            firsts.append(_command(work, root / f"cache{attempt}", "--yes"))
        first, peak_first = min(firsts)
        check_cold, _ = _command(work, root / "cache2", "--check")
        check_nocache, _ = _command(work, root / "cache2", "--check", "--no-cache")
        check_warm = min(_command(work, root / "cache2", "--check")[0] for _ in range(3))
        single = root / "single"
        shutil.copytree(pristine, single)
        one_core, _ = _command(single, root / "cache-single", "--yes", "-j", "1", "--no-cache")
        biggest = max(files, key=lambda p: p.read_text(encoding="utf-8").count("@llm-"))
        regions, preview, verify_each = _review(biggest)

    print(f"corpus: {len(files)} files, {size / 1e6:.1f} MB; cores: {os.cpu_count()}")
    print(f"floor (read + ast.parse, one core) : {floor:6.2f} s")
    print(f"generate --yes (whole command)     : {first:6.2f} s = {first / floor:4.2f}x floor "
          "(goal <= 4x)")
    print(f"generate --yes -j 1                : {one_core:6.2f} s = "
          f"{one_core / floor:4.2f}x floor")
    print(f"generate --check right after --yes : {check_cold:6.2f} s = "
          f"{check_cold / first:4.2f}x first run (goal <= 0.2x)")
    print(f"generate --check, again            : {check_warm:6.2f} s = "
          f"{check_warm / first:4.2f}x first run")
    print(f"generate --check --no-cache        : {check_nocache:6.2f} s = "
          f"{check_nocache / first:4.2f}x first run")
    print(f"peak RSS of the command (largest process): {peak_first:.0f} MiB")
    print(f"review of {biggest.name} ({regions} regions): all diffs shown in {preview:.3f} s; "
          f"verifying the file per region would cost {verify_each * 1000:.0f} ms each "
          f"({verify_each * regions:.1f} s)")


if __name__ == "__main__":
    main()
