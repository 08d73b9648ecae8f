"""Files through the pipeline: load, plan regions, ask the provider, build verified edits.

Planning and building are pure (text in, data out); only ``run_files`` reads files and
awaits the provider. Every outcome is data: a file yields a ``FileChange`` (possibly with
failed regions) or a ``FileError``; nothing here raises for bad input.
"""

from __future__ import annotations

import ast
import asyncio
import functools
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

from llm_doc_manager import codes
from llm_doc_manager.analysis import (
    BlockFacts,
    ClassFacts,
    DefNode,
    FunctionFacts,
    FunctionNode,
    ModuleFacts,
    Target,
    class_facts,
    describe_statement,
    docstring_expr,
    fewer_collections,
    first_line,
    function_facts,
    load_file,
    module_facts,
    module_name,
    read_file,
    resolve,
    scan_markers,
    summary_of,
)
from llm_doc_manager.analysis.load import drop_kept, take_kept
from llm_doc_manager.analysis.markers import Kind
from llm_doc_manager.callgraph import DefKey, key_of
from llm_doc_manager.codes import Finding
from llm_doc_manager.docstrings import (
    EDITABLE,
    AnySchema,
    CommentText,
    DocSchema,
    HouseStyle,
    Layout,
    MethodDocstring,
    ParsedDocstring,
    RawSection,
    Style,
    assemble,
    format_comment,
    parse_docstring,
    read_layout,
    render_text,
    to_literal,
)
from llm_doc_manager.docstrings.exempt import Exemptions, asked_sections
from llm_doc_manager.docstrings.learning import Learning
from llm_doc_manager.docstrings.merge import house_defaults, merge
from llm_doc_manager.docstrings.render_styles import render_numpy_text, render_sphinx_text
from llm_doc_manager.docstrings.sync import EntryChanges, conventions, sync, sync_counted
from llm_doc_manager.docstrings.truth import Dropped, gate, imported_names
from llm_doc_manager.errors import ApplyError, ProviderError
from llm_doc_manager.generate.call_context import CallContext, Links
from llm_doc_manager.generate.context import ContextBuilder, Shown
from llm_doc_manager.generate.edits import (
    Edit,
    apply_edits,
    body_indent,
    comment_edits,
    docstring_edits,
    existing_comment,
    literal_span,
    module_docstring_edits,
    to_newline,
    updated_literal,
    verify,
)
from llm_doc_manager.generate.known import KnownClean
from llm_doc_manager.generate.outcomes import (
    FileChange,
    FileError,
    FileResult,
    Options,
    RegionResult,
    RunObserver,
    Status,
)
from llm_doc_manager.generate.workers import Workers
from llm_doc_manager.providers.asking import PrioritySlots, answer_or_error, gather_all
from llm_doc_manager.providers.base import DocRequest, Provider
from llm_doc_manager.source.files import SourceFile
from llm_doc_manager.source.positions import SourceMap
from llm_doc_manager.store import ResultStore


@dataclass(frozen=True)
class ParsedFile:
    """A file ready to plan: its text, tree, line index and what to document in it.

    Attributes:
        source: The file as read.
        tree: Its syntax tree.
        positions: Its line index, to turn ``ast`` positions into offsets.
        targets: The regions to document, in source order.
        house: The project's docstring conventions new text follows (learned on first use).
        omits_from: Whether the package's documented ``from_*`` classmethods omit Returns
            (``Exemptions.omits_from_returns``; with ``--all`` only).
    """

    source: SourceFile
    tree: ast.Module
    positions: SourceMap
    targets: tuple[Target, ...]
    house: HouseStyle
    omits_from: bool = False


@dataclass(frozen=True)
class PlannedRegion:
    """One target with the request a provider is asked, and what it has today.

    Attributes:
        target: What is documented: a def, class, module or block of statements.
        request: What the provider is asked.
        existing: The current docstring, parsed (None for comments and new docstrings).
        layout: The current docstring's layout, what an update edits (None likewise).
        comment_run: For a comment region, the first line of the comment run above the
            block and its text ("" when there is none).
        skip: Left alone (``--only-missing`` and something is already there).
        needs_text: Whether the provider is asked at all: an existing docstring that lacks
            no text (only structure to sync, or nothing) is updated without a request
            (worked out only when ``plan`` is told to spare requests; True otherwise).
    """

    target: Target
    request: DocRequest
    existing: ParsedDocstring | None
    layout: Layout | None
    comment_run: tuple[int, str]
    skip: bool
    needs_text: bool = True

    @property
    def has_existing(self) -> bool:
        """Whether the target already has a docstring or comment."""
        return self.request.existing is not None


