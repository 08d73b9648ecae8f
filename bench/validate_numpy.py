"""Benchmark ``llm-doc validate --all`` against ``pydoclint --style=numpy`` on NumPy's sources.

The corpus is the NumPy package installed beside the tool (its ``.py`` files, tests
excluded): the largest NumPy-style code base on the machine, written by NumPy's own
maintainers. In one run: the floor (``ast.parse`` of every file, one core), pydoclint (the
anchor), ``llm-doc validate --all`` cold (empty result cache) and warm, then the agreement on
the checks both tools have, per function and kind (``bench.validate_stdlib``'s keys).

Run: ``python -m bench.validate_numpy`` from the repository root (``--list`` prints every
disagreement).
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench.validate_stdlib import KINDS, _timed, our_keys, pydoclint_keys


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

    beside = Path(sys.executable).parent / "pydoclint"  # the venv's, when not on PATH
    pydoclint = shutil.which("pydoclint") or str(beside)
    # Types are compared only where the signature has them (as ours are): NumPy's code has
    # few annotations, and pydoclint's defaults would report every documented type as
    # differing from the missing annotation (DOC105, DOC203: 1,378 findings of noise).
    ref_time, ref = _timed([pydoclint, "--style=numpy", "--quiet",
                            "--arg-type-hints-in-signature=False",
                            "--check-return-types=False", *files])

    cache = Path(tempfile.mkdtemp(prefix="llm-doc-validate-"))
    env = {**os.environ, "LLM_DOC_CACHE_DIR": str(cache)}
    command = [sys.executable, "-m", "llm_doc_manager", "validate", "--all", "--format", "json",
               *files]
    try:
        cold_time, cold = _timed(command, env)
        warm_time, warm = _timed(command, env)
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    assert cold.stdout == warm.stdout, "the warm run must report exactly what the cold one did"
    ours = json.loads(cold.stdout)
    codes = Counter(str(f["code"]) for f in ours)

    theirs_keys, our_keys_ = pydoclint_keys(ref.stdout + ref.stderr), our_keys(ours)
    print(f"corpus: {len(files)} files of NumPy (tests excluded), {size / 1e6:.1f} MB; "
          f"{os.cpu_count()} cores")
    print(f"floor, ast.parse only (1 core)  : {floor:6.2f} s")
    print(f"pydoclint --style=numpy (types off): {ref_time:6.2f} s")
    print(f"llm-doc validate --all, cold    : {cold_time:6.2f} s = {cold_time / ref_time:.3f}x "
          f"pydoclint (goal <= 0.25x)")
    print(f"llm-doc validate --all, warm    : {warm_time:6.2f} s = {warm_time / ref_time:.3f}x "
          f"pydoclint")
    print(f"findings: llm-doc {len(ours)}; LD303 (no style read) {codes['LD303']}; "
          f"most common: {', '.join(f'{c} {n}' for c, n in codes.most_common(8))}")
    print("agreement per function and kind (checks both tools have):")
    print(f"  {'kind':8} {'both':>6} {'only pydoclint':>15} {'only llm-doc':>13}")
    for kind in KINDS:
        theirs = {k for k in theirs_keys if k[2] == kind}
        mine = {k for k in our_keys_ if k[2] == kind}
        print(f"  {kind:8} {len(theirs & mine):6} {len(theirs - mine):15} {len(mine - theirs):13}")
    if "--list" in sys.argv:
        for kind in KINDS:
            theirs = {k for k in theirs_keys if k[2] == kind}
            mine = {k for k in our_keys_ if k[2] == kind}
            for key in sorted(theirs - mine):
                print("only pydoclint:", *key)
            for key in sorted(mine - theirs):
                print("only llm-doc:  ", *key)


if __name__ == "__main__":
    main()
