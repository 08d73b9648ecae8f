"""The offline ``static`` provider: deterministic content derived from the code alone."""

from __future__ import annotations

import re

from llm_doc_manager.analysis import BlockFacts, ClassFacts, FunctionFacts, ModuleFacts, Param
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

_WORD_RE = re.compile(r"[A-Z]+(?=[A-Z][a-z]|\d|\b|_)|[A-Z]?[a-z]+|\d+|[A-Z]+")

_VERBS = frozenset(
    """
    accept add align allocate append apply assert build calculate call cancel check clean
    clear close collect combine compare compile compute configure connect convert copy
    count create decode delete describe detect disable dispatch download dump emit enable
    encode ensure enter escape evaluate execute exit expand export extract fetch filter
    find finish flush format generate get guess handle hash import increment init
    initialize insert install iterate join load lock log lookup make map mark match merge
    migrate move normalize notify open parse patch pick pop post prepare print process
    publish pull push put quote read receive record refresh register reload remove render
    replace report request reset resolve restore retry return run save scan search select
    send serialize set setup show shutdown sort split start stop store strip submit sync
    tag take test to track transform translate trim truncate try unlock unpack unregister
    update upgrade upload validate verify visit wait walk wrap write yield
    """.split()  # noqa: SIM905 - a word list reads better as text
)

_DUNDERS = {
    "__init__": "Initialize the instance.",
    "__new__": "Create a new instance.",
    "__repr__": "Return the developer representation.",
    "__str__": "Return the string representation.",
    "__eq__": "Return whether this object equals another.",
    "__ne__": "Return whether this object differs from another.",
    "__lt__": "Return whether this object sorts before another.",
    "__hash__": "Return the hash value.",
    "__len__": "Return the number of items.",
    "__iter__": "Iterate over the items.",
    "__next__": "Return the next item.",
    "__call__": "Call the instance.",
    "__enter__": "Enter the context.",
    "__exit__": "Exit the context.",
    "__aenter__": "Enter the asynchronous context.",
    "__aexit__": "Exit the asynchronous context.",
    "__getitem__": "Return the item for a key.",
    "__setitem__": "Set the item for a key.",
    "__delitem__": "Delete the item for a key.",
    "__contains__": "Return whether an item is contained.",
    "__bool__": "Return the truth value.",
    "__getattr__": "Return a dynamically computed attribute.",
    "__post_init__": "Finish initialization after the generated ``__init__``.",
}


def words(name: str) -> list[str]:
    """Split an identifier into lower-case words (acronyms keep their case)."""
    found = _WORD_RE.findall(name.strip("_*"))
    return [w if w.isupper() and len(w) > 1 else w.lower() for w in found] or [name]


