"""The answer cache, the retry policy and what a model is shown."""

from __future__ import annotations

import ast
import asyncio
import multiprocessing
import random
import sqlite3
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

import pytest

from llm_doc_manager.analysis import Kind
from llm_doc_manager.docstrings.exempt import Scope
from llm_doc_manager.generate import FileChange, Options, ParsedFile, load, plan, process_file
from llm_doc_manager.generate.context import ContextBuilder
from llm_doc_manager.providers.answer_cache import FILE_NAME, AnswerCache, make_key
from llm_doc_manager.providers.prompting import PROMPT_VERSION, messages, template
from llm_doc_manager.providers.retry import (
    RateLimiter,
    RetryPolicy,
    is_retryable_status,
    retry_after,
)
from llm_doc_manager.providers.static import StaticProvider
from llm_doc_manager.source.positions import SourceMap


def test_cache_round_trip_and_stats(tmp_path: Path) -> None:
    cache = AnswerCache(tmp_path)
    assert cache.get("k") is None
    cache.put("k", '{"text": "x"}')
    assert cache.get("k") == '{"text": "x"}'
    cache.close()
    again = AnswerCache(tmp_path)
    stats = again.stats()
    assert (stats.entries, stats.hits, stats.misses) == (1, 1, 1)
    assert again.clear() == 1
    assert again.stats().entries == 0


def test_cache_evicts_least_recently_used(tmp_path: Path) -> None:
    cache = AnswerCache(tmp_path, max_mb=10_000 / 2**20)  # a 10 kB cap
    value = "v" * 1000
    for i in range(8):
        cache.put(f"key{i}", value)
    assert cache.get("key0") is not None  # recently used now
    for i in range(8, 12):
        cache.put(f"key{i}", value)
    stats = cache.stats()
    assert stats.size <= 10_000
    assert cache.get("key0") is not None
    assert cache.get("key1") is None  # the oldest unused ones went first
    assert cache.get("key11") is not None


def test_corrupt_or_unusable_cache_is_never_fatal(tmp_path: Path) -> None:
    (tmp_path / FILE_NAME).write_bytes(b"\x00garbage" * 500)
    warnings: list[str] = []
    cache = AnswerCache(tmp_path, warn=warnings.append)
    cache.put("k", "v")
    assert cache.get("k") == "v"
    assert not warnings
    cache.close()
    blocked = tmp_path / "file-not-dir"
    blocked.write_text("")
    broken = AnswerCache(blocked / "sub", warn=warnings.append)
    broken.put("k", "v")
    assert broken.get("k") is None
    assert len(warnings) == 1
    assert "continuing without the cache" in warnings[0]


def _writer(directory: str, worker: int) -> None:
    cache = AnswerCache(Path(directory))
    for i in range(200):
        cache.put(f"{worker}-{i}", f"value {worker} {i}")
        assert cache.get(f"{worker}-{i}") == f"value {worker} {i}"
    cache.close()


def test_processes_write_the_cache_concurrently(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_writer, args=(str(tmp_path), n)) for n in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert [w.exitcode for w in workers] == [0, 0, 0, 0]
    db = sqlite3.connect(tmp_path / FILE_NAME)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("SELECT count(*) FROM entries").fetchone()[0] == 800
    db.close()
    stats = AnswerCache(tmp_path).stats()
    assert stats.hits == 800
    assert stats.size == sum(len(f"value {w} {i}") + len(f"{w}-{i}")
                             for w in range(4) for i in range(200))


def test_keys_change_with_every_part() -> None:
    base = make_key("answer", "openai|u|m", PROMPT_VERSION, "method", [{"c": "x"}])
    assert base != make_key("answer", "openai|u|m2", PROMPT_VERSION, "method", [{"c": "x"}])
    assert base != make_key("answer", "openai|u|m", "0", "method", [{"c": "x"}])
    assert base != make_key("answer", "openai|u|m", PROMPT_VERSION, "method", [{"c": "y"}])


def test_retry_after_forms() -> None:
    assert retry_after({"retry-after-ms": "250"}) == 0.25
    assert retry_after({"retry-after": "3"}) == 3.0
    assert retry_after({"Retry-After": "2.5"}) == 2.5
    later = datetime.now(timezone.utc) + timedelta(seconds=30)
    seconds = retry_after({"retry-after": format_datetime(later, usegmt=True)})
    assert seconds is not None
    assert 25 <= seconds <= 31
    assert retry_after({"retry-after": "soon"}) is None
    assert retry_after({}) is None
    policy = RetryPolicy(tries=5, base=1.0, maximum=10.0)
    assert policy.delay(1, {"retry-after": "3600"}) == 10.0  # capped


def test_full_jitter_backoff_bounds() -> None:
    policy = RetryPolicy(tries=9, base=1.0, maximum=60.0)
    rng = random.Random(7)
    for attempt in range(1, 9):
        ceiling = min(60.0, 2.0 ** (attempt - 1))
        delays = [policy.backoff(attempt, rng) for _ in range(200)]
        assert all(0 <= d <= ceiling for d in delays)
        assert max(delays) > ceiling * 0.8  # full jitter spreads over the whole range
    assert [s for s in (400, 401, 404, 408, 409, 422, 429, 500, 503) if is_retryable_status(s)] \
        == [408, 409, 429, 500, 503]


