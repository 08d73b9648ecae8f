"""Benchmark ``llm-doc validate --all`` against pydoclint on the standard library.

In one run, on the running Python's ``Lib/`` (tests excluded): the floor (plain ``ast.parse``
of every file, one core), ``pydoclint --style=google`` (the anchor), ``llm-doc validate --all``
cold (empty result cache) and warm (nothing changed); the anchor and the cold run with their
CPU seconds too (worker processes included), steadier than wall time on a loaded machine.
Then the agreement on the checks both tools have (arguments, returns, yields, raises), per
function and kind, with counts.

Run: ``python -m bench.validate_stdlib`` from the repository root.
"""

from __future__ import annotations

import ast
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench.corpus import stdlib_files

# pydoclint codes and ours, by the kind of check both tools make.
KINDS = {
    "args": ({"DOC101", "DOC102", "DOC103", "DOC104", "DOC105"},
             {"LD311", "LD312", "LD313", "LD314", "LD315"}),
    "returns": ({"DOC201", "DOC202", "DOC203"}, {"LD321", "LD322", "LD323"}),
    "yields": ({"DOC402", "DOC403", "DOC404"}, {"LD331", "LD332", "LD333"}),
    "raises": ({"DOC501", "DOC502", "DOC503"}, {"LD341", "LD342"}),
}
_PYDOCLINT_RE = re.compile(r"^\s+(\d+): (DOC\d+): (?:Function/method|Method|Function) "
                           r"`([^`]+)`")


def _children_cpu() -> float:
    """CPU seconds of the finished child processes (their own children included)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _timed(command: list[str], env: dict[str, str] | None = None
           ) -> tuple[float, float, subprocess.CompletedProcess[str]]:
    """Wall and CPU seconds of a command (the CPU of its worker processes too), and its run.

    The CPU time is the figure to compare on a loaded machine: the wall time of a run
    whose workers wait for a core measures the other processes as much as this one.
    """
    cpu = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    return time.perf_counter() - started, _children_cpu() - cpu, done


def _kind(code: str, side: int) -> str | None:
    for kind, codes in KINDS.items():
        if code in codes[side]:
            return kind
    return None


def pydoclint_keys(output: str) -> Counter[tuple[str, str, str]]:
    """Findings of pydoclint as (file, function name, kind), one per function and kind.

    Args:
        output (str): pydoclint's output.

    Returns:
        Counter[tuple[str, str, str]]: The keys.
    """
    keys: set[tuple[str, str, str]] = set()
    current = ""
    for line in output.splitlines():
        if line and not line[0].isspace():
            current = line.strip()
            continue
        match = _PYDOCLINT_RE.match(line)
        if match:
            kind = _kind(match.group(2), 0)
            if kind:
                keys.add((current, match.group(3).rsplit(".", 1)[-1], kind))
    return Counter(keys)


def our_keys(findings: list[dict[str, object]]) -> Counter[tuple[str, str, str]]:
    """Our findings as (file, function name, kind).

    Args:
        findings (list[dict[str, object]]): ``--format json`` output.

    Returns:
        Counter[tuple[str, str, str]]: The keys.
    """
    keys: set[tuple[str, str, str]] = set()
    for finding in findings:
        kind = _kind(str(finding["code"]), 1)
        if kind:
            qualname = str(finding["message"]).split(":", 1)[0]
            keys.add((str(finding["path"]), qualname.rsplit(".", 1)[-1], kind))
    return Counter(keys)


def pydoclint_command() -> str:
    """pydoclint on PATH, else the one installed beside this Python (a virtual environment
    that is not activated)."""
    return shutil.which("pydoclint") or str(Path(sys.executable).parent / "pydoclint")


def validate_cold_warm(files: list[str]
                       ) -> tuple[float, float, float, list[dict[str, object]]]:
    """``llm-doc validate --all`` on some files, cold (empty result cache) then warm.

    Args:
        files (list[str]): The files.

    Returns:
        tuple[float, float, float, list[dict[str, object]]]: Cold seconds, the cold run's
        CPU seconds (its workers' included), warm seconds, and the findings
        (``--format json``), which the two runs must agree on.
    """
    cache = Path(tempfile.mkdtemp(prefix="llm-doc-validate-"))
    env = {**os.environ, "LLM_DOC_CACHE_DIR": str(cache)}
    command = [sys.executable, "-m", "llm_doc_manager", "validate", "--all", "--format", "json",
               *files]
    try:
        cold_time, cold_cpu, cold = _timed(command, env)
        warm_time, _, warm = _timed(command, env)
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    assert cold.stdout == warm.stdout, "the warm run must report exactly what the cold one did"
    return cold_time, cold_cpu, warm_time, json.loads(cold.stdout)


def print_agreement(pydoclint_output: str, ours: list[dict[str, object]], listing: bool) -> None:
    """Print the agreement per function and kind (and, with ``listing``, every difference).

    Args:
        pydoclint_output (str): pydoclint's output.
        ours (list[dict[str, object]]): Our findings (``--format json``).
        listing (bool): Whether to print every disagreement.
    """
    theirs_keys, our_keys_ = pydoclint_keys(pydoclint_output), our_keys(ours)
    print("agreement per function and kind (checks both tools have):")
    print(f"  {'kind':8} {'both':>6} {'only pydoclint':>15} {'only llm-doc':>13}")
    for kind in KINDS:
        theirs = {k for k in theirs_keys if k[2] == kind}
        mine = {k for k in our_keys_ if k[2] == kind}
        print(f"  {kind:8} {len(theirs & mine):6} {len(theirs - mine):15} {len(mine - theirs):13}")
    if listing:
        for kind in KINDS:
            theirs = {k for k in theirs_keys if k[2] == kind}
            mine = {k for k in our_keys_ if k[2] == kind}
            for key in sorted(theirs - mine):
                print("only pydoclint:", *key)
            for key in sorted(mine - theirs):
                print("only llm-doc:  ", *key)


def main() -> None:
    """Run the benchmark and print the figures."""
    files = [str(p) for p in stdlib_files()]
    size = sum(os.path.getsize(p) for p in files)
    started = time.perf_counter()
    for path in files:
        ast.parse(Path(path).read_bytes())
    floor = time.perf_counter() - started

    pydoclint = pydoclint_command()
    ref_time, ref_cpu, ref = _timed([pydoclint, "--style=google", "--quiet", *files])

    cold_time, cold_cpu, warm_time, ours = validate_cold_warm(files)
    print(f"corpus: {len(files)} files of Lib/ (tests excluded), {size / 1e6:.1f} MB; "
          f"{os.cpu_count()} cores")
    print(f"floor, ast.parse only (1 core)  : {floor:6.2f} s")
    print(f"pydoclint --style=google        : {ref_time:6.2f} s (CPU {ref_cpu:.2f} s)")
    print(f"llm-doc validate --all, cold    : {cold_time:6.2f} s = {cold_time / ref_time:.3f}x "
          f"pydoclint (goal <= 0.5x); CPU {cold_cpu:.2f} s = {cold_cpu / ref_cpu:.3f}x")
    print(f"llm-doc validate --all, warm    : {warm_time:6.2f} s = {warm_time / ref_time:.3f}x "
          f"pydoclint (goal <= 0.05x)")
    print(f"findings: llm-doc {len(ours)} (all codes)")
    print_agreement(ref.stdout + ref.stderr, ours, "--list" in sys.argv)


if __name__ == "__main__":
    main()
