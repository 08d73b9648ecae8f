"""What a model run costs: token counts of a request, a dated price table, the sum.

Prompt tokens are those of the exact messages a real request sends (built by
``prompting.messages``, the code that builds real requests). For a model OpenAI's ``tiktoken``
knows (the ``tokens`` extra installed), they are counted with the model's own encoding and
OpenAI's documented chat overhead (``Tokenizer``); otherwise they are estimated at four
characters a token. ``tiktoken`` downloads an encoding's file at first use, so the encoding is
loaded once per run, in a thread given ``LOAD_SECONDS``: a download that fails or hangs makes
the estimate, and the dry run says why. Completion tokens are estimated from the answer the
code needs (the offline provider's answer to the same request, each placeholder counted as a
sentence), and bounded by the ``max_tokens`` sent. See docs/providers.md, "What it costs".
"""

from __future__ import annotations

import json
import math
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from llm_doc_manager.docstrings import SCHEMA_FOR, AnySchema
from llm_doc_manager.errors import ProviderError, printable
from llm_doc_manager.providers.base import DocRequest, Provider
from llm_doc_manager.providers.prompting import max_tokens, messages, response_format, with_schema
from llm_doc_manager.providers.static import StaticProvider

if TYPE_CHECKING:
    from tiktoken import Encoding

#: Characters a token is taken to hold (OpenAI's rule of thumb for English; code is close).
CHARS_PER_TOKEN = 4
#: Tokens a chat message costs besides its text (role and separators in the chat format).
MESSAGE_TOKENS = 4
#: Tokens a sentence of prose is taken to need where the answer must write one.
SENTENCE_TOKENS = 20

#: When the table was checked, and where its prices come from.
PRICES_DATE = "2025-08"
PRICES_SOURCE = "https://openai.com/api/pricing (Standard tier)"


@dataclass(frozen=True)
class Price:
    """A model's price in US dollars per million tokens.

    Attributes:
        input: Per million prompt tokens.
        output: Per million completion tokens.
        source: Where it comes from (the table, or the configuration).
    """

    input: float
    output: float
    source: str = f"price table of {PRICES_DATE}"

    def cost(self, prompt_tokens: int, completion_tokens: int) -> float:
        """Return what these tokens cost.

        Args:
            prompt_tokens: Prompt tokens.
            completion_tokens: Completion tokens.

        Returns:
            US dollars.
        """
        return (prompt_tokens * self.input + completion_tokens * self.output) / 1_000_000


#: Prices of a few current OpenAI models (Standard tier, per 1M tokens; see PRICES_DATE).
PRICES: dict[str, Price] = {
    "gpt-5": Price(1.25, 10.00),
    "gpt-5-mini": Price(0.25, 2.00),
    "gpt-5-nano": Price(0.05, 0.40),
    "gpt-4.1": Price(2.00, 8.00),
    "gpt-4.1-mini": Price(0.40, 1.60),
    "gpt-4.1-nano": Price(0.10, 0.40),
    "gpt-4o": Price(2.50, 10.00),
    "gpt-4o-mini": Price(0.15, 0.60),
    "o4-mini": Price(1.10, 4.40),
}

# A dated snapshot (``gpt-4.1-mini-2025-04-14``) costs what its model costs.
_SNAPSHOT = re.compile(r"-\d{4}-\d{2}-\d{2}$")


#: What the Batch API charges, as a share of the table's price: OpenAI's and Azure's batch
#: prices are half the synchronous ones (their pricing pages, 2025-08).
BATCH_PRICE_SHARE = 0.5


def unpriced(model: str) -> str:
    """What ``max-cost`` says of a model the price table does not know."""
    return (f"max-cost needs the price of model {model!r}, which the price table does not "
            "know: set prices in [tool.llm-doc] (see docs/configuration.md)")


def price_of(model: str, configured: Mapping[str, tuple[float, float]]) -> Price | None:
    """Find a model's price: the configuration's first, else the table's.

    Args:
        model: The model's name (a dated snapshot is priced as its model).
        configured: ``prices`` of the configuration, by model name: (input, output).

    Returns:
        The price, or None when neither knows the model.
    """
    for name in (model, _SNAPSHOT.sub("", model)):
        if name in configured:
            given = configured[name]
            return Price(given[0], given[1], "configured prices")
        if name in PRICES:
            return PRICES[name]
    return None


