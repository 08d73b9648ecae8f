"""Inferred by-name candidates are ranked by receiver evidence and capped (issue 22).

Attack: ``conn.close()`` on a receiver whose type cannot be inferred (``Connection.open()``
has no return annotation) listed every ``close`` of the project, in path order, so the
``close`` the code plainly means was one among many (and not first).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from llm_doc_manager.callgraph import CallGraph, load_project
from llm_doc_manager.callgraph.graph import CANDIDATE_CAP

#: Five classes with a ``close`` that sort before ``app.db`` (and one in the caller's module).
OTHERS = {"aaa": "Archive", "bbb": "Buffer", "ccc": "Cursor", "cab": "Cable"}
SERVICE = '''\
from app.db import Connection


class Local:
    def close(self):
        return None


def run(dsn):
    conn = Connection.open(dsn)
    conn.close()


def shutdown(connection):
    connection.close()


def flush(local):
    local.close()
'''


def _project(root: Path) -> Path:
    package = root / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for module, cls in OTHERS.items():
        (package / f"{module}.py").write_text(
            f"class {cls}:\n    def close(self):\n        return None\n")
    (package / "db.py").write_text(
        "class Connection:\n    @classmethod\n    def open(cls, dsn):\n        return cls()\n\n"
        "    def close(self):\n        return None\n")
    (package / "service.py").write_text(SERVICE)
    return root


def _graph(tmp_path: Path) -> CallGraph:
    return load_project([_project(tmp_path)]).graph


def _closes(graph: CallGraph, qualname: str) -> list[str]:
    key = graph.find(qualname)
    assert key is not None, qualname
    return [graph.qualname(c.callee) for c in graph.outgoing(key)
            if c.resolution == "inferred" and c.callee is not None
            and c.site.text.endswith("close")]


def test_the_imported_class_the_receiver_is_made_from_comes_first(tmp_path: Path) -> None:
    graph = _graph(tmp_path)
    found = _closes(graph, "app.service.run")
    assert CANDIDATE_CAP == 3
    assert len(found) == CANDIDATE_CAP
    assert found[0] == "app.db.Connection.close"
    # The same module's class is the next best guess; classes of other modules after it.
    assert found[1] == "app.service.Local.close"
    key = graph.find("app.service.run")
    assert key is not None
    calls = [c for c in graph.outgoing(key) if c.site.text.endswith("close")]
    assert {c.more for c in calls} == {6 - CANDIDATE_CAP}
    assert all("+3 more" in c.reason for c in calls)


def test_the_receiver_named_like_a_class_ranks_it_first(tmp_path: Path) -> None:
    graph = _graph(tmp_path)
    assert _closes(graph, "app.service.shutdown")[0] == "app.db.Connection.close"
    assert _closes(graph, "app.service.flush")[0] == "app.service.Local.close"


def test_callers_follow_the_same_cap(tmp_path: Path) -> None:
    graph = _graph(tmp_path)
    connection = graph.find("app.db.Connection.close")
    cursor = graph.find("app.ccc.Cursor.close")
    assert connection is not None
    assert cursor is not None
    callers = {graph.qualname(c.caller) for c in graph.incoming(connection)}
    assert {"app.service.run", "app.service.shutdown"} <= callers
    # Cursor.close has only its package as evidence, as Archive.close (which sorts before
    # it): in none of the three sites' top 3.
    assert graph.incoming(cursor) == []
    # Uncapped, every candidate is there again.
    assert len(graph.incoming(cursor, cap=0)) == 3
    key = graph.find("app.service.run")
    assert key is not None
    assert len([c for c in graph.outgoing(key, cap=0) if c.site.text.endswith("close")]) == 6


def test_the_command_line_says_how_many_are_left_out(tmp_path: Path) -> None:
    root = _project(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "llm_doc_manager", "calls", "app/service.py::run", "--outgoing",
         "--no-cache"], cwd=root, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    closes = [line for line in done.stdout.splitlines() if ".close " in line]
    assert len(closes) == CANDIDATE_CAP
    assert "app.db.Connection.close" in closes[0]
    assert "+3 more" in done.stdout
    document = subprocess.run(
        [sys.executable, "-m", "llm_doc_manager", "calls", "app/service.py::run", "--outgoing",
         "--json", "--no-cache"], cwd=root, capture_output=True, text=True, check=False)
    listed = [c for c in json.loads(document.stdout)["outgoing"] if c["callee"].endswith("close")]
    assert [c["more"] for c in listed] == [3] * CANDIDATE_CAP
    assert listed[0]["callee"] == "app.db.Connection.close"
    everything = subprocess.run(
        [sys.executable, "-m", "llm_doc_manager", "calls", "app/service.py::run", "--outgoing",
         "--candidates", "0", "--no-cache"], cwd=root, capture_output=True, text=True,
        check=False)
    assert everything.returncode == 0, everything.stderr
    assert "app.aaa.Archive.close" in everything.stdout
    assert "+3 more" not in everything.stdout
