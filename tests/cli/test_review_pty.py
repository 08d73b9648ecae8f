"""The interactive review driven in a real pseudo-terminal: n, then y, then q."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import pexpect
import pytest

from llm_doc_manager.cli.review import PROMPT

SOURCE = """\
# @llm-doc-start
def first(a):
    return a
# @llm-doc-end
# @llm-doc-start
def second(b):
    return b
# @llm-doc-end
# @llm-doc-start
def third(c):
    return c
# @llm-doc-end
"""


def test_answer_no_yes_quit_applies_exactly_the_accepted_change(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_text(SOURCE)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "LLM_DOC_"))}
    # Never the user's cache or config: another run holding its cache's lock would hold
    # this one's last write (and the test's timeout) too.
    env.update({"LLM_DOC_CACHE_DIR": str(tmp_path / "cache"),
                "XDG_CONFIG_HOME": str(tmp_path / "config")})
    child = pexpect.spawn(sys.executable, ["-m", "llm_doc_manager", "generate", "m.py"],
                          cwd=str(tmp_path), env=env, encoding="utf-8", timeout=60,
                          dimensions=(50, 200))
    try:
        child.expect_exact("generated doc docstring for first")
        child.expect_exact(PROMPT.strip())
        assert path.read_text() == SOURCE  # nothing is written before the answer
        child.sendline("n")
        child.expect_exact("generated doc docstring for second")
        child.expect_exact(PROMPT.strip())
        child.sendline("y")
        child.expect_exact("generated doc docstring for third")
        child.expect_exact(PROMPT.strip())
        child.sendline("q")
        child.expect_exact("Stopped; written: m.py; nothing else was changed.")
        # The summary counts what was written, not what was proposed.
        child.expect_exact("1 file changed; regions: 1 generated, 0 updated, 0 unchanged, "
                           "0 failed, 2 declined")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0
    text = path.read_text()
    assert text.count('"""') == 2
    assert 'def second(b):\n    """TODO: describe.' in text
    assert text.replace(text[text.index('    """'):text.index("    return b")], "") == SOURCE


def _as_from_a_shell() -> None:
    """In the child before exec: Ctrl-C as a shell leaves it (delivered, default action).

    A signal mask and an ignored disposition survive exec: whatever the test process
    happened to inherit or set (under the whole suite the child once never saw ^C) must
    not decide what this test proves.
    """
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize("stop", ["ctrl-c", "ctrl-d"])
def test_ctrl_c_or_ctrl_d_at_the_prompt_exits_130_saying_what_was_written(
        tmp_path: Path, stop: str) -> None:
    path = tmp_path / "m.py"
    path.write_text(SOURCE)
    other = tmp_path / "a.py"
    other.write_text(SOURCE)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "LLM_DOC_"))}
    # Never the user's cache or config: another run holding its cache's lock would hold
    # this one's last write (and the test's timeout) too.
    env.update({"LLM_DOC_CACHE_DIR": str(tmp_path / "cache"),
                "XDG_CONFIG_HOME": str(tmp_path / "config")})
    child = pexpect.spawn(sys.executable, ["-m", "llm_doc_manager", "generate", "a.py", "m.py"],
                          cwd=str(tmp_path), env=env, encoding="utf-8", timeout=60,
                          dimensions=(50, 200), preexec_fn=_as_from_a_shell)
    try:
        for _ in range(3):  # every region of a.py accepted: a.py is written
            child.expect_exact(PROMPT.strip())
            child.sendline("y")
        child.expect_exact("generated doc docstring for first")
        child.expect_exact(PROMPT.strip())
        if stop == "ctrl-c":
            child.sendintr()
        else:
            child.sendeof()
        child.expect_exact("Interrupted; written: a.py; nothing else was changed.")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 130
    assert path.read_text() == SOURCE
    assert other.read_text().count('"""TODO: describe.') == 3


def test_model_run_on_a_terminal_shows_a_progress_bar_then_reviews(tmp_path: Path) -> None:
    from tests.fake_openai import FakeOpenAI

    fake = FakeOpenAI(latency=0.4).start()
    path = tmp_path / "m.py"
    path.write_text(SOURCE)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "LLM_DOC_"))}
    env.update({"OPENAI_API_KEY": "sk-pty", "LLM_DOC_CACHE_DIR": str(tmp_path / "cache")})
    child = pexpect.spawn(sys.executable, ["-m", "llm_doc_manager", "generate", "m.py",
                                           "--provider", "openai", "--base-url", fake.base_url,
                                           "--concurrency", "1"],
                          cwd=str(tmp_path), env=env, encoding="utf-8", timeout=60,
                          dimensions=(50, 200))
    try:
        child.expect_exact("documenting")
        child.expect_exact("0 failed, 0 cached")
        child.expect_exact("generated doc docstring for first")
        child.expect_exact(PROMPT.strip())
        child.sendline("a")
        child.expect(pexpect.EOF)
    finally:
        child.close()
        fake.stop()
    assert len(fake.seen) == 3
    assert path.read_text().count('"""Summarise') == 3
