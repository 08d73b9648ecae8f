"""``llm-doc report`` of the whole standard library, offline, against the parse floor.

Usage: ``python -m bench.report_stdlib`` (or ``--pages FOLDER``: the pages layout of a
large project, below)

The stdlib copy of ``bench.corpus`` (tests excluded) is reported in-process (collect, then
Markdown with sources) and timed against a bare read + ``ast.parse`` of the same files in
the same run, in turn, three rounds (the fastest of each, wall and CPU time: the machine
may be shared); the JSON format is timed too. Peak memory is that of a separate process
running the whole command (``ru_maxrss``). A second run checks the bytes are identical.

``--pages FOLDER`` runs ``llm-doc report FOLDER -o index.md`` (the pages layout when the
single document would pass ``PAGE_LIMIT``) and ``--single``, and prints the wall times, the
sizes (index, largest page, pages over the limit) and the links that reach no heading
(``broken_links``, which the tests use too).
"""

from __future__ import annotations

import gc
import hashlib
import os
import posixpath
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote

from markdown_it import MarkdownIt

from bench.corpus import copy_stdlib, parse_floor
from llm_doc_manager.report import Project, collect
from llm_doc_manager.report.render import PAGE_LIMIT, Options, as_json, markdown
from llm_doc_manager.report.slug import Slugger
from llm_doc_manager.source import iter_files


def broken_links(documents: dict[str, str]) -> list[str]:
    """Every link of a set of Markdown documents that reaches no heading.

    Each document is parsed with a CommonMark parser (tables on); its headings' anchors are
    made from their rendered text as GitHub makes them (``Slugger``, checked against
    github-slugger). A link is a path relative to its document (percent-encoded), a
    ``#fragment``, or both; it must name one of the documents and, with a fragment, one of
    that document's anchors.

    Args:
        documents: Relative path (``/``-separated) -> Markdown.

    Returns:
        ``document: href`` of each broken link (none: all resolve).
    """
    parser = MarkdownIt("commonmark").enable("table")
    anchors: dict[str, set[str]] = {}
    links: dict[str, list[str]] = {}
    for name, text in documents.items():
        tokens = parser.parse(text)
        slugger = Slugger()
        anchors[name] = set()
        links[name] = []
        for number, token in enumerate(tokens):
            if token.type == "heading_open":
                inline = tokens[number + 1].children or []
                anchors[name].add(slugger.slug("".join(
                    child.content for child in inline if child.type in ("text", "code_inline"))))
            elif token.type == "inline":
                links[name] += [str(child.attrs["href"]) for child in token.children or []
                                if child.type == "link_open"]
    broken = []
    for name, hrefs in links.items():
        for href in hrefs:
            path, hashed, fragment = href.partition("#")
            target = posixpath.normpath(posixpath.join(posixpath.dirname(name), unquote(path))) \
                if path else name
            if target not in anchors or (hashed and unquote(fragment) not in anchors[target]):
                broken.append(f"{name}: {href}")
    return broken


def _pages(folder: str) -> None:
    """The pages layout of a large project: times, sizes, broken links."""
    with tempfile.TemporaryDirectory(prefix="llm-doc-bench-pages-") as out:
        command = [sys.executable, "-m", "llm_doc_manager", "report", folder]
        start = time.perf_counter()
        subprocess.run([*command, "-o", f"{out}/single.md", "--single"], check=False,
                       capture_output=True)
        single = time.perf_counter() - start
        start = time.perf_counter()
        subprocess.run([*command, "-o", f"{out}/index.md"], check=False, capture_output=True)
        paged = time.perf_counter() - start
        documents = {path.relative_to(out).as_posix(): path.read_text(encoding="utf-8")
                     for path in Path(out).rglob("*.md") if path.name != "single.md"}
        sizes = {name: len(text.encode("utf-8")) for name, text in documents.items()}
        largest = max(sizes, key=lambda name: sizes[name])
        print(f"--single: {single:6.2f} s, {Path(out, 'single.md').stat().st_size:,} bytes")
        print(f"pages:    {paged:6.2f} s, index {sizes.get('index.md', 0):,} bytes, "
              f"{len(sizes) - 1} pages, {sum(sizes.values()):,} bytes in all")
        print(f"largest page {largest}: {sizes[largest]:,} bytes; over {PAGE_LIMIT:,}: "
              f"{sum(1 for size in sizes.values() if size > PAGE_LIMIT)}")
        links = sum(text.count("](") for text in documents.values())
        broken = broken_links(documents)
        print(f"links about {links:,}; broken {len(broken)}", *broken[:10], sep="\n  ")


