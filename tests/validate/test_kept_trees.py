"""validate parses each file once: the tree learned from is the tree checked.

A file learned from (its folder's or project's sample) and checked in the same run keeps its
tree and evidence in the process that parsed it (``learning.kept``); with workers, its check
is sent to that process. The tree is used only when the file's bytes are still those it was
parsed from, and what the check reads from the kept evidence equals counting the tree again.
No test here measures time: they count parses and compare findings.
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

from llm_doc_manager.analysis.load import read_file
from llm_doc_manager.codes import Finding
from llm_doc_manager.config import Settings
from llm_doc_manager.docstrings import learning
from llm_doc_manager.docstrings.conventions import Evidence
from llm_doc_manager.source import syntax
from llm_doc_manager.source.files import SourceFile
from llm_doc_manager.validate.collect import _GC_THRESHOLDS, _Workers, collect
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


def test_one_process_parses_each_file_once(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path / "p")
    files = _files(root)
    expected = _as_json(collect(files, Settings(), True, False, 1))
    log = tmp_path / "parses.log"
    _counting_parses(monkeypatch, log)
    found = _as_json(collect(files, Settings(), True, False, 1))
    assert found == expected
    counts = _parses(log, files)
    parsable = [p for p in files if p.name not in {"broken.py", "latin.py"}]
    # Learned from and checked: one parse each (it was two before trees were kept).
    assert {str(p.absolute()): counts[str(p.absolute())] for p in parsable} == \
        {str(p.absolute()): 1 for p in parsable}
    assert not learning._KEPT  # nothing outlives the run


def test_workers_check_where_they_learned(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path / "p")
    files = _files(root)
    alone = _as_json(collect(files, Settings(), True, False, 1))
    log = tmp_path / "parses.log"
    _counting_parses(monkeypatch, log)
    assert _as_json(collect(files, Settings(), True, False, 2)) == alone
    counts = _parses(log, files)
    # A process with nothing of its own left may take another's last tasks and parse
    # those files again; the others are parsed once (every file twice before).
    assert max(counts.values()) <= 2, counts
    assert sum(1 for n in counts.values() if n == 1) >= len(files) // 2, counts


def test_a_tree_is_used_only_for_the_bytes_it_came_from(tmp_path: Path) -> None:
    one, two = tmp_path / "one.py", tmp_path / "two.py"
    one.write_text('"""One."""\n\n\ndef f(a):\n    """F."""\n')
    two.write_text('"""Two."""\n')
    try:
        learning.lessons([one, two], True, frozenset({one}))
        assert two not in learning._KEPT  # not checked by this process: not kept
        one.write_text('"""One, edited."""\n')
        after = read_file(one)
        assert isinstance(after, SourceFile)
        assert learning.kept(one, after.digest) is None  # edited meanwhile: parse again
        learning.lessons([one], True, frozenset({one}))
        held = learning.kept(one, after.digest)
        assert held is not None
        assert ast.get_docstring(held.tree) == "One, edited."
        assert learning.kept(one, after.digest) is None  # handed over once
    finally:
        learning.forget_kept()


def test_kept_trees_stop_at_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                      ) -> None:
    monkeypatch.setattr(learning, "KEEP_LIMIT", 30)
    paths = [tmp_path / f"m{n}.py" for n in range(3)]
    for path in paths:
        path.write_text('"""Twenty characters."""\n')
    try:
        learning.lessons(paths, False, frozenset(paths))
        assert list(learning._KEPT) == paths[:1]
    finally:
        learning.forget_kept()
    assert not learning._KEPT


@pytest.mark.parametrize("text", [
    '"""Module."""\n\n\ndef f(a, b=1):\n    """Do.\n\n    Args:\n        a (int): A.\n'
    '        b: B.\n\n    Returns:\n        int: The sum.\n\n    Raises:\n'
    '        ValueError: Bad.\n    """\n    if a:\n        raise ValueError(a)\n'
    '    return a + b\n',
    '# Copyright header\n# more\n"""Below the header."""\nclass C:\n    """C.\n\n'
    '    Attributes\n    ----------\n    x : int\n        X.\n    """\n\n'
    '    def m(self, *args):\n        """M.\n\n        Parameters\n        ----------\n'
    '        *args : int\n            Args.\n\n        Yields\n        ------\n'
    '        int\n            Each.\n        """\n        yield from args\n',
    'x = 1\n',
])
def test_the_kept_evidence_is_the_files_own(text: str) -> None:
    """What the check reads from the learned evidence equals counting the tree again."""
    tree = ast.parse(text)
    learned = Evidence()
    learned.add_tree(tree, text.splitlines())
    own = Evidence()
    own.add_tree(tree, None)
    assert learned.without_module_place() == own  # every field, stored or not
    assert learned.without_module_place().to_json() == own.to_json()  # in the same order


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
    assert during == [_GC_THRESHOLDS]
    assert gc.get_threshold() == before
