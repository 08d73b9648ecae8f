"""The provider seam: what is asked of a provider and what it must answer."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from llm_doc_manager.analysis import BlockFacts, ClassFacts, FunctionFacts, ModuleFacts
from llm_doc_manager.analysis.markers import Kind
from llm_doc_manager.docstrings import AnySchema
from llm_doc_manager.errors import hidden_characters


@dataclass(frozen=True)
class DocRequest:
    """One region's request to a provider.

    Attributes:
        kind: What to produce (the region's kind).
        path: The file, for messages.
        qualname: Dotted name of the target (``Class.method``), or ``<module>``.
        line: Line of the target.
        code: The target's source, without its own docstring.
        facts: What the code says.
        existing: The current docstring value or comment text, if any.
        context: Facts from the same file a model needs (enclosing class, imports).
        rewrite: The model may revise the existing text (``--rewrite``); otherwise only
            what is missing is used from its answer.
        placeholder: The placeholder text an existing docstring may hold (to be filled).
    """

    kind: Kind
    path: Path
    qualname: str
    line: int
    code: str
    facts: FunctionFacts | ClassFacts | ModuleFacts | BlockFacts
    existing: str | None
    context: str = ""
    rewrite: bool = False
    placeholder: str = ""

    @property
    def own_hidden(self) -> frozenset[str]:
        """Hidden characters the existing text already holds: an answer may repeat them."""
        return frozenset(hidden_characters(self.existing or ""))


@dataclass
class Usage:
    """What a run asked of a model, for the progress bar and the closing summary.

    Attributes:
        requests: HTTP requests sent (retries included).
        retries: Requests that were retries of a failed one.
        prompt_tokens: Prompt tokens reported by the API.
        completion_tokens: Completion tokens reported by the API.
        prompt_chars: Characters of the messages sent (first attempts only).
        answered: Regions answered by the model.
        cache_hits: Regions answered from the cache.
    """

    requests: int = 0
    retries: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    prompt_chars: int = 0
    answered: int = 0
    cache_hits: int = 0


class Provider(Protocol):
    """Something that answers documentation requests.

    Attributes:
        name: Provider name, shown in messages.
        description: What ``-v`` says is used (name, model, server; never a secret).
        keeps_human_text: True when existing human text must win over the answer's
            text (the answer cannot have read it); False when the answer already merged it.
        needs_code: Whether requests must carry the code and its context.
        local: Whether answers are computed on this machine from the request alone
            (no network, no shared state): files may then be processed in worker processes,
            each with a copy of the provider.
        usage: Counters of what was asked.
        model: The model asked ("" for an offline provider).
    """

    name: str
    description: str
    keeps_human_text: bool
    needs_code: bool
    local: bool
    usage: Usage
    model: str

    async def generate(self, request: DocRequest) -> AnySchema:
        """Produce the content for one region."""
        ...

    def is_cached(self, request: DocRequest) -> bool:
        """Whether an answer to ``request`` is at hand without asking (nothing is sent)."""
        ...

    def remember(self, request: DocRequest, answer: AnySchema, settled: str) -> None:
        """Learn that ``answer`` also serves ``request`` once ``settled`` is written.

        Args:
            request: The request that was answered.
            answer: The answer.
            settled: The docstring value or comment text that was produced.
        """
        ...

    async def aclose(self) -> None:
        """Release resources (connections, caches)."""
        ...
