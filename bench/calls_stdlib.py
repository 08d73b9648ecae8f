"""Call graph speed and memory on the machine's standard library, as ratios to the floor.

Usage: ``python -m bench.calls_stdlib`` (``--warm-calls PATH::Qual.name``: the warm
``llm-doc calls`` of one target of any project instead)

The standard library of ``bench.corpus`` (the running Python's ``Lib/``, tests excluded) is
copied to a temporary folder first (``corpus.copy_stdlib``). Figures, all in this one run:

* floor: read + ``ast.parse`` of the same files, one core;
* index: ``load_project`` without cache (read, decode, parse, index), then ``resolve``;
  the first answer is both plus one query;
* warm query: incoming + outgoing of sampled definitions, median and worst;
* incremental: one file's text changed, re-indexed, its dependents resolved again, and
  one query answered: a function appended (its dependents are resolved again), and a line
  typed in a function body (what others read of the file is unchanged: only it is);
* the callees-first order of every definition; peak memory of a separate process that
  indexes and answers once (``ru_maxrss``);
* ``llm-doc calls --order`` as a user runs it (a process: start, imports, discovery, index,
  resolve, order, printing), without a cache and with a warm one, against the same floor.

The load average is printed before and after: the machine is shared, and a busy one makes
every figure slower, the floor too.
"""

from __future__ import annotations

import argparse
import ast
import gc
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.corpus import copy_stdlib, parse_floor


def child(root: Path) -> None:
    """Index, answer one query, print the peak resident memory in MB."""
    from llm_doc_manager.callgraph import load_project

    graph = load_project([root]).graph
    key = graph.find("json.decoder.JSONDecoder.decode")
    assert key is not None
    graph.incoming(key)
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def _cli(*args: str, cache: Path | None) -> float:
    """Seconds one ``llm-doc`` process takes (output discarded), failing loudly."""
    return _process([sys.executable, "-m", "llm_doc_manager", *args], cache)[0]


