"""Providers that ask a language model: OpenAI, Azure OpenAI and OpenAI-compatible servers.

Requests use Chat Completions with structured outputs (``chat.completions.parse`` with the
pydantic schema's ``response_format: json_schema, strict: true``). The answer is validated
by pydantic on our side, because compatible servers do not all enforce the schema.
Transport failures are retried by our policy (the client's own retries are off, so that
backoff, ``Retry-After`` and counting happen in one place); a bad answer is retried once
with the problem stated, then fails its region alone.
"""

from __future__ import annotations

import asyncio
import logging
import time
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field

import openai
import pydantic

from llm_doc_manager.config import Settings
from llm_doc_manager.docstrings import SCHEMA_FOR, AnySchema
from llm_doc_manager.errors import ConfigError, FatalProviderError, ProviderError
from llm_doc_manager.providers.answer_cache import make_key
from llm_doc_manager.providers.base import DocRequest, Usage
from llm_doc_manager.providers.prompting import PROMPT_VERSION, messages, response_format
from llm_doc_manager.providers.retry import RateLimiter, RetryPolicy, is_retryable_status

DEFAULT_MODEL = "gpt-4.1-mini"
DEFAULT_TIMEOUT = 60.0
DEFAULT_AZURE_API_VERSION = "2024-10-21"
# Servers such as Ollama or llama.cpp accept any key, but the client insists on one.
_NO_KEY = "no-key-needed"
# Statuses that will fail every request the same way: stop the run instead of repeating them.
_FATAL_STATUS = frozenset({401, 403, 404})

#: Connection failures in a row, before any request succeeded, that stop the run: a server
#: that is not there fails every request, so waiting out every retry of every region only
#: repeats the same message (22 s and 14 lines for a wrong port).
_CONNECT_LIMIT = 3

DEFAULT_BASE_URL = "https://api.openai.com/v1"


def display_url(url: str) -> str:
    """A URL fit to show: scheme, host, port and path; never a user, password or query.

    Args:
        url: A configured URL (it may hold credentials).

    Returns:
        The URL without its secrets.
    """
    try:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return "the configured URL"
    if ":" in host:
        host = f"[{host}]"
    if port is not None:
        host += f":{port}"
    return urllib.parse.urlunsplit((parts.scheme, host, parts.path, "", ""))

log = logging.getLogger("llm_doc_manager.requests")


class BadAnswer(Exception):
    """The model answered, but not with usable content."""


@dataclass(frozen=True)
class ModelSettings:
    """Everything a model provider needs (resolved from config, environment and flags).

    Attributes:
        kind: ``openai`` or ``azure``.
        model: Model name (the deployment for Azure).
        api_key: The secret; only ever handed to the client.
        base_url: OpenAI-compatible server URL (``openai`` only).
        azure_endpoint: Azure resource endpoint.
        api_version: Azure API version.
        timeout: Per-request timeout in seconds.
        retry: Retry policy.
        requests_per_minute: Optional rate limit.
    """

    kind: str
    model: str
    api_key: str
    base_url: str | None = None
    azure_endpoint: str | None = None
    api_version: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    requests_per_minute: float | None = None

    def __repr__(self) -> str:
        """Return a representation without the key."""
        return (f"ModelSettings(kind={self.kind!r}, model={self.model!r}, "
                f"base_url={self.base_url!r}, azure_endpoint={self.azure_endpoint!r})")

    @property
    def identity(self) -> str:
        """Where answers come from (part of the cache key; never the key itself).

        Returns:
            Kind, server and model.
        """
        server = self.azure_endpoint if self.kind == "azure" else (
            self.base_url or "https://api.openai.com/v1")
        return f"{self.kind}|{(server or '').rstrip('/')}|{self.model}"


