"""The offline ``static`` provider: what the code proves, and visible placeholders for prose.

It never makes a sentence out of a name ("Return the isatty.", "# Set subtotal."): argument
names, order, types and defaults, the sections the code needs, exceptions with the condition
that raises them (when one condition, naming only what the caller gives, covers every
``raise`` of that class), and the fixed meanings of dunders are facts; everything else,
comments included, is the placeholder, which ``validate`` reports (LD302) and a model
provider fills later.
"""

from __future__ import annotations

from llm_doc_manager.analysis import BlockFacts, ClassFacts, FunctionFacts, ModuleFacts, Param
from llm_doc_manager.config import PLACEHOLDER
from llm_doc_manager.docstrings import (
    AnySchema,
    ArgDoc,
    AttributeDoc,
    ClassDocstring,
    CommentText,
    MethodDocstring,
    ModuleDocstring,
    RaisesDoc,
    ReturnsDoc,
    YieldsDoc,
)
from llm_doc_manager.providers.base import DocRequest, Usage

_DUNDERS = {
    "__init__": "Initialize the instance.",
    "__new__": "Create a new instance.",
    "__repr__": "Return the developer representation.",
    "__str__": "Return the string representation.",
    "__eq__": "Return whether this object equals another.",
    "__ne__": "Return whether this object differs from another.",
    "__lt__": "Return whether this object sorts before another.",
    "__le__": "Return whether this object sorts before or equals another.",
    "__gt__": "Return whether this object sorts after another.",
    "__ge__": "Return whether this object sorts after or equals another.",
    "__hash__": "Return the hash value.",
    "__len__": "Return the number of items.",
    "__iter__": "Iterate over the items.",
    "__next__": "Return the next item.",
    "__enter__": "Enter the context.",
    "__exit__": "Exit the context.",
    "__aenter__": "Enter the asynchronous context.",
    "__aexit__": "Exit the asynchronous context.",
    "__getitem__": "Return the item for a key.",
    "__setitem__": "Set the item for a key.",
    "__delitem__": "Delete the item for a key.",
    "__contains__": "Return whether an item is contained.",
    "__bool__": "Return the truth value.",
    "__post_init__": "Finish initialization after the generated ``__init__``.",
}

# Only the summary of a dunder has a fixed meaning; what it returns does not, except these.
_DUNDER_RETURNS = {
    "__repr__": "The developer representation.",
    "__str__": "The string representation.",
    "__hash__": "The hash value.",
    "__len__": "The number of items.",
    "__bool__": "The truth value.",
    "__contains__": "Whether the item is contained.",
}


def _default_text(default: str) -> str | None:
    """What the code proves about a default: its value, when it is short enough to read."""
    return default if len(default) <= 40 and "\n" not in default else None


def _arg_description(param: Param, placeholder: str) -> str:
    text = placeholder
    if param.default is not None and param.default != "...":  # a stub's ``...``: no default
        shown = _default_text(param.default)
        if shown is not None:
            text += f" Defaults to {shown}."
    return text


def _raise_description(condition: str | None, placeholder: str) -> str:
    if condition is None:
        return placeholder
    condition = " ".join(condition.split())
    if len(condition) > 60:
        return placeholder
    return f"If ``{condition}``."


def method_docstring(facts: FunctionFacts, placeholder: str) -> MethodDocstring:
    """Derive a function docstring from the code: facts, and placeholders for prose."""
    returns = None
    if facts.needs_returns:
        returns = ReturnsDoc(type_hint=facts.return_annotation,
                             description=_DUNDER_RETURNS.get(facts.name, placeholder))
    yields = None
    if facts.documents_yield:
        yields = YieldsDoc(type_hint=facts.yield_type, description=placeholder)
    return MethodDocstring(
        summary=_DUNDERS.get(facts.name, placeholder),
        extended_description=None,
        args=[ArgDoc(name=p.name, type_hint=p.annotation,
                     description=_arg_description(p, placeholder)) for p in facts.params],
        returns=returns,
        yields=yields,
        raises=[RaisesDoc(exception_type=r.exception,
                          description=_raise_description(r.condition, placeholder))
                for r in facts.documented_raises],
        examples=None,
        notes=None,
    )


def class_docstring(facts: ClassFacts, placeholder: str) -> ClassDocstring:
    """Derive a class docstring from the code: facts, and placeholders for prose."""
    return ClassDocstring(
        summary=placeholder,
        extended_description=None,
        attributes=[AttributeDoc(name=a.name, type_hint=a.annotation, description=placeholder)
                    for a in facts.asked],
        examples=None,
        notes=None,
    )


def module_docstring(facts: ModuleFacts, placeholder: str) -> ModuleDocstring:
    """Derive a module docstring: a placeholder (what a module is for takes a person)."""
    del facts
    return ModuleDocstring(summary=placeholder, extended_description=None, typical_usage=None,
                           notes=None)


def comment_text(facts: BlockFacts, placeholder: str = PLACEHOLDER) -> CommentText:
    """Derive a comment for a block: the placeholder.

    Why a block is there takes a person or a model; the statements' names strung into a
    sentence ("Set subtotal and update subtotal.") only repeat the code below it.
    """
    del facts
    return CommentText(text=placeholder)


class StaticProvider:
    """Offline provider: content derived from the code, deterministic, no network.

    Attributes:
        usage: Always zero: nothing is ever sent.
        name: ``static``.
        description: ``static (offline)``.
        keeps_human_text: Always True: existing human text wins over derived text.
        placeholder: What is written where only a person or a model can write prose.
        needs_code: Always False: the facts are enough.
        local: Always True: a pure function of the request.
        model: Always "": no model is asked.
    """

    name = "static"
    description = "static (offline)"
    keeps_human_text = True
    needs_code = False
    local = True
    model = ""

    def __init__(self, placeholder: str = PLACEHOLDER) -> None:
        """Start with empty usage counters (the static provider never sends requests).

        Args:
            placeholder: What to write where only a person or a model can write prose.
        """
        self.usage = Usage()
        self.placeholder = placeholder

    async def generate(self, request: DocRequest) -> AnySchema:
        """Derive the content for one region from its facts."""
        return self.generate_now(request)

    def generate_now(self, request: DocRequest) -> AnySchema:
        """Synchronous form of ``generate`` (the static provider never waits)."""
        facts = request.facts
        # The facts' type is the kind: a request's kind and facts are built together.
        if isinstance(facts, FunctionFacts):
            return method_docstring(facts, self.placeholder)
        if isinstance(facts, ClassFacts):
            return class_docstring(facts, self.placeholder)
        if isinstance(facts, ModuleFacts):
            return module_docstring(facts, self.placeholder)
        return comment_text(facts, self.placeholder)

    def is_cached(self, request: DocRequest) -> bool:
        """Always False: nothing is stored, and nothing is ever sent either."""
        del request
        return False

    def remember(self, request: DocRequest, answer: AnySchema, settled: str) -> None:
        """Nothing to remember: answers are recomputed instantly."""

    async def aclose(self) -> None:
        """Nothing to release."""
