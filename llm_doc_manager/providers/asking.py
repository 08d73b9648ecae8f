"""How the engines ask a provider: a bounded number at once, one failure kept to itself."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Sequence
from typing import TypeVar

from llm_doc_manager.docstrings import AnySchema
from llm_doc_manager.errors import FatalProviderError
from llm_doc_manager.providers.base import DocRequest, Provider

T = TypeVar("T")


async def answer_or_error(provider: Provider, request: DocRequest,
                          limit: asyncio.Semaphore) -> AnySchema | Exception:
    """Ask once ``limit`` allows; a failure of this request is returned, not raised.

    Args:
        provider: Who answers.
        request: What is asked.
        limit: Bounds the requests in flight.

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
