"""``llm-doc report`` of the whole standard library, offline, against the parse floor.

Usage: ``python -m bench.report_stdlib``

The stdlib copy of ``bench.corpus`` (tests excluded) is reported in-process (collect, then
Markdown with sources) and timed against a bare read + ``ast.parse`` of the same files in
the same run; the JSON format is timed too. Peak memory is that of a separate process
running the whole command (``ru_maxrss``). A second run checks the bytes are identical.
"""

from __future__ import annotations

import hashlib
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.corpus import copy_stdlib, parse_floor
from llm_doc_manager.report import collect
from llm_doc_manager.report.render import Options, as_json, markdown
from llm_doc_manager.source import iter_files


def _child(root: str, out: str) -> None:
    subprocess.run([sys.executable, "-m", "llm_doc_manager", "report", root, "-o", out],
                   check=False)
    print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)


def main() -> None:
    """Report the stdlib and print the figures."""
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        _child(sys.argv[2], sys.argv[3])
        return
    with tempfile.TemporaryDirectory(prefix="llm-doc-bench-report-") as folder:
        root = copy_stdlib(Path(folder) / "Lib")
        files = iter_files([root])
        floor = parse_floor(files)
        start = time.perf_counter()
        project = collect(root, history=0)
        collected = time.perf_counter() - start
        start = time.perf_counter()
        document = markdown(project, Options())
        rendered = time.perf_counter() - start
        start = time.perf_counter()
        as_json(project, Options())
        json_time = time.perf_counter() - start
        again = markdown(collect(root, history=0), Options())
        same = hashlib.sha256(document.encode()).digest() == \
            hashlib.sha256(again.encode()).digest()
        out = Path(folder) / "out.md"
        peak = subprocess.run([sys.executable, "-m", "bench.report_stdlib", "--child",
                               str(root), str(out)], capture_output=True, text=True,
                              check=True).stdout.strip().splitlines()[-1]
    total = collected + rendered
    functions = sum(1 for f in project.files for i in f.items if i.kind != "class")
    print(f"files {len(files)}, definitions {sum(len(f.items) for f in project.files)} "
          f"({functions} functions), not analysed {sum(1 for f in project.files if f.error)}")
    print(f"floor (read + ast.parse)   {floor:6.2f} s")
    print(f"collect (read, parse, index, complexity, call graph) {collected:6.2f} s")
    print(f"markdown with sources      {rendered:6.2f} s ({len(document) / 1e6:.0f} MB)")
    print(f"report in-process          {total:6.2f} s = {total / floor:.2f}x floor (goal 6x)")
    print(f"json                       {json_time:6.2f} s")
    print(f"two runs byte-identical    {same}")
    print(f"peak memory of `llm-doc report Lib -o out.md`: {float(peak):.0f} MB")


if __name__ == "__main__":
    main()
