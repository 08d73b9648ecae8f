"""What a docstring may truthfully say of its code: one set of rules for validate and the gate.

``validate`` reports a documented part the code contradicts (LD312, LD314, LD322, LD323,
LD332, LD333, LD342, LD353); ``generate`` drops the same parts from a model's answer
before it is used (``gate``). Both call these functions, so what the gate lets through is
what ``validate`` accepts. The summary rules (empty, one word, only the name; made a
sentence) are the gate's alone: a person's summary is theirs.

Pure: facts and nodes in, verdicts out — but for ``imported_names``, which reads the
project's modules a file imports (what its free text may name besides its own code).
"""

from __future__ import annotations

import ast
import builtins
import datetime
import decimal
import fractions
import functools
import keyword
import math
import pathlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from llm_doc_manager.analysis import (
    BlockFacts,
    ClassFacts,
    FunctionFacts,
    FunctionNode,
    ModuleFacts,
    docstring_expr,
    own_nodes,
)
from llm_doc_manager.analysis.facts import escapes
from llm_doc_manager.analysis.load import load_file
from llm_doc_manager.codes import Finding
from llm_doc_manager.docstrings.schemas import (
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
from llm_doc_manager.docstrings.sync import bare, same_exception
from llm_doc_manager.docstrings.types import same_type
from llm_doc_manager.source import syntax


def delegates(node: FunctionNode) -> bool:
    """Whether a body is one ``return`` of something read from elsewhere (``self.inner``)."""
    body = node.body[1:] if docstring_expr(node.body) is not None else node.body
    return len(body) == 1 and isinstance(body[0], ast.Return) and body[0].value is not None \
        and any(isinstance(sub, ast.Attribute | ast.Subscript | ast.Call)
                for sub in ast.walk(body[0].value))


def never_raised(node: FunctionNode, facts: FunctionFacts, documented: Sequence[str]
                 ) -> list[str]:
    """The documented exceptions the function cannot raise (LD342), in the order given.

    An exception no raise statement raises may still come from a call or an await (a
    callee may raise anything), a raise of a class the code cannot name (``raise error``)
    or, for ``KeyError``/``IndexError``/``LookupError``, a subscript — unless every such
    place is inside a ``try`` whose handler catches it and does not pass it on
    (``analysis.facts.escapes``). Nothing is judged for a stub or abstract method, or a
    property handing on another attribute.

    Args:
        node: The function.
        facts: Its facts.
        documented: The exception names a docstring lists.

    Returns:
        Those the function cannot let out.
    """
    if not documented or facts.undecidable or (facts.is_property and delegates(node)):
        return []
    sites = escapes(node)
    return [name for name in documented
            if not any(same_exception(f.exception, name) for f in facts.raises)
            and not sites.may_raise(name)]


def not_a_parameter(facts: FunctionFacts, name: str) -> bool:
    """Whether an argument entry names no parameter (LD312); ``**kwargs`` may bring any name,
    and a property's entries document calling the value it gives (networkx's ``G.edges``)."""
    if facts.is_property or bare(name) in {bare(p.name) for p in facts.params}:
        return False
    return not any(p.kind == "var_keyword" for p in facts.params)


# Classes of the standard library a docstring names bare, by that name: compared with a
# builtin annotation where the type reader cannot tell (``datetime`` documented for ``str``).
_STDLIB_CLASSES: dict[str, type] = {
    "NoneType": type(None), "None": type(None), "datetime": datetime.datetime,
    "date": datetime.date, "timedelta": datetime.timedelta, "Decimal": decimal.Decimal,
    "Fraction": fractions.Fraction, "Path": pathlib.Path, "PurePath": pathlib.PurePath}
# PEP 484's numeric tower: an int is accepted for a float, an int or float for a complex.
_ACCEPTED_FOR: dict[type, tuple[type, ...]] = {float: (int,), complex: (int, float)}


def _plain_class(text: str) -> type | None:
    """The class one plain name means (``str``, ``NoneType``, ``datetime.datetime``), or None."""
    name = text.strip().strip("`~!").rsplit(".", 1)[-1]
    if not name.isidentifier():
        return None
    found = _STDLIB_CLASSES.get(name) or getattr(builtins, name, None)
    return found if isinstance(found, type) else None


def contradicts(documented: str | None, annotation: str | None, has_default: bool = False,
                classes: frozenset[str] = frozenset()) -> bool:
    """Whether a documented type contradicts an annotation (unreadable types never do).

    Where the type reader cannot tell, two plain names of known classes still can
    (``NoneType`` or ``datetime`` documented for ``str``): neither is the other's kind. So
    can a class of the module that is no builtin's kind (``classes``: ``bases.plain_classes``)
    and a builtin: ``Dataset`` documented for ``-> int``.
    """
    if not (documented and annotation):
        return False
    verdict = same_type(documented, annotation, has_default)
    if verdict is not None:
        return not verdict
    doc, annotated = _plain_class(documented), _plain_class(annotation)
    if doc is None or annotated is None:
        own_doc, own_annotated = _bare_name(documented) in classes, \
            _bare_name(annotation) in classes
        # One side a class of the module (not a builtin's kind), the other a builtin class.
        return (own_doc and annotated is not None and annotated is not object) or \
            (own_annotated and doc is not None and doc is not object)
    return not issubclass(doc, annotated) and doc not in _ACCEPTED_FOR.get(annotated, ())


def _bare_name(text: str) -> str:
    """A type's last dotted name, markup removed (``~pkg.Dataset`` is ``Dataset``)."""
    return text.strip().strip("`~!").rsplit(".", 1)[-1]


# What the first words of a Returns/Yields description say the value is ("A list of ...").
_TYPE_NOUN = re.compile(
    r"(?:returns?\s+)?(?:an?|the)\s+(?:(?:new|single|python|plain)\s+)?"
    r"(list|dictionary|dict|tuple|set|integer|float|floating[- ]point number|string|boolean"
    r"|bytes)\b", re.IGNORECASE)
_NOUN_TYPE = {"dictionary": "dict", "integer": "int", "floating-point number": "float",
              "floating point number": "float", "string": "str", "boolean": "bool"}


def described_type_contradicts(description: str, annotation: str | None) -> str | None:
    """The type a description's first words name, when it contradicts the annotation.

    Args:
        description: A Returns or Yields description ("A list of the names.").
        annotation: What the annotation says the value is.

    Returns:
        The type the words name (``list``), or None when they name none or it agrees.
    """
    found = _TYPE_NOUN.match(description.strip())
    if found is None or not annotation:
        return None
    noun = " ".join(found.group(1).lower().split())
    named = _NOUN_TYPE.get(noun, noun)
    return named if contradicts(named, annotation) else None


# A literal value named in prose (``True``, ``None``), not "None of the ...".
_LITERAL = re.compile(r"(?<![\w.])`{0,2}(True|False|None)`{0,2}(?![\w(])(?!\s+of\b)")


def _returned_values(node: FunctionNode) -> list[ast.expr | None] | None:
    """What the function's own return statements give back (None for a bare ``return``),
    or None when it may also fall off its end (an implicit None)."""
    body = node.body
    values: list[ast.expr | None] = [sub.value for sub in own_nodes(node)
                                     if isinstance(sub, ast.Return)]
    last = body[-1] if body else None
    if not isinstance(last, ast.Return | ast.Raise):
        return None
    return values


def literals_never_returned(node: FunctionNode, facts: FunctionFacts) -> frozenset[str]:
    """The literals ``True``, ``False`` and ``None`` the function cannot return.

    Judged from a plain return annotation of builtin types (``-> str`` returns no True
    and no None), or, without one, from return statements that all give constants.

    Args:
        node: The function.
        facts: Its facts.

    Returns:
        Those of the three it never returns (empty when the code cannot tell).
    """
    if facts.is_generator or facts.undecidable:
        return frozenset()
    annotation = facts.return_annotation
    if annotation:
        try:
            names = {n.id for n in ast.walk(syntax.parse(annotation, mode="eval"))
                     if isinstance(n, ast.Name)}
        except SyntaxError:
            return frozenset()
        if not names or not all(isinstance(getattr(builtins, n, None), type) for n in names) \
                or "object" in names:
            return frozenset()  # a TypeVar, an alias or Any may be a bool or None
        never = set() if "bool" in names or "int" in names else {"True", "False"}
        return frozenset(never | ({"None"} if "None" not in annotation else set()))
    values = _returned_values(node)
    if values is None or not values or \
            not all(isinstance(v, ast.Constant) for v in values if v is not None):
        return frozenset()
    given = {repr(v.value) if isinstance(v, ast.Constant) else "None" for v in values}
    return frozenset({"True", "False", "None"} - given)


def returns_impossible(facts: FunctionFacts) -> bool:
    """Whether a Returns section is one the function cannot have (LD322)."""
    # ``Generator[Y, S, R]`` (or ``return x`` in a generator) gives a value back too; a stub
    # may document what its implementations return, unless annotated ``-> None``.
    return not facts.documents_return and not facts.generator_returns and (
        not facts.undecidable or facts.annotated_no_value)


# ``None`` as a Returns section writes it: bare, in backticks, as a Sphinx role, in
# parentheses, with a full stop.
_NONE_WRITTEN = re.compile(r"\(?(?::(?:py:)?(?:obj|data|const|class):)?`{0,2}None`{0,2}\)?\.?")


def returns_says_none(facts: FunctionFacts, type_hint: str | None, description: str) -> bool:
    """Whether a Returns section only says that a function returning nothing returns ``None``.

    That is true (huggingface_hub's ``Returns: `None``` on ``-> None`` methods; pydoclint
    reports no DOC202 where ``-> None`` is annotated), so it is no LD322. Not for a
    generator (it returns a generator) nor for ``NoReturn``/``Never`` (it never returns).
    The gate still drops such a section from a model's answer: nothing asks for it.

    Args:
        facts: The function's facts.
        type_hint: The section's type (``None: Early return.``), if it has one.
        description: Its text.

    Returns:
        True when the type is ``None``, or, with no type, the whole text is.
    """
    if facts.is_generator or facts.return_annotation not in (None, "None", "'None'"):
        return False
    said = type_hint if type_hint is not None else description
    return _NONE_WRITTEN.fullmatch(said.strip()) is not None


def returns_contradicts(facts: FunctionFacts, documented: str | None,
                        classes: frozenset[str] = frozenset()) -> bool:
    """Whether a Returns type contradicts the return annotation (LD323); ``classes``: the
    module's ``bases.plain_classes``."""
    return not facts.annotated_no_value and not facts.is_generator and \
        contradicts(documented, facts.return_annotation, classes=classes)


def yields_impossible(facts: FunctionFacts) -> bool:
    """Whether a Yields section is one the function cannot have (LD332)."""
    return not facts.is_generator and (not facts.undecidable or facts.annotated_no_value)


def yields_contradicts(facts: FunctionFacts, documented: str | None,
                       classes: frozenset[str] = frozenset()) -> bool:
    """Whether a Yields type contradicts what the annotation yields (LD333); ``classes``:
    the module's ``bases.plain_classes``."""
    return contradicts(documented, facts.yield_type, classes=classes)


# -- summaries (the gate's own rules) ------------------------------------------------------

_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


def _words(text: str) -> list[str]:
    """Lower-case words of a text or an identifier (``hello_world``, ``helloWorld``)."""
    return [w.lower() for w in _WORD.findall(text)]


def summary_problem(summary: str, names: Sequence[str]) -> str | None:
    """Why a summary says nothing, or None when it says something.

    Args:
        summary: The summary.
        names: What the docstring documents is called (its name, its qualified name).

    Returns:
        "empty summary", "one-word summary" or "summary is only the name", else None.
    """
    text = summary.strip()
    if not text:
        return "empty summary"
    if len(text.split()) == 1:
        return "one-word summary"
    words = _words(text)
    if any(words == _words(name) for name in names if name):
        return "summary is only the name"
    return None


def _looks_like_code(word: str) -> bool:
    """Whether a first word is an identifier a capital would change (``self``, ``iOS``)."""
    core = word.rstrip(".,;:")
    return not core.isalpha() or any(c.isupper() for c in core[1:])


def as_sentence(summary: str) -> str:
    """A summary as a sentence: one paragraph, first letter capitalised, a final period.

    A summary ending with ``?``, ``!`` or ``:`` keeps its ending; a first word that reads as
    code (``x_max``, ``iOS``, backticks) keeps its case.

    Args:
        summary: The summary as the model wrote it.

    Returns:
        The sentence.
    """
    text = " ".join(summary.split())
    if not text:
        return text
    first = text.split(" ", 1)[0]
    if text[0].islower() and not _looks_like_code(first):
        text = text[0].upper() + text[1:]
    if text[-1] not in ".?!:":
        text += "."
    return text


# -- free text (the gate's own rules) -----------------------------------------------------

# The request's JSON schema said back as text: its keywords quoted as keys, or its models'
# names (a 135M model wrote ``{ 'type': 'string', 'title': 'ModuleDocstring' }`` as a note).
_SCHEMA_ECHO = re.compile(r"""['"](?:type|title|properties|required|\$defs|\$ref)['"]\s*:"""
                          r"|\b(?:Method|Class|Module)Docstring\b"
                          r"|\b(?:Arg|Returns|Yields|Raises|Attribute)Doc\b")
# Our own request said back: the call context's headings and the retry message a small model
# copies into its answer ("The JSON does not match the schema.", "Calls (signature: summary):").
_PROMPT_ECHO = re.compile(r"does not match the schema|calls \(signature: summary\)|^called by:"
                          r"|your previous answer was rejected|answer with one json object",
                          re.IGNORECASE | re.MULTILINE)
# Markup a docstring never holds: an HTML tag opening (SmolLM2 wrote ``<script type=`` as
# a summary).
_MARKUP = re.compile(r"<(?:script|style|html|body|div|span|a|p|br|img|iframe)\b[^<]*?(?:=|>|$)",
                     re.IGNORECASE)
# Template placeholders (``{{code}}``): a form the model did not fill in.
_TEMPLATE = re.compile(r"\{\{[^{}]*\}\}")
# A word of prose: two letters or more.
_PROSE_WORD = re.compile(r"[^\W\d_]{2,}")
# Where a summary's first sentence ends: a stop, then a capital (not after e.g./i.e./etc.).
_SENTENCE_END = re.compile(r"(?<!\be\.g)(?<!\bi\.e)(?<!\betc)(?<!\bvs)[.!?]\s+(?=[A-Z])")


def text_problem(text: str, code: bool = False) -> str | None:
    """Why a free text of a model's answer says nothing, or None when it may say something.

    Args:
        text: A description, note, extended description, example or comment.
        code: Whether the field holds example code (``f(1)`` is fine there; a text
            without a letter or digit is not); prose needs a word of two letters.

    Returns:
        "echoes the request's schema", "echoes the request", "markup", "unfilled
        template", "no words", or None.
    """
    if _SCHEMA_ECHO.search(text):
        return "echoes the request's schema"
    if _PROMPT_ECHO.search(text):
        return "echoes the request"
    if _MARKUP.search(text):
        return "markup"
    if _TEMPLATE.search(text):
        return "unfilled template"
    if code:
        return None if any(c.isalnum() for c in text) else "no words"
    return None if _PROSE_WORD.search(text) else "no words"


# Where a sentence of free text ends: a stop, then space (kept to put the text together).
_SENTENCE_GAP = re.compile(r"((?<=[.!?])\s+)")


def sentences(text: str) -> list[tuple[str, str]]:
    """A free text as its sentences, each with the space that follows it.

    Args:
        text: Prose.

    Returns:
        (sentence, following space) pairs; joined they give the text back.
    """
    parts = _SENTENCE_GAP.split(text)
    parts.append("")
    return [(parts[i], parts[i + 1]) for i in range(0, len(parts) - 1, 2) if parts[i]]


def has_code(text: str) -> bool:
    """Whether an example holds code: a ``>>>`` prompt, a fenced or indented block, or text
    that parses as Python (an example of only prose shows nothing)."""
    if ">>>" in text or "```" in text or \
            any(line.startswith(("    ", "\t")) and line.strip() for line in text.splitlines()):
        return True
    try:
        tree = syntax.parse(text)
    except (SyntaxError, ValueError):
        return False
    # A lone name or constant ("Example") parses too, but is no code.
    return any(not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Name | ast.Constant))
               for stmt in tree.body)


