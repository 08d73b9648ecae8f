"""A model's summaries and analyses for what has no docstring, through the provider path.

Only what the code does not document is asked: a module without a docstring (its
summary, from an outline of its definitions), and each function, method or class without
one (an analysis written as its docstring would be). Requests go through the same
provider as ``generate`` — the answer cache, retries, rate limit and concurrency — so a
re-run on unchanged code sends nothing, and changing one function changes that one
request only (and its module's, when the outline shows the change).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from llm_doc_manager.analysis.markers import Kind
from llm_doc_manager.docstrings import SCHEMA_FOR, CommentText, render_text
from llm_doc_manager.providers import DocRequest, Provider
from llm_doc_manager.providers.asking import answer_or_error, gather_all
from llm_doc_manager.providers.prompting import messages, response_format
from llm_doc_manager.report.model import FileReport, Item, Project

# Rough sizes for an estimate before anything is sent (OpenAI's rule of thumb: a token is
# about four characters of English text or code; an answer is a short docstring).
_CHARS_PER_TOKEN = 4
_ANSWER_TOKENS = 250
# US dollars per million tokens (input, output), as published by OpenAI for these models.
PRICES: dict[str, tuple[float, float]] = {
    "gpt-4.1": (2.00, 8.00), "gpt-4.1-mini": (0.40, 1.60), "gpt-4.1-nano": (0.10, 0.40),
    "gpt-4o": (2.50, 10.00), "gpt-4o-mini": (0.15, 0.60),
}


@dataclass
class Question:
    """One request of the report, and where its answer goes.

    Attributes:
        request: What the provider is asked.
        file: The file it is about.
        item: The definition it is about (None for the module's summary).
    """

    request: DocRequest
    file: FileReport
    item: Item | None


def questions(project: Project, placeholder: str) -> list[Question]:
    """The requests a report needs: one per undocumented module, class and function.

    Args:
        project: Collected with ``facts=True``.
        placeholder: The configured placeholder (part of what a model is told).

    Returns:
        The questions, in document order.
    """
    found: list[Question] = []
    for report in project.files:
        if report.error:
            continue
        lines = report.source.splitlines(keepends=True)
        if report.facts is not None and report.items:  # an empty module has nothing to say
            found.append(Question(DocRequest(
                Kind.MODULE, Path(report.path), "<module>", 1, _outline(report),
                report.facts, None, "", False, placeholder), report, None))
        for item in report.items:
            if item.facts is None:
                continue
            code = "".join(lines[item.start_line - 1:item.end_line])
            kind = Kind.CLASS if item.kind == "class" else Kind.DOC
            found.append(Question(DocRequest(
                kind, Path(report.path), item.qualname, item.line, code, item.facts, None,
                f"Module: {report.module}", False, placeholder), report, item))
    return found


def _outline(report: FileReport) -> str:
    """The module's definitions by signature, indented by nesting."""
    out = []
    for item in report.items:
        depth = item.qualname.replace(".<locals>.", ".").count(".")
        keyword = "class" if item.kind == "class" else "def"
        name = item.qualname.rsplit(".", 1)[-1]
        out.append(f"{'    ' * depth}{keyword} {name}{item.signature}: ...\n")
    return "".join(out)


@dataclass(frozen=True)
class Estimate:
    """What a run would send, before it is sent (``--dry-run``).

    Attributes:
        requests: Requests to send (answers already cached are not counted).
        cached: Questions the cache answers.
        prompt_tokens: Estimated prompt tokens (messages and schema).
        completion_tokens: Estimated answer tokens.
        cost: Estimated US dollars, when the model's price is known.
    """

    requests: int
    cached: int
    prompt_tokens: int
    completion_tokens: int
    cost: float | None


def estimate(found: Sequence[Question], provider: Provider) -> Estimate:
    """Count what asking would cost, sending nothing.

    Args:
        found: The questions.
        provider: The provider (its cache tells what is answered already; its model, the
            price).

    Returns:
        The estimate.
    """
    todo = [q for q in found if not provider.is_cached(q.request)]
    chars = sum(sum(len(m["content"]) for m in messages(q.request)) +
                len(str(response_format(SCHEMA_FOR[q.request.kind]))) for q in todo)
    prompt = chars // _CHARS_PER_TOKEN
    completion = _ANSWER_TOKENS * len(todo)
    price = PRICES.get(provider.model)
    cost = None if price is None else (prompt * price[0] + completion * price[1]) / 1e6
    return Estimate(len(todo), len(found) - len(todo), prompt, completion, cost)


async def ask(found: Sequence[Question], provider: Provider, concurrency: int,
              answered: Callable[[bool], None], width: int = 88) -> list[str]:
    """Ask every question, a few at a time, and put the answers in the project.

    Args:
        found: The questions.
        provider: Who answers (behind the answer cache).
        concurrency: Most requests in flight.
        answered: Told after each question (True when it failed).
        width: Width the answers are rendered to.

    Returns:
        One message per failed question (the others went into the project).

    Raises:
        FatalProviderError: When the provider cannot answer anything.
    """
    limit = asyncio.Semaphore(max(1, concurrency))
    failures: list[str] = []

    async def one(question: Question) -> None:
        answer = await answer_or_error(provider, question.request, limit)
        if isinstance(answer, Exception):
            why = str(answer) or type(answer).__name__
        elif isinstance(answer, CommentText):  # a comment answers no docstring request
            why = "the provider answered a comment"
        else:
            text = render_text(answer, "", width).strip()
            if question.item is not None:
                question.item.analysis = text
            else:
                question.file.analysis = text
            answered(False)
            return
        failures.append(f"{question.file.path}:{question.request.line}: "
                        f"{question.request.qualname}: {why}")
        answered(True)

    await gather_all([one(q) for q in found])
    return sorted(failures)
