"""The Batch API: requests written as JSONL, submitted, polled, and their answers read back.

A batch run plans the files as any run does, behind the answer cache; a region the cache
cannot answer is not sent: its request body (``ModelProvider.request_body``, the one that
builds interactive requests) becomes one line of a Batch API input file. The answers come
back as a results file (``output_file_id``, ``vllm run-batch``'s output, Ray Data's) and are
read as interactive answers are: the chat completion's shape, the client's parsing, the
schema (``ModelProvider.read_completion``), then the pipeline's gate; each is cached, and the
run applies them as an interactive run does.

A line's ``custom_id`` is a digest of what the request asks (server, model, prompt, messages,
sampling), not a path: the same region asks the same request on another day, and a results
line can only ever answer the request it was written for.

What a submission to a server left behind is kept in the cache folder as checked JSON
(``Submission``), keyed by the requests it holds, never a secret: a re-run finds it and
polls instead of paying twice.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openai
from openai.types.chat import ChatCompletion

from llm_doc_manager.docstrings import SCHEMA_FOR, AnySchema
from llm_doc_manager.errors import ConfigError, LLMDocError, ProviderError, printable
from llm_doc_manager.providers.answer_cache import make_key
from llm_doc_manager.providers.base import DocRequest, Usage
from llm_doc_manager.providers.cost import tokenizer_for
from llm_doc_manager.providers.model import (
    BadAnswer,
    ModelProvider,
    ServerMemory,
    not_a_completion,
)
from llm_doc_manager.providers.prompting import (
    PROMPT_VERSION,
    max_tokens,
    messages,
    response_format,
)

#: The Batch API's documented limits of one input file.
MAX_REQUESTS = 50_000
MAX_BYTES = 200 * 1024 * 1024
#: The Batch API's completion window (the only one it offers).
WINDOW = "24h"
#: The ``url`` of each input line and the batch's ``endpoint``: OpenAI's, and Azure's.
OPENAI_URL = "/v1/chat/completions"
AZURE_URL = "/chat/completions"
#: Bounds of a results file read back (it may come from anywhere): a line holds one
#: answer, which ``max_tokens`` keeps to a few kilobytes.
MAX_LINE = 1024 * 1024
MAX_RESULTS = 1024 * 1024 * 1024
#: Prefix of every custom_id this tool writes.
ID_PREFIX = "llm-doc-"
_ID = re.compile(r"llm-doc-[0-9a-f]{64}")
#: Statuses after which a batch changes no more.
TERMINAL = frozenset({"completed", "failed", "expired", "cancelled"})
STATUSES = TERMINAL | {"validating", "in_progress", "finalizing", "cancelling"}
#: Folder of the submissions, in the cache folder.
STATE_FOLDER = "batches-v1"
#: The name of a submission's kept answers, after its key (beside its state).
RESULTS_SUFFIX = ".results.jsonl"
#: Days an applied submission whose answers are all used stays listed (``batch list``).
KEEP_APPLIED_DAYS = 30
#: The lock file of the state folder (``StateLock``); not a submission (no ``.json``).
LOCK_NAME = ".lock"


class Queued(ProviderError):
    """The region's request went into the batch: it has no answer yet.

    Its callers wait for a later batch (the pipeline reads ``defers_callers``): their
    prompts show its summary, which only its answer gives.
    """

    defers_callers = True


class Counted(ProviderError):
    """A batch dry run's request, counted; its callers are asked at once (their estimate)."""


def custom_id(model: ModelProvider, request: DocRequest) -> str:
    """The ``custom_id`` of a region's request: a digest of what it asks.

    Args:
        model: The model provider (its server, model and sampling).
        request: The region.

    Returns:
        ``llm-doc-`` and 64 hex digits.
    """
    sampling = {"temperature": model.settings.temperature, "seed": model.settings.seed}
    return ID_PREFIX + make_key("batch-v1", model.settings.identity, model.settings.fingerprint,
                                PROMPT_VERSION, request.kind.value,
                                SCHEMA_FOR[request.kind].__name__, messages(request), sampling)


def input_line(key: str, body: Mapping[str, object], url: str) -> bytes:
    """One line of a Batch API input file.

    Args:
        key: The request's ``custom_id``.
        body: The chat completion request's body.
        url: ``OPENAI_URL`` or ``AZURE_URL``.

    Returns:
        The JSON line, newline included.
    """
    return json.dumps({"custom_id": key, "method": "POST", "url": url, "body": body},
                      ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"


def split_lines(lines: Iterable[bytes], max_requests: int = MAX_REQUESTS,
                max_bytes: int = MAX_BYTES) -> list[list[bytes]]:
    """Cut input lines into files the Batch API takes (at most so many requests and bytes).

    Args:
        lines: The lines, in order.
        max_requests: Most lines in one file.
        max_bytes: Most bytes in one file (a longer single line goes alone).

    Returns:
        The files' lines.
    """
    files: list[list[bytes]] = []
    size = 0
    for line in lines:
        if not files or len(files[-1]) >= max_requests or size + len(line) > max_bytes:
            files.append([])
            size = 0
        files[-1].append(line)
        size += len(line)
    return files


def numbered(path: Path, count: int) -> list[Path]:
    """The paths of ``count`` batch files: ``FILE``, then ``FILE.2``, ``FILE.3``, ...

    Args:
        path: The path given.
        count: How many files.

    Returns:
        The paths.
    """
    return [path] + [path.with_name(f"{path.name}.{n}") for n in range(2, count + 1)]


def write_file(path: Path, lines: Sequence[bytes], mode: int | None = None) -> None:
    """Write a batch file whole or not at all (temporary file, then rename).

    Args:
        path: Where.
        lines: Its lines.
        mode: Its permissions (None: the temporary file's, ``0600``).

    Raises:
        OSError: When it cannot be written.
    """
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "wb") as out:
            out.writelines(lines)
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


