"""Know the cost first (issue 23): ``generate --dry-run``, ``--max-cost``, the price table.

The real CLI and the real ``openai`` client against ``tests/fake_openai.py``: a dry run sends
nothing at all (no chat completion, no ``GET /models``), consults the answer cache as a real
run does, and prints requests, tokens and cost; ``--max-cost`` refuses before starting, or
stops asking mid-run, finishing what is in flight and writing what is done.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from llm_doc_manager.config import load_settings
from llm_doc_manager.errors import ConfigError
from llm_doc_manager.providers.cost import PRICES, Price, price_of
from tests.conftest import Run
from tests.fake_openai import FakeOpenAI, Fault

KEY = "sk-cost-test-0123456789abcdef"
FUNCTIONS = 6
CODE = "".join(f"# @llm-doc-start\ndef f{n}(a: int, b: str) -> int:\n    return a + len(b)\n"
               "# @llm-doc-end\n\n\n" for n in range(FUNCTIONS))


def _project(tmp_path: Path, extra: str = "") -> Path:
    # A timeout no loaded machine reaches; fast retries, so nothing waits.
    (tmp_path / "pyproject.toml").write_text(
        "[tool.llm-doc]\nretry-base = 0.01\nretry-max = 0.05\ntimeout = 120.0\n" + extra)
    path = tmp_path / "m.py"
    path.write_text(CODE)
    return path


def _run(llm_doc: Run, fake: FakeOpenAI, *args: str, trusted: str = "*"
         ) -> subprocess.CompletedProcess[str]:
    # Trusted by default: prices come from a project's file only then (see below).
    return llm_doc("generate", "--provider", "openai", "--base-url", fake.base_url, *args,
                   env={"OPENAI_API_KEY": KEY, "LLM_DOC_TRUSTED_PROJECTS": trusted})


def _listing(fake: FakeOpenAI) -> None:
    """Make ``GET /v1/models`` answer (and count): a dry run must not ask it either."""
    fake.models = [{"id": "gpt-4.1-mini", "object": "model", "owned_by": "test"}]


def _sent(fake: FakeOpenAI) -> int:
    return len(fake.seen) + fake.listed


def _estimate(result: subprocess.CompletedProcess[str]) -> tuple[int, int, int]:
    found = re.search(r"(\d+) requests? would be sent.*\ntokens: about ([\d,]+) prompt \+ "
                      r"([\d,]+) completion", result.stdout)
    assert found, result.stdout + result.stderr
    return int(found[1]), int(found[2].replace(",", "")), int(found[3].replace(",", ""))


def test_a_dry_run_sends_nothing_and_says_what_a_run_would_ask(
        tmp_path: Path, llm_doc: Run, fake: FakeOpenAI) -> None:
    path = _project(tmp_path)
    _listing(fake)
    result = _run(llm_doc, fake, "--dry-run", "m.py")
    assert result.returncode == 0, result.stderr
    assert _sent(fake) == 0  # no HTTP at all
    assert path.read_text() == CODE
    requests, prompt, completion = _estimate(result)
    assert requests == FUNCTIONS
    assert prompt > 0
    assert completion > 0
    assert "nothing was sent" in result.stdout
    # gpt-4.1-mini (the default model) is in the price table: the cost is shown.
    assert re.search(r"cost: about \$0\.\d{4} \(at most \$0\.\d{4}\) at gpt-4\.1-mini's price",
                     result.stdout), result.stdout
    assert KEY not in result.stdout + result.stderr


def test_a_dry_run_after_a_real_run_says_nothing_would_be_sent(
        tmp_path: Path, llm_doc: Run, fake: FakeOpenAI) -> None:
    _project(tmp_path)
    _listing(fake)
    first = _run(llm_doc, fake, "--yes", "m.py")
    assert first.returncode == 0, first.stderr
    sent = _sent(fake)
    assert len(fake.seen) == FUNCTIONS
    again = _run(llm_doc, fake, "--dry-run", "m.py")
    assert again.returncode == 0, again.stderr
    assert _sent(fake) == sent
    assert _estimate(again) == (0, 0, 0)
    assert f"({FUNCTIONS} regions answered from the cache)" in again.stdout


def test_a_dry_run_counts_a_half_cached_run_as_the_real_run_would_ask(
        tmp_path: Path, llm_doc: Run, fake: FakeOpenAI) -> None:
    path = _project(tmp_path)
    first = _run(llm_doc, fake, "--diff", "m.py")  # answers cached, nothing written
    assert first.returncode == 0, first.stderr
    path.write_text(CODE + "# @llm-doc-start\ndef g(x: float) -> float:\n    return -x\n"
                           "# @llm-doc-end\n")
    dry = _run(llm_doc, fake, "--dry-run", "m.py")
    assert dry.returncode == 0, dry.stderr
    assert _estimate(dry)[0] == 1
    before = len(fake.seen)
    real = _run(llm_doc, fake, "--diff", "m.py")
    assert real.returncode == 0, real.stderr
    assert len(fake.seen) - before == 1  # what the dry run said


def test_a_dry_run_with_azure_sends_nothing(tmp_path: Path, llm_doc: Run,
                                            fake: FakeOpenAI) -> None:
    path = _project(tmp_path)
    result = llm_doc("generate", "--provider", "azure", "--model", "gpt-4o-mini", "--dry-run",
                     "m.py", env={"AZURE_OPENAI_API_KEY": KEY,
                                  "AZURE_OPENAI_ENDPOINT": fake.endpoint})
    assert result.returncode == 0, result.stderr
    assert _sent(fake) == 0
    assert path.read_text() == CODE
    assert _estimate(result)[0] == FUNCTIONS
    assert "at gpt-4o-mini's price" in result.stdout


def test_the_static_provider_dry_run_sends_nothing_and_costs_nothing(
        tmp_path: Path, llm_doc: Run) -> None:
    path = _project(tmp_path)
    result = llm_doc("generate", "--provider", "static", "--dry-run", "m.py")
    assert result.returncode == 0, result.stderr
    assert "0 requests, nothing is sent, cost $0" in result.stdout
    assert path.read_text() == CODE


def test_an_unknown_model_shows_tokens_and_an_unknown_cost(
        tmp_path: Path, llm_doc: Run, fake: FakeOpenAI) -> None:
    _project(tmp_path)
    result = _run(llm_doc, fake, "--model", "my-local-model", "--dry-run", "m.py")
    assert result.returncode == 0, result.stderr
    assert _estimate(result)[0] == FUNCTIONS
    assert "cost: unknown (no price for model 'my-local-model'" in result.stdout


def test_max_cost_with_an_unknown_model_is_refused_unless_a_price_is_given(
        tmp_path: Path, llm_doc: Run, fake: FakeOpenAI) -> None:
    path = _project(tmp_path)
    refused = _run(llm_doc, fake, "--model", "my-local-model", "--max-cost", "1", "--yes",
                   "m.py")
    assert refused.returncode == 2, refused.stderr
    assert "max-cost needs the price of model 'my-local-model'" in refused.stderr
    assert _sent(fake) == 0
    assert path.read_text() == CODE
    _project(tmp_path, 'prices = {my-local-model = {input = 0.0, output = 0.0}}\n')
    priced = _run(llm_doc, fake, "--model", "my-local-model", "--max-cost", "1", "--yes",
                  "m.py")
    assert priced.returncode == 0, priced.stderr
    assert len(fake.seen) == FUNCTIONS


def test_max_cost_under_the_estimate_stops_before_anything_is_sent(
        tmp_path: Path, llm_doc: Run, fake: FakeOpenAI) -> None:
    path = _project(tmp_path, "max-cost = 0.000001\n")
    _listing(fake)
    result = _run(llm_doc, fake, "--yes", "m.py")
    assert result.returncode == 1, result.stderr
    assert re.search(r"stopped before starting: the estimated cost \$0\.\d{4} of 6 requests "
                     r"is over max-cost \$0\.0000; nothing was sent", result.stderr), \
        result.stderr
    assert _sent(fake) == 0
    assert path.read_text() == CODE


def test_max_cost_stops_asking_mid_run_and_writes_what_is_done(
        tmp_path: Path, llm_doc: Run, fake: FakeOpenAI) -> None:
    # The estimate passes (a few hundred tokens a request), but the server counts 100,000
    # prompt tokens a request: at $1 per 1M, $0.10 each. One request at a time: the third
    # starts at $0.20 spent (under $0.25), the fourth would pass it.
    path = _project(tmp_path, 'max-cost = 0.25\nprices = {gpt-4 = {input = 1, output = 1}}\n')
    fake.usage = (100_000, 0)
    result = _run(llm_doc, fake, "--model", "gpt-4", "--concurrency", "1", "--yes", "m.py")
    assert result.returncode == 1, result.stderr
    assert len(fake.seen) == 3
    assert re.search(r"stopped: the cost limit of \$0\.2500 \(max-cost\) would be passed: "
                     r"\$0\.3000 spent, \$0\.0000 in flight, the next request about \$0\.\d+; "
                     r"3 regions left unanswered", result.stderr), result.stderr
    assert result.stderr.count("LD201") == 3
    assert path.read_text().count('"""') == 2 * 3  # what was answered is written
    assert "300000 prompt + 0 completion tokens" in result.stderr
    # Without the limit, the re-run asks only for what is left.
    (tmp_path / "pyproject.toml").write_text("[tool.llm-doc]\n")
    rest = _run(llm_doc, fake, "--model", "gpt-4", "--yes", "m.py")
    assert rest.returncode == 0, rest.stderr
    assert len(fake.seen) == FUNCTIONS
    assert path.read_text().count('"""') == 2 * FUNCTIONS


