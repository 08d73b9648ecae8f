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
from llm_doc_manager.docstrings import CommentText, render_text
from llm_doc_manager.providers import DocRequest, Provider
from llm_doc_manager.providers.asking import answer_or_error, gather_all
from llm_doc_manager.providers.cached import CachedProvider
from llm_doc_manager.providers.cost import describe, tokenizer_for
from llm_doc_manager.providers.model import ModelProvider
from llm_doc_manager.report.model import FileReport, Item, Project


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


def estimate(found: Sequence[Question], provider: Provider, azure_model: str | None = None
             ) -> list[str]:
    """Count what asking would cost, sending nothing: ``generate --dry-run``'s estimate.

    One estimate for both commands (``providers.cost``): each request the answer cache
    does not answer is counted as the model provider would send it (``ModelProvider.count``:
    its messages and schema, with ``tiktoken`` where it knows the model, the answer's
    expected size and ``max_tokens`` bound), priced from the same table and configuration.

    Args:
        found: The questions.
        provider: The model provider, behind the answer cache or not.
        azure_model: The model an Azure deployment runs (``azure-model``), for its tokens
            and price.

    Returns:
        The lines to print: requests, tokens, cost.
    """
    model = provider.inner if isinstance(provider, CachedProvider) else provider
    if not isinstance(model, ModelProvider):  # the offline report sends nothing to count
        return [f"dry run: the {provider.name} provider works offline: 0 requests, nothing "
                "is sent, cost $0"]
    todo = [q for q in found if not provider.is_cached(q.request)]
    # Once a run, bounded (tiktoken may download its encoding at first use).
    model.tokens = tokenizer_for(model.settings.kind, model.model, azure_model)
    for question in todo:
        model.count(question.request)
    priced = azure_model if model.settings.kind == "azure" and azure_model else model.model
    return describe(model.estimate, len(found) - len(todo), priced, model.settings.price,
                    model.tokens, asked="definition")


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