# A class name as a Raises entry writes it: dotted identifiers, the last one capitalised.
_CLASS_NAME = re.compile(r"(?:[A-Za-z_][A-Za-z0-9_]*\.)*[A-Z][A-Za-z0-9_]*")


def exception_name(name: str) -> bool:
    """Whether a Raises entry's name can be an exception class.

    ``ValueError``, ``httpx.ProxyError`` and a project's ``BadInput`` can; ``float``,
    ``string`` (SmolLM2 listed both), a builtin that is no exception (``Exception`` aside:
    ``str``, ``None``) or text with spaces cannot.

    Args:
        name: The entry's name, as the model wrote it.

    Returns:
        True when the name can name an exception class.
    """
    text = name.strip().strip("`")
    if not _CLASS_NAME.fullmatch(text) or text in ("None", "NoneType", "True", "False"):
        return False
    found = getattr(builtins, text.rsplit(".", 1)[-1], None) if "." not in text else None
    return found is None or (isinstance(found, type) and issubclass(found, BaseException))


def first_sentence(summary: str) -> tuple[str, str]:
    """A summary split into its first sentence and what follows (a Google summary is one line).

    Args:
        summary: The summary as the model wrote it.

    Returns:
        The first sentence and the rest ("" when the summary is one sentence).
    """
    text = " ".join(summary.split())
    found = _SENTENCE_END.search(text)
    if found is None:
        return text, ""
    return text[:found.start() + 1], text[found.end():]


