"""A provider wrapper that answers from the persistent cache before asking the model."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Protocol

import pydantic

from llm_doc_manager.docstrings import SCHEMA_FOR, AnySchema
from llm_doc_manager.docstrings.schemas import read_answer
from llm_doc_manager.providers.answer_cache import AnswerCache
from llm_doc_manager.providers.base import DocRequest, Usage

log = logging.getLogger("llm_doc_manager.requests")


class KeyedProvider(Protocol):
    """A provider whose answers can be cached: it names the key of each request."""

    name: str
    description: str
    keeps_human_text: bool
    needs_code: bool
    usage: Usage
    model: str

    def cache_key(self, request: DocRequest) -> str:
        """Return the cache key of a request."""
        ...

    async def generate(self, request: DocRequest) -> AnySchema:
        """Produce the content for one region."""
        ...

    async def aclose(self) -> None:
        """Release resources."""
        ...


class CachedProvider:
    """Serve answers from an ``AnswerCache``; ask ``inner`` only on a miss.

    Args:
        inner: The model provider.
        cache: The answer cache.

    Attributes:
        inner: The model provider asked on a miss.
        cache: Where answers are looked up and stored.
        name: The inner provider's name.
        description: The inner provider's, and where the cache is.
        keeps_human_text: As the inner provider.
        needs_code: As the inner provider.
        local: False: one cache connection serves the whole run.
        usage: The inner provider's counters (cache hits counted here).
        model: The inner provider's model.
    """

    def __init__(self, inner: KeyedProvider, cache: AnswerCache) -> None:
        self.inner = inner
        self.cache = cache
        self.name = inner.name
        self.description = f"{inner.description}; answers cached in {cache.path}"
        self.keeps_human_text = inner.keeps_human_text
        self.needs_code = inner.needs_code
        self.local = False  # one cache connection, shared by every request of the run
        self.usage = inner.usage
        self.model = inner.model

    async def generate(self, request: DocRequest) -> AnySchema:
        """Answer from the cache, else from the model (and store the answer)."""
        key = self.inner.cache_key(request)
        stored = self.cache.get(key)
        if stored is not None:
            try:
                # Checked like a fresh answer: the cache folder may be shared or planted.
                answer = read_answer(SCHEMA_FOR[request.kind], stored, request.own_hidden)
            except pydantic.ValidationError:
                self.cache.delete(key)  # written by an older schema (or refused): ask again
            else:
                self.usage.cache_hits += 1
                log.info("%s %s -> cache hit", request.kind.value, request.qualname)
                return answer
        answer = await self.inner.generate(request)
        self.cache.put(key, answer.model_dump_json())
        return answer

    def stop_notice(self) -> str | None:
        """Why the inner provider stopped the run and what is left, or None (see ``ModelProvider``).

        Returns:
            One line, or None.
        """
        notice = getattr(self.inner, "stop_notice", None)
        return notice() if callable(notice) else None

    def is_cached(self, request: DocRequest) -> bool:
        """Whether the cache answers ``request`` (nothing is sent, nothing changes)."""
        return self.cache.has(self.inner.cache_key(request))

    def remember(self, request: DocRequest, answer: AnySchema, settled: str) -> None:
        """Store ``answer`` also for the request the next run will make.

        After this run writes a docstring, the next run sends the same code with that
        docstring as the current one; without this entry, unchanged code would cost a request.
        """
        self.cache.put(self.inner.cache_key(replace(request, existing=settled)),
                       answer.model_dump_json())

    async def aclose(self) -> None:
        """Close the model client and the cache."""
        try:
            await self.inner.aclose()
        finally:
            self.cache.close()
