"""Structured docstring content: the pydantic models a provider must return.

The models are compatible with OpenAI strict structured outputs: every field is required,
optional values are nullable instead of defaulted, and no object accepts extra keys.

A model's words are not trusted: every answer is read with ``read_answer``, which also
refuses text holding characters that hide or reorder what a reader sees (bidirectional
controls, zero-width and other invisible characters, controls other than newline and tab:
Trojan Source, CVE-2021-42574). The same schemas built by the package itself (from an
existing docstring, from the code) are not checked: those words are already in the file.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from llm_doc_manager.analysis.markers import Kind
from llm_doc_manager.errors import character_name, hidden_characters

# Validation context key of an answer from outside: the hidden characters it may hold anyway.
_UNTRUSTED = "untrusted"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @field_validator("*", mode="after")
    @classmethod
    def _nothing_hidden(cls, value: object, info: ValidationInfo) -> object:
        # Only answers read by read_answer carry the context; nested entries inherit it.
        context = info.context
        if not isinstance(value, str) or not isinstance(context, dict) or \
                _UNTRUSTED not in context:
            return value
        refused = [c for c in hidden_characters(value) if c not in context[_UNTRUSTED]]
        if refused:
            raise ValueError(
                f"holds {', '.join(character_name(c) for c in refused[:3])}: invisible or "
                "bidirectional control characters can make text read differently from what "
                "it is (Trojan Source); write plain text")
        return value


class ArgDoc(_Strict):
    """One parameter of a function."""

    name: str = Field(description="Parameter name as in the signature, with * or ** for varargs.")
    type_hint: str | None = Field(description="Type of the parameter, or null when unknown.")
    description: str = Field(description="What the parameter means.")


class ReturnsDoc(_Strict):
    """What a function returns."""

    type_hint: str | None = Field(description="Returned type, or null when unknown.")
    description: str = Field(description="What is returned.")


class YieldsDoc(_Strict):
    """What a generator yields."""

    type_hint: str | None = Field(description="Yielded type, or null when unknown.")
    description: str = Field(description="What is yielded.")


class RaisesDoc(_Strict):
    """An exception a function raises."""

    exception_type: str = Field(description="Exception class name.")
    description: str = Field(description="When it is raised.")


class AttributeDoc(_Strict):
    """A public attribute of a class."""

    name: str = Field(description="Attribute name.")
    type_hint: str | None = Field(description="Attribute type, or null when unknown.")
    description: str = Field(description="What the attribute holds.")


class ModuleDocstring(_Strict):
    """Docstring of a module."""

    summary: str = Field(description="One-line summary ending with a period.")
    extended_description: str | None = Field(description="Further paragraphs, or null.")
    typical_usage: str | None = Field(description="Short usage example code, or null.")
    notes: str | None = Field(description="Additional notes, or null.")


class ClassDocstring(_Strict):
    """Docstring of a class."""

    summary: str = Field(description="One-line summary ending with a period.")
    extended_description: str | None = Field(description="Further paragraphs, or null.")
    attributes: list[AttributeDoc] = Field(description="Public attributes.")
    examples: str | None = Field(description="Usage example code, or null.")
    notes: str | None = Field(description="Additional notes, or null.")


class MethodDocstring(_Strict):
    """Docstring of a function or method."""

    summary: str = Field(description="One-line summary in imperative mood ending with a period.")
    extended_description: str | None = Field(description="Further paragraphs, or null.")
    args: list[ArgDoc] = Field(description="Parameters in signature order, without self/cls.")
    returns: ReturnsDoc | None = Field(description="Return value, or null for None.")
    yields: YieldsDoc | None = Field(description="Yielded values for generators, or null.")
    raises: list[RaisesDoc] = Field(description="Exceptions raised.")
    examples: str | None = Field(description="Usage example code, or null.")
    notes: str | None = Field(description="Additional notes, or null.")


class CommentText(_Strict):
    """A comment explaining a block of code."""

    text: str = Field(description="Comment text without the leading '#'.")


DocSchema = ModuleDocstring | ClassDocstring | MethodDocstring
AnySchema = ModuleDocstring | ClassDocstring | MethodDocstring | CommentText


#: The schema a provider answers for each kind of region.
SCHEMA_FOR: dict[Kind, type[AnySchema]] = {
    Kind.DOC: MethodDocstring,
    Kind.CLASS: ClassDocstring,
    Kind.MODULE: ModuleDocstring,
    Kind.COMM: CommentText,
}


def read_answer(schema: type[AnySchema], text: str | bytes,
                allowed: frozenset[str] = frozenset()) -> AnySchema:
    """Read an answer from outside (a model, the answer cache): JSON checked against ``schema``.

    Args:
        schema: The kind's schema.
        text: The JSON.
        allowed: Hidden characters the answer may hold anyway: those the existing docstring
            already has (a model repeating the human's words is not refused for them).

    Returns:
        The answer.

    Raises:
        pydantic.ValidationError: When the JSON does not match the schema, or some text in it
            holds a hidden character (see ``errors.is_hidden``) not in ``allowed``.
    """
    return schema.model_validate_json(text, context={_UNTRUSTED: allowed})
