"""A project's docstring conventions, learned from its own Google-style docstrings.

What is new (a docstring, a section, an entry) is written the way the project already
writes: heading spellings (``Parameters:`` rather than ``Args:``), the indentation of a
section's entries, whether and how entries carry types, how the default of a parameter is
written (a ``Defaults to`` sentence, an ``optional`` marker in the type, both or neither),
whether a function's exceptions are documented at all, whether a blank line follows the
summary, and whether a module docstring sits below the comment header of a file.

Each choice is learned from the first place that shows it: the file itself, then the
other files of its folder, then a sample of the project. The majority wins; a tie goes to
the tool's default, then to the first spelling in sorted order, so the same project always
gives the same answer. Nothing learned: the tool's defaults. Everything here is pure: the
evidence of other files is read by ``docstrings.learning`` and handed in.
"""

from __future__ import annotations

import ast
import builtins
import functools
import json
import re
import weakref
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from llm_doc_manager.analysis.facts import ClassFacts
from llm_doc_manager.analysis.nodes import (
    decorator_names,
    docstring_expr,
    init_of,
    makes_decorator,
    own_nodes,
)
from llm_doc_manager.config import CONVENTIONS_CHOICES, STYLE_CHOICES, TYPES_CHOICES
from llm_doc_manager.docstrings.layout import SECTIONED, Entry, Layout, Style, leading, read_layout
from llm_doc_manager.docstrings.sections import HEADINGS, Section
from llm_doc_manager.docstrings.sphinx_layout import SPHINX_TYPE_FIELDS, sphinx_field
from llm_doc_manager.docstrings.types import written_type
from llm_doc_manager.source import syntax
from llm_doc_manager.store import stored_object

_CODING_RE = re.compile(r"^[ \t\f]*#.*?coding[:=][ \t]*[-\w.]+")
_LICENCE_RE = re.compile(r"copyright|licen[cs]e|spdx-", re.I)
#: ``Defaults to X.`` (the value in backticks or not) anywhere in an entry's description;
#: in its type, ``defaults to X`` in any case (``(`int`, *optional*, defaults to `2`)``).
DEFAULTS_RE = re.compile(r"\bDefaults to\s+(`?)")
_TYPE_DEFAULTS_RE = re.compile(r"\bdefaults? to\s+(`?)", re.I)
#: numpydoc's default in the type (``copy : bool, default True``, ``default=True``).
_TYPED_DEFAULT_RE = re.compile(r",\s*default\b(?:\s*[:=]\s*|\s+)\S")
#: Another way of mentioning a default (``default: 1``, ``(default 1)``): not learned from.
_OTHER_DEFAULT_RE = re.compile(r"\bdefaults?\b", re.I)
#: Code in single backticks (Markdown's `x`), not reST's double ones.
_SINGLE_TICKS_RE = re.compile(r"(?<!`)`[^`\n]+`(?!`)")
_DOUBLE_TICKS_RE = re.compile(r"(?<!`)``[^`\n]+``(?!`)")
#: An ``optional`` marker in an entry's type (``int, optional``, ```int`, *optional*``).
_MARKER_RE = re.compile(r",\s*(\*?optional\*?)\s*(?:,|\Z)")
#: Below this share of documented raising functions a project is taken not to document
#: its exceptions (with at least ``RAISES_SEEN`` such functions seen; see conventions.md).
RAISES_SHARE = 0.25
RAISES_SEEN = 5
#: Below this share of module docstrings (in at least ``MODULES_SEEN`` files read), the
#: project writes none: ``--all`` neither writes nor asks for one.
MODULES_SHARE = 0.25
MODULES_SEEN = 5
#: Below this share of documented definitions of a method name in classes (at least
#: ``HOOKS_SEEN`` seen in the project), an override of a library's method of that name
#: (``forward`` of ``nn.Module``) is not asked for a docstring: see ``rarely_documented``.
HOOKS_SHARE = 0.25
HOOKS_SEEN = 5
#: Entries of defaulted parameters a level needs before it decides how defaults are
#: written: one entry that happens not to mention its default says little.
DEFAULTS_SEEN = 3
#: ``TypedDict`` classes seen (the file, else the project) before ``writes_typed_dicts``
#: decides; under ``TYPED_DICTS_SHARE`` documented, none is written. Documented ones seen
#: before ``typed_dict_attributes`` decides (huggingface_hub documents 3, none with keys).
TYPED_DICTS_SEEN = 3
TYPED_DICTS_SHARE = 0.25
_BUILTIN_TYPES = frozenset(name for name, value in vars(builtins).items()
                           if isinstance(value, type) and not name.startswith("_")) | {"None"}

_T = TypeVar("_T")

#: Evidence's counters other than ``headings`` (summed, stored and read back alike).
_COUNTERS = ("units", "hangings", "typed", "backticks", "blank", "below_header", "defaults",
             "default_ticks", "markers", "raises", "modules", "stars", "constructors", "code_ticks",
             "generators", "attributes", "methods", "documented_methods", "exceptions",
             "attributes_beside_args", "context_yields", "named_returns", "named_returns_given",
             "styles", "sphinx_fields", "unions", "typed_dicts", "decorator_returns")

__all__ = ["CONVENTIONS_CHOICES", "DEFAULT", "TYPES_CHOICES", "UNION_SPELLINGS", "Evidence",
           "HouseStyle", "clearly_type", "exception_markup", "header_end", "house_style",
           "is_typed_dict", "module_docstring_below", "spell_union", "unaliased",
           "union_spelling",
           "written_exception"]

#: How a Raises entry writes the exception's name: ``ValueError:`` (plain),
#: ```ValueError`:`` (ticks), ``[`~utils.HfError`]:`` (link, Hugging Face's doc-builder).
EXCEPTION_MARKUPS = ("plain", "ticks", "link")


def exception_markup(line: str) -> str:
    """How the first line of a Raises entry writes its exception (``EXCEPTION_MARKUPS``).

    Args:
        line: The entry's first line.

    Returns:
        ``link``, ``ticks`` or ``plain``.
    """
    head = line.lstrip()
    return "link" if head.startswith("[`") else "ticks" if head.startswith("`") else "plain"


def written_exception(name: str, markup: str | None) -> str:
    """An exception's name as a new Raises entry writes it, in the given markup.

    A builtin exception is never written as a link (a project's API reference has no page
    to link it to: Hugging Face writes ```ValueError``` beside ``[`~utils.HfError`]``).

    Args:
        name: The exception as the code names it.
        markup: ``plain``, ``ticks`` or ``link``; None: plain.

    Returns:
        The name with its markup.
    """
    if markup == "link" and name.rsplit(".", 1)[-1] not in _BUILTIN_TYPES:
        return f"[`{name}`]"
    return f"`{name}`" if markup in ("link", "ticks") else name


