"""The model server and the model are untrusted: attacks through the real CLI and client.

A hostile server on 127.0.0.1 echoes credentials, closes connections, hangs, or answers
things that are not chat completions; a hostile model hides bidirectional and invisible
characters in its text. Nothing secret reaches a message, nothing hidden reaches a file.
"""

from __future__ import annotations

import asyncio
import base64
import json
import socket
import sqlite3
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llm_doc_manager.analysis.facts import ModuleFacts
from llm_doc_manager.analysis.markers import Kind
from llm_doc_manager.config import Settings
from llm_doc_manager.docstrings import MethodDocstring
from llm_doc_manager.docstrings.schemas import read_answer
from llm_doc_manager.errors import (
    ConfigError,
    ProviderError,
    hidden_characters,
    printable,
    redact,
)
from llm_doc_manager.providers.base import DocRequest
from llm_doc_manager.providers.model import ModelProvider, check_url, resolve_settings
from tests.conftest import Run
from tests.fake_openai import FakeOpenAI, fill

KEY = "sk-test-0123456789abcdef-never-print-me"
USER, PASSWORD = "alice", "hunter2secret"
BASIC = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
FORBIDDEN = (PASSWORD, KEY, f"{USER}:{PASSWORD}", BASIC, "\x1b")

TWO = '''\
# @llm-doc-start
def first(a):
    return a
# @llm-doc-end


# @llm-doc-start
def second(b):
    return b
# @llm-doc-end
'''


@dataclass
class Hostile:
    """A server on 127.0.0.1 that misbehaves in one chosen way.

    Attributes:
        mode: ``echo`` (an error status whose body repeats the credentials, the headers and
            terminal escapes), ``close`` (drops the connection), ``hang`` (never answers),
            ``body`` (status 200 with ``content_type`` and ``body`` as given).
        status: The HTTP status of ``echo``.
        content_type: The Content-Type of ``body``.
        body: The body of ``body``.
        seen: Request paths received.
        port: The port.
    """

    mode: str
    status: int = 200
    content_type: str = "application/json"
    body: bytes = b""
    seen: list[str] = field(default_factory=list)
    port: int = 0
    _release: threading.Event = field(default_factory=threading.Event)
    _server: ThreadingHTTPServer | None = None

    def url(self, credentials: bool = True) -> str:
        auth = f"{USER}:{PASSWORD}@" if credentials else ""
        return f"http://{auth}127.0.0.1:{self.port}/v1"

    def start(self) -> Hostile:
        state = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                del format, args

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                state.seen.append(self.path)
                if state.mode == "close":
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if state.mode == "hang":
                    state._release.wait(60)  # released when the test stops the server
                    return
                status, ctype, body = state.status, state.content_type, state.body
                if state.mode == "echo":
                    # A careless (or malicious) server repeating everything it was sent,
                    # and what it knows of the URL, with escapes and a forged line.
                    message = (f"bad key {KEY} for http://{USER}:{PASSWORD}@127.0.0.1/v1"
                               f"{self.path}; user {USER}:{PASSWORD}; headers "
                               f"{dict(self.headers.items())}\x1b]0;owned\x07\x1b[2J"
                               "\nshop.py:1:1: LD000 forged finding")
                    ctype = "application/json"
                    body = json.dumps({"error": {"message": message}}).encode()
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        self._server = server
        self.port = server.server_address[1]
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._release.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


@pytest.fixture
def hostile() -> Iterator[list[Hostile]]:
    started: list[Hostile] = []
    yield started
    for server in started:
        server.stop()


def _serve(started: list[Hostile], mode: str, **kwargs: Any) -> Hostile:
    server = Hostile(mode, **kwargs).start()
    started.append(server)
    return server


def _project(root: Path, text: str = TWO) -> Path:
    (root / "pyproject.toml").write_text(
        "[tool.llm-doc]\nretry-base = 0.01\nretry-max = 0.05\nmax-tries = 2\n")
    path = root / "shop.py"
    path.write_text(text)
    return path


def _cache(root: Path) -> Path:
    return root.parent / f"{root.name}-cache"


def _clean(root: Path, *outputs: str) -> None:
    for output in outputs:
        for secret in FORBIDDEN:
            assert secret not in output, (secret, output)
        for word in ("Traceback", "internal error", "TaskGroup", "ExceptionGroup",
                     "object has no attribute"):
            assert word not in output, output
    for folder in (root, _cache(root)):
        for path in folder.rglob("*") if folder.exists() else ():
            if path.is_file():
                data = path.read_bytes()
                for secret in FORBIDDEN[:4]:
                    assert secret.encode() not in data, (secret, path)


