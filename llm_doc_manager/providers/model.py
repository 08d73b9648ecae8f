"""Providers that ask a language model: OpenAI, Azure OpenAI and OpenAI-compatible servers.

Requests use Chat Completions with structured outputs (``chat.completions.parse`` with the
pydantic schema's ``response_format: json_schema, strict: true``), a ``max_tokens`` bound
from the schema, ``temperature`` and ``seed``. The answer is validated by pydantic on our
side, because compatible servers do not all enforce the schema. A server that refuses
``json_schema`` (its error names it) is asked next for ``json_object`` with the schema in
``response_format.schema`` (llama.cpp's servers make it a grammar) and in the prompt, and
one that refuses that too for plain ``json_object`` with the schema in the prompt. Transport
failures are retried by our policy (the client's own retries are off, so that backoff,
``Retry-After`` and counting happen in one place); a bad answer is retried once with the
problem stated, then fails its region alone. A failure that repeats (the same HTTP status
and error on consecutive requests, or a server that stops accepting connections) stops the
run: the regions not yet answered fail at once with a short message, and ``stop_notice``
says once what happened and what is left.

The model's identity is asked once per run (``GET /models``), before the first request: the
listed entry of the model is part of the cache key, with the ``model-fingerprint`` setting,
so a model swapped behind the same name does not reuse the old model's answers; a name the
server does not list, where it lists several, stops the run before any request. Until a
region misses the cache, the identity the last run learned from this server
(``ServerMemory``, kept by ``CachedProvider``) stands in for it, with the request shape the
server took: a run answered wholly from the cache sends nothing.

The server is not trusted either: its URL is checked before any request, every message
built from what it sends is one line with the key and the URL's credentials redacted, and
an answer that is not a chat completion fails its region with one sentence saying so.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import re
import threading
import time
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import openai
import pydantic

from llm_doc_manager.config import Settings
from llm_doc_manager.docstrings import SCHEMA_FOR, AnySchema
from llm_doc_manager.docstrings.schemas import read_answer
from llm_doc_manager.errors import (
    ConfigError,
    FatalProviderError,
    ProviderError,
    is_hidden,
    printable,
)
from llm_doc_manager.providers.answer_cache import NOTE_PREFIX, make_key
from llm_doc_manager.providers.base import DocRequest, Usage
from llm_doc_manager.providers.cost import (
    ESTIMATE,
    Estimate,
    NotSent,
    Price,
    Tokenizer,
    completion_tokens,
    dollars,
    price_of,
    prompt_tokens,
)
from llm_doc_manager.providers.prompting import (
    PROMPT_VERSION,
    max_tokens,
    messages,
    object_format,
    response_format,
    with_schema,
)
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
#: repeats the same message (22 s and 14 lines for a wrong port). The same number of
#: answers that are not chat completions, before any that is, stops it too: the URL points
#: at something that is not an OpenAI-compatible API (a web page, another service).
_CONNECT_LIMIT = 3

#: The same HTTP failure (status and error text) on this many consecutive requests stops
#: the run: a server that refuses a request shape, or fails on every request the same way,
#: would otherwise be asked every region ``max-tries`` times (41 regions, 205 requests and
#: 317 s for a server that refused ``json_schema``). Three, not two: a 500 that passes on
#: the third try (a server restarting) still recovers, whatever else is in flight.
_SAME_FAILURE_LIMIT = 3
#: Statuses by which a server asks to be tried later: retried by the policy, never a stop.
_LATER_STATUS = frozenset({429, 503})
#: Statuses with which a server refuses a request shape it does not support.
_SHAPE_STATUS = frozenset({400, 422, 500})
_NAMES_SCHEMA_FORMAT = re.compile(r"response_format|json_schema", re.IGNORECASE)
#: How the log names what is asked for in each fallback shape.
_SAID = {"json_object+schema": "json_object with the schema in response_format.schema (a "
                               "grammar for llama.cpp's servers) and in the prompt",
         "json_object": "json_object with the schema in the prompt only"}
#: Fields of a ``/models`` entry that name the model. ``created`` and ``permission`` are
#: left out: llama-server and vLLM fill them afresh on every call.
_IDENTITY_FIELDS = ("id", "root", "parent", "owned_by", "meta", "max_model_len")
#: Most model names an error message lists.
_LISTED = 20
DEFAULT_SEED = 1
#: The request shapes, in the order they are tried (see the module's docstring).
SCHEMA_MODES = ("json_schema", "json_object+schema", "json_object")

DEFAULT_BASE_URL = "https://api.openai.com/v1"

T = TypeVar("T")


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


def url_secrets(url: str) -> tuple[str, ...]:
    """Every form in which a URL's credentials may come back in a server's message.

    The password (as written and decoded), the whole user information, the user name when
    it is the only credential (a token given as the user), and the ``Basic`` value the HTTP
    client sends for them. Values under four characters are left out: replacing them would
    erase ordinary words, and so short a credential protects nothing.

    Args:
        url: A configured URL, valid or not.

    Returns:
        The values to redact.
    """
    netloc = re.split(r"[/?#]", url.split("://", 1)[-1], maxsplit=1)[0]
    userinfo = netloc.rpartition("@")[0]
    if not userinfo:
        return ()
    user, _, password = userinfo.partition(":")
    plain_user, plain_password = urllib.parse.unquote(user), urllib.parse.unquote(password)
    found = {userinfo, urllib.parse.unquote(userinfo), password, plain_password,
             base64.b64encode(f"{plain_user}:{plain_password}".encode()).decode()}
    if not password:
        found |= {user, plain_user}
    return tuple(sorted((s for s in found if len(s) >= 4), key=len, reverse=True))


def _without_credentials(url: str) -> str:
    """The URL with its user information removed (everything else kept, query included)."""
    parts = urllib.parse.urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urllib.parse.urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def check_url(url: str, what: str) -> None:
    """Refuse a server URL the HTTP client could not use, before any request is made.

    Args:
        url: The configured URL (it may hold credentials; they are never shown).
        what: What it is, for the message (``base URL``, ``Azure endpoint``).

    Raises:
        ConfigError: When it is not ``http(s)://host[:port][/path]``; the message says why.
    """
    def refuse(why: str) -> ConfigError:
        return bad_url(url, what, why)

    if any(c.isspace() or is_hidden(c) for c in url):
        raise refuse("it holds a space or a control character")
    try:
        parts = urllib.parse.urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError as exc:
        problem = str(exc)
        raise refuse("a '[' opens an IPv6 address that no ']' closes" if "IPv6" in problem
                     else "the port is not in 1-65535" if "out of range" in problem
                     else "the port is not a number") from None
    if parts.scheme not in ("http", "https"):
        raise refuse(f"the scheme is {parts.scheme + '://'!r}, not http:// or https://"
                     if parts.scheme and parts.netloc else "it does not start with http:// "
                     "or https://")
    if not host:
        raise refuse("there is no host")
    if port == 0:
        raise refuse("the port is not in 1-65535")
    # What is left (a host name IDNA does not allow, ...) the HTTP client judges: see
    # ModelProvider, which turns its refusal into the same one line.


def bad_url(url: str, what: str, why: str) -> ConfigError:
    """The one-line error for an unusable URL (shown without its credentials)."""
    shown = printable(url, url_secrets(url), limit=120)
    return ConfigError(printable(f"invalid {what} {shown!r}: {why} (expected "
                                 "http://host[:port]/path or https://…)", url_secrets(url)))


def _glimpse(body: bytes) -> str:
    """The start of a body, for a message (made one safe line by the caller)."""
    text = body[:80].decode("utf-8", "replace")
    return repr(text + ("…" if len(body) > 80 else ""))


def _is_completion(data: object) -> bool:
    """Whether JSON has the shape of a chat completion (what the client then reads of it)."""
    if not isinstance(data, dict) or not isinstance(data.get("choices"), list):
        return False
    for choice in data["choices"]:
        message = choice.get("message") if isinstance(choice, dict) else None
        if not isinstance(message, dict) or \
                not isinstance(choice.get("finish_reason"), str | None) or \
                not all(isinstance(message.get(k), str | None) for k in ("content", "refusal")) \
                or message.get("tool_calls"):  # never asked for: not an answer to us
            return False
    return isinstance(data.get("usage"), dict | None)


def not_a_completion(content_type: str, body: bytes) -> str | None:
    """Say what a successful HTTP answer is when it is not a chat completion.

    Args:
        content_type: The answer's Content-Type header.
        body: The answer's body.

    Returns:
        None for a chat completion (in shape), else a description such as
        ``text/html, not JSON: '<html>…'``.
    """
    kind = content_type.split(";", 1)[0].strip() or "no Content-Type"
    if not body.strip():
        return f"an empty body ({kind})"
    try:
        data = json.loads(body)
    except ValueError:  # UnicodeDecodeError included
        return f"{kind}, not JSON (cut off?): {_glimpse(body)}" if "json" in kind else \
            f"{kind}, not JSON: {_glimpse(body)}"
    return None if _is_completion(data) else \
        f"JSON that is not a chat completion: {_glimpse(body)}"


log = logging.getLogger("llm_doc_manager.requests")


class BadAnswer(Exception):
    """The model answered, but not with usable content."""


class NotACompletion(Exception):
    """The server answered with something that is not a chat completion."""


class RunStopped(ProviderError):
    """The run stopped on a repeated failure: this region was not (fully) asked."""


def _is_listing(served: str) -> bool:
    """Whether text is what ``identify`` returns: empty, or a JSON object with a string id."""
    if not served:
        return True
    try:
        entry = json.loads(served)
    except (ValueError, RecursionError):
        return False
    return isinstance(entry, dict) and isinstance(entry.get("id"), str)


@dataclass(frozen=True)
class ServerMemory:
    """What a run learned of a server and its model, kept for the next run.

    Stored in the answer cache's store as checked JSON (never pickle), under
    ``ModelProvider.memory_key``: the server's URL without credentials, the model's name and
    ``model-fingerprint``. Nothing in it is secret (``shown`` is redacted before it is kept).

    Attributes:
        served: What the server listed of the model (``ModelProvider.served``).
        mode: The request shape the server took (one of ``SCHEMA_MODES``).
        shown: How the summary named the model (name and fingerprint).
    """

    served: str
    mode: str
    shown: str

    def dump(self) -> str:
        """Return the memory as JSON, for the store.

        Returns:
            A JSON object of the three fields.
        """
        return json.dumps({"served": self.served, "mode": self.mode, "shown": self.shown},
                          sort_keys=True, ensure_ascii=False)

    @classmethod
    def load(cls, text: str) -> ServerMemory | None:
        """Read a stored memory, checked whole: anything else is no memory.

        Args:
            text: What the store holds (the cache folder may be shared or planted).

        Returns:
            The memory, or None when the text is not exactly what ``dump`` writes.
        """
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            return None
        if not isinstance(data, dict) or set(data) != {"served", "mode", "shown"} or \
                not all(isinstance(v, str) for v in data.values()) or \
                data["mode"] not in SCHEMA_MODES or not _is_listing(data["served"]):
            return None
        # ``shown`` goes to the terminal: made one safe line again, whoever wrote it.
        return cls(data["served"], data["mode"], printable(data["shown"], limit=200))


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
        max_tokens: Token bound of every answer; None: one per request kind, from its
            schema; 0: none is sent.
        temperature: Sampling temperature sent with every request.
        seed: Sampling seed sent with every request.
        fingerprint: What the user says names the model (``model-fingerprint``).
        max_cost: Most US dollars the run may spend (``max-cost``); None: no limit.
        price: The model's price (``providers.cost``), or None when unknown.
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
    max_tokens: int | None = None
    temperature: float = 0.0
    seed: int = DEFAULT_SEED
    fingerprint: str = ""
    max_cost: float | None = None
    price: Price | None = None

    def __repr__(self) -> str:
        """Return a representation without the key or the URLs' credentials."""
        base_url, endpoint = (None if url is None else display_url(url)
                              for url in (self.base_url, self.azure_endpoint))
        return (f"ModelSettings(kind={self.kind!r}, model={self.model!r}, "
                f"base_url={base_url!r}, azure_endpoint={endpoint!r})")

    @property
    def server(self) -> str:
        """The URL requests go to, as configured (it may hold credentials)."""
        if self.kind == "azure":
            return self.azure_endpoint or ""
        return self.base_url or DEFAULT_BASE_URL

    @property
    def secrets(self) -> tuple[str, ...]:
        """What no message may show: the API key and every form of the URL's credentials."""
        key = (self.api_key,) if self.api_key != _NO_KEY and len(self.api_key) >= 4 else ()
        return key + url_secrets(self.server)

    @property
    def identity(self) -> str:
        """Where answers come from (part of the cache key; never the key itself).

        Returns:
            Kind, server and model. The URL's credentials are left out: they do not change
            the answers, and a key should not hold a secret even hashed.
        """
        return f"{self.kind}|{_without_credentials(self.server).rstrip('/')}|{self.model}"


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
        ConfigError: When something required is missing (the message names each piece), or
            the base URL or Azure endpoint is not a usable ``http(s)`` URL.
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
        check_url(str(endpoint), "Azure endpoint")
        return ModelSettings("azure", str(deployment), str(key), azure_endpoint=endpoint,
                             api_version=version, timeout=timeout, retry=policy,
                             requests_per_minute=requests_per_minute,
                             max_tokens=settings.max_tokens, temperature=settings.temperature,
                             seed=settings.seed, fingerprint=settings.model_fingerprint,
                             max_cost=settings.max_cost,
                             price=price_of(settings.azure_model or str(deployment),
                                            dict(settings.prices)))
    url = base_url or environ.get("OPENAI_BASE_URL") or None
    if url is not None:
        check_url(url, "base URL")
    key = environ.get("OPENAI_API_KEY")
    if not key:
        if url is None:
            raise ConfigError("provider 'openai' needs OPENAI_API_KEY (or --base-url for a "
                              "local OpenAI-compatible server)")
        key = _NO_KEY
    return ModelSettings("openai", model or DEFAULT_MODEL, key, base_url=url, timeout=timeout,
                         retry=policy, requests_per_minute=requests_per_minute,
                         max_tokens=settings.max_tokens, temperature=settings.temperature,
                         seed=settings.seed, fingerprint=settings.model_fingerprint,
                         max_cost=settings.max_cost,
                         price=price_of(model or DEFAULT_MODEL, dict(settings.prices)))


