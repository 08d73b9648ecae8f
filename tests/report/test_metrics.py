"""Documentation metrics on hand-checked code (coverage, completeness, truthfulness)."""

from __future__ import annotations

import ast

from llm_doc_manager.docstrings.metrics import Metrics, measure

SOURCE = '''\
"""A module."""
import os
from json import loads


def complete(path, strict=False):
    """Read a file.

    Uses `os.path` and ``loads``; see `helper`.

    Args:
        path: Where.
        strict: How.
        mode: Not a parameter.

    Returns:
        The data.

    Raises:
        ValueError: When empty.
        NoSuchError: Never defined anywhere.
    """
    if not path:
        raise ValueError(path)
    return loads(path)


def partial(a, **options):
    """Do things with `a` and `missing_name`.

    Args:
        a: A.
        extra: Brought by ``**options``.
    """
    yield a


def bare():
    pass


class Box:
    """A box holding `size`."""

    def __init__(self, size):
        self.size = size
'''


def test_hand_counted_metrics() -> None:
    metrics = measure(ast.parse(SOURCE), "pkg.mod")
    # module, complete, partial, bare, Box, Box.__init__: 6, of which 4 documented.
    assert (metrics.documentable, metrics.documented) == (6, 4)
    # complete: summary, Args, Returns, Raises -> 4 of 4.
    # partial: summary, Args, Yields (missing) -> 2 of 3.
    # Box: summary, Attributes for `size` (missing) -> 1 of 2.
    assert metrics.docstrings == 3
    assert metrics.complete == (1 + 2 / 3 + 1 / 2) / 3
    # Mentions. complete: os.path and loads (imported: true), helper (not in this file),
    # path and strict (parameters: true), mode (not one), ValueError (a builtin: true),
    # NoSuchError. partial: `a` and the entry a (true), missing_name, extra (true: **options
    # may bring it). Box: size (its constructor's parameter: true). 9 true of 13.
    assert metrics.truthful(set()) == (9, 13)
    # With the project's names, helper becomes true; nothing else does.
    assert metrics.truthful({"helper", "mode"}) == (10, 13)
    joined = Metrics()
    joined.add(metrics)
    joined.add(measure(ast.parse("def helper():\n    pass\n"), "pkg.other"))
    assert joined.truthful(joined.defined) == (10, 13)
    assert (joined.documentable, joined.documented) == (8, 4)