# -- names in free text (the gate's own rules) -----------------------------------------------

# What free text names as code: a span in double or single backticks, or a bare call
# ``name()`` (SmolLM2 wrote ``gettext.i18n``, `floats_to_string` and parseJSON()).
_TICKED = re.compile(r"``([^`]+)``|`([^`]+)`")
# A span that is no reference to the module's code: after a Sphinx role (``:math:`u_t```,
# ``:class:`x.Y```: its own resolution) or as the text of a Markdown link (``[`f`][m.f]``).
_ROLE_BEFORE = re.compile(r":[\w:+-]+:$")
# A span that names code as a person would write it (what is judged): a call, a dotted
# name, a snake_case or camelCase name. A plain word (`hf`, `admin`, `keep`) is as often a
# value, an option or a CLI name as a name of code, and a CapWords one (`TypedDict`) a
# class of another module: neither is judged.
_CODE_LIKE = re.compile(r"[(.]|\w_\w|^_*[a-z]+[A-Z]")
# An environment variable or a constant of elsewhere (`HF_TOKEN`, `KW_ONLY`).
_CONSTANT = re.compile(r"[A-Z][A-Z0-9_]*")
# File names written in backticks (`privacy.py`, `model.safetensors`).
_FILE_SUFFIX = frozenset({"py", "pyi", "pyx", "json", "txt", "md", "rst", "toml", "yaml", "yml",
                          "cfg", "ini", "csv", "lock", "sh", "html", "bin", "gz", "zip", "so",
                          "safetensors"})
