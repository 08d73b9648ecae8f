"""Two threads parsing at once: CPython 3.11's parser fails (python/cpython#106905) when the
collector runs Python code during one thread's parse and lets the other one parse; every
parse of the package goes through ``source.syntax``, which lets one thread parse at a time.

A run plans files in a thread while its event loop parses too (the answer cache's code
shapes, the gate's names): a model run ended with "internal error: SystemError: AST
constructor recursion depth mismatch" this way.
"""

from __future__ import annotations

import ast
import gc
import sys
import threading
import time
import weakref
from collections.abc import Callable
from pathlib import Path

import pytest

from llm_doc_manager.source import syntax

# A few hundred lines of real code: a parse long enough for the collector to run in it.
SOURCE = (Path(ast.__file__)).read_text(encoding="utf-8")


class _Cell:
    """A member of a reference cycle (cyclic garbage is what the collector runs for)."""

    other: _Cell


def _callback(_: object) -> None:
    """Python code the collector runs in the middle of a parse."""
    sum(range(50))


def _race(parse: Callable[..., object], rounds: int = 6) -> list[SystemError]:
    """Parse ``SOURCE`` in one thread while another parses small expressions."""
    errors: list[SystemError] = []
    done = threading.Event()

    def big() -> None:
        try:
            for _ in range(rounds):
                refs = []
                for _ in range(3000):  # garbage whose collection runs _callback
                    a, b = _Cell(), _Cell()
                    a.other, b.other = b, a
                    refs.append(weakref.ref(a, _callback))
                try:
                    parse(SOURCE)
                except SystemError as exc:
                    errors.append(exc)
                del refs
        finally:
            done.set()

    def small() -> None:
        while not done.is_set():
            try:
                parse("f(a, b)[c].d + g(*h, **i)", mode="eval")
            except SystemError as exc:
                errors.append(exc)

    interval, thresholds = sys.getswitchinterval(), gc.get_threshold()
    sys.setswitchinterval(1e-6)
    gc.set_threshold(50, 5, 5)
    try:
        threads = [threading.Thread(target=big), threading.Thread(target=small)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 60
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
    finally:
        sys.setswitchinterval(interval)
        gc.set_threshold(*thresholds)
    return errors


def test_parsing_through_the_lock_never_fails() -> None:
    assert _race(syntax.parse) == []


def test_the_race_is_real_where_the_parser_is_unsafe() -> None:
    # Not a test of ours: it shows the setup above reaches CPython's bug, so the test of the
    # lock is not vacuous. A Python whose parser is safe has nothing to show.
    if not _race(ast.parse):
        pytest.skip(f"Python {sys.version.split()[0]}'s parser did not fail here")