def load(path: Path, options: Options, learning: Learning | None = None
         ) -> ParsedFile | FileError:
    """Read and parse a file and find its targets; a marker problem leaves it untouched.

    Args:
        path: The file.
        options: Pipeline options (``all_defs`` and ``only`` choose the targets).
        learning: Where the run's conventions are learned (None: a new one, for this
            file alone).

    Returns:
        The file ready to plan, or why it cannot be processed.
    """
    # A worker process that learned from this file kept what it read (generate/workers.py).
    loaded = take_kept(path) or load_file(path)
    if isinstance(loaded, Finding):
        return FileError(path, (loaded,))
    source, tree = loaded.source, loaded.tree
    scan = scan_markers(source.text)
    # ``validate --fix`` follows the same learned choices as ``validate`` (a Raises section
    # added where the project writes none would change what the next run learns).
    learning = learning or Learning()
    if options.conventions == "learn":
        house = learning.style(tree, path, options.types, docstyle=options.style)
        take_kept(path)  # kept just now if its folder was learned from: it is loaded already
    else:
        house = HouseStyle((), options.types, style=options.style)
    # What methods inherit from bases in other files of the project: the rule validate uses.
    exempt = Exemptions(tree, source.text.splitlines(), path, options.scope,
                        modules=house.documents_modules, init_docs=house.init_docstrings,
                        typed_dicts=house.writes_typed_dicts,
                        inherited=learning.overrides(path, source, house, tree)
                        ) if options.all_defs else None
    targets, region_problems = resolve(tree, scan.regions, options.all_defs, exempt)
    problems = sorted([*scan.problems, *region_problems], key=lambda p: (p.line, p.col))
    if problems:
        return FileError(path, tuple(Finding(path, p.line, p.col, p.code, p.message)
                                     for p in problems))
    if options.only is not None:
        lines = options.only.get(path, frozenset())
        # Line 0 stands for the module (``--since``: a module-level line changed).
        targets = [t for t in targets if t.node is not None and (
            0 in lines if isinstance(t.node, ast.Module) else t.node.lineno in lines)]
    return ParsedFile(source, tree, SourceMap(source.text), tuple(targets), house,
                      exempt is not None and exempt.omits_from_returns())


def plan(parsed: ParsedFile, options: Options, with_code: bool = False,
         spare_requests: bool = False) -> list[PlannedRegion]:
    """Build the provider request of each target.

    Args:
        parsed: The file as ``load`` returned it.
        options: Pipeline options (``only_missing`` marks what to skip).
        with_code: Fill in the code and context a model reads (the static provider does
            not need them).
        spare_requests: Tell which regions need no text (``needs_text``), so that a
            provider whose requests cost is not asked for them.

    Returns:
        One entry per target, in order; ``skip`` marks those left alone.
    """
    source, positions = parsed.source, parsed.positions
    shower = ContextBuilder(source.text, positions, parsed.tree) if with_code else None
    runs: dict[int, tuple[int, str]] = {}
    for index, target in enumerate(parsed.targets):
        if target.kind is Kind.COMM:
            start = first_line(target.statements[0])
            runs[index] = existing_comment(positions, start, target.region.start
                                           if target.region else start - 1)
            # Hidden before any code is shown: a comment we write must not change later
            # prompts (see context.py).
            if shower is not None:
                shower.hide(runs[index][0], start - 1)
    planned = []
    for index, target in enumerate(parsed.targets):
        facts: FunctionFacts | ClassFacts | ModuleFacts | BlockFacts
        existing_text: str | None = None
        existing: ParsedDocstring | None = None
        layout: Layout | None = None
        shown = Shown("", "")
        node = target.node
        if node is None:
            existing_text = runs[index][1] or None
            facts = BlockFacts(tuple(describe_statement(s) for s in target.statements))
            if shower is not None:
                shown = shower.for_block(target.statements)
        else:
            expr = docstring_expr(node.body)
            if expr is not None:
                existing_text = expr.value.value  # type: ignore[attr-defined]
                existing = parse_docstring(existing_text or "")
                # Read as it is in the value (parse_docstring folds a lone CR into a line
                # break): the update maps these lines to the literal's lines.
                layout = read_layout(existing_text or "")
            if isinstance(node, ast.Module):
                facts = module_facts(node, module_name(source.path))
                shown = shower.for_module() if shower is not None else shown
            elif isinstance(node, ast.ClassDef):
                facts = class_facts(node, positions.lines)
                shown = shower.for_class(node) if shower is not None else shown
            else:
                facts = asked_sections(function_facts(node, target.class_name, source.text),
                                       node, parsed.house, parsed.tree, parsed.omits_from)
                shown = shower.for_function(node) if shower is not None else shown
        request = DocRequest(target.kind, source.path, target.qualname, target.line,
                             shown.code, facts, existing_text, shown.context, options.rewrite,
                             options.placeholder)
        needs_text = not spare_requests or _needs_text(target, facts, existing_text, layout,
                                                       options)
        planned.append(PlannedRegion(target, request, existing, layout,
                                     runs.get(index, (0, "")),
                                     existing_text is not None and options.only_missing,
                                     needs_text))
    return planned


# Written where new prose would go, to tell whether an update needs any (never output).
_PROBE = "\x00needs text\x00"


def _needs_text(target: Target, facts: FunctionFacts | ClassFacts | ModuleFacts | BlockFacts,
                existing: str | None, layout: Layout | None, options: Options) -> bool:
    """Whether a provider must be asked: something is missing that only it can write.

    A second run on what the first wrote asks nothing: the docstring is complete, or its
    update is structure only (a retype, a rename, a removed entry), which needs no text.
    """
    if existing is None or options.rewrite:
        return True
    if target.node is None or isinstance(facts, BlockFacts):
        return False  # an existing comment is kept as it is
    if options.placeholder and options.placeholder in existing:
        return True  # a placeholder left by an earlier run is to be filled
    assert layout is not None  # an existing docstring has its layout
    if layout.style not in EDITABLE:
        return False
    conv = conventions(layout, "", "    ", options.width)
    lines = sync(layout, facts, None, conv, _PROBE)
    return lines is not None and any(isinstance(item, str) and _PROBE in item for item in lines)