def clearly_type(text: str | None) -> bool:
    """Whether the text before a Returns/Yields colon is clearly a type, not a value's name.

    ``base_property: The property ...`` names the value returned; ``int``, ``Path``,
    ``list[str]`` and ``np.ndarray`` are types. Only the latter say a project writes types.

    Args:
        text: The text before the first colon, if any.

    Returns:
        True for a builtin type, a capitalised name, or a name with type punctuation.
    """
    if not text:
        return False
    word = text.strip("`* ")
    return bool(word) and (word in _BUILTIN_TYPES or word[0].isupper() or
                           any(ch in word for ch in "[]|.`,()"))



# The counts of each tree's docstrings, kept while the tree lives (``Evidence.add_tree``).
_COUNTED: weakref.WeakKeyDictionary[ast.Module, Evidence] = weakref.WeakKeyDictionary()

@dataclass
class Evidence:
    """What the docstrings of some files show, as counts.

    Attributes:
        headings: Spellings of each section's heading.
        units: Indentation of a section's body relative to its heading.
        hangings: Indentation of an entry's continuation lines relative to the entry.
        typed: Whether Args/Attributes entries carry a type.
        backticks: Whether the types written there are in backticks.
        blank: Whether a blank line separates the summary from a section right after it.
        below_header: Whether a module docstring sits below the file's comment header.
        defaults: How the entry of a parameter with a default says so: ``sentence``,
            ``marker``, ``both`` or ``none``.
        default_ticks: Whether the value of a ``Defaults to`` sentence is in backticks.
        markers: The ``optional`` markers written in types (``optional``, ``*optional*``).
        raises: Whether a function that raises, with a sectioned docstring, has Raises.
        modules: Whether a whole file read has a module docstring.
        stars: Whether an Args entry of ``*args``/``**kwargs`` is written with its stars.
        constructors: Where a class with constructor arguments documents them: ``class``
            (an Args section in the class docstring) or ``init`` (in ``__init__``'s).
        generators: Which section a generator's sectioned docstring says what it gives in:
            ``yields`` or ``returns`` (huggingface_hub: ``Returns: `Iterable[...]```).
        attributes: Whether a class's sectioned docstring has an Attributes section.
        attributes_beside_args: Whether a class docstring with an Args section (its
            constructor's arguments) has an Attributes section too.
        exceptions: How Raises entries write the exception (``EXCEPTION_MARKUPS``).
        methods: How many methods of each public name classes define.
        documented_methods: How many of those have a docstring.
        code_ticks: Whether docstrings write code in reST's double backticks (True) or
            in Markdown's single ones (False).
        context_yields: Whether a documented ``@contextmanager`` giving a value has a
            Yields section.
        named_returns: How many methods of each public name (and ``from_*`` for the
            ``from_*`` classmethods) that return a value have a sectioned docstring.
        named_returns_given: How many of those have a Returns section.
        styles: The style of each docstring that has sections or fields (``google``,
            ``numpy``, ``sphinx``, ``epytext``); prose says nothing.
        sphinx_fields: The Sphinx field names written for a section's text, as
            ``section:name`` (``returns:return`` for ``:return:``).
        unions: How the union types of Args/Attributes entries are spelt (``UNION_SPELLINGS``:
            ``|``, ``or``, ``Optional[...]``/``Union[...]``).
        typed_dicts: How each ``TypedDict`` class is documented: ``none`` (no docstring),
            ``prose`` or ``attributes`` (a docstring with an Attributes section).
        decorator_returns: Whether a decorator's sectioned docstring has a Returns section
            (``nodes.makes_decorator``).
    """

    headings: dict[Section, Counter[str]] = field(default_factory=dict)
    units: Counter[str] = field(default_factory=Counter)
    hangings: Counter[str] = field(default_factory=Counter)
    typed: Counter[bool] = field(default_factory=Counter)
    backticks: Counter[bool] = field(default_factory=Counter)
    blank: Counter[bool] = field(default_factory=Counter)
    below_header: Counter[bool] = field(default_factory=Counter)
    defaults: Counter[str] = field(default_factory=Counter)
    default_ticks: Counter[bool] = field(default_factory=Counter)
    markers: Counter[str] = field(default_factory=Counter)
    raises: Counter[bool] = field(default_factory=Counter)
    modules: Counter[bool] = field(default_factory=Counter)
    stars: Counter[bool] = field(default_factory=Counter)
    constructors: Counter[str] = field(default_factory=Counter)
    generators: Counter[str] = field(default_factory=Counter)
    attributes: Counter[bool] = field(default_factory=Counter)
    attributes_beside_args: Counter[bool] = field(default_factory=Counter)
    exceptions: Counter[str] = field(default_factory=Counter)
    methods: Counter[str] = field(default_factory=Counter)
    documented_methods: Counter[str] = field(default_factory=Counter)
    code_ticks: Counter[bool] = field(default_factory=Counter)
    context_yields: Counter[bool] = field(default_factory=Counter)
    named_returns: Counter[str] = field(default_factory=Counter)
    named_returns_given: Counter[str] = field(default_factory=Counter)
    styles: Counter[str] = field(default_factory=Counter)
    sphinx_fields: Counter[str] = field(default_factory=Counter)
    unions: Counter[str] = field(default_factory=Counter)
    typed_dicts: Counter[str] = field(default_factory=Counter)
    decorator_returns: Counter[bool] = field(default_factory=Counter)

    def add_docstring(self, value: str, defaulted: frozenset[str] = frozenset(),
                      raises: bool = False, starred: frozenset[str] = frozenset()) -> None:
        """Count what one docstring shows (nothing unless it is Google style).

        Args:
            value: The docstring's value.
            defaulted: Names of the parameters with a default (their entries say how a
                default is written).
            raises: Whether its function has a ``raise`` of its own.
            starred: Names of its ``*args``/``**kwargs`` parameters (without stars).
        """
        if "``" in value and _DOUBLE_TICKS_RE.search(value):  # not a Markdown ``` fence
            self.code_ticks[True] += 1
        elif _SINGLE_TICKS_RE.search(value):
            self.code_ticks[False] += 1
        if ":\n" not in value and ":\r" not in value and "--" not in value and \
                not _FIELD_RE.search(value):
            return  # no heading, underline or field: prose (most docstrings)
        layout = read_layout(value)
        if layout.style is not Style.UNKNOWN and (layout.blocks or layout.style in _STYLE_NAMES):
            self.styles[_STYLE_NAMES.get(layout.style, "google")] += 1
        if layout.style not in SECTIONED:
            return
        lines = layout.lines
        if raises:
            self.raises[layout.block(Section.RAISES) is not None] += 1
        google = layout.style is Style.GOOGLE
        if layout.style is Style.REST:
            self._fields(layout)
        for block in layout.blocks:
            if block.section is not None and google:  # NumPy's headings are numpydoc's
                self.headings.setdefault(block.section, Counter())[block.heading] += 1
            head_indent = leading(lines[block.start])
            if google and block.body_indent.startswith(head_indent) and \
                    len(block.body_indent) > len(head_indent):
                self.units[block.body_indent[len(head_indent):]] += 1
            # Only these entries name a parameter or attribute: a Returns entry may name
            # the value returned (``base_property: The property``), which is no type.
            if block.section is Section.RAISES and not block.inline:
                for entry in block.entries:
                    if entry.well_formed:
                        self.exceptions[exception_markup(lines[entry.start])] += 1
            if block.section not in (Section.ARGS, Section.ATTRIBUTES):
                continue
            for entry in block.entries:
                if not entry.well_formed:
                    continue
                self.typed[entry.type_hint is not None] += 1
                if entry.type_hint is not None:
                    self.backticks["`" in entry.type_hint] += 1
                    spelling = union_spelling(entry.type_hint)
                    if spelling is not None:
                        self.unions[spelling] += 1
                if block.section is Section.ARGS and entry.name.lstrip("*") in defaulted:
                    self._default(entry)
                if block.section is Section.ARGS and entry.name.lstrip("*") in starred:
                    self.stars[entry.name.startswith("*")] += 1
                if entry.end > entry.start + 1:
                    head, nxt = lines[entry.start], lines[entry.start + 1]
                    if nxt.strip() and len(leading(nxt)) > len(leading(head)) and \
                            leading(nxt).startswith(leading(head)):
                        self.hangings[leading(nxt)[len(leading(head)):]] += 1
        if google:
            self._blank(layout)

    def _fields(self, layout: Layout) -> None:
        """Count the field name each block of a Sphinx docstring writes for its text."""
        for block in layout.blocks:
            if block.section is None:
                continue
            for index in range(block.start, block.end):
                found = sphinx_field(layout.cleaned(index))
                if found is not None and found[0].lower() not in SPHINX_TYPE_FIELDS:
                    self.sphinx_fields[f"{block.section.value}:{found[0]}"] += 1
                    break

    def _default(self, entry: Entry) -> None:
        """Count how the entry of a parameter with a default writes it."""
        marker = _MARKER_RE.search(entry.type_hint or "")
        if marker is not None:
            self.markers[marker.group(1)] += 1
        elif _TYPED_DEFAULT_RE.search(entry.type_hint or ""):
            self.defaults["type"] += 1  # numpydoc's ``copy : bool, default True``
            return
        sentence = DEFAULTS_RE.search(entry.description) or \
            _TYPE_DEFAULTS_RE.search(entry.type_hint or "")
        if sentence is not None:
            self.default_ticks[bool(sentence.group(1))] += 1
        elif marker is None and (_OTHER_DEFAULT_RE.search(entry.description) or
                                 "TODO" in entry.description):
            return  # said another way (or not said yet): teaches nothing
        if sentence is not None and marker is not None:
            self.defaults["both"] += 1
        elif sentence is not None or marker is not None:
            self.defaults["sentence" if sentence is not None else "marker"] += 1
        else:
            self.defaults["none"] += 1

    def _blank(self, layout: Layout) -> None:
        """Count whether a blank line follows the summary when a section comes next."""
        first = layout.blocks[0].start
        between = range(layout.summary[1], first)
        if layout.summary[0] < layout.summary[1] and \
                all(not layout.lines[i].strip() for i in between):
            self.blank[first > layout.summary[1]] += 1

    def add_tree(self, tree: ast.Module, lines: list[str] | None) -> None:
        """Count the docstrings of a parsed file (and its module docstring's place).

        Args:
            tree: The file's tree.
            lines: Its lines, to see where the module docstring sits (None: not counted).
        """
        # A file is counted twice in a run: learned from, then as its own first evidence
        # when it is documented (``house_style``); one tree is counted once.
        counted = _COUNTED.get(tree)
        if counted is None:
            counted = _COUNTED[tree] = Evidence()
            counted._count_docstrings(tree)
        self.add(counted)
        if lines is not None:
            self.modules[docstring_expr(tree.body) is not None] += 1
            below = module_docstring_below(tree, lines)
            if below is not None:
                self.below_header[below] += 1

    def _count_docstrings(self, tree: ast.Module) -> None:
        """``add_tree``'s counts of the docstrings (and classes) of a tree."""
        for node in _doc_holders(tree):
            expr = docstring_expr(node.body)
            if expr is not None:
                value = str(expr.value.value)  # type: ignore[attr-defined]  # a str, checked
                # The body is walked only for a docstring that may have sections: most
                # have none, and the walk is most of what learning a file costs.
                sectioned = ":\n" in value or ":\r" in value
                self.add_docstring(value, _defaulted(node),
                                   sectioned and not isinstance(node, (ast.Module, ast.ClassDef))
                                   and _raises(node), _starred(node))
                if sectioned and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) \
                        and _yields(node):
                    layout = read_layout(value)
                    for section, name in ((Section.YIELDS, "yields"),
                                          (Section.RETURNS, "returns")):
                        if layout.block(section) is not None:
                            self.generators[name] += 1
                            break
                if not isinstance(node, (ast.Module, ast.ClassDef)):
                    _count_returns(self, node, value, sectioned)
                    if sectioned:
                        _count_decorator(self, node, value)
                if sectioned and isinstance(node, ast.ClassDef):
                    layout = read_layout(value)
                    has_attributes = layout.block(Section.ATTRIBUTES) is not None
                    self.attributes[has_attributes] += 1
                    if layout.block(Section.ARGS) is not None:
                        self.attributes_beside_args[has_attributes] += 1
            if isinstance(node, ast.ClassDef):
                if is_typed_dict(node):
                    self.typed_dicts["none" if expr is None else "attributes" if
                                     read_layout(str(expr.value.value)).block(  # type: ignore[attr-defined]
                                         Section.ATTRIBUTES) is not None else "prose"] += 1
                for stmt in node.body:
                    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and \
                            not stmt.name.startswith("_"):
                        self.methods[stmt.name] += 1
                        if docstring_expr(stmt.body) is not None:
                            self.documented_methods[stmt.name] += 1
                place = _constructor_place(node)
                if place is not None:
                    self.constructors[place] += 1

    def add(self, other: Evidence) -> None:
        """Add another's counts to these (a folder's evidence is its files' sum).

        Args:
            other: The counts to add.
        """
        for section, counts in other.headings.items():
            self.headings.setdefault(section, Counter()).update(counts)
        for name in _COUNTERS:
            getattr(self, name).update(getattr(other, name))

    def to_json(self) -> str:
        """The counts as JSON (``from_json`` reads them back), for the evidence cache."""
        counters = {name: [[key, count] for key, count in getattr(self, name).items()]
                    for name in _COUNTERS}
        headings = {section.value: dict(counts) for section, counts in self.headings.items()}
        return json.dumps({"headings": headings, **counters}, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> Evidence | None:
        """Counts read back from ``to_json``'s text; None unless it is exactly that shape.

        The text comes from a cache file, which a repository may have written: every key,
        type and value is checked (a forged row is a miss, never an error).

        Args:
            text: The stored text.

        Returns:
            The counts, or None.
        """
        data = stored_object(text, frozenset({"headings", *_COUNTERS}))
        if data is None:
            return None
        evidence = cls()
        headings = data["headings"]
        if type(headings) is not dict:
            return None
        for name, counts in headings.items():
            section = next((s for s in Section if s.value == name), None)
            if section is None or type(counts) is not dict or not all(
                    type(k) is str and type(v) is int and v >= 0 for k, v in counts.items()):
                return None
            evidence.headings[section] = Counter(counts)
        for name in _COUNTERS:
            pairs = data[name]
            if type(pairs) is not list or not all(
                    type(pair) is list and len(pair) == 2 and type(pair[0]) in (str, bool)
                    and type(pair[1]) is int and pair[1] >= 0 for pair in pairs):
                return None
            getattr(evidence, name).update(dict(pairs))
        return evidence

    @property
    def empty(self) -> bool:
        """Whether nothing at all was learned."""
        return not (self.headings or self.units or self.typed or self.blank or
                    self.below_header or self.defaults or self.raises)


#: The styles new docstrings can be written in (``style`` in the configuration).
WRITTEN_STYLES = STYLE_CHOICES[1:]

#: The names ``Evidence.styles`` counts a docstring's style under (Google is the default).
_STYLE_NAMES = {Style.NUMPY: "numpy", Style.REST: "sphinx", Style.EPYTEXT: "epytext"}
# A reST/Sphinx or Epytext field at the start of a line.
_FIELD_RE = re.compile(r"^[ \t]*[:@](?:param|returns?|raises?|type|rtype)\b", re.M)


def _has_args(body: list[ast.stmt]) -> bool:
    """Whether a body's docstring has an Args (Parameters, ...) section."""
    expr = docstring_expr(body)
    if expr is None:
        return False
    value = str(expr.value.value)  # type: ignore[attr-defined]  # a str, checked
    if ":\n" not in value and ":\r" not in value:
        return False
    return read_layout(value).block(Section.ARGS) is not None


def _constructor_place(cls: ast.ClassDef) -> str | None:
    """Where a class documents its constructor's arguments (None: it takes none, or no
    docstring documents them)."""
    init = init_of(cls)
    if init is None or (len(init.args.args) + len(init.args.kwonlyargs) <= 1 and \
            init.args.vararg is None and init.args.kwarg is None):
        return None
    if _has_args(init.body):
        return "init"
    return "class" if _has_args(cls.body) else None


def _starred(node: ast.AST) -> frozenset[str]:
    """Names of the ``*args``/``**kwargs`` parameters of a function (or class's __init__)."""
    if isinstance(node, ast.ClassDef):
        init = init_of(node)
        return _starred(init) if init is not None else frozenset()
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return frozenset()
    return frozenset(a.arg for a in (node.args.vararg, node.args.kwarg) if a is not None)


def _defaulted(node: ast.AST) -> frozenset[str]:
    """Names of the parameters with a default: a function's, or a class's ``__init__``'s."""
    if isinstance(node, ast.ClassDef):
        init = init_of(node)
        return _defaulted(init) if init is not None else frozenset()
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return frozenset()
    args = node.args
    positional = [*args.posonlyargs, *args.args]
    names = {a.arg for a in positional[len(positional) - len(args.defaults):]}
    names |= {a.arg for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True)
              if d is not None}
    return frozenset(names)