@dataclass(frozen=True)
class Outcome:
    """What a results file says of one request.

    Attributes:
        where: ``file:line`` it came from.
        body: The chat completion, as JSON bytes (None when the request failed).
        error: Why the request failed (None when it has a body).
    """

    where: str
    body: bytes | None
    error: str | None = None


@dataclass
class Results:
    """The answers of a batch, by ``custom_id``, with every line that could not be used.

    Attributes:
        outcomes: What each request got.
        problems: One line per unusable line (``file:line: why``).
        used: The custom_ids a region asked for.
    """

    outcomes: dict[str, Outcome] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    used: set[str] = field(default_factory=set)

    def unused(self) -> list[str]:
        """One line per results line no region of the run asked for.

        Returns:
            ``file:line: custom_id …: no region of this run asks it: ignored`` lines.
        """
        return [f"{o.where}: custom_id {key!r} answers no region of this run "
                "(the code changed, or the results are another run's): ignored"
                for key, o in self.outcomes.items() if key not in self.used]


def _skip_rest(stream: Any) -> None:
    """Read past the rest of an over-long line."""
    while True:
        chunk = stream.readline(MAX_LINE)
        if not chunk or chunk.endswith(b"\n"):
            return


def _failure(line: dict[str, Any]) -> str | None:
    """Why a results line holds no answer, or None when it holds one."""
    error = line.get("error")
    response = line.get("response")
    if error:
        if isinstance(error, dict):
            said = ": ".join(str(error[k]) for k in ("code", "message") if error.get(k))
        else:
            said = str(error)
        return f"the batch request failed ({said or 'no reason given'})"
    if not isinstance(response, dict):
        return "the results line has no response"
    status = response.get("status_code")
    if status != 200:
        body = response.get("body")
        message = body.get("error", {}).get("message") if isinstance(body, dict) and \
            isinstance(body.get("error"), dict) else None
        return f"the batch request got HTTP {status}" + (f": {message}" if message else "")
    if not isinstance(response.get("body"), dict):
        return "the results line's response has no body"
    return None


def read_results(sources: Iterable[tuple[str, Any]], results: Results | None = None) -> Results:
    """Read results lines (the Batch API's output and error files, ``vllm run-batch``'s).

    Every line is checked; one that cannot be used is a problem of its own and the others
    are read on. A ``custom_id`` given twice keeps its first answer.

    Args:
        sources: ``(name, binary stream)`` pairs; the name is used in messages.
        results: Results to add to (None: new ones).

    Returns:
        The results.
    """
    results = results if results is not None else Results()
    for name, stream in sources:
        total = 0
        for number in range(1, 1 << 62):
            raw = stream.readline(MAX_LINE + 1)
            if not raw:
                break
            where = f"{name}:{number}"
            total += len(raw)
            if total > MAX_RESULTS:
                results.problems.append(f"{where}: the results pass {MAX_RESULTS >> 20} MiB: "
                                        "the rest is not read")
                break
            if len(raw) > MAX_LINE and not raw.endswith(b"\n"):
                _skip_rest(stream)
                results.problems.append(f"{where}: a line longer than {MAX_LINE >> 20} MiB: "
                                        "skipped")
                continue
            if not raw.strip():
                continue
            try:
                line = json.loads(raw)
            except (ValueError, RecursionError):  # UnicodeDecodeError included
                results.problems.append(f"{where}: not a JSON line: skipped")
                continue
            key = line.get("custom_id") if isinstance(line, dict) else None
            if not isinstance(key, str) or not _ID.fullmatch(key):
                shown = printable(repr(key), limit=80) if isinstance(key, str) else "none"
                results.problems.append(f"{where}: no custom_id this tool writes (found "
                                        f"{shown}): skipped")
                continue
            if key in results.outcomes:
                results.problems.append(f"{where}: custom_id {key!r} is answered again "
                                        f"(first at {results.outcomes[key].where}): skipped")
                continue
            why = _failure(line)
            if why is not None:
                results.outcomes[key] = Outcome(where, None, printable(why, limit=300))
            else:
                results.outcomes[key] = Outcome(where, json.dumps(
                    line["response"]["body"], ensure_ascii=False).encode("utf-8"))
    return results