def test_rate_limiter_spaces_starts_exactly() -> None:
    """Ten concurrent waiters on a clock that does not move get slots 0.2 s apart."""
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    async def main() -> None:
        limiter = RateLimiter(300, clock=lambda: 100.0, sleep=sleep)
        await asyncio.gather(*(limiter.wait() for _ in range(10)))

    asyncio.run(main())
    assert sorted(slept) == pytest.approx([0.2 * k for k in range(1, 10)])
    unlimited = RateLimiter(None, clock=lambda: 0.0, sleep=sleep)
    assert unlimited.interval == 0.0


SOURCE = '''\
import os
import json as j
from typing import Any, Iterator

class Store:
    """Old class doc."""
    root: str

    def __init__(self, root: str) -> None:
        """Old init doc."""
        self.root = root
        self.size = 0

    # @llm-doc-start
    def read(self, name: str) -> Any:
        """Read a file.

        Args:
            name: File name.
        """
        return j.loads(open(os.path.join(self.root, name)).read())
    # @llm-doc-end

    def walk(self) -> Iterator[str]: yield from os.listdir(self.root)
'''


def test_what_a_model_is_shown(tmp_path: Path) -> None:
    path = tmp_path / "store.py"
    path.write_text(SOURCE)
    loaded = load(path, Options(all_defs=True))
    assert isinstance(loaded, ParsedFile), loaded
    requests = {e.request.qualname: e.request for e in plan(loaded, Options(all_defs=True), True)}
    read = requests["Store.read"]
    assert read.code.startswith("    def read(self, name: str) -> Any:\n        return j.loads(")
    assert "Read a file" not in read.code
    assert "@llm-doc" not in read.code
    assert read.context.splitlines() == [
        "Defined in class: class Store:", "Class attributes: root, size",
        "import os", "import json as j", "from typing import Any"]
    user = messages(read)[1]["content"]
    assert user.startswith("Complete the docstring of the Python function Store.read.")
    assert "Read a file.\n\nArgs:\n    name: File name." in user  # cleaned current docstring
    # The class is shown by signatures, its constructor whole, without docstrings.
    store = requests["Store"].code
    assert "def read(self, name: str) -> Any:\n        ...\n" in store
    assert "self.size = 0" in store
    assert "doc" not in store.lower()
    assert "def walk(self) -> Iterator[str]:\n        ...\n" in store
    # Lean prompts: at most the region's source plus 2 kB.
    for request in requests.values():
        chars = sum(len(m["content"]) for m in messages(request))
        assert chars <= len(SOURCE) + 2048
    assert len(template("system")) < 600


def test_shown_code_is_the_same_after_docstrings_are_written() -> None:
    before = "class A:\n    def f(self): return 1\n    x = 1\n"
    after = ('class A:\n    """A."""\n    def f(self):\n        """F.\n\n        Returns:\n'
             '            int: One.\n        """\n        return 1\n    x = 1\n')
    shown = []
    for text in (before, after):
        tree = ast.parse(text)
        builder = ContextBuilder(text, SourceMap(text), tree)
        cls = tree.body[0]
        assert isinstance(cls, ast.ClassDef)
        method = cls.body[-2]
        assert isinstance(method, ast.FunctionDef)
        shown.append((builder.for_class(cls), builder.for_function(method),
                      builder.for_module()))
    assert shown[0] == shown[1]


@pytest.mark.parametrize("name", ["doc", "class", "module", "comm"])
def test_every_task_has_both_templates(name: str) -> None:
    for mode in ("generate", "update"):
        assert "$code" in template(f"{name}_{mode}")
    assert "$existing" in template(f"{name}_update")


ONE_LINERS = '''\
import functools


class Error(Exception): pass


def outer(lines, sep):
    def joined(lines): return sep.join(lines) + sep
    def counted(lines): "Count them."; return len(lines)
    def wide(a,
             b): return a + b
    @functools.cache
    def cached(n): return n
    async def later(): return 1
    return joined(lines), counted(lines), wide(1, 2), cached(3), later


class Box:
    def size(self): return 0
    def __init__(self): self.n = 0


# @llm-comm-start
def helper(x): return x * 2
total = helper(2)
# @llm-comm-end
'''


def test_documenting_one_line_suites_does_not_change_what_is_shown(tmp_path: Path) -> None:
    # A docstring splits ``def f(): return x`` over lines; the code shown for what encloses
    # it (and for the block around it) must read the same before and after, or a re-run
    # would miss the cache (seen on email/contentmanager.py's nested one-liners).
    path = tmp_path / "one.py"
    path.write_text(ONE_LINERS)
    # Nested functions are what this is about: documented on request (all-nested).
    options = Options(all_defs=True, scope=Scope(nested=True))
    result = asyncio.run(process_file(path, StaticProvider(), options))
    assert isinstance(result, FileChange)
    assert result.new_text.count('"""') >= 20
    shown = []
    for text in (ONE_LINERS, result.new_text):
        path.write_text(text)
        loaded = load(path, options)
        assert isinstance(loaded, ParsedFile), loaded
        shown.append({(e.request.qualname, e.request.kind): (e.request.code, e.request.context)
                      for e in plan(loaded, options, True)})
    assert shown[0] == shown[1]
    code = shown[0][("outer", Kind.DOC)][0]
    assert "    def joined(lines):\n        return sep.join(lines) + sep\n" in code
    assert "    def counted(lines):\n        return len(lines)\n" in code
    assert "    def wide(a,\n             b):\n        return a + b\n" in code
    assert shown[0][("Error", Kind.CLASS)][0] == "class Error(Exception):\n    pass\n"
