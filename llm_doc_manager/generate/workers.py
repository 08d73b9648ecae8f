"""Worker processes of an offline run, each keeping its own files from learning to building.

A standard process pool gives each task to whichever worker is free, so a file read and
parsed for the conventions in one worker was read and parsed again by the worker that
planned it: a third of a run's parsing. Here each worker is a pool of one process; the run's
files are split among the workers by size, and a worker learns from its own files first and
keeps their trees (``analysis.load.keep``, within a memory budget) for planning and building
them. A worker that has done its own files takes chunks from the end of the longest list
left (and parses those afresh), so no core idles while another has work.
"""

from __future__ import annotations

import asyncio
import heapq
import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import TypeVar

from llm_doc_manager.docstrings.learning import KEEP_BYTES, Lesson, Spread, lessons

_T = TypeVar("_T")

#: Files per learning task (few tasks: each is one message to a worker and back).
LESSON_FILES = 16


def _size(path: Path) -> int:
    try:
        return os.stat(path).st_size
    except OSError:  # gone or unreadable: the run reports it; it weighs nothing here
        return 0


def split(paths: Sequence[Path], jobs: int) -> list[list[Path]]:
    """The run's files split among ``jobs`` workers, about equal in bytes.

    Args:
        paths: The files, in the run's order.
        jobs: Workers.

    Returns:
        Each worker's files, in the run's order.
    """
    # Largest first, each to the least loaded worker: within one largest file of even.
    load = [(0, worker) for worker in range(jobs)]
    owned: list[list[int]] = [[] for _ in range(jobs)]
    for size, index in sorted(((_size(p), i) for i, p in enumerate(paths)), reverse=True):
        total, worker = heapq.heappop(load)
        owned[worker].append(index)
        heapq.heappush(load, (total + size, worker))
    return [[paths[i] for i in sorted(indexes)] for indexes in owned]


class Workers:
    """``jobs`` worker processes, each reached on its own, and which files each one owns."""

    def __init__(self, paths: Sequence[Path], jobs: int) -> None:
        """Split the run's files; the processes start with their first task.

        Args:
            paths: The run's files.
            jobs: Worker processes (at least 2).
        """
        self.owned = split(paths, jobs)
        self._owner = {path.absolute(): worker for worker, files in enumerate(self.owned)
                       for path in files}
        self._pools = [ProcessPoolExecutor(max_workers=1) for _ in range(jobs)]

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        for pool in self._pools:
            pool.shutdown(wait=True, cancel_futures=True)

    def spread(self) -> Spread:
        """Run ``lessons`` in the workers: each run file where it will be planned (its tree
        kept there), the other files learned from on the least busy worker."""
        budget = KEEP_BYTES // len(self._pools)  # the same memory as one process

        def spread(files: list[Path], facts: bool) -> Iterator[Lesson]:
            mine: list[list[int]] = [[] for _ in self._pools]
            for index, path in enumerate(files):
                worker = self._owner.get(path)
                if worker is None:  # not a file of the run: learned where there is least to do
                    worker = min(range(len(mine)), key=lambda w: len(mine[w]))
                mine[worker].append(index)
            tasks: list[tuple[list[int], Future[list[Lesson]]]] = []
            for worker, indexes in enumerate(mine):
                for start in range(0, len(indexes), LESSON_FILES):
                    part = indexes[start:start + LESSON_FILES]
                    paths = [files[i] for i in part]
                    keep = frozenset(p for p in paths if p in self._owner)
                    tasks.append((part, self._pools[worker].submit(
                        lessons, paths, facts, keep, budget)))
            found: dict[int, Lesson] = {}
            for part, task in tasks:
                found.update(zip(part, task.result(), strict=True))
            for index in range(len(files)):
                yield found[index]

        return spread

    def everywhere(self, work: Callable[..., object], *args: object) -> None:
        """Run ``work(*args)`` once in every worker (what each keeps for the run's tasks)."""
        for task in [pool.submit(work, *args) for pool in self._pools]:
            task.result()

    async def drain(self, work: Callable[[list[Path]], _T], chunk: int,
                    done: Callable[[list[Path], _T], None]) -> None:
        """Run ``work`` over chunks of each worker's own files; an idle worker takes from the
        end of the longest list left.

        Args:
            work: The task (picklable), given one chunk of files.
            chunk: Files per task.
            done: Told each task's files and result as it comes in.
        """
        loop = asyncio.get_running_loop()
        queues = [deque(files[i:i + chunk] for i in range(0, len(files), chunk))
                  for files in self.owned]

        async def worker(index: int) -> None:
            while True:
                if queues[index]:
                    files = queues[index].popleft()
                else:
                    longest = max(queues, key=len)
                    if not longest:
                        return
                    files = longest.pop()  # its owner reaches it last, if at all
                done(files, await loop.run_in_executor(self._pools[index], work, files))

        await asyncio.gather(*(worker(i) for i in range(len(self._pools))))
