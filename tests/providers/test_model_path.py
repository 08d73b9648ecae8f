"""The model path end to end: the real CLI and ``openai`` client against a real local server."""

from __future__ import annotations

import ast
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Run
from tests.fake_openai import FakeOpenAI, Fault, fill
from tests.helpers import assert_only_docstrings_changed, ast_without_docstrings

GOLDEN = Path(__file__).parent.parent / "generate" / "golden"
KEY = "sk-test-0123456789abcdef-never-print-me"

SHOP = '''\
# @llm-module-start
# @llm-module-end
import math
from dataclasses import dataclass


# @llm-class-start
@dataclass
class Point:
    x: float
    y: float

    # @llm-doc-start
    def norm(self) -> float:
        return math.hypot(self.x, self.y)
    # @llm-doc-end
# @llm-class-end


# @llm-doc-start
def scale(p: Point, factor: float = 2.0) -> Point:
    if factor < 0:
        raise ValueError("negative")
    # @llm-comm-start
    x = p.x * factor
    y = p.y * factor
    # @llm-comm-end
    return Point(x, y)
# @llm-doc-end


# @llm-doc-start
def flaky(a, b):
    return a + b
# @llm-doc-end
'''
REGIONS = 6  # module, class, norm, scale, the comment, flaky


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    server = FakeOpenAI().start()
    yield server
    server.stop()


def _project(tmp_path: Path, settings: str = "") -> Path:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.llm-doc]\nretry-base = 0.01\nretry-max = 2.0\ntimeout = 2.0\n" + settings)
    (tmp_path / "shop.py").write_text(SHOP)
    return tmp_path / "shop.py"


def _run(llm_doc: Run, fake: FakeOpenAI, *args: str, env: dict[str, str] | None = None
         ) -> subprocess.CompletedProcess[str]:
    environ = {"OPENAI_API_KEY": KEY, **(env or {})}
    return llm_doc("generate", "--provider", "openai", "--base-url", fake.base_url, *args,
                   env=environ)


def _requests_for(fake: FakeOpenAI, name: str) -> list[Any]:
    return [s for s in fake.seen if f"Python function {name}" in json.dumps(s.body)]


def _no_secret_anywhere(root: Path, *outputs: str) -> None:
    for output in outputs:
        assert KEY not in output
    for path in root.rglob("*"):
        if path.is_file():
            assert KEY.encode() not in path.read_bytes(), path


def _cache_dir(tmp_path: Path) -> Path:
    return tmp_path.parent / f"{tmp_path.name}-cache"


def test_generate_then_rerun_sends_zero_requests(tmp_path: Path, llm_doc: Run,
                                                 fake: FakeOpenAI) -> None:
    path = _project(tmp_path)
    first = _run(llm_doc, fake, "--yes", ".")
    assert first.returncode == 0, first.stderr
    after = path.read_text()
    assert after != SHOP
    assert ast_without_docstrings(after) == ast_without_docstrings(SHOP)
    assert '"""Summarise scale.' in after
    assert "# Explain the block in comment." in after
    assert len(fake.seen) == REGIONS
    assert "model: 6 requests (0 retries)" in first.stderr
    # Every request is strict structured output for the right schema.
    names = sorted(s.body["response_format"]["json_schema"]["name"] for s in fake.seen)
    assert names == ["ClassDocstring", "CommentText", "MethodDocstring", "MethodDocstring",
                     "MethodDocstring", "ModuleDocstring"]

    second = _run(llm_doc, fake, "--yes", ".")
    assert second.returncode == 0, second.stderr
    assert len(fake.seen) == REGIONS, "a re-run on unchanged code must send nothing"
    # Complete docstrings are not asked again at all; those holding a placeholder (the
    # fake describes no arguments) are, and the cache answers them.
    assert "model: 0 requests" in second.stderr
    assert "3 regions from the cache" in second.stderr
    assert path.read_text() == after
    _no_secret_anywhere(tmp_path, first.stdout, first.stderr, second.stdout, second.stderr)
    _no_secret_anywhere(_cache_dir(tmp_path))