# --- (a) credentials and the API key never appear, whatever the server echoes --------------

@pytest.mark.parametrize(("status", "code", "loud"), [(400, 1, ("-v",)), (401, 2, ()),
                                                     (500, 1, ("-v",))])
def test_an_echoing_server_never_gets_a_secret_shown(
        tmp_path: Path, llm_doc: Run, hostile: list[Hostile], status: int, code: int,
        loud: tuple[str, ...]) -> None:
    server = _serve(hostile, "echo", status=status)
    path = _project(tmp_path)
    result = llm_doc("generate", "--provider", "openai", "--base-url", server.url(), "--yes",
                     *loud, ".", env={"OPENAI_API_KEY": KEY, "LLM_DOC_DEBUG": "1"})
    assert result.returncode == code, result.stderr
    assert server.seen  # the requests did reach the server
    assert f"HTTP {status}" in result.stderr
    assert "[redacted]" in result.stderr
    assert not [line for line in result.stderr.splitlines() if "forged finding" in line
                and line.startswith("shop.py")]
    assert path.read_text() == TWO
    _clean(tmp_path, result.stdout, result.stderr)


def test_report_never_shows_a_secret_either(tmp_path: Path, llm_doc: Run,
                                            hostile: list[Hostile]) -> None:
    server = _serve(hostile, "echo", status=500)
    _project(tmp_path)
    result = llm_doc("report", "--provider", "openai", "--base-url", server.url(), ".",
                     env={"OPENAI_API_KEY": KEY})
    assert result.returncode == 1, result.stderr
    assert "HTTP 500" in result.stderr
    _clean(tmp_path, result.stdout, result.stderr)


def test_a_server_that_closes_the_connection(tmp_path: Path, llm_doc: Run,
                                             hostile: list[Hostile]) -> None:
    server = _serve(hostile, "close")
    path = _project(tmp_path)
    result = llm_doc("generate", "--provider", "openai", "--base-url", server.url(), "--yes",
                     "-v", ".", env={"OPENAI_API_KEY": KEY, "LLM_DOC_DEBUG": "1"})
    assert result.returncode == 2, result.stderr
    assert f"cannot connect to the model server at http://127.0.0.1:{server.port}/v1" \
        in result.stderr
    assert path.read_text() == TWO
    _clean(tmp_path, result.stdout, result.stderr)


def test_a_server_that_hangs_past_the_timeout(tmp_path: Path, llm_doc: Run,
                                              hostile: list[Hostile]) -> None:
    server = _serve(hostile, "hang")
    path = _project(tmp_path)
    result = llm_doc("generate", "--provider", "openai", "--base-url", server.url(), "--yes",
                     "--timeout", "0.5", "-v", ".", env={"OPENAI_API_KEY": KEY})
    assert result.returncode == 1, result.stderr
    assert result.stderr.count("no answer after 2 attempts: timed out") == 2
    assert path.read_text() == TWO
    _clean(tmp_path, result.stdout, result.stderr)


def test_redact_covers_every_form_of_a_credential() -> None:
    secrets = (KEY, PASSWORD)
    text = (f"key {KEY} url https://{USER}:{PASSWORD}@h/x token=sk-abcdef123456 "
            f"Authorization: Basic {BASIC} Bearer abc.def-ghi plain {PASSWORD}")
    shown = redact(text, secrets)
    for secret in FORBIDDEN[:4]:
        assert secret not in shown
    assert "https://[redacted]@h/x" in shown
    assert "Basic [redacted]" in shown
    assert "Bearer [redacted]" in shown
    # Hidden characters go first, so that they cannot split a secret out of redaction.
    assert printable("a\x1b[2Jb\n\nc\r\u202ed") == "a[2Jb c d"
    assert printable(f"x {PASSWORD[:3]}\u200b{PASSWORD[3:]} y", (PASSWORD,)) == "x [redacted] y"
    assert printable("word " * 200, limit=20) == "word word word word…"


