"""A provider wrapper that answers from the persistent cache before asking the model.

It also keeps, in the same store, what a run learned of the server (``ServerMemory``: the
model's identity and the request shape it takes), so the next run finds cached answers
without asking the server who answers, and does not spend a refused request again.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Protocol

import pydantic

from llm_doc_manager.docstrings import SCHEMA_FOR, AnySchema
from llm_doc_manager.docstrings.schemas import read_answer
from llm_doc_manager.providers.answer_cache import AnswerCache, code_shape
from llm_doc_manager.providers.base import DocRequest, Usage
from llm_doc_manager.providers.model import ServerMemory

log = logging.getLogger("llm_doc_manager.requests")


class KeyedProvider(Protocol):
    """A provider whose answers can be cached: it names the key of each request."""

    name: str
    description: str
    keeps_human_text: bool
    needs_code: bool
    usage: Usage
    model: str
    served: str | None
    remembered: ServerMemory | None
    changed_from: str | None

    @property
    def where(self) -> str:
        """The server's URL as it may be shown."""
        ...

    def cache_key(self, request: DocRequest) -> str:
        """Return the cache key of a request."""
        ...

    def identify(self) -> str:
        """Ask the server which model answers (once); return what keys its answers."""
        ...

    def memory_key(self) -> str:
        """Return the store's key of what runs learn of this server."""
        ...

    def recall(self, memory: ServerMemory) -> None:
        """Take what an earlier run learned of this server."""
        ...

    def learned(self) -> ServerMemory | None:
        """Return what this run learned of the server, or None."""
        ...

    def answered_by(self) -> str:
        """Name the model that answered, for the summary."""
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
        self._recalled = False
        self._early_hits = 0  # answered under the remembered identity, before asking

    def _recall(self) -> None:
        """Give the inner provider what the last run learned of its server (once)."""
        if self._recalled:
            return
        self._recalled = True
        stored = self.cache.peek(self.inner.memory_key())
        memory = ServerMemory.load(stored) if stored is not None else None
        if memory is not None:
            self.inner.recall(memory)

    async def generate(self, request: DocRequest) -> AnySchema:
        """Answer from the cache, else from the model (and store the answer)."""
        self._recall()
        key = self.inner.cache_key(request)
        answer = self._lookup(request, key) or self._settled(request)
        if answer is not None:
            return answer
        # A miss: the server is asked who answers (once), and the key made with what it
        # says — the same key when it serves the model the last run saw.
        self.inner.identify()
        asked = self.inner.cache_key(request)
        if asked != key:
            answer = self._lookup(request, asked)
            if answer is not None:
                return answer
        answer = await self.inner.generate(request)
        self.cache.put(asked, answer.model_dump_json())
        return answer

    def _lookup(self, request: DocRequest, key: str) -> AnySchema | None:
        stored = self.cache.get(key)
        if stored is None:
            return None
        try:
            # Checked like a fresh answer: the cache folder may be shared or planted.
            answer = read_answer(SCHEMA_FOR[request.kind], stored, request.own_hidden)
        except pydantic.ValidationError:
            self.cache.delete(key)  # written by an older schema (or refused): ask again
            return None
        self.usage.cache_hits += 1
        if self.inner.served is None:  # not asked yet: the remembered identity keyed it
            self._early_hits += 1
        log.info("%s %s -> cache hit", request.kind.value, request.qualname)
        return answer

    def stop_notice(self) -> str | None:
        """What the end of the run must say, or None.

        A ``note:`` line when the server turned out to serve another model than the one
        the cache was written with (the regions answered from the cache before it was asked
        are the old model's; the next run asks them again), and why the inner provider
        stopped the run (see ``ModelProvider``).

        Returns:
            One line or two, or None.
        """
        lines = []
        was = self.inner.changed_from
        if was is not None:
            early = self._early_hits
            lines.append(
                f"note: the model server at {self.inner.where} now serves "
                f"{self.inner.answered_by()}, not {was} as "
                "when the cache was written" + (
                    f"; {early} region{'s' if early != 1 else ''} answered from the cache "
                    f"before the server was asked came from the old model: a re-run asks "
                    f"{'them' if early != 1 else 'it'} again" if early else ""))
        notice = getattr(self.inner, "stop_notice", None)
        stopped = notice() if callable(notice) else None
        if stopped:
            lines.append(stopped)
        return "\n".join(lines) or None

    def answered_by(self) -> str:
        """Name the model that answered, for the summary (see ``ModelProvider.answered_by``).

        Returns:
            The name and fingerprint, or empty.
        """
        return self.inner.answered_by()

    def is_cached(self, request: DocRequest) -> bool:
        """Whether the cache answers ``request`` (nothing is sent, nothing changes)."""
        self._recall()
        return self.cache.has(self.inner.cache_key(request))

    def remember(self, request: DocRequest, answer: AnySchema, settled: str) -> None:
        """Store ``answer`` also for the request the next run will make.

        After this run writes a docstring, the next run sends the same code with that
        docstring as the current one; without this entry, unchanged code would cost a request.
        """
        self.cache.put(self.inner.cache_key(replace(request, existing=settled)),
                       answer.model_dump_json())
        # Also under the code's tree: the docstring written may lay the code out anew, and
        # a docstring holding a placeholder where the gate dropped a part is asked again —
        # the answer that left it must be found, or every such re-run sends a request.
        self.cache.put(self.inner.cache_key(replace(request, existing=settled,
                                                    code=code_shape(request.code))),
                       answer.model_dump_json())

    def _settled(self, request: DocRequest) -> AnySchema | None:
        """The answer an earlier run wrote this docstring from, for the same code's tree."""
        if request.existing is None:
            return None
        return self._lookup(request, self.inner.cache_key(
            replace(request, code=code_shape(request.code))))

    async def aclose(self) -> None:
        """Keep what the run learned of the server; close the model client and the cache."""
        try:
            learned = self.inner.learned()
            if learned is not None and learned != self.inner.remembered:
                self.cache.put(self.inner.memory_key(), learned.dump())
            await self.inner.aclose()
        finally:
            self.cache.close()