def test_a_server_that_reports_no_usage_is_counted_at_the_estimate(
        tmp_path: Path, llm_doc: Run, fake: FakeOpenAI) -> None:
    # At $1 a token the cost is the token count. Every region's first answer misses the
    # schema and is asked again: the run costs twice the estimate, and the server says
    # nothing of its tokens — the estimate of each answer counts in their place.
    _project(tmp_path, 'prices = {gpt-4 = {input = 1e6, output = 1e6}}\n')
    fake.report_usage = False
    dry = _run(llm_doc, fake, "--model", "gpt-4", "--dry-run", "m.py")
    _, prompt, completion = _estimate(dry)
    each = (prompt + completion) / FUNCTIONS  # the functions differ only by name
    fake.faults = [Fault("schema", f"def f{n}(", times=1) for n in range(FUNCTIONS)]
    # Under the cap before starting (6 estimates); mid-run, 4 regions of 2 answers each
    # have cost 8 estimates, and a fifth would pass 8.5.
    result = _run(llm_doc, fake, "--model", "gpt-4", "--concurrency", "1", "--max-cost",
                  str(8.5 * each), "--yes", "m.py")
    assert result.returncode == 1, result.stderr
    assert len(fake.seen) == 8, result.stderr
    assert "stopped: the cost limit of" in result.stderr
    assert "2 regions left unanswered" in result.stderr


