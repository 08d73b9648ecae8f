"""Call context in prompts: callees first, their settled summaries, a few callers, bounded.

End to end through the real CLI and ``openai`` client against the local fake server: the
order is read from the order requests arrive in (a caller's request is only built once its
callee's answer is in, so the order is causal, not a matter of speed).
"""

from __future__ import annotations

import subprocess
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from llm_doc_manager.callgraph import CallGraph, key_of, module_index
from llm_doc_manager.generate.call_context import CallContext, Links
from tests.conftest import Run
from tests.fake_openai import FakeOpenAI, Fault, target_of
from tests.helpers import ast_without_docstrings

KEY = "sk-test-call-context"

LOW = '''\
def scale(x, factor=1.0):
    return x * factor


def documented(x):
    """Return x unchanged, as given."""
    return x
'''

MID = '''\
from pkg.low import documented, scale


# @llm-doc-start
def helper(x: int) -> int:
    return scale(x, 2) + documented(x)
# @llm-doc-end


# @llm-doc-start
def main(v):
    return helper(v) + 1
# @llm-doc-end


class Engine:
    # @llm-doc-start
    def run(self, v):
        return self.step(v) + main(v)
    # @llm-doc-end

    # @llm-doc-start
    def step(self, v):
        return v
    # @llm-doc-end


def unknown(obj):
    return obj.step(1)
'''

LOW_MARKED = "# @llm-doc-start\n" + LOW.replace("\n\n\ndef documented", "\n# @llm-doc-end\n\n\n"
                                                 "def documented")

CYCLE = '''\
# @llm-doc-start
def ping(n):
    return pong(n - 1) if n else 0
# @llm-doc-end


# @llm-doc-start
def pong(n):
    return ping(n)
# @llm-doc-end


# @llm-doc-start
def fact(n):
    return 1 if n < 2 else n * fact(n - 1)
# @llm-doc-end
'''


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    server = FakeOpenAI().start()
    yield server
    server.stop()


def _project(tmp_path: Path, settings: str = "", low: str = LOW_MARKED) -> Path:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.llm-doc]\nretry-base = 0.01\nretry-max = 0.05\ntimeout = 5.0\n" + settings)
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "low.py").write_text(low)
    (package / "mid.py").write_text(MID)
    return package


def _run(llm_doc: Run, fake: FakeOpenAI, *args: str) -> subprocess.CompletedProcess[str]:
    return llm_doc("generate", "--provider", "openai", "--base-url", fake.base_url, "--yes",
                   *args, env={"OPENAI_API_KEY": KEY})


def _prompts(fake: FakeOpenAI) -> dict[str, str]:
    """The user message of each request, by target (the first request of each)."""
    found: dict[str, str] = {}
    for seen in fake.seen:
        user = next(m["content"] for m in seen.body["messages"] if m["role"] == "user")
        found.setdefault(target_of(seen.body), user)
    return found


def _order(fake: FakeOpenAI) -> list[str]:
    return [target_of(seen.body) for seen in fake.seen]


def _context(prompt: str) -> str:
    """The prompt's context section (between ``Context:`` and ``Code:``)."""
    return prompt.partition("Context:\n")[2].partition("\nCode:\n")[0].strip()


