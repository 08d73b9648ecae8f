"""``llm-doc report`` against pydoc-markdown on the stdlib's json and email packages.

Usage: ``python -m bench.report_peers [PYDOC_MARKDOWN]`` (the ``pydoc-markdown`` command
of a separate environment; without it, only llm-doc is timed).

Both run as commands on a copy of the two packages, in the same run, five times each;
the median wall time is reported, with the output's size and its headings.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

from bench.corpus import copy_modules


def _time(command: list[str], cwd: Path, out: Path) -> tuple[float, str]:
    times = []
    for _ in range(5):
        start = time.perf_counter()
        with out.open("w") as handle:
            subprocess.run(command, cwd=cwd, stdout=handle, stderr=subprocess.DEVNULL,
                           check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times), out.read_text()


def _headings(text: str) -> int:
    """ATX headings outside fenced code blocks."""
    count, fence = 0, ""
    for line in text.splitlines():
        stripped = line.lstrip()
        if stripped.startswith(("```", "~~~")):
            marker = stripped[:3]
            run = len(stripped) - len(stripped.lstrip(marker[0]))
            if not fence:
                fence = marker[0] * run
            elif stripped.startswith(fence) and not stripped[len(fence):].strip():
                fence = ""
            continue
        if not fence and line.startswith("#") and line.lstrip("#").startswith(" "):
            count += 1
    return count


def main() -> None:
    """Time both tools and print what each wrote."""
    lib = Path(sysconfig.get_paths()["stdlib"])
    with tempfile.TemporaryDirectory(prefix="llm-doc-bench-peers-") as folder:
        root = copy_modules(("json", "email"), Path(folder) / "src", lib)
        runs = {"llm-doc report": [sys.executable, "-m", "llm_doc_manager", "report", "."],
                "llm-doc report --no-source": [sys.executable, "-m", "llm_doc_manager",
                                               "report", ".", "--no-source"]}
        if len(sys.argv) > 1:
            runs["pydoc-markdown"] = [sys.argv[1], "-I", ".", "-p", "json", "-p", "email"]
        for name, command in runs.items():
            seconds, text = _time(command, root, Path(folder) / "out.md")
            headings = _headings(text)
            contents = "yes" if "Table of contents" in text else "no"
            print(f"{name:28} {seconds:5.2f} s  {len(text) / 1e3:6.0f} kB  {headings:4} headings"
                  f"  table of contents: {contents}")


if __name__ == "__main__":
    main()