@dataclass(frozen=True)
class _Edits:
    edits: list[Edit]
    expected: list[str]
    settled: str | None
    entries: EntryChanges = field(default_factory=EntryChanges)


_NO_EDITS = _Edits([], [], None)


def _edits_for(parsed: ParsedFile, entry: PlannedRegion, answer: AnySchema, options: Options,
               keep_human: bool) -> _Edits:
    """The edits one answer asks for (none when the region would not change)."""
    target, positions, encoding = entry.target, parsed.positions, parsed.source.encoding
    if answer is NO_TEXT and (target.node is None or entry.existing is None):
        return _NO_EDITS  # an existing comment (or a foreign docstring) is kept as it is
    if target.node is None:
        if not isinstance(answer, CommentText):
            raise ApplyError(f"the provider answered {type(answer).__name__} for a comment")
        run_start, old = entry.comment_run
        if old and keep_human:
            return _NO_EDITS
        first = first_line(target.statements[0])
        lines = format_comment(answer, positions.text_indent(first), options.width, encoding)
        settled = "\n".join(line.strip().lstrip("#").strip() for line in lines)
        if settled == old:
            return _NO_EDITS
        return _Edits(comment_edits(positions, first, run_start, lines), [], settled)
    if isinstance(answer, CommentText):
        raise ApplyError(f"the provider answered a comment for {target.qualname}")
    facts = entry.request.facts
    assert not isinstance(facts, BlockFacts)  # a def, class or module target has its facts
    if isinstance(facts, FunctionFacts) and isinstance(answer, MethodDocstring) and \
            answer is not NO_TEXT:
        answer = house_defaults(answer, facts, parsed.house)  # new entries and sections alike
    if entry.existing is not None and keep_human:
        return _synced(parsed, entry, facts, None if answer is NO_TEXT else answer, options)
    merged = merge(facts, answer, entry.existing, keep_human, options.placeholder, parsed.house)
    if merged.unchanged:
        return _NO_EDITS
    node = target.node
    if isinstance(node, ast.Module):
        value = _render(merged.schema, "", options.width, merged.extras, parsed.house,
                        entry.layout, options.placeholder)
        if value == entry.request.existing:
            return _NO_EDITS
        marker = target.region.start if target.region else None
        edits = module_docstring_edits(positions, node, marker, to_literal(value, encoding),
                                       lambda: parsed.house.below_header)
    else:
        indent = body_indent(positions, parsed.tree, node)
        value = _render(merged.schema, indent, options.width, merged.extras, parsed.house,
                        entry.layout, options.placeholder)
        if value == entry.request.existing:
            return _NO_EDITS
        edits = docstring_edits(positions, node, indent, to_literal(value, encoding))
    return _Edits(edits, [value], value)


def _render(schema: DocSchema, indent: str, width: int, extras: Sequence[RawSection],
            house: HouseStyle, layout: Layout | None, placeholder: str) -> str:
    """A whole docstring in its style: an existing one's own (NumPy, Sphinx, or Google
    with sections shown), else the project's (``HouseStyle.docstyle``); ``placeholder``
    goes where NumPy's type line has no type to show."""
    if layout is not None and layout.style in (Style.NUMPY, Style.REST):
        docstyle = "numpy" if layout.style is Style.NUMPY else "sphinx"
    elif layout is not None and layout.style is Style.GOOGLE and layout.blocks:
        docstyle = "google"
    else:
        docstyle = house.docstyle
    if docstyle == "numpy":
        return render_numpy_text(schema, indent, width, extras, house, placeholder)
    if docstyle == "sphinx":
        return render_sphinx_text(schema, indent, width, extras, house)
    return render_text(schema, indent, width, extras, house)


def _synced(parsed: ParsedFile, entry: PlannedRegion,
            facts: FunctionFacts | ClassFacts | ModuleFacts, answer: DocSchema | None,
            options: Options) -> _Edits:
    """Minimal edits to an existing docstring: only the lines the code requires change.

    ``answer`` None: no text is offered (placeholders go where text is missing).
    """
    node, positions = entry.target.node, parsed.positions
    assert node is not None
    assert entry.request.existing is not None
    assert entry.layout is not None
    old_value, layout = entry.request.existing, entry.layout
    if layout.style not in EDITABLE:
        raise _Foreign(layout.style.value)
    expr = docstring_expr(node.body)
    assert expr is not None
    if isinstance(node, ast.Module):
        indent = ""
        unit = positions.indent_unit(parsed.tree, "")
    else:
        indent = body_indent(positions, parsed.tree, node)
        unit = positions.indent_unit(parsed.tree, positions.indent(node.lineno))
    conv = conventions(layout, indent, unit, options.width, parsed.house)
    if entry.target.in_line_only:
        conv = replace(conv, add_sections=False)
    lines, entries = sync_counted(layout, facts, answer, conv, options.placeholder)
    if lines is None:
        return _NO_EDITS
    value = assemble(layout, lines)
    if value == old_value:
        return _NO_EDITS
    start, end = literal_span(positions, expr)
    literal = updated_literal(positions.text[start:end], old_value, lines, value,
                              parsed.source.encoding)
    if literal is None:  # a literal that cannot be edited by lines is written anew
        literal = to_newline(to_literal(value, parsed.source.encoding),
                              positions.newline(expr.lineno))
    return _Edits([Edit(start, end, literal)], [value], value, entries)


