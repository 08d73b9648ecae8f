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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from urllib.parse import quote

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
# What a page's file name keeps of its source file's path; anything else becomes ``_``.
_PAGE_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


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

#: Bytes one Markdown document may hold: GitHub renders Markdown "generally less than
#: 2 MB" and may time out before on a complex one, so a page stays within half of that.
#: Past it ``llm-doc report -o FILE`` writes an index and one page per file, and a page
#: leaves out its source, then its definition sections, rather than pass it.
PAGE_LIMIT = 1_000_000


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


#: Where a link goes: a document ("" for the single document or the index, else a page's
#: file name) and a heading's anchor in it (None: the page's top).
_Target = tuple[str, str | None]


class _Anchors:
    """Every heading of the document (or of the index and each page), slugged in document
    order before anything is written."""

    # ``pages``: each shown file's page name in the pages layout (None: one document);
    # ``index``: the index's file name; ``folder``: the pages' folder beside it.
    def __init__(self, project: Project, options: Options, pages: dict[str, str] | None = None,
                 index: str = "", folder: str = "") -> None:
        slugger = Slugger()
        self.index, self.folder = index, folder
        self.here = ""  # the document being written: links are relative to it
        # Each slug is made from the heading as it renders: a name made visible.
        self.title = slugger.slug(prose(_title(project)))
        self.contents = slugger.slug("Table of contents")
        self.overview = slugger.slug("Overview")
        self.complex = slugger.slug("Most complex functions")
        self.entry = slugger.slug("Entry points") if project.entry_points else ""
        self.listing = slugger.slug("Files") if pages is not None else ""
        self.files: dict[str, _Target] = {}
        self.items: dict[Ref, _Target] = {}
        for report in _shown(project, options):
            # A page has its own headings: the file's path first, then its definitions.
            page = "" if pages is None else pages[report.path]
            own = slugger if pages is None else Slugger()
            self.files[report.path] = (page, own.slug(_in_code(report.path)))
            for item in report.items:
                self.items[_ref(report, item)] = (page, own.slug(_in_code(item.qualname)))
        self.tests = slugger.slug("Tests") if _summarised(project, options) else ""
        self.skipped = slugger.slug("Skipped files") if project.skipped else ""

    def href(self, target: _Target) -> str:
        """A link's target as seen from the document being written (``here``).

        Args:
            target: The document and the heading's anchor.

        Returns:
            ``#slug`` in the same document; else a relative path (the pages sit in
            ``folder`` beside the index), percent-encoded, with the ``#slug`` if any.
        """
        document, slug = target
        fragment = "" if slug is None else anchor(slug)
        if document == self.here:
            return fragment or "#"
        if not self.here:
            return f"{quote(self.folder, safe='')}/{quote(document, safe='')}{fragment}"
        if not document:
            return f"../{quote(self.index, safe='')}{fragment}"
        return quote(document, safe="") + fragment


def _goto(label: str, target: _Target, anchors: _Anchors) -> str:
    """A link to a heading of this document or of another page."""
    return f"[{label}]({anchors.href(target)})"


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
        out.append(f"- {_goto(code(report.path), anchors.files[report.path], anchors)}\n")
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


def page_names(paths: Iterable[str]) -> dict[str, str]:
    """A file name for each file's page, unique and safe in a URL and on any file system.

    Args:
        paths: The files, relative to the input's root with ``/``.

    Returns:
        Path -> page name: the path with ``/`` as ``.``, characters other than ASCII
        letters, digits, ``.``, ``_`` and ``-`` as ``_``, at most 120 of them, ``.md``
        added; names equal but for case are numbered (``-2``), in path order.
    """
    names: dict[str, str] = {}
    taken: set[str] = set()
    for path in sorted(paths):
        base = _PAGE_UNSAFE.sub("_", path.replace("/", "."))[:120]
        base = "_" + base[1:] if base.startswith(".") else base  # no hidden page
        name, number = f"{base}.md", 1
        # Case-insensitive file systems (macOS, Windows) hold one of ``A.md`` and ``a.md``.
        while name.lower() in taken:
            number += 1
            name = f"{base}-{number}.md"
        taken.add(name.lower())
        names[path] = name
    return names


