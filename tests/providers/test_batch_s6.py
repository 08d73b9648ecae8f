"""The Batch API (issue 23): ``generate --batch-file``, ``--batch-results``, ``--batch`` and
``llm-doc batch list|status|cancel``.

Real components throughout: the CLI in this process (``_dispatch``, as ``llm-doc`` runs it),
the real ``openai`` client against ``tests/fake_openai.py`` (interactive answers) and
``tests/fake_batch.py`` (files and batches endpoints) on 127.0.0.1, the real answer cache.
Every attack is a test that fails without the batch code.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from llm_doc_manager.cli import _dispatch
from llm_doc_manager.providers.batch import MAX_LINE, numbered, split_lines
from tests.fake_batch import FakeBatch, batch_project, output_lines, serving
from tests.fake_openai import FakeOpenAI, target_of
from tests.helpers import ast_without_docstrings

KEY = "sk-batch-secret-0123456789"

CODE = "".join(f"# @llm-doc-start\ndef f{i}(a: int, b: int) -> int:\n    return a + b * {i}\n"
               f"# @llm-doc-end\n\n\n" for i in range(3))


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of this test's own, a key, and the project (m.py, n.py) as cwd."""
    return batch_project(tmp_path, monkeypatch, CODE, KEY)


@pytest.fixture
def batch_server() -> Iterator[FakeBatch]:
    yield from serving()


@pytest.fixture
def chat_server() -> Iterator[FakeOpenAI]:
    server = FakeOpenAI().start()
    yield server
    server.stop()


def run(capsys: pytest.CaptureFixture[str], url: str, *args: str) -> tuple[int, str]:
    """``llm-doc generate --provider openai --base-url URL ARGS``: exit code and stderr."""
    code = _dispatch(["generate", "--provider", "openai", "--base-url", url, *args])
    err = capsys.readouterr().err
    return code, err


def lines_of(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_bytes().splitlines()]


def answer_file(source: Path, target: Path, **faults: frozenset[str]) -> None:
    """Answer a batch input file as the Batch API would (output lines only)."""
    out, failed = output_lines(source.read_bytes().splitlines(keepends=True), **faults)
    target.write_bytes(b"".join(out + failed))


# --- 1. --batch-file -----------------------------------------------------------------------


def test_batch_file_holds_exactly_the_bodies_an_interactive_run_sends(
        env: Path, tmp_path: Path, chat_server: FakeOpenAI,
        capsys: pytest.CaptureFixture[str]) -> None:
    before = {p.name: p.read_bytes() for p in env.glob("*.py")}
    code, err = run(capsys, chat_server.base_url, "--batch-file", "in.jsonl", ".")
    assert code == 0, err
    assert "Wrote 6 requests to in.jsonl (1 file)" in err
    assert chat_server.seen == []
    assert chat_server.listed == 0
    assert {p.name: p.read_bytes() for p in env.glob("*.py")} == before
    written = lines_of(env / "in.jsonl")
    assert {tuple(sorted(line)) for line in written} == {("body", "custom_id", "method", "url")}
    assert {(line["method"], line["url"]) for line in written} == {("POST",
                                                                     "/v1/chat/completions")}
    mask = os.umask(0)
    os.umask(mask)
    assert (env / "in.jsonl").stat().st_mode & 0o777 == 0o666 & ~mask
    ids = [line["custom_id"] for line in written]
    # A digest of the request, not a path.
    assert len(set(ids)) == 6
    assert all(re.fullmatch(r"llm-doc-[0-9a-f]{64}", i) for i in ids)

    # The same regions asked interactively (another cache): the same bodies, byte for byte.
    os.environ["LLM_DOC_CACHE_DIR"] = str(tmp_path / "other-cache")
    code, err = run(capsys, chat_server.base_url, "--diff", ".")
    assert code == 0, err
    sent = sorted(json.dumps(s.body, sort_keys=True) for s in chat_server.seen)
    assert sorted(json.dumps(line["body"], sort_keys=True) for line in written) == sent


def test_batch_file_is_split_at_the_limits_and_named_file_2_3() -> None:
    lines = [b"x" * 10 + b"\n"] * 7
    assert [len(f) for f in split_lines(lines, max_requests=3)] == [3, 3, 1]
    assert [len(f) for f in split_lines(lines, max_bytes=25)] == [2, 2, 2, 1]
    assert [p.name for p in numbered(Path("d/in.jsonl"), 3)] == ["in.jsonl", "in.jsonl.2",
                                                                  "in.jsonl.3"]


