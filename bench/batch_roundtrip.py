"""Benchmark of the Batch API round trip on 1,200 requests (issue 23).

40 files of 30 marked functions, the ``openai`` provider against ``tests/fake_batch.py`` (the
files and batches endpoints, answering every line at once), the real ``openai`` client, the
whole ``generate`` command in a subprocess each time:

1. ``--batch --yes``: plan, collect, upload, create the batch, poll, download, read and
   apply every answer (the stand-in completes a batch as it is created);
2. the same command again: everything from the cache, nothing uploaded (and, for
   reference, the same run without ``--batch``);
3. ``--batch-file`` then ``--batch-results --yes`` on a fresh copy and cache (the route of
   ``vllm run-batch``): the same edits, byte for byte.

Run: ``python -m bench.batch_roundtrip`` from the repository root.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.fake_batch import FakeBatch, output_lines

FILES, PER_FILE = 40, 30
KEY = "sk-bench-not-a-real-key"


def project(root: Path) -> None:
    """Write the marked files."""
    root.mkdir(parents=True)
    for f in range(FILES):
        text = "".join(f"# @llm-doc-start\ndef f{f}_{i}(a: int, b: int) -> int:\n"
                       f"    return a * {i} + b - {f}\n# @llm-doc-end\n\n\n"
                       for i in range(PER_FILE))
        (root / f"m{f}.py").write_text(text)


def llm_doc(cwd: Path, cache: Path, url: str, *args: str) -> tuple[float, str]:
    """Run ``llm-doc generate`` in a subprocess; its time and stderr."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LLM_DOC_", "OPENAI_"))}
    env |= {"LLM_DOC_CACHE_DIR": str(cache), "OPENAI_API_KEY": KEY,
            "PYTHONPATH": str(Path.cwd())}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "llm_doc_manager", "generate", "--provider",
                           "openai", "--base-url", url, *args], cwd=cwd, env=env,
                          capture_output=True, text=True, check=False)
    took = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"exit {done.returncode}: {done.stderr[-2000:]}")
    return took, done.stderr


def main() -> None:
    """Run the three steps and print the figures."""
    server = FakeBatch(instant=True).start()
    n = FILES * PER_FILE
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        project(base / "a")
        shutil.copytree(base / "a", base / "b")
        first, said = llm_doc(base / "a", base / "cache-a", server.base_url, "--batch",
                              "--yes", ".")
        assert f"Submitted {n} requests" in said, said
        uploads = server.calls.count("POST /v1/files")
        second, said = llm_doc(base / "a", base / "cache-a", server.base_url, "--batch",
                               "--yes", ".")
        assert server.calls.count("POST /v1/files") == uploads, "the re-run uploaded again"
        plain, _ = llm_doc(base / "a", base / "cache-a", server.base_url, "--yes", ".")
        written, _ = llm_doc(base / "b", base / "cache-b", server.base_url, "--batch-file",
                             "in.jsonl", ".")
        out, _ = output_lines((base / "b" / "in.jsonl").read_bytes().splitlines(keepends=True))
        (base / "out.jsonl").write_bytes(b"".join(out))
        (base / "b" / "in.jsonl").unlink()
        applied, _ = llm_doc(base / "b", base / "cache-b", server.base_url, "--batch-results",
                             str(base / "out.jsonl"), "--yes", ".")
        same = all((base / "a" / p.name).read_bytes() == p.read_bytes()
                   for p in (base / "b").glob("*.py"))
        size = sum(len(line) for line in out)
    server.stop()
    print(f"{n} requests, {FILES} files; the whole command each time (interpreter included)")
    print(f"--batch --yes (submit, poll, download, apply): {first:.2f} s "
          f"({first / n * 1000:.2f} ms per request)")
    print(f"same command again (all from the cache, nothing uploaded): {second:.2f} s; "
          f"the same without --batch (reference): {plain:.2f} s")
    print(f"--batch-file: {written:.2f} s; --batch-results --yes: {applied:.2f} s; "
          f"results {size / 1e6:.1f} MB; same files as --batch: {same}")


if __name__ == "__main__":
    main()