def sentence(text: str) -> str:
    """Capitalise the first letter and end with a period."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def _phrase(name: str) -> str:
    return " ".join(words(name))


def _function_summary(facts: FunctionFacts) -> str:
    if facts.name in _DUNDERS:
        return _DUNDERS[facts.name]
    if facts.name.startswith("__") and facts.name.endswith("__"):
        return f"Implement the ``{facts.name}`` protocol."
    parts = words(facts.name)
    if facts.is_property:
        return sentence("the " + " ".join(parts))
    head, rest = parts[0], " ".join(parts[1:])
    if head in ("is", "has", "can", "should") and rest:
        return sentence(f"return True if it {head} {rest}")
    if head in _VERBS:
        return sentence(" ".join(parts))
    if facts.documents_return:
        return sentence("return the " + " ".join(parts))
    return sentence(" ".join(parts))


def _default_text(default: str) -> str:
    return default if len(default) <= 40 else "a computed value"


def _arg_description(param: Param) -> str:
    if param.kind == "var_positional":
        return "Additional positional arguments."
    if param.kind == "var_keyword":
        return "Additional keyword arguments."
    text = sentence(("whether " if param.annotation == "bool" else "the ") + _phrase(param.name))
    if param.default is not None:
        text += f" Defaults to {_default_text(param.default)}."
    return text


def _return_description(facts: FunctionFacts) -> str:
    parts = words(facts.name)
    if parts[0] in ("is", "has", "can", "should") and len(parts) > 1:
        return f"True if it {' '.join(parts)}, False otherwise."
    if parts[0] in ("get", "compute", "calculate", "make", "build", "create", "load", "read",
                    "find", "fetch", "parse") and len(parts) > 1:
        return sentence("the " + " ".join(parts[1:]))
    if facts.is_property:
        return sentence("the " + " ".join(parts))
    return "The result."


def _raise_description(condition: str | None) -> str:
    if condition is None:
        return "On failure."
    condition = " ".join(condition.split())
    if len(condition) > 60:
        return "If the input is invalid."
    return f"If ``{condition}``."


def method_docstring(facts: FunctionFacts) -> MethodDocstring:
    """Derive a function docstring from the code."""
    returns = None
    if facts.documents_return:
        returns = ReturnsDoc(type_hint=facts.return_annotation,
                             description=_return_description(facts))
    yields = None
    if facts.is_generator:
        yields = YieldsDoc(type_hint=facts.yield_type, description="The next value.")
    return MethodDocstring(
        summary=_function_summary(facts),
        extended_description=None,
        args=[ArgDoc(name=p.name, type_hint=p.annotation, description=_arg_description(p))
              for p in facts.params],
        returns=returns,
        yields=yields,
        raises=[RaisesDoc(exception_type=r.exception, description=_raise_description(r.condition))
                for r in facts.raises],
        examples=None,
        notes=None,
    )


def class_docstring(facts: ClassFacts) -> ClassDocstring:
    """Derive a class docstring from the code."""
    phrase = _phrase(facts.name)
    base_names = {b.rsplit(".", 1)[-1] for b in facts.bases}
    if any(b.endswith(("Error", "Exception", "Warning")) for b in base_names):
        summary = f"Raised for {phrase} problems."
    elif base_names & {"Enum", "IntEnum", "StrEnum", "Flag", "IntFlag"}:
        summary = f"Enumeration of {phrase} values."
    elif base_names & {"Protocol"}:
        summary = f"Interface for {phrase} objects."
    elif facts.is_dataclass:
        summary = f"Data for {phrase}."
    else:
        summary = sentence(phrase)
    return ClassDocstring(
        summary=summary,
        extended_description=None,
        attributes=[AttributeDoc(name=a.name, type_hint=a.annotation,
                                 description=sentence("the " + _phrase(a.name)))
                    for a in facts.attributes],
        examples=None,
        notes=None,
    )


def _enumerate(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def module_docstring(facts: ModuleFacts) -> ModuleDocstring:
    """Derive a module docstring from the code."""
    description = None
    if facts.public_names:
        shown = [f"``{n}``" for n in facts.public_names[:6]]
        if len(facts.public_names) > 6:
            shown.append(f"{len(facts.public_names) - 6} more")
        description = f"Defines {_enumerate(shown)}."
    return ModuleDocstring(summary=sentence(_phrase(facts.name)),
                           extended_description=description, typical_usage=None, notes=None)


def comment_text(facts: BlockFacts) -> CommentText:
    """Derive a comment describing a block."""
    phrases = list(dict.fromkeys(facts.phrases))  # same step twice reads as noise
    shown = phrases[:4]
    text = _enumerate(shown) if shown else "do nothing"
    if len(phrases) > 4:
        text += f", then {len(phrases) - 4} more steps"
    return CommentText(text=sentence(text))


class StaticProvider:
    """Offline provider: content derived from the code, deterministic, no network.

    Attributes:
        usage: Always zero: nothing is ever sent.
        name: ``static``.
        keeps_human_text: Always True: existing human text wins over derived text.
        needs_code: Always False: the facts are enough.
        local: Always True: a pure function of the request.
    """

    name = "static"
    keeps_human_text = True
    needs_code = False
    local = True

    def __init__(self) -> None:
        """Start with empty usage counters (the static provider never sends requests)."""
        self.usage = Usage()

    async def generate(self, request: DocRequest) -> AnySchema:
        """Derive the content for one region from its facts."""
        return self.generate_now(request)

    def generate_now(self, request: DocRequest) -> AnySchema:
        """Synchronous form of ``generate`` (the static provider never waits)."""
        facts = request.facts
        # The facts' type is the kind: a request's kind and facts are built together.
        if isinstance(facts, FunctionFacts):
            return method_docstring(facts)
        if isinstance(facts, ClassFacts):
            return class_docstring(facts)
        if isinstance(facts, ModuleFacts):
            return module_docstring(facts)
        return comment_text(facts)

    def remember(self, request: DocRequest, answer: AnySchema, settled: str) -> None:
        """Nothing to remember: answers are recomputed instantly."""

    async def aclose(self) -> None:
        """Nothing to release."""
