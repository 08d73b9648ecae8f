"""The interactive review driven in a real pseudo-terminal: n, then y, then q."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pexpect

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
        child.expect_exact("Stopped; the changes accepted so far were written.")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    text = path.read_text()
    assert text.count('"""') == 2
    assert 'def second(b):\n    """TODO: describe.' in text
    assert text.replace(text[text.index('    """'):text.index("    return b")], "") == SOURCE


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