_BARE_CALL = re.compile(r"(?<![\w.])([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\(\)")


@functools.lru_cache(maxsize=8)
def module_scope(tree: ast.Module) -> frozenset[str] | None:
    """Every identifier a module's code holds, or None when it cannot be told.

    Generous on purpose (a name the gate does not know costs a true sentence): names bound
    or read, attributes, parameters, definitions anywhere (methods, nested functions),
    keyword arguments, and each part of an import. A ``from m import *`` may bind anything:
    None.

    Args:
        tree: The module.

    Returns:
        The identifiers, or None.
    """
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            found.add(node.id)
        elif isinstance(node, ast.Attribute):
            found.add(node.attr)
        elif isinstance(node, ast.arg):
            found.add(node.arg)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            found.add(node.name)
        elif isinstance(node, ast.keyword) and node.arg:
            found.add(node.arg)
        elif isinstance(node, ast.ImportFrom):
            if any(alias.name == "*" for alias in node.names):
                return None
            found.update((node.module or "").split("."))
        elif isinstance(node, ast.alias):
            found.update(node.name.split("."))
            if node.asname:
                found.add(node.asname)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            found.add(node.name)
        elif isinstance(node, ast.Global | ast.Nonlocal):
            found.update(node.names)
        elif isinstance(node, ast.MatchAs | ast.MatchStar) and node.name:
            found.add(node.name)
    return frozenset(found)


def _definitions(tree: ast.Module) -> frozenset[str]:
    """The names a module defines: its functions, classes and methods at any depth, and
    the names its top level assigns."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            found.add(node.name)
    for stmt in tree.body:
        targets = stmt.targets if isinstance(stmt, ast.Assign) else \
            [stmt.target] if isinstance(stmt, ast.AnnAssign | ast.AugAssign) else []
        found.update(t.id for target in targets for t in ast.walk(target)
                     if isinstance(t, ast.Name))
    return frozenset(found)


@functools.lru_cache(maxsize=256)
def _file_definitions(path: str, _stamp: tuple[int, int]) -> frozenset[str]:
    """``_definitions`` of a file (nothing when it cannot be read or parsed); keyed by its
    modification time and size, so an edited file is read again."""
    loaded = load_file(pathlib.Path(path))
    return frozenset() if isinstance(loaded, Finding) else _definitions(loaded.tree)


def _project_module(importer: pathlib.Path, level: int, dotted: str) -> pathlib.Path | None:
    """The project file of a module ``importer`` imports: relative, or absolute inside the
    importer's own top package (``pkg.store`` from ``pkg/report.py``); else None."""
    parts = dotted.split(".") if dotted else []
    if level:
        base = importer.parent
        for _ in range(level - 1):
            base = base.parent
    else:
        top = importer.parent
        while (top.parent / "__init__.py").is_file():
            top = top.parent
        if not parts or parts[0] != top.name or not (top / "__init__.py").is_file():
            return None
        base = top.parent
    place = base.joinpath(*parts)
    candidates = [place / "__init__.py"] + ([place.with_name(place.name + ".py")] if parts
                                            else [])
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    return None


def imported_names(path: pathlib.Path, tree: ast.Module) -> frozenset[str]:
    """The names the project's modules a file imports define (what its text may name).

    ``from .store import read_rows`` (or ``from pkg.store import ...``, ``import
    pkg.store``) makes every function, class, method and top-level name of ``store.py``
    known, and ``from . import store`` those of ``store.py`` too. Only imports inside the
    file's own package are followed (a library's names are not the project's). The one
    reader of files in this module: each file is read once while it is unchanged.

    Args:
        path: The file.
        tree: Its tree.

    Returns:
        The names (empty when it imports nothing of its package).
    """
    path = path.absolute()
    modules: set[pathlib.Path] = set()
    for node in ast.walk(tree):
        wanted: list[tuple[int, str]] = []
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            wanted.append((node.level, module))
            wanted += [(node.level, f"{module}.{a.name}" if module else a.name)
                       for a in node.names if a.name != "*"]
        elif isinstance(node, ast.Import):
            wanted += [(0, alias.name) for alias in node.names]
        for level, dotted in wanted:
            found = _project_module(path, level, dotted)
            if found is not None and found != path:
                modules.add(found)
    names: set[str] = set()
    for file in modules:
        try:
            stat = file.stat()
        except OSError:
            continue
        names |= _file_definitions(str(file), (stat.st_mtime_ns, stat.st_size))
    return frozenset(names)


