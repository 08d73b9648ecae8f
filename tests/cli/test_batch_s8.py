"""The Batch API's leftovers (issue 23): ``generate --batch --dry-run`` and pruning the state.

Real components, as in ``tests/providers/test_batch_s6.py`` (whose fixtures this reuses): the
CLI in this process, the real ``openai`` client against ``tests/fake_batch.py`` on 127.0.0.1,
the real answer cache and state files. Each test is an attack that failed before: a dry run
with ``--batch`` was a usage error, and the answers kept beside an applied submission were
never dropped (nor the submission), an unusable kept answer failed its region forever.
Interruptions are a ``KeyboardInterrupt`` raised at the step named, as Ctrl-C raises it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from llm_doc_manager.cli import _dispatch
from llm_doc_manager.cli.args import INTERRUPTED
from llm_doc_manager.providers.answer_cache import AnswerCache
from llm_doc_manager.providers.batch import LOCK_NAME, States
from llm_doc_manager.providers.batch import prune as _prune_function
from tests.fake_batch import FakeBatch, batch_project, serving
from tests.providers.test_batch_s6 import CHAIN, CODE, KEY, run

MODEL = ("--model", "gpt-4.1-mini")


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of this test's own, a key, and the project (m.py, n.py) as cwd."""
    return batch_project(tmp_path, monkeypatch, CODE, KEY)


@pytest.fixture
def batch_server() -> Iterator[FakeBatch]:
    yield from serving()


def state_folder(tmp_path: Path) -> Path:
    return tmp_path / "cache" / "batches-v1"


def kept_files(tmp_path: Path) -> list[Path]:
    """What the state folder keeps: submissions and answers (its lock file is not state)."""
    return sorted(p for p in state_folder(tmp_path).iterdir() if p.name != LOCK_NAME)


def documented(project: Path) -> int:
    return sum(p.read_text().count('"""Summarise ') for p in project.glob("*.py"))


def posted_batches(server: FakeBatch) -> int:
    return server.calls.count("POST /v1/batches")


