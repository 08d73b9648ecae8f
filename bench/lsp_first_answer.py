"""The language server's first answer on a big project, cold and warm, as ratios to the floor.

Usage: ``python -m bench.lsp_first_answer FOLDER [--runs N]``

FOLDER is a project checkout, by default asked about as sympy (``github:sympy/sympy``,
exported with ``git archive``): ``sympy/simplify/simplify.py``, the function ``simplify``.
Each run starts ``llm-doc lsp`` as a subprocess and speaks to it over stdio as an editor
does: ``initialize`` (the folder as root), ``initialized``, ``didOpen`` of the file, then
``prepareCallHierarchy`` on the definition's name and ``callHierarchy/incomingCalls`` on the
item it gives. The time is from starting the process to each answer:

* cold: an empty cache folder (every file indexed);
* warm: a second start on the same cache folder (what the server stored is used);
* the CLI, ``llm-doc calls FILE::NAME --incoming``, on the same warm cache;
* the floor: a bare read + ``ast.parse`` of the same files, in this process.

The machine may be shared: all figures come from one run, and the load average is printed.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any


class Client:
    """``llm-doc lsp`` as a subprocess, spoken to with JSON-RPC frames over its pipes."""

    def __init__(self, cache: Path) -> None:
        environ = {**os.environ, "LLM_DOC_CACHE_DIR": str(cache)}
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "llm_doc_manager", "lsp"], env=environ,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.messages: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

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

    def send(self, message: dict[str, Any]) -> None:
        """Write one framed message."""
        body = json.dumps(message).encode()
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        self.process.stdin.flush()

    def notify(self, method: str, params: Any) -> None:
        """Send a notification."""
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method: str, params: Any) -> tuple[Any, float]:
        """Send a request; its result and the seconds since the process started."""
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        while True:
            message = self.messages.get(timeout=600)
            if message is None:
                raise RuntimeError("the server ended")
            if message.get("id") == self.next_id and "method" not in message:
                if "error" in message:
                    raise RuntimeError(str(message["error"]))
                return message["result"], time.perf_counter() - self.started
            if "id" in message and "method" in message:  # a request of the server's
                self.send({"jsonrpc": "2.0", "id": message["id"], "result": None})

    def stop(self) -> None:
        """Shut down and exit."""
        self.request("shutdown", None)
        self.notify("exit", None)
        self.process.wait(timeout=60)


def first_answer(folder: Path, target: Path, name: str, cache: Path) -> tuple[float, float, int]:
    """Seconds to the prepare answer and to the incoming answer, and the callers found."""
    text = target.read_text(encoding="utf-8")
    line, col = _definition(text, name)
    client = Client(cache)
    try:
        uri = target.resolve().as_uri()
        root = folder.resolve().as_uri()
        client.request("initialize", {"processId": None, "rootUri": root, "capabilities": {},
                                      "workspaceFolders": [{"uri": root, "name": "p"}]})
        client.notify("initialized", {})
        client.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "python", "version": 1, "text": text}})
        items, prepared = client.request("textDocument/prepareCallHierarchy", {
            "textDocument": {"uri": uri}, "position": {"line": line, "character": col}})
        assert items, "nothing prepared"
        calls, answered = client.request("callHierarchy/incomingCalls", {"item": items[0]})
        client.stop()
        return prepared, answered, len(calls)
    finally:
        if client.process.poll() is None:
            client.process.kill()


def _definition(text: str, name: str) -> tuple[int, int]:
    """The 0-based line and column of the last ``def name`` at the top of a module."""
    found = [node for node in ast.parse(text).body
             if isinstance(node, ast.FunctionDef) and node.name == name]
    assert found, f"no def {name}"
    node = found[-1]
    return node.lineno - 1, node.col_offset + len("def ")


def floor(folder: Path) -> tuple[float, int]:
    """Seconds to read and parse every Python file the server indexes, and their count."""
    from llm_doc_manager.source.discovery import iter_files

    files = iter_files([folder])
    start = time.perf_counter()
    for path in files:
        with contextlib.suppress(SyntaxError, ValueError):
            ast.parse(path.read_bytes())
    return time.perf_counter() - start, len(files)


def cli(folder: Path, target: Path, name: str, cache: Path) -> float:
    """Seconds of ``llm-doc calls TARGET::NAME --incoming`` with a cache folder."""
    environ = {**os.environ, "LLM_DOC_CACHE_DIR": str(cache)}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "llm_doc_manager", "calls", f"{target}::{name}",
                    "--incoming"], env=environ, cwd=folder, check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--file", default="sympy/simplify/simplify.py")
    parser.add_argument("--name", default="simplify")
    parser.add_argument("--runs", type=int, default=1, help="cold + warm pairs")
    args = parser.parse_args()
    folder = args.folder.resolve()
    target = folder / args.file
    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    seconds, count = floor(folder)
    print(f"floor (read + ast.parse, {count} files): {seconds:.2f} s")
    for run in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            cache = Path(tmp)
            cold = first_answer(folder, target, args.name, cache)
            warm = first_answer(folder, target, args.name, cache)
            again = first_answer(folder, target, args.name, cache)
            command = cli(folder, target, args.name, cache)
        for label, (prepared, answered, callers) in (("cold", cold), ("warm", warm),
                                                     ("warm again", again)):
            print(f"run {run + 1} {label}: prepare {prepared:.2f} s, incoming {answered:.2f} s "
                  f"= {answered / seconds:.1f}x the floor ({callers} callers)")
        print(f"run {run + 1} CLI calls --incoming, warm: {command:.2f} s")
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