def test_batch_file_never_overwrites_a_file_it_did_not_write(
        env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = (env / "m.py").read_bytes()
    code, err = run(capsys, "http://127.0.0.1:9/v1", "--batch-file", "m.py", ".")
    assert code == 2
    assert "m.py exists and is not a batch file written by llm-doc: not overwritten" in err
    assert (env / "m.py").read_bytes() == before
    # Its own file from an earlier run is replaced.
    assert run(capsys, "http://127.0.0.1:9/v1", "--batch-file", "in.jsonl", ".")[0] == 0
    assert run(capsys, "http://127.0.0.1:9/v1", "--batch-file", "in.jsonl", ".")[0] == 0


def test_batch_file_with_the_static_provider_is_a_usage_error(
        env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = _dispatch(["generate", "--provider", "static", "--batch-file", "in.jsonl", "."])
    err = capsys.readouterr().err
    assert code == 2
    assert "--batch-file needs the openai or azure provider, not 'static'" in err
    assert not (env / "in.jsonl").exists()


# --- 2. --batch-results --------------------------------------------------------------------


def test_batch_results_write_what_an_interactive_run_writes(
        env: Path, tmp_path: Path, chat_server: FakeOpenAI,
        capsys: pytest.CaptureFixture[str]) -> None:
    # The interactive result, on a copy with a cache of its own.
    copy = tmp_path / "copy"
    copy.mkdir()
    for path in env.glob("*.py"):
        (copy / path.name).write_bytes(path.read_bytes())
    os.environ["LLM_DOC_CACHE_DIR"] = str(tmp_path / "interactive-cache")
    code, err = run(capsys, chat_server.base_url, "--yes", str(copy))
    assert code == 0, err
    os.environ["LLM_DOC_CACHE_DIR"] = str(tmp_path / "cache")

    assert run(capsys, chat_server.base_url, "--batch-file", "in.jsonl", ".")[0] == 0
    answer_file(env / "in.jsonl", tmp_path / "out.jsonl")
    seen = len(chat_server.seen)
    code, err = run(capsys, chat_server.base_url, "--batch-results", str(tmp_path / "out.jsonl"),
                    "--yes", ".")
    assert code == 0, err
    assert len(chat_server.seen) == seen  # answers come from the file, nothing is sent
    for path in env.glob("*.py"):
        assert path.read_text() == (copy / path.name).read_text()
    assert "warning" not in err
    # Cached: nothing is left to ask, and a run answers everything without a request.
    code, err = run(capsys, chat_server.base_url, "--batch-file", "again.jsonl", ".")
    assert code == 0
    assert "Nothing to ask" in err
    assert not (env / "again.jsonl").exists()


def test_batch_results_check_and_diff_write_nothing(
        env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = "http://127.0.0.1:9/v1"  # no server: nothing may be sent
    assert run(capsys, url, "--batch-file", "in.jsonl", ".")[0] == 0
    answer_file(env / "in.jsonl", tmp_path / "out.jsonl")
    before = (env / "m.py").read_bytes()
    code, err = run(capsys, url, "--batch-results", str(tmp_path / "out.jsonl"), "--check", ".")
    assert code == 1
    assert "would change" in err
    code, err = run(capsys, url, "--batch-results", str(tmp_path / "out.jsonl"), "--diff", ".")
    assert code == 0, err
    assert (env / "m.py").read_bytes() == before


def test_a_hostile_results_file_costs_each_bad_line_alone(
        env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = "http://127.0.0.1:9/v1"
    assert run(capsys, url, "--batch-file", "in.jsonl", ".")[0] == 0
    answer_file(env / "in.jsonl", tmp_path / "out.jsonl", errors=frozenset({"f1"}),
                missing=frozenset({"f2"}), garbled=frozenset({"g0"}))
    lines = (tmp_path / "out.jsonl").read_bytes().splitlines(keepends=True)
    by_target = {json.loads(line)["custom_id"]: line for line in lines}
    inputs = {line["custom_id"]: line for line in lines_of(env / "in.jsonl")}
    g1 = next(k for k, v in inputs.items() if "g1" in v["body"]["messages"][1]["content"])
    g2 = next(k for k, v in inputs.items() if "g2" in v["body"]["messages"][1]["content"])
    # g1: answered twice (the first wins); g2: cut off (finish_reason=length), then schema
    # junk in a second line for the same id.
    cut = json.loads(by_target[g2])
    cut["response"]["body"]["choices"][0]["finish_reason"] = "length"
    hostile = [
        b"not json at all\n",
        b"{\"custom_id\": \"../../etc/passwd\"}\n",
        b"[1, 2, 3]\n",
        b"{\"custom_id\": \"llm-doc-" + b"a" * 64 + b"\", \"response\": {\"status_code\": 200, "
        b"\"body\": {\"choices\": []}}, \"error\": null}\n",
        b"{\"custom_id\": \"x\", \"pad\": \"" + b"y" * (MAX_LINE + 10) + b"\"}\n",
        json.dumps(cut).encode() + b"\n",
        by_target[g1],
        b"\xff\xfe\x00garbage\n",
        b"[" * 100_000 + b"\n",
    ]
    (tmp_path / "out.jsonl").write_bytes(b"".join(lines + hostile))
    before = (env / "m.py").read_bytes()
    code, err = run(capsys, url, "--batch-results", str(tmp_path / "out.jsonl"), "--yes", ".")
    assert code == 1, err
    assert "Traceback" not in err
    assert "internal error" not in err
    assert "out.jsonl:" in err
    warnings = [line for line in err.splitlines() if line.startswith("warning: ")]
    assert any("not a JSON line" in w for w in warnings)
    assert any("no custom_id this tool writes" in w for w in warnings)
    assert any(f"longer than {MAX_LINE >> 20} MiB" in w for w in warnings)
    assert any("is answered again" in w for w in warnings)
    assert any("answers no region of this run" in w for w in warnings)
    assert all(len(w) < 400 for w in warnings)
    # Failed regions, each with its reason; the others are written.
    assert "f1: " in err
    assert "HTTP 400: injected error" in err
    assert "f2: " in err
    assert "no answer in the batch results" in err
    assert "g0: " in err
    assert "not a chat completion" in err
    assert "g2: " not in err or "cut off" in err
    text = (env / "m.py").read_text()
    assert '"""Summarise f0.' in text
    assert '"""Summarise f1.' not in text
    assert ast_without_docstrings(text) == ast_without_docstrings(before.decode())
    assert '"""Summarise g1.' in (env / "n.py").read_text()


def test_results_for_another_run_answer_nothing(
        env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = "http://127.0.0.1:9/v1"
    assert run(capsys, url, "--batch-file", "in.jsonl", ".")[0] == 0
    answer_file(env / "in.jsonl", tmp_path / "out.jsonl")
    # The code changed since the file was written: its answer is not for this code.
    (env / "m.py").write_text(CODE.replace("b * 0", "b * 100"))
    code, err = run(capsys, url, "--batch-results", str(tmp_path / "out.jsonl"), "--yes", ".")
    assert code == 1
    assert "f0: no answer in the batch results" in err
    assert "answers no region of this run" in err
    assert '"""Summarise f0.' not in (env / "m.py").read_text()
    assert '"""Summarise f1.' in (env / "m.py").read_text()


def test_a_missing_results_file_is_a_usage_error(
        env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(capsys, "http://127.0.0.1:9/v1", "--batch-results", "nope.jsonl", ".")
    assert code == 2
    assert "cannot read --batch-results nope.jsonl" in err


# --- 3. --batch against a Batch API -------------------------------------------------------


def test_batch_submits_once_polls_and_applies_when_done(
        env: Path, tmp_path: Path, batch_server: FakeBatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    before = {p.name: p.read_bytes() for p in env.glob("*.py")}
    code, err = run(capsys, batch_server.base_url, "--batch", "--yes", ".")
    assert code == 1, err
    assert "Submitted 6 requests to the Batch API" in err
    assert "Nothing was written" in err
    assert {p.name: p.read_bytes() for p in env.glob("*.py")} == before
    assert batch_server.calls.count("POST /v1/files") == 1
    assert batch_server.calls.count("POST /v1/batches") == 1
    assert set(batch_server.purposes.values()) == {"batch"}
    (batch,) = batch_server.batches.values()
    assert batch["endpoint"] == "/v1/chat/completions"
    assert batch["completion_window"] == "24h"
    # State: JSON, no secret in it.
    folder = tmp_path / "cache" / "batches-v1"
    (state,) = folder.glob("*.json")
    assert KEY not in state.read_text()
    assert json.loads(state.read_text())["applied"] is False

    # Again, before the batch is done: polled, nothing paid twice.
    code, err = run(capsys, batch_server.base_url, "--batch", "--yes", ".")
    assert code == 1
    assert "in_progress" in err
    assert batch_server.calls.count("POST /v1/batches") == 1

    batch_server.finish()
    code, err = run(capsys, batch_server.base_url, "--batch", "--yes", ".")
    assert code == 0, err
    for path in env.glob("*.py"):
        text = path.read_text()
        assert text.count('"""Summarise ') == 3
        assert ast_without_docstrings(text) == ast_without_docstrings(before[path.name].decode())
    assert batch_server.calls.count("POST /v1/batches") == 1
    # Then nothing: no upload, no batch, no answer asked.
    calls = len(batch_server.calls)
    code, err = run(capsys, batch_server.base_url, "--batch", "--yes", ".")
    assert code == 0
    assert "0 files changed" in err
    assert not [c for c in batch_server.calls[calls:] if c.startswith("POST")]


def test_expired_requests_fail_their_regions_and_are_submitted_again(
        env: Path, batch_server: FakeBatch, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, batch_server.base_url, "--batch", "--yes", ".")[0] == 1
    batch_server.finish("expired", answered=4)
    code, err = run(capsys, batch_server.base_url, "--batch", "--yes", ".")
    assert code == 1
    assert err.count("not answered: the batch expired") == 2, err
    written = sum(p.read_text().count('"""Summarise ') for p in env.glob("*.py"))
    assert written == 4
    # The next run submits the two left, alone.
    code, err = run(capsys, batch_server.base_url, "--batch", "--yes", ".")
    assert code == 1
    assert "Submitted 2 requests" in err
    batch_server.finish()
    assert run(capsys, batch_server.base_url, "--batch", "--yes", ".")[0] == 0
    assert sum(p.read_text().count('"""Summarise ') for p in env.glob("*.py")) == 6


def test_a_run_stopped_after_the_download_does_not_pay_again(
        env: Path, tmp_path: Path, batch_server: FakeBatch, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from llm_doc_manager.providers.answer_cache import AnswerCache

    batch_server.instant = True
    # As if the apply had stopped before caching: a cache that takes no answer (full, or
    # failing), then lost. The kept answers are pruned only once the cache holds them.
    put = AnswerCache.put
    monkeypatch.setattr(AnswerCache, "put", lambda self, key, value: None)
    assert run(capsys, batch_server.base_url, "--batch", "--yes", ".")[0] == 0
    monkeypatch.setattr(AnswerCache, "put", put)
    for path in (tmp_path / "cache").glob("answers-*"):
        path.unlink()
    for path in env.glob("*.py"):
        path.write_text(CODE if path.name == "m.py" else CODE.replace("def f", "def g"))
    code, err = run(capsys, batch_server.base_url, "--batch", "--yes", ".")
    assert code == 0, err
    assert batch_server.calls.count("POST /v1/batches") == 1  # answers kept from the download
    assert (env / "m.py").read_text().count('"""Summarise ') == 3


def test_batch_list_status_and_cancel(env: Path, batch_server: FakeBatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, batch_server.base_url, "--batch", "--yes", ".")[0] == 1
    assert _dispatch(["batch", "list"]) == 0
    listed = capsys.readouterr().out
    assert "6 requests" in listed
    assert "1 in_progress" in listed
    key = listed.split()[0]
    assert _dispatch(["batch", "status"]) == 0
    assert "batch_1: in_progress" in capsys.readouterr().out
    assert _dispatch(["batch", "cancel", key]) == 0
    assert "batch_1: cancelled" in capsys.readouterr().out
    assert _dispatch(["batch", "cancel", "nothing-like-it"]) == 2
    assert "no submission matches" in capsys.readouterr().err
    # Cancelled: its regions fail with the reason, and the next run submits them again.
    code, err = run(capsys, batch_server.base_url, "--batch", "--yes", ".")
    assert code == 1
    assert err.count("the batch was cancelled") == 6
    code, err = run(capsys, batch_server.base_url, "--batch", "--yes", ".")
    assert "Submitted 6 requests" in err


def test_a_forged_state_file_is_ignored(env: Path, tmp_path: Path, batch_server: FakeBatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, batch_server.base_url, "--batch", "--yes", ".")[0] == 1
    (state,) = (tmp_path / "cache" / "batches-v1").glob("*.json")
    data = json.loads(state.read_text())
    data["batches"][0]["id"] = "../../etc/passwd"
    state.write_text(json.dumps(data))
    assert _dispatch(["batch", "list"]) == 0
    assert "No batch submissions" in capsys.readouterr().out


def test_batch_without_the_cache_is_a_usage_error(
        env: Path, batch_server: FakeBatch, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(capsys, batch_server.base_url, "--batch", "--no-cache", ".")
    assert code == 2
    assert "cannot run with --no-cache" in err
    assert batch_server.calls == []


def test_a_refused_upload_is_one_line_and_nothing_is_kept(
        env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fake = FakeOpenAI().start()  # it has no files endpoint: the upload gets a 404
    try:
        code, err = run(capsys, fake.base_url, "--batch", "--yes", ".")
    finally:
        fake.stop()
    assert code == 2
    assert "uploading the batch input file at" in err
    assert "HTTP 400" in err
    assert KEY not in err
    assert "Traceback" not in err
    assert not list((tmp_path / "cache" / "batches-v1").glob("*.json"))


def test_fifty_requests_round_trip_fast(env: Path, batch_server: FakeBatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    for n in range(9):
        (env / f"x{n}.py").write_text("".join(CODE.replace("def f", f"def h{n}_{k}_")
                                              for k in range(2)))
    batch_server.instant = True
    started = time.perf_counter()
    code, err = run(capsys, batch_server.base_url, "--batch", "--yes", ".")
    took = time.perf_counter() - started
    assert code == 0, err
    assert "Submitted 60 requests" in err
    assert sum(p.read_text().count('"""Summarise ') for p in env.glob("*.py")) == 60
    assert took < 30  # a bound no loaded machine reaches; the figure is in bench/


# --- Call context: callees first, one batch per dependency level ---------------------------

CHAIN = ("# @llm-doc-start\ndef leaf(x: int) -> int:\n    return x + 1\n# @llm-doc-end\n\n\n"
         "# @llm-doc-start\ndef middle(x: int) -> int:\n    return leaf(x) * 2\n"
         "# @llm-doc-end\n\n\n"
         "# @llm-doc-start\ndef top(x: int) -> int:\n    return middle(x) - 3\n"
         "# @llm-doc-end\n")


def test_with_call_context_each_level_is_a_batch_and_the_result_is_the_interactive_one(
        env: Path, tmp_path: Path, batch_server: FakeBatch, chat_server: FakeOpenAI,
        capsys: pytest.CaptureFixture[str]) -> None:
    for path in env.glob("*.py"):
        path.unlink()
    (env / "c.py").write_text(CHAIN)
    (tmp_path / "copy").mkdir()
    (tmp_path / "copy" / "c.py").write_text(CHAIN)
    code, err = run(capsys, batch_server.base_url, "--batch", "--yes", ".")
    assert code == 1
    assert "Submitted 1 request" in err
    assert "2 regions wait for the answers of what they call" in err
    for level in ("middle", "top"):
        batch_server.finish()
        code, err = run(capsys, batch_server.base_url, "--batch", "--yes", ".")
        assert code == 1, err
        assert "Submitted 1 request" in err
        assert f"LD201 {level}: queued for the next batch" in err
    batch_server.finish()
    code, err = run(capsys, batch_server.base_url, "--batch", "--yes", ".")
    assert code == 0, err
    # Callees first: each batch held one level; their bodies are an interactive run's.
    batched = [json.loads(line)["body"] for lines in batch_server.inputs.values()
               for line in lines]
    assert [target_of(body) for body in batched] == ["leaf", "middle", "top"]
    assert "leaf" in batched[1]["messages"][1]["content"]  # middle is shown what it calls
    os.environ["LLM_DOC_CACHE_DIR"] = str(tmp_path / "interactive-cache")
    code, err = run(capsys, chat_server.base_url, "--yes", str(tmp_path / "copy"))
    assert code == 0, err
    assert sorted(json.dumps(b, sort_keys=True) for b in batched) == \
        sorted(json.dumps(s.body, sort_keys=True) for s in chat_server.seen)
    assert (env / "c.py").read_text() == (tmp_path / "copy" / "c.py").read_text()


def test_with_call_context_batch_files_come_level_by_level(
        env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = "http://127.0.0.1:9/v1"
    for path in env.glob("*.py"):
        path.unlink()
    (env / "c.py").write_text(CHAIN)
    for level in ("leaf", "middle", "top"):
        code, err = run(capsys, url, "--batch-file", "in.jsonl", ".")
        assert code == 0, err
        assert [target_of(line["body"]) for line in lines_of(env / "in.jsonl")] == [level]
        answer_file(env / "in.jsonl", tmp_path / "out.jsonl")
        code, err = run(capsys, url, "--batch-results", str(tmp_path / "out.jsonl"), "--yes",
                        ".")
        assert code == (0 if level == "top" else 1), err
        assert f'"""Summarise {level}.' in (env / "c.py").read_text()
    assert "Nothing to ask" in run(capsys, url, "--batch-file", "in.jsonl", ".")[1]


# --- Azure OpenAI ---------------------------------------------------------------------------


def test_azure_batch_goes_to_azures_paths_with_the_deployment_and_its_key(
        env: Path, tmp_path: Path, batch_server: FakeBatch, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("OPENAI_API_KEY")
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", KEY)
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", batch_server.endpoint)
    monkeypatch.setenv("OPENAI_API_VERSION", "2024-10-21")
    before = {p.name: p.read_bytes() for p in env.glob("*.py")}
    azure = ["generate", "--provider", "azure", "--model", "docs-deployment", "--batch",
             "--yes", "."]
    code = _dispatch(azure)
    err = capsys.readouterr().err
    assert code == 1, err
    assert "Submitted 6 requests to the Batch API" in err
    # Azure's own paths, the API version on every request, the key in api-key only.
    assert batch_server.calls.count("POST /openai/files") == 1
    assert batch_server.calls.count("POST /openai/batches") == 1
    assert not [c for c in batch_server.calls if "/v1/" in c]
    assert all("api-version=2024-10-21" in q for q in batch_server.queries)
    assert all(h.get("api-key") == KEY and "authorization" not in h
               for h in batch_server.headers)
    (batch,) = batch_server.batches.values()
    assert batch["endpoint"] == "/chat/completions"
    assert batch["completion_window"] == "24h"
    (lines,) = batch_server.inputs.values()
    bodies = [json.loads(line) for line in lines]
    assert {b["url"] for b in bodies} == {"/chat/completions"}
    assert {b["body"]["model"] for b in bodies} == {"docs-deployment"}
    folder = tmp_path / "cache" / "batches-v1"
    (state,) = folder.glob("*.json")
    assert KEY not in state.read_text()

    batch_server.finish()
    code = _dispatch(azure)
    err = capsys.readouterr().err
    assert code == 0, err
    for path in env.glob("*.py"):
        text = path.read_text()
        assert text.count('"""Summarise ') == 3
        assert ast_without_docstrings(text) == ast_without_docstrings(before[path.name].decode())
    assert any(c.startswith("GET /openai/files/") and c.endswith("/content")
               for c in batch_server.calls)
    assert batch_server.calls.count("POST /openai/batches") == 1


# --- max-cost ----------------------------------------------------------------------------------


def test_max_cost_prices_a_submission_at_the_batch_price_before_it_is_sent(
        env: Path, tmp_path: Path, batch_server: FakeBatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    before = {p.name: p.read_bytes() for p in env.glob("*.py")}
    code, err = run(capsys, batch_server.base_url, "--model", "gpt-4.1-mini", "--batch",
                    "--yes", "--max-cost", "0.0002", ".")
    assert code == 1, err
    assert re.search(r"not submitted: the estimated cost \$[\d.]+ of 6 requests \(at the "
                     r"Batch API's price\) is over max-cost \$0\.0002", err), err
    assert not [c for c in batch_server.calls if c.startswith("POST")]
    assert not list((tmp_path / "cache").glob("batches-v1/*.json"))
    assert {p.name: p.read_bytes() for p in env.glob("*.py")} == before

    # Within the cap: submitted as without one (the cap does not make --batch a usage error).
    code, err = run(capsys, batch_server.base_url, "--model", "gpt-4.1-mini", "--batch",
                    "--yes", "--max-cost", "5", ".")
    assert code == 1, err
    assert "Submitted 6 requests to the Batch API" in err
    batch_server.finish()
    code, err = run(capsys, batch_server.base_url, "--model", "gpt-4.1-mini", "--batch",
                    "--yes", "--max-cost", "5", ".")
    assert code == 0, err
    assert all(p.read_text().count('"""Summarise ') == 3 for p in env.glob("*.py"))


def test_max_cost_with_an_unpriced_model_and_a_batch_is_said_and_nothing_sent(
        env: Path, batch_server: FakeBatch, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(capsys, batch_server.base_url, "--model", "house-model-7", "--batch",
                    "--yes", "--max-cost", "1", ".")
    assert code == 1, err
    assert "max-cost needs the price of model 'house-model-7'" in err
    assert not [c for c in batch_server.calls if c.startswith("POST")]