def read_answer(model: ModelProvider, body: bytes, request: DocRequest) -> AnySchema:
    """Read one batch answer as an interactive answer is read.

    The same checks in the same order: the chat completion's shape (``not_a_completion``),
    the client's parsing of it (finish reasons), the content against the schema
    (``ModelProvider.read_completion``). The gate comes after, in the pipeline, as for any
    model answer.

    Args:
        model: The model provider (it counts the tokens and redacts messages).
        body: The chat completion, as JSON.
        request: The region.

    Returns:
        The answer.

    Raises:
        ProviderError: When the answer is not usable (the region fails; a re-run asks it
            again).
    """
    from openai.lib._parsing._completions import parse_chat_completion

    problem = not_a_completion("application/json", body)
    if problem is not None:
        raise ProviderError(model.redact(f"the batch answer is not a chat completion: {problem}"))
    schema = SCHEMA_FOR[request.kind]
    try:
        completion = parse_chat_completion(response_format=response_format(schema),  # type: ignore[arg-type]
                                           input_tools=openai.omit,
                                           chat_completion=ChatCompletion.model_validate_json(body))
        _count(model.usage, completion.usage)
        return model.read_completion(completion, schema, request)
    except openai.LengthFinishReasonError:
        why = "the answer was cut off (finish_reason=length)"
    except openai.ContentFilterFinishReasonError:
        why = "the content filter stopped the answer"
    except BadAnswer as exc:
        why = str(exc)
    except (ValueError, TypeError, AttributeError, KeyError) as exc:  # pydantic's included
        why = f"a chat completion the client cannot read ({type(exc).__name__})"
    raise ProviderError(model.redact(f"unusable model answer in the batch results: {why}"))


def _count(usage: Usage, reported: object) -> None:
    """Add the tokens a batch answer reports (only whole non-negative numbers)."""
    for name in ("prompt_tokens", "completion_tokens"):
        value = getattr(reported, name, 0)
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            setattr(usage, name, getattr(usage, name) + value)


