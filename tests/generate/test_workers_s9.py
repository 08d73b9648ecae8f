"""Worker processes keep each file from learning to building (generate/workers.py)."""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path

import pytest

from llm_doc_manager import codes
from llm_doc_manager.analysis.load import take_kept
from llm_doc_manager.cli.apply import Report, write_change
from llm_doc_manager.docstrings.learning import lessons
from llm_doc_manager.generate import FileChange, Options, process_file, run_files
from llm_doc_manager.generate.workers import Workers, split
from llm_doc_manager.providers.static import StaticProvider
from llm_doc_manager.source import syntax

GOLDEN = Path(__file__).parent / "golden"
MARKED = "# @llm-doc-start\ndef f(a):\n    return a\n# @llm-doc-end\n"


def _inputs(folder: Path) -> list[Path]:
    paths = []
    for case in sorted(p for p in GOLDEN.iterdir() if p.is_dir()):
        shutil.copyfile(case / "input.py", folder / f"{case.name}.py")
        paths.append(Path(f"{case.name}.py"))
    return paths


def test_a_kept_file_is_given_once_named_as_asked(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("a.py", "b.py", "c.py"):
        Path(name).write_text(MARKED * 3)
    absolute = [Path(name).absolute() for name in ("a.py", "b.py", "c.py")]
    # Room for two files' text: the third is read and parsed again when planned.
    lessons(absolute, False, keep=frozenset(absolute[:2]) | {absolute[2]},
            budget=2 * len(MARKED * 3))
    kept = take_kept(Path("a.py"))
    assert kept is not None
    assert kept.source.path == Path("a.py")  # as the run names it, not as learning did
    assert kept.source.text == MARKED * 3
    assert take_kept(Path("a.py")) is None  # given once
    assert take_kept(Path("b.py")) is not None
    assert take_kept(Path("c.py")) is None  # over the budget


def test_a_file_changed_after_learning_is_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    path.write_text(MARKED)
    lessons([path], False, keep=frozenset({path}), budget=1 << 20)
    path.write_text(MARKED + "X = 1\n")  # an editor saves between learning and planning
    change = asyncio.run(process_file(path, StaticProvider(), Options()))
    assert isinstance(change, FileChange)
    report = Report()
    assert not write_change(change, change.new_text, report)
    assert [f.code for f in report.findings] == [codes.CHANGED_ON_DISK]
    assert path.read_text() == MARKED + "X = 1\n"


def test_workers_give_the_serial_result_for_files_named_relatively(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    paths = _inputs(tmp_path)
    assert len(paths) >= 16  # enough to start workers
    options = Options(all_defs=True)
    serial = asyncio.run(run_files(paths, StaticProvider(), options, jobs=1))
    parallel = asyncio.run(run_files(paths, StaticProvider(), options, jobs=2))
    for path, one, other in zip(paths, serial, parallel, strict=True):
        assert isinstance(one, FileChange)
        assert isinstance(other, FileChange)
        assert one.source.path == other.source.path == path
        assert one.source.digest == other.source.digest
        assert one.new_text == other.new_text


def test_files_are_split_by_size_each_once_in_order(tmp_path: Path) -> None:
    sizes = [5000, 10, 10, 10, 4000, 900, 10, 80]
    paths = []
    for index, size in enumerate(sizes):
        path = tmp_path / f"f{index}.py"
        path.write_text("#" * size)
        paths.append(path)
    owned = split([*paths, tmp_path / "gone.py"], 2)
    assert sorted(p for files in owned for p in files) == sorted([*paths, tmp_path / "gone.py"])
    for files in owned:
        assert files == sorted(files, key=lambda p: [*paths, tmp_path / "gone.py"].index(p))
    loads = [sum(p.stat().st_size for p in files if p.exists()) for files in owned]
    assert max(loads) - min(loads) <= max(sizes)


def _pid(files: list[Path]) -> tuple[int, list[Path]]:
    return os.getpid(), files


def test_an_idle_worker_takes_from_the_longest_list(tmp_path: Path) -> None:
    paths = [tmp_path / f"f{i}.py" for i in range(12)]
    seen: list[tuple[int, list[Path]]] = []
    with Workers(paths, 2) as workers:
        workers.owned = [paths, []]  # one worker owns everything
        asyncio.run(workers.drain(_pid, 2, lambda files, found: seen.append(found)))
    assert sorted(p for _, files in seen for p in files) == sorted(paths)  # each chunk once
    assert len({pid for pid, _ in seen}) == 2  # the idle one took some


def test_one_process_parses_each_file_for_learning_and_planning_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # -j 1: the folder is learned from when its first file is styled; the files of the run
    # read for that are kept for documenting them.
    paths = []
    for index in range(5):
        path = tmp_path / f"m{index}.py"
        path.write_text(MARKED)
        paths.append(path)
    parsed: list[str] = []
    real = syntax.parse

    def counted(source: str | bytes, filename: str = "<unknown>", mode: str = "exec") -> object:
        parsed.append(Path(filename).name)
        return real(source, filename, mode)  # type: ignore[call-overload]

    monkeypatch.setattr(syntax, "parse", counted)
    results = asyncio.run(run_files(paths, StaticProvider(), Options(), jobs=1))
    assert all(isinstance(r, FileChange) and r.changed for r in results)
    # The first file is loaded before its folder is learned from: parsed twice. The others
    # are parsed once, read for learning and kept (before: twice). Each output is parsed
    # once more to verify it.
    assert [parsed.count(path.name) for path in paths] == [2, 1, 1, 1, 1], parsed
    assert parsed.count("<unknown>") == len(paths)


def test_nothing_kept_outlives_its_run(tmp_path: Path) -> None:
    # Learning is lazy: the folder can be learned from while a file is planned, after it
    # was loaded, keeping that file's old text. The next run must read the file as it is.
    path = tmp_path / "a.py"
    other = tmp_path / "b.py"
    path.write_text(MARKED)
    other.write_text(MARKED)
    first = asyncio.run(run_files([path, other], StaticProvider(), Options(), jobs=1))
    assert all(isinstance(r, FileChange) and r.changed for r in first)
    for result in first:
        assert isinstance(result, FileChange)
        result.source.path.write_text(result.new_text)
    again = asyncio.run(run_files([path, other], StaticProvider(), Options(), jobs=1))
    for result in again:
        assert isinstance(result, FileChange)
        assert result.source.text == result.source.path.read_text()
        assert not result.changed
    assert take_kept(path) is None
    assert take_kept(other) is None