ROUNDS = 3


def _child(root: str, out: str) -> None:
    subprocess.run([sys.executable, "-m", "llm_doc_manager", "report", root, "-o", out],
                   check=False)
    print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)


def main() -> None:
    """Report the stdlib and print the figures."""
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        _child(sys.argv[2], sys.argv[3])
        return
    if len(sys.argv) == 3 and sys.argv[1] == "--pages":
        _pages(sys.argv[2])
        return
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="llm-doc-bench-report-") as folder:
        root = copy_stdlib(Path(folder) / "Lib")
        files = iter_files([root])
        # The floor and the report in turn, ROUNDS times, each figure the fastest of its
        # rounds (wall and CPU time): on a shared machine one run of either can be slowed
        # by others' work, the fastest is the closest to what the code costs.
        floors: list[tuple[float, float]] = []
        collects: list[tuple[float, float]] = []
        renders: list[tuple[float, float]] = []
        kept: list[tuple[Project, str]] = []
        for _ in range(ROUNDS):
            kept.clear()
            gc.collect()  # the last round's project is not the floor's garbage to collect
            cpu = time.process_time()
            floors.append((parse_floor(files), time.process_time() - cpu))
            start, cpu = time.perf_counter(), time.process_time()
            project = collect(root, history=0)
            collects.append((time.perf_counter() - start, time.process_time() - cpu))
            start, cpu = time.perf_counter(), time.process_time()
            document = markdown(project, Options())
            renders.append((time.perf_counter() - start, time.process_time() - cpu))
            kept.append((project, document))
        floor, floor_cpu = min(f[0] for f in floors), min(f[1] for f in floors)
        collected, collected_cpu = min(c[0] for c in collects), min(c[1] for c in collects)
        rendered, rendered_cpu = min(r[0] for r in renders), min(r[1] for r in renders)
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
    total, total_cpu = collected + rendered, collected_cpu + rendered_cpu
    functions = sum(1 for f in project.files for i in f.items if i.kind != "class")
    print(f"files {len(files)}, definitions {sum(len(f.items) for f in project.files)} "
          f"({functions} functions), not analysed {sum(1 for f in project.files if f.error)}")
    print(f"load average {load:.2f} before, {os.getloadavg()[0]:.2f} after ({os.cpu_count()} "
          f"cores); fastest of {ROUNDS} rounds, wall (CPU)")
    print(f"floor (read + ast.parse)   {floor:6.2f} s ({floor_cpu:.2f} s)")
    print(f"collect (read, parse, index, complexity, call graph, metrics) {collected:6.2f} s "
          f"({collected_cpu:.2f} s)")
    print(f"markdown with sources      {rendered:6.2f} s ({rendered_cpu:.2f} s) "
          f"({len(document) / 1e6:.0f} MB)")
    print(f"report in-process          {total:6.2f} s = {total / floor:.2f}x floor (goal 6x); "
          f"CPU {total_cpu:.2f} s = {total_cpu / floor_cpu:.2f}x")
    # Not each round against its own floor: after a report the same process parses up to
    # twice as slowly (its heap is large), so only the first floor is a fair one.
    print(f"floors of the rounds: {', '.join(f'{f[0]:.2f}' for f in floors)} s")
    print(f"json                       {json_time:6.2f} s")
    print(f"two runs byte-identical    {same}")
    print(f"peak memory of `llm-doc report Lib -o out.md`: {float(peak):.0f} MB")


if __name__ == "__main__":
    main()