def dry(capsys: pytest.CaptureFixture[str], url: str, *args: str) -> tuple[int, str, str]:
    """``generate --provider openai --base-url URL ARGS``: exit code, stdout, stderr."""
    code = _dispatch(["generate", "--provider", "openai", "--base-url", url, *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def cost_of(text: str) -> float:
    found = re.search(r"cost: about \$([\d.,]+)", text)
    assert found, text
    return float(found.group(1).replace(",", ""))


# --- 1. generate --batch --dry-run ----------------------------------------------------------


def test_batch_dry_run_sends_nothing_and_prices_the_submission_at_the_batch_price(
        env: Path, tmp_path: Path, batch_server: FakeBatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    before = {p.name: p.read_bytes() for p in env.glob("*.py")}
    code, out, err = dry(capsys, batch_server.base_url, *MODEL, "--batch", "--dry-run", "--yes",
                         ".")
    assert code == 0, err
    assert batch_server.calls == []  # not even GET /models
    assert not state_folder(tmp_path).exists()
    assert {p.name: p.read_bytes() for p in env.glob("*.py")} == before
    assert sorted(p.name for p in env.iterdir()) == ["m.py", "n.py"]
    assert "6 requests would be sent (0 regions answered from the cache)" in out
    assert "6 requests in 1 input file" in out
    assert "0 requests already in a submission" in out
    # Half the direct dry run's price, from the same estimate.
    code, direct, err = dry(capsys, batch_server.base_url, *MODEL, "--dry-run", ".")
    assert code == 0, err
    assert cost_of(out) == pytest.approx(cost_of(direct) / 2, abs=0.0001)
    assert re.search(r"tokens: about [\d,]+ prompt", out)
    # What it announced is what a real run submits: the requests, the file's size.
    size = re.search(r"1 input file \(([\d.]+) kB\)", out)
    assert size, out
    code, err = run(capsys, batch_server.base_url, *MODEL, "--batch", "--yes", ".")
    assert code == 1, err
    assert "Submitted 6 requests" in err
    (uploaded,) = batch_server.inputs.values()
    assert f"{sum(len(line) for line in uploaded) / 1e3:.1f}" == size.group(1)


def test_batch_dry_run_counts_what_a_kept_submission_holds_as_not_paid_again(
        env: Path, tmp_path: Path, batch_server: FakeBatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, batch_server.base_url, "--batch", "--yes", ".")[0] == 1
    (env / "n.py").write_text(CODE.replace("def f", "def g").replace("b * 0", "b * 100"))
    states = sorted(p.read_bytes() for p in kept_files(tmp_path))
    calls = len(batch_server.calls)
    code, out, err = dry(capsys, batch_server.base_url, "--batch", "--dry-run", ".")
    assert code == 0, err
    assert batch_server.calls[calls:] == []
    assert sorted(p.read_bytes() for p in kept_files(tmp_path)) == states
    assert "1 request would be sent" in out
    assert "5 requests already in a submission kept in the cache folder (polled or read " \
        "back, not paid again)" in out
    code, err = run(capsys, batch_server.base_url, "--batch", "--yes", ".")
    assert "Submitted 1 request " in err


def test_batch_dry_run_with_call_context_says_the_later_waves(
        env: Path, batch_server: FakeBatch, capsys: pytest.CaptureFixture[str]) -> None:
    for path in env.glob("*.py"):
        path.unlink()
    (env / "c.py").write_text(CHAIN)
    code, out, err = dry(capsys, batch_server.base_url, *MODEL, "--batch", "--dry-run", ".")
    assert code == 0, err
    assert batch_server.calls == []
    assert "1 request would be sent" in out
    assert "2 regions wait for the answers of what they call: asked in later waves" in out
    assert "The figures above are the first wave's, exact" in out
    assert re.search(r"estimated from their prompts without them, about 2 requests, [\d,]+ "
                     r"prompt \+ [\d,]+ completion tokens, about \$", out), out
    assert (env / "c.py").read_text() == CHAIN
    # Without call context, one wave holds all three.
    code, out, err = dry(capsys, batch_server.base_url, "--batch", "--dry-run",
                         "--no-call-context", ".")
    assert code == 0, err
    assert "3 requests would be sent" in out
    assert "later waves" not in out


def test_batch_dry_run_says_when_max_cost_would_stop_the_submission(
        env: Path, tmp_path: Path, batch_server: FakeBatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = dry(capsys, batch_server.base_url, *MODEL, "--batch", "--dry-run",
                         "--max-cost", "0.0001", ".")
    assert code == 1
    assert re.search(r"not submitted: the estimated cost \$[\d.]+ of 6 requests \(at the "
                     r"Batch API's price\) is over max-cost \$0\.0001", err), err
    assert "cost: about $" in out
    code, out, err = dry(capsys, batch_server.base_url, *MODEL, "--batch", "--dry-run",
                         "--max-cost", "5", ".")
    assert code == 0, err
    code, out, err = dry(capsys, batch_server.base_url, "--model", "house-model-7", "--batch",
                         "--dry-run", "--max-cost", "1", ".")
    assert code == 1
    assert "max-cost needs the price of model 'house-model-7'" in err
    assert "cost: unknown" in out
    assert batch_server.calls == []
    assert not state_folder(tmp_path).exists()


def test_batch_file_dry_run_writes_no_file_and_batch_results_dry_run_is_refused(
        env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = "http://127.0.0.1:9/v1"  # no server: nothing may be sent
    code, out, err = dry(capsys, url, "--batch-file", "in.jsonl", "--dry-run", ".")
    assert code == 0, err
    assert "6 requests in 1 input file" in out
    assert "for in.jsonl" in out
    assert not (env / "in.jsonl").exists()
    # Without the cache, and with the later waves of a call chain: still nothing written.
    (env / "c.py").write_text(CHAIN)
    code, out, err = dry(capsys, url, "--batch-file", "in.jsonl", "--dry-run", "--no-cache", ".")
    assert code == 0, err
    assert "7 requests in 1 input file" in out
    assert "2 regions wait for the answers of what they call" in out
    assert "written by the --batch-file run after the wave before it is applied" in out
    assert sorted(p.name for p in env.iterdir()) == ["c.py", "m.py", "n.py"]
    code, out, err = dry(capsys, url, "--batch-results", "out.jsonl", "--dry-run", ".")
    assert code == 2
    assert "--batch-results and --dry-run cannot be combined" in err


# --- 2. Pruning what an applied submission leaves ------------------------------------------


def test_an_applied_submission_keeps_no_answer_the_cache_holds(
        env: Path, tmp_path: Path, batch_server: FakeBatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    batch_server.instant = True
    code, err = run(capsys, batch_server.base_url, "--batch", "--yes", ".")
    assert code == 0, err
    assert documented(env) == 6
    assert not list(state_folder(tmp_path).glob("*.results.jsonl"))
    assert _dispatch(["batch", "list"]) == 0
    listed = capsys.readouterr().out
    assert "1 completed; applied" in listed
    assert "kept" not in listed
    assert _dispatch(["batch", "prune"]) == 0
    assert "removed 1 applied submission." in capsys.readouterr().out
    assert _dispatch(["batch", "list"]) == 0
    assert "No batch submissions" in capsys.readouterr().out
    code, err = run(capsys, batch_server.base_url, "--batch", "--yes", ".")
    assert code == 0, err
    assert posted_batches(batch_server) == 1


def test_answers_for_regions_no_run_has_asked_yet_are_kept_until_used(
        env: Path, tmp_path: Path, batch_server: FakeBatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, batch_server.base_url, "--batch", "--yes", ".")[0] == 1
    batch_server.finish()
    # Applied by a run over m.py alone: n.py's answers are downloaded, not yet cached.
    code, err = run(capsys, batch_server.base_url, "--batch", "--yes", "m.py")
    assert code == 0, err
    (kept,) = state_folder(tmp_path).glob("*.results.jsonl")
    assert len(kept.read_bytes().splitlines()) == 3
    assert _dispatch(["batch", "list"]) == 0
    assert "3 answers kept for regions no run has asked since" in capsys.readouterr().out
    assert _dispatch(["batch", "prune"]) == 0
    assert "kept 1 applied submission holding answers no run has cached yet" in \
        capsys.readouterr().out
    assert len(list(state_folder(tmp_path).glob("*.json"))) == 1
    # A run over n.py reads them, and then nothing of the submission is needed.
    code, err = run(capsys, batch_server.base_url, "--batch", "--yes", "n.py")
    assert code == 0, err
    assert documented(env) == 6
    assert posted_batches(batch_server) == 1
    assert not kept.exists()
    assert _dispatch(["batch", "prune"]) == 0
    assert "removed 1 applied submission." in capsys.readouterr().out
    assert not list(kept_files(tmp_path))


def test_prune_answers_drops_kept_answers_and_the_region_is_asked_again(
        env: Path, tmp_path: Path, batch_server: FakeBatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, batch_server.base_url, "--batch", "--yes", ".")[0] == 1
    batch_server.finish()
    assert run(capsys, batch_server.base_url, "--batch", "--yes", "m.py")[0] == 0
    # n.py changed meanwhile: its kept answers answer nothing any run will ask.
    (env / "n.py").write_text(CODE.replace("def f", "def g").replace("b * 0", "b * 100"))
    assert _dispatch(["batch", "prune", "--answers"]) == 0
    assert "removed 1 applied submission and 3 kept answers." in capsys.readouterr().out
    assert not list(kept_files(tmp_path))
    code, err = run(capsys, batch_server.base_url, "--batch", "--yes", "n.py")
    assert code == 1
    assert "Submitted 3 requests" in err


def test_a_submission_in_flight_is_never_pruned_and_an_old_applied_one_goes(
        env: Path, tmp_path: Path, batch_server: FakeBatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, batch_server.base_url, "--batch", "--yes", ".")[0] == 1
    (state,) = state_folder(tmp_path).glob("*.json")
    data = json.loads(state.read_text())
    data["created"] = 0.0  # submitted long ago: age alone never forgets one in flight
    state.write_text(json.dumps(data))
    assert _dispatch(["batch", "prune", "--answers"]) == 0
    assert "kept 1 submission not applied yet" in capsys.readouterr().out
    assert _dispatch(["cache", "clear"]) == 0
    assert "kept 1 submission not applied yet" in capsys.readouterr().out
    assert state.exists()
    batch_server.finish()
    code, err = run(capsys, batch_server.base_url, "--batch", "--yes", ".")
    assert code == 0, err
    assert documented(env) == 6
    assert posted_batches(batch_server) == 1
    # Applied, nothing kept, and older than KEEP_APPLIED_DAYS: the run itself forgot it.
    assert not list(kept_files(tmp_path))


def test_an_unusable_kept_answer_is_asked_again_not_failed_forever(
        env: Path, batch_server: FakeBatch, capsys: pytest.CaptureFixture[str]) -> None:
    batch_server.instant = True
    batch_server.garbled = frozenset({"f1"})
    code, err = run(capsys, batch_server.base_url, "--batch", "--yes", ".")
    assert code == 1
    assert "f1: " in err
    assert "not a chat completion" in err
    batch_server.garbled = frozenset()
    code, err = run(capsys, batch_server.base_url, "--batch", "--yes", ".")
    assert code == 0, err
    assert "Submitted 1 request " in err
    assert documented(env) == 6


# --- 3. Interrupted between downloading, caching and pruning --------------------------------


def test_stopped_before_the_state_says_applied_downloads_again_and_pays_nothing(
        env: Path, tmp_path: Path, batch_server: FakeBatch, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, batch_server.base_url, "--batch", "--yes", ".")[0] == 1
    batch_server.finish()
    save = States.save

    def stop_when_applied(self: States, submission: object) -> None:
        if getattr(submission, "applied", False):
            raise KeyboardInterrupt
        save(self, submission)  # type: ignore[arg-type]

    monkeypatch.setattr(States, "save", stop_when_applied)
    assert run(capsys, batch_server.base_url, "--batch", "--yes", ".")[0] == INTERRUPTED
    monkeypatch.setattr(States, "save", save)
    assert documented(env) == 0
    code, err = run(capsys, batch_server.base_url, "--batch", "--yes", ".")
    assert code == 0, err
    assert documented(env) == 6
    assert posted_batches(batch_server) == 1
    assert not list(state_folder(tmp_path).glob("*.results.jsonl"))


def test_stopped_while_caching_reads_the_kept_answers_and_pays_nothing(
        env: Path, tmp_path: Path, batch_server: FakeBatch, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, batch_server.base_url, "--batch", "--yes", ".")[0] == 1
    batch_server.finish()
    put = AnswerCache.put
    puts = [0]

    def stop_at_the_third(self: AnswerCache, key: str, value: str) -> None:
        puts[0] += 1
        if puts[0] == 3:
            raise KeyboardInterrupt
        put(self, key, value)

    monkeypatch.setattr(AnswerCache, "put", stop_at_the_third)
    assert run(capsys, batch_server.base_url, "--batch", "--yes", ".")[0] == INTERRUPTED
    monkeypatch.setattr(AnswerCache, "put", put)
    assert list(state_folder(tmp_path).glob("*.results.jsonl"))
    code, err = run(capsys, batch_server.base_url, "--batch", "--yes", ".")
    assert code == 0, err
    assert documented(env) == 6
    assert posted_batches(batch_server) == 1
    assert not list(state_folder(tmp_path).glob("*.results.jsonl"))


def test_stopped_between_caching_and_pruning_the_next_run_prunes(
        env: Path, tmp_path: Path, batch_server: FakeBatch, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, batch_server.base_url, "--batch", "--yes", ".")[0] == 1
    batch_server.finish()

    def stop(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    seam = "llm_doc_manager.cli.batch.prune"
    monkeypatch.setattr(seam, stop)
    assert run(capsys, batch_server.base_url, "--batch", "--yes", ".")[0] == INTERRUPTED
    monkeypatch.setattr(seam, _prune_function)
    (kept,) = state_folder(tmp_path).glob("*.results.jsonl")
    assert documented(env) == 0
    # Every answer is cached: the next run reads none of the kept ones, and drops them.
    code, err = run(capsys, batch_server.base_url, "--batch", "--yes", ".")
    assert code == 0, err
    assert documented(env) == 6
    assert posted_batches(batch_server) == 1
    assert not kept.exists()


def test_stopped_between_dropping_the_kept_answers_and_the_state_the_state_stays_true(
        env: Path, tmp_path: Path, batch_server: FakeBatch, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    batch_server.instant = True
    assert run(capsys, batch_server.base_url, "--batch", "--yes", ".")[0] == 0
    (state,) = state_folder(tmp_path).glob("*.json")
    (state.with_suffix(".results.jsonl")).write_bytes(b"")  # as if kept, to be removed first
    unlink = Path.unlink

    def stop_at_the_state(self: Path, missing_ok: bool = False) -> None:
        if self == state:
            raise KeyboardInterrupt
        unlink(self, missing_ok)

    monkeypatch.setattr(Path, "unlink", stop_at_the_state)
    with pytest.raises(KeyboardInterrupt):
        _dispatch(["batch", "prune"])
    monkeypatch.setattr(Path, "unlink", unlink)
    capsys.readouterr()
    # The kept file went first: what is left is an applied submission, listed as such.
    assert sorted(p.name for p in kept_files(tmp_path)) == [state.name]
    assert _dispatch(["batch", "list"]) == 0
    assert "1 completed; applied" in capsys.readouterr().out
    assert _dispatch(["batch", "prune"]) == 0
    assert "removed 1 applied submission." in capsys.readouterr().out
    assert not list(kept_files(tmp_path))


# --- 5. Two runs over the same state at once ------------------------------------------------


def _applying(env: Path, server: FakeBatch, capsys: pytest.CaptureFixture[str],
              target: str = ".") -> subprocess.Popen[str]:
    """A real ``llm-doc generate --batch --yes .`` in another process, held in its download.

    A submission over ``target`` is made (in this process) and completed first; the other
    process then polls it and waits inside the download of its answers (``FakeBatch.hold``):
    it holds the batch state.
    """
    code = _dispatch(["generate", "--provider", "openai", "--base-url", server.base_url,
                      "--batch", "--yes", target])
    said = capsys.readouterr().err  # read: the tests look at what comes next
    assert code == 1, said  # submitted, waiting
    server.finish()
    server.held.clear()
    server.hold = threading.Event()
    process = subprocess.Popen(
        [sys.executable, "-m", "llm_doc_manager", "generate", "--provider", "openai",
         "--base-url", server.base_url, "--batch", "--yes", "."],
        cwd=env, env=dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True)
    if not server.held.wait(120):  # bounds a failure only: the run reaches it or dies
        process.kill()
        raise AssertionError(process.communicate())
    return process


def test_a_second_run_while_another_applies_the_same_state_is_refused_in_one_line(
        env: Path, tmp_path: Path, batch_server: FakeBatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    other = _applying(env, batch_server, capsys)
    before = {p.name: p.read_bytes() for p in env.glob("*.py")}
    calls = len(batch_server.calls)
    try:
        code, err = run(capsys, batch_server.base_url, "--batch", "--yes", ".")
        after = {p.name: p.read_bytes() for p in env.glob("*.py")}
    finally:
        batch_server.release()
        _, other_err = other.communicate(timeout=120)
    # Refused before its first pass: it asked the server nothing, wrote nothing.
    assert code == 1
    assert err.splitlines() == [
        f"error: another llm-doc run (process {other.pid}) is using the batch state in "
        f"{state_folder(tmp_path)}: run the same command again once it has ended; nothing "
        "was sent or written."]
    assert batch_server.calls[calls:] == []
    assert after == before
    # The other run applied the answers; once it has ended the state is free again.
    assert other.returncode == 0, other_err
    assert documented(env) == 6
    code, err = run(capsys, batch_server.base_url, "--batch", "--yes", ".")
    assert code == 0, err
    assert posted_batches(batch_server) == 1
    # batch prune / status wait for nobody either: refused while held, in one line.
    (env / "m.py").write_text(CODE.replace("b * 1", "b * 101"))  # another submission
    other = _applying(env, batch_server, capsys, "m.py")
    try:
        assert _dispatch(["batch", "prune"]) == 1
        assert "is using the batch state" in capsys.readouterr().err
    finally:
        batch_server.release()
        other.communicate(timeout=120)


def test_a_run_killed_while_applying_leaves_no_lock_and_the_next_run_pays_nothing(
        env: Path, tmp_path: Path, batch_server: FakeBatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    other = _applying(env, batch_server, capsys)
    other.kill()  # SIGKILL: no handler, no clean-up runs; the kernel drops its lock
    other.communicate(timeout=120)
    assert (state_folder(tmp_path) / LOCK_NAME).read_text().strip() == str(other.pid)
    batch_server.release()
    code, err = run(capsys, batch_server.base_url, "--batch", "--yes", ".")
    assert code == 0, err
    assert documented(env) == 6
    assert posted_batches(batch_server) == 1
