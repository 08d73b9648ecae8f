"""``llm-doc lsp`` against a hostile client and a hostile folder, spoken to in raw bytes.

A library client refuses to send a malformed frame, so these tests write the JSON-RPC framing
themselves to the server's stdin and read its stdout frame by frame.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import subprocess
import sys
import threading
import urllib.parse
from pathlib import Path
from typing import Any

import pytest
from pygls.uris import from_fs_path

#: A backstop only: every assertion is about what the server answers, never how fast.
PATIENCE = 60.0


def frame(body: bytes) -> bytes:
    """One message as the base protocol frames it."""
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


class Wire:
    """``llm-doc lsp`` as a subprocess; messages go and come as raw frames."""

    def __init__(self, cwd: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "llm_doc_manager", "lsp"], cwd=cwd,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.messages: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.stderr = bytearray()
        self.next_id = 0
        self.threads = [threading.Thread(target=self._read, daemon=True),
                        threading.Thread(target=self._drain, daemon=True)]
        for thread in self.threads:
            thread.start()

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = -1
            while True:
                line = stream.readline()
                if not line:
                    self.messages.put(None)
                    return
                if not line.strip():
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
            self.messages.put(json.loads(stream.read(length)))

    def _drain(self) -> None:
        stream = self.process.stderr
        assert stream is not None
        for line in stream:
            self.stderr += line

    def send_raw(self, data: bytes) -> None:
        """Write bytes to the server's stdin as they are."""
        assert self.process.stdin is not None
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def send(self, message: dict[str, Any]) -> None:
        """Write one message, well framed."""
        self.send_raw(frame(json.dumps(message).encode()))

    def notify(self, method: str, params: Any = None) -> None:
        """Send a notification."""
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def ask(self, method: str, params: Any = None) -> int:
        """Send a request; return its id."""
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        return self.next_id

    def until(self, msg_id: int) -> list[dict[str, Any]]:
        """Every message from the server up to and including the response to ``msg_id``."""
        seen = []
        while True:
            message = self.messages.get(timeout=PATIENCE)
            assert message is not None, f"the server closed its output: {self.stderr!r}"
            seen.append(message)
            if message.get("id") == msg_id and "method" not in message:
                return seen

    def request(self, method: str, params: Any = None) -> dict[str, Any]:
        """Send a request and return the server's response to it."""
        return self.until(self.ask(method, params))[-1]

    def start(self, root: Path | None, options: Any = None, **extra: Any) -> None:
        """Initialize (with ``root`` as the only workspace folder) and say initialized."""
        params: dict[str, Any] = {"processId": None, "capabilities": {},
                                  "initializationOptions": options, **extra}
        if root is not None:
            params.setdefault("rootUri", from_fs_path(str(root)))
            params.setdefault("workspaceFolders",
                              [{"uri": from_fs_path(str(root)), "name": root.name}])
        response = self.request("initialize", params)
        assert "result" in response, response
        self.notify("initialized", {})

    def stop(self) -> int:
        """Shut down, exit, and return the exit status."""
        assert "error" not in self.request("shutdown")
        self.notify("exit")
        return self.wait()

    def wait(self) -> int:
        """The exit status, once the server has exited on its own; its output read to the end."""
        status = self.process.wait(timeout=PATIENCE)
        for thread in self.threads:
            thread.join(PATIENCE)
        return status

    def close(self) -> None:
        """End the server if it still runs and close the pipes (test clean-up)."""
        if self.process.poll() is None:
            self.process.kill()
        self.wait()
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            if stream is not None:
                with contextlib.suppress(BrokenPipeError):
                    stream.close()

    def stderr_text(self) -> str:
        """What the server wrote on stderr (all of it once ``wait`` returned)."""
        return self.stderr.decode("utf-8", "replace")


@pytest.fixture
def wire(tmp_path: Path) -> Any:
    server = Wire(tmp_path)
    yield server
    server.close()


def uri(path: Path) -> str:
    """A file's URI."""
    found = from_fs_path(str(path))
    assert found
    return found