def _known(name: str, scope: frozenset[str]) -> bool:
    """Whether a first name resolves: in the module, a builtin, a keyword, ``self``/``cls``,
    a dunder, or one letter (a variable of a formula). A module of the standard library the
    module does not import does not (``gettext.i18n``: the code uses no gettext)."""
    return len(name) < 2 or name in scope or hasattr(builtins, name) \
        or keyword.iskeyword(name) or keyword.issoftkeyword(name) \
        or name in ("self", "cls") or (name.startswith("__") and name.endswith("__"))


def _names_nothing(code: str, scope: frozenset[str]) -> bool:
    """Whether code in backticks is a name, dotted name or call whose first name resolves
    to nothing. A literal, a type expression, an operator, a file name, a plain word or
    what does not parse is no such name."""
    code = code.strip()
    if "#" in code or not _CODE_LIKE.search(code) or _CONSTANT.fullmatch(code) or \
            code.rsplit(".", 1)[-1].lower() in _FILE_SUFFIX:
        return False
    try:
        expr = syntax.parse(code, mode="eval").body
    except (SyntaxError, ValueError):
        return False
    if isinstance(expr, ast.Call):
        expr = expr.func
    while isinstance(expr, ast.Attribute):
        expr = expr.value
    return isinstance(expr, ast.Name) and not _known(expr.id, scope)


def unresolved_name(sentence: str, scope: frozenset[str]) -> str | None:
    """The first thing a sentence names as code that resolves to nothing, or None.

    Named as code: in backticks (`` `x` `` or ````x````) as a call, a dotted, snake_case
    or camelCase name (not after a Sphinx role, nor as a Markdown link's text), or as a bare
    call ``name()``.
    Resolving: a name of the module's code (``module_scope``), a builtin, a keyword,
    ``self``/``cls``, a dunder or a one-letter name; a dotted name or a call by its first
    name. Literals (``None``, ``"x"``, ``3``), type expressions (``list[str]``) and other
    expressions never name nothing.

    Args:
        sentence: A sentence of free text.
        scope: The module's identifiers.

    Returns:
        The name as written (``gettext.i18n``, ``parseJSON()``), or None.
    """
    if "```" in sentence or ">>>" in sentence:
        return None  # a fence's backticks pair with nothing; a doctest's names are its own
    for found in _TICKED.finditer(sentence):
        code = found.group(1) or found.group(2)
        before, after = sentence[:found.start()], sentence[found.end():]
        if _ROLE_BEFORE.search(before) or (before.endswith("[") and after.startswith("]")):
            continue
        if _names_nothing(code, scope):
            return code.strip()
    bare_text = _TICKED.sub(" ", sentence)
    for found in _BARE_CALL.finditer(bare_text):
        if not _known(found.group(1).split(".", 1)[0], scope):
            return found.group(0)
    return None


# -- numbers in a comment (the gate's own rule) ---------------------------------------------

# A number as prose writes it (``7``, ``0.07``, ``.5``, ``1,000``, ``1e-3``, ``2nd``), not inside
# an identifier (``sha256``, ``x2``), with a percent sign or word after it.
_NUMBER = re.compile(r"(?<![\w.])(\.?\d(?:[eE][+-]?\d|[\w.,])*?)(?=[.,]?(?:\s|$|[^\w.,])|[.,]$)"
                     r"(\s*(?:%|per\s?cent\b))?", re.IGNORECASE)
_VALUE = re.compile(r"\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|\.\d+")
_DIGITS = re.compile(r"\d+(?:\.\d+)*")
_BASED = re.compile(r"0(?:[xX][0-9a-fA-F]+|[oO][0-7]+|[bB][01]+)")
# Operators a literal expression of the block is folded with (``60 * 60 * 24`` is 86400).
_FOLD: dict[type, Callable[[float, float], float]] = {
    ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b, ast.FloorDiv: lambda a, b: a // b,
    ast.Mod: lambda a, b: a % b}


@dataclass(frozen=True)
class Numbers:
    """The numbers a block of code holds, that a comment on it may state.

    Attributes:
        values: The numeric literals, negated literals and literal expressions folded
            (``60 * 60`` gives 60 and 3600).
        digits: The digit runs of its names and strings (``sha256``, ``"HTTP/1.1"``).
    """

    values: frozenset[float]
    digits: frozenset[str]


def block_numbers(block: Sequence[ast.stmt]) -> Numbers:
    """The numbers a block of statements holds (``Numbers``).

    Args:
        block: The statements a comment explains.

    Returns:
        Its literals' values and its names' and strings' digits.
    """
    values: set[float] = set()
    digits: set[str] = set()

    def fold(node: ast.expr) -> float | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float) and \
                not isinstance(node.value, bool):
            return float(node.value)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            inner = fold(node.operand)
            return None if inner is None else (-inner if isinstance(node.op, ast.USub)
                                               else inner)
        if isinstance(node, ast.BinOp) and type(node.op) in _FOLD:
            left, right = fold(node.left), fold(node.right)
            if left is None or right is None:
                return None
            try:
                return _FOLD[type(node.op)](left, right)
            except (ZeroDivisionError, OverflowError):
                return None
        return None

    for stmt in block:
        for node in ast.walk(stmt):
            if isinstance(node, ast.expr):
                value = fold(node)
                if value is not None:
                    values.add(abs(value))
            words = [node.id] if isinstance(node, ast.Name) else \
                [node.attr] if isinstance(node, ast.Attribute) else \
                [node.arg] if isinstance(node, ast.arg) else \
                [node.value] if isinstance(node, ast.Constant) and \
                isinstance(node.value, str) else \
                [node.name] if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef
                                          | ast.ClassDef) else \
                [alias.name for alias in node.names] if isinstance(node, ast.Import
                                                                   | ast.ImportFrom) else []
            for word in words:
                digits.update(_DIGITS.findall(word))
    return Numbers(frozenset(values), frozenset(digits))


def _in_code(value: float, numbers: Numbers) -> bool:
    return any(math.isclose(value, known, rel_tol=1e-9, abs_tol=1e-12)
               for known in numbers.values)