def _schema_problem(exc: pydantic.ValidationError) -> str:
    shown = [f"{'.'.join(str(p) for p in e['loc']) or 'answer'}: {e['msg']}"
             for e in exc.errors()[:3]]
    more = exc.error_count() - len(shown)
    return "; ".join(shown) + (f" (and {more} more)" if more > 0 else "")


class ModelProvider:
    """Asks a model for each region's content.

    Args:
        settings: Resolved settings.

    Raises:
        ConfigError: When the HTTP client refuses the URL (what ``check_url`` cannot tell).

    Attributes:
        settings: Resolved settings.
        name: ``openai`` or ``azure``.
        model: The model (Azure: the deployment).
        description: Provider, model and server URL (no credentials).
        usage: Requests, retries and tokens so far.
        limiter: The requests-per-minute limit.
        client: The HTTP client (its own retries are off).
        schema_mode: The request shape in use (``SCHEMA_MODES``): ``json_schema`` until the
            server refuses it (this run, or a run remembered for the same model).
        served: What the server lists for the model (``GET /models``), as JSON; empty when
            it lists nothing; None when it was not asked (yet).
        remembered: What an earlier run learned of this server, or None.
        changed_from: How the remembered model was named, when the server now serves
            another one; else None.
        answered_as: The ``model`` and ``system_fingerprint`` of the first answer.
        stopped: Why the run stopped (a repeated failure, the cost limit), or None.
        left: Regions not answered because the run stopped.
        dry_run: Send nothing: each request is estimated (``estimate``) and fails with
            ``NotSent``; the server is not asked who answers either.
        estimate: What the dry run would have sent.
        tokens: How requests' tokens are counted (``cost.tokenizer_for``, set by a run that
            estimates first; else the estimate).
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
        self.schema_mode = "json_schema"
        self.served: str | None = None  # None: not asked yet
        self.remembered: ServerMemory | None = None
        self.changed_from: str | None = None
        self.answered_as: str | None = None
        self._answer_model: str | None = None  # the first answer's ``model``
        self._answer_fingerprint: str | None = None  # ... and ``system_fingerprint``
        self.stopped: str | None = None
        self.left = 0
        self.dry_run = False
        self.estimate = Estimate()
        self.tokens: Tokenizer = ESTIMATE
        self._reserved = 0.0  # estimated cost of the requests in flight (max-cost)
        self._unreported = [0, 0]  # estimated tokens of answers that reported no usage
        self._identity_lock = threading.Lock()
        self._fatal: FatalProviderError | None = None
        self._refused = 0  # connection failures in a row (no HTTP answer in between)
        self._reached = False  # the server answered once (any HTTP status)
        self._strange = 0  # answers that were not chat completions, while none was
        self._understood = False  # the server answered one chat completion
        self._last_failure: tuple[int, str] | None = None  # the last HTTP failure
        self._same = 0  # consecutive requests that failed with it
        self.client: openai.AsyncOpenAI
        try:
            if settings.kind == "azure":
                self.client = openai.AsyncAzureOpenAI(
                    azure_endpoint=settings.azure_endpoint or "",
                    azure_deployment=settings.model, api_version=settings.api_version,
                    api_key=settings.api_key, max_retries=0, timeout=settings.timeout)
            else:
                self.client = openai.AsyncOpenAI(
                    base_url=settings.base_url, api_key=settings.api_key, max_retries=0,
                    timeout=settings.timeout)
        except Exception as exc:  # the HTTP library's own URL error class, whichever it is
            # check_url has refused what it can say clearly; the client has the last word
            # (IDNA 2008 host names, ...), and its refusal is a usage error all the same.
            raise bad_url(settings.server, "Azure endpoint" if settings.kind == "azure"
                          else "base URL", f"the HTTP client refuses it ({exc})") from None

    def redact(self, text: str) -> str:
        """Make a message safe to show: servers echo keys, URLs and headers in error bodies.

        Args:
            text: Any text bound for the user (it may hold what the server sent).

        Returns:
            One line without the key, the URL's credentials, key-shaped tokens or
            characters that hide or reorder text.
        """
        return printable(text, self.settings.secrets)

    @property
    def where(self) -> str:
        """The server's URL as it may be shown (no credentials)."""
        return display_url(self.settings.server)

    def is_cached(self, request: DocRequest) -> bool:
        """Always False: without the answer cache every request is sent."""
        del request
        return False

    def identify(self) -> str:  # noqa: LD342 - raised by a callee
        """Ask the server once which model answers, and check it serves the name asked for.

        Called before the first request, and before the first cache key when no earlier
        run left what it learned of this server (``recall``); from synchronous code too
        (``is_cached``): one short request, once per run.

        Returns:
            The listed entry of the model as JSON (``served``); empty when the server lists
            nothing usable (no ``/models``, an error); what the last run learned when no
            answer came (a server that is down has not changed its model).

        Raises:
            FatalProviderError: When the server lists several models and not this one.
        """
        with self._identity_lock:
            if self.served is None:
                if self.dry_run:  # nothing is sent: the last run's word stands for it
                    return self.remembered.served if self.remembered is not None else ""
                listed = self._list_models()
                if listed is None:
                    # Not reachable now: that says nothing of which model it serves, so
                    # what the last run learned still stands (the requests say the rest).
                    listed = self.remembered.served if self.remembered is not None else ""
                self._compare_memory(listed)
                self.served = listed
        return self.served

    def _compare_memory(self, served: str) -> None:
        """Use what an earlier run learned, if the server still serves that model."""
        memory = self.remembered
        if memory is None:
            return
        if memory.served != served:
            # Another model behind the same URL and name: what the old one's server took
            # is learned again, and the answers are asked of the new one.
            self.changed_from = memory.shown
            log.info("the model server at %s serves another model than when the cache was "
                     "written (%s): its answers are asked for, its request shape learned again",
                     self.where, memory.shown)
            return
        if self.schema_mode == SCHEMA_MODES[0] and memory.mode != self.schema_mode:
            self.schema_mode = memory.mode
            log.info("the model server at %s is asked with response_format %s (learned in an "
                     "earlier run)", self.where, memory.mode)

    def memory_key(self) -> str:
        """The store's key of what runs learn of this server and model (``ServerMemory``).

        Returns:
            A digest of the kind, the URL without credentials, the model's name and
            ``model-fingerprint``.
        """
        return NOTE_PREFIX + make_key("server-v1", self.settings.identity,
                                      self.settings.fingerprint)

    def recall(self, memory: ServerMemory) -> None:
        """Take what an earlier run learned of this server, before anything is asked.

        Args:
            memory: The stored memory (checked by ``ServerMemory.load``).
        """
        with self._identity_lock:
            if self.served is None:
                self.remembered = memory

    def learned(self) -> ServerMemory | None:
        """What this run learned of the server, to keep for the next run.

        Returns:
            The memory, or None when no usable answer came this run (what a server takes
            is known from its answers; a run whose every answer was refused teaches
            nothing to keep).
        """
        if self.served is None or not self.usage.answered:
            return None
        return ServerMemory(self.served, self.schema_mode, self._name_of_model())

    def _name_of_model(self) -> str:
        """The model as the server names it, with a fingerprint (see ``answered_by``)."""
        listed = ""
        if self.served and _is_listing(self.served):
            listed = json.loads(self.served)["id"]
        name = listed or self._answer_model or self.settings.model
        shown = f"model {name!r}"
        if self._answer_fingerprint:
            shown += f", system_fingerprint {self._answer_fingerprint!r}"
        elif self.settings.fingerprint:
            shown += f", model-fingerprint {self.settings.fingerprint!r}"
        return self.redact(shown)

    def answered_by(self) -> str:
        """Name the model that answered, for the run's summary.

        Returns:
            ``model '<name>'`` — the name the server lists, else the one its answers give,
            else the configured one — with the answers' ``system_fingerprint`` or else the
            configured ``model-fingerprint``; the remembered name, marked so, when the
            server was not asked; empty when nothing is known. Redacted.
        """
        if self.served is not None:
            return self._name_of_model()
        if self.remembered is not None:
            return f"{self.remembered.shown} (as last asked; the server was not asked)"
        return ""

    def _list_models(self) -> str | None:
        """What ``GET /models`` says of the model (see ``identify``); None: no answer came."""
        if self.settings.kind == "azure":  # deployments are not listed there: nothing to ask
            return ""
        try:
            with openai.OpenAI(base_url=self.settings.base_url, api_key=self.settings.api_key,
                               max_retries=0, timeout=min(self.settings.timeout, 10.0)) as sync:
                body = sync.models.with_raw_response.list().content
            listed = json.loads(body).get("data")
        except openai.APIConnectionError as exc:  # timeouts included
            log.info("the model server at %s did not answer GET /models (%s)", self.where,
                     self.redact(exc.message))
            return None
        except (openai.OpenAIError, ValueError, AttributeError, RecursionError) as exc:
            # No listing is no identity, not a failure: the requests say what is wrong.
            log.info("the model server at %s lists no models (%s); the model's identity is "
                     "its name%s", self.where, self.redact(f"{type(exc).__name__}: {exc}"),
                     self._fingerprint_note())
            return ""
        entries = [e for e in listed if isinstance(e, dict) and isinstance(e.get("id"), str)] \
            if isinstance(listed, list) else []
        if not entries:
            log.info("the model server at %s lists no models; the model's identity is its "
                     "name%s", self.where, self._fingerprint_note())
            return ""
        name = self.settings.model
        ids = [e["id"] for e in entries]
        if len(entries) == 1:
            # llama.cpp's servers list their one model (under a path or an alias) and answer
            # any name with it: the name is not checked, the real id is recorded.
            entry = entries[0]
            log.info("the model server at %s serves one model, %s: it answers whatever name "
                     "is asked for", self.where, self.redact(repr(entry["id"])))
        else:
            # Ollama answers "name" with "name:latest".
            wanted = (name, f"{name}:latest") if ":" not in name else (name,)
            found = [e for e in entries if e["id"] in wanted]
            if not found:
                shown = ", ".join(repr(i) for i in ids[:_LISTED]) + \
                    (f" and {len(ids) - _LISTED} more" if len(ids) > _LISTED else "")
                self._fatal = FatalProviderError(self.redact(
                    f"model {name!r} is not served by the model server at {self.where}; "
                    f"it serves {shown}"))
                raise self._fatal
            entry = found[0]
            log.info("the model server at %s serves %s", self.where,
                     self.redact(repr(entry["id"])))
        known = {k: entry[k] for k in _IDENTITY_FIELDS if k in entry}
        return json.dumps(known, sort_keys=True, ensure_ascii=False, default=str)

    def _fingerprint_note(self) -> str:
        return f", with model-fingerprint {self.settings.fingerprint!r}" \
            if self.settings.fingerprint else " (model-fingerprint can name it)"

    def cache_key(self, request: DocRequest) -> str:  # noqa: LD342 - raised by a callee
        """Key under which the answer to ``request`` is cached.

        Args:
            request: The region asked for.

        Returns:
            A digest of where the answer comes from (server, name, what the server lists of
            the model, ``model-fingerprint``), the prompt, the schema, temperature and seed.

        Raises:
            FatalProviderError: When the server does not serve the model (``identify``).
        """
        sampling = {"temperature": self.settings.temperature, "seed": self.settings.seed}
        # The server is asked who answers only when a region is asked for (``generate``):
        # until then the identity the last run learned stands for it, so answers cached
        # under it are found without a request (see ``ServerMemory``).
        served = self.served if self.served is not None else \
            self.remembered.served if self.remembered is not None else self.identify()
        return make_key("answer", self.settings.identity, served,
                        self.settings.fingerprint, PROMPT_VERSION, request.kind.value,
                        SCHEMA_FOR[request.kind].__name__, messages(request), sampling)

    def stop_notice(self) -> str | None:
        """One line saying why the run stopped and what is left, or None when it did not.

        Returns:
            The line, for the end of the run.
        """
        if self.stopped is None:
            return None
        return (f"stopped: {self.stopped}; {self.left} region{'s' if self.left != 1 else ''} "
                "left unanswered; answers received are cached, so a re-run asks only for "
                "what is left")

    async def generate(self, request: DocRequest) -> AnySchema:  # noqa: LD342 - raised by a callee
        """Ask the model for one region's content.

        Args:
            request: The region to document, with its code and context.

        Returns:
            The answer, validated against the kind's schema.

        Raises:
            ProviderError: When no valid answer could be had (the region fails).
            RunStopped: When a repeated failure stopped the run (this region is left).
            FatalProviderError: When no request can succeed (the run stops).
        """
        if self.dry_run:
            raise self._not_sent(request)
        cost = self._reserve(request)
        self.identify()
        try:
            answer = await self._answer(request)
        except RunStopped:
            self.left += 1
            raise
        except ProviderError:
            raise
        except Exception as exc:  # the one way out is a redacted message
            # The client parses what an untrusted server sent; whatever it raises on
            # something unforeseen, its words may quote the server: redact them here.
            raise ProviderError(self.redact(f"unexpected answer from the model server at "
                                            f"{self.where}: {type(exc).__name__}: {exc}")
                                ) from None
        finally:
            self._reserved -= cost
        self.usage.answered += 1
        return answer

    def _tokens(self, request: DocRequest) -> tuple[int, int, int]:
        """Estimated prompt and completion tokens of a request, and its completion bound."""
        mode = self.remembered.mode if self.served is None and self.remembered is not None \
            else self.schema_mode
        # OpenAI and Azure show the model response_format's schema (it is billed as
        # prompt); a local server makes it a grammar.
        billed = self.settings.kind == "azure" or self.settings.base_url is None
        # None sent (max-tokens = 0): the kind's own bound stands for "at most".
        bound = int(self._sampling(request).get("max_tokens", 0)) or max_tokens(request)
        completion = completion_tokens(request, bound, self.tokens)
        return prompt_tokens(request, mode, billed, self.tokens), completion, \
            max(bound, completion)

    def estimated_tokens(self, request: DocRequest) -> tuple[int, int]:
        """Estimate a request's prompt and completion tokens, as a dry run counts them.

        Args:
            request: The region asked for.

        Returns:
            The prompt and completion tokens.
        """
        prompt, completion, _ = self._tokens(request)
        return prompt, completion

    def count(self, request: DocRequest) -> None:
        """Count a request a dry run would send into ``estimate`` (sending nothing).

        Args:
            request: The region asked for.
        """
        self.estimate.add(*self._tokens(request))

    def _not_sent(self, request: DocRequest) -> NotSent:
        """Count a request a dry run would send; the error its region gets instead."""
        self.count(request)
        return NotSent("not sent: dry run")

    def spent(self) -> float:
        """Return what the run has cost so far: the tokens the server counted, else estimated.

        Returns:
            US dollars; 0 when the model's price is unknown.
        """
        price = self.settings.price
        if price is None:
            return 0.0
        return price.cost(self.usage.prompt_tokens + self._unreported[0],
                          self.usage.completion_tokens + self._unreported[1])

    def _reserve(self, request: DocRequest) -> float:
        """Hold a request's estimated cost under ``max-cost``, or stop the run before it."""
        cap, price = self.settings.max_cost, self.settings.price
        if cap is None or price is None or self.stopped is not None:
            return 0.0
        prompt, completion, _ = self._tokens(request)
        need = price.cost(prompt, completion)
        spent = self.spent()
        if spent + self._reserved + need > cap:
            self.left += 1
            raise self._stop(f"the cost limit of {dollars(cap)} (max-cost) would be passed: "
                             f"{dollars(spent)} spent, {dollars(self._reserved)} in flight, "
                             f"the next request about {dollars(need)}")
        self._reserved += need
        return need

    async def _answer(self, request: DocRequest) -> AnySchema:
        schema = SCHEMA_FOR[request.kind]
        sent = messages(request)
        self.usage.prompt_chars += sum(len(m["content"]) for m in sent)
        try:
            return await self._complete(sent, schema, request)
        except BadAnswer as first:
            # One more try, telling the model what was wrong.
            sent = [*sent, {"role": "user", "content":
                            f"Your previous answer was rejected: {first}. Answer again with "
                            "JSON that follows the schema exactly."}]
            try:
                return await self._complete(sent, schema, request)
            except BadAnswer as second:
                raise ProviderError(self.redact(f"unusable model answer after a second try: "
                                                f"{second}")) from None

    def _sampling(self, request: DocRequest) -> dict[str, float | int]:
        """What every request carries besides the messages: the token bound, temperature, seed."""
        bound = max_tokens(request) if self.settings.max_tokens is None \
            else self.settings.max_tokens
        sent: dict[str, float | int] = {"temperature": self.settings.temperature,
                                        "seed": self.settings.seed}
        if bound:
            sent["max_tokens"] = bound
        return sent

    def _stop(self, why: str) -> RunStopped:
        """Stop the run (the first reason wins); the error for the region that saw it."""
        if self.stopped is None:
            self.stopped = self.redact(why)
            log.info("the run stops: %s", self.stopped)
        return RunStopped(self.redact(f"not answered: the run stopped ({why})"))

    def _left_out(self) -> RunStopped:
        """The error of a region not asked because the run has stopped."""
        return RunStopped("not asked: the run stopped (see the last lines)")

    def _refuses_shape(self, mode: str, status: int, message: str) -> bool:
        """Whether an HTTP error is the server refusing a request shape a later one replaces."""
        return mode != SCHEMA_MODES[-1] and status in _SHAPE_STATUS and \
            _NAMES_SCHEMA_FORMAT.search(message) is not None

    def _repeated(self, status: int, message: str) -> bool:
        """Count an HTTP failure; True when the same one has now come often enough to stop."""
        if status in _LATER_STATUS:  # the server asks to wait: the policy's Retry-After
            self._last_failure, self._same = None, 0
            return False
        failure = (status, message)
        self._same = self._same + 1 if failure == self._last_failure else 1
        self._last_failure = failure
        return self._same >= _SAME_FAILURE_LIMIT

    async def _complete(self, sent: list[dict[str, str]], schema: type[AnySchema],
                        request: DocRequest) -> AnySchema:
        policy = self.settings.retry
        attempt = 0
        while True:
            attempt += 1
            if self._fatal is not None:
                raise self._fatal
            if self.stopped is not None:
                raise self._left_out()
            await self.limiter.wait()
            self.usage.requests += 1
            self.usage.retries += attempt > 1
            started = time.monotonic()
            what = f"{request.kind.value} {request.qualname} (attempt {attempt})"
            mode = self.schema_mode
            try:
                # A prebuilt response_format: the client then checks finish reasons and
                # refusals, and we validate the JSON ourselves (below) with pydantic. The raw
                # response comes first: its shape is checked before the client reads it.
                raw = await self.client.chat.completions.with_raw_response.parse(
                    **self.request_body(request, sent, mode))
                completion = self._completion(raw.headers.get("content-type", ""),
                                              raw.content, raw.parse)
            except openai.APIStatusError as exc:
                self._reached, self._refused = True, 0
                status = exc.status_code
                if self._refuses_shape(mode, status, exc.message):
                    # Said once per shape (requests already in flight in that shape hear it
                    # too, and are sent again in the shape in use): the server's answer, not
                    # a retry count, decides the fallback.
                    if self.schema_mode == mode:
                        self.schema_mode = SCHEMA_MODES[SCHEMA_MODES.index(mode) + 1]
                        log.info("the model server at %s refuses response_format %s (HTTP "
                                 "%d: %s): asking for %s", self.where, mode, status,
                                 self.redact(exc.message), _SAID[self.schema_mode])
                    self.usage.retries += 1  # the same request again, in the other shape
                    attempt -= 1
                    continue
                if status in _FATAL_STATUS:
                    self._fatal = FatalProviderError(self.redact(
                        f"HTTP {status} from the model server at {self.where} for model "
                        f"{self.settings.model!r}: {exc.message}"))
                    raise self._fatal from None
                if self.stopped is not None:
                    raise self._left_out() from None
                if self._repeated(status, exc.message):
                    raise self._stop(f"HTTP {status} from the model server at {self.where} "
                                     f"on {self._same} requests in a row: "
                                     f"{exc.message}") from None
                if not is_retryable_status(status) or attempt >= policy.tries:
                    raise ProviderError(self.redact(
                        f"HTTP {status} from the model server after {attempt} "
                        f"attempt{'s' if attempt > 1 else ''}: {exc.message}")) from None
                await self._pause(attempt, exc.response.headers, f"HTTP {status}", what)
                continue
            except openai.APIConnectionError as exc:
                timed_out = isinstance(exc, openai.APITimeoutError)
                problem = "timed out" if timed_out else f"connection failed ({exc.message})"
                if self.stopped is not None:
                    raise self._left_out() from None
                if not timed_out:
                    self._refused += 1
                    if self._refused >= _CONNECT_LIMIT and not self._reached:
                        self._fatal = self._fatal or FatalProviderError(self.redact(
                            f"cannot connect to the model server at {self.where} "
                            f"({exc.message}); is it running, and is the URL right?"))
                        raise self._fatal from None
                    if self._refused >= _CONNECT_LIMIT:
                        # It answered before: it died (or restarts). Waiting out every
                        # retry of every region would only repeat this (16 regions, 83
                        # requests, 121 s).
                        raise self._stop(f"the model server at {self.where} stopped "
                                         f"answering: {self._refused} connections in a row "
                                         f"failed ({exc.message})") from None
                if attempt >= policy.tries:
                    raise ProviderError(self.redact(
                        f"no answer after {attempt} attempts: {problem}")) from None
                await self._pause(attempt, None, problem, what)
                continue
            except openai.LengthFinishReasonError as exc:
                self._success()
                self._count(exc.completion.usage, request)
                raise BadAnswer("the answer was cut off (finish_reason=length)") from None
            except openai.ContentFilterFinishReasonError:
                self._success()
                raise BadAnswer("the content filter stopped the answer") from None
            except NotACompletion as exc:
                self._reached, self._refused = True, 0
                log.info("%s -> %s", what, self.redact(str(exc)))
                if not self._understood:
                    self._strange += 1
                    if self._strange >= _CONNECT_LIMIT:
                        self._fatal = self._fatal or FatalProviderError(self.redact(
                            f"the server at {self.where} is not an OpenAI-compatible API: "
                            f"{self._strange} answers were not chat completions (the last: "
                            f"{exc})"))
                        raise self._fatal from None
                # Not retried: the same server answers the same request the same way.
                raise ProviderError(self.redact(
                    f"the server at {self.where} did not answer with a chat completion "
                    f"(HTTP 200, {exc}); is it an OpenAI-compatible API?")) from None
            except openai.OpenAIError as exc:  # anything else the client says of the answer
                raise ProviderError(self.redact(
                    f"the model server at {self.where}: {type(exc).__name__}: {exc}")) from None
            self._success()
            self._understood = True
            self._count(completion.usage, request)
            self._note_identity(completion)
            log.info("%s -> ok in %.2f s", what, time.monotonic() - started)
            return self.read_completion(completion, schema, request)

    def request_body(self, request: DocRequest, sent: list[dict[str, str]] | None = None,
                     mode: str | None = None) -> dict[str, Any]:
        """Build the body of the chat completion request for a region, as it is sent.

        The one place it is built: interactive requests pass it to the client, and the
        Batch API's input lines (``providers.batch``) carry it unchanged.

        Args:
            request: The region asked for.
            sent: The messages (None: the request's first messages).
            mode: The request shape, one of ``SCHEMA_MODES`` (None: the one in use).

        Returns:
            ``model``, ``messages``, ``response_format``, and the sampling parameters.
        """
        schema = SCHEMA_FOR[request.kind]
        sent = messages(request) if sent is None else sent
        mode = mode or self.schema_mode
        as_object = mode != "json_schema"
        return {"model": self.settings.model,
                "messages": with_schema(sent, schema) if as_object else sent,
                "response_format": response_format(schema) if not as_object
                else object_format(schema) if mode == "json_object+schema"
                else {"type": "json_object"},
                **self._sampling(request)}

    def read_completion(self, completion: Any, schema: type[AnySchema],
                        request: DocRequest) -> AnySchema:
        """Read the answer out of a chat completion the client has parsed.

        Args:
            completion: The client's ``ChatCompletion`` (interactive, or a batch result).
            schema: The schema the answer must follow.
            request: The region asked for (what its existing text may hold).

        Returns:
            The answer, validated.

        Raises:
            BadAnswer: When there is no usable content (no choice, a refusal, no text, JSON
                that does not match the schema).
        """
        if not completion.choices:
            raise BadAnswer("the answer has no choices")
        message = completion.choices[0].message
        if message.refusal:
            raise BadAnswer(f"the model refused: {printable(message.refusal, limit=200)}")
        if not message.content:
            raise BadAnswer("the answer is empty")
        try:
            return read_answer(schema, message.content, request.own_hidden)
        except pydantic.ValidationError as exc:
            raise BadAnswer(f"the JSON does not match the schema: "
                            f"{_schema_problem(exc)}") from None

    def _success(self) -> None:
        """A chat completion came back: no failure repeats any more."""
        self._reached, self._refused = True, 0
        self._last_failure, self._same = None, 0

    def _note_identity(self, completion: object) -> None:
        """Record (and say with ``-v``) what the first answer says of its model."""
        if self.answered_as is not None:
            return
        model = getattr(completion, "model", None)
        fingerprint = getattr(completion, "system_fingerprint", None)
        self._answer_model = model if isinstance(model, str) and model else None
        self._answer_fingerprint = fingerprint if isinstance(fingerprint, str) and fingerprint \
            else None
        self.answered_as = self.redact(
            f"model {model!r}" + (f", system_fingerprint {fingerprint!r}" if fingerprint
                                  else ""))
        log.info("the model server at %s answers as %s%s; response_format %s", self.where,
                 self.answered_as, f"; model-fingerprint {self.settings.fingerprint!r}"
                 if self.settings.fingerprint else "", self.schema_mode)

    async def _pause(self, attempt: int, headers: Mapping[str, str] | None, problem: str,
                     what: str) -> None:
        delay = self.settings.retry.delay(attempt, headers)
        log.info("%s -> %s; retrying in %.2f s", what, self.redact(problem), delay)
        await asyncio.sleep(delay)

    @staticmethod
    def _completion(content_type: str, body: bytes, parse: Callable[[], T]) -> T:
        """The client's reading of a 200 answer, once its shape is known to be a completion."""
        problem = not_a_completion(content_type, body)
        if problem is not None:
            raise NotACompletion(problem)
        try:
            return parse()
        except (TypeError, ValueError, AttributeError, KeyError) as exc:
            # The shape was checked; what the client still trips on is the server's doing.
            raise NotACompletion(f"a chat completion the client cannot read ({exc})") from None

    def _count(self, usage: object, request: DocRequest) -> None:
        # The server says how many tokens; only whole non-negative numbers are believed.
        for number, name in enumerate(("prompt_tokens", "completion_tokens")):
            value = getattr(usage, name, None)  # no usage at all: nothing is said
            if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
                setattr(self.usage, name, getattr(self.usage, name) + value)
            elif self.settings.max_cost is not None:
                # Not said: the estimate counts towards max-cost in its place (a few
                # milliseconds for a request that took seconds).
                self._unreported[number] += self._tokens(request)[number]

    def remember(self, request: DocRequest, answer: AnySchema, settled: str) -> None:
        """Nothing to remember without a cache (see ``CachedProvider``)."""

    async def aclose(self) -> None:
        """Close the HTTP client."""
        await self.client.close()