def prepare_params(path: Path | str, line: int, character: int) -> dict[str, Any]:
    """``CallHierarchyPrepareParams`` as the wire carries them."""
    target = path if isinstance(path, str) else uri(path)
    return {"textDocument": {"uri": target},
            "position": {"line": line, "character": character}}


WORK = "def helper(value):\n    return value\n\n\ndef caller():\n    return helper(1)\n"
SECRET = "import work\n\n\ndef leaked_secret():\n    return work.helper(2)\n"


@pytest.fixture
def tree(tmp_path: Path) -> tuple[Path, Path]:
    """A workspace (``ws``) and, beside it, a folder the workspace does not contain."""
    root, outside = tmp_path / "ws", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (root / "work.py").write_text(WORK)
    (outside / "secret.py").write_text(SECRET)
    return root, outside


def names(response: dict[str, Any]) -> list[str]:
    """The names in a call hierarchy answer (items, or the callers/callees of calls)."""
    result = response.get("result") or []
    return [entry.get("name") or (entry.get("from") or entry.get("to"))["name"]
            for entry in result]


def assert_clean(wire: Wire) -> None:
    """Nothing the client caused ended as a traceback or an internal error."""
    assert "Traceback" not in wire.stderr_text()


# -- malformed messages ------------------------------------------------------------------------


def test_parse_error_is_answered_with_32700_and_a_null_id(wire: Wire, tree: tuple[Path, Path]
                                                         ) -> None:
    root, _ = tree
    wire.start(root)
    wire.send_raw(frame(b"{not json"))
    wire.send_raw(frame(b"\xff\xfe not utf-8"))
    wire.send_raw(frame(b"[" * 100_000))  # nesting deep enough for a RecursionError
    seen = wire.until(wire.ask("textDocument/prepareCallHierarchy",
                               prepare_params(root / "work.py", 0, 5)))
    errors = [m for m in seen if "error" in m]
    assert [(e["id"], e["error"]["code"]) for e in errors] == [(None, -32700)] * 3
    assert names(seen[-1]) == ["helper"]  # and it goes on serving
    assert wire.stop() == 0
    assert_clean(wire)


def test_messages_that_are_not_requests_get_32600(wire: Wire, tree: tuple[Path, Path]) -> None:
    root, _ = tree
    wire.start(root)
    wire.send_raw(frame(b"[]"))                                       # a batch
    wire.send_raw(frame(b"5"))
    wire.send_raw(frame(b'{"jsonrpc": "1.0", "id": 7, "method": "shutdown"}'))
    wire.send_raw(frame(b'{"jsonrpc": "2.0", "id": 8, "method": 5}'))
    wire.send_raw(frame(b'{"jsonrpc": "2.0", "id": [1], "method": "shutdown"}'))
    wire.send_raw(frame(b'{"jsonrpc": "2.0", "id": 9, "method": "initialized", "params": {}}'))
    seen = wire.until(wire.ask("llmDoc/stats"))
    errors = [(m["id"], m["error"]["code"]) for m in seen if "error" in m]
    assert errors == [(None, -32600), (None, -32600), (7, -32600), (8, -32600), (None, -32600),
                      (9, -32600)]
    assert "result" in seen[-1]
    assert wire.stop() == 0
    assert_clean(wire)


INVALID_PARAMS = [
    ("callHierarchy/incomingCalls", {"item": 5}, "item"),
    ("callHierarchy/outgoingCalls", {"item": {"name": "f", "kind": "x"}}, "item"),
    ("callHierarchy/incomingCalls", None, "params"),
    ("textDocument/prepareCallHierarchy", {"textDocument": {"uri": "file:///a.py"}},
     "position"),
    ("textDocument/prepareCallHierarchy", prepare_params("file:///a.py", -1, 0), "line"),
    ("textDocument/prepareCallHierarchy", prepare_params("file:///a.py", 2**40, 0), "line"),
    ("textDocument/prepareCallHierarchy", prepare_params("file:///a.py", 0, "x"), "character"),
    ("textDocument/prepareCallHierarchy", prepare_params("https://example.com/a.py", 0, 0),
     "file:"),
    ("textDocument/prepareCallHierarchy", prepare_params("untitled:Untitled-1", 0, 0), "file:"),
    ("textDocument/prepareCallHierarchy", [1, 2], "params"),
]