@pytest.mark.parametrize(("fault", "retried"), [
    (Fault("500", "function flaky", times=2), 3),
    (Fault("429", "function flaky", retry_after_ms="50"), 2),
    (Fault("hang", "function flaky"), 2),
    (Fault("bad_json", "function flaky"), 2),
    (Fault("schema", "function flaky"), 2),
    (Fault("refusal", "function flaky"), 2),
    (Fault("length", "function flaky"), 2),
])
def test_transient_faults_recover(tmp_path: Path, llm_doc: Run, fake: FakeOpenAI,
                                  fault: Fault, retried: int) -> None:
    fake.hang = 3.0  # past the 2 s timeout of the project settings
    fake.faults.append(fault)
    path = _project(tmp_path)
    result = _run(llm_doc, fake, "--yes", ".")
    assert result.returncode == 0, result.stderr
    assert len(_requests_for(fake, "flaky")) == retried
    assert '"""Summarise flaky.' in path.read_text()
    if fault.kind in ("bad_json", "schema", "refusal", "length"):
        # The second try states what was wrong.
        last = _requests_for(fake, "flaky")[-1].body["messages"][-1]["content"]
        assert last.startswith("Your previous answer was rejected:")


def test_retry_after_header_is_honoured(tmp_path: Path, llm_doc: Run, fake: FakeOpenAI) -> None:
    fake.faults.append(Fault("429", "function flaky", retry_after="1"))
    _project(tmp_path)
    result = _run(llm_doc, fake, "--yes", ".")
    assert result.returncode == 0, result.stderr
    first, second = _requests_for(fake, "flaky")
    assert second.at - first.at >= 0.95


@pytest.mark.parametrize(("fault", "message"), [
    (Fault("refusal", "function flaky", times=2), "the model refused"),
    (Fault("length", "function flaky", times=2), "cut off"),
    (Fault("filter", "function flaky", times=2), "content filter"),
    (Fault("schema", "function flaky", times=2), "does not match the schema"),
    (Fault("bad_json", "function flaky", times=2), "does not match the schema"),
    # Three 500s: its retries, or the same failure three times in a row (the run stops).
    (Fault("500", "function flaky", times=99), "HTTP 500 from the model server"),
    (Fault("hang", "function flaky", times=99), "no answer after 3 attempts: timed out"),
    (Fault("400", "function flaky", times=99), "HTTP 400"),
])
def test_a_failing_region_writes_nothing_and_the_others_apply(
        tmp_path: Path, llm_doc: Run, fake: FakeOpenAI, fault: Fault, message: str) -> None:
    fake.hang = 3.0
    fake.faults.append(fault)
    path = _project(tmp_path, "max-tries = 3\n")
    result = _run(llm_doc, fake, "--yes", ".")
    assert result.returncode == 1, result.stderr
    text = path.read_text()
    line = SHOP.splitlines().index("def flaky(a, b):") + 1
    finding = [x for x in result.stderr.splitlines() if x.startswith(f"shop.py:{line}:")]
    assert len(finding) == 1, result.stderr
    assert "LD201 flaky:" in finding[0]
    assert message in finding[0]
    assert "def flaky(a, b):\n    return a + b" in text  # that region untouched
    assert '"""Summarise scale.' in text  # the others applied
    assert ast_without_docstrings(text) == ast_without_docstrings(SHOP)
    if fault.kind == "400":
        assert len(_requests_for(fake, "flaky")) == 1  # not worth retrying


def test_rejected_key_stops_the_run(tmp_path: Path, llm_doc: Run, fake: FakeOpenAI) -> None:
    fake.faults.append(Fault("401", times=999))
    path = _project(tmp_path)
    result = _run(llm_doc, fake, "--yes", "--concurrency", "1", ".")
    assert result.returncode == 2, result.stderr
    assert "HTTP 401" in result.stderr
    assert "nothing was written" in result.stderr
    assert path.read_text() == SHOP
    assert len(fake.seen) == 1  # the other regions were not sent
    _no_secret_anywhere(tmp_path, result.stdout, result.stderr)


def test_key_echoed_by_a_server_is_redacted(tmp_path: Path, llm_doc: Run,
                                            fake: FakeOpenAI) -> None:
    fake.faults.append(Fault("echo", "function flaky", times=9))
    _project(tmp_path)
    result = _run(llm_doc, fake, "--yes", "-v", ".")
    assert result.returncode == 1
    assert "Bearer [redacted]" in result.stderr
    _no_secret_anywhere(tmp_path, result.stdout, result.stderr)
    _no_secret_anywhere(_cache_dir(tmp_path))