class _NoText(MethodDocstring):
    """The answer of a region whose update needs no text: only structure is synced."""


#: Stands for an answer that was never asked for (see ``PlannedRegion.needs_text``).
NO_TEXT = _NoText(summary="", extended_description=None, args=[], returns=None, yields=None,
                  raises=[], examples=None, notes=None)


class _Foreign(Exception):
    """An existing docstring in no style the tool reads (Epytext): left as it is."""


class _Later(ProviderError):
    """A region asked only once its callees' answers are in (the next batch)."""

    defers_callers = True


class _Rejected(Exception):
    """A model's answer of which the gate left nothing usable: the region fails."""


def gated(entry: PlannedRegion, answer: AnySchema | BaseException | None,
          module: str = "", tree: ast.Module | None = None, known: frozenset[str] = frozenset()
          ) -> tuple[AnySchema | BaseException | None, tuple[Dropped, ...]]:
    """A model's answer through the gate: what ``validate`` would refuse is dropped.

    Args:
        entry: The region the answer is for (its facts and node judge the answer).
        answer: The provider's answer (None, an exception or ``NO_TEXT`` pass as they are).
        module: The module's name, which a module summary must say more than.
        tree: The module's tree (what the answer's free text may name).
        known: Names of the project's other modules the free text may name too.

    Returns:
        The answer without the refused parts (an exception when nothing usable is left),
        and what was refused.
    """
    facts, node = entry.request.facts, entry.target.node
    if answer is None or answer is NO_TEXT or isinstance(answer, BaseException):
        return answer, ()
    qualname = entry.target.qualname
    names = (module,) if isinstance(node, ast.Module) else \
        (qualname.rsplit(".", 1)[-1], qualname)
    # A comment is judged against its block (the numbers it may state).
    checked = gate(answer, facts, node, names, tree, known,
                   entry.target.statements if isinstance(facts, BlockFacts) else None)
    if checked.usable:
        return checked.answer, checked.dropped
    reasons = "; ".join(f"{d.what} {d.name!r}: {d.why}" for d in checked.dropped[:3])
    return _Rejected("the model's answer has nothing usable left after the gate" +
                     (f" ({reasons})" if reasons else "")), checked.dropped


def build(parsed: ParsedFile, planned: Sequence[PlannedRegion],
          answers: Sequence[AnySchema | BaseException | None], options: Options,
          keep_human: bool) -> FileChange:
    """Turn answers into verified edits.

    Args:
        parsed: The file the regions were planned in (its tree is the verification reference).
        planned: The regions, as ``plan`` returned them.
        answers: One per planned region: None for skipped ones, an exception for failed
            ones.
        options: Pipeline options (the width).
        keep_human: Whether existing human text wins over the answers' text.

    Returns:
        The outcome; regions whose edits fail verification are marked failed (LD004).
    """
    results: list[RegionResult] = []
    for entry, answer in zip(planned, answers, strict=True):
        target = entry.target
        base = (target.qualname, target.line, target.kind)
        if entry.skip or answer is None:
            results.append(RegionResult(*base, Status.UNCHANGED))
            continue
        if isinstance(answer, BaseException):
            results.append(RegionResult(*base, Status.FAILED, message=str(answer) or
                                        type(answer).__name__, code=codes.PROVIDER_FAILED))
            continue
        try:
            found = _edits_for(parsed, entry, answer, options, keep_human)
        except _Foreign as exc:
            results.append(RegionResult(*base, Status.FOREIGN,
                                        message=f"docstring in {exc} style left as it is"))
            continue
        except ApplyError as exc:
            results.append(RegionResult(*base, Status.FAILED, message=str(exc),
                                        code=codes.PROVIDER_FAILED))
            continue
        if not found.edits:
            results.append(RegionResult(*base, Status.UNCHANGED))
            continue
        status = Status.UPDATED if entry.has_existing else Status.GENERATED
        results.append(RegionResult(*base, status, tuple(found.edits), tuple(found.expected),
                                    settled=found.settled, entries=found.entries))
    return _verified(parsed, results)


def _verified(parsed: ParsedFile, regions: list[RegionResult]) -> FileChange:
    """Apply every successful region; isolate any region that fails verification."""
    text = parsed.source.text
    if not any(r.edits for r in regions):
        return FileChange(parsed.source, tuple(regions))  # nothing to verify

    # One bad region (an answer that renders into something verification refuses) must not
    # cost the file its other regions: when the whole set fails, each region is tried alone
    # and the failing ones are dropped. Regions that pass alone can still clash together, so
    # the rest is tried once more; if that fails too, nothing of the file is applied.
    def attempt(chosen: list[RegionResult]) -> str:
        new = apply_edits(text, [e for r in chosen for e in r.edits])
        verify(new, parsed.tree, [v for r in chosen for v in r.expected], parsed.positions.lines)
        return new

    for _ in range(2):
        try:
            attempt([r for r in regions if r.edits])
            return FileChange(parsed.source, tuple(regions))
        except ApplyError:
            # Find the culprits one by one, then try the rest together once more.
            for i, region in enumerate(regions):
                if not region.edits:
                    continue
                try:
                    attempt([region])
                except ApplyError as exc:
                    regions[i] = RegionResult(region.qualname, region.line, region.kind,
                                              Status.FAILED, message=f"verification failed: "
                                              f"{exc}", code=codes.SAFETY_CHECK)
    failed = [RegionResult(r.qualname, r.line, r.kind, Status.FAILED, code=codes.SAFETY_CHECK,
                           message="verification failed for the combined edits")
              if r.edits else r for r in regions]
    return FileChange(parsed.source, tuple(failed))


