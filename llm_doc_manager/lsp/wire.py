"""The server's side of the wire: bounded framing and JSON-RPC errors for whatever a client sends.

pygls reads a frame with the ``Content-Length`` it is told (a terabyte is a terabyte),
answers nothing to a body that is not JSON or whose params do not fit the method, and
serves requests before ``initialize``. This module reads stdin itself, a frame at a time and
within fixed limits, and checks each message before pygls's protocol dispatches it:

* a body that is not UTF-8 JSON: ``-32700`` with a null id, and serving goes on;
* not a JSON-RPC 2.0 request, notification or response: ``-32600``;
* params that do not fit the method: ``-32602`` naming the field (cattrs' own path);
* a request before ``initialize``: ``-32002``; a notification then is dropped (``exit`` ends
  the server); a second ``initialize`` or a request after ``shutdown``: ``-32600``;
* a frame that cannot be delimited (no, two or a non-numeric ``Content-Length``, one over
  ``MAX_MESSAGE_BYTES``, a header line over ``MAX_HEADER_LINE`` bytes or more than
  ``MAX_HEADERS`` of them): the client is sent ``-32700``, stderr gets one line, and the
  server exits with status 1: after such a frame nothing tells where the next one starts.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import json
import logging
import os
import sys
import threading
from typing import Any, BinaryIO
from urllib.parse import unquote

import attrs
from cattrs.errors import BaseValidationError
from cattrs.v import format_exception, transform_error
from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException
from pygls.io_ import StdoutWriter
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.json_rpc import (
    JsonRPCNotification,
    JsonRPCRequestMessage,
    JsonRPCResponseMessage,
    MsgId,
)
from pygls.protocol.language_server import lsp_method

#: The largest message body read, in bytes: far above any real request (a 5 MB file opened
#: in an editor is a 5 MB ``didOpen``), far below what would hurt to hold.
MAX_MESSAGE_BYTES = 64 * 1024 * 1024
#: The longest header line and the most header lines of one frame (LSP defines two headers).
MAX_HEADER_LINE = 8192
MAX_HEADERS = 32

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
INVALID_PARAMS = -32602
SERVER_NOT_INITIALIZED = -32002

_CHUNK = 1 << 16
_MESSAGE_LIMIT = 500  # characters of an error message sent back
logger = logging.getLogger(__name__)


class FrameError(Exception):
    """The input cannot be split into messages any more."""


def _show(raw: bytes) -> str:
    """A header's bytes, quoted and shortened for a message."""
    text = raw.decode("ascii", "replace")
    return repr(text if len(text) <= 40 else text[:40] + "...")


