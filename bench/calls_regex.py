"""The seed's regex call finder against the call graph, on json/, email/, http/, argparse.py.

Usage: ``python -m bench.calls_regex [--lib PATH]``

For 30 function and method names defined in the corpus (every k-th in sorted order), counts
the seed-style regex hits (``\\bNAME\\s*\\(``), how many of them lie inside a string or a
comment (found with ``tokenize``), and what the call graph reports for the same definitions
(resolved and inferred incoming calls). The figures go into docs/calls.md.
"""

from __future__ import annotations

import argparse
import io
import re
import sysconfig
import tempfile
import tokenize
from pathlib import Path

from bench.corpus import CALLS_CORPUS, copy_modules


def _noise_spans(text: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """(start, end) positions of every string and comment token."""
    spans = []
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type in (tokenize.STRING, tokenize.COMMENT) or \
                (token.type.__class__ is int and tokenize.tok_name[token.type].startswith(
                    "FSTRING")):
            spans.append((token.start, token.end))
    return spans


def _inside(position: tuple[int, int], spans: list[tuple[tuple[int, int], tuple[int, int]]]
            ) -> bool:
    return any(start <= position < end for start, end in spans)


def main() -> None:
    """Print the comparison table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lib", type=Path, default=Path(sysconfig.get_paths()["stdlib"]))
    args = parser.parse_args()
    from llm_doc_manager.callgraph import load_project

    with tempfile.TemporaryDirectory() as tmp:
        root = copy_modules(CALLS_CORPUS, Path(tmp), args.lib)
        graph = load_project([root]).graph
        keys = sorted((path, n) for path, index in graph.files.items()
                      for n, d in enumerate(index.defs) if d.kind != "class"
                      and not d.name.startswith("__"))
        step = max(len(keys) // 30, 1)
        chosen = keys[::step][:30]
        texts = {path: Path(path).read_text(encoding="utf-8") for path in graph.files}
        spans = {path: _noise_spans(text) for path, text in texts.items()}
        hits = noise = definitions = resolved = inferred = 0
        for key in chosen:
            name = graph.definition(key).name
            pattern = re.compile(rf"\b{re.escape(name)}\s*\(")
            for path, text in texts.items():
                starts = [0]
                for line in text.splitlines(keepends=True):
                    starts.append(starts[-1] + len(line))
                for match in pattern.finditer(text):
                    line = next(i for i in range(len(starts)) if starts[i + 1] > match.start())
                    hits += 1
                    if re.search(r"\bdef\s+$", text[starts[line]:match.start()]):
                        definitions += 1
                    elif _inside((line + 1, match.start() - starts[line]), spans[path]):
                        noise += 1
            for call in graph.incoming(key):
                if call.resolution == "resolved":
                    resolved += 1
                else:
                    inferred += 1
        print(f"{len(graph.files)} files, {len(chosen)} names")
        print(f"regex: {hits} hits, {definitions} of them the def itself, {noise} inside "
              "strings or comments")
        print(f"call graph: {resolved} resolved + {inferred} inferred incoming calls, "
              "none inside strings or comments")


if __name__ == "__main__":
    main()