class _Silent:
    def planned(self, path: Path, regions: int) -> None:
        del path, regions

    def answered(self, failed: bool) -> None:
        del failed

    def finished(self, result: FileResult) -> None:
        del result


@dataclass(frozen=True)
class _Asked:
    """One region's answer: as the provider gave it, and as the gate let it through."""

    request: DocRequest
    raw: AnySchema | BaseException | None
    answer: AnySchema | BaseException | None
    dropped: tuple[Dropped, ...]


_T = TypeVar("_T")


def _waits_for_callees(entry: PlannedRegion) -> bool:
    """Whether a region's request is sent after its callees' answers (with call context)."""
    return not entry.skip and entry.needs_text and isinstance(entry.target.node, FunctionNode)


@dataclass
class _Prepared:
    """A file planned and waiting for its answers."""

    parsed: ParsedFile
    planned: list[PlannedRegion]
    keys: list[DefKey | None]  # each region's definition in the call graph


class _Run:
    """Shared state of one run: the provider, the limits, the observer, the call context."""

    def __init__(self, provider: Provider, options: Options, concurrency: int,
                 observer: RunObserver, calls: CallContext | None = None,
                 learning: Learning | None = None) -> None:
        self.provider = provider
        self.options = options
        # One for the run: a folder's or project's conventions are read once, not per file.
        self.learning = learning or Learning()
        self.observer = observer
        self.keep_human = provider.keeps_human_text or not options.rewrite
        self.requests = PrioritySlots(concurrency)
        # Files in flight are bounded too: each holds its AST until its answers are in. A
        # local provider answers at once, so one file at a time keeps one tree alive.
        self.files = asyncio.Semaphore(1 if provider.local else max(4, 2 * concurrency))
        # Call context is for prompts: a provider that reads no code gets none.
        self.calls = calls if provider.needs_code else None
        # The settled summary of each definition this run documents, set once its answer
        # is in; its callers wait for it (see call_context.py).
        self.settled: dict[DefKey, asyncio.Future[str]] = {}
        # Definitions whose answer is not in yet and comes later (a Batch API run: the
        # provider's error says ``defers_callers``); their callers wait for a later batch.
        self.deferred: set[DefKey] = set()
        # A model's answers arrive while files are still being planned and built: that CPU
        # work runs in one thread of its own (one, so it never runs twice at once), and the
        # event loop stays free to send the next request the moment a slot frees (on the
        # loop, every plan and build held back answers that had arrived: 1.3-1.5x the ideal
        # wall time at concurrency 16). A local provider has no requests to keep going.
        self._cpu: Executor | None = None if provider.local else ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="llm-doc-plan")
        # With call context, the run's files not planned yet (by graph key), each with what
        # its planning sets: a caller whose callee's file is not planned yet cannot know
        # whether this run settles that callee, so it waits for that file.
        self._unplanned: dict[str, asyncio.Event] = {}
        self._links: dict[DefKey, Links] = {}
        # How many levels of callers wait, through this run, for each definition's answer:
        # the longest chain is asked first (known once every file is planned).
        self._heights: dict[DefKey, int] = {}
        self._asking: set[DefKey] = set()  # functions whose request waits for their callees
        self._project_names: frozenset[str] | None = None  # what the gate knows (``_known``)
        self._known_in: dict[Path, frozenset[str]] = {}  # ``_known`` of each file, found once

    async def _off_loop(self, work: Callable[[], _T]) -> _T:
        """Run CPU work in the run's planning thread (or here, for a local provider)."""
        if self._cpu is None:
            return work()
        return await asyncio.get_running_loop().run_in_executor(self._cpu, work)

    def close(self) -> None:
        """Let the planning thread go (work in it, if any, finishes first)."""
        if self._cpu is not None:
            self._cpu.shutdown(wait=True)

    def _planned(self, path: Path) -> tuple[ParsedFile, list[PlannedRegion]] | FileError:
        """Load and plan a file (no event loop state touched: it may run in a thread)."""
        try:
            parsed = load(path, self.options, self.learning)
            if isinstance(parsed, FileError):
                return parsed
            return parsed, plan(parsed, self.options, self.provider.needs_code,
                                spare_requests=not self.provider.local)
        except RecursionError:
            return _too_deep(path)

    async def prepare(self, path: Path) -> _Prepared | FileError:
        """Load and plan a file off the event loop; with call context, register what its
        regions settle."""
        return self._register(path, await self._off_loop(lambda: self._planned(path)))

    async def prepare_expected(self, path: Path) -> _Prepared | FileError:
        """``prepare`` a file ``expect`` named: its waiting callers go on; once the last is
        planned, the waiting requests are ranked by the chains behind them.

        The planning thread takes its work in the order it is given, and each task gives
        its file before its first wait: files are planned in the run's order.
        """
        try:
            return await self.prepare(path)
        finally:
            planned = self._unplanned.pop(key_of(path), None)
            if planned is not None:
                planned.set()
                if not self._unplanned:
                    self._heights = self._waiting_heights()
                    self.requests.reorder()

    def expect(self, paths: Sequence[Path]) -> None:
        """Note the run's files before any is planned (callers wait for their callees')."""
        self._unplanned = {key_of(path): asyncio.Event() for path in paths}

    def _known(self, parsed: ParsedFile) -> frozenset[str]:
        """What a model's text may name beyond its module: the names the project's modules
        the file imports define and, with call context, every definition of the project
        (its graph's, found once)."""
        # Asked for every answer on the event loop: walking the file's tree and looking up
        # its imports each time held the loop (throughput 1.12x -> 1.39x the ideal).
        path = parsed.source.path
        if path not in self._known_in:
            self._known_in[path] = self._known_now(parsed)
        return self._known_in[path]

    def _known_now(self, parsed: ParsedFile) -> frozenset[str]:
        """``_known``, found."""
        imported = imported_names(parsed.source.path, parsed.tree)
        if self.calls is None:
            return imported
        if self._project_names is None:
            files = self.calls.graph.files.values()
            self._project_names = frozenset(
                {part for index in files for part in index.module.split(".")} |
                {part for index in files for found in index.defs
                 for part in found.qualname.split(".")})
        return imported | self._project_names

    def links(self, key: DefKey) -> Links:
        """The call context's links of a definition, found once per run."""
        assert self.calls is not None
        found = self._links.get(key)
        if found is None:
            found = self._links[key] = self.calls.links(key)
        return found

    def _waiting_heights(self) -> dict[DefKey, int]:
        """For each definition this run settles, the most requests in a chain of it and the
        callers that wait for it, one after the other; a slot goes to the longest first."""
        calls = self.calls
        if calls is None:
            return {}
        waiting: dict[DefKey, list[DefKey]] = {}
        for key in self._asking:  # only a function that asks waits for its callees
            for callee in self.links(key).callees:
                if callee in self.settled and calls.before(callee, key):
                    waiting.setdefault(callee, []).append(key)
        # Callers come strictly after their callees: walked last-first, every caller's
        # height is known before its callees' are.
        def compare(a: DefKey, b: DefKey) -> int:
            return -1 if calls.before(a, b) else 1 if calls.before(b, a) else 0

        heights: dict[DefKey, int] = {}
        for key in sorted(self.settled, key=functools.cmp_to_key(compare), reverse=True):
            # A definition settled without a request (no text needed) adds no wait of its own.
            heights[key] = (key in self._asking) + max(
                (heights.get(c, 0) for c in waiting.get(key, ())), default=0)
        return heights

    def _register(self, path: Path, done: tuple[ParsedFile, list[PlannedRegion]] | FileError
                  ) -> _Prepared | FileError:
        """Register what a planned file's regions settle (on the event loop's thread)."""
        if isinstance(done, FileError):
            return done
        parsed, planned = done
        keys: list[DefKey | None] = [None] * len(planned)
        if self.calls is not None:
            loop = asyncio.get_running_loop()
            for number, entry in enumerate(planned):
                node = entry.target.node
                if isinstance(node, DefNode):
                    keys[number] = key = self.calls.key_for(parsed.source.path, node)
                    if key is not None:
                        self.settled[key] = loop.create_future()
                        if _waits_for_callees(entry):
                            self._asking.add(key)
        self.observer.planned(path, sum(1 for e in planned if not e.skip))
        return _Prepared(parsed, planned, keys)

    def _summary(self, caller: DefKey, key: DefKey, callee: bool) -> str | None:
        """What is shown of a callee or caller of ``caller``: its settled summary, or None."""
        assert self.calls is not None
        pending = self.settled.get(key)
        if pending is None:  # not documented by this run: its docstring stays as it is
            return self.calls.graph.definition(key).summary
        # Settled for sure only when it came first (and was waited for); anything else is
        # shown by signature alone, the same way on every run.
        if callee and self.calls.before(key, caller):
            return pending.result()
        return None

    def _settle(self, parsed: ParsedFile, entry: PlannedRegion,
                answer: AnySchema | BaseException | None) -> str:
        """The summary line a region's docstring will have after this run."""
        current = summary_of(entry.request.existing or "")
        if answer is None or isinstance(answer, BaseException):
            return current
        try:
            found = _edits_for(parsed, entry, answer, self.options, self.keep_human)
        except (_Foreign, ApplyError):
            return current
        return current if found.settled is None else summary_of(found.settled)

    async def ask(self, parsed: ParsedFile, entry: PlannedRegion, key: DefKey | None
                  ) -> _Asked:
        """Ask for one region (after its callees, with call context); settle its summary."""
        request, answer = entry.request, None
        try:
            if self.calls is not None and key is not None and _waits_for_callees(entry):
                request = await self._with_calls(request, key)
                later = self._deferred(key)
                if later is not None:
                    self.deferred.add(key)  # its callers wait too
                    return _Asked(request, later, later, ())
            raw = answer = await self._answer(entry, request, key)
            dropped: tuple[Dropped, ...] = ()
            if not self.provider.local:
                # A model's words are checked like a person's before anything uses them
                # (the summary its callers are shown included); the static provider's are
                # the code's own facts.
                answer, dropped = gated(entry, raw, module_name(parsed.source.path), parsed.tree,
                                        self._known(parsed))
            return _Asked(request, raw, answer, dropped)
        finally:
            if key is not None and getattr(answer, "defers_callers", False):
                self.deferred.add(key)  # before its callers wake (below)
            pending = self.settled.get(key) if key is not None else None
            if pending is not None and not pending.done():
                pending.set_result(self._settle(parsed, entry, answer))

    def _deferred(self, key: DefKey) -> _Later | None:
        """Why a function waits for a later batch: a callee asked first has no answer yet."""
        assert self.calls is not None
        if not self.deferred:  # every run but a batch's: nothing to look up
            return None
        waiting = [k for k in self.links(key).callees
                   if k in self.deferred and self.calls.before(k, key)]
        if not waiting:
            return None
        names = ", ".join(sorted(self.calls.graph.definition(k).qualname for k in waiting)[:3])
        return _Later(f"waits for the answers of what it calls ({names}): asked in the next "
                      "batch")

    async def _with_calls(self, request: DocRequest, key: DefKey) -> DocRequest:
        """The request with its call context, once every callee before it is settled."""
        assert self.calls is not None
        links = self.links(key)
        for other in (*links.callees, *links.callers):
            planned = self._unplanned.get(other[0])
            if planned is not None:
                # Whether this run settles a callee or caller shown (and so what this prompt
                # shows of it: its new summary, its signature, or its old docstring's
                # summary) is known once its file is planned.
                await planned.wait()
        waits = [self.settled[k] for k in links.callees
                 if k in self.settled and self.calls.before(k, key)]
        if waits:
            # ``wait``, not ``gather``: a cancelled caller must not cancel its callees'
            # futures, which other callers share.
            await asyncio.wait(waits)
        shown = self.calls.render(links, lambda k, callee: self._summary(key, k, callee))
        if not shown:
            return request
        return replace(request, context="\n".join(filter(None, (request.context, shown))))

    async def _answer(self, entry: PlannedRegion, request: DocRequest, key: DefKey | None
                      ) -> AnySchema | BaseException | None:
        if entry.skip:
            return None
        if not entry.needs_text:
            self.observer.answered(False)
            return NO_TEXT
        answer = await answer_or_error(self.provider, request, self.requests.slot(
            lambda: self._heights.get(key, 1) if key is not None else 1))
        self.observer.answered(isinstance(answer, BaseException))
        return answer

    async def file(self, path: Path) -> FileResult:
        """Load, plan, ask and build one file (files in flight are bounded)."""
        async with self.files:
            prepared = await self.prepare(path)
            return await self.finish(prepared)

    async def finish(self, prepared: _Prepared | FileError) -> FileResult:
        """Ask for a planned file's regions and build its change."""
        result: FileResult
        if isinstance(prepared, FileError):
            result = prepared
        else:
            try:
                result = await self._finish(prepared)
            except RecursionError:
                result = _too_deep(prepared.parsed.source.path)
        self.observer.finished(result)
        return result

    async def _finish(self, prepared: _Prepared) -> FileChange:
        parsed, planned = prepared.parsed, prepared.planned
        asked = await asyncio.gather(*(self.ask(parsed, entry, key)
                                       for entry, key in zip(planned, prepared.keys,
                                                             strict=True)))
        answers = [a.answer for a in asked]
        change = await self._off_loop(lambda: build(parsed, planned, answers, self.options,
                                                    self.keep_human))
        for one, region in zip(asked, change.regions, strict=True):
            raw = one.raw
            if region.settled is not None and raw is not None and raw is not NO_TEXT \
                    and not isinstance(raw, BaseException):
                # The model's own answer is cached: the gate judges it again on every run.
                self.provider.remember(one.request, raw, region.settled)
        if any(one.dropped for one in asked):
            change = replace(change, regions=tuple(
                replace(region, dropped=one.dropped)
                for one, region in zip(asked, change.regions, strict=True)))
        return change