class FrameReader:
    """Frames of the LSP base protocol from a file descriptor, within the limits above.

    A body is gathered as its bytes arrive, so memory follows what the client really sent,
    never what its header announced.
    """

    def __init__(self, fd: int, limit: int = MAX_MESSAGE_BYTES) -> None:
        self._fd = fd
        self._limit = limit
        self._buffer = bytearray()

    def _more(self, wanted: int = _CHUNK) -> bool:
        """Read what is available (at most ``wanted`` bytes); False at end of input."""
        chunk = os.read(self._fd, max(_CHUNK, min(wanted, 1 << 20)))
        self._buffer += chunk
        return bool(chunk)

    def _line(self) -> bytes | None:
        """The next header line (None at end of input)."""
        while True:
            end = self._buffer.find(b"\n", 0, MAX_HEADER_LINE + 1)
            if end >= 0:
                line = bytes(self._buffer[:end + 1])
                del self._buffer[:end + 1]
                return line
            if len(self._buffer) > MAX_HEADER_LINE:
                raise FrameError(f"a header line longer than {MAX_HEADER_LINE} bytes")
            if not self._more():
                return None

    def read_frame(self) -> bytes | None:
        """The next message body, or None when the input ends between messages.

        Returns:
            The body's bytes, or None at a clean end of input.

        Raises:
            FrameError: If the frame cannot be delimited or the input ends inside it.
        """
        length: int | None = None
        count = 0
        while True:
            line = self._line()
            if line is None:
                if count or self._buffer:
                    raise FrameError("the input ended in the middle of a message")
                return None
            text = line.rstrip(b"\r\n")
            if not text:
                if count:
                    break
                continue  # blank lines between messages carry nothing
            count += 1
            if count > MAX_HEADERS:
                raise FrameError(f"more than {MAX_HEADERS} header lines")
            name, colon, value = text.partition(b":")
            if not colon:
                raise FrameError(f"a header line without a colon: {_show(text)}")
            if name.strip().lower() != b"content-length":
                continue  # Content-Type: the body is UTF-8 JSON whatever it says
            value = value.strip()
            if length is not None:
                raise FrameError("two Content-Length headers")
            if not value.isdigit():
                raise FrameError(f"Content-Length {_show(value)} is not a byte count")
            if len(value) > 12 or int(value) > self._limit:
                raise FrameError(f"Content-Length {_show(value)} is over the "
                                 f"{self._limit // (1024 * 1024)} MiB limit")
            length = int(value)
        if length is None:
            raise FrameError("a message without a Content-Length header")
        while len(self._buffer) < length:
            if not self._more(length - len(self._buffer)):
                raise FrameError("the input ended in the middle of a message")
        body = bytes(self._buffer[:length])
        del self._buffer[:length]
        return body


def _describe(error: Exception) -> str:
    """What is wrong with a message's fields, in cattrs' words with the field's path."""
    if isinstance(error, BaseValidationError):

        def plain(exc: BaseException, type_: Any) -> str:
            # A validator's ValueError ("Position.line should be in range ...") says more
            # than cattrs' generic "invalid value".
            if isinstance(exc, ValueError) and not isinstance(exc, BaseValidationError):
                return str(exc)
            return format_exception(exc, type_)

        text = "; ".join(transform_error(error, path="$", format_exception=plain))
    else:
        text = str(error)
    return text if len(text) <= _MESSAGE_LIMIT else text[:_MESSAGE_LIMIT] + "..."