def test_the_provider_knows_every_form_of_its_url_credentials() -> None:
    settings = resolve_settings("openai", Settings(
        base_url=f"http://{USER}:{PASSWORD}@127.0.0.1:9/v1"), {"OPENAI_API_KEY": KEY})
    provider = ModelProvider(settings)
    message = provider.redact(f"{PASSWORD} {KEY} {BASIC} {USER}%3A{PASSWORD}")
    for secret in FORBIDDEN[:4]:
        assert secret not in message
    assert PASSWORD not in repr(settings)
    assert PASSWORD not in provider.description
    # Credentials do not decide answers: they are not part of the cache key at all.
    request = DocRequest(Kind.MODULE, Path("m.py"), "<module>", 1, "x = 1",
                         ModuleFacts("m", ()), None)
    plain = ModelProvider(resolve_settings("openai", Settings(
        base_url="http://127.0.0.1:9/v1"), {"OPENAI_API_KEY": KEY}))
    assert provider.cache_key(request) == plain.cache_key(request)


def test_no_credential_in_the_cache_after_a_run(tmp_path: Path, llm_doc: Run) -> None:
    fake = FakeOpenAI().start()
    try:
        url = f"http://{USER}:{PASSWORD}@127.0.0.1:{fake.port}/v1"
        path = _project(tmp_path)
        result = llm_doc("generate", "--provider", "openai", "--base-url", url, "--yes", ".",
                         env={"OPENAI_API_KEY": KEY})
    finally:
        fake.stop()
    assert result.returncode == 0, result.stderr
    assert path.read_text() != TWO
    assert list(_cache(tmp_path).glob("answers*.sqlite3"))
    _clean(tmp_path, result.stdout, result.stderr)


# --- (b) a bad URL is a usage error, said in one line, before any request ------------------

BAD_URLS = ["notaurl", "ftp://127.0.0.1:{port}/v1", "http://", "http://[::1",
            "http://127.0.0.1:99999/", "http://127.0.0.1:0/v1", "http:/127.0.0.1:{port}/v1",
            "127.0.0.1:{port}/v1", "http://127.0.0.1:{port}/v1 ", "http://exa mple/v1",
            "http://127.0.0.1:{port}/v1\n", "http://127.0.0.1:8a/v1",
            f"http://{USER}:{PASSWORD}@[::1", f"http://{USER}:{PASSWORD}@127.0.0.1:99999/v1",
            f"ftp://{USER}:{PASSWORD}@127.0.0.1:{{port}}/v1"]


@pytest.mark.parametrize("bad", BAD_URLS)
def test_every_bad_url_is_refused_with_its_reason(bad: str) -> None:
    url = bad.replace("{port}", "8080")
    for kind, environ in (("openai", {"OPENAI_BASE_URL": url}), ("azure", {
            "AZURE_OPENAI_ENDPOINT": url, "AZURE_OPENAI_API_KEY": KEY,
            "AZURE_OPENAI_DEPLOYMENT": "d"})):
        with pytest.raises(ConfigError) as caught:
            resolve_settings(kind, Settings(), environ)
        message = str(caught.value)
        assert message.startswith("invalid base URL '" if kind == "openai"
                                  else "invalid Azure endpoint '")
        assert "\n" not in message
        for secret in FORBIDDEN:
            assert secret not in message


@pytest.mark.parametrize(("bad", "where"), [
    (BAD_URLS[0], "flag"), (BAD_URLS[1], "flag"), (BAD_URLS[10], "flag"),
    (BAD_URLS[13], "LLM_DOC_BASE_URL"), (BAD_URLS[3], "OPENAI_BASE_URL"),
    (BAD_URLS[14], "AZURE_OPENAI_ENDPOINT"), (BAD_URLS[4], "report")])
def test_a_bad_url_is_one_usage_error_before_any_request(
        tmp_path: Path, llm_doc: Run, hostile: list[Hostile], bad: str, where: str) -> None:
    server = _serve(hostile, "echo", status=500)  # what a lenient parse would reach
    url = bad.replace("{port}", str(server.port))
    path = _project(tmp_path)
    env = {"OPENAI_API_KEY": KEY, "AZURE_OPENAI_API_KEY": KEY, "LLM_DOC_DEBUG": "1"}
    args = ["generate", "--provider", "openai", "--yes", "."]
    if where == "flag":
        args[3:3] = ["--base-url", url]
    elif where == "report":
        args = ["report", "--provider", "openai", "--base-url", url, "."]
    elif where == "AZURE_OPENAI_ENDPOINT":
        args[2] = "azure"
        env |= {where: url, "AZURE_OPENAI_DEPLOYMENT": "d"}
    else:
        env[where] = url
    result = llm_doc(*args, env=env)
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if "error:" in line]
    assert len(errors) == 1, result.stderr
    assert ("Azure endpoint" if where == "AZURE_OPENAI_ENDPOINT" else "base URL") in errors[0]
    assert "cannot connect" not in result.stderr
    assert server.seen == []
    assert path.read_text() == TWO
    _clean(tmp_path, result.stdout, result.stderr)


