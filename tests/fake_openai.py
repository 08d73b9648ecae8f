"""A real OpenAI-compatible HTTP server for tests and benchmarks, on 127.0.0.1.

It implements ``POST /v1/chat/completions`` and the Azure deployment path
``/openai/deployments/<name>/chat/completions``, answers JSON that conforms to the
requested ``json_schema`` (built from the schema itself, or by a test's answer function),
and injects faults on demand: 429 with Retry-After, 500, a hang past the client's timeout,
malformed JSON, schema-violating JSON, a refusal, ``finish_reason=length``. It can also
play the servers people run locally: list models on ``GET /v1/models`` (``models``), refuse
``json_schema`` the way llama-cpp-python's server does and answer ``json_object`` with the
schema read from the prompt (``schema_refusal``), report a model and a fingerprint in its
answers, and die mid-run (``die_after``). The real ``openai`` client talks to it over a real
socket.
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_TARGET_RE = re.compile(r"docstring of the Python \w+ (\S+)")
# What the provider writes before the schema when the server cannot take json_schema.
_SCHEMA_IN_PROMPT = re.compile(r"follows this JSON schema:\n(\{.*\})\s*$", re.DOTALL)

Answer = Callable[[dict[str, Any], str], dict[str, Any]]


@dataclass
class Fault:
    """A fault to inject into matching requests.

    Attributes:
        kind (str): ``429``, ``500``, ``400``, ``401``, ``404``, ``echo`` (a 400 repeating
            the Authorization header), ``hang``, ``bad_json``, ``schema``, ``refusal``,
            ``length`` or ``filter``.
        match (str): Only requests whose user message contains this (empty: all).
        times (int): How many matching requests get it (then it is spent).
        retry_after (str | None): Retry-After header value for 429.
        retry_after_ms (str | None): retry-after-ms header value for 429.
    """

    kind: str
    match: str = ""
    times: int = 1
    retry_after: str | None = None
    retry_after_ms: str | None = None


@dataclass
class Seen:
    """One request as the server received it.

    Attributes:
        path (str): Request path (with query).
        headers (dict[str, str]): Headers, lower-case names.
        body (dict[str, Any]): The JSON body.
        at (float): ``time.monotonic()`` at arrival.
        answered (str): What the server did (``ok`` or the fault kind).
    """

    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    at: float
    answered: str = "ok"


def target_of(body: dict[str, Any]) -> str:
    """Return the target name a request asks about (from our prompt's first line).

    Args:
        body (dict[str, Any]): The request body.

    Returns:
        str: The qualname, ``comment``, or ``?``.
    """
    for message in body.get("messages", []):
        if message.get("role") == "user":
            text = message.get("content") or ""
            found = _TARGET_RE.search(text)
            if found:
                return found.group(1).rstrip(".")
            if "comment" in text.split("\n", 1)[0]:
                return "comment"
    return "?"


def fill(schema: dict[str, Any], defs: dict[str, Any], name: str, target: str) -> Any:
    """Build a value that conforms to a JSON schema (what a well-behaved model returns).

    Args:
        schema (dict[str, Any]): The (sub)schema.
        defs (dict[str, Any]): ``$defs`` of the whole schema.
        name (str): Property name, to word the text.
        target (str): What the request documents.

    Returns:
        Any: The value.
    """
    if "$ref" in schema:
        return fill(defs[schema["$ref"].rsplit("/", 1)[-1]], defs, name, target)
    if "anyOf" in schema:
        options = [s for s in schema["anyOf"] if s.get("type") != "null"]
        if name in ("extended_description", "examples", "notes", "typical_usage"):
            return None  # optional prose: a terse model leaves it out
        return fill(options[0], defs, name, target) if options else None
    kind = schema.get("type")
    if kind == "object":
        return {key: fill(sub, defs, key, target)
                for key, sub in schema.get("properties", {}).items()}
    if kind == "array":
        return []
    if kind == "string":
        if name == "summary":
            return f"Summarise {target}."
        if name == "text":
            return f"Explain the block in {target}."
        return f"The {name} of {target}."
    if kind in ("integer", "number"):
        return 0
    if kind == "boolean":
        return False
    return None


def scripted(answers: dict[str, dict[str, Any]]) -> Callable[[dict[str, Any], str], dict[str, Any]]:
    """An answer function giving, per target, only the summary (and comment text) plus the
    parts ``answers`` scripts for it: every other field empty, as a terse model leaves it.

    Args:
        answers (dict[str, dict[str, Any]]): Parts of the answer by target.

    Returns:
        Callable[[dict[str, Any], str], dict[str, Any]]: What ``FakeOpenAI.answer`` takes.
    """
    def answer(schema: dict[str, Any], target: str) -> dict[str, Any]:
        value = dict(fill(schema, schema.get("$defs", {}), "", target))
        for key in value:
            if isinstance(value[key], list):
                value[key] = []
            elif key not in ("summary", "text"):
                value[key] = None
        value.update(answers.get(target, {}))
        return value
    return answer


@dataclass
class FakeOpenAI:
    """The server's state, shared with the test that started it.

    Attributes:
        latency (float): Seconds to wait before each answer.
        hang (float): Seconds a ``hang`` fault sleeps before answering.
        faults (list[Fault]): Faults still to inject.
        answer (Answer | None): Builds the answer object from (json_schema, target).
        seen (list[Seen]): Every request received.
        port (int): The port (set by ``start``).
        in_flight (int): Requests being answered now.
        max_in_flight (int): The most ever answered at once.
        gate (int): When set, each request waits until this many are in flight at once (or
            ``gate_timeout`` passes) before it is answered: a client that really sends that
            many in parallel opens the gate, a serial one never does — whatever the speed.
        gate_timeout (float): Longest wait at the gate, in seconds.
        models (list[dict[str, Any]] | None): What ``GET /v1/models`` lists (None: 404).
        listed (int): ``GET /v1/models`` requests received.
        schema_refusal (int): When set, ``json_schema`` requests get this status with the
            error llama.cpp-based servers give, and ``json_object`` requests are answered
            from the schema stated in the system prompt.
        object_schema (str): What a ``schema_refusal`` server does with a ``json_object``
            request that carries ``response_format.schema`` (llama-cpp-python and
            llama-server turn it into a grammar): ``use`` answers from that schema, ``refuse``
            answers ``schema_refusal`` with an error naming ``response_format.schema``.
        answer_model (str | None): The ``model`` of answers (None: the name asked for).
        system_fingerprint (str | None): The ``system_fingerprint`` of answers.
        die_after (int | None): After this many answered requests the server dies: it stops
            listening and drops every connection still open, without an answer.
        dead (bool): Whether it died.
        usage (tuple[int, int] | None): The prompt and completion tokens every answer
            reports (None: a quarter of the user message's characters, and 25).
        report_usage (bool): Whether answers carry ``usage`` at all (some servers omit it).
    """

    latency: float = 0.0
    hang: float = 5.0
    faults: list[Fault] = field(default_factory=list)
    answer: Answer | None = None
    seen: list[Seen] = field(default_factory=list)
    port: int = 0
    in_flight: int = 0
    max_in_flight: int = 0
    gate: int = 0
    gate_timeout: float = 30.0
    models: list[dict[str, Any]] | None = None
    listed: int = 0
    schema_refusal: int = 0
    object_schema: str = "use"
    answer_model: str | None = None
    system_fingerprint: str | None = None
    die_after: int | None = None
    dead: bool = False
    usage: tuple[int, int] | None = None
    report_usage: bool = True
    _answered: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _changed: threading.Condition = field(init=False)
    _server: ThreadingHTTPServer | None = None

    def __post_init__(self) -> None:
        self._changed = threading.Condition(self._lock)

    @property
    def base_url(self) -> str:
        """The OpenAI base URL.

        Returns:
            str: ``http://127.0.0.1:<port>/v1``.
        """
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def endpoint(self) -> str:
        """The Azure endpoint.

        Returns:
            str: ``http://127.0.0.1:<port>``.
        """
        return f"http://127.0.0.1:{self.port}"

    def take_fault(self, user_text: str) -> Fault | None:
        """Consume the first fault matching a request.

        Args:
            user_text (str): The request's user message.

        Returns:
            Fault | None: The fault, if any.
        """
        with self._lock:
            for fault in self.faults:
                if fault.times > 0 and fault.match in user_text:
                    fault.times -= 1
                    return fault
        return None

    def record(self, seen: Seen) -> None:
        """Remember a request.

        Args:
            seen (Seen): The request.
        """
        with self._lock:
            self.seen.append(seen)

    def enter(self, delta: int) -> None:
        """Count a request starting (+1) or ending (-1).

        Args:
            delta (int): +1 or -1.
        """
        with self._changed:
            self.in_flight += delta
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            self._changed.notify_all()

    def wait_at_gate(self) -> None:
        """Hold a request until ``gate`` requests are in flight together (see ``gate``)."""
        if not self.gate:
            return
        with self._changed:
            self._changed.wait_for(lambda: self.max_in_flight >= self.gate,
                                   timeout=self.gate_timeout)

    def start(self, port: int = 0) -> FakeOpenAI:
        """Listen on an ephemeral port of 127.0.0.1 in a background thread.

        Args:
            port (int): The port to listen on instead (a server restarted where it was).

        Returns:
            FakeOpenAI: Itself.
        """
        state = self

        class Handler(_Handler):
            fake = state

        class Server(ThreadingHTTPServer):
            request_queue_size = 256  # the default backlog of 5 drops bursts of connects

        server = Server(("127.0.0.1", port), Handler)
        server.daemon_threads = True
        self._server = server
        self.port = server.server_address[1]
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return self

    def answered_one(self) -> None:
        """Count an answered request; die once ``die_after`` are answered."""
        with self._lock:
            self._answered += 1
            if self.die_after is None or self._answered < self.die_after or self.dead:
                return
            self.dead = True
        # Closing the listening socket waits for the serving loop: not in this handler.
        threading.Thread(target=self.stop, daemon=True).start()

    def stop(self) -> None:
        """Stop listening."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


class _Handler(BaseHTTPRequestHandler):
    fake: FakeOpenAI
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; without TCP_NODELAY, Nagle's algorithm and
    # the client's delayed ACK add ~40 ms to every answer, which no real server does.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        del format, args

    def _send(self, status: int, payload: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        with contextlib.suppress(OSError):  # the client gave up (timeout test)
            self.wfile.write(payload)

    def _error(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        body = {"error": {"message": message, "type": "fake_error", "code": None,
                          "param": None}}
        self._send(status, json.dumps(body).encode(), headers)

    def do_GET(self) -> None:
        if self.path.split("?", 1)[0] == "/v1/models" and self.fake.models is not None:
            with self.fake._lock:
                self.fake.listed += 1
            self._send(200, json.dumps({"object": "list", "data": self.fake.models}).encode())
        elif self.path == "/_stats":  # for benchmarks running the server in another process
            self._send(200, json.dumps({"requests": len(self.fake.seen),
                                        "max_in_flight": self.fake.max_in_flight}).encode())
        else:
            self._error(404, f"no route {self.path}")

    def do_POST(self) -> None:
        self.fake.enter(1)
        try:
            self._post()
        finally:
            self.fake.enter(-1)

    def _post(self) -> None:
        fake = self.fake
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        if fake.dead:  # a server that died: the connection drops, nothing is answered
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        try:
            body = json.loads(raw)
        except ValueError:
            self._error(400, "body is not JSON")
            return
        seen = Seen(self.path, {k.lower(): v for k, v in self.headers.items()}, body,
                    time.monotonic())
        fake.record(seen)
        path = self.path.split("?", 1)[0]
        if path != "/v1/chat/completions" and not re.fullmatch(
                r"/openai/deployments/[^/]+/chat/completions", path):
            seen.answered = "404"
            self._error(404, f"no route {path}")
            return
        response_format = body.get("response_format") or {}
        system = "\n".join(m.get("content") or "" for m in body.get("messages", [])
                           if m.get("role") == "system")
        in_prompt = _SCHEMA_IN_PROMPT.search(system)
        if fake.schema_refusal and response_format.get("type") == "json_schema":
            seen.answered = "refused json_schema"
            self._error(fake.schema_refusal, 'response_format type must be one of "text" or '
                        '"json_object", but got: json_schema')
            return
        if fake.schema_refusal and response_format.get("type") == "json_object" and \
                "schema" in response_format and fake.object_schema == "refuse":
            seen.answered = "refused response_format.schema"
            self._error(fake.schema_refusal, "extra fields not permitted: response_format.schema")
            return
        if fake.schema_refusal and response_format.get("type") == "json_object" and \
                isinstance(response_format.get("schema"), dict):
            schema = response_format["schema"]
        elif fake.schema_refusal and response_format.get("type") == "json_object" and in_prompt:
            schema = json.loads(in_prompt.group(1))
        elif response_format.get("type") != "json_schema" or \
                not response_format.get("json_schema", {}).get("strict"):
            seen.answered = "400"
            self._error(400, "this server only answers strict json_schema requests")
            return
        else:
            schema = response_format["json_schema"]["schema"]
        user = "\n".join(m.get("content") or "" for m in body.get("messages", [])
                         if m.get("role") == "user")
        fault = fake.take_fault(user)
        fake.wait_at_gate()
        if fake.latency:
            time.sleep(fake.latency)
        target = target_of(body)
        content: str | None
        refusal = None
        finish = "stop"
        if fault is not None:
            seen.answered = fault.kind
            if fault.kind == "429":
                headers = {}
                if fault.retry_after is not None:
                    headers["Retry-After"] = fault.retry_after
                if fault.retry_after_ms is not None:
                    headers["retry-after-ms"] = fault.retry_after_ms
                self._error(429, "rate limited", headers)
                return
            if fault.kind == "echo":  # a careless server that repeats the credentials
                self._error(400, f"bad request from {self.headers.get('Authorization')}")
                return
            if fault.kind in ("500", "400", "401", "404"):
                self._error(int(fault.kind), f"injected {fault.kind}")
                return
            if fault.kind == "hang":
                time.sleep(fake.hang)
        value = fake.answer(schema, target) if fake.answer else \
            fill(schema, schema.get("$defs", {}), "", target)
        content = json.dumps(value)
        if fault is not None:
            if fault.kind == "bad_json":
                content = content[: len(content) // 2]
            elif fault.kind == "schema":
                content = json.dumps({"unexpected": True})
            elif fault.kind == "refusal":
                content, refusal = None, "I cannot help with that."
            elif fault.kind == "length":
                content, finish = content[: len(content) // 2], "length"
            elif fault.kind == "filter":
                content, finish = None, "content_filter"
        tokens = fake.usage or (len(user) // 4, 25)
        completion = {
            "id": f"chatcmpl-{len(fake.seen)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": fake.answer_model or body.get("model", "fake"),
            "system_fingerprint": fake.system_fingerprint,
            "choices": [{"index": 0, "finish_reason": finish, "logprobs": None,
                         "message": {"role": "assistant", "content": content,
                                     "refusal": refusal}}],
            "usage": {"prompt_tokens": tokens[0], "completion_tokens": tokens[1],
                      "total_tokens": sum(tokens)},
        }
        if not fake.report_usage:
            del completion["usage"]
        self._send(200, json.dumps(completion).encode())
        if fault is None:
            fake.answered_one()


def serve_in_process(latency: float, ready: Any) -> None:
    """Run a server until killed (target of a benchmark's child process).

    Args:
        latency (float): Seconds before each answer.
        ready (Any): A multiprocessing queue that receives the port.
    """
    server = FakeOpenAI(latency=latency).start()
    ready.put(server.port)
    threading.Event().wait()
