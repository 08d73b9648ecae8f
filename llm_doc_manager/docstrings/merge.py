"""Merge a provider's answer with the existing docstring and sync it to the code.

The answer is never trusted for structure: arguments always follow the signature, and the
Returns/Yields sections follow what the code does. Human text of an existing docstring is
kept when the provider could not have read it (``keeps_human_text``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from llm_doc_manager.analysis import ClassFacts, FunctionFacts, ModuleFacts, Param
from llm_doc_manager.config import PLACEHOLDER
from llm_doc_manager.docstrings.conventions import DEFAULT, HouseStyle
from llm_doc_manager.docstrings.parse import ParsedDocstring, RawSection
from llm_doc_manager.docstrings.schemas import (
    ArgDoc,
    AttributeDoc,
    ClassDocstring,
    DocSchema,
    MethodDocstring,
    ModuleDocstring,
    RaisesDoc,
    ReturnsDoc,
    YieldsDoc,
)
from llm_doc_manager.docstrings.sections import Section
from llm_doc_manager.docstrings.sync import bare
from llm_doc_manager.docstrings.types import written_type
from llm_doc_manager.errors import ApplyError


@dataclass(frozen=True)
class Merged:
    """The final content of one docstring.

    Attributes:
        schema: The content to render.
        extras: Verbatim sections carried over.
        unchanged: True when the content equals the existing docstring's.
    """

    schema: DocSchema
    extras: tuple[RawSection, ...]
    unchanged: bool


def _text(human: str | None, answer: str | None, keep_human: bool) -> str | None:
    human = human if human and human.strip() else None
    answer = answer if answer and answer.strip() else None
    return (human or answer) if keep_human else (answer or human)


#: Code in reST's double backticks, one span (no backtick inside).
_DOUBLE_TICKS_RE = re.compile(r"``([^`]+)``")


def _has_default(param: Param) -> bool:
    return param.default is not None and param.default != "..."  # a stub's ``...``: none


def house_defaults(answer: MethodDocstring, facts: FunctionFacts, style: HouseStyle
                   ) -> MethodDocstring:
    """An answer whose ``Defaults to X.`` sentences (and quoted code) are the project's way.

    Only a sentence giving the code's own default is touched (what the static provider
    writes, or a model repeating the signature): dropped where the project never writes
    defaults or marks them in the type only; its value in backticks or not as the project
    writes it. Nothing learned: the answer as it is.

    Args:
        answer: The provider's answer.
        facts: The signature (which parameters have a default, and which).
        style: The project's conventions.

    Returns:
        The answer, its argument descriptions adjusted.
    """
    if not style.double_ticks and any("``" in r.description for r in answer.raises):
        # A condition quoted reST's way (``not name``) in a project writing Markdown.
        answer = answer.model_copy(update={"raises": [
            r.model_copy(update={"description": _DOUBLE_TICKS_RE.sub(r"`\1`", r.description)})
            for r in answer.raises]})
    way = style.defaults
    if way is None or not answer.args:
        return answer
    defaults = {bare(p.name): p.default for p in facts.params if _has_default(p)}
    typed = {bare(p.name) for p in facts.params if p.annotation}
    args = []
    for entry in answer.args:
        default = defaults.get(bare(entry.name))
        text = entry.description
        found = re.search(r"(\s*)\bDefaults to (`?)" + re.escape(default) + r"\2\.(?=\s|\Z)",
                          text) if default is not None else None
        if found is not None:
            value = f"`{default}`" if style.default_ticks else default
            # A ``None`` default is what the type's ``optional`` marker already says (a
            # marker is written only beside a type).
            said = "" if way in ("none", "marker") or (
                way == "both" and default == "None" and bare(entry.name) in typed and
                style.typed is not False) else f"{found.group(1)}Defaults to {value}."
            text = (text[:found.start()] + said + text[found.end():]).strip()
        args.append(entry if text == entry.description else
                    entry.model_copy(update={"description": text}))
    return answer.model_copy(update={"args": args})


def sync_args(facts: FunctionFacts, human: Sequence[ArgDoc], answer: Sequence[ArgDoc],
              keep_human: bool, placeholder: str = PLACEHOLDER,
              style: HouseStyle = DEFAULT) -> list[ArgDoc]:
    """Return one entry per parameter, in signature order, with text from the best source.

    Args:
        facts: The signature.
        human: Entries of the existing docstring.
        answer: Entries of the provider's answer.
        keep_human: Whether human descriptions win.
        placeholder: Text for what neither side says.
        style: The project's conventions (an ``optional`` marker for a default).

    Returns:
        One entry per documented parameter, in signature order.
    """
    by_human = {bare(a.name): a for a in human}
    by_answer = {bare(a.name): a for a in answer}
    synced = []
    for param in facts.params:
        old = by_human.get(bare(param.name))
        new = by_answer.get(bare(param.name))
        if old is None and bare(param.name) in facts.unused:
            continue  # declared unused on purpose: an entry only where a person wrote one
        description = _text(old.description if old else None,
                            new.description if new else None, keep_human) or placeholder
        # A forward reference (``'Sandbox'``) is written as the type it names.
        shown = style.shown(param.annotation)  # ``base_tqdm`` (an alias) written ``tqdm``
        type_hint = (written_type(shown) if shown else None) or \
            (old.type_hint if old else None) or \
            (new.type_hint if new else None)
        if shown is None and param.annotation:
            type_hint = old.type_hint if old else None  # a type variable: no type of ours
        marked = style.marked(type_hint, _has_default(param), style.backticks, param.default)
        # ``*args`` with its stars, unless the project writes them without (then as the
        # person wrote it, or bare).
        name = param.name if style.stars else (old.name if old else bare(param.name))
        synced.append(ArgDoc(name=name, type_hint=marked, description=description))
    return synced


def merge_method(facts: FunctionFacts, answer: MethodDocstring, existing: ParsedDocstring | None,
                 keep_human: bool, placeholder: str = PLACEHOLDER,
                 style: HouseStyle = DEFAULT) -> Merged:
    """Merge and sync a function docstring.

    Args:
        facts: What the code says.
        answer: The provider's answer; never trusted for structure.
        existing: The current docstring, parsed.
        keep_human: Whether human text wins over the answer's.
        placeholder: Text for what neither side says.
        style: The project's conventions (a project that does not document exceptions
            gets no new Raises section; defaults written its way).

    Returns:
        What to render, the sections kept verbatim, and whether anything changed.
    """
    old = existing or ParsedDocstring(summary="")
    # Stubs, abstract methods and overloads have no body to judge by: keep what is written,
    # unless the annotation says no value comes back.
    keep_written = facts.undecidable and not facts.annotated_no_value
    returns = None
    # A project that says what its generators give under ``Returns:`` with their
    # ``Iterable[...]`` annotation (huggingface_hub) gets that, not a Yields section.
    under_returns = style.generators_under_returns and facts.is_generator and \
        facts.documents_yield and not old.yields and \
        (old.returns is not None or facts.return_annotation is not None)
    needed = facts.needs_returns or under_returns
    if needed or (keep_written and (old.returns or answer.returns)):
        source = old.returns if keep_human and old.returns else (answer.returns or old.returns)
        shown = style.shown(facts.return_annotation)
        returns = ReturnsDoc(
            type_hint=(shown if not facts.is_generator or under_returns else None) or
            (source.type_hint if source and (shown or not facts.return_annotation or
                                             source is old.returns) else None),
            description=_text(old.returns.description if old.returns else None,
                              answer.returns.description if answer.returns else None,
                              keep_human) or (answer.yields.description if under_returns and
                                              answer.yields else None) or placeholder,
        )
    yields = None
    if (facts.documents_yield and not under_returns) or \
            (keep_written and (old.yields or answer.yields)):
        source_y = old.yields if keep_human and old.yields else (answer.yields or old.yields)
        yields = YieldsDoc(
            type_hint=facts.yield_type or (source_y.type_hint if source_y else None),
            description=_text(old.yields.description if old.yields else None,
                              answer.yields.description if answer.yields else None,
                              keep_human) or placeholder,
        )
    # Exceptions documented by hand may come from callees the code does not show: keep them.
    raises: dict[str, RaisesDoc] = {}
    first, second = (old.raises, answer.raises) if keep_human else (answer.raises, old.raises)
    for entry in (*first, *second):
        # An entry whose words the gate dropped keeps its place with the placeholder.
        if not entry.description.strip():
            entry = entry.model_copy(update={"description": placeholder})
        raises.setdefault(entry.exception_type, entry)
    # "Not implemented here" is the interface's nature, not an error to document.
    for fact in facts.documented_raises:
        if fact.exception not in raises:
            raises[fact.exception] = RaisesDoc(exception_type=fact.exception,
                                               description=placeholder)
    if not old.raises and not style.documents_raises:
        raises = {}  # the project almost never writes one: none is added (conventions.md)
    schema = MethodDocstring(
        summary=_text(old.summary, answer.summary, keep_human) or placeholder,
        extended_description=_text(old.description, answer.extended_description, keep_human),
        args=sync_args(facts, old.args, answer.args, keep_human, placeholder, style),
        returns=returns,
        yields=yields,
        raises=list(raises.values()),
        examples=_text(old.examples, answer.examples, keep_human),
        notes=_text(old.notes, answer.notes, keep_human),
    )
    return Merged(schema, tuple(old.extras),
                  existing is not None and schema == existing.to_method())


def _entry_text(entry: ArgDoc, hanging: str) -> str:
    head = f"{entry.name} ({entry.type_hint})" if entry.type_hint else entry.name
    first, *rest = entry.description.split("\n") if entry.description else [""]
    return "\n".join([f"{head}: {first}".rstrip(), *(hanging + line if line else line
                                                       for line in rest)])


def merge_class(facts: ClassFacts, answer: ClassDocstring, existing: ParsedDocstring | None,
                keep_human: bool, placeholder: str = PLACEHOLDER,
                style: HouseStyle = DEFAULT) -> Merged:
    """Merge and sync a class docstring.

    Attributes follow the code's order; hand-documented attributes the analysis cannot see
    (properties, plain class constants) are kept after them.

    Args:
        facts: What the code says.
        answer: The provider's answer; never trusted for structure.
        existing: The current docstring, parsed.
        keep_human: Whether human text wins over the answer's.
        placeholder: Text for what neither side says.
        style: The project's conventions (the heading and indentation of kept entries).

    Returns:
        What to render, the sections kept verbatim, and whether anything changed.
    """
    old = existing or ParsedDocstring(summary="")
    by_human = {a.name: a for a in old.attributes}
    by_answer = {a.name: a for a in answer.attributes}
    attributes = []
    # An attribute the class is not asked to document (see ClassFacts.asked, and a project
    # that writes no Attributes sections, or none beside a constructor's Args) stays only
    # where a person documented it: a model's entry for it is not added.
    asked = style.asked_attributes(facts, bool(old.attributes), bool(old.args))
    if not old.attributes and not style.payload_keys_asked(facts):
        asked = frozenset()  # a TypedDict's keys, where the project lists none
    in_args = {bare(a.name) for a in old.args}
    # A dataclass field documented under Args is documented; one missing goes there too.
    to_args = set() if old.attributes or not old.args else \
        {name for name in asked if name in facts.fields} if facts.is_dataclass else set()
    kept = [fact for fact in facts.attributes if fact.name not in in_args | to_args and
            (fact.name in asked or fact.name in by_human)]
    for fact in kept:
        human, new = by_human.get(fact.name), by_answer.get(fact.name)
        attributes.append(AttributeDoc(
            name=fact.name,
            type_hint=(style.new_type(fact.annotation, style.backticks) if human is None
                       else fact.annotation) or (human.type_hint if human else None)
            or (new.type_hint if new else None),
            description=_text(human.description if human else None,
                              new.description if new else None, keep_human) or placeholder,
        ))
    known = {fact.name for fact in kept}
    attributes += [a for a in old.attributes if a.name not in known]
    extras = tuple(old.extras)
    if old.args:
        # Constructor arguments documented on the class (Google style allows it) have no
        # schema field: keep them verbatim so that no human text is lost; a dataclass's
        # field missing there is added in its place among them.
        args = list(old.args)
        for fact in facts.attributes:
            if fact.name in to_args and fact.name not in in_args:
                new = by_answer.get(fact.name)
                hint = style.new_type(fact.annotation, style.backticks)
                if hint and style.backticks and "`" not in hint:
                    hint = f"`{hint}`"
                args.append(ArgDoc(name=fact.name, type_hint=hint if style.typed is not False
                                   else None,
                                   description=(new.description if new else "") or placeholder))
        extras = (RawSection(style.heading(Section.ARGS),
                             "\n".join(_entry_text(a, style.hanging or "    ")
                                       for a in args)), *extras)
    schema = ClassDocstring(
        summary=_text(old.summary, answer.summary, keep_human) or placeholder,
        extended_description=_text(old.description, answer.extended_description, keep_human),
        attributes=attributes,
        examples=_text(old.examples, answer.examples, keep_human),
        notes=_text(old.notes, answer.notes, keep_human),
    )
    return Merged(schema, extras,
                  existing is not None and schema == existing.to_class())


def merge_module(facts: ModuleFacts, answer: ModuleDocstring, existing: ParsedDocstring | None,
                 keep_human: bool, placeholder: str = PLACEHOLDER) -> Merged:
    """Merge a module docstring.

    Args:
        facts: What the code says (unused: modules have no signature to sync).
        answer: The provider's answer.
        existing: The current docstring, parsed.
        keep_human: Whether human text wins over the answer's.
        placeholder: Text for what neither side says.

    Returns:
        What to render, the sections kept verbatim, and whether anything changed.
    """
    del facts
    old = existing or ParsedDocstring(summary="")
    schema = ModuleDocstring(
        summary=_text(old.summary, answer.summary, keep_human) or placeholder,
        extended_description=_text(old.description, answer.extended_description, keep_human),
        typical_usage=_text(old.typical_usage or old.examples, answer.typical_usage, keep_human),
        notes=_text(old.notes, answer.notes, keep_human),
    )
    return Merged(schema, tuple(old.extras),
                  existing is not None and schema == existing.to_module())


def merge(facts: FunctionFacts | ClassFacts | ModuleFacts, answer: DocSchema,
          existing: ParsedDocstring | None, keep_human: bool,
          placeholder: str = PLACEHOLDER, style: HouseStyle = DEFAULT) -> Merged:
    """Merge an answer of the schema the facts call for (the one dispatch over kinds).

    Args:
        facts: What the code says: a function's, a class's or a module's facts.
        answer: The provider's content; its schema must match the facts.
        existing: The current docstring, parsed, if there is one.
        keep_human: Whether human text wins over the answer's.
        placeholder: Text for what neither side says.
        style: The project's conventions: for what is carried over verbatim, whether a
            Raises section is added, how defaults are written.

    Returns:
        What to render, the sections kept verbatim, and whether anything changed.

    Raises:
        ApplyError: If the answer's schema does not fit the facts.
    """
    match facts, answer:
        case FunctionFacts(), MethodDocstring():
            return merge_method(facts, answer, existing, keep_human, placeholder, style)
        case ClassFacts(), ClassDocstring():
            return merge_class(facts, answer, existing, keep_human, placeholder, style)
        case ModuleFacts(), ModuleDocstring():
            return merge_module(facts, answer, existing, keep_human, placeholder)
    raise ApplyError(f"the provider answered {type(answer).__name__} where "
                     f"{type(facts).__name__} called for another schema")