def test_good_urls_pass_the_check() -> None:
    for url in ("http://localhost:11434/v1", "https://api.openai.com/v1",
                "http://[::1]:8080/v1", "https://u:p@gateway.example/v1?route=a",
                "https://my-resource.openai.azure.com", "https://bücher.example/v1/"):
        check_url(url, "base URL")
    with pytest.raises(ConfigError, match="base URL 'http://\\[redacted\\]@h:0/'"):
        check_url("http://u:p@h:0/", "base URL")


_PIECE = st.text(st.characters(codec="utf-8"), max_size=12) | st.sampled_from(
    ["", "[", "]", "::1", "[::1]", ":", "@", "%", "%41", "..", "xn--", "-", " ", "\n", "\u202e"])


@given(scheme=st.sampled_from(["http://", "https://", "ftp://", "http:/", "", "HTTP://"]),
       user=_PIECE, host=_PIECE, port=st.sampled_from(["", ":", ":0", ":80", ":65535", ":65536",
                                                      ":-1", ":8a"]) | _PIECE, path=_PIECE)
@settings(max_examples=400, deadline=None, derandomize=True)
def test_a_url_is_a_usage_error_or_one_the_client_takes(scheme: str, user: str, host: str,
                                                        port: str, path: str) -> None:
    url = f"{scheme}{user}@{host}{port}/{path}" if user else f"{scheme}{host}{port}/{path}"
    # Checked, then given to the client: a usage error in one line, or a provider (the
    # unchecked "http://[::1" was an internal error of the client here).
    try:
        provider = ModelProvider(resolve_settings("openai", Settings(base_url=url), {}))
    except ConfigError as exc:  # nothing else may come out
        message = str(exc)
        assert message.startswith("invalid base URL ")
        assert "\n" not in message
    else:
        asyncio.run(provider.aclose())


# --- (c) an answer that is not a chat completion: one clear message, files untouched --------

NOT_CHAT = [("text/plain", b"hello"), ("text/html", b"<html><body>It works!</body></html>"),
            ("application/json", b'"str"'), ("application/json", b"[]"),
            ("application/json", b'{"choices": "x"}'), ("application/json", b""),
            ("application/json", b'{"id": "x", "choices": [{"index": 0, "mess'),
            ("application/json", b'{"choices": [{"message": {"content": 5}}]}'),
            ("application/json", b'{"choices": [{"message": "hi"}], "usage": {"prompt_tokens"'
                                 b': "many"}}')]


@pytest.mark.parametrize(("content_type", "body"), NOT_CHAT)
def test_each_answer_that_is_not_a_chat_completion_fails_its_request(
        hostile: list[Hostile], content_type: str, body: bytes) -> None:
    server = _serve(hostile, "body", content_type=content_type, body=body)
    settings = resolve_settings("openai", Settings(base_url=server.url(), max_tries=2),
                                {"OPENAI_API_KEY": KEY})
    provider = ModelProvider(settings)
    request = DocRequest(Kind.MODULE, Path("m.py"), "<module>", 1, "x = 1",
                         ModuleFacts("m", ()), None)

    async def ask() -> str:
        try:
            with pytest.raises(ProviderError) as caught:
                await provider.generate(request)
            return str(caught.value)
        finally:
            await provider.aclose()

    message = asyncio.run(ask())
    assert message.startswith(f"the server at http://127.0.0.1:{server.port}/v1 did not "
                              "answer with a chat completion (HTTP 200, "), message
    assert "attribute" not in message
    assert len(server.seen) == 1
    for secret in FORBIDDEN:
        assert secret not in message


@pytest.mark.parametrize(("content_type", "body"), [NOT_CHAT[0], NOT_CHAT[6]])
def test_an_answer_that_is_not_a_chat_completion(
        tmp_path: Path, llm_doc: Run, hostile: list[Hostile], content_type: str,
        body: bytes) -> None:
    server = _serve(hostile, "body", content_type=content_type, body=body)
    path = _project(tmp_path)
    result = llm_doc("generate", "--provider", "openai", "--base-url", server.url(), "--yes",
                     ".", env={"OPENAI_API_KEY": KEY, "LLM_DOC_DEBUG": "1"})
    assert result.returncode == 1, result.stderr
    failed = [line for line in result.stderr.splitlines() if "LD201" in line]
    assert len(failed) == 2, result.stderr
    for line in failed:
        assert f"the server at http://127.0.0.1:{server.port}/v1 did not answer with a chat " \
               "completion" in line, line
    assert len(server.seen) == 2  # not retried: the same server answers the same way
    assert path.read_text() == TWO
    _clean(tmp_path, result.stdout, result.stderr)