def test_callees_are_asked_first_and_their_settled_summaries_are_shown(
        tmp_path: Path, llm_doc: Run, fake: FakeOpenAI) -> None:
    package = _project(tmp_path)
    before = {p.name: p.read_text() for p in package.glob("*.py")}
    result = _run(llm_doc, fake, "--concurrency", "8", "pkg")
    assert result.returncode == 0, result.stderr
    order = _order(fake)
    # Each caller after every callee it waits for, whatever the concurrency.
    assert order.index("scale") < order.index("helper") < order.index("main") \
        < order.index("Engine.run")
    assert order.index("Engine.step") < order.index("Engine.run")
    prompts = _prompts(fake)
    # The callee's summary is what this run wrote; an unmarked callee keeps its own.
    assert _context(prompts["helper"]) == (
        "from pkg.low import documented, scale\n"  # the imports it uses, as before
        "Calls (signature: summary):\n"
        "- pkg.low.scale(x, factor=1.0): Summarise scale.\n"
        "- pkg.low.documented(x): Return x unchanged, as given.\n"
        "Called by:\n"
        "- pkg.mid.main(v)")  # a caller documented later: its signature only
    assert _context(prompts["main"]) == (
        "Calls (signature: summary):\n"
        "- pkg.mid.helper(x: int) -> int: Summarise helper.\n"
        "Called by:\n"
        "- pkg.mid.Engine.run(self, v)")
    assert _context(prompts["Engine.run"]) == (
        "Defined in class: class Engine:\n"
        "Calls (signature: summary):\n"
        "- pkg.mid.Engine.step(self, v): Summarise Engine.step.\n"
        "- pkg.mid.main(v): Summarise main.")
    # A first callee in another file: callers only (and an inferred call is no caller).
    assert _context(prompts["scale"]) == "Called by:\n- pkg.mid.helper(x: int) -> int"
    assert _context(prompts["Engine.step"]).endswith(
        "Called by:\n- pkg.mid.Engine.run(self, v)")
    after = {p.name: p.read_text() for p in package.glob("*.py")}
    for name, text in before.items():
        assert ast_without_docstrings(after[name]) == ast_without_docstrings(text)

    # What this run wrote is what the next run shows: every answer comes from the cache.
    sent = len(fake.seen)
    again = _run(llm_doc, fake, "pkg")
    assert again.returncode == 0, again.stderr
    assert len(fake.seen) == sent, "a re-run on unchanged code must send nothing"
    assert {p.name: p.read_text() for p in package.glob("*.py")} == after


def test_a_rewrite_rerun_also_sends_nothing(tmp_path: Path, llm_doc: Run,
                                            fake: FakeOpenAI) -> None:
    _project(tmp_path)
    first = _run(llm_doc, fake, "pkg")
    assert first.returncode == 0, first.stderr
    rewrite = _run(llm_doc, fake, "--rewrite", "pkg")
    assert rewrite.returncode == 0, rewrite.stderr
    sent = len(fake.seen)
    again = _run(llm_doc, fake, "--rewrite", "pkg")
    assert again.returncode == 0, again.stderr
    assert len(fake.seen) == sent
    assert "model: 0 requests" in again.stderr


def test_no_call_context_leaves_prompts_as_they_were(tmp_path: Path, llm_doc: Run,
                                                     fake: FakeOpenAI) -> None:
    _project(tmp_path)
    result = _run(llm_doc, fake, "--no-call-context", "pkg")
    assert result.returncode == 0, result.stderr
    prompts = _prompts(fake)
    assert len(prompts) == 5
    for prompt in prompts.values():
        assert "Calls (" not in prompt
        assert "Called by" not in prompt
    assert "Context:" not in prompts["main"]


def test_the_setting_bounds_the_context(tmp_path: Path, llm_doc: Run,
                                        fake: FakeOpenAI) -> None:
    _project(tmp_path, "call-context = 100\ncall-context-callers = 0\n")
    result = _run(llm_doc, fake, "pkg")
    assert result.returncode == 0, result.stderr
    prompts = _prompts(fake)
    for prompt in prompts.values():
        assert "Called by" not in prompt
    # Two callees do not fit in 100 characters: one, and how many were left out.
    assert _context(prompts["helper"]) == (
        "from pkg.low import documented, scale\n"
        "Calls (signature: summary):\n"
        "- pkg.low.scale(x, factor=1.0): Summarise scale.\n"
        "- ... and 1 more")


def test_zero_turns_it_off_and_a_negative_budget_is_a_usage_error(
        tmp_path: Path, llm_doc: Run, fake: FakeOpenAI) -> None:
    _project(tmp_path, "call-context = 0\n")
    result = _run(llm_doc, fake, "pkg")
    assert result.returncode == 0, result.stderr
    assert all("Calls (" not in p for p in _prompts(fake).values())
    (tmp_path / "pyproject.toml").write_text("[tool.llm-doc]\ncall-context = -1\n")
    bad = _run(llm_doc, fake, "pkg")
    assert bad.returncode == 2
    assert "call-context must be between 0 and 100000, got -1" in bad.stderr


def test_a_cycle_is_one_wave_and_recursion_is_said(tmp_path: Path, llm_doc: Run,
                                                   fake: FakeOpenAI) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.llm-doc]\n")
    (tmp_path / "cycle.py").write_text(CYCLE)
    result = _run(llm_doc, fake, "cycle.py")  # would hang if the members waited for each other
    assert result.returncode == 0, result.stderr
    prompts = _prompts(fake)
    # Members of a cycle cannot be settled before each other: signatures only, both ways.
    assert _context(prompts["ping"]) == (
        "Calls (signature: summary):\n- cycle.pong(n)\nCalled by:\n- cycle.pong(n)")
    assert _context(prompts["pong"]) == (
        "Calls (signature: summary):\n- cycle.ping(n)\nCalled by:\n- cycle.ping(n)")
    assert _context(prompts["fact"]) == "It calls itself (recursion)."