def resolve_settings(kind: str, settings: Settings, environ: Mapping[str, str]
                     ) -> ModelSettings:
    """Check and complete the settings of a model provider from the run's and the environment.

    Args:
        kind: ``openai`` or ``azure``.
        settings: The run's settings (model, base URL, Azure endpoint and API version,
            timeout, retry policy, rate limit); the environment fills what they leave unset
            (``OPENAI_BASE_URL``, ``AZURE_OPENAI_ENDPOINT``, ``OPENAI_API_VERSION``,
            ``AZURE_OPENAI_DEPLOYMENT``).
        environ: Environment variables (the API keys come only from here).

    Returns:
        The settings a provider is built from.

    Raises:
        ConfigError: When something required is missing; the message names each piece.
    """
    model, base_url = settings.model, settings.base_url
    azure_endpoint, api_version = settings.azure_endpoint, settings.api_version
    timeout, requests_per_minute = settings.timeout, settings.requests_per_minute
    policy = RetryPolicy(settings.max_tries, settings.retry_base, settings.retry_max)
    if kind == "azure":
        endpoint = azure_endpoint or environ.get("AZURE_OPENAI_ENDPOINT")
        key = environ.get("AZURE_OPENAI_API_KEY")
        deployment = model or environ.get("AZURE_OPENAI_DEPLOYMENT")
        version = api_version or environ.get("OPENAI_API_VERSION") or \
            DEFAULT_AZURE_API_VERSION
        missing = [name for name, value in (
            ("AZURE_OPENAI_ENDPOINT (or azure-endpoint in [tool.llm-doc])", endpoint),
            ("AZURE_OPENAI_API_KEY", key),
            ("a deployment (--model, model in [tool.llm-doc] or AZURE_OPENAI_DEPLOYMENT)",
             deployment)) if not value]
        if missing:
            raise ConfigError("provider 'azure' needs " + "; ".join(missing))
        return ModelSettings("azure", str(deployment), str(key), azure_endpoint=endpoint,
                             api_version=version, timeout=timeout, retry=policy,
                             requests_per_minute=requests_per_minute)
    url = base_url or environ.get("OPENAI_BASE_URL") or None
    key = environ.get("OPENAI_API_KEY")
    if not key:
        if url is None:
            raise ConfigError("provider 'openai' needs OPENAI_API_KEY (or --base-url for a "
                              "local OpenAI-compatible server)")
        key = _NO_KEY
    return ModelSettings("openai", model or DEFAULT_MODEL, key, base_url=url, timeout=timeout,
                         retry=policy, requests_per_minute=requests_per_minute)


def _schema_problem(exc: pydantic.ValidationError) -> str:
    shown = [f"{'.'.join(str(p) for p in e['loc']) or 'answer'}: {e['msg']}"
             for e in exc.errors()[:3]]
    more = exc.error_count() - len(shown)
    return "; ".join(shown) + (f" (and {more} more)" if more > 0 else "")