def unsupported_number(sentence: str, numbers: Numbers) -> str | None:
    """A number a sentence states that the code does not hold, or None.

    A number is held when it is a literal of the code (or a literal expression's value),
    a percentage of one (``7%`` for ``0.07``, ``1.07`` or ``0.93``, or for ``7`` beside
    ``100``), or a digit run of its names and strings (``SHA-256`` for ``sha256``). Commas
    and underscores group digits (``1,000``).

    Args:
        sentence: A sentence of a comment.
        numbers: What the code holds (``block_numbers``).

    Returns:
        The number as written (``2%``), or None.
    """
    if "```" in sentence or ">>>" in sentence:
        return None
    for found in _NUMBER.finditer(sentence):
        token, percent = found.group(1), found.group(2)
        plain = token.replace(",", "").replace("_", "")
        if _BASED.fullmatch(plain):
            text, number = plain, float(int(plain, 0))  # ``0xFF`` is 255
        else:
            value = _VALUE.match(plain)
            if value is None:
                continue
            if plain[value.end():].startswith(".") and plain[value.end() + 1:][:1].isdigit():
                continue  # a version (``3.11.2``) is not judged
            text, number = value.group(0), float(value.group(0))
        if text in numbers.digits or token in numbers.digits:
            continue
        if percent:
            # ``7%`` is 0.07, a multiplier 1.07 or 0.93, or 7 where the code divides by
            # 100 (``rate / 100``).
            share = number / 100
            if any(_in_code(v, numbers) for v in (share, 1 + share, 1 - share)) or (
                    _in_code(number, numbers) and _in_code(100, numbers)):
                continue
        elif _in_code(number, numbers):
            continue
        return f"{token}{(percent or '').strip()}" if percent else token
    return None


def unsupported_numbers(text: str, block: Sequence[ast.stmt]) -> list[tuple[int, str, str]]:
    """The sentences of a comment that state a number the block it explains does not hold.

    One rule for a model's comment (the gate drops such a sentence) and a person's (``validate``
    reports it, LD371): ``unsupported_number`` on each sentence, against ``block_numbers``.

    Args:
        text: The comment's text (its lines without ``#``, joined by newlines).
        block: The statements it explains.

    Returns:
        For each such sentence: where it starts in ``text``, the sentence, and the number as
        written (``2%``).
    """
    found: list[tuple[int, str, str]] = []
    numbers: Numbers | None = None
    start = 0
    for sentence, space in sentences(text):
        if any(c.isdigit() for c in sentence):
            numbers = numbers if numbers is not None else block_numbers(block)
            number = unsupported_number(sentence, numbers)
            if number is not None:
                found.append((start, sentence, number))
        start += len(sentence) + len(space)
    return found


def states_unheld(number: str) -> str:
    """Why a sentence stating ``number`` is wrong, as the gate and ``validate`` say it."""
    return f"states {number}, which is not in the code"


def as_paragraphs(text: str) -> str:
    """An extended description made a sentence like the summary.

    The first letter capitalised (not a first word that reads as code: ``x_max``, backticks),
    a final period added unless the text ends with ``.``, ``?``, ``!`` or ``:``, or its last
    line is a list item, an indented or fenced block, a doctest or a table row. Line breaks
    and paragraphs are kept.

    Args:
        text: The extended description as the model wrote it (after the gate's drops).

    Returns:
        The text.
    """
    text = text.lstrip("\n").rstrip()
    if not text:
        return text
    first = text.split(None, 1)[0]
    if text[0].islower() and not _looks_like_code(first):
        text = text[0].upper() + text[1:]
    last = text.splitlines()[-1]
    if text[-1] not in ".?!:" and not last.startswith((" ", "\t", "- ", "* ", "+ ", ">>>", "```",
                                                       "|")) \
            and not re.match(r"\d+[.)]\s", last):
        text += "."
    return text


def _normal(text: str) -> str:
    return " ".join(text.lower().split()).rstrip(".")


class _Texts:
    """The free texts of one answer, each checked once and compared with those kept before.

    Prose is judged sentence by sentence: one echoed or repeated sentence is dropped, the
    rest of the text kept (a text left without a word of prose is dropped whole).
    """

    def __init__(self, dropped: list[Dropped], *kept: str,
                 scope: frozenset[str] | None = None) -> None:
        self.dropped = dropped
        self.seen = {_normal(t) for t in kept if t}
        self.scope = scope

    def _problem(self, sentence: str) -> str | None:
        """Why a sentence of prose says nothing or names what is not there, or None."""
        problem = text_problem(sentence)
        if problem is None and self.scope is not None:
            named = unresolved_name(sentence, self.scope)
            if named is not None:
                problem = f"names `{named}`, which is nothing in the module"
        return problem

    def _drop(self, what: str, text: str, problem: str) -> None:
        self.dropped.append(Dropped(what, text.strip(), problem))

    def check(self, what: str, text: str | None, code: bool = False,
              repeat_ok: bool = False) -> str | None:
        """The text, or None (recorded as dropped) when it says nothing or says it again."""
        if text is None or not text.strip():
            return text
        if code or (not repeat_ok and _normal(text) in self.seen):
            problem = text_problem(text, code)
            if problem is None and not repeat_ok and _normal(text) in self.seen:
                problem = "repeats another part of the answer"
            if problem is None and code and not has_code(text):
                problem = "no code"
            if problem is not None:
                self._drop(what, text, problem)
                return None
            self.seen.add(_normal(text))
            return text
        kept: list[str] = []
        for sentence, space in sentences(text):
            problem = self._problem(sentence)
            if problem is None and not repeat_ok and _normal(sentence) in self.seen:
                problem = "repeats another part of the answer"
            if problem is not None and problem != "no words":
                self._drop(what, sentence, problem)
                continue
            kept.append(sentence + space)
            if not repeat_ok:
                self.seen.add(_normal(sentence))
        left = "".join(kept).rstrip()
        problem = text_problem(left) if left else "no words"
        if problem is not None:
            if left or len(kept) == len(sentences(text)):
                self._drop(what, text, problem)
            return None
        if not repeat_ok:
            self.seen.add(_normal(text))
        return left if len(kept) != len(sentences(text)) else text

    def without(self, what: str, text: str, wrong: Callable[[str], str | None]) -> str:
        """The text without the sentences ``wrong`` finds a reason to drop (recorded)."""
        kept = []
        for sentence, space in sentences(text):
            problem = wrong(sentence)
            if problem is not None:
                self._drop(what, sentence, problem)
            else:
                kept.append(sentence + space)
        return "".join(kept).rstrip()


