"""Prompts: one template per task and mode, kept as package data and versioned.

The version is part of every cache key; the rendered messages are too, so editing a
template also invalidates what it produced.
"""

from __future__ import annotations

import inspect
import re
from functools import cache
from importlib import resources
from string import Template
from typing import Any

from llm_doc_manager.analysis import ModuleFacts
from llm_doc_manager.docstrings import (
    AnySchema,
)
from llm_doc_manager.providers.base import DocRequest

# 2: templates named after the region kinds (doc, class, comm, module).
# 3: updates ask only for what is missing; the old update wording is ``--rewrite``.
PROMPT_VERSION = "3"

_BLANK_RUNS = re.compile(r"\n{3,}")


@cache
def template(name: str) -> str:
    """Return a prompt template's text."""
    return (resources.files("llm_doc_manager.providers") / "templates" / f"{name}.txt").read_text(
        encoding="utf-8")


@cache
def response_format(schema: type[AnySchema]) -> dict[str, Any]:
    """Return the strict structured-output ``response_format`` of a schema, built once.

    The schemas are strict-ready as pydantic writes them (every field required, no extra
    keys); building this once instead of per request keeps the client's per-request work
    small when hundreds of regions are in flight.
    """
    return {"type": "json_schema",
            "json_schema": {"name": schema.__name__, "strict": True,
                            "schema": schema.model_json_schema()}}


def _name(request: DocRequest) -> str:
    if isinstance(request.facts, ModuleFacts):
        return request.facts.name
    return request.qualname


def user_message(request: DocRequest) -> str:
    """Render the user message of a request."""
    mode = "generate" if request.existing is None else \
        "rewrite" if request.rewrite else "update"
    text = Template(template(f"{request.kind.value}_{mode}")).safe_substitute(
        qualname=_name(request),
        placeholder=request.placeholder,
        existing=inspect.cleandoc(request.existing or ""),
        context=f"Context:\n{request.context}\n" if request.context else "",
        code=request.code,
    )
    return _BLANK_RUNS.sub("\n\n", text).strip() + "\n"


def messages(request: DocRequest) -> list[dict[str, str]]:
    """Return the chat messages of a request."""
    return [{"role": "system", "content": template("system")},
            {"role": "user", "content": user_message(request)}]