def text_tokens(text: str) -> int:
    """Estimate the tokens of a text (``CHARS_PER_TOKEN`` characters a token).

    Args:
        text: Any text.

    Returns:
        The estimate, rounded up.
    """
    return math.ceil(len(text) / CHARS_PER_TOKEN)


#: Seconds a run waits for ``tiktoken`` to load an encoding (a download at its first use).
LOAD_SECONDS = 5.0
#: With a tokenizer: tokens a chat message costs besides its role's and content's, and the
#: tokens every reply is primed with (OpenAI Cookbook, "How to count tokens with tiktoken",
#: for gpt-3.5-turbo-0613 and later, gpt-4, gpt-4o and gpt-4o-mini).
CHAT_MESSAGE_TOKENS = 3
CHAT_REPLY_TOKENS = 3


@dataclass(frozen=True)
class Tokenizer:
    """How a run counts tokens: with ``tiktoken``'s encoding of the model, or estimated.

    Attributes:
        encoding: The model's ``tiktoken`` encoding; None: ``CHARS_PER_TOKEN`` estimates.
        name: The encoding's name (empty for the estimate).
        why: Why the estimate stands where a tokenizer was looked for (empty: none was).
    """

    encoding: Encoding | None = None
    name: str = ""
    why: str = ""

    def count(self, text: str) -> int:
        """Return the tokens of a text.

        Args:
            text: Any text (special tokens' spellings in it are plain text, as for the API).

        Returns:
            Its tokens, counted or estimated.
        """
        if self.encoding is None:
            return text_tokens(text)
        return len(self.encoding.encode_ordinary(text))

    def chat(self, sent: list[dict[str, str]]) -> int:
        """Return the prompt tokens of chat messages, their format's own included.

        Args:
            sent: The messages (role and content).

        Returns:
            Their tokens: with an encoding, each message's role and content plus
            ``CHAT_MESSAGE_TOKENS``, and ``CHAT_REPLY_TOKENS`` once; estimated, each content
            plus ``MESSAGE_TOKENS``.
        """
        if self.encoding is None:
            return sum(text_tokens(m["content"]) + MESSAGE_TOKENS for m in sent)
        return CHAT_REPLY_TOKENS + sum(
            CHAT_MESSAGE_TOKENS + sum(self.count(value) for value in m.values()) for m in sent)

    @property
    def said(self) -> str:
        """How the dry run says it counted: ``counted with tiktoken o200k_base`` or the estimate."""
        if self.encoding is not None:
            return f"counted with tiktoken {self.name}"
        told = f"estimated at {CHARS_PER_TOKEN} characters a token"
        return f"{told}: {self.why}" if self.why else told


#: The estimate, for a model no tokenizer is looked for.
ESTIMATE = Tokenizer()

# Encodings loaded (or failed) in this process, by name: a run loads one once, and a load
# that hung is never waited for again (its thread may still hold tiktoken's registry lock).
_LOADED: dict[str, Tokenizer] = {}
_LOADING = threading.Lock()
# A proxy URL's user and password, which a connection error may quote.
_USERINFO = re.compile(r"(?<=://)[^/@\s]+@")
# How OpenAI names its chat models (what tiktoken would be worth installing for).
_OPENAI_NAME = re.compile(r"(ft:)?(gpt-|chatgpt-|o\d)")
# What urllib3 wraps a connection failure in: the cause after it is the news.
_POOL = re.compile(r"\w+ConnectionPool\(.*?\): Max retries exceeded with url: \S+ \(Caused by ")