# -- the gate ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dropped:
    """One part of a model's answer the gate refused.

    Attributes:
        what: The kind of part: ``raises``, ``argument``, ``type``, ``returns``,
            ``yields``, ``attribute``, ``summary``, ``description``, ``text`` or ``example``.
        name: What it named (an exception, an argument), or the text dropped, whole.
        why: Why it was refused.
    """

    what: str
    name: str
    why: str


@dataclass(frozen=True)
class Gated:
    """A model's answer after the gate.

    Attributes:
        answer: The answer without what was refused (the summary made a sentence).
        dropped: What was refused, in the answer's order.
        usable: Whether anything of the answer is left to write.
    """

    answer: AnySchema
    dropped: tuple[Dropped, ...]
    usable: bool


def _said(*texts: str | None) -> bool:
    return any(t and t.strip() for t in texts)


_Prose = TypeVar("_Prose", ClassDocstring, MethodDocstring, ModuleDocstring)


def _summary(answer: ClassDocstring | MethodDocstring | ModuleDocstring, names: Sequence[str],
             dropped: list[Dropped]) -> str:
    problem = summary_problem(answer.summary, names)
    if problem is None and text_problem(answer.summary) is not None:
        problem = text_problem(answer.summary)
    if problem is not None:
        dropped.append(Dropped("summary", answer.summary.strip(), problem))
        return ""
    return as_sentence(answer.summary)


def _extended(texts: _Texts, text: str | None) -> str | None:
    """The extended description after the gate's drops, made a sentence like the summary."""
    kept = texts.check("text", text)
    return as_paragraphs(kept) if kept else kept


def _split_summary(answer: _Prose) -> _Prose:
    """The answer with a summary of several sentences cut to its first; the rest leads the
    extended description (a Google summary is one line, and the words are kept)."""
    head, rest = first_sentence(answer.summary)
    if not rest:
        return answer
    extended = rest if not answer.extended_description else \
        f"{rest}\n\n{answer.extended_description}"
    return answer.model_copy(update={"summary": head, "extended_description": extended})


_Described = TypeVar("_Described", ArgDoc, AttributeDoc, RaisesDoc, ReturnsDoc, YieldsDoc)
_Value = TypeVar("_Value", ReturnsDoc, YieldsDoc)


def _described(entry: _Described, texts: _Texts, repeat_ok: bool = True) -> _Described:
    """An entry whose description says nothing loses it (the placeholder takes its place).

    Argument entries may share words ("The path."); a Returns or Yields description that
    repeats the summary says nothing more (``repeat_ok=False``). The answer a placeholder
    was left from is cached for the code (``CachedProvider.remember``): the next run does
    not ask for it again.
    """
    if not entry.description.strip():
        return entry
    kept = texts.check("description", entry.description, repeat_ok=repeat_ok)
    if kept != entry.description:
        return entry.model_copy(update={"description": kept or ""})
    return entry


def _value_described(entry: _Value, annotation: str | None, never: frozenset[str],
                     texts: _Texts) -> _Value:
    """A Returns/Yields entry without the sentences its code contradicts: a type noun the
    annotation is not ("A list of ..." for ``-> str``), a literal never returned."""
    first = True

    def wrong(sentence: str) -> str | None:
        nonlocal first
        named = described_type_contradicts(sentence, annotation) if first else None
        first = False
        if named is not None:
            return f"says {named}, the annotation is {annotation}"
        literal = next((m.group(1) for m in _LITERAL.finditer(sentence)
                        if m.group(1) in never), None)
        return None if literal is None else f"names {literal}, which is never returned"

    text = texts.without("description", entry.description, wrong)
    return entry if text == entry.description else \
        entry.model_copy(update={"description": text})


def _method(answer: MethodDocstring, facts: FunctionFacts, node: FunctionNode,
            names: Sequence[str], scope: frozenset[str] | None) -> Gated:
    dropped: list[Dropped] = []
    answer = _split_summary(answer)
    summary = _summary(answer, names, dropped)
    texts = _Texts(dropped, summary, scope=scope)
    extended = _extended(texts, answer.extended_description)
    params = {bare(p.name): p for p in facts.params}
    args = []
    for entry in answer.args:
        if not_a_parameter(facts, entry.name):
            dropped.append(Dropped("argument", entry.name, "not in the signature"))
            continue
        param = params.get(bare(entry.name))
        if param is not None and contradicts(entry.type_hint, param.annotation,
                                             param.default is not None):
            dropped.append(Dropped("type", entry.name, f"({entry.type_hint}) contradicts the "
                                   f"annotation {param.annotation}"))
            entry = entry.model_copy(update={"type_hint": None})
        args.append(_described(entry, texts))
    returns = answer.returns
    if returns is not None and returns_impossible(facts):
        why = "the function is a generator" if facts.is_generator else \
            "the function returns nothing"
        dropped.append(Dropped("returns", returns.type_hint or "Returns", why))
        returns = None
    elif returns is not None and returns_contradicts(facts, returns.type_hint):
        dropped.append(Dropped("type", "Returns", f"({returns.type_hint}) contradicts the "
                               f"annotation {facts.return_annotation}"))
        returns = returns.model_copy(update={"type_hint": None})
    yields = answer.yields
    if yields is not None and yields_impossible(facts):
        dropped.append(Dropped("yields", yields.type_hint or "Yields",
                               "the function is not a generator"))
        yields = None
    elif yields is not None and yields_contradicts(facts, yields.type_hint):
        dropped.append(Dropped("type", "Yields", f"({yields.type_hint}) contradicts the "
                               f"annotation's {facts.yield_type}"))
        yields = yields.model_copy(update={"type_hint": None})
    if returns is not None:
        returns = _value_described(returns, facts.return_annotation,
                                   literals_never_returned(node, facts), texts)
        returns = _described(returns, texts, repeat_ok=False)
    if yields is not None:
        yields = _value_described(yields, facts.yield_type, frozenset(), texts)
        yields = _described(yields, texts, repeat_ok=False)
    invented = set(never_raised(node, facts, [r.exception_type for r in answer.raises]))
    raises = []
    for exc in answer.raises:
        if not exception_name(exc.exception_type):
            dropped.append(Dropped("raises", exc.exception_type, "not an exception class"))
        elif exc.exception_type in invented:
            dropped.append(Dropped("raises", exc.exception_type, "no raise statement raises it"))
        else:
            raises.append(_described(exc, texts))
    examples = texts.check("example", answer.examples, code=True)
    notes = texts.check("text", answer.notes)
    gated = answer.model_copy(update={"summary": summary, "args": args, "returns": returns,
                                      "yields": yields, "raises": raises,
                                      "extended_description": extended, "examples": examples,
                                      "notes": notes})
    usable = _said(summary, extended, examples, notes,
                   *(a.description for a in args), *(r.description for r in raises),
                   returns.description if returns else None,
                   yields.description if yields else None)
    return Gated(gated, tuple(dropped), usable)