@pytest.mark.parametrize(("method", "params", "named"), INVALID_PARAMS,
                         ids=[f"{m.split('/')[-1]}-{i}" for i, (m, _, _) in
                              enumerate(INVALID_PARAMS)])
def test_invalid_params_get_32602_naming_what_is_wrong(
        wire: Wire, tree: tuple[Path, Path], method: str, params: Any, named: str) -> None:
    root, _ = tree
    wire.start(root)
    response = wire.request(method, params)
    assert response["error"]["code"] == -32602, response
    assert named in response["error"]["message"]
    assert "traceback" not in json.dumps(response)
    # The server goes on: the same request, well formed, is answered.
    assert names(wire.request("textDocument/prepareCallHierarchy",
                              prepare_params(root / "work.py", 0, 5))) == ["helper"]
    assert wire.stop() == 0
    assert_clean(wire)


def test_requests_before_initialize_get_32002_and_notifications_are_dropped(
        wire: Wire, tree: tuple[Path, Path]) -> None:
    root, _ = tree
    work = root / "work.py"
    # A buffer sent before initialize would define ghost() on line 1: it must be dropped.
    wire.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri(work), "languageId": "python", "version": 1,
        "text": "def ghost():\n    pass\n"}})
    for method, params in [("textDocument/prepareCallHierarchy", prepare_params(work, 0, 5)),
                           ("callHierarchy/incomingCalls", {"item": 5}),
                           ("no/suchMethod", {}), ("shutdown", None)]:
        response = wire.request(method, params)
        assert response["error"]["code"] == -32002, (method, response)
    wire.start(root)
    assert names(wire.request("textDocument/prepareCallHierarchy",
                              prepare_params(work, 0, 5))) == ["helper"]
    response = wire.request("initialize", {"processId": None, "capabilities": {}})
    assert response["error"]["code"] == -32600  # only once
    assert wire.stop() == 0
    assert_clean(wire)


def test_requests_after_shutdown_are_refused(wire: Wire, tree: tuple[Path, Path]) -> None:
    root, _ = tree
    wire.start(root)
    assert "error" not in wire.request("shutdown")
    response = wire.request("textDocument/prepareCallHierarchy",
                            prepare_params(root / "work.py", 0, 5))
    assert response["error"]["code"] == -32600
    wire.notify("exit")
    assert wire.wait() == 0
    assert_clean(wire)


@pytest.mark.parametrize("header", [
    b"Content-Length: 1000000000000\r\n\r\n",
    b"Content-Length: 99999999999999999999999999999999999999\r\n\r\n",
    b"Content-Length: -5\r\n\r\n{}",
    b"Content-Length: abc\r\n\r\n{}",
    b"Content-Length: 1e3\r\n\r\n{}",
    b"Content-Type: application/vscode-jsonrpc\r\n\r\n{}",
    b"Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
    b"X-Long: " + b"a" * (1 << 20) + b"\r\n",
    b"\r\n".join([b"X-Many: a"] * 10_000) + b"\r\n",
], ids=["terabyte", "huge-number", "negative", "word", "float", "missing", "twice",
        "long-line", "many-headers"])