def tokenizer_for(kind: str, model: str, azure_model: str | None = None) -> Tokenizer:
    """Find how to count a model's tokens: ``tiktoken``'s encoding when it knows the model.

    The encoding is loaded at most once per process, in a daemon thread given
    ``LOAD_SECONDS``: ``tiktoken`` downloads it at first use (into ``TIKTOKEN_CACHE_DIR``, else
    a temporary folder; only the user's environment decides where from, proxies included),
    without a timeout of its own. A failed or hung load makes the estimate, which says why.

    Args:
        kind: The provider (``openai`` or ``azure``).
        model: The model's name (Azure: the deployment's, which names no model).
        azure_model: The model an Azure deployment runs (``azure-model``), or None.

    Returns:
        The tokenizer, or the estimate with the reason it stands.
    """
    if kind == "azure":
        if azure_model is None:
            return Tokenizer(why="an Azure deployment's name does not say which model it runs "
                                 "(azure-model does)")
        model = azure_model
    try:
        import tiktoken.model
    except ImportError:
        return Tokenizer(why="tiktoken is not installed (pip install 'llm-doc-manager[tokens]')"
                         if _OPENAI_NAME.match(model) else "")
    try:
        name = tiktoken.model.encoding_name_for_model(model)
    except KeyError:  # not an OpenAI model: its own tokenizer is unknown
        return ESTIMATE
    with _LOADING:
        if name not in _LOADED:
            _LOADED[name] = _load(name)
        return _LOADED[name]


def _load(name: str) -> Tokenizer:
    """Load an encoding within ``LOAD_SECONDS``, or the estimate saying why not."""
    import tiktoken

    found: list[Encoding] = []
    failed: list[BaseException] = []

    def work() -> None:
        try:
            found.append(tiktoken.get_encoding(name))
        except BaseException as exc:  # whatever it is (network, hash, disk), the estimate stands
            failed.append(exc)

    # A daemon thread: a download that hangs (tiktoken sets no timeout) neither holds the
    # run nor its exit.
    thread = threading.Thread(target=work, name=f"tiktoken-{name}", daemon=True)
    thread.start()
    thread.join(LOAD_SECONDS)
    if found:
        return Tokenizer(found[0], name)
    if failed:
        problem = _POOL.sub("", _USERINFO.sub("***@", f"{type(failed[0]).__name__}: "
                                                    f"{failed[0]}"))
        return Tokenizer(why=f"tiktoken could not load {name} ({printable(problem, limit=200)})")
    return Tokenizer(why=f"tiktoken could not load {name} (no answer within "
                         f"{LOAD_SECONDS:g} s)")


def prompt_tokens(request: DocRequest, mode: str, schema_billed: bool,
                  tokens: Tokenizer = ESTIMATE) -> int:
    """Count the prompt tokens of a request as it would be sent.

    Args:
        request: The region asked for.
        mode: The request shape (``json_schema``, ``json_object+schema``, ``json_object``);
            the last two put the schema in the system prompt.
        schema_billed: Whether the server counts ``response_format``'s schema as prompt
            (OpenAI and Azure show it to the model; a local server makes it a grammar).
        tokens: How tokens are counted (the run's ``tokenizer_for``).

    Returns:
        The count (the schema's share, where billed, is its JSON text's tokens: how OpenAI
        shows the model a schema is not documented).
    """
    schema = SCHEMA_FOR[request.kind]
    sent = messages(request)
    if mode != "json_schema":
        sent = with_schema(sent, schema)
    total = tokens.chat(sent)
    if mode == "json_schema" and schema_billed:
        total += tokens.count(json.dumps(response_format(schema)["json_schema"]["schema"]))
    return total


def completion_tokens(request: DocRequest, bound: int | None,
                      tokens: Tokenizer = ESTIMATE) -> int:
    """Estimate the completion tokens of a request's answer.

    The answer the code needs is the offline provider's (its entries, types and sections
    are the code's facts); each placeholder in it stands for a sentence the model writes.

    Args:
        request: The region asked for.
        bound: The ``max_tokens`` sent (None or 0: the kind's own bound).
        tokens: How the answer's known text is counted (the run's ``tokenizer_for``).

    Returns:
        The estimate, at most the bound.
    """
    marker = "@@sentence@@"  # plain ASCII: JSON keeps it as it is
    skeleton = StaticProvider(marker).generate_now(request).model_dump_json()
    sentences = skeleton.count(marker)
    estimate = tokens.count(skeleton.replace(marker, "")) + sentences * SENTENCE_TOKENS
    return min(estimate, bound or max_tokens(request))