class BatchAsker:
    """The model provider's stand-in under the answer cache in a batch run.

    ``CachedProvider`` asks it only for what the cache cannot answer. Collecting, it keeps
    each request's body under its ``custom_id`` and fails the region with ``Queued``;
    answering, it reads the region's answer from the results (``read_answer``).

    Args:
        inner: The model provider (request bodies, keys, reading answers).
        results: The results to answer from; None to collect.
        offline: Send nothing at all (``--batch-file``, ``--batch-results``, a dry run): the
            server is not asked which model it serves; the last run's word stands for it.
        defer: Whether a collected request's callers wait for its answer (a later batch);
            False to collect them at once, as a dry run estimates the later waves (their
            bodies are then not kept: only their ids and tokens are used).
        count_with: ``cost.tokenizer_for``'s arguments: the tokenizer the estimates count
            with, loaded when the first request is collected (None: the model provider's).

    Attributes:
        inner: The model provider.
        results: The results answered from, or None.
        collected: The request bodies collected, by ``custom_id``, in the order asked.
        tokens: Each collected request's estimated prompt and completion tokens (what
            ``max-cost`` prices before a submission).
        bounds: Each collected request's most completion tokens (its ``max_tokens``).
        unusable: The custom_ids whose answer in the results could not be used.
        name: The model provider's name.
        description: The model provider's, and how the batch is used.
        keeps_human_text: As the model provider.
        needs_code: As the model provider.
        local: False: answers come from a server.
        usage: The model provider's counters.
        model: The model's name.
    """

    def __init__(self, inner: ModelProvider, results: Results | None = None,
                 offline: bool = False, defer: bool = True,
                 count_with: tuple[str, str, str | None] | None = None) -> None:
        self.inner = inner
        self._count_with = count_with
        self.results = results
        self.offline = offline
        self.defer = defer
        self.collected: dict[str, dict[str, Any]] = {}
        self.tokens: dict[str, tuple[int, int]] = {}
        self.bounds: dict[str, int] = {}
        self.unusable: set[str] = set()
        self.name = inner.name
        self.description = inner.description + (
            "; requests go into Batch API files" if results is None
            else "; answers come from Batch API results")
        self.keeps_human_text = inner.keeps_human_text
        self.needs_code = inner.needs_code
        self.local = False
        self.usage = inner.usage
        self.model = inner.model

    @property
    def served(self) -> str | None:
        """What the server lists of the model (see ``ModelProvider.served``)."""
        return self.inner.served

    @served.setter
    def served(self, value: str | None) -> None:
        self.inner.served = value

    @property
    def remembered(self) -> ServerMemory | None:
        """What an earlier run learned of the server."""
        return self.inner.remembered

    @remembered.setter
    def remembered(self, value: ServerMemory | None) -> None:
        self.inner.remembered = value

    @property
    def changed_from(self) -> str | None:
        """The model the cache was written with, when the server now serves another."""
        return self.inner.changed_from

    @changed_from.setter
    def changed_from(self, value: str | None) -> None:
        self.inner.changed_from = value

    @property
    def where(self) -> str:
        """The server's URL as it may be shown."""
        return self.inner.where

    @property
    def url(self) -> str:
        """The ``url`` of the input lines and the batch's ``endpoint``."""
        return AZURE_URL if self.inner.settings.kind == "azure" else OPENAI_URL

    def cache_key(self, request: DocRequest) -> str:
        """Return the answer cache's key of a request (the model provider's).

        Args:
            request: The region.

        Returns:
            The key.
        """
        return self.inner.cache_key(request)

    def identify(self) -> str:
        """Which model answers: asked of the server, unless the run is offline.

        Returns:
            What keys the answers (``ModelProvider.identify``); offline, what the last
            run learned, else empty.
        """
        if self.offline and self.inner.served is None:
            memory = self.inner.remembered
            self.inner.served = memory.served if memory is not None else ""
        return self.inner.identify()

    def memory_key(self) -> str:
        """Return the store's key of what runs learn of this server."""
        return self.inner.memory_key()

    def recall(self, memory: ServerMemory) -> None:
        """Take what an earlier run learned of this server.

        Args:
            memory: The stored memory.
        """
        self.inner.recall(memory)

    def learned(self) -> ServerMemory | None:
        """What the run learned of the server: nothing when offline (it was not asked).

        Returns:
            The model provider's memory, or None.
        """
        return None if self.offline else self.inner.learned()

    def is_cached(self, request: DocRequest) -> bool:
        """Always False: without the answer cache every request goes into the batch."""
        del request
        return False

    def remember(self, request: DocRequest, answer: AnySchema, settled: str) -> None:
        """Nothing to remember without a cache (see ``CachedProvider``)."""

    def answered_by(self) -> str:
        """Name the model that answered (see ``ModelProvider.answered_by``)."""
        return self.inner.answered_by()

    def _collect(self, key: str, request: DocRequest) -> None:
        """Put a request into the batch once, with its estimated tokens."""
        if key not in self.collected:
            if self._count_with is not None:
                # Loaded here, in the run (where Ctrl-C is an interrupted run), once: it may
                # download the encoding (cost.tokenizer_for bounds the wait).
                self.inner.tokens = tokenizer_for(*self._count_with)
                self._count_with = None
            # ``chat.completions.parse`` adds ``stream: false`` to what it is given; the
            # batch line says it too, so that it is the interactive body byte for byte
            # (tests/providers/test_batch_s6.py compares them).
            body = {**self.inner.request_body(request), "stream": False}
            self.collected[key] = body if self.defer else {}
            self.tokens[key] = self.inner.estimated_tokens(request)
            # As the direct dry run bounds it: the max_tokens sent, else the kind's own.
            bound = body.get("max_tokens")
            self.bounds[key] = max(bound if isinstance(bound, int) and bound > 0
                                   else max_tokens(request), self.tokens[key][1])

    async def generate(self, request: DocRequest) -> AnySchema:
        """Collect a request, or answer it from the results.

        Args:
            request: A region the cache does not answer.

        Returns:
            The answer from the results.

        Raises:
            Queued: When collecting (the request is in the batch).
            Counted: When collecting without deferring callers (a dry run's later waves).
            ProviderError: When the results hold no usable answer for it.
        """
        key = custom_id(self.inner, request)
        if self.results is None:
            self._collect(key, request)
            raise Queued("queued for the batch") if self.defer else Counted("not sent: dry run")
        self.results.used.add(key)
        found = self.results.outcomes.get(key)
        if found is None and not self.offline:
            # Asked now with what it calls newly documented (the next wave), or its code
            # changed since the batch was submitted: it goes into the next batch.
            self._collect(key, request)
            raise Queued("queued for the next batch")
        if found is None:
            raise ProviderError(f"no answer in the batch results (custom_id {key[:20]}…): "
                                "its code changed, or it is asked with what it calls newly "
                                "documented; --batch-file writes it for the next batch")
        if found.body is None:
            raise ProviderError(f"{found.where}: {found.error}")
        try:
            answer = read_answer(self.inner, found.body, request)
        except ProviderError:
            # Never usable: its kept copy is dropped, so the next run asks again (as an
            # interactive run asks a failed request again) instead of failing on it forever.
            self.unusable.add(key)
            raise
        self.inner.usage.answered += 1
        return answer

    async def aclose(self) -> None:
        """Close the model provider's client."""
        await self.inner.aclose()