def _too_deep(path: Path) -> FileError:
    # Code the parser accepts can still be too deep for ``ast.unparse`` (a default of 400
    # added terms): that file is reported, the others go on.
    return FileError(path, (Finding(path, 0, 0, codes.SYNTAX_ERROR,
                                    "cannot analyse: expressions nested too deeply"),))


# Below this many files, starting worker processes costs more than it saves.
_PARALLEL_FROM = 16
# Files per task sent to a worker: small enough to balance big and small files across
# workers, large enough that pickling the tasks costs little.
_CHUNK = 4
# A worker process's copy of the run's learned conventions, sent once (``_learned``), not
# with every task: pickling it both ways for each chunk cost 4 ms a task.
_WORKER_LEARNING: list[Learning] = []


def _learned(learning: Learning) -> None:
    """A worker's first task: keep the run's learned conventions for its chunks."""
    _WORKER_LEARNING[:] = [learning]


def _run_chunk(paths: list[Path], provider: Provider, options: Options) -> list[FileResult]:
    """A worker's task: a few files, one after the other, with its copy of the provider."""
    with fewer_collections():  # a spawned worker does not inherit the parent's settings
        return asyncio.run(_run_here(paths, provider, options, 1, _Silent(),
                                     learning=_WORKER_LEARNING[0]))