def _class(answer: ClassDocstring, facts: ClassFacts, names: Sequence[str],
           scope: frozenset[str] | None) -> Gated:
    dropped: list[Dropped] = []
    answer = _split_summary(answer)
    summary = _summary(answer, names, dropped)
    texts = _Texts(dropped, summary, scope=scope)
    extended = _extended(texts, answer.extended_description)
    annotations = {fact.name: fact.annotation for fact in facts.attributes}
    attributes = []
    for entry in answer.attributes:
        if not facts.open_ended and entry.name not in facts.defined:
            dropped.append(Dropped("attribute", entry.name, "not defined by the class"))
            continue
        if contradicts(entry.type_hint, annotations.get(entry.name)):
            dropped.append(Dropped("type", entry.name, f"({entry.type_hint}) contradicts the "
                                   f"annotation {annotations.get(entry.name)}"))
            entry = entry.model_copy(update={"type_hint": None})
        attributes.append(_described(entry, texts))
    examples = texts.check("example", answer.examples, code=True)
    notes = texts.check("text", answer.notes)
    gated = answer.model_copy(update={"summary": summary, "attributes": attributes,
                                      "extended_description": extended, "examples": examples,
                                      "notes": notes})
    usable = _said(summary, extended, examples, notes,
                   *(a.description for a in attributes))
    return Gated(gated, tuple(dropped), usable)


def gate(answer: AnySchema, facts: FunctionFacts | ClassFacts | ModuleFacts | BlockFacts,
         node: ast.AST | None, names: Sequence[str], module: ast.Module | None = None,
         known: frozenset[str] = frozenset(), block: Sequence[ast.stmt] | None = None
         ) -> Gated:
    """Check a model's answer against the code before it is used.

    What ``validate`` would report of it is dropped (an exception no raise statement
    raises, an argument not in the signature, a type contradicting the annotation, a
    Returns or Yields section the function cannot have, an attribute the class does not
    define), and so is a summary that says nothing (empty, one word, only the name) and
    any free text that says nothing (the request's schema said back, an unfilled
    ``{{template}}``, no words, or a note repeating another part), and a sentence of free
    text naming as code what resolves to nothing in the module (``unresolved_name``; judged
    only when the module is given); a summary of several sentences keeps the first, the
    rest leading the extended description, and is made a sentence, as is the extended
    description (``as_paragraphs``). A comment's free text is judged the same way, and a
    sentence of it stating a number its block does not hold is dropped
    (``unsupported_number``). An answer of another schema than the facts call for passes
    as it is (``merge`` refuses it).

    Args:
        answer: The answer, as read from the model.
        facts: What the code says of the target.
        node: The target's node (a function's is needed to judge its Raises).
        names: What the target is called (its name, its qualified name).
        module: The module the target is in (what its free text may name).
        known: Names defined elsewhere in the project that free text may name too (the
            definitions of the modules it imports, the callers and callees its prompt
            showed).
        block: The statements a comment explains (the numbers it may state).

    Returns:
        The answer without what was dropped, what was dropped, and whether anything usable
        is left.
    """
    scope = module_scope(module) if module is not None else None
    if scope is not None and known:
        scope = scope | known
    if isinstance(answer, MethodDocstring) and isinstance(facts, FunctionFacts) and \
            isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return _method(answer, facts, node, names, scope)
    if isinstance(answer, ClassDocstring) and isinstance(facts, ClassFacts):
        return _class(answer, facts, names, scope)
    if isinstance(answer, ModuleDocstring):
        dropped: list[Dropped] = []
        answer = _split_summary(answer)
        summary = _summary(answer, names, dropped)
        texts = _Texts(dropped, summary, scope=scope)
        extended = _extended(texts, answer.extended_description)
        usage = texts.check("example", answer.typical_usage, code=True)
        notes = texts.check("text", answer.notes)
        gated = answer.model_copy(update={"summary": summary, "extended_description": extended,
                                          "typical_usage": usage, "notes": notes})
        return Gated(gated, tuple(dropped), _said(summary, extended, usage, notes))
    if isinstance(answer, CommentText):
        comment: list[Dropped] = []
        texts = _Texts(comment, scope=scope)
        text = texts.check("text", answer.text)
        if text and block is not None:
            # A number the block does not hold is a wrong fact ("a tax rate of 2%" over
            # ``price * 0.07``): its sentence goes.
            wrong = {sentence: number for _, sentence, number in
                     unsupported_numbers(text, block)}
            text = texts.without("text", text, lambda sentence: None if (
                found := wrong.get(sentence)) is None else states_unheld(found))
        if not text or not _said(text):
            return Gated(answer.model_copy(update={"text": ""}), tuple(comment), False)
        return Gated(answer.model_copy(update={"text": text}), tuple(comment), True)
    return Gated(answer, (), True)