class Tracked:
    """The run's provider, noting the ``custom_id`` of every region asked (cached or not).

    A results line whose ``custom_id`` no region of the run asks is then said to be unused;
    one the cache answered is not. The ids of the requests whose answer is in the answer
    cache once answered are noted too: their kept copies are no longer needed (``prune``).

    Args:
        provider: The answer cache around a ``BatchAsker``.
        asker: That ``BatchAsker`` (its results are marked).

    Attributes:
        provider: The provider asked.
        name: Its name.
        description: Its description.
        keeps_human_text: As it.
        needs_code: As it.
        local: False.
        usage: Its counters.
        model: Its model.
        cached: The custom_ids of the requests answered whose answer the cache holds.
    """

    def __init__(self, provider: Any, asker: BatchAsker) -> None:
        self.provider = provider
        self._asker = asker
        self.cached: set[str] = set()
        self.name = provider.name
        self.description = provider.description
        self.keeps_human_text = provider.keeps_human_text
        self.needs_code = provider.needs_code
        self.local = False
        self.usage = provider.usage
        self.model = provider.model

    async def generate(self, request: DocRequest) -> AnySchema:
        """Note the request's ``custom_id``, then ask the provider.

        Args:
            request: The region.

        Returns:
            The provider's answer.
        """
        key = custom_id(self._asker.inner, request)
        if self._asker.results is not None:
            self._asker.results.used.add(key)
        answer: AnySchema = await self.provider.generate(request)
        # Looked up, not assumed: the cache may be off, full, or refuse a write.
        if self.provider.is_cached(request):
            self.cached.add(key)
        return answer

    def is_cached(self, request: DocRequest) -> bool:
        """Whether the provider answers without asking."""
        return bool(self.provider.is_cached(request))

    def remember(self, request: DocRequest, answer: AnySchema, settled: str) -> None:
        """Hand on to the provider (see ``CachedProvider.remember``)."""
        self.provider.remember(request, answer, settled)

    def answered_by(self) -> str:
        """Name the model that answered."""
        return str(self.provider.answered_by())

    def stop_notice(self) -> str | None:
        """What the provider says at the end of the run, if anything."""
        notice = getattr(self.provider, "stop_notice", None)
        said = notice() if callable(notice) else None
        return said if isinstance(said, str) else None

    async def aclose(self) -> None:
        """Close the provider."""
        await self.provider.aclose()


# --- Submissions to a server, and what is kept of them --------------------------------------

_STATE_KEYS = frozenset({"version", "key", "scope", "provider", "model", "server", "created",
                         "ids", "batches", "applied"})
_BATCH_KEYS = frozenset({"id", "input_file_id", "requests", "status", "output_file_id",
                         "error_file_id"})
_SAFE = re.compile(r"[A-Za-z0-9_.:-]{1,200}")


@dataclass
class Part:
    """One batch of a submission (one input file).

    Attributes:
        id: The batch's id.
        input_file_id: Its input file's id.
        requests: Requests in it.
        status: Its last known status.
        output_file_id: Its output file, once known.
        error_file_id: Its error file, once known.
    """

    id: str
    input_file_id: str
    requests: int
    status: str = "validating"
    output_file_id: str | None = None
    error_file_id: str | None = None


@dataclass
class Submission:
    """What was submitted for a set of requests, kept in the cache folder as JSON.

    Attributes:
        key: A digest of the scope and the request ids (the file's name).
        scope: A digest of the provider, server and model the requests are for.
        provider: ``openai`` or ``azure``.
        model: The model (Azure: the deployment).
        server: The server's URL without credentials.
        created: When it was submitted (seconds since the epoch).
        ids: The custom_ids of its requests.
        batches: Its batches.
        applied: Whether its answers were read back and cached.
    """

    key: str
    scope: str
    provider: str
    model: str
    server: str
    created: float
    ids: list[str]
    batches: list[Part] = field(default_factory=list)
    applied: bool = False

    @property
    def status(self) -> str:
        """The submission's status: its batches' statuses, counted (``2 completed``)."""
        counts: dict[str, int] = {}
        for part in self.batches:
            counts[part.status] = counts.get(part.status, 0) + 1
        said = ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "not submitted"
        return said + ("; applied" if self.applied else "")

    @property
    def done(self) -> bool:
        """Whether every batch has reached a status that changes no more."""
        return bool(self.batches) and all(p.status in TERMINAL for p in self.batches)

    def dump(self) -> str:
        """Return the submission as JSON.

        Returns:
            One JSON object.
        """
        return json.dumps({"version": 1, "key": self.key, "scope": self.scope,
                           "provider": self.provider, "model": self.model,
                           "server": self.server, "created": self.created, "ids": self.ids,
                           "batches": [vars(p) for p in self.batches],
                           "applied": self.applied}, sort_keys=True)

    @classmethod
    def load(cls, text: str) -> Submission | None:
        """Read a kept submission, checked whole (the cache folder may be shared or planted).

        Args:
            text: The file's text.

        Returns:
            The submission, or None when the text is not exactly what ``dump`` writes.
        """
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            return None
        if not isinstance(data, dict) or set(data) != _STATE_KEYS or data["version"] != 1:
            return None
        strings = ("key", "scope", "provider", "model", "server")
        if not all(isinstance(data[k], str) and len(data[k]) <= 2000 for k in strings) or \
                not re.fullmatch(r"[0-9a-f]{64}", data["key"]) or \
                data["provider"] not in ("openai", "azure") or \
                not isinstance(data["created"], int | float) or isinstance(data["created"], bool) \
                or not isinstance(data["applied"], bool) or \
                not isinstance(data["ids"], list) or \
                not all(isinstance(i, str) and _ID.fullmatch(i) for i in data["ids"]) or \
                not isinstance(data["batches"], list):
            return None
        parts = []
        for part in data["batches"]:
            if not isinstance(part, dict) or set(part) != _BATCH_KEYS or \
                    not all(isinstance(part[k], str) and _SAFE.fullmatch(part[k])
                            for k in ("id", "input_file_id")) or \
                    part["status"] not in STATUSES or \
                    not isinstance(part["requests"], int) or isinstance(part["requests"], bool) \
                    or not all(part[k] is None or (isinstance(part[k], str) and
                               _SAFE.fullmatch(part[k]))
                               for k in ("output_file_id", "error_file_id")):
                return None
            parts.append(Part(**part))
        return cls(data["key"], data["scope"], data["provider"],
                   printable(data["model"], limit=200), printable(data["server"], limit=300),
                   float(data["created"]), list(data["ids"]), parts, data["applied"])


