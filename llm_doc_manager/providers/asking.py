"""How the engines ask a provider: a bounded number at once, one failure kept to itself."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, TypeVar

from llm_doc_manager.docstrings import AnySchema
from llm_doc_manager.errors import FatalProviderError
from llm_doc_manager.providers.base import DocRequest, Provider

T = TypeVar("T")


class PrioritySlots:
    """At most ``size`` holders at once; a freed slot goes to the waiter of highest priority.

    What a semaphore does, but the waiters are not served first come, first served: a run
    with call context asks the callees that most callers wait for (the critical path) first.
    Equal priorities are served in arrival order. A priority is a function, asked when the
    waiter arrives and again by ``reorder`` (a run learns the chains once every file is
    planned, while requests already wait).

    Args:
        size: How many may hold a slot at once.
    """

    def __init__(self, size: int) -> None:
        self._free = max(1, size)
        self._waiting: list[tuple[int, int, asyncio.Future[None], Callable[[], int]]] = []
        self._arrivals = itertools.count()

    @asynccontextmanager
    async def slot(self, priority: Callable[[], int] = lambda: 0) -> AsyncIterator[None]:
        """Hold a slot for the body of an ``async with`` (higher priority served first).

        Args:
            priority: The waiter's priority (asked now and at each ``reorder``).

        Yields:
            Nothing; the slot is held until the body ends.
        """
        if self._free > 0 and not self._waiting:
            self._free -= 1
        else:
            turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            heapq.heappush(self._waiting, (-priority(), next(self._arrivals), turn, priority))
            try:
                await turn
            except asyncio.CancelledError:
                if turn.done() and not turn.cancelled():
                    self._release()  # handed a slot, then cancelled before using it
                raise
        try:
            yield
        finally:
            self._release()

    def reorder(self) -> None:
        """Ask every waiter's priority again (arrival order still breaks ties)."""
        self._waiting = [(-rank(), arrival, turn, rank)
                         for _, arrival, turn, rank in self._waiting if not turn.done()]
        heapq.heapify(self._waiting)

    def _release(self) -> None:
        while self._waiting:
            turn = heapq.heappop(self._waiting)[2]
            if not turn.done():  # a cancelled waiter's future is done: skipped
                turn.set_result(None)
                return
        self._free += 1


async def answer_or_error(provider: Provider, request: DocRequest,
                          limit: AbstractAsyncContextManager[Any]) -> AnySchema | Exception:
    """Ask once ``limit`` allows; a failure of this request is returned, not raised.

    Args:
        provider: Who answers.
        request: What is asked.
        limit: Bounds the requests in flight (a semaphore, or a ``PrioritySlots.slot``).

    Returns:
        The answer, or the exception that stands for it.

    Raises:
        asyncio.CancelledError: When the run is cancelled (passed on, never kept).
        FatalProviderError: When the provider cannot answer anything (the run stops).
    """
    async with limit:
        try:
            return await provider.generate(request)
        except (asyncio.CancelledError, FatalProviderError):
            raise
        except Exception as exc:  # one request's failure must not stop the others
            return exc


async def gather_all(awaitables: Sequence[Awaitable[T]]) -> list[T]:
    """Run everything at once; when one raises, cancel the others and wait for them.

    Args:
        awaitables: Coroutines or futures.

    Returns:
        Their results, in order.
    """
    tasks = [asyncio.ensure_future(a) for a in awaitables]
    try:
        return list(await asyncio.gather(*tasks))
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
