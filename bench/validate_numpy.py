"""Benchmark ``llm-doc validate --all`` against ``pydoclint --style=numpy`` on NumPy's sources.

The corpus is the NumPy package installed beside the tool (its ``.py`` files, tests
excluded): the largest NumPy-style code base on the machine, written by NumPy's own
maintainers. In one run: the floor (``ast.parse`` of every file, one core), pydoclint (the
anchor), ``llm-doc validate --all`` cold (empty result cache) and warm, then the agreement on
the checks both tools have, per function and kind (``bench.validate_stdlib``'s keys). Each
timed run also says its CPU seconds (worker processes included): on a machine other
processes load, the CPU ratio is the steadier figure, the wall ratio the goal's.

Run: ``python -m bench.validate_numpy`` from the repository root (``--list`` prints every
disagreement).
"""

from __future__ import annotations

import ast
import importlib.util
import os
import sys
import time
from collections import Counter
from pathlib import Path

from bench.validate_stdlib import _timed, print_agreement, pydoclint_command, validate_cold_warm


def numpy_files() -> list[Path]:
    """The ``.py`` files of the installed NumPy package, tests and stubs excluded."""
    spec = importlib.util.find_spec("numpy")
    if spec is None or spec.origin is None:
        raise SystemExit("numpy is not installed: pip install numpy")
    root = Path(spec.origin).parent
    return sorted(p for p in root.rglob("*.py")
                  if "tests" not in p.relative_to(root).parts and
                  "testing" not in p.relative_to(root).parts)


def main() -> None:
    """Run the benchmark and print the figures."""
    files = [str(p) for p in numpy_files()]
    size = sum(os.path.getsize(p) for p in files)
    started = time.perf_counter()
    for path in files:
        ast.parse(Path(path).read_bytes())
    floor = time.perf_counter() - started

    pydoclint = pydoclint_command()
    # Types are compared only where the signature has them (as ours are): NumPy's code has
    # few annotations, and pydoclint's defaults would report every documented type as
    # differing from the missing annotation (DOC105, DOC203: 1,378 findings of noise).
    ref_time, ref_cpu, ref = _timed([pydoclint, "--style=numpy", "--quiet",
                            "--arg-type-hints-in-signature=False",
                            "--check-return-types=False", *files])

    cold_time, cold_cpu, warm_time, ours = validate_cold_warm(files)
    codes = Counter(str(f["code"]) for f in ours)
    print(f"corpus: {len(files)} files of NumPy (tests excluded), {size / 1e6:.1f} MB; "
          f"{os.cpu_count()} cores")
    print(f"floor, ast.parse only (1 core)  : {floor:6.2f} s")
    print(f"pydoclint --style=numpy (types off): {ref_time:6.2f} s (CPU {ref_cpu:.2f} s)")
    print(f"llm-doc validate --all, cold    : {cold_time:6.2f} s = {cold_time / ref_time:.3f}x "
          f"pydoclint (goal <= 0.25x); CPU {cold_cpu:.2f} s = {cold_cpu / ref_cpu:.3f}x")
    print(f"llm-doc validate --all, warm    : {warm_time:6.2f} s = {warm_time / ref_time:.3f}x "
          f"pydoclint")
    print(f"findings: llm-doc {len(ours)}; LD303 (no style read) {codes['LD303']}; "
          f"most common: {', '.join(f'{c} {n}' for c, n in codes.most_common(8))}")
    print_agreement(ref.stdout + ref.stderr, ours, "--list" in sys.argv)


if __name__ == "__main__":
    main()
