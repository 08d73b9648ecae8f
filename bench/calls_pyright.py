"""pyright's call hierarchy on our fixture package, beside the expected calls.

Usage: ``python -m bench.calls_pyright PYRIGHT_LANGSERVER`` (the ``pyright-langserver``
script of ``npm install pyright``; nothing is installed by this script).

For every definition of ``tests/callgraph/data/shapes`` with calls, asks pyright's language
server (over stdio, through pygls's LSP client) for the outgoing calls at the definition's
name, and compares them with ``EXPECTED_OUTGOING`` of tests/callgraph/test_resolution.py:
each expected call (line, callee) is found or missed; pyright's extra calls (not in the
expected set) and repeated ranges are counted. The figures go into docs/calls.md.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from collections import Counter
from pathlib import Path

from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient
from pygls.uris import from_fs_path, to_fs_path

from llm_doc_manager.callgraph import key_of, load_project
from tests.callgraph.test_resolution import DATA, EXPECTED_OUTGOING


async def _ask(server: str) -> tuple[dict[str, list[tuple[int, str]]], float]:
    """pyright's outgoing calls of every definition: qualname -> [(line, callee)]."""
    graph = load_project([DATA]).graph
    client = LanguageClient("llm-doc-bench", "1")
    started = time.perf_counter()
    await client.start_io(server, "--stdio")
    root = from_fs_path(str(DATA)) or ""
    await client.initialize_async(lsp.InitializeParams(
        capabilities=lsp.ClientCapabilities(), root_uri=root,
        workspace_folders=[lsp.WorkspaceFolder(uri=root, name="shapes")]))
    client.initialized(lsp.InitializedParams())
    for path in sorted(graph.files):
        client.text_document_did_open(lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(
            uri=from_fs_path(path) or "", language_id="python", version=1,
            text=Path(path).read_text())))
    found: dict[str, list[tuple[int, str]]] = {}
    first = 0.0
    for path in sorted(graph.files):
        for number, definition in enumerate(graph.files[path].defs):
            qualname = graph.qualname((path, number))
            items = await client.text_document_prepare_call_hierarchy_async(
                lsp.CallHierarchyPrepareParams(
                    lsp.TextDocumentIdentifier(from_fs_path(path) or ""),
                    lsp.Position(definition.name_line - 1, definition.name_col)))
            first = first or time.perf_counter() - started
            if not items:
                continue
            calls = await client.call_hierarchy_outgoing_calls_async(
                lsp.CallHierarchyOutgoingCallsParams(items[0])) or []
            for call in calls:
                target = to_fs_path(call.to.uri) or ""
                key = graph.definition_at(key_of(Path(target)),
                                          call.to.selection_range.start.line + 1)
                callee = graph.qualname(key) if key is not None and key[1] >= 0 else \
                    f"{Path(target).name}:{call.to.name}"
                for where in call.from_ranges:
                    found.setdefault(qualname, []).append((where.start.line + 1, callee))
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return found, first


def _matches(call: tuple[str, int, str], theirs: set[tuple[str, int, str]]) -> bool:
    """Whether pyright reports an expected call (an instantiation may name the class)."""
    qualname, line, callee = call
    return call in theirs or (callee.endswith(".__init__") and
                              (qualname, line, callee.rsplit(".", 1)[0]) in theirs)


def main() -> None:
    """Ask pyright and print the comparison."""
    logging.getLogger("pygls").setLevel(logging.ERROR)
    found, first = asyncio.run(_ask(sys.argv[1]))
    expected = {(qualname, line, callee, resolution)
                for qualname, calls in EXPECTED_OUTGOING.items()
                for line, _, resolution, callee in calls if resolution != "unresolved"}
    theirs = {(qualname, line, callee) for qualname, calls in found.items()
              for line, callee in calls}
    raw = sum(len(calls) for calls in found.values())
    repeated = sum(n - 1 for n in Counter((q, line, c) for q, calls in found.items()
                                          for line, c in calls).values() if n > 1)
    print(f"pyright first answer after {first:.2f} s (start-up included)")
    patterns: dict[str, list[bool]] = {}
    for qualname, line, callee, resolution in sorted(expected):
        hit = _matches((qualname, line, callee), theirs)
        patterns.setdefault(qualname, []).append(hit)
        if not hit:
            print(f"  missed ({resolution}): {qualname} line {line} -> {callee}")
    for resolution in ("resolved", "inferred"):
        calls = [(q, line, c) for q, line, c, r in expected if r == resolution]
        print(f"expected {resolution} calls: {len(calls)}; pyright finds "
              f"{sum(_matches(c, theirs) for c in calls)}")
    print(f"definitions with calls: {len(patterns)}; pyright finds all of them for "
          f"{sum(all(hits) for hits in patterns.values())}")
    ours = {(q, line, c) for q, line, c, _ in expected}
    ours |= {(q, line, c.rsplit(".", 1)[0]) for q, line, c in ours if c.endswith(".__init__")}
    outside = sorted(c for c in theirs - ours if ":" in c[2])
    extra = sorted(c for c in theirs - ours if ":" not in c[2])
    print(f"pyright reports {raw} ranges, {len(theirs)} distinct calls, {repeated} repeated; "
          f"{len(outside)} into the standard library (we list those as unresolved); "
          f"{len(extra)} others not expected:")
    for qualname, line, callee in extra:
        print(f"  extra: {qualname} line {line} -> {callee}")


if __name__ == "__main__":
    main()