def _count_returns(evidence: Evidence, node: ast.FunctionDef | ast.AsyncFunctionDef,
                   value: str, sectioned: bool) -> None:
    """Count a function's docstring for ``context_yields`` (any docstring: a one-line one
    is the project's way too) and ``named_returns`` (sectioned ones)."""
    names = decorator_names(node)
    manager = bool({"contextmanager", "asynccontextmanager"} & set(names))
    if not sectioned and not manager:
        return  # the common case: nothing to count, no facts to read
    layout = read_layout(value)
    # Read from the body alone, not ``function_facts``: learning reads every file of a
    # sample, and a default too deep to unparse must not fail another file's run.
    own = own_nodes(node)
    if manager and any(isinstance(n, ast.Yield) and n.value is not None and
                       not (isinstance(n.value, ast.Constant) and n.value.value is None)
                       for n in own):
        evidence.context_yields[layout.block(Section.YIELDS) is not None] += 1
    if layout.style not in SECTIONED or not any(b.section for b in layout.blocks):
        return
    # Methods only (their first parameter is self or cls), public ones, giving a value.
    params = [*node.args.posonlyargs, *node.args.args]
    returns = node.returns
    no_value = (isinstance(returns, ast.Constant) and returns.value in (None, "None")) or \
        (isinstance(returns, ast.Name) and returns.id in ("None", "NoReturn"))
    if node.name.startswith("_") or not params or params[0].arg not in ("self", "cls") or \
            no_value or {"property", "cached_property"} & set(names) or \
            any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in own) or \
            not any(isinstance(n, ast.Return) and n.value is not None for n in own):
        return
    given = layout.block(Section.RETURNS) is not None
    keys = [node.name] + (["from_*"] if node.name.startswith("from_") and
                          "classmethod" in names else [])
    for key in keys:
        evidence.named_returns[key] += 1
        evidence.named_returns_given[key] += given


