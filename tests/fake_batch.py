"""A Batch API stand-in on 127.0.0.1: ``/v1/files`` and ``/v1/batches``, for the real client.

It takes uploads (``POST /v1/files``, multipart, purpose ``batch``) and gives their content
back (``GET /v1/files/{id}/content``), creates batches from an uploaded input file
(``POST /v1/batches``), reports them (``GET /v1/batches/{id}``) and cancels them
(``POST /v1/batches/{id}/cancel``). A batch stays ``in_progress`` until the test calls
``finish`` (or ``instant`` is set); it then answers every input line as
``tests/fake_openai.py`` answers a chat completion (a value built from the requested schema),
into an output file, and errors into an error file. Faults by target name: ``errors``
(an error line), ``missing`` (no line at all), ``garbled`` (a body that is not a completion).
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import os
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.fake_openai import fill, target_of


def completion(body: dict[str, Any], number: int) -> dict[str, Any]:
    """The chat completion ``fake_openai`` would answer to a request body.

    Args:
        body: The request's body (strict ``json_schema`` response format).
        number: Makes the completion's id.

    Returns:
        The completion.
    """
    schema = body["response_format"]["json_schema"]["schema"]
    target = target_of(body)
    content = json.dumps(fill(schema, schema.get("$defs", {}), "", target))
    return {"id": f"chatcmpl-{number}", "object": "chat.completion", "created": 0,
            "model": body.get("model", "fake"),
            "choices": [{"index": 0, "finish_reason": "stop", "logprobs": None,
                         "message": {"role": "assistant", "content": content,
                                     "refusal": None}}],
            "usage": {"prompt_tokens": 100, "completion_tokens": 25, "total_tokens": 125}}


def output_lines(lines: list[bytes], errors: frozenset[str] = frozenset(),
                 missing: frozenset[str] = frozenset(), garbled: frozenset[str] = frozenset()
                 ) -> tuple[list[bytes], list[bytes]]:
    """Answer input lines: the output file's lines and the error file's.

    Args:
        lines: The input file's lines.
        errors: Targets that get an error line.
        missing: Targets that get no line.
        garbled: Targets whose body is not a chat completion.

    Returns:
        Output lines, error lines.
    """
    out: list[bytes] = []
    failed: list[bytes] = []
    for number, raw in enumerate(lines):
        if not raw.strip():
            continue
        line = json.loads(raw)
        target = target_of(line["body"])
        if target in missing:
            continue
        if target in errors:
            failed.append(json.dumps({
                "id": f"batch_req_{number}", "custom_id": line["custom_id"],
                "response": {"status_code": 400, "request_id": f"req_{number}",
                             "body": {"error": {"message": "injected error",
                                                "type": "invalid_request_error"}}},
                "error": None}).encode() + b"\n")
            continue
        body: dict[str, Any] = {"unexpected": True} if target in garbled \
            else completion(line["body"], number)
        out.append(json.dumps({"id": f"batch_req_{number}", "custom_id": line["custom_id"],
                               "response": {"status_code": 200, "request_id": f"req_{number}",
                                            "body": body},
                               "error": None}).encode() + b"\n")
    return out, failed


@dataclass
class FakeBatch:
    """The stand-in's state, shared with the test.

    Attributes:
        instant: Batches complete as soon as they are created.
        errors: Targets answered with an error line.
        missing: Targets left without a line.
        garbled: Targets answered with a body that is not a chat completion.
        files: Uploaded and produced files by id.
        purposes: Each uploaded file's purpose.
        batches: Batches by id.
        inputs: Each batch's input lines.
        calls: Every request, as ``METHOD path`` (Azure's ``/openai/...`` paths as sent).
        queries: Every request's query string.
        headers: Every request's headers.
        hold: When set, the first download of a file's content waits until it is set
            (``release``), so a test can act while a run is in the middle of applying.
        held: Set when that download has arrived and waits.
        port: The port (set by ``start``).
    """

    instant: bool = False
    errors: frozenset[str] = frozenset()
    missing: frozenset[str] = frozenset()
    garbled: frozenset[str] = frozenset()
    files: dict[str, bytes] = field(default_factory=dict)
    purposes: dict[str, str] = field(default_factory=dict)
    batches: dict[str, dict[str, Any]] = field(default_factory=dict)
    inputs: dict[str, list[bytes]] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    queries: list[str] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    hold: threading.Event | None = None
    held: threading.Event = field(default_factory=threading.Event)
    port: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        """The OpenAI base URL.

        Returns:
            ``http://127.0.0.1:<port>/v1``.
        """
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def endpoint(self) -> str:
        """The Azure OpenAI endpoint (its files and batches live under ``/openai/``).

        Returns:
            ``http://127.0.0.1:<port>``.
        """
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FakeBatch:
        """Listen on an ephemeral port of 127.0.0.1 in a background thread.

        Returns:
            Itself.
        """
        state = self

        class Handler(_Handler):
            fake = state

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        self._server = server
        self.port = server.server_address[1]
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return self

    def release(self) -> None:
        """Let the held download (``hold``) answer."""
        if self.hold is not None:
            self.hold.set()

    def stop(self) -> None:
        """Stop listening (a held download is let go first)."""
        self.release()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def finish(self, status: str = "completed", answered: int | None = None) -> None:
        """Bring every unfinished batch to ``status``, answering its lines.

        Args:
            status: ``completed``, ``expired``, ``failed`` or ``cancelled``.
            answered: Lines answered before it ended (None: all).
        """
        with self._lock:
            for batch_id, batch in self.batches.items():
                if batch["status"] in ("completed", "expired", "failed", "cancelled"):
                    continue
                self._finish(batch_id, batch, status, answered)

    def _finish(self, batch_id: str, batch: dict[str, Any], status: str,
                answered: int | None) -> None:
        lines = self.inputs[batch_id]
        lines = lines if answered is None else lines[:answered]
        out, failed = output_lines(lines, self.errors, self.missing, self.garbled)
        batch["status"] = status
        if out:
            batch["output_file_id"] = self._store(b"".join(out), "batch_output")
        if failed:
            batch["error_file_id"] = self._store(b"".join(failed), "batch_output")
        batch["request_counts"] = {"total": len(self.inputs[batch_id]),
                                   "completed": len(out), "failed": len(failed)}

    def _store(self, data: bytes, purpose: str) -> str:
        file_id = f"file-{len(self.files) + 1}"
        self.files[file_id] = data
        self.purposes[file_id] = purpose
        return file_id


class _Handler(BaseHTTPRequestHandler):
    fake: FakeBatch
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        del format, args

    def _send(self, status: int, payload: bytes, kind: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _json(self, status: int, value: Any) -> None:
        self._send(status, json.dumps(value).encode())

    def _note(self) -> str:
        path, _, query = self.path.partition("?")
        with self.fake._lock:
            self.fake.calls.append(f"{self.command} {path}")
            self.fake.queries.append(query)
            self.fake.headers.append({k.lower(): v for k, v in self.headers.items()})
        # Azure OpenAI serves the same files and batches endpoints under /openai/.
        return "/v1/" + path[len("/openai/"):] if path.startswith("/openai/") else path

    def do_GET(self) -> None:
        path = self._note()
        fake = self.fake
        found = re.fullmatch(r"/v1/files/([\w-]+)/content", path)
        if found and found.group(1) in fake.files:
            if fake.hold is not None and not fake.held.is_set():
                fake.held.set()
                fake.hold.wait(60)  # bounds only a test that fails to release it
            self._send(200, fake.files[found.group(1)], "application/octet-stream")
            return
        found = re.fullmatch(r"/v1/batches/([\w-]+)", path)
        if found and found.group(1) in fake.batches:
            with fake._lock:
                self._json(200, fake.batches[found.group(1)])
            return
        self._json(404, {"error": {"message": f"no route {path}", "type": "fake_error"}})

    def do_POST(self) -> None:
        path = self._note()
        fake = self.fake
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if path == "/v1/files":
            message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
                f"Content-Type: {self.headers['Content-Type']}\r\n\r\n".encode() + raw)
            parts = {p.get_param("name", header="content-disposition"): p
                     for p in message.iter_parts()}
            data = parts["file"].get_payload(decode=True)
            purpose = parts["purpose"].get_content().strip()
            with fake._lock:
                file_id = fake._store(data, purpose)
            self._json(200, {"id": file_id, "object": "file", "bytes": len(data),
                             "created_at": int(time.time()), "filename": "input.jsonl",
                             "purpose": purpose, "status": "processed"})
            return
        if path == "/v1/batches":
            body = json.loads(raw)
            with fake._lock:
                batch_id = f"batch_{len(fake.batches) + 1}"
                lines = fake.files[body["input_file_id"]].splitlines(keepends=True)
                fake.inputs[batch_id] = lines
                batch = {"id": batch_id, "object": "batch", "endpoint": body["endpoint"],
                         "input_file_id": body["input_file_id"],
                         "completion_window": body["completion_window"],
                         "status": "in_progress", "created_at": int(time.time()),
                         "metadata": body.get("metadata"), "output_file_id": None,
                         "error_file_id": None,
                         "request_counts": {"total": len(lines), "completed": 0, "failed": 0}}
                fake.batches[batch_id] = batch
                if fake.instant:
                    fake._finish(batch_id, batch, "completed", None)
                self._json(200, batch)
            return
        found = re.fullmatch(r"/v1/batches/([\w-]+)/cancel", path)
        if found and found.group(1) in fake.batches:
            with fake._lock:
                batch = fake.batches[found.group(1)]
                batch["status"] = "cancelling"
                fake._finish(found.group(1), batch, "cancelled", 0)
                self._json(200, batch)
            return
        self._json(404, {"error": {"message": f"no route {path}", "type": "fake_error"}})


def batch_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: str, key: str) -> Path:
    """The batch tests' project: a cache folder of the test's own, one key, ``m.py`` and
    ``n.py`` as the working folder.

    Args:
        tmp_path: The test's folder (the cache goes in ``cache``, the project in ``p``).
        monkeypatch: Sets the environment for the test only.
        code: ``m.py``'s text; ``n.py`` is the same with its ``f`` functions named ``g``.
        key: The OpenAI key (every other OpenAI and Azure variable is removed).

    Returns:
        The project folder.
    """
    for name in list(os.environ):
        if name.startswith(("OPENAI_", "AZURE_OPENAI_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("LLM_DOC_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("OPENAI_API_KEY", key)
    project = tmp_path / "p"
    project.mkdir()
    (project / "m.py").write_text(code)
    (project / "n.py").write_text(code.replace("def f", "def g"))
    monkeypatch.chdir(project)
    return project


def serving() -> Iterator[FakeBatch]:
    """A started stand-in, stopped when the generator ends (a fixture's ``yield from``).

    Yields:
        The stand-in.
    """
    server = FakeBatch().start()
    try:
        yield server
    finally:
        server.stop()