def test_a_failed_callee_leaves_its_callers_asked_with_what_the_file_keeps(
        tmp_path: Path, llm_doc: Run, fake: FakeOpenAI) -> None:
    _project(tmp_path, "max-tries = 1\n")
    fake.faults.append(Fault("400", "function scale", times=1))
    result = _run(llm_doc, fake, "pkg")
    assert result.returncode == 1  # the failed region is reported
    assert "scale" in result.stderr
    prompts = _prompts(fake)
    # scale keeps no docstring, so its caller is shown its signature alone.
    assert "- pkg.low.scale(x, factor=1.0)\n" in _context(prompts["helper"]) + "\n"
    assert '"""Summarise helper.' in (tmp_path / "pkg" / "mid.py").read_text()


def test_only_code_reading_providers_index_calls(tmp_path: Path, llm_doc: Run) -> None:
    _project(tmp_path)
    result = llm_doc("generate", "--provider", "static", "--yes", "-v", "pkg")
    assert result.returncode == 0, result.stderr
    assert "call context" not in result.stderr


def _context_of(files: dict[str, str], chars: int = 2000, callers: int = 3) -> CallContext:
    graph = CallGraph()
    for name, text in files.items():
        graph.set_index(key_of(Path(name)), module_index(textwrap.dedent(text), name[:-3],
                                                         False, name))
    return CallContext(graph, chars, callers)


def _key(context: CallContext, name: str, qualname: str) -> Any:
    return context.graph.find(qualname, key_of(Path(name)))


def test_entries_name_the_place_and_keep_within_the_budget() -> None:
    params = ", ".join(f"p{n}: int = {n}" for n in range(60))
    context = _context_of({"m.py": f'''
        import functools

        class Box:
            """A box."""
            def __init__(self, size: int) -> None:
                self.size = size

        class Bare(Exception):
            pass

        async def fetch(url: str) -> bytes:
            """Fetch a URL."""
            return b""

        def wide({params}):
            return 0

        def user():
            Box(1)
            raise Bare()

        async def caller():
            await fetch("x")
            wide()
            functools.partial(user)
    '''})
    caller = _key(context, "m.py", "caller")
    links = context.links(caller)
    assert [context.graph.qualname(k) for k in links.callees] == ["m.fetch", "m.wide", "m.user"]
    shown = context.render(links, lambda key, callee: context.graph.definition(key).summary)
    lines = shown.splitlines()
    assert lines[1] == "- async m.fetch(url: str) -> bytes: Fetch a URL."
    assert lines[2].startswith("- m.wide(p0: int=0, ")
    assert lines[2].endswith("...")
    assert len(lines[2]) == 300
    user = context.links(_key(context, "m.py", "user"))
    assert [context.entry(k, None) for k in user.callees] == [
        "- m.Box.__init__(self, size: int) -> None", "- class m.Bare(Exception)"]
    # A small budget keeps the first entries that fit and counts the rest.
    small = _context_of({"m.py": "def a(): pass\ndef b(): pass\ndef d(): pass\n"
                                 "def c(): a(); b(); d(); c()\n"}, chars=84)
    c_links = small.links(_key(small, "m.py", "c"))
    assert c_links.recursive
    assert small.render(c_links, lambda key, callee: None) == (
        "It calls itself (recursion).\nCalls (signature: summary):\n- m.a()\n"
        "- ... and 2 more")
    assert small.render(Links((), (), False), lambda key, callee: None) == ""


def test_callers_from_the_same_file_come_first_and_tests_last() -> None:
    context = _context_of({
        "lib.py": "def core(): pass\ndef near(): core()\n",
        "test_lib.py": "from lib import core\ndef test_core(): core()\n",
        "app.py": "from lib import core\ndef main(): core()\ndef other(): core()\n",
    }, callers=3)
    links = context.links(_key(context, "lib.py", "core"))
    assert [context.graph.qualname(k) for k in links.callers] == [
        "lib.near", "app.main", "app.other"]
