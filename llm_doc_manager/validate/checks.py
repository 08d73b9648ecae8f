"""Offline docstring checks: drift between docstrings and code, and Google format problems.

Pure: text in, findings out. The facts come from ``analysis`` and the docstrings are read by
``docstrings.parse_docstring``, the same code ``generate`` trusts, so what ``validate`` calls
drift is exactly what ``generate``/``--fix`` would change. Codes are documented in
docs/codes.md.
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from llm_doc_manager.analysis import (
    ClassFacts,
    DefNode,
    FunctionFacts,
    class_facts,
    docstring_expr,
    first_line,
    function_facts,
    iter_defs,
    parse_source,
)
from llm_doc_manager.analysis.markers import Kind, existing_comment, scan_markers
from llm_doc_manager.analysis.targets import Target, resolve
from llm_doc_manager.codes import (
    ARG_EXTRA,
    ARG_MISSING,
    ARG_ORDER,
    ARG_STARS,
    ARG_TYPE,
    ATTR_EXTRA,
    ATTR_MISSING,
    ATTR_TYPE,
    COMMENT_NUMBER,
    EMPTY_DESCRIPTION,
    FOREIGN_STYLE,
    LINE_TOO_LONG,
    MALFORMED_ENTRY,
    MISSING_DOCSTRING,
    PLACEHOLDER_LEFT,
    RAISES_EXTRA,
    RAISES_MISSING,
    RETURNS_EXTRA,
    RETURNS_MISSING,
    RETURNS_TYPE,
    SECTION_INDENT,
    SECTION_UNKNOWN,
    UNDERLINE_LENGTH,
    YIELDS_EXTRA,
    YIELDS_MISSING,
    YIELDS_TYPE,
    Finding,
)
from llm_doc_manager.config import PLACEHOLDER, Settings
from llm_doc_manager.docstrings import (
    ALIASES,
    EDITABLE,
    HEADINGS,
    Layout,
    ParsedDocstring,
    Section,
    Style,
    bare,
    display_width,
    read_layout,
    same_exception,
)
from llm_doc_manager.docstrings.bases import Overrides, plain_classes
from llm_doc_manager.docstrings.conventions import Evidence, house_style
from llm_doc_manager.docstrings.exempt import Exemptions, Scope, asked_sections, cli_command
from llm_doc_manager.docstrings.layout import heading_problems
from llm_doc_manager.docstrings.numpy_layout import numpy_heading_problems
from llm_doc_manager.docstrings.parse import parse_layout
from llm_doc_manager.docstrings.sphinx_layout import sphinx_heading_problems
from llm_doc_manager.docstrings.sync import (
    carried,
    combined_names,
    documented_aside,
    documented_inline,
    listed_names,
    misfiled_args,
)
from llm_doc_manager.docstrings.truth import (
    contradicts,
    never_raised,
    not_a_parameter,
    returns_contradicts,
    returns_impossible,
    returns_says_none,
    states_unheld,
    unsupported_numbers,
    yields_contradicts,
    yields_impossible,
)
from llm_doc_manager.source import syntax

_NOQA_RE = re.compile(r"#\s*noqa(?::\s*([A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?", re.I)
_DOC_NOQA_RE = re.compile(r"\bnoqa:\s*([A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*)", re.I)
_ALL = frozenset({"*"})
# What ``unsupported_number`` appends to a percentage it names (``7%``, ``7per cent``).
_PERCENT_WORD = re.compile(r"(?:%|per\s?cent)$", re.I)
_ENTRY_SECTIONS = frozenset({Section.ARGS, Section.ATTRIBUTES, Section.RAISES, Section.RETURNS,
                             Section.YIELDS})


@dataclass(frozen=True)
class CheckOptions:
    """What to check.

    Attributes:
        all_defs: Check every def, class and module, not only marked regions.
        width: Longest allowed docstring line, indentation included; None checks no
            width (LD364 is off: the project states no docstring width).
        skip_short: Do not ask a docstring without sections to document arguments,
            returns and the like (a one-line summary is a complete docstring).
        placeholder: The text ``generate`` writes where prose is missing (LD302).
        scope: What ``all_defs`` asks a docstring of besides public top-level
            definitions (nested, private).
        project: What the project's sample of docstrings shows (``docstrings.learning``),
            for the conventions validate follows as generate does: whether it writes module
            docstrings, documents exceptions, and stars ``*args`` entries. None: learn
            from the file alone.
        learn: Whether to follow the project's conventions at all (``conventions``).
        inherited: What methods inherit from bases in the project's other files
            (``Learning.overrides``); None: bases in the file itself only.
    """

    all_defs: bool = False
    width: int | None = None
    skip_short: bool = True
    placeholder: str = PLACEHOLDER
    scope: Scope = field(default_factory=Scope)
    project: Evidence | None = None
    learn: bool = True
    inherited: Overrides | None = None

    @classmethod
    def from_settings(cls, settings: Settings, all_defs: bool) -> CheckOptions:
        """The options a run's settings ask for.

        Args:
            settings: The run's settings.
            all_defs: Check every definition.

        Returns:
            The options.
        """
        return cls(all_defs=all_defs, width=settings.check_width,
                   placeholder=settings.placeholder, scope=Scope.from_settings(settings),
                   learn=settings.conventions == "learn")


# A backslash ending a line inside a string (an odd run of them): a line continuation.
_CONTINUATION_RE = re.compile(r"(?<!\\)((?:\\\\)*)\\\n")


@dataclass(frozen=True)
class _Doc:
    """A docstring with what is needed to point at its lines."""

    parsed: ParsedDocstring
    layout: Layout
    value: str
    line: int  # line of the opening quotes
    end_line: int
    noqa: frozenset[str]
    col: int  # 1-based column of the string's first character (its prefix or quote)


def _codes(raw: str | None) -> frozenset[str]:
    if not raw:
        return _ALL
    return frozenset(code.upper() for code in re.split(r"[\s,]+", raw) if code)


def _line_noqa(lines: list[str]) -> dict[int, frozenset[str]]:
    found: dict[int, frozenset[str]] = {}
    for number, line in enumerate(lines, 1):
        if "noqa" in line:
            match = _NOQA_RE.search(line)
            if match:
                found[number] = _codes(match.group(1))
    return found


class _FileChecker:
    def __init__(self, path: Path, text: str, tree: ast.Module, options: CheckOptions) -> None:
        self.path = path
        self.lines = text.splitlines()
        self.tree = tree
        self.options = options
        # The same two levels ``generate`` decides these choices from: the file, the project.
        self.house = house_style(tree, [options.project] if options.project else [],
                                 learn=options.learn)
        self.noqa = _line_noqa(self.lines)
        self.findings: list[Finding] = []

    def add(self, line: int, code: str, message: str, suppressed: frozenset[str] = frozenset(),
            col: int | None = None) -> None:
        """Record a finding at ``line`` and ``col`` (1-based; default: the line's first text)."""
        for codes in (suppressed, self.noqa.get(line, frozenset())):
            if codes is _ALL or "*" in codes or code in codes:
                return
        if col is None:
            text = self.physical(line)
            col = len(text) - len(text.lstrip()) + 1 if text.strip() else 1
        self.findings.append(Finding(self.path, line, col, code, message))

    def physical(self, line: int) -> str:
        """The text of a 1-based line ("" past the end)."""
        return self.lines[line - 1] if 0 < line <= len(self.lines) else ""

    def column(self, line: int, byte_offset: int) -> int:
        """The 1-based character column of an ``ast`` offset (``ast`` counts UTF-8 bytes)."""
        prefix = self.physical(line).encode("utf-8")[:byte_offset]
        return len(prefix.decode("utf-8", "ignore")) + 1

    def find(self, line: int, text: str) -> int | None:
        """The 1-based column of ``text`` on ``line``, if it is there."""
        index = self.physical(line).find(text)
        return index + 1 if index >= 0 else None

    # -- docstrings -----------------------------------------------------------------------

    def doc(self, node: DefNode | ast.Module) -> _Doc | None:
        expr = docstring_expr(node.body)
        if expr is None:
            return None
        value = expr.value.value  # type: ignore[attr-defined]
        noqa: frozenset[str] = frozenset()
        match = _DOC_NOQA_RE.search(value)
        if match:
            noqa = _codes(match.group(1))
        if not isinstance(node, ast.Module):
            header = self.noqa.get(node.lineno)
            if header:
                noqa = _ALL if header is _ALL else noqa | header
        if value.count("\n") != (expr.end_lineno or expr.lineno) - expr.lineno:
            value = self.source_lines(expr) or value
        layout = read_layout(value.replace("\r\n", "\n").replace("\r", "\n"))
        return _Doc(parse_layout(layout), layout, value, expr.lineno,
                    expr.end_lineno or expr.lineno, noqa,
                    self.column(expr.lineno, expr.col_offset))

    def source_lines(self, expr: ast.stmt) -> str | None:
        """A docstring's value read with one line per source line, else None.

        A backslash at a line's end (xarray's long ``{...}`` types) joins two source lines
        into one line of the value; read with that line break kept, the sections are the
        ones a reader sees and every line index is a source line (``--fix`` keeps such a
        line as it is: ``updated_literal`` edits the value's lines, not the source's).
        """
        end = expr.end_lineno or expr.lineno
        lines = [self.physical(n) for n in range(expr.lineno, end + 1)]
        lines[-1] = lines[-1].encode("utf-8")[:expr.end_col_offset].decode("utf-8", "ignore")
        lines[0] = lines[0].encode("utf-8")[expr.col_offset:].decode("utf-8", "ignore")
        raw = "\n".join(lines)
        if "r" in raw[:len(raw) - len(raw.lstrip("rRuU"))].lower():
            return None  # a raw string keeps its backslashes: its lines are the source's
        try:
            value = syntax.literal_eval(_CONTINUATION_RE.sub("\\1\n", raw))
        except (SyntaxError, ValueError, MemoryError, RecursionError):
            return None
        return value if isinstance(value, str) and value.count("\n") == end - expr.lineno \
            else None

    def entry_at(self, doc: _Doc, name: str) -> tuple[int, int]:
        """Line and column of a docstring entry's name, else of the docstring's opening."""
        for block in doc.layout.blocks:
            for entry in block.entries:
                if entry.name == name or bare(entry.name) == bare(name):
                    line = doc.line + entry.start
                    col = self.find(line, entry.name)
                    if col is not None:
                        return line, col
                    return line, self.find(line, bare(entry.name)) or 1
        return doc.line, doc.col

    def at_entry(self, doc: _Doc, name: str, code: str, message: str) -> None:
        """Report at an entry's name (see ``entry_at``)."""
        line, col = self.entry_at(doc, name)
        self.add(line, code, message, doc.noqa, col)

    def at_doc(self, doc: _Doc, code: str, message: str) -> None:
        """Report at the docstring's opening: where what is missing would be written."""
        self.add(doc.line, code, message, doc.noqa, doc.col)

    def format_checks(self, doc: _Doc, qualname: str) -> bool:
        """Check the Google format; return True when sections are too malformed to compare."""
        malformed = False
        placeholder = self.options.placeholder
        found = _placeholders(doc.layout.lines, placeholder) if placeholder else []
        if found:
            offset, first = found[0]
            count = len(found)
            self.add(doc.line + offset, PLACEHOLDER_LEFT, f"{qualname}: {count} "
                     f"placeholder{'s' if count > 1 else ''} ({placeholder!r}) left to "
                     "describe", doc.noqa, self.find(doc.line + offset, first))
        if doc.value.count("\n") != doc.end_line - doc.line:
            # An escape (``"\n"`` in a non-raw docstring, keras's doctest output) made lines
            # the source does not show: headings and margins are not what a reader sees,
            # so neither is judged.
            return True
        if doc.layout.style not in EDITABLE:
            self.at_doc(doc, FOREIGN_STYLE, f"{qualname}: docstring in "
                        f"{doc.layout.style.value} style, not checked")
            return True
        numpy = doc.layout.style is Style.NUMPY
        problems = numpy_heading_problems(doc.layout) if numpy else \
            sphinx_heading_problems(doc.layout) if doc.layout.style is Style.REST else \
            heading_problems(doc.layout)
        for problem in problems:
            number = doc.line + problem.index
            if problem.kind == "underline":
                self.add(number, UNDERLINE_LENGTH, f"{qualname}: the underline of section "
                         f"'{problem.text}' is not as long as its heading", doc.noqa,
                         self.find(number, "-") or self.find(number, "="))
                continue
            if problem.kind == "indented" and numpy:
                self.add(number, SECTION_INDENT, f"{qualname}: section heading "
                         f"'{problem.text}' is indented; NumPy sections start at the "
                         "docstring's margin", doc.noqa, self.find(number, problem.text))
                continue
            number = doc.line + problem.index
            if problem.kind == "indented":
                self.add(number, SECTION_INDENT, f"{qualname}: section heading "
                         f"'{problem.text}' is indented; Google sections start at the "
                         "docstring's margin", doc.noqa, self.find(number, problem.text))
            elif problem.kind == "misspelt":
                self.add(number, SECTION_UNKNOWN, f"{qualname}: unknown section "
                         f"'{problem.text}' (did you mean '{_suggested(problem.suggestion)}'?)",
                         doc.noqa, self.find(number, problem.text))
            else:
                # Entry sections cannot be read then. A prose section (``Example:`` then
                # unindented ``>>>`` lines or a code fence, keras's and accelerate's habit)
                # still reads well and nothing is compared with it: not a finding.
                if ALIASES.get(problem.text.lower()) not in _ENTRY_SECTIONS:
                    continue
                malformed = True
                self.add(number, SECTION_INDENT, f"{qualname}: the body of section "
                         f"'{problem.text}' must be indented below its heading", doc.noqa,
                         self.find(number, problem.text))
        # As ruff's E501/W505 do: a noqa comment naming E501 (or W505) at the end of a
        # multi-line string covers its lines, and a line of one word (a URL) cannot wrap.
        closing = self.noqa.get(doc.end_line, frozenset())
        waived = closing is _ALL or bool({"*", "E501", "W505"} & closing)
        width = self.options.width or 0  # 0: no width stated, no line is checked
        for number in range(doc.line, doc.end_line + 1) if not waived and width else ():
            physical = self.lines[number - 1] if number <= len(self.lines) else ""
            words = physical.strip().removeprefix('"""').removesuffix('"""').split()
            if len(words) > 1 and display_width(physical) > width:
                self.add(number, LINE_TOO_LONG, f"{qualname}: docstring line is "
                         f"{display_width(physical)} columns long (limit {width})",
                         doc.noqa, _past(physical, width))
        parsed = doc.parsed
        # Each style's own words: numpydoc's ``Parameters`` holds ``name : type`` entries.
        entry_form = "name : type" if numpy else "name (type): description"
        for heading, names, form in (
                ("Parameters" if numpy else "Args", [a.name for a in parsed.args], entry_form),
                ("Attributes", [a.name for a in parsed.attributes], entry_form),
                ("Raises", [r.exception_type for r in parsed.raises],
                 "ExceptionName" if numpy else "Exception: description")):
            # ``a, b: text`` documents both names (see ``listed_names``); not in Raises.
            for name in [n for n in _malformed(names) if heading == "Raises" or
                         not combined_names(n)][:1]:
                malformed = True
                self.at_entry(doc, name, MALFORMED_ENTRY,
                              f"{qualname}: '{name[:40]}' in section '{heading}' is not a "
                              f"'{form}' entry")
        for kind, entries in (("argument", parsed.args), ("attribute", parsed.attributes)):
            for entry in entries:
                if not entry.description.strip() and not _malformed([entry.name]) and \
                        not combined_names(entry.name):
                    self.at_entry(doc, entry.name, EMPTY_DESCRIPTION,
                                  f"{qualname}: {kind} '{entry.name}' has no description")
        for exc in parsed.raises:
            # A malformed entry (``ValueError if x is bad``: the whole line read as its
            # name) is LD365 already; its text is there, only not where Google puts it.
            if not exc.description.strip() and not _malformed([exc.exception_type]):
                self.at_entry(doc, exc.exception_type, EMPTY_DESCRIPTION,
                              f"{qualname}: exception '{exc.exception_type}' has no "
                              "description")
        for raw_section in parsed.extras:
            if not raw_section.body.strip() and raw_section.heading.lower() in ALIASES:
                self.at_doc(doc, EMPTY_DESCRIPTION,
                            f"{qualname}: section '{raw_section.heading}' is empty")
        return malformed

    # -- targets --------------------------------------------------------------------------

    def missing(self, node: DefNode | None, what: str, qualname: str) -> None:
        """LD301, at the definition's name (the module's: line 1, column 1)."""
        if node is None:
            self.add(1, MISSING_DOCSTRING, f"{qualname}: {what} has no docstring", col=1)
            return
        match = _HEADER_RE.match(self.physical(node.lineno).encode("utf-8"), node.col_offset)
        col = self.column(node.lineno, match.end()) if match else None
        self.add(node.lineno, MISSING_DOCSTRING, f"{qualname}: {what} has no docstring",
                 col=col)

    def check_module(self, marked: bool, exemptions: Exemptions) -> None:
        doc = self.doc(self.tree)
        if doc is None:
            if marked or (self.options.all_defs and exemptions.module() is None):
                self.missing(None, "module", "<module>")
            return
        self.format_checks(doc, "<module>")

    def check_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, qualname: str,
                       class_name: str | None, require: bool, whole: bool = True,
                       omits_from: bool = False) -> None:
        doc = self.doc(node)
        if doc is None:
            if require:
                self.missing(node, "function", qualname)
            return
        malformed = self.format_checks(doc, qualname)
        parsed = doc.parsed
        if not parsed.readable or malformed or (self.options.skip_short and _is_short(parsed)):
            return  # a malformed docstring cannot be compared with the code: LD362/365 say so
        facts = asked_sections(function_facts(node, class_name, lines=self.lines), node,
                               self.house, self.tree, omits_from)
        # An exempt definition's docstring (a private helper's) is checked within the
        # sections it has: no section is asked of it (generate adds none either).
        self.args(doc, facts, qualname, whole)
        self.returns_yields(doc, facts, qualname, whole)
        self.raises(node, doc, facts, qualname, whole)

    def args(self, doc: _Doc, facts: FunctionFacts, qualname: str, whole: bool = True) -> None:
        if not whole and doc.layout.block(Section.ARGS) is None:
            return
        params = {bare(p.name): p for p in facts.params}
        documented = {bare(a.name): a for a in doc.parsed.args if not combined_names(a.name)}
        misfiled = misfiled_args(doc.layout, facts.params) if facts.params else None
        if misfiled is not None:
            # One finding for the heading, none per argument (``misfiled_args``).
            self.add(doc.line + misfiled.start, SECTION_UNKNOWN, f"{qualname}: section "
                     f"'{misfiled.heading}' lists the function's arguments (did you mean "
                     f"'{self.house.heading(Section.ARGS)}'?)", doc.noqa,
                     self.find(doc.line + misfiled.start, misfiled.heading))
            return
        if doc.layout.block(Section.ARGS) is None:
            # ``model (`PeftModel`): ...`` under the summary documents ``model``.
            documented_elsewhere = documented_inline(doc.layout, params)
        else:
            documented_elsewhere = set()
        documented_elsewhere |= documented_aside(doc.layout)  # NumPy's Other Parameters
        forwarding = carried(facts.params, documented)
        for name, expected in params.items():
            if forwarding and expected.kind in ("var_positional", "var_keyword"):
                continue  # what *args/**kwargs carry is documented instead (``carried``)
            if bare(expected.name) in facts.unused:
                continue  # declared unused on purpose (``declared_unused``)
            if name not in documented and name not in documented_elsewhere and \
                    not self.listed(doc, Section.ARGS, name, qualname, "argument"):
                self.at_doc(doc, ARG_MISSING,
                            f"{qualname}: argument '{expected.name}' is not documented")
        for name, entry in documented.items():
            line, col = self.entry_at(doc, entry.name)
            param = params.get(name)
            if param is None:
                if not_a_parameter(facts, name):
                    self.add(line, ARG_EXTRA, f"{qualname}: documented argument "
                             f"'{entry.name}' is not in the signature", doc.noqa, col)
                continue
            if entry.name != param.name and param.name.startswith("*") and self.house.stars:
                self.add(line, ARG_STARS, f"{qualname}: '{param.name}' is documented as "
                         f"'{entry.name}'", doc.noqa, col)
            if contradicts(entry.type_hint, param.annotation, param.default is not None,
                           self.plain_classes):
                self.add(line, ARG_TYPE, f"{qualname}: argument '{param.name}' is documented "
                         f"as ({entry.type_hint}) but annotated {param.annotation}", doc.noqa,
                         col)
        # Only positional order means something to a caller: keyword-only parameters (and
        # **kwargs) are passed by name, and a project may group them in its own order
        # (huggingface_hub's ``revision`` beside the repo id, ``token`` last).
        positional = [n for n, p in params.items()
                      if p.kind in ("positional_only", "normal", "var_positional")]
        common_sig = [n for n in positional if n in documented]
        common_doc = [n for n in documented if n in common_sig]
        if common_sig != common_doc:
            self.at_doc(doc, ARG_ORDER, f"{qualname}: arguments are documented in another "
                        f"order than the signature ({', '.join(common_sig)})")

    def listed(self, doc: _Doc, section: Section, name: str, qualname: str, kind: str) -> bool:
        """Whether a section names ``name`` on a line not read as its own entry.

        ``a, b: text`` documents both; ``name: text`` indented under the entry above is an
        entry a person wrote one step too deep: LD362 says so (adding it again would be a
        duplicate).
        """
        block = doc.layout.block(section)
        where = listed_names(doc.layout, block).get(name) if block is not None else None
        if where is None:
            return False
        index, combined = where
        if not combined:
            line = doc.line + index
            self.add(line, SECTION_INDENT, f"{qualname}: {kind} '{name}' is indented as the "
                     "continuation of the entry above; entries start at the section's margin",
                     doc.noqa, self.find(line, name))
        return True

    def returns_yields(self, doc: _Doc, facts: FunctionFacts, qualname: str,
                       whole: bool = True) -> None:
        parsed = doc.parsed
        for section, needed, present in ((Section.RETURNS, facts.documents_return,
                                          parsed.returns),
                                         (Section.YIELDS, facts.documents_yield, parsed.yields)):
            inline = _inline_heading(doc.layout, section) if needed and present is None else None
            if inline is not None:
                # ``Returns: A tuple.`` on one line: the section is there, written so that
                # Google-style readers do not see it. Say that, not "no Returns section".
                self.add(doc.line + inline, SECTION_INDENT, f"{qualname}: the text of section "
                         f"'{HEADINGS[section]}' must go on the lines below its heading, "
                         "indented", doc.noqa)
                return
        # A stub annotated ``Iterator[T]``/``Generator[...]`` may say what it yields instead.
        yields_instead = facts.undecidable and facts.annotated_iterator and \
            parsed.yields is not None
        if facts.needs_returns and parsed.returns is None and not yields_instead and \
                whole:
            self.at_doc(doc, RETURNS_MISSING, f"{qualname}: returns a value but the docstring "
                        "has no Returns section")
        # A project that documents generators under Returns (``generators_under_returns``).
        under_returns = self.house.generators_under_returns and facts.is_generator and \
            parsed.returns is not None and parsed.yields is None
        if parsed.returns is not None and returns_impossible(facts) and not under_returns \
                and not returns_says_none(facts, parsed.returns.type_hint,
                                          parsed.returns.description):
            why = "is a generator" if facts.is_generator else "returns nothing"
            self.add(self.section_line(doc, Section.RETURNS), RETURNS_EXTRA,
                     f"{qualname}: has a Returns section but {why}", doc.noqa)
        if parsed.returns is not None and returns_contradicts(facts, parsed.returns.type_hint,
                                                              self.plain_classes):
            self.add(self.section_line(doc, Section.RETURNS), RETURNS_TYPE,
                     f"{qualname}: Returns says {parsed.returns.type_hint} but the annotation "
                     f"is {facts.return_annotation}", doc.noqa)
        if facts.documents_yield and parsed.yields is None and whole and \
                not under_returns:
            self.at_doc(doc, YIELDS_MISSING, f"{qualname}: is a generator but the docstring "
                        "has no Yields section")
        if parsed.yields is not None and yields_impossible(facts):
            self.add(self.section_line(doc, Section.YIELDS), YIELDS_EXTRA,
                     f"{qualname}: has a Yields section but is not a generator", doc.noqa)
        if parsed.yields is not None and yields_contradicts(facts, parsed.yields.type_hint,
                                                            self.plain_classes):
            self.add(self.section_line(doc, Section.YIELDS), YIELDS_TYPE,
                     f"{qualname}: Yields says {parsed.yields.type_hint} but the annotation "
                     f"gives {facts.yield_type}", doc.noqa)

    @functools.cached_property
    def plain_classes(self) -> frozenset[str]:
        """The classes the module names that are no builtin's kind: its own
        (``bases.plain_classes``) and, found through the project, ``Overrides.plain``."""
        inherited = self.options.inherited
        return plain_classes(self.tree) | (inherited.plain if inherited is not None else
                                           frozenset())

    def section_line(self, doc: _Doc, section: Section) -> int:
        """Line of a section's heading (as the layout found it), else the opening line."""
        block = doc.layout.block(section)
        return doc.line + block.start if block is not None else doc.line

    def raises(self, node: ast.FunctionDef | ast.AsyncFunctionDef, doc: _Doc,
               facts: FunctionFacts, qualname: str, whole: bool = True) -> None:
        documented = [r.exception_type for r in doc.parsed.raises]
        # A project that does not document exceptions is not asked to, where a docstring
        # has no Raises section (``generate`` adds none there either).
        asked = facts.documented_raises if documented or (
            self.house.documents_raises and whole) else ()
        # An argument's description that names what it makes the function raise documents
        # it too (``Layout.arg_raises``, shared with generate); it asks for nothing more.
        said = documented + list(doc.layout.arg_raises)
        for fact in asked:
            if not any(same_exception(fact.exception, d) for d in said):
                self.add(fact.line, RAISES_MISSING, f"{qualname}: raises {fact.exception} but "
                         "the docstring does not say so", doc.noqa,
                         self.column(fact.line, fact.col))
        # A documented exception may come from a callee, or from the attribute a property
        # hands on, or from a subscript: ``never_raised`` (shared with generate's gate)
        # judges only what the code can tell.
        for name in never_raised(node, facts, documented):
            self.at_entry(doc, name, RAISES_EXTRA,
                          f"{qualname}: documents {name} but no raise statement raises it")

    def check_class(self, node: ast.ClassDef, qualname: str, require: bool) -> None:
        doc = self.doc(node)
        if doc is None:
            if require:
                self.missing(node, "class", qualname)
            return
        malformed = self.format_checks(doc, qualname)
        parsed = doc.parsed
        if not parsed.readable or malformed or (self.options.skip_short and _is_short(parsed)):
            return
        self.attributes(doc, class_facts(node, self.lines), qualname)

    def comment(self, target: Target) -> None:
        """LD371: a number the comment of a marked block states that the block does not hold.

        The gate's rule for a model's comment (``unsupported_numbers``), reported on the
        comment a person wrote (a number left stale after the code changed); never fixed.
        """
        if not target.statements or target.region is None:
            return
        run, text = existing_comment(self.physical, first_line(target.statements[0]),
                                     target.region.start)
        for start, sentence, number in unsupported_numbers(text, target.statements):
            written = number if number in sentence else _PERCENT_WORD.sub("", number)
            offset = start + max(sentence.find(written), 0)
            line = run + text.count("\n", 0, offset)
            self.add(line, COMMENT_NUMBER, f"{target.qualname}: the comment "
                     f"{states_unheld(number)}", col=self.find(line, written))

    def attributes(self, doc: _Doc, facts: ClassFacts, qualname: str) -> None:
        documented = {a.name: a for a in doc.parsed.attributes if not combined_names(a.name)}
        # Constructor arguments documented under the class's Args are documented attributes.
        in_args = {bare(a.name) for a in doc.parsed.args}
        # A project that writes no Attributes sections (or none beside a constructor's
        # Args) is not asked one; the rule is shared with generate (``asked_attributes``).
        asked = self.house.asked_attributes(facts, doc.layout.block(Section.ATTRIBUTES)
                                            is not None, doc.layout.block(Section.ARGS)
                                            is not None)
        for fact in facts.attributes:
            entry = documented.get(fact.name)
            # ``self.api = hf_api`` stores a constructor argument documented under Args.
            # A Hugging Face ``**Attributes**:`` list naming it documents it too.
            if entry is None and (fact.name in in_args or fact.source in in_args or
                                  fact.name not in asked or
                                  fact.name in doc.layout.listed_attributes):
                continue
            if entry is None and self.listed(doc, Section.ATTRIBUTES, fact.name, qualname,
                                             "attribute"):
                continue
            if entry is None:
                self.at_doc(doc, ATTR_MISSING, f"{qualname}: attribute '{fact.name}' is not "
                            "documented")
            elif contradicts(entry.type_hint, fact.annotation, classes=self.plain_classes):
                self.at_entry(doc, fact.name, ATTR_TYPE,
                              f"{qualname}: attribute '{fact.name}' is documented as "
                              f"({entry.type_hint}) but annotated {fact.annotation}")
        if facts.open_ended:
            return  # a base class or setattr may define what the code here does not show
        for name in documented:
            if name not in facts.defined:
                self.at_entry(doc, name, ATTR_EXTRA,
                              f"{qualname}: documented attribute '{name}' is not defined by "
                              "the class")