class GuardedProtocol(LanguageServerProtocol):
    """pygls's protocol behind a gate that answers malformed and early messages itself.

    Attributes:
        initialize_received: Whether ``initialize`` has come (requests are served after it).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initialize_received = False

    def refuse(self, msg_id: MsgId | None, code: int, message: str) -> None:
        """Answer a request (or, with no usable id, the client) with an error.

        Args:
            msg_id: The request's id, or None when it cannot be known.
            code: The JSON-RPC error code.
            message: What is wrong, for a person.
        """
        if msg_id is None:
            # pygls's converter leaves out fields that are None; JSON-RPC wants "id": null.
            self._send_data({"jsonrpc": "2.0", "id": None,
                             "error": {"code": code, "message": message}})
        else:
            self._send_response(msg_id, error=lsp.ResponseError(code=code, message=message))

    def receive(self, body: bytes) -> None:
        """Check one message body and hand it to pygls, or answer the error it deserves.

        Args:
            body: The bytes of one frame's body.
        """
        try:
            data = json.loads(body.decode("utf-8"))
        except UnicodeDecodeError:
            self.refuse(None, PARSE_ERROR, "the message is not UTF-8")
            return
        except RecursionError:
            self.refuse(None, PARSE_ERROR, "the message is nested too deeply")
            return
        except ValueError as exc:
            self.refuse(None, PARSE_ERROR, f"the message is not JSON: {exc}")
            return
        if not isinstance(data, dict):
            self.refuse(None, INVALID_REQUEST,
                        "a message is one JSON object (batches are not supported)")
            return
        has_id, raw_id = "id" in data, data.get("id")
        good_id = isinstance(raw_id, (int, str)) and not isinstance(raw_id, bool)
        msg_id = raw_id if good_id else None
        method = data.get("method")
        if has_id and not good_id:
            self.refuse(None, INVALID_REQUEST, "the id must be an integer or a string")
        elif data.get("jsonrpc") != "2.0":
            self.refuse(msg_id, INVALID_REQUEST, 'the message\'s "jsonrpc" must be "2.0"')
        elif "method" in data and not isinstance(method, str):
            self.refuse(msg_id, INVALID_REQUEST, "the method must be a string")
        elif method is None:
            self._receive_response(data, msg_id)
        elif self._admit(method, msg_id if has_id else None, has_id):
            self._dispatch(data, method, msg_id if has_id else None, has_id)

    def _admit(self, method: str, msg_id: MsgId | None, is_request: bool) -> bool:
        """Whether the life cycle lets a message through (answering the request if not)."""
        if not is_request:
            # Before initialize only ``exit`` counts; after shutdown pygls drops the rest.
            return self.initialize_received or method == lsp.EXIT
        if self._shutdown:
            self.refuse(msg_id, INVALID_REQUEST, "the server is shutting down")
        elif method == lsp.INITIALIZE and self.initialize_received:
            self.refuse(msg_id, INVALID_REQUEST, "initialize may only be sent once")
        elif method != lsp.INITIALIZE and not self.initialize_received:
            self.refuse(msg_id, SERVER_NOT_INITIALIZED,
                        f"{method}: the server is not initialized yet")
        else:
            return True
        return False

    def _dispatch(self, data: dict[str, Any], method: str, msg_id: MsgId | None,
                  is_request: bool) -> None:
        """Structure a request or notification into its lsprotocol type and run it."""
        kind = self.get_message_type(method) or (
            JsonRPCRequestMessage if is_request else JsonRPCNotification)
        if is_request and attrs.has(kind) and "id" not in attrs.fields_dict(kind):
            self.refuse(msg_id, INVALID_REQUEST, f"{method} is a notification, not a request")
            return
        try:
            message = self._converter.structure(data, kind)
        except Exception as exc:  # every way a client's fields can fail to fit the type
            if is_request:
                self.refuse(msg_id, INVALID_PARAMS,
                            f"invalid params for {method}: {_describe(exc)}")
            else:
                logger.warning("%s notification dropped, invalid params: %s", method,
                               _describe(exc))
            return
        if method == lsp.INITIALIZE:
            self.initialize_received = True
            _prefer_utf8(message.params)
        self.handle_message(message)
        if not is_request:
            # pygls keeps the future of every notification run by a built-in handler
            # (didOpen, didChange, didClose...) and never drops it: one per keystroke.
            for key in [k for k, f in self._request_futures.items() if f.done()]:
                del self._request_futures[key]

    def _receive_response(self, data: dict[str, Any], msg_id: MsgId | None) -> None:
        """A response from the client to a request of ours (the server sends none today)."""
        if not self.initialize_received or msg_id is None:
            return
        kind: Any = lsp.ResponseErrorMessage if "error" in data else (
            self._result_types.pop(msg_id, None) or JsonRPCResponseMessage)
        try:
            message = self._converter.structure(data, kind)
        except Exception as exc:  # a response we cannot read answers nothing
            logger.warning("response %r dropped: %s", msg_id, _describe(exc))
            return
        self.handle_message(message)

    @lsp_method(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: lsp.DidChangeTextDocumentParams) -> Any:
        """Apply a change to an open document; a change to one never opened is dropped."""
        if unquote(params.text_document.uri) not in self.workspace.text_documents:
            logger.warning("didChange of a document that is not open: %s",
                           params.text_document.uri[:200])
            return
        yield from super().lsp_text_document__did_change(params)


def _prefer_utf8(params: lsp.InitializeParams) -> None:
    """UTF-8 first among the position encodings a client offers.

    pygls takes the first encoding of the client's list it supports. UTF-8 is what editors
    that offer it (Neovim 0.10+) keep their buffers in, so no conversion on either side;
    clients that offer nothing get UTF-16, the protocol's default.
    """
    general = params.capabilities.general
    offered = general.position_encodings if general is not None else None
    if general is not None and offered and lsp.PositionEncodingKind.Utf8 in offered:
        general.position_encodings = [lsp.PositionEncodingKind.Utf8, *(
            kind for kind in offered if kind != lsp.PositionEncodingKind.Utf8)]


class _ClientErrorsOnOneLine(logging.Filter):
    """Errors the client caused (a JSON-RPC error other than internal) log without a traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, JsonRpcException) and error.code != -32603:
            record.msg, record.args = f"{record.getMessage()}: {error.message}", ()
            record.exc_info = None
            record.exc_text = None
        return True


