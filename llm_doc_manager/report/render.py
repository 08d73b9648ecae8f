"""A collected project as Markdown (headings linkable on GitHub) or as JSON.

Both are pure functions of the ``Project``: same input, same bytes. Every string that comes
from the tree or its history (paths, names, entry points, docstrings, commit subjects,
authors) goes through one helper for the place it lands: ``text`` (a paragraph, list item,
heading or table cell), ``code`` (a code span), ``cell`` (a table cell), ``anchor`` (a link
target), ``fenced`` (a fenced block) and ``html_text`` (inside our HTML block). None lets
the string end its line, its cell or its block, or be read as Markdown or HTML: see
"Untrusted repositories" in docs/report.md.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from llm_doc_manager import __version__
from llm_doc_manager.codes import shown, visible
from llm_doc_manager.docstrings.metrics import Metrics
from llm_doc_manager.report.model import FileReport, Item, Link, Project, Ref
from llm_doc_manager.report.slug import Slugger

_BACKTICKS = re.compile(r"`+")
# Markdown's inline syntax (CommonMark lets any ASCII punctuation be escaped with a
# backslash), GFM's strikethrough, and the ``$`` and ``{}`` that math and attribute-list
# extensions read. ``<``, ``>`` and ``&`` become entities instead: every renderer decodes
# those, while some (Python-Markdown) keep ``\<`` as a backslash before live HTML.
_SPECIAL = re.compile(r"[\\`*_\[\]{}~$#<>&]")
_ENTITIES = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}
# What starts a block at a line's start once the above is escaped: a list item (``-``,
# ``+``, ``1.``, ``1)``) or a setext underline (``=``).
_BLOCK_START = re.compile(r"^([+=-]|[0-9]+(?=[.)]))")
# What an anchor may hold as is; anything else is percent-encoded.
_ANCHOR_SAFE = re.compile(r"[^\w-]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_MOST_COMPLEX = 10


@dataclass(frozen=True)
class Options:
    """What the Markdown shows.

    Attributes:
        source: Include each file's source (collapsed).
        provider: Who wrote summaries beyond the docstrings ("" for no one).
        generated: A date to print (None: no date, so runs are byte-identical).
        origin: Where the input came from (a URL without credentials, or a path).
        tests: Show test files in full (else one summary row each, in *Tests*).
        source_budget: With ``source``, the most bytes of source (UTF-8) the Markdown
            shows: past it no source is shown, and the metadata says so (None: no limit).
        depth: The ``--depth`` a URL was cloned with (None: not cloned here, or whole).
    """

    source: bool = True
    provider: str = ""
    generated: str | None = None
    origin: str = ""
    tests: bool = False
    source_budget: int | None = None
    depth: int | None = None


#: Bytes of source the Markdown shows by default (``llm-doc report`` without ``--source``):
#: with the rest of a report, well under the 2 MB GitHub no longer renders.
SOURCE_BUDGET = 512 * 1024


def prose(value: str) -> str:
    """The text ``text`` shows: whitespace runs (line breaks included) as one space, the
    rest made visible."""
    return visible(" ".join(value.split()))


def _in_code(value: str) -> str:
    """What ``code(value)`` renders as (an empty span cannot be written: one space)."""
    return visible(value) or " "


def text(value: str) -> str:
    """Text shown as written, on one line: in a paragraph, list item, heading or cell.

    Args:
        value: Any string (a summary, a commit subject, an author, a message).

    Returns:
        Markdown that renders as ``prose(value)`` and holds no markup, HTML or line break
        (a table cell still needs ``cell`` for its pipes).
    """
    escaped = _SPECIAL.sub(lambda m: _ENTITIES.get(m[0], "\\" + m[0]), prose(value))
    return _BLOCK_START.sub(lambda m: "\\" + m[0] if not m[0][0].isdigit()
                            else m[0] + "\\", escaped, count=1)


def code(value: str) -> str:
    """A code span holding ``visible(value)`` exactly, on one line.

    Args:
        value: A name, path, signature or entry point.

    Returns:
        The span, its fence longer than any backtick run in it.
    """
    shown = _in_code(value)
    longest = max((len(m) for m in _BACKTICKS.findall(shown)), default=0)
    fence = "`" * (longest + 1)
    # CommonMark strips one space from each end when both ends have one: pad so that a
    # backtick at an end cannot join the fence, and so that spaces at both ends survive.
    pad = " " if longest or (shown[0] == " " == shown[-1] and shown.strip()) else ""
    return f"{fence}{pad}{shown}{pad}{fence}"


def cell(markdown_text: str) -> str:
    """Markdown for a table cell: pipes escaped (also inside code spans, as GFM reads them).

    Args:
        markdown_text: The cell's content, already escaped by ``text`` or ``code``.

    Returns:
        The content with every ``|`` escaped.
    """
    return markdown_text.replace("|", "\\|")


def anchor(slug: str) -> str:
    """A link target ``#slug``: anything but letters, digits, ``_`` and ``-`` encoded.

    Args:
        slug: A heading's anchor (``Slugger`` makes them with nothing else; this holds
            whatever a future slug holds to a URL fragment).

    Returns:
        The target, ``#`` included.
    """
    return "#" + _ANCHOR_SAFE.sub(lambda m: "".join(
        f"%{byte:02X}" for byte in m[0].encode("utf-8", "surrogatepass")), slug)


def link(label: str, slug: str) -> str:
    """A link to a heading of the document.

    Args:
        label: The link text, already escaped (a ``code`` span).
        slug: The heading's anchor.

    Returns:
        ``[label](#slug)``.
    """
    return f"[{label}]({anchor(slug)})"


def fenced(value: str, info: str = "") -> str:
    """A fenced block holding ``value`` verbatim, its fence longer than any backtick run.

    Args:
        value: Source code, a docstring or a model's text.
        info: The info string (``python``, ``text``): ours, never the tree's.

    Returns:
        The block; no line of ``value`` can close it. Only lone surrogates, which cannot
        be written as UTF-8, are shown as escapes.
    """
    value = _SURROGATE.sub(lambda m: shown(m[0]), value)
    longest = max((len(m) for m in _BACKTICKS.findall(value)), default=0)
    fence = "`" * max(3, longest + 1)
    body = value if value.endswith(("\n", "\r")) else value + "\n"
    return f"{fence}{info}\n{body}{fence}\n"


def html_text(value: str) -> str:
    """Text inside our HTML block: on one line (a blank line would end the block and
    let Markdown be read again), made visible, HTML-escaped.

    Args:
        value: A path.

    Returns:
        The escaped text.
    """
    return html.escape(visible(value), quote=True)


class _Anchors:
    """Every heading of the document, slugged in document order before anything is written."""

    def __init__(self, project: Project, options: Options) -> None:
        slugger = Slugger()
        # Each slug is made from the heading as it renders: a name made visible.
        self.title = slugger.slug(prose(_title(project)))
        self.contents = slugger.slug("Table of contents")
        self.overview = slugger.slug("Overview")
        self.complex = slugger.slug("Most complex functions")
        self.entry = slugger.slug("Entry points") if project.entry_points else ""
        self.files: dict[str, str] = {}
        self.items: dict[Ref, str] = {}
        for report in _shown(project, options):
            self.files[report.path] = slugger.slug(_in_code(report.path))
            for item in report.items:
                self.items[_ref(report, item)] = slugger.slug(_in_code(item.qualname))
        self.tests = slugger.slug("Tests") if _summarised(project, options) else ""
        self.skipped = slugger.slug("Skipped files") if project.skipped else ""


def _shown(project: Project, options: Options) -> list[FileReport]:
    """The files with a section of their own: test files only with ``options.tests``."""
    return [f for f in project.files if options.tests or not f.test]


def _summarised(project: Project, options: Options) -> list[FileReport]:
    """The test files shown as one row each."""
    return [] if options.tests else [f for f in project.files if f.test]


def _ref(report: FileReport, item: Item) -> Ref:
    return Ref(report.path, item.qualname, item.ordinal)


def _title(project: Project) -> str:
    return f"{project.name}: code documentation and analysis"


def _functions(project: Project, files: list[FileReport] | None = None
               ) -> Iterator[tuple[FileReport, Item]]:
    for report in project.files if files is None else files:
        for item in report.items:
            if item.kind != "class":
                yield report, item


def _ratio(value: float | None, digits: int = 3) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _metrics_line(metrics: Metrics, known: set[str]) -> str:
    """Coverage, completeness and truthfulness in words."""
    coverage = metrics.coverage
    true, mentions = metrics.truthful(known)
    return (f"docstring coverage {'n/a' if coverage is None else f'{100 * coverage:.1f} %'} "
            f"({metrics.documented} of {metrics.documentable}); completeness "
            f"{_ratio(metrics.complete)} ({metrics.docstrings} "
            f"docstring{'' if metrics.docstrings == 1 else 's'}); "
            f"truthfulness {_ratio(true / mentions if mentions else None)} ({true} of "
            f"{mentions} names mentioned exist)")


def markdown(project: Project, options: Options) -> str:
    """The whole report as GitHub-flavoured Markdown.

    Args:
        project: What ``collect`` gathered.
        options: What to show.

    Returns:
        The document.
    """
    anchors = _Anchors(project, options)
    shown = _shown(project, options)
    size = sum(len(f.source.encode("utf-8", "surrogatepass")) for f in shown)
    left_out = 0  # bytes of source past the budget, said in the metadata
    if options.source and options.source_budget is not None and size > options.source_budget:
        options, left_out = replace(options, source=False), size
    out: list[str] = [f"# {text(_title(project))}\n\n"]
    out.append(_metadata(project, options, left_out))
    out.append("## Table of contents\n\n")
    out.append(f"- {link('Overview', anchors.overview)}\n")
    for report in shown:
        out.append(f"- {link(code(report.path), anchors.files[report.path])}\n")
    if anchors.tests:
        out.append(f"- {link('Tests', anchors.tests)}\n")
    if project.skipped:
        out.append(f"- {link('Skipped files', anchors.skipped)}\n")
    out.append("\n")
    out.append(_overview(project, anchors, shown))
    for report in shown:
        out.append(_file(report, anchors, options, project.known))
    if anchors.tests:
        out.append(_tests(_summarised(project, options)))
    if project.skipped:
        out.append("## Skipped files\n\n| File | Why |\n| --- | --- |\n")
        out += [f"| {cell(code(path))} | {cell(text(why))} |\n" for path, why in project.skipped]
        out.append("\n")
    return "".join(out).rstrip("\n") + "\n"


def _metadata(project: Project, options: Options, left_out: int = 0) -> str:
    rows = []
    if options.origin:
        rows.append(("Source", code(options.origin)))
    if project.commit is not None:
        rows.append(("Commit", f"{code(project.commit.sha[:12])} "
                               f"({text(project.commit.date)}): {text(project.commit.subject)}"))
    rows.append(("Tool", f"llm-doc {__version__}"))
    rows.append(("Summaries", text(options.provider) if options.provider
                 else "docstrings only (offline)"))
    if project.shallow and options.depth:
        rows.append(("History", f"shallow clone (`--depth {options.depth}`): changes of the "
                     f"{options.depth} newest commits of each line of history are shown, "
                     "older ones are unknown (`--depth 0` fetches all)"))
    elif project.shallow:
        rows.append(("History", "shallow clone: what its oldest fetched commits changed is "
                     "unknown, so recent changes stop before them (`--depth 0` fetches all)"))
    if left_out:
        rows.append(("Sources", f"left out: {left_out // 1024} KB, past the "
                     f"{(options.source_budget or 0) // 1024} KB budget (`--source` shows "
                     "them)"))
    if options.generated:
        rows.append(("Generated", text(options.generated)))
    return "| | |\n| --- | --- |\n" + "".join(
        f"| {name} | {cell(value)} |\n" for name, value in rows) + "\n"


def _overview(project: Project, anchors: _Anchors, shown: list[FileReport]) -> str:
    files = [f for f in project.files if not f.error]
    functions = list(_functions(project))
    methods = sum(1 for _, item in functions if item.kind == "method")
    classes = sum(1 for f in files for item in f.items if item.kind == "class")
    out = ["## Overview\n\n",
           f"- Files: {len(project.files)} ({sum(f.lines for f in files)} lines)"
           + (f", {len(project.files) - len(files)} not analysed" if len(files) <
              len(project.files) else "")
           + (f"; {len(project.skipped)} skipped" if project.skipped else "") + "\n",
           f"- Functions: {len(functions)} ({methods} methods); classes: {classes}\n",
           f"- Documentation: {_metrics_line(project.metrics, project.known)} (modules, "
           "classes and functions; see docs/report.md)\n\n"]
    out.append("### Most complex functions\n\n")
    # Only functions with a section: a summarised test file has none to link to.
    ranked = sorted(_functions(project, shown),
                    key=lambda fi: (-fi[1].complexity, fi[0].path, fi[1].line))
    if ranked:
        out.append("| Function | File | Complexity |\n| --- | --- | ---: |\n")
        for report, item in ranked[:_MOST_COMPLEX]:
            to = link(code(item.qualname), anchors.items[_ref(report, item)])
            out.append(f"| {cell(to)} | {cell(code(report.path))} | {item.complexity} |\n")
        out.append("\n")
    else:
        out.append("No functions.\n\n")
    if project.entry_points:
        out.append("### Entry points\n\n")
        out += [f"- {code(point.name)}: {code(point.target)}"
                f"{' (console script)' if point.kind == 'script' else ''}\n"
                for point in project.entry_points]
        out.append("\n")
    return "".join(out)


def _link(ref: Ref, anchors: _Anchors) -> str:
    name = code(ref.qualname)
    slug = anchors.items.get(ref)
    return link(name, slug) if slug is not None else name  # "" is a heading's anchor too


def _file(report: FileReport, anchors: _Anchors, options: Options, known: set[str]) -> str:
    out = [f"## {code(report.path)}\n\n"]
    if report.error:
        where = f" (line {report.error_line})" if report.error_line else ""
        out.append(f"Not analysed{where}: {text(report.error)}\n\n")
        return "".join(out)
    if report.docstring:
        out.append(text(report.summary) + "\n\n")
    elif report.analysis:
        out.append(f"*Summary written by the model:* {text(report.summary)}\n\n")
    out.append(f"Module {code(report.module)}, {report.lines} lines; "
               f"{_metrics_line(report.metrics, known)}.\n\n")
    if report.history:
        out.append("**Recent changes**\n\n| Date | Author | Commit | Subject |\n"
                   "| --- | --- | --- | --- |\n")
        out += [f"| {cell(text(c.date))} | {cell(text(c.author))} | {cell(code(c.sha[:12]))} "
                f"| {cell(text(c.subject))} |\n" for c in report.history]
        out.append("\n")
    if report.items:
        # Five short columns fit a page; the signature is in the definition's section.
        out.append("| Name | Lines | Complexity | Callers / callees | Summary |\n"
                   "| --- | --- | ---: | ---: | --- |\n")
        for item in report.items:
            to = link(code(item.qualname), anchors.items[_ref(report, item)])
            out.append(f"| {cell(to)} | {item.line}-{item.end_line} | {item.complexity} | "
                       f"{len(item.callers)} / {len(item.callees)} | "
                       f"{cell(_summary_cell(item))} |\n")
        out.append("\n")
    for item in report.items:
        out.append(_item(item, anchors))
    if options.source:
        # Inside HTML, Markdown is not read: the path is escaped as HTML.
        out.append(f"<details>\n<summary>Source of {html_text(report.path)}</summary>\n\n"
                   f"{fenced(report.source, 'python')}\n</details>\n\n")
    return "".join(out)


def _tests(files: list[FileReport]) -> str:
    """The test files, one row each: their size and how many tests they define."""
    out = ["## Tests\n\n", "Test files are summarised here (`--tests` shows them in full).\n\n",
           "| File | Lines | Test functions | Summary |\n| --- | ---: | ---: | --- |\n"]
    for report in files:
        tests = sum(1 for item in report.items
                    if item.kind != "class" and item.qualname.rpartition(".")[2]
                    .startswith("test"))
        summary = f"not analysed: {report.error}" if report.error else report.summary
        out.append(f"| {cell(code(report.path))} | {report.lines} | {tests} | "
                   f"{cell(text(summary))} |\n")
    out.append("\n")
    return "".join(out)


def _summary_cell(item: Item) -> str:
    """The docstring's summary, or the model's marked as such."""
    if item.docstring or not item.summary:
        return text(item.summary)
    return f"*(model)* {text(item.summary)}"


def _by(docstring: str | None, analysis: str | None) -> str | None:
    return "docstring" if docstring else "model" if analysis else None


def _item(item: Item, anchors: _Anchors) -> str:
    keyword = {"class": "class", "method": "method"}.get(item.kind, "function")
    signature = f" {code(item.signature)}" if item.signature else ""
    overloaded = "" if not item.overloads else (
        f", overloaded ({item.overloads} `@overload` stub{'' if item.overloads == 1 else 's'})")
    decorated = [d for d in item.decorators if d != "overload"]
    decorators = f", decorated {', '.join(code('@' + d) for d in decorated)}" \
        if decorated else ""
    out = [f"### {code(item.qualname)}\n\n",
           f"{keyword.capitalize()}{signature}, lines {item.line}-{item.end_line}, complexity "
           f"{item.complexity}{overloaded}{decorators}.\n\n"]
    if item.docstring:
        out.append(fenced(item.docstring, "text") + "\n")
    elif item.analysis:
        out.append("No docstring; what the model wrote of it:\n\n"
                   + fenced(item.analysis, "text") + "\n")
    if item.callers:
        out.append("Called by: " + ", ".join(_link(r, anchors) for r in item.callers) + "\n\n")
    if item.callees:
        out.append("Calls: " + ", ".join(_link(r, anchors) for r in item.callees) + "\n\n")
    return "".join(out)


def as_json(project: Project, options: Options) -> str:
    """The same content as JSON (keys stable across versions; see docs/report.md).

    Args:
        project: What ``collect`` gathered.
        options: Whether sources are included; where the input came from.

    Returns:
        The document, indented, keys in a fixed order, ending with a newline.
    """
    data = {
        "tool": f"llm-doc {__version__}",
        "summaries": options.provider or None,
        "name": project.name,
        "source": options.origin or None,
        "commit": None if project.commit is None else {
            "sha": project.commit.sha, "date": project.commit.date,
            "subject": project.commit.subject},
        "coverage": {"documented": project.metrics.documented,
                     "documentable": project.metrics.documentable},
        "metrics": _metrics_json(project.metrics, project.known),
        "shallow": project.shallow,
        "entry_points": [{"kind": p.kind, "name": p.name, "target": p.target}
                         for p in project.entry_points],
        "files": [_file_json(report, options, project.known) for report in project.files],
        "skipped": [{"path": path, "reason": why} for path, why in project.skipped],
    }
    # A lone surrogate (a file name's byte that is not UTF-8, a docstring's escape) cannot
    # be written as UTF-8: it stays a JSON escape, which gives the same string back.
    return _SURROGATE.sub(lambda m: f"\\u{ord(m[0]):04x}",
                          json.dumps(data, indent=1, ensure_ascii=False)) + "\n"


def _metrics_json(metrics: Metrics, known: set[str]) -> dict[str, object]:
    true, mentions = metrics.truthful(known)
    return {"documentable": metrics.documentable, "documented": metrics.documented,
            "coverage": None if metrics.coverage is None else round(metrics.coverage, 4),
            "completeness": None if metrics.complete is None else round(metrics.complete, 4),
            "docstrings": metrics.docstrings, "mentions": mentions, "mentions_found": true}


def _file_json(report: FileReport, options: Options, known: set[str]) -> dict[str, object]:
    return {
        "path": report.path,
        "module": report.module,
        "summary": report.summary,
        "summary_by": _by(report.docstring, report.analysis),
        "lines": report.lines,
        "test": report.test,
        "error": report.error or None,
        "metrics": _metrics_json(report.metrics, known),
        "history": [{"sha": c.sha, "date": c.date, "author": c.author, "subject": c.subject}
                    for c in report.history],
        "functions": [_item_json(report, i) for i in report.items if i.kind != "class"],
        "classes": [_item_json(report, i) for i in report.items if i.kind == "class"],
        **({"source": report.source} if options.source else {}),
    }


def _item_json(report: FileReport, item: Item) -> dict[str, object]:
    return {
        "id": _ref(report, item).id,
        "qualname": item.qualname,
        "kind": item.kind,
        "line": item.line,
        "end_line": item.end_line,
        "signature": item.signature,
        "complexity": item.complexity,
        "summary": item.summary,
        "summary_by": _by(item.docstring, item.analysis),
        "decorators": list(item.decorators),
        "overloads": item.overloads,
        "ordinal": item.ordinal,
        "callers": len(item.callers),
        "callees": len(item.callees),
        "incoming": [_link_json(link) for link in item.incoming],
        "outgoing": [_link_json(link) for link in item.outgoing],
        "docstring": item.docstring,
        "analysis": item.analysis,
    }


def _link_json(found: Link) -> dict[str, object]:
    return {"id": None if found.ref is None else found.ref.id, "path": found.path,
            "qualname": "<module>" if found.ref is None else found.ref.qualname,
            "line": found.line, "call_lines": list(found.call_lines),
            "resolution": found.resolution}