class ModelProvider:
    """Asks a model for each region's content.

    Args:
        settings: Resolved settings.

    Attributes:
        settings: Resolved settings.
        name: ``openai`` or ``azure``.
        model: The model (Azure: the deployment).
        description: Provider, model and server URL (no credentials).
        usage: Requests, retries and tokens so far.
        limiter: The requests-per-minute limit.
        client: The HTTP client (its own retries are off).
    """

    keeps_human_text = False  # the model reads the current docstring and merges it
    needs_code = True
    local = False  # answers come over the network, through one client and one rate limit

    def __init__(self, settings: ModelSettings) -> None:
        self.settings = settings
        self.name = settings.kind
        self.model = settings.model
        self.description = f"{settings.kind}, model {settings.model} at {self.where}"
        self.usage = Usage()
        self.limiter = RateLimiter(settings.requests_per_minute)
        self._fatal: FatalProviderError | None = None
        self._refused = 0  # connection failures in a row while nothing has succeeded
        self._reached = False  # the server answered once (any HTTP status)
        self.client: openai.AsyncOpenAI
        if settings.kind == "azure":
            self.client = openai.AsyncAzureOpenAI(
                azure_endpoint=settings.azure_endpoint or "", azure_deployment=settings.model,
                api_version=settings.api_version, api_key=settings.api_key, max_retries=0,
                timeout=settings.timeout)
        else:
            self.client = openai.AsyncOpenAI(base_url=settings.base_url, api_key=settings.api_key,
                                             max_retries=0, timeout=settings.timeout)

    def redact(self, text: str) -> str:
        """Remove the API key from a text (servers may echo it in error bodies).

        Args:
            text: Any text bound for the user.

        Returns:
            The text without the key.
        """
        key = self.settings.api_key
        return text.replace(key, "[redacted]") if key and key != _NO_KEY else text

    @property
    def where(self) -> str:
        """The server's URL as it may be shown (no credentials)."""
        if self.settings.kind == "azure":
            return display_url(self.settings.azure_endpoint or "")
        return display_url(self.settings.base_url or DEFAULT_BASE_URL)

    def is_cached(self, request: DocRequest) -> bool:
        """Always False: without the answer cache every request is sent."""
        del request
        return False

    def cache_key(self, request: DocRequest) -> str:
        """Key under which the answer to ``request`` is cached."""
        return make_key("answer", self.settings.identity, PROMPT_VERSION, request.kind.value,
                        SCHEMA_FOR[request.kind].__name__, messages(request))

    async def generate(self, request: DocRequest) -> AnySchema:  # noqa: LD342 - raised by a callee
        """Ask the model for one region's content.

        Args:
            request: The region to document, with its code and context.

        Returns:
            The answer, validated against the kind's schema.

        Raises:
            ProviderError: When no valid answer could be had (the region fails).
            FatalProviderError: When no request can succeed (the run stops).
        """
        schema = SCHEMA_FOR[request.kind]
        sent = messages(request)
        self.usage.prompt_chars += sum(len(m["content"]) for m in sent)
        try:
            answer = await self._complete(sent, schema, request)
        except BadAnswer as first:
            # One more try, telling the model what was wrong.
            sent = [*sent, {"role": "user", "content":
                            f"Your previous answer was rejected: {first}. Answer again with "
                            "JSON that follows the schema exactly."}]
            try:
                answer = await self._complete(sent, schema, request)
            except BadAnswer as second:
                raise ProviderError(self.redact(f"unusable model answer after a second try: "
                                                f"{second}")) from None
        self.usage.answered += 1
        return answer

    async def _complete(self, sent: list[dict[str, str]], schema: type[AnySchema],
                        request: DocRequest) -> AnySchema:
        policy = self.settings.retry
        for attempt in range(1, policy.tries + 1):
            if self._fatal is not None:
                raise self._fatal
            await self.limiter.wait()
            self.usage.requests += 1
            self.usage.retries += attempt > 1
            started = time.monotonic()
            what = f"{request.kind.value} {request.qualname} (attempt {attempt})"
            try:
                # A prebuilt response_format: the client then checks finish reasons and
                # refusals, and we validate the JSON ourselves (below) with pydantic.
                completion = await self.client.chat.completions.parse(
                    model=self.settings.model, messages=sent,  # type: ignore[arg-type]
                    response_format=response_format(schema))  # type: ignore[arg-type]
            except openai.APIStatusError as exc:
                self._reached = True
                status = exc.status_code
                if status in _FATAL_STATUS:
                    self._fatal = FatalProviderError(self.redact(
                        f"HTTP {status} from the model server at {self.where} for model "
                        f"{self.settings.model!r}: {exc.message}"))
                    raise self._fatal from None
                if not is_retryable_status(status) or attempt == policy.tries:
                    raise ProviderError(self.redact(
                        f"HTTP {status} from the model server after {attempt} "
                        f"attempt{'s' if attempt > 1 else ''}: {exc.message}")) from None
                await self._pause(attempt, exc.response.headers, f"HTTP {status}", what)
                continue
            except openai.APIConnectionError as exc:
                timed_out = isinstance(exc, openai.APITimeoutError)
                problem = "timed out" if timed_out else f"connection failed ({exc.message})"
                if not timed_out and not self._reached:
                    self._refused += 1
                    if self._refused >= _CONNECT_LIMIT:
                        self._fatal = self._fatal or FatalProviderError(self.redact(
                            f"cannot connect to the model server at {self.where} "
                            f"({exc.message}); is it running, and is the URL right?"))
                        raise self._fatal from None
                if attempt == policy.tries:
                    raise ProviderError(self.redact(
                        f"no answer after {attempt} attempts: {problem}")) from None
                await self._pause(attempt, None, problem, what)
                continue
            except openai.LengthFinishReasonError as exc:
                self._count(exc.completion.usage)
                raise BadAnswer("the answer was cut off (finish_reason=length)") from None
            except openai.ContentFilterFinishReasonError:
                raise BadAnswer("the content filter stopped the answer") from None
            self._reached = True
            self._count(completion.usage)
            log.info("%s -> ok in %.2f s", what, time.monotonic() - started)
            if not completion.choices:
                raise BadAnswer("the answer has no choices")
            message = completion.choices[0].message
            if message.refusal:
                raise BadAnswer(f"the model refused: {message.refusal[:200]}")
            if not message.content:
                raise BadAnswer("the answer is empty")
            try:
                return schema.model_validate_json(message.content)
            except pydantic.ValidationError as exc:
                raise BadAnswer(f"the JSON does not match the schema: "
                                f"{_schema_problem(exc)}") from None
        raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover

    async def _pause(self, attempt: int, headers: Mapping[str, str] | None, problem: str,
                     what: str) -> None:
        delay = self.settings.retry.delay(attempt, headers)
        log.info("%s -> %s; retrying in %.2f s", what, self.redact(problem), delay)
        await asyncio.sleep(delay)

    def _count(self, usage: object) -> None:
        self.usage.prompt_tokens += int(getattr(usage, "prompt_tokens", 0) or 0)
        self.usage.completion_tokens += int(getattr(usage, "completion_tokens", 0) or 0)

    def remember(self, request: DocRequest, answer: AnySchema, settled: str) -> None:
        """Nothing to remember without a cache (see ``CachedProvider``)."""

    async def aclose(self) -> None:
        """Close the HTTP client."""
        await self.client.close()