def _log_to_stderr() -> None:
    """pygls's and our warnings as single lines on stderr (the editor's server log)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("llm-doc lsp: %(levelname)s: %(message)s"))
    handler.addFilter(_ClientErrorsOnOneLine())
    handler.setLevel(logging.WARNING)
    for name in ("pygls", __name__.rsplit(".", 1)[0]):
        log = logging.getLogger(name)
        log.addHandler(handler)
        log.propagate = False


async def _serve(protocol: GuardedProtocol, fd: int) -> int:
    """Read frames on a thread, handle them on the event loop; return the exit status."""
    loop = asyncio.get_running_loop()
    # One frame waits while one is handled: the reader is held back, and with it the
    # memory a fast client can make the server hold.
    inbox: asyncio.Queue[bytes | FrameError | None] = asyncio.Queue(maxsize=1)

    def pump() -> None:
        reader = FrameReader(fd)
        while True:
            item: bytes | FrameError | None
            try:
                item = reader.read_frame()
            except FrameError as exc:
                item = exc
            except OSError as exc:
                item = FrameError(f"cannot read the input: {exc.strerror or exc}")
            try:
                asyncio.run_coroutine_threadsafe(inbox.put(item), loop).result()
            except (RuntimeError, asyncio.CancelledError, concurrent.futures.CancelledError):
                return  # the loop has ended
            if not isinstance(item, bytes):
                return

    # A daemon thread on the raw descriptor: a read still blocked when the client says exit
    # neither holds the process nor a lock of sys.stdin at interpreter shutdown.
    threading.Thread(target=pump, name="llm-doc lsp reader", daemon=True).start()
    while True:
        item = await inbox.get()
        if item is None:
            return 0 if protocol._shutdown else 1
        if isinstance(item, FrameError):
            print(f"llm-doc lsp: {item}; closing the connection", file=sys.stderr, flush=True)
            with contextlib.suppress(BrokenPipeError):
                protocol.refuse(None, PARSE_ERROR, f"{item}; closing the connection")
            return 1
        try:
            protocol.receive(item)
        except SystemExit as done:  # pygls's exit handler ends the server this way
            return done.code if isinstance(done.code, int) else 1
        except BrokenPipeError:
            print("llm-doc lsp: the client closed its end; exiting", file=sys.stderr)
            return 1


def run_stdio(protocol: GuardedProtocol, stdin_fd: int | None = None,
              stdout: BinaryIO | None = None) -> int:
    """Serve a protocol over stdin/stdout until ``exit`` or the end of input.

    Args:
        protocol: The server's protocol.
        stdin_fd: The descriptor to read (stdin's by default).
        stdout: The stream to write (stdout's by default).

    Returns:
        The exit status: 0 after ``shutdown`` then ``exit`` (or the end of input after
        ``shutdown``), 1 otherwise (an ``exit`` without ``shutdown``, a broken frame).
    """
    _log_to_stderr()
    protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))
    return asyncio.run(_serve(protocol, sys.stdin.fileno() if stdin_fd is None else stdin_fd))