@pytest.mark.parametrize(("line", "message"), [
    ("max-cost = -1\n", "max-cost must be a positive number of US dollars, got -1.0"),
    ("max-cost = 'ten'\n", "max-cost must be a float"),
    ("prices = {gpt-4 = 3}\n", "prices.gpt-4 must be a table of input and output"),
    ("prices = {gpt-4 = {input = 1}}\n", "prices.gpt-4 must be a table of input and output"),
    ("prices = {gpt-4 = {input = 1, output = 'x'}}\n",
     "prices.gpt-4.output must be a number of US dollars per million tokens"),
    ("prices = {gpt-4 = {input = nan, output = 1}}\n",
     "prices.gpt-4.input must be a number of US dollars per million tokens"),
    ("prices = 3\n", "prices must be a table"),
])
def test_bad_cost_settings_are_a_clear_usage_error(
        tmp_path: Path, llm_doc: Run, fake: FakeOpenAI, line: str, message: str) -> None:
    path = _project(tmp_path, line)
    result = _run(llm_doc, fake, "--dry-run", "m.py")
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert path.read_text() == CODE
    assert _sent(fake) == 0


def test_max_cost_from_the_command_line_is_checked_too(
        tmp_path: Path, llm_doc: Run, fake: FakeOpenAI) -> None:
    _project(tmp_path)
    for value in ("0", "nan", "inf"):
        result = _run(llm_doc, fake, "--max-cost", value, "--dry-run", "m.py")
        assert result.returncode == 2, result.stderr
        assert "max-cost must be a positive number of US dollars" in result.stderr


