"""One file through the pipeline: plan regions, ask the provider, build verified edits.

Planning and building are pure (text in, data out); only ``process_file`` reads the file
and awaits the provider. Every outcome is data: a file either yields a ``FileChange``
(possibly with failed regions) or a ``FileError``; nothing here raises for bad input.
"""

from __future__ import annotations

import ast
import asyncio
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Protocol

from llm_doc_manager import errors
from llm_doc_manager.analysis import (
    BlockFacts,
    ClassFacts,
    FunctionFacts,
    ModuleFacts,
    class_facts,
    describe_statement,
    docstring_expr,
    first_line,
    function_facts,
    module_facts,
)
from llm_doc_manager.applier import (
    ApplyError,
    Edit,
    SourceMap,
    apply_edits,
    comment_edits,
    docstring_edits,
    existing_comment,
    module_docstring_edits,
    strip_docstrings,
    verify,
)
from llm_doc_manager.config import DEFAULT_WIDTH
from llm_doc_manager.context import ContextBuilder, Shown
from llm_doc_manager.docstrings import ParsedDocstring, parse_docstring
from llm_doc_manager.errors import FatalProviderError, Finding
from llm_doc_manager.files import SourceDecodeError, SourceFile, read_source
from llm_doc_manager.formatter import (
    format_comment,
    render_class_text,
    render_method_text,
    render_module_text,
    to_literal,
)
from llm_doc_manager.markers import Kind, scan_markers
from llm_doc_manager.processor import Merged, merge_class, merge_method, merge_module
from llm_doc_manager.providers.base import DocRequest, Provider, Task
from llm_doc_manager.schemas import (
    AnySchema,
    ClassDocstring,
    CommentText,
    MethodDocstring,
    ModuleDocstring,
)
from llm_doc_manager.targets import Target, resolve


@dataclass(frozen=True)
class Options:
    """What the pipeline needs from the settings.

    Attributes:
        width (int): Maximum docstring line width.
        only_missing (bool): Leave existing docstrings and comments alone.
        all_defs (bool): Treat every def and class as marked.
        only (Mapping[Path, frozenset[int]] | None): When set, only the defs and classes whose
            keyword is on one of these lines of that file (``validate --fix``).
    """

    width: int = DEFAULT_WIDTH
    only_missing: bool = False
    all_defs: bool = False
    only: Mapping[Path, frozenset[int]] | None = None


class Status(str, Enum):
    """Outcome of one region."""

    GENERATED = "generated"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    FAILED = "failed"


@dataclass(frozen=True)
class RegionResult:
    """Outcome of one region.

    Attributes:
        qualname (str): What was documented.
        line (int): Its line.
        kind (Kind): Region kind.
        status (Status): Outcome.
        edits (tuple[Edit, ...]): Text edits (empty unless generated/updated).
        expected (tuple[str, ...]): Docstring values the edits must produce.
        message (str): Why it failed, when it did.
        settled (str | None): The docstring value or comment text the edits leave (what
            the next run will read as current).
    """

    qualname: str
    line: int
    kind: Kind
    status: Status
    edits: tuple[Edit, ...] = ()
    expected: tuple[str, ...] = ()
    message: str = ""
    settled: str | None = None


@dataclass(frozen=True)
class FileChange:
    """A file that was processed (it may still have failed regions).

    Attributes:
        source (SourceFile): The file as read.
        regions (tuple[RegionResult, ...]): Per-region outcomes.
        reference_dump (str): AST dump of the original without docstrings (for verifying).
        new_text (str): The text with every successful region applied.
    """

    source: SourceFile
    regions: tuple[RegionResult, ...]
    reference_dump: str
    new_text: str

    @property
    def changed(self) -> bool:
        """Tell whether the file would change.

        Returns:
            bool: True if the new text differs.
        """
        return self.new_text != self.source.text

    @property
    def findings(self) -> list[Finding]:
        """Return a finding per failed region.

        Returns:
            list[Finding]: The findings.
        """
        return [Finding(self.source.path, r.line, 1, errors.PROVIDER_FAILED
                        if "verification" not in r.message else errors.SAFETY_CHECK,
                        f"{r.qualname}: {r.message}")
                for r in self.regions if r.status is Status.FAILED]

    def text_with(self, accepted: Sequence[RegionResult]) -> str:
        """Apply only some regions, verified like the whole.

        Args:
            accepted (Sequence[RegionResult]): Regions to apply.

        Returns:
            str: The new text.
        """
        edits = [e for r in accepted for e in r.edits]
        text = apply_edits(self.source.text, edits)
        verify(text, self.reference_dump, [v for r in accepted for v in r.expected])
        return text


