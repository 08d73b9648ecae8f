"""Property: whatever a tree's strings hold, the report's Markdown keeps its shape.

Hostile strings (line breaks of every kind, HTML, backticks, pipes, brackets, Markdown
block markers, NUL, surrogates, bidi controls) go into every string field of a report
model built directly; the rendered document, parsed by markdown-it-py (CommonMark with
tables, and its GFM-like preset), must hold no HTML but our own ``<details>`` blocks, the
same blocks as the report of harmless strings, headings and cells that render as the
strings themselves, and links that all reach a heading.
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Callable, Iterator
from urllib.parse import unquote

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from llm_doc_manager.analysis import summary_of
from llm_doc_manager.report.history import Commit
from llm_doc_manager.report.model import EntryPoint, FileReport, Item, Project, Ref
from llm_doc_manager.report.render import Options, code, markdown, prose, text, visible
from llm_doc_manager.report.slug import Slugger

ATTACKS = [
    "<img src=x onerror=alert(1)>", "<details open ontoggle=alert(1)>", "</details>",
    "<summary>", "<script>", "<!--", "-->", "<?php", "<![CDATA[", "\n", "\r", "\r\n", "\n\n",
    "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x00", "\x1b[31m", "\u202e", "\udcff", "\t",
    "    ", " ", "`", "```", "~~~", "|", "\\|", "\\", "[", "]", "](javascript:alert(1))",
    "![x](y)", "*", "_", "__", "#", "# ", "## x", "- ", "+ ", "1. ", "2) ", "> ", "---",
    "===", "&", "&lt;", "&#60;", "$", "$$", "~~", "{: onclick=x}", "<", ">", ":", "^",
    "| --- |", "[^1]", "<http://x>", "www.x.com", "\u00a0", "\u3000", "\ufeff", "\x7f",
]
hostile = st.lists(st.one_of(st.sampled_from(ATTACKS), st.text(max_size=4)),
                   max_size=6).map("".join)
PARSERS = {"commonmark": MarkdownIt("commonmark").enable("table"),
           "gfm-like": MarkdownIt("gfm-like", {"linkify": False})}


class Fields:
    """Hands out the strings of one model, remembering each as the report shows it."""

    def __init__(self, strings: Iterator[str]) -> None:
        self.strings = strings
        self.raw: list[str] = []  # field N as given (a fenced block shows it)
        self.shown: list[str] = []  # what a heading, cell or line shows of it

    def take(self, nonempty: bool = False, show: Callable[[str], str] = str) -> str:
        # A field whose emptiness changes what is shown (a docstring, a signature) is
        # never empty: the shape compared is then the same.
        value = next(self.strings) or ("x" if nonempty else "")
        self.raw.append(value)
        self.shown.append(show(value))
        return value


def _docstring(fields: Fields) -> str:
    value = fields.take(nonempty=True, show=summary_of)
    if not summary_of(value):  # its summary is a paragraph of its own: never empty
        value += "x"
        fields.raw[-1], fields.shown[-1] = value, summary_of(value)
    return value


def _project(fields: Fields) -> tuple[Project, Options]:
    """A report model holding a string of ``fields`` in every string field."""
    paths = [fields.take() for _ in range(3)]
    names = [fields.take() for _ in range(3)]
    module_doc = _docstring(fields)
    history = [Commit(fields.take(show=lambda v: v[:12]), fields.take(), fields.take(),
                      fields.take()) for _ in range(2)]
    items = [
        Item(names[0], "function", 1, 2, fields.take(nonempty=True), 1, _docstring(fields),
             callers=(Ref(paths[0], names[1]),),
             # A callee outside the report (no file has this path): its name, no link.
             callees=(Ref(paths[0], names[2]), Ref("\0none", fields.take()))),
        Item(names[1], "method", 3, 4, fields.take(nonempty=True), 2, None,
             analysis=_docstring(fields)),
        Item(names[2], "class", 5, 6, fields.take(nonempty=True), 3, _docstring(fields)),
    ]
    files = [
        FileReport(paths[0], fields.take(), 6, module_doc, items, history,
                   source=fields.take()),
        FileReport(paths[1], fields.take(), error=fields.take(nonempty=True), error_line=3),
        FileReport(paths[2], fields.take(), 1, analysis=_docstring(fields),
                   source=fields.take()),
    ]
    project = Project(fields.take(), files, [(fields.take(), fields.take())],
                      Commit(fields.take(show=lambda v: v[:12]), fields.take(),
                             fields.take(), fields.take()),
                      [EntryPoint("script", fields.take(), fields.take()),
                       EntryPoint("module", fields.take(), fields.take())])
    # tests=True: a generated path may read as a test file's, which is otherwise one row.
    options = Options(True, fields.take(nonempty=True), fields.take(nonempty=True),
                      fields.take(nonempty=True), tests=True)
    return project, options


def _harmless() -> Fields:
    return Fields(f"h{number}" for number in itertools.count())


def _count() -> int:
    fields = _harmless()
    _project(fields)
    return len(fields.shown)


FIELDS = _count()
HARMLESS = markdown(*_project(_harmless()))
BASELINE = {name: parser.parse(HARMLESS) for name, parser in PARSERS.items()}


def _shape(tokens: list[Token]) -> list[tuple[str, str, int, int, str]]:
    """The block structure: each block token's kind, tag, nesting, level (a fence's info)."""
    return [(t.type, t.tag, t.nesting, t.level, t.info if t.type == "fence" else "")
            for t in tokens]


def _markup(inline: Token) -> list[str]:
    """The markup an inline token holds (its text left out: an empty field has none)."""
    return [c.type for c in inline.children or [] if c.type != "text"]


def _rendered(inline: Token) -> str:
    return "".join(c.content for c in inline.children or [])


def _as_parsed(value: str) -> str:
    """A fenced block's text as markdown-it reads it back (line endings, NUL)."""
    value = re.sub("[\ud800-\udfff]", lambda m: visible(m[0]), value)
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\0", "\ufffd")
    return value if value.endswith("\n") else value + "\n"