def test_a_frame_that_cannot_be_read_closes_the_connection_cleanly(
        wire: Wire, tree: tuple[Path, Path], header: bytes) -> None:
    root, _ = tree
    wire.start(root)
    # The frame, then a good request: the server must neither wait for a terabyte nor take
    # the request as the rest of a body, nor allocate what the header announces.
    with contextlib.suppress(BrokenPipeError):  # it may close stdin before the end
        wire.send_raw(header)
        wire.ask("llmDoc/stats")
    status = wire.wait()
    assert status == 1
    lines = wire.stderr_text().strip().splitlines()
    assert lines[-1].startswith("llm-doc lsp: "), lines
    assert "closing the connection" in lines[-1]
    assert_clean(wire)
    # The client is told why, as a parse error for no request in particular.
    told = []
    while (message := wire.messages.get(timeout=PATIENCE)) is not None:
        told.append(message)
    assert [(m["id"], m["error"]["code"]) for m in told if "error" in m] == [(None, -32700)]


def test_a_body_under_the_limit_is_read_as_it_arrives(wire: Wire, tree: tuple[Path, Path]
                                                     ) -> None:
    root, _ = tree
    wire.start(root)
    body = json.dumps({"jsonrpc": "2.0", "id": 99, "method": "llmDoc/stats",
                       "params": None}).encode() + b" " * (3 << 20)  # 3 MiB of padding
    wire.send_raw(b"content-length: %d\r\n\r\n" % len(body))  # header names are caseless
    for start in range(0, len(body), 1 << 16):
        wire.send_raw(body[start:start + (1 << 16)])
    assert "result" in wire.until(99)[-1]
    assert wire.stop() == 0


def test_an_exit_before_initialize_ends_the_server(wire: Wire) -> None:
    wire.notify("exit")
    assert wire.wait() == 1  # exit without shutdown, as the protocol says
    assert_clean(wire)


def test_end_of_input_in_a_header_or_body_ends_the_server(wire: Wire, tree: tuple[Path, Path]
                                                         ) -> None:
    root, _ = tree
    wire.start(root)
    wire.send_raw(b"Content-Length: 50\r\n\r\n{\"jsonrpc\"")
    assert wire.process.stdin is not None
    wire.process.stdin.close()
    assert wire.wait() == 1
    assert_clean(wire)


# -- the workspace is the boundary ------------------------------------------------------------


def test_nothing_outside_the_workspace_is_answered(wire: Wire, tree: tuple[Path, Path]) -> None:
    root, outside = tree
    secret = outside / "secret.py"
    wire.start(root)
    for target in (uri(secret), uri(root) + "/../outside/secret.py",
                   uri(root) + "/%2E%2E/outside/secret.py"):
        response = wire.request("textDocument/prepareCallHierarchy",
                                prepare_params(target, 3, 5))
        assert response.get("result") is None, response
    # An item forged to name the outside file is nothing either.
    forged = {"name": "leaked_secret", "kind": 12, "uri": uri(secret),
              "range": {"start": {"line": 3, "character": 0}, "end": {"line": 4, "character": 0}},
              "selectionRange": {"start": {"line": 3, "character": 4},
                                 "end": {"line": 3, "character": 17}},
              "data": {"path": str(secret), "qualname": "leaked_secret"}}
    assert wire.request("callHierarchy/outgoingCalls", {"item": forged}).get("result") == []
    forged["data"] = {"path": str(secret), "qualname": "<module>"}
    assert wire.request("callHierarchy/outgoingCalls", {"item": forged}).get("result") == []
    helper = wire.request("textDocument/prepareCallHierarchy",
                          prepare_params(root / "work.py", 0, 5))["result"][0]
    assert names(wire.request("callHierarchy/incomingCalls", {"item": helper})) == ["caller"]
    assert wire.stop() == 0
    assert_clean(wire)


def test_a_link_leaving_the_workspace_is_not_followed(wire: Wire, tree: tuple[Path, Path]
                                                     ) -> None:
    root, outside = tree
    (root / "link.py").symlink_to(outside / "secret.py")
    (root / "pkg").symlink_to(outside, target_is_directory=True)
    wire.start(root)
    helper = wire.request("textDocument/prepareCallHierarchy",
                          prepare_params(root / "work.py", 0, 5))["result"][0]
    assert names(wire.request("callHierarchy/incomingCalls", {"item": helper})) == ["caller"]
    for path in (root / "link.py", root / "pkg" / "secret.py"):
        response = wire.request("textDocument/prepareCallHierarchy", prepare_params(path, 3, 5))
        assert response.get("result") is None, response
    assert wire.stop() == 0
    assert_clean(wire)