def _size(document: str) -> int:
    return len(document.encode("utf-8", "surrogatepass"))


def pages(project: Project, options: Options, index: str, folder: str) -> dict[str, str]:
    """The report as an index document and one page per file, for a large project.

    The index holds the overview, the metrics, a table of the files linking to their
    pages, the tests' summary and the skipped files; each page holds what the single
    document's section of that file holds. Links between them are relative, their anchors
    GitHub's. A page that would pass ``PAGE_LIMIT`` leaves out its source (unless
    ``options.source_budget`` is None: ``--source``), then its definition sections, and
    says so; the index's metadata counts them.

    Args:
        project: What ``collect`` gathered.
        options: What to show (``source_budget`` is not used: the limit is per page).
        index: The index's file name (pages link back to it).
        folder: The pages' folder, beside the index.

    Returns:
        Relative path (``index``, ``folder/page``) -> its Markdown.
    """
    shown = _shown(project, options)
    names = page_names(report.path for report in shown)
    anchors = _Anchors(project, options, names, index, folder)
    source_cut: set[str] = set()
    sections_cut: set[str] = set()
    texts: dict[str, str] = {}
    for report in shown:
        text_ = _page(project, report, anchors, names, options, source_cut, sections_cut)
        if _size(text_) > PAGE_LIMIT and options.source and options.source_budget is not None:
            source_cut.add(report.path)
            text_ = _page(project, report, anchors, names, options, source_cut, sections_cut)
        if _size(text_) > PAGE_LIMIT:
            sections_cut.add(report.path)
            # Links to its definitions now go to the page itself.
            for item in report.items:
                anchors.items[_ref(report, item)] = (names[report.path], None)
        texts[report.path] = text_
    if sections_cut:  # links into those pages changed: every page is written again
        texts = {report.path: _page(project, report, anchors, names, options, source_cut,
                                    sections_cut) for report in shown}
    anchors.here = ""
    limit = f"{PAGE_LIMIT / 1e6:g} MB"
    layout = [("Layout", f"this index and {len(shown)} page{'' if len(shown) == 1 else 's'}, "
               f"one per file, in {code(folder + '/')} (a page holds at most {limit})")]
    if source_cut and options.source:
        layout.append(("Sources", f"left out of {len(source_cut)} page"
                       f"{'' if len(source_cut) == 1 else 's'} that would pass {limit} "
                       "(`--source` shows them)"))
    if sections_cut:
        layout.append(("Sections", f"definition sections left out of {len(sections_cut)} "
                       f"page{'' if len(sections_cut) == 1 else 's'} that would pass {limit} "
                       "(`--format json` has them)"))
    out: list[str] = [f"# {text(_title(project))}\n\n"]
    out.append(_metadata(project, replace(options, source=False), 0, layout))
    out.append("## Table of contents\n\n")
    out.append(f"- {link('Overview', anchors.overview)}\n")
    out.append(f"- {link('Files', anchors.listing)}\n")
    if anchors.tests:
        out.append(f"- {link('Tests', anchors.tests)}\n")
    if project.skipped:
        out.append(f"- {link('Skipped files', anchors.skipped)}\n")
    out.append("\n")
    out.append(_overview(project, anchors, shown))
    out.append("## Files\n\n| File | Lines | Definitions | Coverage | Summary |\n"
               "| --- | ---: | ---: | ---: | --- |\n")
    for report in shown:
        to = _goto(code(report.path), (names[report.path], None), anchors)
        coverage = report.metrics.coverage
        summary = f"not analysed: {report.error}" if report.error else report.summary
        out.append(f"| {cell(to)} | {report.lines} | {len(report.items)} | "
                   f"{'n/a' if coverage is None else f'{100 * coverage:.0f} %'} | "
                   f"{cell(text(summary))} |\n")
    out.append("\n")
    if anchors.tests:
        out.append(_tests(_summarised(project, options)))
    if project.skipped:
        out.append("## Skipped files\n\n| File | Why |\n| --- | --- |\n")
        out += [f"| {cell(code(path))} | {cell(text(why))} |\n" for path, why in project.skipped]
        out.append("\n")
    found = {index: "".join(out).rstrip("\n") + "\n"}
    found.update({f"{folder}/{names[path]}": page for path, page in texts.items()})
    return found