def test_a_server_that_is_not_openai_compatible_stops_the_run(
        tmp_path: Path, llm_doc: Run, hostile: list[Hostile]) -> None:
    server = _serve(hostile, "body", content_type="text/html", body=b"<h1>Welcome</h1>")
    many = "".join(f"# @llm-doc-start\ndef f{i}(a):\n    return a\n# @llm-doc-end\n\n\n"
                   for i in range(8))
    path = _project(tmp_path, many)
    result = llm_doc("generate", "--provider", "openai", "--base-url", server.url(), "--yes",
                     "--concurrency", "1", ".", env={"OPENAI_API_KEY": KEY})
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if "error:" in line]
    assert len(lines) == 1, result.stderr
    assert "not an OpenAI-compatible API" in lines[0]
    assert "nothing was written" in lines[0]
    assert len(server.seen) == 3
    assert path.read_text() == many
    _clean(tmp_path, result.stdout, result.stderr)


# --- Trojan Source: hidden characters in model text never reach a file ---------------------

HIDDEN = ["\u202e", "\u202a", "\u2066", "\u2069", "\u200e", "\u200f", "\u061c", "\u200b",
          "\u200d", "\u2060", "\ufeff", "\u00ad", "\U000e0041", "\r", "\x00", "\x1b", "\x0b",
          "\x85", "\u2028", "\u3164"]


def _inject(char: str, where: str) -> Any:
    def answer(schema: dict[str, Any], target: str) -> dict[str, Any]:
        value: dict[str, Any] = fill(schema, schema.get("$defs", {}), "", target)
        if "summary" in value and where == "summary":
            value["summary"] = f"Return the value{char} unchanged."
        elif "args" in value and where == "args":
            value["args"] = [{"name": "a", "type_hint": f"int{char}",
                              "description": f"The value {char}given."}]
        return value
    return answer


def test_hidden_characters_in_model_text_are_refused(tmp_path: Path, llm_doc: Run) -> None:
    # One region per character; the model hides its character in the summary every time.
    source = "".join(f"# @llm-doc-start\ndef f{i}(a):\n    return a\n# @llm-doc-end\n\n\n"
                     for i in range(len(HIDDEN)))

    def answer(schema: dict[str, Any], target: str) -> dict[str, Any]:
        return dict(_inject(HIDDEN[int(target.removeprefix("f"))], "summary")(schema, target))

    fake = FakeOpenAI(answer=answer).start()
    try:
        path = _project(tmp_path, source)
        result = llm_doc("generate", "--provider", "openai", "--base-url", fake.base_url,
                         "--yes", ".", env={"OPENAI_API_KEY": KEY})
    finally:
        fake.stop()
    assert result.returncode == 1, result.stderr
    failed = {line.split(" LD201 ")[1].split(":")[0]: line
              for line in result.stderr.splitlines() if " LD201 " in line}
    assert sorted(failed) == sorted(f"f{i}" for i in range(len(HIDDEN))), result.stderr
    for i, char in enumerate(HIDDEN):
        assert f"summary: Value error, holds U+{ord(char):04X}" in failed[f"f{i}"]
        assert "Trojan Source" in failed[f"f{i}"]
    assert not hidden_characters(result.stderr.replace("\n", ""))
    assert path.read_bytes() == source.encode()
    # The refusal was said back to the model once (it may correct itself), then given up.
    assert len(fake.seen) == 2 * len(HIDDEN)
    retries = [json.dumps(s.body["messages"][-1]) for s in fake.seen
               if len(s.body["messages"]) > 2]
    assert len(retries) == len(HIDDEN)
    assert all("Trojan Source" in r for r in retries)
    # Nothing refused is cached.
    assert not [row for db in _cache(tmp_path).glob("answers*.sqlite3")
                for row in sqlite3.connect(db).execute("SELECT value FROM entries")]