def test_closing_an_outside_buffer_does_not_open_the_file_on_disk(
        wire: Wire, tree: tuple[Path, Path]) -> None:
    root, outside = tree
    fifo = outside / "watched.py"
    os.mkfifo(fifo)
    (root / "watched.py").symlink_to(fifo)
    opened = threading.Event()

    def watch() -> None:
        # Opening a FIFO for writing blocks until someone opens it for reading: the server,
        # if it reads the file on disk.
        fd = os.open(fifo, os.O_WRONLY)
        opened.set()
        os.close(fd)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    wire.start(root)
    for target in (fifo, root / "watched.py"):
        document = {"uri": uri(target), "languageId": "python", "version": 1,
                    "text": "def mine():\n    pass\n"}
        wire.notify("textDocument/didOpen", {"textDocument": document})
        wire.notify("textDocument/didChange", {
            "textDocument": {"uri": uri(target), "version": 2},
            "contentChanges": [{"text": "def mine2():\n    pass\n"}]})
        wire.notify("textDocument/didClose", {"textDocument": {"uri": uri(target)}})
        wire.request("textDocument/prepareCallHierarchy", prepare_params(target, 0, 5))
    assert wire.stop() == 0
    assert not opened.is_set()
    # Unblock the watcher.
    os.close(os.open(fifo, os.O_RDONLY | os.O_NONBLOCK))
    watcher.join(PATIENCE)
    assert_clean(wire)


@pytest.mark.parametrize("root_uri", ["file://.", "file:.", "file:../outside", "file:"])
def test_a_relative_root_is_not_the_servers_working_folder(
        tree: tuple[Path, Path], root_uri: str) -> None:
    root, outside = tree
    # The server starts in the outside folder: a relative root would be resolved against it.
    # The root is the project around the first file opened (issue 22), not that folder.
    wire = Wire(outside)
    try:
        wire.start(None, rootUri=root_uri, workspaceFolders=None)
        wire.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri(root / "work.py"), "languageId": "python", "version": 1, "text": WORK}})
        response = wire.request("textDocument/prepareCallHierarchy",
                                prepare_params(outside / "secret.py", 3, 5))
        assert response.get("result") is None, response
        assert wire.stop() == 0
        assert_clean(wire)
    finally:
        wire.close()


def test_a_file_name_that_is_not_utf8_is_served(wire: Wire, tmp_path: Path) -> None:
    # Its URI could not even be built (pygls quotes text, the name holds undecodable
    # bytes): every answer naming it was an internal error.
    root = tmp_path / "ws"
    root.mkdir()
    with open(os.fsencode(root) + b"/bad\xff.py", "wb") as handle:
        handle.write(b"from work import callee\n\n\ndef bad_caller():\n    return callee()\n")
    (root / "work.py").write_text("def callee():\n    return 2\n\n\ndef caller():\n"
                                  "    return callee()\n")
    wire.start(root)
    bad_uri = "file://" + urllib.parse.quote(os.fsencode(root) + b"/bad\xff.py")
    target = wire.request("textDocument/prepareCallHierarchy",
                          prepare_params(root / "work.py", 0, 5))["result"][0]
    incoming = wire.request("callHierarchy/incomingCalls", {"item": target})["result"]
    assert sorted((call["from"]["name"], call["from"]["uri"]) for call in incoming) == [
        ("bad_caller", bad_uri), ("caller", uri(root / "work.py"))]
    # The URI given back names the file on disk again.
    item = wire.request("textDocument/prepareCallHierarchy",
                        prepare_params(bad_uri, 3, 5))["result"][0]
    assert item["uri"] == bad_uri
    assert names(wire.request("callHierarchy/outgoingCalls", {"item": item})) == ["callee"]
    assert wire.stop() == 0
    assert_clean(wire)