def _process(command: list[str], cache: Path | None) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one process, its output discarded.

    CPU time says what the process costs whatever else runs on a shared machine; wall
    time is what a user waits.
    """
    env = {**os.environ, "LLM_DOC_CACHE_DIR": str(cache)} if cache else dict(os.environ)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def _load() -> str:
    """The 1/5/15-minute load averages, as printed."""
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def warm_calls(target: str, runs: int) -> None:
    """Time ``llm-doc calls TARGET``: a cold run fills a fresh cache, then warm runs."""
    print(f"load average {_load()}")
    llm_doc = [sys.executable, "-m", "llm_doc_manager"]
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp)
        bare = _process([sys.executable, "-c", "pass"], None)
        start_up = [_process([*llm_doc, "--version"], None) for _ in range(runs)]
        cold = _process([*llm_doc, "calls", target], cache)
        warm = [_process([*llm_doc, "calls", target], cache) for _ in range(runs)]
    for label, found in (("python -c pass", [bare]), ("llm-doc --version", start_up),
                         (f"llm-doc calls {target}, cold", [cold]),
                         (f"llm-doc calls {target}, warm", warm)):
        print(f"{label}: wall median {statistics.median(w for w, _ in found):.3f} s, worst "
              f"{max(w for w, _ in found):.3f} s; CPU median "
              f"{statistics.median(c for _, c in found):.3f} s ({len(found)} runs)")
    print(f"load average {_load()}")


def _body_edit(text: str, rng: random.Random) -> str | None:
    """The text with a call statement inserted at the start of a random function's body."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return None
    bodies = [node.body[0] for node in ast.walk(tree)
              if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
              and node.body[0].lineno > node.lineno and node.body[0].col_offset > 0]
    if not bodies:
        return None
    first = rng.choice(bodies)
    lines = text.splitlines(keepends=True)
    indent = lines[first.lineno - 1][:first.col_offset]
    if indent.strip():
        return None
    lines.insert(first.lineno - 1, f"{indent}len([])\n")
    return "".join(lines)


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--warm-calls", metavar="TARGET",
                        help="time `llm-doc calls TARGET` cold, then warm, and stop")
    parser.add_argument("--runs", type=int, default=5, help="warm runs (default 5)")
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    if args.warm_calls:
        warm_calls(args.warm_calls, args.runs)
        return
    print(f"load average {_load()}")
    from llm_doc_manager.callgraph import load_project, module_for
    from llm_doc_manager.callgraph.project import key_of

    with tempfile.TemporaryDirectory() as tmp:
        root = copy_stdlib(Path(tmp) / "Lib")
        start = time.perf_counter()
        project = load_project([root])
        indexed = time.perf_counter() - start
        graph = project.graph
        files = [Path(p) for p in sorted(graph.files)]
        lines = sum(p.read_text(encoding="utf-8", errors="replace").count("\n") for p in files)
        start = time.perf_counter()
        graph.resolve()
        resolved = time.perf_counter() - start
        first_key = graph.find("json.decoder.JSONDecoder.decode")
        assert first_key is not None
        start = time.perf_counter()
        graph.incoming(first_key)
        first_query = time.perf_counter() - start
        base = parse_floor(files)

        rng = random.Random(11)
        keys = [(path, n) for path in sorted(graph.files)
                for n in range(len(graph.files[path].defs))]
        sample = rng.sample(keys, 200)
        queries = []
        for key in sample:
            start = time.perf_counter()
            graph.incoming(key)
            graph.outgoing(key)
            queries.append(time.perf_counter() - start)

        gc.freeze()  # as the language server does once its graph is built
        changes = []
        edits = []
        for path in rng.sample(sorted(graph.files), 20):
            text = Path(path).read_text(encoding="utf-8", errors="replace")
            module, is_package = module_for(Path(path))
            start = time.perf_counter()
            text += "\n\ndef _bench_added():\n    return len([])\n"
            graph.update_text(path, text, module, is_package)
            graph.resolve()
            index = graph.files[path]
            graph.outgoing((path, len(index.defs) - 1))
            changes.append((time.perf_counter() - start, path))
            # What an editor sends most: a line typed inside an existing function's body.
            edited = _body_edit(text, rng)
            if edited is None:
                continue
            start = time.perf_counter()
            graph.update_text(path, edited, module, is_package)
            graph.resolve()
            graph.outgoing((path, 0))
            edits.append((time.perf_counter() - start, path))
        decoder = key_of(root / "json" / "decoder.py")
        text = Path(decoder).read_text()
        start = time.perf_counter()
        graph.update_text(decoder, text + "\n# edited\n", "json.decoder", False)
        graph.resolve()
        decoder_change = time.perf_counter() - start

        start = time.perf_counter()
        groups = graph.order()
        ordered = time.perf_counter() - start
        placed = sum(len(g) for g in groups)
        defined = sum(1 for _ in graph.definitions())  # an @overload stub is none
        cycles = [g for g in groups if len(g) > 1]
        recursive = sum(1 for g in groups if len(g) == 1 and graph.is_recursive(g[0]))

        peak = subprocess.run([sys.executable, "-m", "bench.calls_stdlib", "--child",
                               str(root)], capture_output=True, text=True, check=True)
        cli_cold = _cli("calls", "--order", "--no-cache", str(root), cache=None)
        cache = Path(tmp) / "cache"
        cli_fill = _cli("calls", "--order", str(root), cache=cache)
        cli_warm = _cli("calls", "--order", str(root), cache=cache)
        floor_again = parse_floor(files)  # the floor measured again, beside the processes
        total = indexed + resolved + first_query
        print(f"files {len(files)}, lines {lines}, definitions {len(keys)}, problems "
              f"{len(project.problems)}")
        print(f"floor (read + ast.parse)      {base:6.2f} s")
        print(f"index (no cache)              {indexed:6.2f} s  {indexed / base:4.2f}x floor")
        print(f"resolve every call site       {resolved:6.2f} s")
        print(f"first answer (index+resolve+query) {total:6.2f} s  {total / base:4.2f}x floor")
        print(f"warm query (in+out), 200 defs median {statistics.median(queries) * 1000:6.2f} ms"
              f", worst {max(queries) * 1000:6.1f} ms")
        worst, worst_path = max(changes)
        print(f"incremental, a function added, 20 files      median "
              f"{statistics.median(c for c, _ in changes) * 1000:6.1f} ms, worst "
              f"{worst * 1000:6.1f} ms ({Path(worst_path).relative_to(root)}); "
              f"json/decoder.py {decoder_change * 1000:5.1f} ms")
        worst, worst_path = max(edits)
        print(f"incremental, a line typed in a body, {len(edits)} files median "
              f"{statistics.median(c for c, _ in edits) * 1000:6.1f} ms, worst "
              f"{worst * 1000:6.1f} ms ({Path(worst_path).relative_to(root)})")
        print(f"order: {placed} of {defined} definitions placed, {len(cycles)} cycles, "
              f"{recursive} self-recursive, {ordered:5.2f} s")
        print(f"peak memory (index + one query, separate process) "
              f"{float(peak.stdout.strip()):.0f} MB")
        floor = min(base, floor_again)
        print(f"llm-doc calls --order (a process), floor {floor:.2f} s: --no-cache "
              f"{cli_cold:.2f} s = {cli_cold / floor:.2f}x; cache filled {cli_fill:.2f} s = "
              f"{cli_fill / floor:.2f}x; cache warm {cli_warm:.2f} s = {cli_warm / floor:.2f}x")
        print(f"load average {_load()}")


if __name__ == "__main__":
    main()