@dataclass
class Estimate:
    """What a dry run found it would ask.

    Attributes:
        requests: Requests that would be sent (regions the answer cache does not answer).
        prompt_tokens: Their estimated prompt tokens.
        completion_tokens: Their estimated completion tokens.
        completion_bound: The most completion tokens they may take (the ``max_tokens`` sent).
    """

    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    completion_bound: int = 0

    def add(self, prompt: int, completion: int, bound: int) -> None:
        """Count one request.

        Args:
            prompt: Its estimated prompt tokens.
            completion: Its estimated completion tokens.
            bound: Its completion bound.
        """
        self.requests += 1
        self.prompt_tokens += prompt
        self.completion_tokens += completion
        self.completion_bound += bound


def dollars(amount: float) -> str:
    """Return an amount of US dollars as shown (4 decimals under a dollar, else 2).

    Args:
        amount: US dollars.

    Returns:
        ``$0.0123`` or ``$12.50``.
    """
    return f"${amount:,.4f}" if amount < 1 else f"${amount:,.2f}"


def describe(estimate: Estimate, cached: int, model: str, price: Price | None,
             tokens: Tokenizer = ESTIMATE, asked: str = "region") -> list[str]:
    """The lines a dry run prints: requests, tokens, cost.

    Args:
        estimate: What would be asked.
        cached: Regions (``asked``) the answer cache answers.
        model: The model's name.
        price: Its price, or None when unknown.
        tokens: How the tokens were counted.
        asked: What a request is asked for (``region``; ``report``'s ``definition``).

    Returns:
        Three lines.
    """
    lines = [f"dry run: nothing was sent; {estimate.requests} request"
             f"{'s' if estimate.requests != 1 else ''} would be sent ({cached} {asked}"
             f"{'s' if cached != 1 else ''} answered from the cache)",
             f"tokens: about {estimate.prompt_tokens:,} prompt + "
             f"{estimate.completion_tokens:,} completion (completion at most "
             f"{estimate.completion_bound:,}); {tokens.said}"]
    if price is None:
        lines.append(f"cost: unknown (no price for model {model!r}; set prices in "
                     "[tool.llm-doc], see docs/configuration.md)")
    else:
        lines.append(f"cost: about "
                     f"{dollars(price.cost(estimate.prompt_tokens, estimate.completion_tokens))}"
                     f" (at most "
                     f"{dollars(price.cost(estimate.prompt_tokens, estimate.completion_bound))})"
                     f" at {model}'s price of ${price.input:g} / ${price.output:g} per 1M "
                     f"prompt / completion tokens ({price.source})")
    return lines


class NotSent(ProviderError):
    """A dry run's request: counted, not sent (its region gets no answer)."""


class DryRun:
    """A provider seen through a dry run: it answers from the cache and writes nothing.

    Args:
        inner: The run's provider (its model provider set to ``dry_run``).

    Attributes:
        inner: The provider.
        name: Its name.
        description: Its description.
        keeps_human_text: As the provider.
        needs_code: As the provider.
        local: As the provider.
        usage: The provider's counters.
        model: The provider's model.
    """

    def __init__(self, inner: Provider) -> None:
        self.inner = inner
        self.name = inner.name
        self.description = inner.description
        self.keeps_human_text = inner.keeps_human_text
        self.needs_code = inner.needs_code
        self.local = inner.local
        self.usage = inner.usage
        self.model = inner.model

    async def generate(self, request: DocRequest) -> AnySchema:
        """Answer as the provider does (from the cache; a miss is counted, not sent)."""
        return await self.inner.generate(request)

    def is_cached(self, request: DocRequest) -> bool:
        """Whether the provider's cache answers ``request``."""
        return self.inner.is_cached(request)

    def remember(self, request: DocRequest, answer: AnySchema, settled: str) -> None:
        """Nothing: a dry run writes nothing, not even to the cache."""

    async def aclose(self) -> None:
        """Nothing: the provider stays open for the run that may follow."""