@dataclass(frozen=True)
class FileError:
    """A file that could not be processed at all; it is left untouched.

    Attributes:
        path (Path): The file.
        findings (tuple[Finding, ...]): Why.
    """

    path: Path
    findings: tuple[Finding, ...]


FileResult = FileChange | FileError


@dataclass
class _Planned:
    target: Target
    request: DocRequest | None
    existing: ParsedDocstring | None = None
    has_existing: bool = False
    comment_run: tuple[int, str] = (0, "")
    skip: bool = False
    edits: list[Edit] = field(default_factory=list)
    expected: list[str] = field(default_factory=list)


def module_name(path: Path) -> str:
    """Return the name a module is known by (the package name for ``__init__.py``).

    Args:
        path (Path): The file.

    Returns:
        str: The name.
    """
    if path.stem in ("__init__", "__main__"):
        return path.resolve().parent.name
    return path.stem


def _task(kind: Kind) -> Task:
    return {Kind.DOC: Task.METHOD, Kind.CLASS: Task.CLASS, Kind.MODULE: Task.MODULE,
            Kind.COMM: Task.COMMENT}[kind]


def plan(source: SourceFile, tree: ast.Module, src: SourceMap, targets: list[Target],
         options: Options, with_code: bool = False) -> list[_Planned]:
    """Build the provider request of each target.

    Args:
        source (SourceFile): The file.
        tree (ast.Module): Its AST.
        src (SourceMap): Its line index.
        targets (list[Target]): What to document.
        options (Options): Pipeline options.
        with_code (bool): Fill in the code and context a model reads (the static provider
            does not need them).

    Returns:
        list[_Planned]: One entry per target; ``skip`` marks those left alone.
    """
    planned = []
    shower = ContextBuilder(source.text, src, tree) if with_code else None
    for target in targets:
        entry = _Planned(target, None)
        if target.kind is Kind.COMM:
            start = first_line(target.statements[0])
            entry.comment_run = existing_comment(src, start, target.region.start
                                                 if target.region else start - 1)
            if shower is not None:
                shower.hide(entry.comment_run[0], start - 1)
        planned.append(entry)
    for entry in planned:
        target = entry.target
        facts: FunctionFacts | ClassFacts | ModuleFacts | BlockFacts
        existing_text: str | None = None
        shown = Shown("", "")
        if target.kind is Kind.COMM:
            existing_text = entry.comment_run[1] or None
            facts = BlockFacts(tuple(describe_statement(s) for s in target.statements))
            if shower is not None:
                shown = shower.for_block(target.statements)
        else:
            node = target.node
            assert node is not None
            expr = docstring_expr(node.body)
            if expr is not None:
                existing_text = expr.value.value  # type: ignore[attr-defined]
                entry.existing = parse_docstring(existing_text or "")
            if isinstance(node, ast.Module):
                facts = module_facts(node, module_name(source.path))
                if shower is not None:
                    shown = shower.for_module()
            elif isinstance(node, ast.ClassDef):
                facts = class_facts(node)
                if shower is not None:
                    shown = shower.for_class(node)
            else:
                facts = function_facts(node, target.class_name)
                if shower is not None:
                    shown = shower.for_function(node)
        entry.has_existing = existing_text is not None
        entry.skip = entry.has_existing and options.only_missing
        entry.request = DocRequest(_task(target.kind), source.path, target.qualname, target.line,
                                   shown.code, facts, existing_text, shown.context)
    return planned


def _merge(entry: _Planned, answer: AnySchema, keep_human: bool) -> Merged:
    request = entry.request
    assert request is not None
    facts = request.facts
    if isinstance(facts, FunctionFacts) and isinstance(answer, MethodDocstring):
        return merge_method(facts, answer, entry.existing, keep_human)
    if isinstance(facts, ClassFacts) and isinstance(answer, ClassDocstring):
        return merge_class(facts, answer, entry.existing, keep_human)
    if isinstance(facts, ModuleFacts) and isinstance(answer, ModuleDocstring):
        return merge_module(facts, answer, entry.existing, keep_human)
    raise ApplyError(f"the provider answered {type(answer).__name__} for a {request.task.value}")


def _renderer(merged: Merged, width: int, encoding: str, sink: list[str]) -> Callable[[str], str]:
    def render(indent: str) -> str:
        schema = merged.schema
        if isinstance(schema, MethodDocstring):
            value = render_method_text(schema, indent, width, merged.extras)
        elif isinstance(schema, ClassDocstring):
            value = render_class_text(schema, indent, width, merged.extras)
        else:
            value = render_module_text(schema, indent, width, merged.extras)
        sink.append(value)
        return to_literal(value, encoding)
    return render