async def _run_in_workers(paths: Sequence[Path], provider: Provider, options: Options,
                          jobs: int, observer: RunObserver) -> list[FileResult]:
    # The conventions are learned here, once: each worker learning them lazily read and
    # parsed the same folder and project files again (see docs/conventions.md, Cost).
    learning = Learning()
    results: dict[Path, FileResult] = {}

    def done(files: list[Path], found: list[FileResult]) -> None:
        for path, result in zip(files, found, strict=True):
            if isinstance(result, FileChange):
                observer.planned(result.source.path, len(result.regions))
                for region in result.regions:
                    observer.answered(region.status is Status.FAILED)
            observer.finished(result)
            results[path] = result

    with Workers(paths, jobs) as workers:
        if options.conventions == "learn":
            # Reading and parsing the files learned from is most of learning: the workers
            # do it, and keep the trees of their own files for planning them; the sums
            # stay here (the loop has nothing else to do meanwhile).
            learning.prime(paths, bases=options.all_defs, spread=workers.spread())
        workers.everywhere(_learned, learning)
        await workers.drain(functools.partial(_run_chunk, provider=provider, options=options),
                            _CHUNK, done)
    return [results[path] for path in paths]


async def _run_here(paths: Sequence[Path], provider: Provider, options: Options,
                    concurrency: int, observer: RunObserver,
                    calls: CallContext | None = None,
                    learning: Learning | None = None) -> list[FileResult]:
    keeps = learning is None and provider.local
    if keeps:
        # One process learns as it goes: the files of the run it reads to learn from are
        # kept for documenting them (a model run holds files longer: it does not keep).
        learning = Learning()
        learning.keep_for(paths)
    run = _Run(provider, options, concurrency, observer, calls, learning)
    try:
        if run.calls is None:
            return await gather_all([run.file(path) for path in paths])
        # A caller waits for callees in other files, so no file waits for a slot another one
        # holds: each is asked as soon as it is planned (off the loop, in order), and a
        # caller whose callee or caller shown is in a file not planned yet waits for it.
        run.expect(paths)
        return await gather_all([_planned_then_finished(run, path) for path in paths])
    finally:
        run.close()
        if keeps:
            # Learning is lazy: a folder learned from while one of its files was planned kept
            # that file, loaded already. Nothing kept outlives the run that read it (a later
            # run in this process must read the file as it is then).
            drop_kept()


