"""validate parses each file once: the tree learned from is the tree checked.

A file learned from (its folder's or project's sample) and checked in the same run keeps its
tree in the process that parsed it (``analysis.load.keep``); with workers, its check is sent
to that process. The tree is used only when the file's bytes are still those it was parsed
from. No test here measures time: they count parses and compare findings.
"""

from __future__ import annotations

import ast
import gc
import importlib
import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from llm_doc_manager.analysis import load
from llm_doc_manager.codes import Finding
from llm_doc_manager.config import Settings
from llm_doc_manager.source import syntax
from llm_doc_manager.validate.collect import _Workers, collect
from tests.validate.test_speed_s8 import _project

# The module, not the function ``llm_doc_manager.validate`` exports under the same name.
collect_module = importlib.import_module("llm_doc_manager.validate.collect")


def _counting_parses(monkeypatch: pytest.MonkeyPatch, log: Path) -> None:
    """Append each parsed file's name to ``log`` (worker processes fork with the patch)."""
    real = syntax.parse

    def parse(source: str | bytes, filename: str = "<unknown>", mode: str = "exec"
              ) -> ast.AST:
        if filename.endswith(".py"):
            with log.open("a", encoding="utf-8") as handle:
                handle.write(filename + "\n")
        return real(source, filename, mode)  # type: ignore[call-overload,no-any-return]
    monkeypatch.setattr(syntax, "parse", parse)


def _parses(log: Path, files: list[Path]) -> Counter[str]:
    """How often each checked file was parsed (absolute paths)."""
    names = {str(path.absolute()) for path in files}
    return Counter(os.path.abspath(line) for line in log.read_text().splitlines()
                   if os.path.abspath(line) in names)


def _files(root: Path) -> list[Path]:
    return sorted((root / "pkg").rglob("*.py"))


def _as_json(findings: list[Finding]) -> list[tuple[str, int, int, str, str]]:
    return [(str(f.path), f.line, f.col, f.code, f.message) for f in findings]


def _counted_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
                 ) -> tuple[list[Path], Counter[str]]:
    """The project's files, and how often a run with ``jobs`` parsed each; its findings
    are checked to be those of a run in one process first."""
    root = _project(tmp_path / "p")
    files = _files(root)
    alone = _as_json(collect(files, Settings(), True, False, 1))
    log = tmp_path / "parses.log"
    _counting_parses(monkeypatch, log)
    assert _as_json(collect(files, Settings(), True, False, jobs)) == alone
    return files, _parses(log, files)


def test_one_process_parses_each_file_once(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    files, counts = _counted_run(tmp_path, monkeypatch, 1)
    parsable = [p for p in files if p.name not in {"broken.py", "latin.py"}]
    # Learned from and checked: one parse each (it was two before trees were kept).
    assert {str(p.absolute()): counts[str(p.absolute())] for p in parsable} == \
        {str(p.absolute()): 1 for p in parsable}
    assert not load._kept  # nothing outlives the run


def test_workers_check_where_they_learned(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    files, counts = _counted_run(tmp_path, monkeypatch, 2)
    # A process with nothing of its own left may take another's last tasks and parse
    # those files again; the others are parsed once (every file twice before).
    assert max(counts.values()) <= 2, counts
    assert sum(1 for n in counts.values() if n == 1) >= len(files) // 2, counts


def test_a_file_edited_after_learning_is_checked_as_it_is_now(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path / "p")
    files = _files(root)
    edited = root / "pkg" / "shape0.py"
    text = edited.read_text().replace("def width0(a, b):", "def width0(a, c):")
    real = collect_module._check_all

    def check_all(*args: Any) -> list[list[list[object]]]:
        edited.write_text(text)  # after learning kept its tree, before its check
        found: list[list[list[object]]] = real(*args)
        return found
    monkeypatch.setattr(collect_module, "_check_all", check_all)
    found = _as_json(collect(files, Settings(), True, False, 1))
    mine = [f for f in found if f[0] == str(edited)]
    # The argument renamed after learning is reported as the file says it now.
    assert any("'c'" in f[4] for f in mine), mine
    monkeypatch.undo()
    assert _as_json(collect(files, Settings(), True, False, 1)) == found


def _pid(value: int) -> tuple[int, int]:
    return value, os.getpid()


def test_workers_run_each_task_once_in_order_and_say_where() -> None:
    workers = _Workers(2)
    ran: dict[int, int] = {}
    try:
        tasks: list[tuple[int | None, tuple[int]]] = [(n % 2 if n < 6 else None, (n,))
                                                      for n in range(12)]
        answers = workers.run(_pid, list(tasks), lambda task, worker: ran.update({task: worker}))
    finally:
        workers.shutdown()
    assert [value for value, _ in answers] == list(range(12))
    assert sorted(ran) == list(range(12))
    pids: dict[int, set[int]] = {}
    for task, worker in ran.items():
        pids.setdefault(worker, set()).add(answers[task][1])
    # Each worker is one process: the place a task is said to have run is where it ran.
    assert all(len(found) == 1 for found in pids.values()), pids
    assert len({next(iter(found)) for found in pids.values()}) == len(pids)


def test_the_collector_is_put_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path / "p")
    before = gc.get_threshold()
    during: list[tuple[int, int, int]] = []
    real = collect_module._check_all

    def check_all(*args: Any) -> list[list[list[object]]]:
        during.append(gc.get_threshold())
        found: list[list[list[object]]] = real(*args)
        return found
    monkeypatch.setattr(collect_module, "_check_all", check_all)
    collect(_files(root)[:3], Settings(), True, False, 1)
    assert len(during) == 1
    assert during[0][0] > before[0]  # fewer young collections while the trees live
    assert gc.get_threshold() == before