def _in_code(value: str) -> str:
    return visible(value) or " "


def _check(document: str, name: str, fields: Fields, paths: list[str]) -> None:
    tokens = PARSERS[name].parse(document)
    baseline = BASELINE[name]
    assert _shape(tokens) == _shape(baseline), (name, document)
    slugger = Slugger()
    slugs = {slugger.slug(_rendered(tokens[n + 1])) for n, t in enumerate(tokens)
             if t.type == "heading_open"}
    for token, harmless in zip(tokens, baseline, strict=True):
        if token.type == "html_block":
            # Only ours: <details>, <summary>Source of PATH</summary>, </details>.
            for line in token.content.strip().splitlines():
                inner = line.removeprefix("<summary>").removesuffix("</summary>")
                assert line in ("<details>", "</details>") or "<" not in inner, line
                if inner != line:
                    assert html.unescape(inner) in {f"Source of {visible(p)}" for p in paths}
        if token.type == "fence":
            field = int(harmless.content.strip()[1:])
            assert token.content == _as_parsed(fields.raw[field]), name
        if token.type != "inline":
            continue
        assert _markup(token) == _markup(harmless), (name, token.content)
        for child in token.children or []:
            if child.type == "link_open":
                target = str(child.attrs["href"])
                assert target.startswith("#"), target
                assert unquote(target[1:]) in slugs, target
        # A heading, cell, paragraph or link that is one field alone shows it exactly.
        whole = re.fullmatch(r"h([0-9]+)", _rendered(harmless))
        if whole:
            shown = fields.shown[int(whole[1])]
            code_span = "code_inline" in _markup(harmless)
            assert _rendered(token) == (_in_code(shown) if code_span else prose(shown)), (
                name, token.content)


@settings(max_examples=150, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(hostile, min_size=FIELDS, max_size=FIELDS))
def test_hostile_strings_keep_the_documents_shape(strings: list[str]) -> None:
    fields = Fields(iter(strings))
    project, options = _project(fields)
    paths = [f.path for f in project.files]
    names = [i.qualname for i in project.files[0].items]
    assume(len(set(paths)) == 3 and len(set(names)) == 3)
    document = markdown(project, options)
    for name in PARSERS:
        _check(document, name, fields, paths)


def test_a_code_span_holds_its_text_exactly() -> None:
    md = MarkdownIt("commonmark")
    for value in ["`", "``a``", " a ", " ", "", "a`", "`a", "a | b", "x\ny", "  "]:
        inline = md.parseInline(code(value))[0]
        assert [c.type for c in inline.children or []] == ["code_inline"], value
        assert (inline.children or [])[0].content == _in_code(value), value


@settings(max_examples=300, deadline=None, database=None)
@given(hostile)
def test_text_holds_no_angle_bracket_for_any_renderer(value: str) -> None:
    # CommonMark reads \< as a literal <, but Python-Markdown (mkdocs) keeps the
    # backslash and passes the tag on: text never writes a raw < or >.
    written = text(value)
    assert not set(written) & {"<", ">", "\n", "\r"}
    assert re.sub(r"&(lt|gt|amp);", "", written).count("&") == 0