# ``def``/``class`` and what precedes the name, matched in UTF-8 bytes from ``col_offset``.
_HEADER_RE = re.compile(rb"(?:async\s+)?(?:def|class)\s+")


def _suggested(heading: str) -> str:
    """A known heading as a suggestion: a section title-cased, a Sphinx field as it is."""
    return heading if heading.startswith(":") else heading.title()


def _past(text: str, width: int) -> int:
    """The 1-based column of the first character beyond ``width`` display columns."""
    for index in range(len(text)):
        if display_width(text[:index + 1]) > width:
            return index + 1
    return len(text) + 1


def _inline_heading(layout: Layout, section: Section) -> int | None:
    """The line holding ``Returns: text`` (heading and text together) for ``section``."""
    for index in range(len(layout.lines)):
        head, colon, rest = layout.cleaned(index).partition(":")
        if colon and rest.strip() and ALIASES.get(head.lower()) is section:
            return index
    return None


def _is_short(parsed: ParsedDocstring) -> bool:
    """Tell whether a docstring is prose only, complete as it is (as pydoclint sees it).

    Only sections that document an interface (Args, Returns, Yields, Raises, Attributes,
    Examples) make a docstring one to check; a Note, References or See also section alone
    does not.
    """
    return not (parsed.args or parsed.returns or parsed.yields or parsed.raises
                or parsed.attributes or parsed.examples
                or any(ALIASES.get(r.heading.lower()) in _ENTRY_SECTIONS for r in parsed.extras))


