"""``llm-doc report --provider openai``: a model's summaries through the real client and cache."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Run
from tests.fake_openai import FakeOpenAI, target_of
from tests.report.test_report import repo  # noqa: F401 - the fixture

KEY = "sk-report-test-key-never-shown"


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    server = FakeOpenAI().start()
    yield server
    server.stop()


def _report(llm_doc: Run, fake: FakeOpenAI, path: Path, *args: str
            ) -> subprocess.CompletedProcess[str]:
    return llm_doc("report", str(path), "--provider", "openai", "--base-url", fake.base_url,
                   "--no-source", *args, env={"OPENAI_API_KEY": KEY})


def test_what_has_no_docstring_is_asked_once(repo: Path, llm_doc: Run,  # noqa: F811
                                             fake: FakeOpenAI) -> None:
    dry = _report(llm_doc, fake, repo, "--dry-run", "-o", str(repo.parent / "none.md"))
    assert dry.returncode == 0, dry.stderr
    # Module pkg.app; check, extra, Runner.go, Runner.__init__ (broken.py cannot be parsed;
    # parse, Runner and pkg.core have docstrings; the empty pkg/__init__.py is not asked).
    assert "5 requests would be sent (0 definitions answered from the cache)" in dry.stderr
    assert "cost: about $" in dry.stderr
    assert fake.seen == []
    assert not (repo.parent / "none.md").exists()

    first = _report(llm_doc, fake, repo, "--format", "json")
    assert first.returncode == 1  # broken.py
    assert sorted(target_of(s.body) for s in fake.seen) == [
        "Runner.__init__", "Runner.go", "check", "extra", "pkg.app"]
    data = json.loads(first.stdout)
    assert data["summaries"].startswith("openai, model ")
    core = next(f for f in data["files"] if f["path"] == "pkg/core.py")
    check = next(f for f in core["functions"] if f["qualname"] == "check")
    assert (check["summary"], check["summary_by"]) == ("Summarise check.", "model")
    assert check["analysis"].startswith("Summarise check.")
    parse = next(f for f in core["functions"] if f["qualname"] == "parse")
    assert (parse["summary_by"], parse["analysis"]) == ("docstring", None)
    app = next(f for f in data["files"] if f["path"] == "pkg/app.py")
    assert app["summary_by"] == "model"
    assert KEY not in first.stdout + first.stderr

    markdown = _report(llm_doc, fake, repo)
    assert len(fake.seen) == 5, "a re-run on unchanged code sends nothing"
    assert "| [`check`](#check) | 15-19 | 5 | 1 / 0 | *(model)* Summarise check. |" \
        in markdown.stdout
    assert "No docstring; what the model wrote of it:" in markdown.stdout
    assert "| Summaries | openai, model " in markdown.stdout
    again = _report(llm_doc, fake, repo, "--dry-run")
    assert "0 requests would be sent (5 definitions answered from the cache)" in again.stderr

    # One function's body changes: that function alone is asked again.
    core_path = repo / "pkg" / "core.py"
    core_path.write_text(core_path.read_text().replace("return float(value)",
                                                       "return float(value) + 0"))
    _report(llm_doc, fake, repo)
    assert [target_of(s.body) for s in fake.seen[5:]] == ["check"]


def test_a_rejected_key_stops_before_writing(repo: Path, llm_doc: Run,  # noqa: F811
                                             fake: FakeOpenAI) -> None:
    from tests.fake_openai import Fault

    fake.faults.append(Fault("401", times=100))
    out = repo.parent / "out.md"
    result = _report(llm_doc, fake, repo, "-o", str(out), "--no-cache")
    assert result.returncode == 2
    assert "nothing was written" in result.stderr
    assert not out.exists()
    assert KEY not in result.stderr


def test_the_dry_run_counts_as_generate_counts(repo: Path,  # noqa: F811
                                               monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """One estimate for both commands: ``report`` kept its own (4 characters a token for
    the prompt, 250 tokens an answer, its own price table, no ``max_tokens`` bound)."""
    from llm_doc_manager.cli import _dispatch
    from llm_doc_manager.config import load_settings
    from llm_doc_manager.providers import cost
    from llm_doc_manager.providers.model import ModelProvider, resolve_settings
    from llm_doc_manager.report import collect
    from llm_doc_manager.report.ask import questions

    # The estimate, not tiktoken's download, is what is compared here (test_tokens_s8.py
    # counts with the real encoding).
    monkeypatch.setattr(cost, "_LOADED", {"o200k_base": cost.Tokenizer(why="not loaded")})
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    url = "http://127.0.0.1:9/v1"  # never asked: a dry run sends nothing
    code = _dispatch(["report", str(repo), "--provider", "openai", "--model", "gpt-4.1-mini",
                      "--base-url", url, "--dry-run", "--no-cache", "--no-source"])
    assert code == 0
    lines = capsys.readouterr().err.splitlines()
    # What generate --dry-run counts for the same requests (providers.cost, ModelProvider).
    settings = load_settings(repo, {"provider": "openai", "model": "gpt-4.1-mini",
                                    "base_url": url}, {"OPENAI_API_KEY": KEY})
    model = ModelProvider(resolve_settings("openai", settings, {"OPENAI_API_KEY": KEY}))
    model.tokens = cost.tokenizer_for("openai", "gpt-4.1-mini")
    for question in questions(collect(repo, facts=True), settings.placeholder):
        model.count(question.request)
    assert lines == cost.describe(model.estimate, 0, "gpt-4.1-mini", model.settings.price,
                                  model.tokens, asked="definition")
    assert lines[0] == ("dry run: nothing was sent; 5 requests would be sent (0 definitions "
                        "answered from the cache)")
    assert "estimated at 4 characters a token: not loaded" in lines[1]
    assert "at gpt-4.1-mini's price of $0.4 / $1.6 per 1M" in lines[2]
    assert model.estimate.completion_tokens != 5 * 250  # the answers' own sizes