def test_prices_come_from_the_table_a_snapshot_or_the_configuration(tmp_path: Path) -> None:
    assert price_of("gpt-4.1-mini", {}) == PRICES["gpt-4.1-mini"]
    assert price_of("gpt-4.1-mini-2025-04-14", {}) == PRICES["gpt-4.1-mini"]
    assert price_of("llama-3", {}) is None
    (tmp_path / "pyproject.toml").write_text(
        "[tool.llm-doc]\nprices = {gpt-4o = {input = 1, output = 2.5}}\n")
    settings = load_settings(tmp_path, {}, {"LLM_DOC_TRUSTED_PROJECTS": "*"})
    configured = price_of("gpt-4o", dict(settings.prices))
    assert configured == Price(1.0, 2.5, "configured prices")
    assert configured.cost(1_000_000, 2_000_000) == pytest.approx(6.0)
    (tmp_path / "pyproject.toml").write_text(
        "[tool.llm-doc]\nprices = {gpt-4o = {input = -1, output = 2.5}}\n")
    with pytest.raises(ConfigError, match=r"prices\.gpt-4o\.input"):
        load_settings(tmp_path, {}, {"LLM_DOC_TRUSTED_PROJECTS": "*"})


def test_an_untrusted_project_cannot_set_the_prices_max_cost_counts_with(
        tmp_path: Path, llm_doc: Run, fake: FakeOpenAI) -> None:
    # A cloned repository pricing the model at 0 would let every run pass max-cost.
    path = _project(tmp_path, "prices = {'gpt-4.1-mini' = {input = 0, output = 0}}\n")
    result = _run(llm_doc, fake, "--max-cost", "0.000001", "--yes", "m.py", trusted="")
    assert result.returncode == 1, result.stderr
    assert "ignored prices from" in result.stderr
    assert "stopped before starting" in result.stderr
    assert _sent(fake) == 0
    assert path.read_text() == CODE


def test_a_project_may_lower_the_users_max_cost_but_not_raise_it(
        tmp_path: Path, llm_doc: Run, fake: FakeOpenAI) -> None:
    user = tmp_path.parent / f"{tmp_path.name}-config" / "llm-doc" / "config.toml"
    user.parent.mkdir(parents=True)
    user.write_text("max-cost = 0.000001\n")
    path = _project(tmp_path, "max-cost = 1000.0\n")
    result = _run(llm_doc, fake, "--yes", "m.py")
    assert result.returncode == 1, result.stderr
    assert "is over max-cost $0.0000; nothing was sent" in result.stderr
    assert _sent(fake) == 0
    assert path.read_text() == CODE


def test_with_no_token_bound_sent_at_most_is_still_the_kinds_bound(
        tmp_path: Path, llm_doc: Run, fake: FakeOpenAI) -> None:
    # max-tokens = 0 sends no bound; "at most" must not shrink to the estimate.
    _project(tmp_path, "max-tokens = 0\n")
    result = _run(llm_doc, fake, "--dry-run", "m.py")
    assert result.returncode == 0, result.stderr
    # A function's bound: 1,436 tokens (its schema, lists of at least 4 entries).
    assert f"(completion at most {FUNCTIONS * 1436:,})" in result.stdout, result.stdout