def scope_of(model: ModelProvider) -> str:
    """The digest of where requests go: provider, server (no credentials), model.

    Args:
        model: The model provider.

    Returns:
        A hex digest.
    """
    return make_key("batch-scope-v1", model.settings.identity, model.settings.fingerprint)


class States:
    """The submissions kept in the cache folder (one JSON file each, ``0600``).

    Args:
        folder: The cache folder.

    Raises:
        ConfigError: When the folder is not safe to use (another user's, writable by others).
    """

    def __init__(self, folder: Path) -> None:
        from llm_doc_manager.store import folder_problem

        try:
            problem = folder_problem(folder)
            self.folder = folder / STATE_FOLDER
            problem = problem or folder_problem(self.folder)
        except OSError as exc:
            raise ConfigError(f"cannot use the cache folder {folder} for batch state: "
                              f"{exc.strerror or exc}") from None
        if problem is not None:
            raise ConfigError(problem.replace(": not used", ": batch state cannot be kept "
                                              "there"))

    def all(self) -> list[Submission]:
        """Every submission kept, oldest first (a file that is not one is left out).

        Returns:
            The submissions.
        """
        found = []
        for path in sorted(self.folder.glob("*.json")):
            try:
                info = path.lstat()
                if not stat.S_ISREG(info.st_mode) or info.st_size > 64 * 1024 * 1024:
                    continue
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            loaded = Submission.load(text)
            if loaded is not None and path.stem == loaded.key:
                found.append(loaded)
        return sorted(found, key=lambda s: s.created)

    def save(self, submission: Submission) -> None:
        """Write a submission whole (temporary file, then rename).

        Args:
            submission: The submission.

        Raises:
            OSError: When it cannot be written.
        """
        path = self.folder / f"{submission.key}.json"
        fd, temporary = tempfile.mkstemp(prefix=".batch.", dir=self.folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(submission.dump())
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise

    @classmethod
    def peek(cls, folder: Path) -> States | None:
        """The kept submissions of a cache folder, read without creating anything.

        Args:
            folder: The cache folder.

        Returns:
            The states, or None when no submission was ever kept there (a dry run then
            finds none, and leaves no folder behind).

        Raises:
            ConfigError: When the folder is not safe to use.
        """
        if not (folder / STATE_FOLDER).is_dir():
            return None
        return cls(folder)

    def results_path(self, submission: Submission) -> Path:
        """Where a submission's downloaded answers are kept, beside its state.

        Args:
            submission: The submission.

        Returns:
            ``<key>.results.jsonl`` in the state folder.
        """
        return self.folder / f"{submission.key}{RESULTS_SUFFIX}"

    def kept(self, submission: Submission) -> int:
        """How many downloaded answers of a submission are kept (0: none, or no file).

        Args:
            submission: The submission.

        Returns:
            The kept file's lines.
        """
        try:
            with open(self.results_path(submission), "rb") as stream:
                return sum(1 for line in stream if line.strip())
        except OSError:
            return 0

    def remove(self, submission: Submission) -> None:
        """Forget a submission: its kept answers first, then its state.

        In that order: a stop between the two leaves a state without answers (pruned
        later), never answers no state leads to.

        Args:
            submission: The submission.

        Raises:
            OSError: When a file cannot be removed.
        """
        for path in (self.results_path(submission), self.folder / f"{submission.key}.json"):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()

    def find(self, prefix: str) -> list[Submission]:
        """The submissions whose key starts with ``prefix`` or that hold a batch of that id.

        Args:
            prefix: A key's start, or a batch id.

        Returns:
            The matches.
        """
        return [s for s in self.all() if s.key.startswith(prefix.lower()) or
                any(p.id == prefix for p in s.batches)]


class Busy(LLMDocError):
    """Another process holds the batch state (``StateLock``): this one must not touch it."""


if sys.platform == "win32":  # pragma: no cover - the lock Windows has
    import msvcrt

    def _try_lock(fd: int) -> bool:
        """Lock a file's first byte without waiting; False when another process holds it."""
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        """Lock a file without waiting; False when another process holds it."""
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True


class StateLock:
    """The batch state folder, held by this process alone while it reads and changes it.

    Two ``generate --batch`` runs over the same state would race: one prunes a kept answer
    the other has not read yet, or both submit what no submission holds (paid twice). The
    lock is the kernel's (``flock``; ``msvcrt.locking`` on Windows) on a file in the state
    folder, not the file's existence: it goes with the process that held it, so a run that
    crashed or was killed leaves no lock behind. The file itself stays (removing it would
    let two runs lock two different files); it holds the last holder's process id, for the
    message.

    Args:
        states: The state folder.

    Raises:
        Busy: When another process holds it.
        OSError: When the lock file cannot be opened.
    """

    def __init__(self, states: States) -> None:
        path = states.folder / LOCK_NAME
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | \
            getattr(os, "O_CLOEXEC", 0)
        fd = os.open(path, flags, 0o600)
        if not _try_lock(fd):
            try:
                holder = os.read(fd, 32).decode("ascii", "replace").strip()
            except OSError:  # Windows: the locked byte cannot be read
                holder = ""
            finally:
                os.close(fd)
            who = f" (process {holder})" if holder.isdigit() else ""
            raise Busy(f"another llm-doc run{who} is using the batch state in "
                       f"{states.folder}: run the same command again once it has ended")
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        self._fd: int | None = fd

    def release(self) -> None:
        """Let another process take the state (closing the file drops the lock)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


@dataclass
class Pruned:
    """What ``prune`` did.

    Attributes:
        answers: Kept answers dropped (the answer cache holds them, or they are unusable).
        removed: Submissions forgotten (applied, no answer kept).
        held: Applied submissions kept because they hold answers no run has cached yet.
        waiting: Submissions kept because they are not applied (in flight, or done and not
            downloaded: forgetting them would pay twice).
    """

    answers: int = 0
    removed: int = 0
    held: int = 0
    waiting: int = 0


def _drop_answers(states: States, submission: Submission, done: set[str]) -> int:
    """Rewrite a submission's kept answers without those in ``done``; how many went."""
    path = states.results_path(submission)
    try:
        with open(path, "rb") as stream:
            lines = stream.readlines()
    except FileNotFoundError:
        return 0
    kept = []
    for line in lines:
        try:
            key = json.loads(line).get("custom_id")
        except (ValueError, AttributeError, RecursionError):
            key = None  # not one of ours: its request is unknown, so it is not kept either
        if isinstance(key, str) and key not in done:
            kept.append(line)
    if len(kept) == len(lines):
        return 0
    if kept:
        write_file(path, kept)  # whole or not at all: a stop leaves the old file
    else:
        path.unlink()
    return len(lines) - len(kept)


def prune(states: States, done: set[str] | None = None, scope: str | None = None,
          before: float | None = None, answers: bool = False) -> Pruned:
    """Drop what no run needs any more: used answers, then applied submissions.

    A kept answer goes once its request's answer is in the answer cache (or it proved
    unusable): ``done``, for the submissions of ``scope``. An applied submission with no
    answer kept goes when it was created before ``before``. A submission not applied is
    never touched: its batches are in flight or their answers not downloaded yet.

    Args:
        states: The kept submissions.
        done: The custom_ids whose kept answers are no longer needed (None: none).
        scope: The scope whose kept answers ``done`` speaks of (None: every scope).
        before: Forget applied submissions with no answer kept created before this time
            (None: keep them all).
        answers: Drop every kept answer of applied submissions too (a region no run has
            asked since then costs a request when it is asked).

    Returns:
        What was dropped and kept.

    Raises:
        OSError: When a file cannot be rewritten or removed.
    """
    pruned = Pruned()
    for submission in states.all():
        if not submission.applied:
            pruned.waiting += 1
            continue
        if done and (scope is None or submission.scope == scope):
            pruned.answers += _drop_answers(states, submission, done)
        if answers:
            dropped = states.kept(submission)
            with contextlib.suppress(FileNotFoundError):
                states.results_path(submission).unlink()
            pruned.answers += dropped
        if states.kept(submission):
            pruned.held += 1
        elif before is not None and submission.created < before:
            states.remove(submission)
            pruned.removed += 1
    return pruned


class Service:
    """The files and batches endpoints of the model provider's server, through ``openai``.

    Args:
        model: The model provider (its settings: server, key, Azure API version).

    Attributes:
        model: The model provider.
        client: The synchronous client (a few requests: the library's own retries are on).
    """

    def __init__(self, model: ModelProvider) -> None:
        self.model = model
        settings = model.settings
        self.client: openai.OpenAI
        if settings.kind == "azure":
            self.client = openai.AzureOpenAI(
                azure_endpoint=settings.azure_endpoint or "", api_version=settings.api_version,
                api_key=settings.api_key, max_retries=2, timeout=max(settings.timeout, 60.0))
        else:
            self.client = openai.OpenAI(base_url=settings.base_url, api_key=settings.api_key,
                                        max_retries=2, timeout=max(settings.timeout, 60.0))

    def _failed(self, what: str, exc: openai.OpenAIError) -> ProviderError:
        """The one-line error of a failed call to the files or batches endpoints."""
        said = exc.message if isinstance(exc, openai.APIError) else str(exc)
        status = f"HTTP {exc.status_code}: " if isinstance(exc, openai.APIStatusError) else ""
        return ProviderError(self.model.redact(f"{what} at {self.model.where} failed: "
                                               f"{status}{said}"))

    def submit(self, lines: Sequence[bytes], name: str, key: str, part: int) -> Part:
        """Upload one input file and create its batch.

        Args:
            lines: The input file's lines.
            name: The uploaded file's name.
            key: The submission's key (kept in the batch's metadata, to find it again).
            part: Which file of the submission (1, 2, ...).

        Returns:
            The batch.

        Raises:
            ProviderError: When the server refuses or cannot be reached.
        """
        url = AZURE_URL if self.model.settings.kind == "azure" else OPENAI_URL
        try:
            uploaded = self.client.files.create(file=(name, b"".join(lines), "application/jsonl"),
                                                purpose="batch")
        except openai.OpenAIError as exc:
            raise self._failed("uploading the batch input file", exc) from None
        try:
            batch = self.client.batches.create(
                input_file_id=uploaded.id, endpoint=url, completion_window=WINDOW,  # type: ignore[arg-type]
                metadata={"llm_doc": key[:64], "part": str(part)})
        except openai.OpenAIError as exc:
            raise self._failed("creating the batch", exc) from None
        made = Part(_checked(batch.id), _checked(uploaded.id), len(lines))
        _update(made, batch)
        return made

    def refresh(self, part: Part) -> None:
        """Ask the server for a batch's status and files.

        Args:
            part: The batch (updated in place).

        Raises:
            ProviderError: When the server refuses or cannot be reached.
        """
        try:
            batch = self.client.batches.retrieve(part.id)
        except openai.OpenAIError as exc:
            raise self._failed(f"asking for batch {part.id}", exc) from None
        _update(part, batch)

    def cancel(self, part: Part) -> None:
        """Cancel a batch (what it answered so far stays in its output).

        Args:
            part: The batch (its status updated).

        Raises:
            ProviderError: When the server refuses or cannot be reached.
        """
        try:
            batch = self.client.batches.cancel(part.id)
        except openai.OpenAIError as exc:
            raise self._failed(f"cancelling batch {part.id}", exc) from None
        _update(part, batch)

    def download(self, file_id: str) -> Iterator[bytes]:
        """A results file's content, line by line.

        Args:
            file_id: The file.

        Returns:
            Its lines.

        Raises:
            ProviderError: When the server refuses or cannot be reached.
        """
        try:
            content = self.client.files.content(file_id)
            data = content.read()
        except openai.OpenAIError as exc:
            raise self._failed(f"downloading file {file_id}", exc) from None
        return iter(data.splitlines(keepends=True))

    def close(self) -> None:
        """Close the client."""
        self.client.close()


def _update(part: Part, batch: Any) -> None:
    """Take a batch's status and files from the server's word (ids checked)."""
    if batch.status in STATUSES:
        part.status = batch.status
    part.output_file_id = _checked(batch.output_file_id) if batch.output_file_id else None
    part.error_file_id = _checked(batch.error_file_id) if batch.error_file_id else None


def _checked(value: str) -> str:
    """An id from the server, refused unless it is plain (it names files and goes in JSON)."""
    if not isinstance(value, str) or not _SAFE.fullmatch(value):
        raise ProviderError(f"the server gave an id that is not plain: "
                            f"{printable(repr(value), limit=80)}")
    return value


class _Lines:
    """A binary stream's ``readline`` over lines already split."""

    def __init__(self, lines: Iterator[bytes]) -> None:
        self._lines = lines
        self._rest = b""

    def readline(self, limit: int = -1) -> bytes:
        line = self._rest or next(self._lines, b"")
        if 0 <= limit < len(line):
            line, self._rest = line[:limit], line[limit:]
        else:
            self._rest = b""
        return line


def downloaded(service: Service, submissions: Iterable[Submission]) -> Results:
    """Download and read the output and error files of finished submissions.

    Args:
        service: The server's endpoints.
        submissions: Submissions whose batches are all finished.

    Returns:
        Their results; a request a batch did not answer (it expired, failed or was
        cancelled first) is a failure saying so.

    Raises:
        ProviderError: When a file cannot be downloaded.
    """
    results = Results()
    for submission in submissions:
        for part in submission.batches:
            for file_id in (part.output_file_id, part.error_file_id):
                if file_id is not None:
                    read_results([(f"batch {part.id} file {file_id}",
                                   _Lines(service.download(file_id)))], results)
        start = 0
        for part in submission.batches:
            # A submission's ids are its parts' lines, in order.
            ids = submission.ids[start:start + part.requests]
            start += part.requests
            said = {"expired": "expired (not done within 24 h)", "failed": "failed",
                    "cancelled": "was cancelled"}.get(part.status, "did not answer it")
            for key in ids:
                results.outcomes.setdefault(key, Outcome(
                    f"batch {part.id}", None, f"not answered: the batch {said}; a re-run "
                    "submits it again"))
    return results


def now() -> float:
    """The time, for a submission's ``created``."""
    return time.time()