def _page(project: Project, report: FileReport, anchors: _Anchors, names: dict[str, str],
          options: Options, source_cut: set[str], sections_cut: set[str]) -> str:
    """One file's page: a link back to the index, what was left out, its section."""
    anchors.here = names[report.path]
    limit = f"{PAGE_LIMIT / 1e6:g} MB"
    note = [f"Part of {_goto(text(_title(project)), ('', anchors.listing), anchors)}.\n\n"]
    if report.path in sections_cut:
        note.append(f"Definition sections left out: this page would pass {limit} "
                    "(`--format json` has them).\n\n")
    if report.path in source_cut:
        options = replace(options, source=False)
        note.append(f"Source left out: this page would pass {limit} (`--source` shows "
                    "it).\n\n")
    cut = report.path in sections_cut
    # Room for the table's rows, and for the line that says how many did not fit.
    page = _file(report, anchors, options, project.known, 1, "".join(note), not cut,
                 PAGE_LIMIT - 200 if cut and not options.source else None)
    return page.rstrip("\n") + "\n"


def _metadata(project: Project, options: Options, left_out: int = 0,
              layout: Iterable[tuple[str, str]] = ()) -> str:
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
    rows += layout
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
            to = _goto(code(item.qualname), anchors.items[_ref(report, item)], anchors)
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
    target = anchors.items.get(ref)
    return _goto(name, target, anchors) if target is not None else name


def _file(report: FileReport, anchors: _Anchors, options: Options, known: set[str],
          level: int = 2, note: str = "", sections: bool = True, room: int | None = None
          ) -> str:
    """A file's section (``level`` 2), or its page (``level`` 1, ``note`` under the
    heading; without ``sections``, only the table of its definitions, unlinked, its rows
    while they fit in ``room`` bytes)."""
    out = [f"{'#' * level} {code(report.path)}\n\n", note]
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
        used = sum(map(_size, out))
        for number, item in enumerate(report.items):
            to = _goto(code(item.qualname), anchors.items[_ref(report, item)], anchors) \
                if sections else code(item.qualname)
            row = (f"| {cell(to)} | {item.line}-{item.end_line} | {item.complexity} | "
                   f"{len(item.callers)} / {len(item.callees)} | "
                   f"{cell(_summary_cell(item))} |\n")
            used += _size(row)
            if room is not None and used > room:  # a page's table alone would pass it
                left = len(report.items) - number
                out.append(f"\n{left} more definition{'' if left == 1 else 's'} not listed: "
                           f"this page would pass {PAGE_LIMIT / 1e6:g} MB (`--format json` "
                           "has them).\n")
                break
            out.append(row)
        out.append("\n")
    if sections:
        out += [_item(item, anchors, level + 1) for item in report.items]
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


def _item(item: Item, anchors: _Anchors, level: int = 3) -> str:
    keyword = {"class": "class", "method": "method"}.get(item.kind, "function")
    signature = f" {code(item.signature)}" if item.signature else ""
    overloaded = "" if not item.overloads else (
        f", overloaded ({item.overloads} `@overload` stub{'' if item.overloads == 1 else 's'})")
    decorated = [d for d in item.decorators if d != "overload"]
    decorators = f", decorated {', '.join(code('@' + d) for d in decorated)}" \
        if decorated else ""
    out = [f"{'#' * level} {code(item.qualname)}\n\n",
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