async def _planned_then_finished(run: _Run, path: Path) -> FileResult:
    """Plan a file after the files before it, then ask for it (with call context)."""
    return await run.finish(await run.prepare_expected(path))


async def run_files(paths: Sequence[Path], provider: Provider, options: Options, *,  # noqa: LD342 - raised by a callee
                    concurrency: int = 8, observer: RunObserver | None = None,
                    jobs: int = 1, known: ResultStore[str] | None = None,
                    calls: CallContext | None = None) -> list[FileResult]:
    """Run files through the pipeline, asking for up to ``concurrency`` regions at once.

    Regions of all files share one limit, so a project of many small files keeps the
    model busy. A local provider (``Provider.local``) with ``jobs`` above 1 and enough
    files runs in that many worker processes instead. Nothing is written here.

    Args:
        paths: The files, in the order results are wanted.
        provider: Who writes the content.
        options: Pipeline options: width, ``only_missing``, ``all_defs``, ``only``.
        concurrency: Most requests in flight.
        observer: Told about progress (a bar, plain lines, or nothing).
        jobs: Worker processes for a local provider (1: none).
        known: Results of earlier runs of a local provider: files whose content, provider
            and options gave no change are not processed again.
        calls: The project's call graph: a provider that reads code is then shown each
            function's callees and callers, and callees are asked first.

    Returns:
        One result per file, in order.

    Raises:
        FatalProviderError: When the provider cannot answer anything (the run stops).
    """
    observer = observer or _Silent()
    # Only an offline provider's result is a function of the file alone (a model's answers
    # have their own cache); --fix's partial runs (``only``) are not whole-file results.
    clean = KnownClean(known, provider.name, options) \
        if known is not None and provider.local and options.only is None else None
    hits: dict[str, FileChange] = {}
    if clean is not None:
        # The texts read for the lookup are let go at once; only the hits are kept (the
        # misses are read again when processed, so the run never holds every file).
        hits = clean.lookup([s for s in map(read_file, paths) if isinstance(s, SourceFile)])
        for hit in hits.values():
            observer.finished(hit)
    todo = [path for path in paths if str(path) not in hits]
    with fewer_collections():
        if provider.local and jobs > 1 and len(todo) >= _PARALLEL_FROM:
            fresh = await _run_in_workers(todo, provider, options, jobs, observer)
        else:
            fresh = await _run_here(todo, provider, options, concurrency, observer, calls)
    if clean is not None:
        clean.remember(fresh)
    done = dict(zip(todo, fresh, strict=True))
    return [hits[str(path)] if str(path) in hits else done[path] for path in paths]


async def process_file(path: Path, provider: Provider, options: Options) -> FileResult:
    """Run one file through the whole pipeline (nothing is written here).

    Args:
        path: The file.
        provider: Who writes the content.
        options: Pipeline options.

    Returns:
        Its change (verified, not written) or why it could not be processed.
    """
    return (await run_files([path], provider, options, concurrency=1))[0]
