"""Prompts: one template per task and mode, kept as package data and versioned.

The version is part of every cache key; the rendered messages are too, so editing a
template also invalidates what it produced.
"""

from __future__ import annotations

import inspect
import json
import re
from functools import cache
from importlib import resources
from string import Template
from typing import Any

from llm_doc_manager.analysis import ClassFacts, FunctionFacts, ModuleFacts
from llm_doc_manager.docstrings import (
    SCHEMA_FOR,
    AnySchema,
)
from llm_doc_manager.providers.base import DocRequest

# 2: templates named after the region kinds (doc, class, comm, module).
# 3: updates ask only for what is missing; the old update wording is ``--rewrite``.
PROMPT_VERSION = "3"

_BLANK_RUNS = re.compile(r"\n{3,}")

# Tokens an answer may spend, by what a field of the schema holds. A bound against a model
# that runs on (a 0.5B model wrote 2,000-3,300 tokens for one docstring), not a target: an
# answer that fits is the same answer, so the bound is not part of the cache key.
_KEY_TOKENS = 6  # the key, quotes and punctuation around a value
_NAME_TOKENS = 16  # a name or a type
_LINE_TOKENS = 60  # a summary, a description
_PROSE_TOKENS = 120  # paragraphs, examples, notes, a comment
_NAMES = frozenset({"name", "type_hint", "exception_type"})
_PROSE = frozenset({"extended_description", "examples", "notes", "typical_usage", "text"})
#: Entries an answer's lists are allowed at least (arguments, attributes, exceptions).
MIN_ITEMS = 4

#: Said to a server that cannot hold the answer to the schema itself (``json_object`` mode).
SCHEMA_INSTRUCTION = "Answer with one JSON object that follows this JSON schema:"


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


@cache
def object_format(schema: type[AnySchema]) -> dict[str, Any]:
    """Return ``json_object`` with the schema beside it, for a server that refuses ``json_schema``.

    llama-cpp-python's server and llama.cpp's ``llama-server`` turn ``schema`` into a grammar
    that constrains the answer; a server that does not know the field ignores it (or
    refuses it, and is then asked for plain ``json_object``).
    """
    return {"type": "json_object", "schema": schema.model_json_schema()}


def _budget(schema: dict[str, Any], defs: dict[str, Any], name: str, items: int) -> int:
    """Most tokens a value of ``schema`` may take (lists hold ``items`` entries)."""
    if "$ref" in schema:
        return _budget(defs[schema["$ref"].rsplit("/", 1)[-1]], defs, name, items)
    if "anyOf" in schema:
        return max(_budget(s, defs, name, items) for s in schema["anyOf"])
    kind = schema.get("type")
    if kind == "object":
        return sum(_KEY_TOKENS + _budget(sub, defs, key, items)
                   for key, sub in schema.get("properties", {}).items())
    if kind == "array":
        return items * _budget(schema.get("items", {}), defs, name, items)
    if kind == "string":
        return _NAME_TOKENS if name in _NAMES else _PROSE_TOKENS if name in _PROSE \
            else _LINE_TOKENS
    return 2  # null, a number, a boolean


@cache
def schema_tokens(schema: type[AnySchema], items: int) -> int:
    """Return the most tokens an answer to ``schema`` needs, its lists holding ``items``."""
    whole = schema.model_json_schema()
    return _budget(whole, whole.get("$defs", {}), "", items)


def max_tokens(request: DocRequest) -> int:
    """Return the token bound of a request: its kind's schema, sized to the code's lists.

    Args:
        request: The region asked for (its facts say how many arguments or attributes).

    Returns:
        The ``max_tokens`` to send.
    """
    facts = request.facts
    items = len(facts.params) if isinstance(facts, FunctionFacts) else \
        len(facts.attributes) if isinstance(facts, ClassFacts) else 0
    return schema_tokens(SCHEMA_FOR[request.kind], max(MIN_ITEMS, items))


def with_schema(sent: list[dict[str, str]], schema: type[AnySchema]) -> list[dict[str, str]]:
    """Return the messages with the schema stated in the system prompt.

    For a server that refuses ``response_format: json_schema``: it is then asked for
    ``json_object``, and the model learns the shape from the prompt (the answer is validated
    on our side either way).

    Args:
        sent: The messages, the system message first.
        schema: The answer's schema.

    Returns:
        New messages; ``sent`` is not changed.
    """
    shape = json.dumps(schema.model_json_schema(), separators=(",", ":"))
    first = {**sent[0], "content": f"{sent[0]['content'].rstrip()}\n\n{SCHEMA_INSTRUCTION}\n"
                                   f"{shape}\n"}
    return [first, *sent[1:]]


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
