"""Benchmark: what learning a project's conventions costs a whole run.

``llm-doc generate --all --diff --no-cache --provider static`` on a copy of the standard
library's ``json``, ``email`` and ``http`` folders (with a ``pyproject.toml`` at the top, so
the project level is read too), once with ``conventions = "learn"`` and once with
``conventions = "default"``, alternating, best of five each, in one run of this script (the
machines here are shared and noisy: only the ratio of the same run means something). Both
``--jobs 2`` (worker processes: the parent learns once and hands it down) and ``--jobs 1``.

Usage: ``python -m bench.conventions``.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

FOLDERS = ("json", "email", "http")
ROUNDS = 5


def _corpus(root: Path) -> int:
    """Copy the folders under ``root``; return how many Python files were copied."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    for name in FOLDERS:
        shutil.copytree(stdlib / name, root / name,
                        ignore=shutil.ignore_patterns("__pycache__", "test", "tests"))
    return sum(1 for _ in root.rglob("*.py"))


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _seconds(root: Path, conventions: str, jobs: int) -> tuple[float, float]:
    """Wall and CPU seconds (all processes) of one run with the given ``conventions`` key."""
    (root / "pyproject.toml").write_text(
        f'[project]\nname = "corpus"\n\n[tool.llm-doc]\nconventions = "{conventions}"\n')
    cpu = _children_cpu()
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "llm_doc_manager", "generate", "--all",
                           "--diff", "--no-cache", "--provider", "static", "--jobs",
                           str(jobs), *FOLDERS], cwd=root, capture_output=True, text=True,
                          check=False, env={**os.environ, "NO_COLOR": "1"})
    wall = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(done.stderr)
    return wall, _children_cpu() - cpu


def main() -> None:
    """Print the best wall and CPU times and their ratios, for two workers and for one."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        files = _corpus(root)
        print(f"{files} files ({', '.join(FOLDERS)}), best of {ROUNDS}")
        for jobs in (2, 1):
            best = {"default": (float("inf"), float("inf")),
                    "learn": (float("inf"), float("inf"))}
            for _ in range(ROUNDS):
                for key, (wall, cpu) in best.items():
                    took = _seconds(root, key, jobs)
                    best[key] = (min(wall, took[0]), min(cpu, took[1]))
            (wall_d, cpu_d), (wall_l, cpu_l) = best["default"], best["learn"]
            print(f"--jobs {jobs}: wall default {wall_d:.2f} s, learn {wall_l:.2f} s "
                  f"(ratio {wall_l / wall_d:.2f}); CPU default {cpu_d:.2f} s, learn "
                  f"{cpu_l:.2f} s (ratio {cpu_l / cpu_d:.2f})")


if __name__ == "__main__":
    main()
