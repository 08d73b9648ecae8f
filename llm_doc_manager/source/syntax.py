"""The one door to Python's parser: a lock, because CPython 3.11's is not safe across threads.

A run plans files in a thread while the event loop reads the model's answers, and both parse
(files, the answer cache's code shapes, the gate's names). CPython 3.11 keeps the depth of
the tree it is building in one place for every thread: when the collector runs Python code
(a finalizer, a weakref callback) during one thread's parse and lets another thread parse,
the first fails with ``SystemError: AST constructor recursion depth mismatch``
(python/cpython#106905; tests/analysis/test_syntax_threads_s8.py shows it). Every parse of
the package goes through here, so no two threads build trees at once.
"""

from __future__ import annotations

import ast
import threading
from typing import Any, Literal, overload

_LOCK = threading.RLock()


@overload
def parse(source: str | bytes, filename: str = ..., mode: Literal["exec"] = ...) -> ast.Module:
    ...


@overload
def parse(source: str | bytes, filename: str = ..., *,
          mode: Literal["eval"]) -> ast.Expression:
    ...


def parse(source: str | bytes, filename: str = "<unknown>", mode: str = "exec") -> Any:
    """Parse as ``ast.parse`` does, one thread at a time.

    Args:
        source: The code.
        filename: The name shown in a syntax error.
        mode: ``exec`` (a module) or ``eval`` (one expression).

    Returns:
        The tree.
    """
    with _LOCK:
        return ast.parse(source, filename=filename, mode=mode)


def literal_eval(text: str) -> Any:
    """Evaluate a Python literal as ``ast.literal_eval`` does, its parse under the lock.

    Args:
        text: The literal's source.

    Returns:
        Its value.
    """
    return ast.literal_eval(parse(text.lstrip(" \t"), mode="eval"))
