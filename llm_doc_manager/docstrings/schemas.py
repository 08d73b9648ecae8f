"""Structured docstring content: the pydantic models a provider must return.

The models are compatible with OpenAI strict structured outputs: every field is required,
optional values are nullable instead of defaulted, and no object accepts extra keys.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from llm_doc_manager.analysis.markers import Kind


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


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