def test_a_model_that_corrects_itself_writes_clean_text(tmp_path: Path, llm_doc: Run) -> None:
    calls: list[str] = []

    def answer(schema: dict[str, Any], target: str) -> dict[str, Any]:
        calls.append(target)
        hidden = "\u2067" if calls.count(target) == 1 else ""
        return dict(_inject(hidden, "args")(schema, target))

    fake = FakeOpenAI(answer=answer).start()
    try:
        path = _project(tmp_path)
        result = llm_doc("generate", "--provider", "openai", "--base-url", fake.base_url,
                         "--yes", ".", env={"OPENAI_API_KEY": KEY})
    finally:
        fake.stop()
    assert result.returncode == 0, result.stderr
    text = path.read_text()
    assert "The value given." in text
    assert not hidden_characters(text)


def test_an_existing_docstring_keeps_its_own_characters(tmp_path: Path, llm_doc: Run) -> None:
    # The human's words are not ours to judge: a docstring holding U+200F (RIGHT-TO-LEFT MARK,
    # normal in right-to-left text) keeps it, and a model repeating it is not refused for it.
    human = "Return \u200f\u05e9\u05dc\u05d5\u05dd\u200f unchanged."
    source = ('# @llm-doc-start\ndef first(a, b):\n    """' + human + '\n\n    Args:\n'
              '        a: The \u200fvalue\u200f.\n    """\n    return a\n# @llm-doc-end\n')

    def answer(schema: dict[str, Any], target: str) -> dict[str, Any]:
        value: dict[str, Any] = fill(schema, schema.get("$defs", {}), "", target)
        value["summary"] = human
        value["args"] = [{"name": "a", "type_hint": None, "description": "The \u200fvalue\u200f."},
                         {"name": "b", "type_hint": None, "description": "The other value."}]
        return value

    fake = FakeOpenAI(answer=answer).start()
    try:
        path = _project(tmp_path, source)
        result = llm_doc("generate", "--provider", "openai", "--base-url", fake.base_url,
                         "--yes", ".", env={"OPENAI_API_KEY": KEY})
    finally:
        fake.stop()
    assert result.returncode == 0, result.stderr
    text = path.read_text()
    assert human in text
    assert "a: The \u200fvalue\u200f." in text
    assert "b: The other value." in text
    assert len(fake.seen) == 1


def test_read_answer_names_the_field_and_the_character() -> None:
    value = {"summary": "Fine.", "extended_description": None, "args": [
        {"name": "a", "type_hint": "int", "description": "evil \u202e here"}],
        "returns": None, "yields": None, "raises": [], "examples": None, "notes": None}
    with pytest.raises(ValueError, match=r"(?s)args\.0\.description.*U\+202E RIGHT-TO-LEFT "
                                         "OVERRIDE"):
        read_answer(MethodDocstring, json.dumps(value))
    assert read_answer(MethodDocstring, json.dumps(value), frozenset("\u202e")).args
    # The same text built by the package (from a human docstring) is not checked.
    assert MethodDocstring.model_validate(value).args[0].description == "evil \u202e here"
    # A lone surrogate (JSON can spell it, UTF-8 cannot write it) is refused too.
    value["summary"] = "\ud800"
    with pytest.raises(ValueError, match=r"surrogate|hex escape|U\+D800"):
        read_answer(MethodDocstring, json.dumps(value))


def test_hidden_characters_are_what_the_check_says() -> None:
    for char in HIDDEN:
        assert hidden_characters(f"a{char}b") == [char], unicodedata.name(char, hex(ord(char)))
    assert hidden_characters("plain text\n\tindented, accents é, CJK 漢字, emoji 🎉") == []


def test_a_planted_cache_answer_with_hidden_characters_is_asked_again(
        tmp_path: Path, llm_doc: Run) -> None:
    # The cache folder may be shared or planted: a stored answer is read like a fresh one.
    fake = FakeOpenAI().start()
    try:
        path = _project(tmp_path)
        first = llm_doc("generate", "--provider", "openai", "--base-url", fake.base_url,
                        "--diff", ".", env={"OPENAI_API_KEY": KEY})
        assert first.returncode == 0, first.stderr
        assert len(fake.seen) == 2
        [database] = _cache(tmp_path).glob("answers*.sqlite3")
        with sqlite3.connect(database) as db:
            db.execute("UPDATE entries SET value = replace(value, 'Summarise', "
                       "'Summarise \u202e')")
        db.close()
        second = llm_doc("generate", "--provider", "openai", "--base-url", fake.base_url,
                         "--yes", ".", env={"OPENAI_API_KEY": KEY})
    finally:
        fake.stop()
    assert second.returncode == 0, second.stderr
    assert len(fake.seen) == 4  # both planted answers refused, both asked again
    text = path.read_text()
    assert "Summarise first." in text
    assert not hidden_characters(text)