@functools.lru_cache(maxsize=8)
def _placeholder_re(placeholder: str) -> re.Pattern[str]:
    # Wrapped by a person or a formatter, ``TODO:`` / ``describe.`` is still the placeholder.
    return re.compile(r"\s+".join(re.escape(word) for word in placeholder.split()))


def _placeholders(lines: Sequence[str], placeholder: str) -> list[tuple[int, str]]:
    """Each placeholder in the lines, also across a line break: its line, its first part."""
    words = placeholder.split()
    text = "\n".join(lines)
    if not words or words[0] not in text:
        return []
    return [(text.count("\n", 0, m.start()), m.group().split("\n", 1)[0])
            for m in _placeholder_re(placeholder).finditer(text)]


def _malformed(names: Iterable[str]) -> list[str]:
    return [n for n in names if not n.lstrip("*").replace(".", "_").isidentifier()]


def check_source(path: Path, text: str, options: CheckOptions,
                 tree: ast.Module | None = None) -> list[Finding]:
    """Check one file's text.

    Args:
        path: The file, for the findings.
        text: Its decoded text.
        options: What to check.
        tree: Its tree, when learning already parsed it (not changed by the checks);
            None: parsed here.

    Returns:
        The findings, sorted by line.
    """
    parsed = parse_source(path, text) if tree is None else tree
    if isinstance(parsed, Finding):
        return [parsed]
    tree = parsed
    checker = _FileChecker(path, text, tree, options)
    scan = scan_markers(text) if "@llm" in text else None
    regions = scan.regions if scan else ()
    targets: list[Target] = []
    if scan is not None:
        targets, problems = resolve(tree, regions, False)
        for problem in sorted([*scan.problems, *problems], key=lambda p: (p.line, p.col)):
            checker.findings.append(Finding(path, problem.line, problem.col, problem.code,
                                            problem.message))
    marked = {id(t.node): t for t in targets if t.node is not None}
    # The one rule of what needs no docstring, shared with ``generate --all``.
    exemptions = Exemptions(tree, checker.lines, path, options.scope,
                            modules=checker.house.documents_modules,
                            init_docs=checker.house.init_docstrings,
                            typed_dicts=checker.house.writes_typed_dicts,
                            inherited=options.inherited)
    if exemptions.generated and not targets:
        # A generated file's text is its generator's: nothing to ask of its docstrings
        # (generate leaves it alone too), unless a person marked a region in it.
        return sorted(checker.findings, key=lambda f: (f.line, f.col, f.code))
    checker.check_module(any(t.kind is Kind.MODULE for t in targets), exemptions)
    for block in targets:
        if block.kind is Kind.COMM:
            checker.comment(block)
    for definition in iter_defs(tree):
        node, qualname = definition.node, definition.qualname
        target = marked.get(id(node))
        if target is None and not options.all_defs:
            continue
        # With --all, a definition must have a docstring unless the shared rule exempts it
        # (magic methods included). Nor is ``__init__``: whether the constructor's arguments
        # go in the class docstring or in ``__init__``'s is the project's choice (pydoclint's
        # --allow-init-docstring), which LD301 on ``__init__`` would make for it.
        whole = target is not None or (exemptions.definition(definition) is None and
                                       not cli_command(node))
        require = whole and (target is not None or node.name != "__init__")
        if isinstance(node, ast.ClassDef):
            checker.check_class(node, qualname, require)
        else:
            checker.check_function(node, qualname, definition.class_name, require, whole,
                                   exemptions.omits_from_returns())
    return sorted(checker.findings, key=lambda f: (f.line, f.col, f.code))