def test_adversarial_model_text_yields_valid_files(tmp_path: Path, llm_doc: Run,
                                                   fake: FakeOpenAI) -> None:
    # (Carriage returns and other controls in model text are refused: test_provider_security.)
    nasty = ('Ends with quotes """ and \'\'\' and a backslash \\\n'
             "# @llm-doc-end\n" + "x" * 150 + " \\N{BULLET} \t done\\")

    def nastier(value: Any, key: str = "") -> Any:
        # Every text field, nested entries included (a new argument's description is all a
        # model is asked for when a docstring exists); names and types stay usable.
        if isinstance(value, dict):
            return {k: nastier(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [nastier(v, key) for v in value]
        if key in ("name", "type_hint", "exception_type"):
            return value
        if isinstance(value, str) or key in ("extended_description", "notes"):
            return nasty
        return value

    def answer(schema: dict[str, Any], target: str) -> dict[str, Any]:
        return dict(nastier(fill(schema, schema.get("$defs", {}), "", target)))

    fake.answer = answer
    cases = sorted(p.name for p in GOLDEN.iterdir() if (p / "input.py").exists())
    for case in cases:
        shutil.copyfile(GOLDEN / case / "input.py", tmp_path / f"{case}.py")
    before = {case: (tmp_path / f"{case}.py").read_bytes() for case in cases}
    result = _run(llm_doc, fake, "--yes", "--all", ".")
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    untouched: list[str] = []
    for case in cases:
        raw = (tmp_path / f"{case}.py").read_bytes()
        old = before[case]
        text = raw.decode("latin-1" if b"latin-1" in old[:200] else "utf-8-sig")
        old_text = old.decode("latin-1" if b"latin-1" in old[:200] else "utf-8-sig")
        tree = ast.parse(text)
        assert ast_without_docstrings(text) == ast_without_docstrings(old_text), case
        if b"\r\n" in old:
            assert raw.count(b"\r\n") >= old.count(b"\r\n"), case
            assert b"\n" not in raw.replace(b"\r\n", b""), case
        if b"llm-comm" not in old:
            assert_only_docstrings_changed(old_text, text)
        docs = [ast.get_docstring(n, clean=False) for n in ast.walk(tree)
                if isinstance(n, ast.FunctionDef | ast.ClassDef | ast.Module)]
        if not any(d and '""" and' in d for d in docs):
            untouched.append(case)
    # The model's text lands wherever text was missing: every case but those with nothing
    # missing (or only arguments, which this model never describes: it returns no entries).
    # (exempt_accessors: its property is documented; setters and deleters are exempt.
    # exempt_init_in_class: the cases together are one project, whose classes document
    # their constructors' arguments in the class docstring, so the undocumented __init__
    # is not asked. The conventions_* cases miss only entries, which get the placeholder:
    # the model's description repeats its other text and the gate drops it.)
    # class_field_respelt, malformed_args_no_new_section and markdown_code_single_ticks
    # miss a name, a Raises condition (the code's own text) or an entry whose model
    # description repeats the answer's other text (dropped by the gate). numpy_update and
    # sphinx_update have every summary: they miss entries and sections only, as the
    # conventions_* cases do (numpy_backslash_continued: a rename only; numpy_defaults_optional
    # misses entries only; sphinx_returns_to_yields renames fields only; numpy_returns_untyped
    # misses Returns/Yields sections only, whose model text repeats the answer's other text).
    assert untouched == ["blank_separated_entries", "class_args_returns",
                         "class_field_respelt", "conventions_dataclass_fields_in_args",
                         "conventions_exception_markup",
                         "conventions_generators_under_returns",
                         "conventions_named_returns", "conventions_returns_backticks",
                         "exempt_accessors", "exempt_init_in_class", "exempt_kwargs_handed_on",
                         "foreign_styles", "headings_kept", "hf_type_text",
                         "malformed_args_no_new_section", "markdown_code_single_ticks",
                         "numpy_backslash_continued", "numpy_defaults_optional",
                         "numpy_returns_untyped", "numpy_update", "rename_retype_remove_add",
                         "returns_to_yields_retyped", "sphinx_returns_to_yields",
                         "sphinx_update", "two_space_docstring",
                         "unindented_continuation", "update_no_false_edits"]
    requests = len(fake.seen)
    again = _run(llm_doc, fake, "--yes", "--all", ".")
    assert again.returncode in (0, 1), again.stderr
    assert len(fake.seen) == requests, [s.body["messages"] for s in fake.seen[requests:]]
    assert "0 files changed" in again.stderr


def test_concurrent_runs_share_the_cache(tmp_path: Path, fake: FakeOpenAI) -> None:
    fake.latency = 0.05
    cache = tmp_path / "shared-cache"
    projects = []
    for name in ("one", "two", "three"):
        root = tmp_path / name
        root.mkdir()
        _project(root)
        projects.append(root)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LLM_DOC_", "OPENAI_"))}
    env.update({"OPENAI_API_KEY": KEY, "LLM_DOC_CACHE_DIR": str(cache)})
    command = [sys.executable, "-m", "llm_doc_manager", "generate", "--provider", "openai",
               "--base-url", fake.base_url, "--yes", "."]
    procs = [subprocess.Popen(command, cwd=root, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for root in projects]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], outputs
    texts = {(root / "shop.py").read_text() for root in projects}
    assert len(texts) == 1
    sent = len(fake.seen)
    assert REGIONS <= sent <= 3 * REGIONS
    # A fourth project with the same code is answered entirely from the shared cache.
    fourth = tmp_path / "four"
    fourth.mkdir()
    _project(fourth)
    done = subprocess.run(command, cwd=fourth, env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert len(fake.seen) == sent
    stats = subprocess.run([sys.executable, "-m", "llm_doc_manager", "cache", "stats"],
                           env=env, capture_output=True, text=True, check=True)
    assert "entries:  " in stats.stdout
    entries = int(stats.stdout.split("entries:")[1].split()[0])
    assert entries >= REGIONS


def test_corrupt_cache_is_recreated(tmp_path: Path, llm_doc: Run, fake: FakeOpenAI) -> None:
    cache = _cache_dir(tmp_path)
    cache.mkdir()
    (cache / "answers-v1.sqlite3").write_bytes(b"this is not a database" * 100)
    path = _project(tmp_path)
    result = _run(llm_doc, fake, "--yes", ".")
    assert result.returncode == 0, result.stderr
    assert '"""Summarise scale.' in path.read_text()
    again = _run(llm_doc, fake, "--yes", ".")
    assert again.returncode == 0
    assert len(fake.seen) == REGIONS


def test_no_cache_flag_and_cache_commands(tmp_path: Path, llm_doc: Run, fake: FakeOpenAI
                                          ) -> None:
    _project(tmp_path)
    assert _run(llm_doc, fake, "--diff", "--no-cache", ".").returncode == 0
    assert not _cache_dir(tmp_path).exists()
    assert _run(llm_doc, fake, "--diff", ".").returncode == 0
    assert len(fake.seen) == 2 * REGIONS
    stats = llm_doc("cache", "stats")
    # Six answers, six more keys for the requests a run after writing them would make, and
    # five under the code's syntax tree (the module region's outline does not parse alone,
    # so its tree key is its written key).
    assert "entries:  17" in stats.stdout
    assert "misses:   6" in stats.stdout
    cleared = llm_doc("cache", "clear")
    assert "removed 17 entries" in cleared.stdout
    assert "entries:  0" in llm_doc("cache", "stats").stdout


def test_azure_deployment_path(tmp_path: Path, llm_doc: Run, fake: FakeOpenAI) -> None:
    path = _project(tmp_path)
    result = llm_doc("generate", "--provider", "azure", "--model", "docs-deployment", "--yes",
                     ".", env={"AZURE_OPENAI_API_KEY": KEY,
                               "AZURE_OPENAI_ENDPOINT": fake.endpoint,
                               "OPENAI_API_VERSION": "2024-10-21"})
    assert result.returncode == 0, result.stderr
    assert '"""Summarise scale.' in path.read_text()
    assert {s.path for s in fake.seen} == {
        "/openai/deployments/docs-deployment/chat/completions?api-version=2024-10-21"}
    assert all(s.headers.get("api-key") == KEY for s in fake.seen)
    _no_secret_anywhere(tmp_path, result.stdout, result.stderr)


def test_only_the_given_paths_are_sent(tmp_path: Path, llm_doc: Run, fake: FakeOpenAI) -> None:
    _project(tmp_path)
    (tmp_path / "sibling.py").write_text("# @llm-doc-start\ndef hidden():\n"
                                         "    return 'SIBLING_SECRET'\n# @llm-doc-end\n")
    result = _run(llm_doc, fake, "--yes", "shop.py")
    assert result.returncode == 0, result.stderr
    assert all("SIBLING_SECRET" not in json.dumps(s.body) for s in fake.seen)
    assert len(fake.seen) == REGIONS


def test_plain_progress_lines_when_not_a_terminal(tmp_path: Path, llm_doc: Run,
                                                  fake: FakeOpenAI) -> None:
    _project(tmp_path)
    result = _run(llm_doc, fake, "--diff", ".")
    assert "[6/6 regions, 0 failed, 0 from cache, 6 requests" in result.stderr
    assert "shop.py: 6 regions" in result.stderr


def test_ctrl_c_stops_cleanly(tmp_path: Path, fake: FakeOpenAI) -> None:
    fake.latency = 3.0
    path = _project(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LLM_DOC_", "OPENAI_"))}
    env.update({"OPENAI_API_KEY": KEY, "LLM_DOC_CACHE_DIR": str(tmp_path / "c")})
    proc = subprocess.Popen([sys.executable, "-m", "llm_doc_manager", "generate", "--provider",
                             "openai", "--base-url", fake.base_url, "--timeout", "30", "--yes",
                             "."], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while not fake.seen and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "Interrupted after 0 of 6 regions; nothing was written." in err
    assert "Traceback" not in err
    assert path.read_text() == SHOP


def test_concurrency_and_rate_limit_bound_the_requests(tmp_path: Path, llm_doc: Run,
                                                       fake: FakeOpenAI) -> None:
    # The gate holds every request until two are in flight together: a client that keeps two
    # requests open opens it at once, and one that sent more would show max_in_flight > 2.
    # Neither outcome depends on how fast the machine is.
    fake.gate = 2
    _project(tmp_path)
    assert _run(llm_doc, fake, "--diff", "--no-cache", "--concurrency", "2", ".").returncode == 0
    assert fake.max_in_flight == 2
    fake.seen.clear()
    fake.gate = 0
    # 60 s / 300 = 0.2 s between request starts: the run cannot end sooner than the last start.
    # (A lower bound: a slow or loaded machine only makes the run longer. The exact spacing is
    # checked with a fake clock in test_cache_retry.)
    began = time.monotonic()
    assert _run(llm_doc, fake, "--diff", "--no-cache", "--rpm", "300", ".").returncode == 0
    assert time.monotonic() - began >= 0.2 * (REGIONS - 1)
    assert len(fake.seen) == REGIONS


UPDATES = '''\
"""Orders."""


# @llm-doc-start
def cli(argv: list[str]) -> int:
    # @llm-class-start
    class BadUsage(Exception): pass
    # @llm-class-end
    return len(argv)
# @llm-doc-end


# @llm-doc-start
def complete(a: int) -> int:
    """Double a number.

    Args:
        a: The number, written by a person.

    Returns:
        Twice the number.
    """
    return 2 * a
# @llm-doc-end


# @llm-doc-start
def retyped(a: int, b: str) -> int:
    """Count.

    Args:
        a (str): What to count, written by a person.
        b (str): The label.

    Returns:
        How many.
    """
    return a
# @llm-doc-end


# @llm-doc-start
def grown(a: int, b: int) -> int:
    """Add two numbers, a person wrote this.

    Args:
        a: The first.

    Returns:
        The sum.
    """
    return a + b
# @llm-doc-end
'''


def test_updates_ask_only_for_missing_text_and_a_second_run_asks_nothing(
        tmp_path: Path, llm_doc: Run, fake: FakeOpenAI) -> None:
    def answer(schema: dict[str, Any], target: str) -> dict[str, Any]:
        value = dict(fill(schema, schema.get("$defs", {}), "", target))
        if "args" in value:  # a model that describes the arguments it sees
            value["args"] = [{"name": name, "type_hint": None, "description": text}
                             for name, text in (("argv", "The arguments."), ("a", "First."),
                                                ("b", "The second."))]
        return value

    fake.answer = answer
    _project(tmp_path)
    path = tmp_path / "orders.py"
    path.write_text(UPDATES)
    first = _run(llm_doc, fake, "--yes", "orders.py")
    assert first.returncode == 0, first.stderr
    shown = [json.dumps(s.body) for s in fake.seen]
    # The outer function, the inner class and the docstring missing an argument: three
    # requests. The complete docstring and the one needing only a retype ask nothing.
    assert len(fake.seen) == 3
    assert not any("Python function complete" in s or "Python function retyped" in s
                   for s in shown)
    text = path.read_text()
    assert "a (int): What to count, written by a person." in text  # retyped, words kept
    assert "a: The number, written by a person." in text
    assert '"""Add two numbers, a person wrote this.' in text
    assert "        a: The first.\n        b: The second.\n" in text  # the model fills the gap
    requests = len(fake.seen)
    second = _run(llm_doc, fake, "--yes", "orders.py")
    assert second.returncode == 0, second.stderr
    assert len(fake.seen) == requests  # nested regions included: nothing is asked again
    assert path.read_text() == text


def test_rewrite_lets_the_model_revise_existing_prose(tmp_path: Path, llm_doc: Run,
                                                      fake: FakeOpenAI) -> None:
    _project(tmp_path)
    path = tmp_path / "old.py"
    path.write_text('# @llm-doc-start\ndef f(a: int) -> int:\n    """Old words.\n\n'
                    '    Args:\n        a: Old arg.\n\n    Returns:\n        Old result.\n'
                    '    """\n    return a\n# @llm-doc-end\n')
    kept = _run(llm_doc, fake, "--yes", "old.py")
    assert kept.returncode == 0, kept.stderr
    assert fake.seen == []  # complete: nothing to ask
    assert '"""Old words.' in path.read_text()
    revised = _run(llm_doc, fake, "--yes", "--rewrite", "old.py")
    assert revised.returncode == 0, revised.stderr
    assert len(fake.seen) == 1
    assert "Update the docstring of the Python function f." in json.dumps(fake.seen[0].body)
    assert '"""Summarise f.' in path.read_text()


def test_a_model_fills_the_placeholders_the_offline_provider_left(
        tmp_path: Path, llm_doc: Run, fake: FakeOpenAI) -> None:
    def answer(schema: dict[str, Any], target: str) -> dict[str, Any]:
        value = dict(fill(schema, schema.get("$defs", {}), "", target))
        if "args" in value:
            value["args"] = [{"name": "a", "type_hint": "int", "description": "The count."}]
        return value

    fake.answer = answer
    _project(tmp_path)
    path = tmp_path / "todo.py"
    path.write_text('# @llm-doc-start\ndef f(a: int, b: int = 2) -> int:\n    return a\n'
                    '# @llm-doc-end\n')
    offline = llm_doc("generate", "--provider", "static", "--yes", "todo.py")
    assert offline.returncode == 0, offline.stderr
    written = path.read_text()
    assert "a (int): TODO: describe.\n" in written
    assert "b (int): TODO: describe. Defaults to 2.\n" in written
    path.write_text(written.replace("b (int): TODO: describe. Defaults to 2.",
                                    "b (int): Written by a person."))
    filled = _run(llm_doc, fake, "--yes", "todo.py")
    assert filled.returncode == 0, filled.stderr
    text = path.read_text()
    assert '"""Summarise f.' in text  # the summary placeholder is filled
    assert "a (int): The count.\n" in text
    assert "b (int): Written by a person.\n" in text  # a person's words stay
    assert "TODO" not in text  # the Returns placeholder too


def test_unknown_model_names_the_model_and_the_url(tmp_path: Path, llm_doc: Run,
                                                   fake: FakeOpenAI) -> None:
    fake.faults.append(Fault("404", times=999))
    path = _project(tmp_path)
    result = _run(llm_doc, fake, "--yes", "--model", "gpt-nonesuch", ".")
    assert result.returncode == 2, result.stderr
    assert f"HTTP 404 from the model server at {fake.base_url} for model 'gpt-nonesuch'" \
        in result.stderr
    assert path.read_text() == SHOP


def test_nothing_listening_stops_at_once_naming_the_url(tmp_path: Path, llm_doc: Run) -> None:
    # A port that was just free: connections are refused. The URL carries credentials,
    # which must never be shown.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    path = _project(tmp_path)
    result = llm_doc("generate", "--yes", ".", env={
        "OPENAI_API_KEY": KEY, "OPENAI_BASE_URL": f"http://user:hunter2@127.0.0.1:{port}/v1?x=1"})
    assert result.returncode == 2, result.stderr
    # No provider configured and a key in the environment: the choice is announced.
    assert "OPENAI_API_KEY is set: using the 'openai' provider" in result.stderr
    lines = result.stderr.splitlines()
    stop = [line for line in lines if "cannot connect to the model server at "
            f"http://127.0.0.1:{port}/v1" in line]
    assert len(stop) == 1, result.stderr
    assert "nothing was written" in stop[0]
    assert not [line for line in lines if "LD201" in line]  # no per-region repetition
    assert "hunter2" not in result.stderr + result.stdout
    assert path.read_text() == SHOP