def build(source: SourceFile, tree: ast.Module, src: SourceMap, planned: list[_Planned],
          answers: Sequence[AnySchema | BaseException | None], options: Options,
          keep_human: bool) -> FileChange:
    """Turn answers into verified edits.

    Args:
        source (SourceFile): The file.
        tree (ast.Module): Its AST (docstrings are stripped from it at the end).
        src (SourceMap): Its line index.
        planned (list[_Planned]): The planned regions.
        answers (Sequence[AnySchema | BaseException | None]): One answer per planned
            region (None for skipped ones, an exception for failed ones).
        options (Options): Pipeline options.
        keep_human (bool): Whether existing human text wins over the answers' text.

    Returns:
        FileChange: The outcome.
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
                                        type(answer).__name__))
            continue
        try:
            edits, expected, settled = _edits_for(entry, answer, tree, src, source, options,
                                                  keep_human)
        except ApplyError as exc:
            results.append(RegionResult(*base, Status.FAILED, message=str(exc)))
            continue
        if not edits:
            results.append(RegionResult(*base, Status.UNCHANGED))
            continue
        status = Status.UPDATED if entry.has_existing else Status.GENERATED
        results.append(RegionResult(*base, status, tuple(edits), tuple(expected),
                                    settled=settled))

    reference = ast.dump(strip_docstrings(tree))
    change = FileChange(source, tuple(results), reference, source.text)
    return _verified(change)


def _edits_for(entry: _Planned, answer: AnySchema, tree: ast.Module, src: SourceMap,
               source: SourceFile, options: Options, keep_human: bool
               ) -> tuple[list[Edit], list[str], str | None]:
    target = entry.target
    if target.kind is Kind.COMM:
        if not isinstance(answer, CommentText):
            raise ApplyError(f"the provider answered {type(answer).__name__} for a comment")
        run_start, old = entry.comment_run
        if old and keep_human:
            return [], [], None
        first = first_line(target.statements[0])
        lines = format_comment(answer, src.indent(first), options.width, source.encoding)
        settled = "\n".join(line.strip().lstrip("#").strip() for line in lines)
        if settled == old:
            return [], [], None
        return comment_edits(src, first, run_start, lambda _indent: lines), [], settled
    merged = _merge(entry, answer, keep_human)
    if merged.unchanged:
        return [], [], None
    expected: list[str] = []
    render = _renderer(merged, options.width, source.encoding, expected)
    node = target.node
    if isinstance(node, ast.Module):
        marker = target.region.start if target.region else None
        edits = module_docstring_edits(src, node, marker, render)
    else:
        assert node is not None
        edits = docstring_edits(src, tree, node, render)
    if entry.request and entry.request.existing is not None and expected and \
            expected[0] == entry.request.existing:
        return [], [], None
    return edits, expected, expected[0] if expected else None


def _verified(change: FileChange) -> FileChange:
    """Apply every successful region; isolate any region that fails verification."""
    regions = list(change.regions)
    for _ in range(2):
        active = [r for r in regions if r.edits]
        try:
            text = change.text_with(active)
            return FileChange(change.source, tuple(regions), change.reference_dump, text)
        except ApplyError:
            for i, region in enumerate(regions):
                if not region.edits:
                    continue
                try:
                    change.text_with([region])
                except ApplyError as exc:
                    regions[i] = RegionResult(region.qualname, region.line, region.kind,
                                              Status.FAILED,
                                              message=f"verification failed: {exc}")
    failed = [RegionResult(r.qualname, r.line, r.kind, Status.FAILED,
                           message="verification failed for the combined edits")
              if r.edits else r for r in regions]
    return FileChange(change.source, tuple(failed), change.reference_dump, change.source.text)


def load(path: Path, options: Options) -> tuple[SourceFile, ast.Module, SourceMap,
                                                list[Target]] | FileError:
    """Read and parse a file and resolve its targets.

    Args:
        path (Path): The file.
        options (Options): Pipeline options.

    Returns:
        tuple[SourceFile, ast.Module, SourceMap, list[Target]] | FileError: The loaded file,
        or why it cannot be processed.
    """
    try:
        source = read_source(path)
    except SourceDecodeError as exc:
        return FileError(path, (Finding(path, exc.line, 0, errors.DECODE_ERROR, str(exc)),))
    except OSError as exc:
        return FileError(path, (Finding(path, 0, 0, errors.WRITE_ERROR,
                                        f"cannot read: {exc.strerror or exc}"),))
    try:
        tree = ast.parse(source.text, filename=str(path))
    except SyntaxError as exc:
        return FileError(path, (Finding(path, exc.lineno or 0, exc.offset or 0,
                                        errors.SYNTAX_ERROR, f"cannot parse: {exc.msg}"),))
    except (ValueError, RecursionError, MemoryError) as exc:
        return FileError(path, (Finding(path, 0, 0, errors.SYNTAX_ERROR,
                                        f"cannot parse: {exc}"),))
    scan = scan_markers(source.text)
    targets, region_problems = resolve(tree, scan.regions, options.all_defs)
    problems = sorted([*scan.problems, *region_problems], key=lambda p: (p.line, p.col))
    if problems:
        return FileError(path, tuple(Finding(path, p.line, p.col, p.code, p.message)
                                     for p in problems))
    if options.only is not None:
        lines = options.only.get(path, frozenset())
        targets = [t for t in targets if t.node is not None
                   and not isinstance(t.node, ast.Module) and t.node.lineno in lines]
    return source, tree, SourceMap(source.text), targets


class Progress(Protocol):
    """Receives progress events (the CLI shows a bar or plain lines)."""

    def planned(self, path: Path, regions: int) -> None:
        """A file was planned and ``regions`` of its regions will be asked for.

        Args:
            path (Path): The file.
            regions (int): Regions to ask for.
        """
        ...

    def answered(self, failed: bool) -> None:
        """One region got its answer (or failed).

        Args:
            failed (bool): Whether it failed.
        """
        ...

    def finished(self, result: FileResult) -> None:
        """One file is done.

        Args:
            result (FileResult): Its outcome.
        """
        ...


class _Silent:
    def planned(self, path: Path, regions: int) -> None:
        del path, regions

    def answered(self, failed: bool) -> None:
        del failed

    def finished(self, result: FileResult) -> None:
        del result


class _Run:
    """Shared state of one run: the provider, the limits and the progress sink."""

    def __init__(self, provider: Provider, options: Options, concurrency: int,
                 progress: Progress) -> None:
        self.provider = provider
        self.options = options
        self.progress = progress
        self.requests = asyncio.Semaphore(max(1, concurrency))
        # Files in flight are bounded too: each holds its AST until its answers are in.
        self.files = asyncio.Semaphore(max(4, 2 * concurrency))

    async def ask(self, entry: _Planned) -> AnySchema | BaseException | None:
        if entry.skip or entry.request is None:
            return None
        answer: AnySchema | BaseException
        async with self.requests:
            try:
                answer = await self.provider.generate(entry.request)
            except (asyncio.CancelledError, FatalProviderError):
                raise
            except Exception as exc:  # one region's failure must not stop the others
                answer = exc
        self.progress.answered(isinstance(answer, BaseException))
        return answer

    async def file(self, path: Path) -> FileResult:
        async with self.files:
            result = await self._file(path)
        self.progress.finished(result)
        return result

    async def _file(self, path: Path) -> FileResult:
        loaded = load(path, self.options)
        if isinstance(loaded, FileError):
            return loaded
        source, tree, src, targets = loaded
        planned = plan(source, tree, src, targets, self.options, self.provider.needs_code)
        self.progress.planned(path, sum(1 for e in planned if not e.skip))
        answers = await asyncio.gather(*(self.ask(entry) for entry in planned))
        change = build(source, tree, src, planned, answers, self.options,
                       self.provider.keeps_human_text)
        for entry, answer, region in zip(planned, answers, change.regions, strict=True):
            if region.settled is not None and entry.request is not None and \
                    not isinstance(answer, BaseException) and answer is not None:
                self.provider.remember(entry.request, answer, region.settled)
        return change


async def run_files(paths: Sequence[Path], provider: Provider, options: Options, *,  # noqa: LD342 - raised by a callee
                    concurrency: int = 8, progress: Progress | None = None) -> list[FileResult]:
    """Run files through the pipeline, asking for up to ``concurrency`` regions at once.

    Regions of all files share one limit, so a project of many small files keeps the
    model busy. Nothing is written here.

    Args:
        paths (Sequence[Path]): The files.
        provider (Provider): Who writes the content.
        options (Options): Pipeline options.
        concurrency (int): Most requests in flight.
        progress (Progress | None): Progress sink.

    Returns:
        list[FileResult]: One result per file, in order.

    Raises:
        FatalProviderError: When the provider cannot answer anything (the run stops).
    """
    run = _Run(provider, options, concurrency, progress or _Silent())
    tasks = [asyncio.ensure_future(run.file(path)) for path in paths]
    try:
        return list(await asyncio.gather(*tasks))
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise


async def process_file(path: Path, provider: Provider, options: Options) -> FileResult:
    """Run one file through the whole pipeline (nothing is written here).

    Args:
        path (Path): The file.
        provider (Provider): Who writes the content.
        options (Options): Pipeline options.

    Returns:
        FileResult: The outcome.
    """
    return (await run_files([path], provider, options, concurrency=1))[0]
