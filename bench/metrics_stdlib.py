"""What the providers reach on DocAgent's deterministic metrics, on the standard library.

Usage: ``python -m bench.metrics_stdlib``

1. The stdlib as it is (``bench.corpus``, tests excluded).
2. After ``llm-doc generate --all`` with the offline provider: what the code says, the
   placeholder elsewhere (a placeholder is not counted as content).

A model provider's figures need a real model, which this machine cannot reach; the local
fake server's answers are placeholders of another kind and would measure nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.corpus import CALLS_CORPUS, copy_stdlib
from llm_doc_manager.config import PLACEHOLDER
from llm_doc_manager.docstrings.metrics import Metrics
from llm_doc_manager.source import iter_files
from llm_doc_manager.validate.stats import file_metrics


def _figures(paths: list[Path]) -> str:
    total = Metrics()
    for _, metrics in file_metrics(iter_files(paths), PLACEHOLDER):
        total.add(metrics)
    true, mentions = total.truthful(total.defined)
    return (f"coverage {100 * (total.coverage or 0):5.1f} % ({total.documented}/"
            f"{total.documentable}), completeness {total.complete or 0:.3f} over "
            f"{total.docstrings} docstrings, truthfulness {true / mentions:.3f} "
            f"({true}/{mentions})")


def _generate(root: Path, paths: list[Path], *extra: str) -> None:
    subprocess.run([sys.executable, "-m", "llm_doc_manager", "generate", "--all", "--yes",
                    "-q", "--no-cache", *extra, *map(str, paths)], cwd=root, check=True,
                   env=dict(os.environ), capture_output=True)


def main() -> None:
    """Measure both states and print them."""
    with tempfile.TemporaryDirectory(prefix="llm-doc-bench-metrics-") as folder:
        root = Path(folder)
        lib = copy_stdlib(root / "Lib")
        subset = [lib / name for name in CALLS_CORPUS]
        print(f"stdlib as it is:           {_figures([lib])}")
        print(f"  json+email+http+argparse: {_figures(subset)}")
        _generate(root, [lib], "--provider", "static")
        print(f"after the static provider: {_figures([lib])}")


if __name__ == "__main__":
    main()