def _count_decorator(evidence: Evidence, node: ast.FunctionDef | ast.AsyncFunctionDef,
                     value: str) -> None:
    """Count a decorator's sectioned docstring for ``decorator_returns``."""
    if not makes_decorator(node):
        return
    layout = read_layout(value)
    if layout.style in SECTIONED and any(b.section for b in layout.blocks):
        evidence.decorator_returns[layout.block(Section.RETURNS) is not None] += 1


def _yields(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether a function's own body yields (a generator)."""
    return any(isinstance(current, (ast.Yield, ast.YieldFrom))
               for current in own_nodes(node))


def _raises(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether a function's own body raises (``NotImplementedError`` of a stub aside)."""
    for current in own_nodes(node):  # a nested def raises when called, not this one
        if isinstance(current, ast.Raise) and current.exc is not None:
            exc = current.exc.func if isinstance(current.exc, ast.Call) else current.exc
            if not (isinstance(exc, ast.Name) and exc.id == "NotImplementedError"):
                return True
    return False


# Statements holding blocks a def may sit in (``try*`` exists from 3.11 on).
_BLOCKS = (ast.If, ast.Try, getattr(ast, "TryStar", ast.Try), ast.With, ast.AsyncWith, ast.For,
           ast.AsyncFor, ast.While)


def _doc_holders(tree: ast.Module) -> Iterator[ast.Module | ast.ClassDef | ast.FunctionDef |
                                              ast.AsyncFunctionDef]:
    """The module and every def and class, without recursing through expressions."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node
            stack.extend(reversed(node.body))
        elif isinstance(node, _BLOCKS):
            # ``with`` has no ``orelse``; ``try`` also has handlers and ``finalbody``.
            nested = [*node.body, *getattr(node, "orelse", ()), *getattr(node, "finalbody", ())]
            for handler in getattr(node, "handlers", ()):
                nested.extend(handler.body)
            stack.extend(reversed(nested))


def header_end(lines: list[str], first_stmt: int) -> int | None:
    """The last line of a file's comment header, or None when it has none.

    The header is the comment lines at the top of a file (after a shebang and an encoding
    line) that end with a blank line, or that read as a licence or copyright notice: a
    comment directly above the first statement is about that statement.

    Args:
        lines: The file's lines.
        first_stmt: Line number (1-based) of the first statement, or past the end.

    Returns:
        Its last line number (1-based).
    """
    number = 1
    if lines and lines[0].startswith("#!"):
        number = 2
    while number <= 2 and number <= len(lines) and _CODING_RE.match(lines[number - 1]):
        number += 1
    end: int | None = None
    paragraph: list[str] = []
    while number < first_stmt and number <= len(lines):
        stripped = lines[number - 1].strip()
        if stripped.startswith("#"):
            paragraph.append(stripped)
        elif not stripped:
            if paragraph:
                end = number - 1
            paragraph = []
        else:
            break
        number += 1
    if paragraph and _LICENCE_RE.search(" ".join(paragraph)):
        end = number - 1
    return end


def module_docstring_below(tree: ast.Module, lines: list[str]) -> bool | None:
    """Whether a file's module docstring sits below its comment header.

    Args:
        tree: The file's tree.
        lines: Its lines.

    Returns:
        True (below it), False (above a licence comment), None (no header or no docstring).
    """
    body = tree.body
    doc = docstring_expr(body)
    if doc is None:
        return None
    if header_end(lines, doc.lineno) is not None:
        return True
    after = body[1].lineno if len(body) > 1 else len(lines) + 1
    following = [line.strip() for line in lines[(doc.end_lineno or doc.lineno):after - 1]]
    comments = " ".join(line for line in following if line.startswith("#"))
    return False if _LICENCE_RE.search(comments) else None


def without_none(type_text: str) -> str:
    """A type's text without its ``None`` alternative (``str | None``, ``Optional[str]``).

    Only a type read whole is changed (backticks around it kept); anything else is
    returned as it is.

    Args:
        type_text: The type as written.

    Returns:
        The type without ``None``, or ``type_text`` unchanged.
    """
    ticked = len(type_text) > 2 and type_text[0] == type_text[-1] == "`"
    inner = type_text[1:-1] if ticked else type_text
    try:
        node = syntax.parse(inner.strip(), mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return type_text
    source = inner.strip()

    def is_none(part: ast.expr) -> bool:
        return isinstance(part, ast.Constant) and part.value is None

    def members(part: ast.expr) -> list[ast.expr]:
        if isinstance(part, ast.BinOp) and isinstance(part.op, ast.BitOr):
            return [*members(part.left), *members(part.right)]
        return [part]

    kept: list[ast.expr] = []
    if isinstance(node, ast.Subscript) and isinstance(node.value, (ast.Name, ast.Attribute)) \
            and (node.value.attr if isinstance(node.value, ast.Attribute)
                 else node.value.id) == "Optional":
        kept = [node.slice]
    elif isinstance(node, ast.BinOp):
        parts = members(node)
        if any(is_none(p) for p in parts):
            kept = [p for p in parts if not is_none(p)]
    texts = [ast.get_source_segment(source, part) for part in kept]
    if not texts or any(text is None for text in texts):
        return type_text
    result = " | ".join(text for text in texts if text is not None)
    return f"`{result}`" if ticked else result


#: How a union type is spelt in a docstring: ``str | None``, ``str or None`` (Hugging
#: Face's ``` `str` or `None` ```), ``Optional[str]``/``Union[str, int]``.
UNION_SPELLINGS = ("|", "or", "typing")
_OR_RE = re.compile(r"\bor\b")
_TYPING_UNION_RE = re.compile(r"\b(?:Optional|Union)\[")


def union_spelling(type_text: str) -> str | None:
    """How a docstring's type spells a union (``UNION_SPELLINGS``), or None for no union."""
    if _TYPING_UNION_RE.search(type_text):
        return "typing"
    if _OR_RE.search(type_text):
        return "or"
    if "|" in type_text:
        return "|"
    return None


def is_typed_dict(node: ast.ClassDef) -> bool:
    """Whether a class derives from ``TypedDict`` itself (``typing.TypedDict`` or bare)."""
    return any((base.attr if isinstance(base, ast.Attribute) else
                base.id if isinstance(base, ast.Name) else "") == "TypedDict"
               for base in node.bases)


def _union_parts(node: ast.expr) -> list[ast.expr | None] | None:
    """The alternatives of a union annotation (``A | B``, ``Optional[A]``, ``Union[A, B]``);
    None stands for the ``None`` that ``Optional`` implies."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return [*(_union_parts(node.left) or [node.left]),
                *(_union_parts(node.right) or [node.right])]
    if isinstance(node, ast.Subscript) and isinstance(node.value, (ast.Name, ast.Attribute)):
        name = node.value.attr if isinstance(node.value, ast.Attribute) else node.value.id
        if name == "Optional":
            return [node.slice, None]
        if name == "Union":
            return [*node.slice.elts] if isinstance(node.slice, ast.Tuple) else [node.slice]
    return None


def spell_union(type_text: str, spelling: str, backticks: bool) -> str | None:
    """A union annotation spelt the project's way, or None when nothing changes.

    ``str | None`` becomes ``` `str` or `None` ``` (each alternative in backticks where
    types are), ``str, int or None`` for three, or ``Optional[str]``/``Union[str, int]``.
    Only a union at the top of the annotation is respelt (``list[str | None]`` is kept).

    Args:
        type_text: The annotation's text, without backticks.
        spelling: One of ``UNION_SPELLINGS``.
        backticks: Whether types are written in backticks.

    Returns:
        The type to write as it is (backticks included), or None to write ``type_text``.
    """
    source = type_text.strip()
    try:
        node = syntax.parse(source, mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    parts = _union_parts(node)
    if parts is None or len(parts) < 2:
        return None
    texts = ["None" if p is None else ast.get_source_segment(source, p) for p in parts]
    if any(text is None for text in texts):
        return None
    alternatives = [text for text in texts if text is not None]
    if spelling == "typing":
        rest = [text for text in alternatives if text != "None"]
        inner = rest[0] if len(rest) == 1 else f"Union[{', '.join(rest)}]"
        result = f"Optional[{inner}]" if len(rest) < len(alternatives) else inner
        return None if result == source else f"`{result}`" if backticks else result
    if spelling != "or":
        return None
    shown = [f"`{text}`" if backticks else text for text in alternatives]
    return " or ".join(shown) if len(shown) == 2 else \
        f"{', '.join(shown[:-1])} or {shown[-1]}"


def unaliased(annotation: str, aliases: dict[str, str]) -> str:
    """An annotation with each import alias (a bare name) replaced by the imported name.

    Args:
        annotation: The annotation's source text.
        aliases: Alias -> the imported object's own name.

    Returns:
        The text with ``base_tqdm`` written ``tqdm``; unchanged if it cannot be read.
    """
    source = annotation.strip()
    try:
        tree = syntax.parse(source, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return annotation
    # Positions from the end, so each replacement leaves the earlier offsets valid (one
    # line: an annotation read whole; a multi-line one is kept as it is).
    spots = sorted(((node.col_offset, node.end_col_offset or 0, aliases[node.id])
                    for node in ast.walk(tree) if isinstance(node, ast.Name) and
                    node.id in aliases and node.lineno == node.end_lineno == 1),
                   reverse=True)
    if not spots or "\n" in source:
        return annotation
    data = source.encode("utf-8")
    for start, end, name in spots:
        data = data[:start] + name.encode("utf-8") + data[end:]
    return data.decode("utf-8")


def _majority(counts: Counter[_T], default: _T) -> _T:
    """The most frequent value; a tie goes to ``default``, then to the smallest by repr."""
    best = max(counts.values())
    tied = [value for value, count in counts.items() if count == best]
    if default in tied:
        return default
    return min(tied, key=repr)


class HouseStyle:
    """How new docstring text is written: learned (lazily, level by level) or pinned.

    Each choice is looked up the first time it is needed, in the file's evidence, then
    its folder's, then its project's: a file whose choices its own docstrings show costs
    no read of other files. ``None`` for a choice means "nothing learned": the caller's
    default applies (the code's indentation step, the tool's heading spelling, ...).
    """

    def __init__(self, levels: Sequence[Evidence | Callable[[], Evidence]] = (),
                 types: str = "auto", raises: bool | None = None, style: str = "auto"
                 ) -> None:
        """Keep where to learn from.

        Args:
            levels: Evidence of the file, its folder and its project, each given or
                computed on demand.
            types: The ``types`` pin (``auto``, ``always`` or ``never``).
            raises: Pins ``documents_raises`` (None: learned).
            style: The ``style`` pin (``auto``, ``google``, ``numpy`` or ``sphinx``).
        """
        self._levels = tuple(levels)
        self._cache: dict[int, Evidence] = {}
        self.types = types
        self.style = style
        self._raises = raises
        #: Names bound to a ``TypeVar``: written as no type (``learning.type_variables``).
        self.type_vars: frozenset[str] = frozenset()
        #: Names imported under another name (``from tqdm.auto import tqdm as base_tqdm``):
        #: alias -> the imported object's own name (``learning.import_aliases``).
        self.aliases: dict[str, str] = {}

    def _level(self, index: int) -> Evidence:
        if index not in self._cache:
            level = self._levels[index]
            self._cache[index] = level if isinstance(level, Evidence) else level()
        return self._cache[index]

    def _learned(self, pick: Callable[[Evidence], Counter[_T]], default: _T) -> _T | None:
        for index in range(len(self._levels)):
            counts = pick(self._level(index))
            if counts:
                return _majority(counts, default)
        return None

    @functools.cached_property
    def docstyle(self) -> str:
        """The style new docstrings are written in: pinned, else the majority of the
        sectioned docstrings of the file, else of its folder, else of its project
        (``google`` when nothing is learned; a style the tool does not write counts as
        Google)."""
        if self.style != "auto":
            return self.style
        learned = self._learned(lambda e: Counter(
            {k: v for k, v in e.styles.items() if k in WRITTEN_STYLES}), "google")
        return learned or "google"

    def sphinx_field(self, section: Section) -> str | None:
        """The Sphinx field name the project writes for a section's text, if learned."""
        prefix = f"{section.value}:"
        learned = self._learned(lambda e: Counter(
            {k[len(prefix):]: v for k, v in e.sphinx_fields.items() if k.startswith(prefix)}),
            "")
        return learned or None

    def heading(self, section: Section) -> str:
        """The heading to write for a section (the tool's own when nothing is learned)."""
        default = HEADINGS[section]
        learned = self._learned(lambda e: e.headings.get(section, Counter()), default)
        return learned or default

    @functools.cached_property
    def unit(self) -> str | None:
        """A section body's indentation relative to its heading, if learned."""
        return self._learned(lambda e: e.units, "    ")

    @functools.cached_property
    def hanging(self) -> str | None:
        """An entry's continuation indentation relative to the entry, if learned."""
        return self._learned(lambda e: e.hangings, self.unit or "    ")

    @functools.cached_property
    def typed(self) -> bool | None:
        """Whether entries carry types: pinned, learned, or None."""
        if self.types != "auto":
            return self.types == "always"
        return self._learned(lambda e: e.typed, True)

    @functools.cached_property
    def backticks(self) -> bool:
        """Whether a type is written in backticks (``x (`int`):``)."""
        learned: bool | None = self._learned(lambda e: e.backticks, False)
        return bool(learned)

    @functools.cached_property
    def blank_after_summary(self) -> bool:
        """Whether a blank line separates the summary from the first section."""
        learned = self._learned(lambda e: e.blank, True)
        return True if learned is None else learned

    @functools.cached_property
    def below_header(self) -> bool:
        """Whether a new module docstring goes below the file's comment header."""
        learned = self._learned(lambda e: e.below_header, True)
        return True if learned is None else learned

    @functools.cached_property
    def defaults(self) -> str | None:
        """How a parameter's default is written: ``sentence``, ``marker``, ``both``, ``none``,
        or ``type`` (numpydoc's ``copy : bool, default True``, written so in NumPy style).

        Learned at the first level with at least ``DEFAULTS_SEEN`` such entries. None when
        nothing is learned: the tool's own way (a ``Defaults to`` sentence).
        """
        return self._learned(lambda e: e.defaults if e.defaults.total() >= DEFAULTS_SEEN
                             else Counter(), "sentence")

    @functools.cached_property
    def default_ticks(self) -> bool:
        """Whether the value of a ``Defaults to`` sentence is written in backticks."""
        learned: bool | None = self._learned(lambda e: e.default_ticks, False)
        return bool(learned)

    @functools.cached_property
    def optional_marker(self) -> str:
        """The marker a defaulted parameter's type carries (``optional``, ``*optional*``).

        A spelling, so the file's own or else the project's (not a folder's: peft's
        ``utils`` holds a port writing ``int, optional`` 15 times beside 12 ``*optional*``,
        where the project writes ``*optional*`` 81 times to 25).
        """
        for evidence in self._own_then_widest():
            if evidence.markers:
                return _majority(evidence.markers, "optional")
        return "optional"

    @functools.cached_property
    def double_ticks(self) -> bool:
        """Whether inline code is written in reST's double backticks (``x``): the file's own
        docstrings decide, else the project's; nothing seen: yes (the tool's own way)."""
        for evidence in self._own_then_widest():
            if evidence.code_ticks:
                return _majority(evidence.code_ticks, True)
        return True

    def shown(self, annotation: str | None) -> str | None:
        """An annotation as a docstring may write it: None for a bare type variable
        (``CallableT`` tells a reader nothing a docstring's type should); a name imported
        under an alias by the name of what it imports (``type[base_tqdm]`` is written
        ``type[tqdm]``: the alias is the module's own, no reader of the docs knows it)."""
        if annotation is not None and annotation.strip().strip("'\"") in self.type_vars:
            return None
        if annotation is not None and self.aliases:
            return unaliased(annotation, self.aliases)
        return annotation

    @functools.cached_property
    def union_spelling(self) -> str | None:
        """How a union type is spelt (``UNION_SPELLINGS``), if learned: the file's own
        entries decide, else the project's (a spelling, like the ``optional`` marker)."""
        for evidence in self._own_then_widest():
            if evidence.unions:
                return _majority(evidence.unions, "|")
        return None

    def spelled(self, type_hint: str, backticks: bool) -> str | None:
        """A new entry's type with its union spelt the project's way (``spell_union``):
        the text to write as it is, or None to write ``type_hint`` as before."""
        spelling = self.union_spelling
        if spelling in (None, "|") or "`" in type_hint:
            return None
        return spell_union(type_hint, spelling or "|", backticks)

    def new_type(self, annotation: str | None, backticks: bool) -> str | None:
        """An annotation as a new entry writes it: ``shown``, unquoted, its union spelt the
        project's way (backticks then included); None for no type."""
        shown = self.shown(annotation)
        if not shown:
            return None
        plain = written_type(shown)
        return self.spelled(plain, backticks) or plain

    def payload_keys_asked(self, facts: ClassFacts) -> bool:
        """Whether a class's attributes may be written into a new Attributes section: not
        a ``TypedDict``'s where the project's ``TypedDict`` docstrings list no keys
        (``typed_dict_attributes``). A writing rule: ``validate`` keeps its own."""
        return self.typed_dict_attributes or not any(
            base.rsplit(".", 1)[-1] == "TypedDict" for base in facts.bases)

    @functools.cached_property
    def writes_typed_dicts(self) -> bool:
        """Whether a ``TypedDict`` without a docstring gets one from ``generate --all``.

        False where fewer than ``TYPED_DICTS_SHARE`` of at least 5
        ``TypedDict`` classes have a docstring (the file, else the project): such a project
        keeps its payload shapes (huggingface_hub: 3 of 41, ``PayloadPartT``,
        ``DiscussionEventArgs``) to their annotated keys. A writing rule only.
        """
        return self._share(lambda e: Counter({True: e.typed_dicts["prose"] +
                                              e.typed_dicts["attributes"],
                                              False: e.typed_dicts["none"]}),
                           TYPED_DICTS_SEEN + 2, TYPED_DICTS_SHARE)

    @functools.cached_property
    def typed_dict_attributes(self) -> bool:
        """Whether a ``TypedDict``'s docstring is given an Attributes section for its keys.

        No where its documented ``TypedDict`` classes (at least ``TYPED_DICTS_SEEN``, the
        file, else the project) have one in fewer than ``TYPED_DICTS_SHARE`` of them:
        the keys and their types are the class body itself. Nothing learned: yes.
        """
        return self._share(lambda e: Counter({True: e.typed_dicts["attributes"],
                                              False: e.typed_dicts["prose"]}),
                           TYPED_DICTS_SEEN, TYPED_DICTS_SHARE)

    @property
    def marks_defaults(self) -> bool:
        """Whether a defaulted parameter's type carries the ``optional`` marker."""
        return self.defaults in ("marker", "both")

    def marked(self, type_hint: str | None, has_default: bool, backticks: bool,
               default: str | None = None) -> str | None:
        """A parameter's type with the project's ``optional`` marker, if it writes one.

        The marker stays out of the backticks (``(`str`, *optional*)``): the type is
        returned whole, backticks included, and written as it is. For a ``None`` default
        the marker says what ``| None`` would: it is left out (``(`str`, *optional*)``
        for ``str | None = None``, as such projects write it).

        Args:
            type_hint: The type to write, if any (no type: no marker either).
            has_default: Whether the parameter has a default.
            backticks: Whether types are written in backticks where this one goes.
            default: The default's source text, if known.

        Returns:
            The type as it is to be written.
        """
        if not type_hint:
            return type_hint
        if not has_default or not self.marks_defaults or \
                _MARKER_RE.search(type_hint) or type_hint.strip("`* ").endswith("optional"):
            return self.spelled(type_hint, backticks) or type_hint
        if default == "None":
            type_hint = without_none(type_hint)
        text = self.spelled(type_hint, backticks) or (
            f"`{type_hint}`" if backticks and "`" not in type_hint else type_hint)
        return f"{text}, {self.optional_marker}"

    def _own_then_widest(self) -> Iterator[Evidence]:
        """The file's evidence, then the widest level's (the project's, else the folder's):
        the two levels ``validate`` learns from too, so both commands decide alike."""
        for index in sorted({0, len(self._levels) - 1}) if self._levels else ():
            yield self._level(index)

    def _share(self, pick: Callable[[Evidence], Counter[bool]], seen_at_least: int,
               share: float) -> bool:
        """Whether what ``pick`` counts is done by at least ``share`` of the cases.

        Decided by the file itself when it shows ``seen_at_least`` cases, else by the
        project (the widest level): the same two levels ``validate`` learns from, so that
        what ``generate`` leaves out, ``validate`` does not ask for. True when neither saw
        enough.
        """
        for evidence in self._own_then_widest():
            counts = pick(evidence)
            seen = counts[True] + counts[False]
            if seen >= seen_at_least:
                return counts[True] >= share * seen
        return True

    @property
    def checked_choices(self) -> tuple[bool, ...]:
        """Every learned choice ``validate`` follows, in one place: its result cache is
        keyed by them (a choice left out here would let stale findings be reused)."""
        return (self.documents_modules, self.documents_raises, self.stars,
                self.documents_context_yields, self.documents_decorator_returns,
                self.generators_under_returns, self.documents_attributes,
                self.attributes_beside_args)

    def rarely_documented(self, name: str) -> bool:
        """Whether the project documents fewer than ``HOOKS_SHARE`` of the methods of a
        name that its classes define (at least ``HOOKS_SEEN`` of them; peft: ``forward`` in
        24 of 141). Decided by the widest level alone (the project, else the folder): the
        choice is the project's practice, the same for every file.

        Args:
            name: A method's name.

        Returns:
            True when that name is rarely documented.
        """
        if not self._levels:
            return False
        evidence = self._level(len(self._levels) - 1)
        seen = evidence.methods[name]
        return seen >= HOOKS_SEEN and evidence.documented_methods[name] < HOOKS_SHARE * seen

    @functools.cached_property
    def documents_raises(self) -> bool:
        """Whether a new Raises section may be added where a docstring has none.

        False only when fewer than ``RAISES_SHARE`` of the raising functions with a
        sectioned docstring have one (at least ``RAISES_SEEN`` seen in the file, else in
        the project).
        """
        if self._raises is not None:
            return self._raises
        return self._share(lambda e: e.raises, RAISES_SEEN, RAISES_SHARE)

    @functools.cached_property
    def documents_attributes(self) -> bool:
        """Whether a new Attributes section may be added (False: fewer than ``RAISES_SHARE``
        of at least ``RAISES_SEEN`` sectioned class docstrings have one: huggingface_hub
        documents constructor Args and never ``self.x`` attributes)."""
        return self._share(lambda e: e.attributes, RAISES_SEEN, RAISES_SHARE)

    @functools.cached_property
    def attributes_beside_args(self) -> bool:
        """Whether a class docstring that documents its constructor (an Args section) gets
        an Attributes section added (False: fewer than ``RAISES_SHARE`` of at least
        ``RAISES_SEEN`` such docstrings have one, the file's else the project's:
        huggingface_hub's ``CommitScheduler`` documents its arguments, not ``self.lock``)."""
        return self._share(lambda e: e.attributes_beside_args, RAISES_SEEN, RAISES_SHARE)

    def asks_attributes(self, has_attributes: bool, has_args: bool) -> bool:
        """Whether a class docstring is asked for the attributes it leaves out (the one
        rule ``validate`` and ``generate`` share).

        A docstring with an Attributes section is always kept complete. Without one, it is
        asked only where the project writes Attributes sections at all, and, when it
        documents the constructor (an Args section), where the project writes both.

        Args:
            has_attributes: Whether the docstring has an Attributes section.
            has_args: Whether it has an Args section.

        Returns:
            True when missing attributes are asked for (and a new section may be added).
        """
        if has_attributes:
            return True
        return self.documents_attributes and (not has_args or self.attributes_beside_args)

    def asked_attributes(self, facts: ClassFacts, has_attributes: bool, has_args: bool
                         ) -> frozenset[str]:
        """The attributes a class docstring is asked to document (``validate`` and
        ``generate`` alike).

        Where the docstring is not asked for attributes (``asks_attributes``), a
        dataclass that documents its constructor is still asked for its fields: they are
        its constructor's arguments, and a new one goes into the Args section.

        Args:
            facts: The class's facts.
            has_attributes: Whether its docstring has an Attributes section.
            has_args: Whether it has an Args section.

        Returns:
            The names asked for.
        """
        asked = frozenset(fact.name for fact in facts.asked)
        if self.asks_attributes(has_attributes, has_args):
            return asked
        if facts.is_dataclass and has_args:
            return asked & facts.fields
        return frozenset()

    @functools.cached_property
    def exception_markup(self) -> str | None:
        """How a new Raises entry writes its exception (learned; None: plain)."""
        return self._learned(lambda e: e.exceptions, "plain")

    def exception(self, name: str) -> str:
        """An exception's name as a new Raises entry writes it (the project's markup).

        Args:
            name: The exception as the code names it.

        Returns:
            The name, in backticks or a link where the project writes them so.
        """
        return written_exception(name, self.exception_markup)

    @functools.cached_property
    def documents_modules(self) -> bool:
        """Whether the project writes module docstrings (False: fewer than ``MODULES_SHARE``
        of at least ``MODULES_SEEN`` files read have one, e.g. peft's 9 of 251)."""
        return self._share(lambda e: e.modules, MODULES_SEEN, MODULES_SHARE)

    @functools.cached_property
    def init_docstrings(self) -> bool:
        """Whether ``__init__`` gets a docstring of its own (False: the project documents
        constructors in the class docstring, by a majority of at least ``MODULES_SEEN``
        classes; peft: 22 classes to 11)."""
        for evidence in self._own_then_widest():
            counts = evidence.constructors
            if counts["class"] + counts["init"] >= MODULES_SEEN:
                return counts["class"] <= counts["init"]
        return True

    @functools.cached_property
    def generators_under_returns(self) -> bool:
        """Whether generators say what they give under ``Returns:`` (a majority of at least
        ``MODULES_SEEN`` sectioned generator docstrings, the file's else the project's):
        such a Returns section is then not renamed Yields, nor reported (LD322, LD331)."""
        for evidence in self._own_then_widest():
            counts = evidence.generators
            if counts["returns"] + counts["yields"] >= MODULES_SEEN:
                return counts["returns"] > counts["yields"]
        return False

    def omits_returns(self, name: str, alternative_constructor: bool) -> bool:
        """Whether the project's sectioned docstrings of methods of a name (or of its
        ``from_*`` classmethods) omit Returns: at least ``RAISES_SEEN`` seen at the widest
        level, at most ``RAISES_SHARE`` with one (peft's ``get_delta_weight``: 2 of 29)."""
        evidence = self._level(len(self._levels) - 1) if self._levels else Evidence()
        return any(evidence.named_returns[key] >= RAISES_SEEN and
                   evidence.named_returns_given[key] <= RAISES_SHARE * evidence.named_returns[key]
                   for key in (name, "from_*" if alternative_constructor else name))

    @functools.cached_property
    def documents_context_yields(self) -> bool:
        """Whether a ``@contextmanager`` is asked for Yields (False: fewer than
        ``RAISES_SHARE`` of at least ``RAISES_SEEN`` documented ones have it)."""
        return self._share(lambda e: e.context_yields, RAISES_SEEN, RAISES_SHARE)

    @functools.cached_property
    def documents_decorator_returns(self) -> bool:
        """Whether a decorator is asked for Returns (False: fewer than ``RAISES_SHARE`` of
        at least ``RAISES_SEEN`` sectioned decorator docstrings have it; huggingface_hub: 1
        of 8, the decorated function is what any decorator gives)."""
        return self._share(lambda e: e.decorator_returns, RAISES_SEEN, RAISES_SHARE)

    @functools.cached_property
    def stars(self) -> bool:
        """Whether ``*args``/``**kwargs`` entries are written with their stars (learned)."""
        for evidence in self._own_then_widest():
            counts = evidence.stars
            if counts:
                return _majority(counts, True)
        return True


#: Nothing learned and nothing pinned: the tool's own way of writing.
DEFAULT = HouseStyle()


def house_style(tree: ast.Module, others: Sequence[Evidence | Callable[[], Evidence]] = (),
                types: str = "auto", learn: bool = True,
                raises: bool | None = None, style: str = "auto") -> HouseStyle:
    """The conventions new text in one file follows.

    Args:
        tree: The file's tree (its own docstrings are the first evidence).
        others: Evidence of the wider places to learn from, nearest first (its folder,
            its project), each given or computed on demand.
        types: The ``types`` pin.
        learn: Whether to learn at all (``conventions = "default"``: the tool's defaults).
        raises: Pins whether a new Raises section may be added (None: learned).
        style: The ``style`` pin.

    Returns:
        The conventions, each learned on first use.
    """
    if not learn:
        return HouseStyle((), types, raises, style)

    def own() -> Evidence:
        evidence = Evidence()
        evidence.add_tree(tree, None)
        return evidence

    return HouseStyle((own, *others), types, raises, style)
