"""``llm-doc generate``: write or update docstrings and comments, after review."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from types import FrameType

from rich.console import Console

from llm_doc_manager.analysis.changed import changed_only
from llm_doc_manager.cli.apply import (
    Report,
    WriteBack,
    apply_changes,
    signals_handled,
    summary_line,
)
from llm_doc_manager.cli.args import (
    FINDINGS,
    INTERRUPTED,
    USAGE,
    describe_config,
    stdin_copy,
    stdin_target,
    use_color,
)
from llm_doc_manager.cli.console import consoles, log_requests
from llm_doc_manager.cli.progress import BarProgress, PlainProgress, Tally
from llm_doc_manager.cli.review import print_diff, unified_diff
from llm_doc_manager.cli.text import plural
from llm_doc_manager.codes import Finding, visible
from llm_doc_manager.config import Settings, flag_list, load_settings
from llm_doc_manager.docstrings.exempt import Scope
from llm_doc_manager.errors import ConfigError, FatalProviderError
from llm_doc_manager.generate import FileResult, Options, RunObserver, run_files
from llm_doc_manager.generate.call_context import CallContext, load_call_context
from llm_doc_manager.generate.known import RESULTS_FILE, KnownClean
from llm_doc_manager.generate.outcomes import FileChange
from llm_doc_manager.providers import Provider, Usage, make_provider
from llm_doc_manager.source import is_excluded, iter_files
from llm_doc_manager.source.since import changes_since
from llm_doc_manager.store import ResultStore, cache_dir


def resolve_provider(settings: Settings, environ: dict[str, str],
                     say: Callable[[str], object] | None = None) -> str:
    """Pick the provider: configured, else ``openai`` with a key, else ``static``."""
    if settings.provider:
        return settings.provider
    if environ.get("OPENAI_API_KEY"):
        if say is not None:
            say("No provider configured and OPENAI_API_KEY is set: using the 'openai' "
                "provider (set provider in [tool.llm-doc] to choose).")
        return "openai"
    if say is not None:
        say("No provider configured and OPENAI_API_KEY is not set: using the offline "
            "'static' provider.")
    return "static"


async def _run_all(files: list[Path], provider: Provider, options: Options,
                   settings: Settings, observer: RunObserver, jobs: int,
                   calls: CallContext | None = None) -> list[FileResult]:
    known: ResultStore[str] = ResultStore(cache_dir(settings) / RESULTS_FILE
                                          if settings.cache and provider.local else None)
    try:
        return await run_files(files, provider, options, concurrency=settings.concurrency,
                               observer=observer, jobs=jobs, known=known, calls=calls)
    finally:
        known.close()
        await provider.aclose()


@contextlib.contextmanager
def _ctrl_c_interrupts() -> Iterator[None]:
    """Make Ctrl-C raise KeyboardInterrupt at once while the run's event loop runs."""
    # asyncio.run turns the first Ctrl-C into a cancellation of the main task, and a library
    # awaiting a network call can swallow a cancellation: the run then went on and wrote
    # everything (seen under load). A KeyboardInterrupt cannot be swallowed that way, and
    # nothing is written before the loop has finished, so stopping anywhere is safe.
    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    with signals_handled(interrupt, signal.SIGINT):
        yield


def usage_line(usage: Usage, provider: object = None) -> str:
    """The closing line of a model run: requests, retries, tokens, cache hits, the model."""
    answered_by = getattr(provider, "answered_by", None)  # a model provider names its model
    who = answered_by() if callable(answered_by) else ""
    return (f"model: {plural(usage.requests, 'request')} ({usage.retries} retries), "
            f"{usage.prompt_tokens} prompt + {usage.completion_tokens} completion tokens; "
            f"{plural(usage.cache_hits, 'region')} from the cache" + (f"; {who}" if who else ""))


def run(args: argparse.Namespace) -> int:  # noqa: LD341 - each is caught and reported
    """Run ``llm-doc generate`` with parsed arguments.

    Args:
        args: What ``cli.args.configure_generate``'s options parsed.

    Returns:
        The exit code: 0 done, 1 changes pending or problems, 2 usage or configuration
        error, 130 interrupted.
    """
    environ = dict(os.environ)
    out, err = consoles(use_color(args.color, sys.stdout, environ),
                        use_color(args.color, sys.stderr, environ))
    exclusive = [name for name, on in (("--yes", args.yes), ("--diff", args.diff),
                                       ("--check", args.check)) if on]
    if exclusive not in ([], ["--yes"], ["--diff"], ["--check"], ["--diff", "--check"]):
        err.print(f"error: {' and '.join(exclusive)} cannot be combined")
        return USAGE
    try:
        stdin_path = stdin_target(args.paths, args.stdin_filename)
    except ValueError as exc:
        err.print(f"error: {exc}")
        return USAGE
    if args.dry_run and stdin_path is not None:
        err.print("error: --dry-run estimates a run over files, not code on stdin")
        return USAGE
    targets: list[Path] = args.paths or [Path(".")]
    walked: list[Finding] = []  # links leaving the folders given, ignore patterns not applied
    start = stdin_path if stdin_path is not None else targets[0]
    try:
        settings = load_settings(
            start, {"provider": args.provider, "model": args.model, "base_url": args.base_url,
                    "width": args.width, "only_missing": args.only_missing,
                    "all_defs": args.all_defs, "rewrite": args.rewrite,
                    "exclude": flag_list(args.exclude),
                    "extend_exclude": flag_list(args.extend_exclude),
                    "force_exclude": args.force_exclude,
                    "concurrency": args.concurrency, "requests_per_minute": args.rpm,
                    "timeout": args.timeout, "cache": False if args.no_cache else None,
                    "max_cost": args.max_cost,
                    "call_context": 0 if args.no_call_context else None},
            environ, args.config)
        for notice in settings.notices:  # even with -q: the run differs from the file
            err.print(notice)
        name = resolve_provider(settings, environ, None if args.quiet else err.print)
        chosen = make_provider(name, settings, environ, warn=err.print)
        batch = None
        if args.batch or args.batch_file is not None or args.batch_results:
            from llm_doc_manager.cli.batch import BatchRun  # the Batch API: docs/batch.md

            batch = BatchRun.from_args(args, chosen, settings, stdin_path is not None)
            chosen = batch.provider if batch is not None else chosen
        if stdin_path is None:
            files = iter_files(targets, settings.excluded, force_exclude=settings.force_exclude,
                               root=settings.root, problems=walked)
        elif args.since is not None:
            raise ConfigError("--since needs files: it cannot be combined with '-' (stdin)")
        since = changes_since(args.since, targets) if args.since is not None else None
    except (ConfigError, FileNotFoundError) as exc:
        err.print(f"error: {exc}")
        return USAGE
    if args.verbose:
        err.print(describe_config(settings.config_file, settings.width, settings.width_from))
        err.print(f"provider: {chosen.description}")
        log_requests(err)
    options = Options(width=settings.width, only_missing=settings.only_missing,
                      all_defs=settings.all_defs, placeholder=settings.placeholder,
                      rewrite=settings.rewrite, types=settings.types,
                      style=settings.style, conventions=settings.conventions,
                      scope=Scope.from_settings(settings))
    if stdin_path is not None:
        return _from_stdin(stdin_path, chosen, options, settings, args, out, err)
    calls = _call_context(files, targets, chosen, settings)
    if since is not None:  # after the call graph: unchanged files still call and are called
        files, only = changed_only(files, since)
        options = replace(options, only=only)
    if args.verbose and calls is not None:
        err.print(f"call context: {plural(calls.files, 'file')} indexed in "
                  f"{calls.seconds:.1f} s; up to {calls.chars} characters per prompt")
    # A batch run prices each submission itself, before it is sent (cli/batch.py).
    if (args.dry_run or settings.max_cost is not None) and batch is None:
        stop = _estimate_first(files, chosen, options, settings, args.dry_run, calls, out, err)
        if stop is not None:
            return stop
    tally: Tally
    if not chosen.needs_code or args.quiet or batch is not None:
        tally = Tally(chosen.usage)  # the offline provider finishes before a bar would draw
    elif err.is_terminal:
        tally = BarProgress(chosen.usage, err)
    else:
        tally = PlainProgress(chosen.usage, err)
    if batch is not None:
        from llm_doc_manager.providers.batch import Busy

        try:
            batch.hold()
        except Busy as exc:  # another run applies the same state: refused, not waited for
            err.print(f"error: {exc}; nothing was sent or written.")
            return FINDINGS
        except ConfigError as exc:
            err.print(f"error: {exc}")
            return USAGE
    try:
        with tally, _ctrl_c_interrupts():
            results = asyncio.run(_run_all(files, chosen, options, settings, tally,
                                           args.jobs or os.cpu_count() or 1, calls))
            again = batch.after(results, err) if batch is not None else None
            if batch is not None and batch.done:
                return batch.code
            if batch is not None and again is not None:  # the batch's answers are in
                chosen = again
                results = asyncio.run(_run_all(files, chosen, options, settings,
                                               Tally(chosen.usage), 1, calls))
                batch.next_wave(err)
                if batch.done:  # a batch dry run's estimate of its later waves: nothing to apply
                    return batch.code
    except KeyboardInterrupt:
        if args.dry_run:  # a batch dry run's first pass (tiktoken may be downloading)
            err.print("Interrupted while estimating the run; nothing was sent or written.")
            return INTERRUPTED
        err.print(f"Interrupted after {tally.done} of {tally.total} regions; nothing was "
                  "written." + (" Answers received so far are cached: a re-run resumes "
                                "from there." if chosen.needs_code and settings.cache else ""))
        if chosen.needs_code:
            err.print(usage_line(chosen.usage, chosen))
        return INTERRUPTED
    except FatalProviderError as exc:
        err.print(f"error: {exc}; nothing was written.")
        return USAGE
    finally:
        if batch is not None:
            batch.close()

    report = Report()
    report.findings += walked
    changes = report.add(results)
    mode = (WriteBack.CHECK if args.check else WriteBack.DIFF if args.diff
            else WriteBack.YES if args.yes else WriteBack.REVIEW)
    apply_changes(changes, mode, out, err, report, quiet=args.quiet, diff=args.diff,
                  hint="Use --yes to apply the changes, or --diff to see them.")
    if mode is WriteBack.YES and chosen.local and settings.cache and options.only is None:
        _remember_written(changes, report, chosen, options, settings)
    verb = "would change" if mode in (WriteBack.CHECK, WriteBack.DIFF) or report.pending \
        else "changed"
    for finding in sorted(report.findings):
        err.print(finding.render())
    stopped = getattr(chosen, "stop_notice", None)  # a model run cut short: said once
    if callable(stopped) and stopped():
        err.print(stopped())
    if args.verbose:
        for line in gate_list(results):
            err.print(line)
    if not args.quiet:
        err.print(summary_line(report, verb))
        gated = gate_line(results)
        if gated:
            err.print(gated)
        if chosen.needs_code:
            err.print(usage_line(chosen.usage, chosen))
    if report.interrupted:
        return INTERRUPTED
    return FINDINGS if report.findings or report.pending else 0


# How each kind of part the gate drops is counted in the summary (singular, plural).
_PARTS = {"raises": ("raises", "raises"), "argument": ("argument", "arguments"),
          "type": ("type", "types"), "returns": ("returns", "returns"),
          "yields": ("yields", "yields"), "attribute": ("attribute", "attributes"),
          "summary": ("summary", "summaries"), "description": ("description", "descriptions"),
          "text": ("text", "texts"), "example": ("example", "examples")}


def gate_line(results: list[FileResult]) -> str:
    """The summary's count of what the gate dropped from the model's answers ("" if nothing)."""
    counts: dict[str, int] = {}
    for result in results:
        for region in result.regions if isinstance(result, FileChange) else ():
            for part in region.dropped:
                counts[part.what] = counts.get(part.what, 0) + 1
    if not counts:
        return ""
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    parts = ", ".join(f"{n} {_PARTS.get(what, (what, what))[n != 1]}" for what, n in ordered)
    return f"gate: {sum(counts.values())} dropped ({parts})"


def gate_list(results: list[FileResult], shown_as: Path | None = None) -> list[str]:
    """One line per part the gate dropped: ``path:line: qualname: what 'name': why``.

    ``shown_as`` names the file instead of its path (the buffer a stdin copy stands for).
    """
    lines = []
    for result in results:
        if not isinstance(result, FileChange):
            continue
        for region in result.regions:
            lines += [f"{visible(str(shown_as or result.source.path))}:{region.line}: "
                      f"{visible(region.qualname)}: gate dropped {part.what} "
                      f"{visible(repr(part.name))}: {visible(part.why)}"
                      for part in region.dropped]
    return lines


def _remember_written(changes: list[FileChange], report: Report, provider: Provider,
                      options: Options, settings: Settings) -> None:
    """Record the files an offline run wrote, as written, as clean (see ``KnownClean``)."""
    # --yes writes every region's edits (a review may leave some out: not recorded), and
    # only files written now (a file that changed on disk meanwhile was refused).
    written = [(change, report.digests[change.source.path]) for change in changes
               if change.source.path in report.digests]
    if written:
        store: ResultStore[str] = ResultStore(cache_dir(settings) / RESULTS_FILE)
        try:
            KnownClean(store, provider.name, options).remember_written(written)
        finally:
            store.close()


def _call_context(files: list[Path], given: list[Path], provider: Provider,
                  settings: Settings) -> CallContext | None:
    """The call graph around the run's files, when a model reads the prompts."""
    if not provider.needs_code or settings.call_context <= 0 or not files:
        return None
    from llm_doc_manager.callgraph.project import INDEX_FILE

    cache = cache_dir(settings) / INDEX_FILE if settings.cache else None
    return load_call_context(files, given, settings.excluded, settings.root, cache,
                             settings.call_context, settings.call_context_callers)


def _from_stdin(path: Path, provider: Provider, options: Options, settings: Settings,
                args: argparse.Namespace, out: Console, err: Console) -> int:
    """Document code read from stdin and print the result (an editor's "format buffer").

    The code is processed in a private temporary folder under the name ``path`` has, so
    every check the files get (parse, verification, encoding) applies unchanged.
    """
    raw = sys.stdin.buffer.read()
    if settings.force_exclude and is_excluded(path, settings.excluded, settings.root):
        # Excluded: the code goes back as it came (black's rule for --stdin-filename).
        sys.stdout.buffer.write(raw)
        return 0
    with tempfile.TemporaryDirectory(prefix="llm-doc-stdin-") as folder:
        copy = stdin_copy(folder, path, raw)
        try:
            # The buffer's own calls only: the copy stands alone in its folder.
            calls = _call_context([copy], [], provider, settings)
            results = asyncio.run(_run_all([copy], provider, options, settings, Tally(
                provider.usage), 1, calls))
        except FatalProviderError as exc:
            err.print(f"error: {exc}")
            return USAGE
        report = Report()
        changes = report.add(results)
        findings = [replace(f, path=path) for f in report.findings]
        for finding in sorted(findings):
            err.print(finding.render())
        if args.verbose:  # the temporary copy's path is not the buffer's
            for line in gate_list(results, path):
                err.print(line)
        if args.diff or args.check:
            if args.diff and changes:
                print_diff(out, unified_diff(str(path), changes[0].source.text,
                                             changes[0].new_text))
            return FINDINGS if findings or (args.check and changes) else 0
        sys.stdout.buffer.write(changes[0].source.encode(changes[0].new_text) if changes
                                else raw)
        sys.stdout.flush()
    return FINDINGS if findings else 0


def _estimate_first(files: list[Path], provider: Provider, options: Options,  # noqa: LD341 - said and turned into exit codes
                   settings: Settings, dry_run: bool, calls: CallContext | None,
                   out: Console, err: Console) -> int | None:
    """The exit code after a run that sends nothing (a dry run, max-cost's check), or None."""
    # Every region goes through the same planning, call context and answer cache as in a
    # real run; a region the cache does not answer is counted, not sent (providers.cost).
    from llm_doc_manager.providers.cost import (
        DryRun,
        describe,
        dollars,
        tokenizer_for,
        unpriced,
    )
    from llm_doc_manager.providers.model import ModelProvider

    model = getattr(provider, "inner", provider)
    if not provider.needs_code:  # the offline provider asks no one
        if dry_run:
            out.print(f"dry run: the {provider.name} provider works offline: 0 requests, "
                      "nothing is sent, cost $0")
            return 0
        return None
    if not isinstance(model, ModelProvider):  # a stand-in (the Batch API's) is not priced
        err.print("error: --dry-run and max-cost estimate a run that asks the model directly, "
                  "not this one")
        return USAGE
    price, cap = model.settings.price, settings.max_cost
    if cap is not None and price is None:
        err.print(f"error: {unpriced(model.model)}")
        return USAGE
    hits = provider.usage.cache_hits
    model.dry_run = True
    try:
        with _ctrl_c_interrupts():
            # Once a run, bounded (tiktoken may download); Ctrl-C meanwhile is an interrupt.
            model.tokens = tokenizer_for(model.settings.kind, model.model, settings.azure_model)
            results = asyncio.run(run_files(files, DryRun(provider), options,
                                            concurrency=settings.concurrency, calls=calls))
    except KeyboardInterrupt:
        err.print("Interrupted while estimating the run; nothing was sent or written.")
        return INTERRUPTED
    finally:
        model.dry_run = False
    cached, provider.usage.cache_hits = provider.usage.cache_hits - hits, hits
    estimate = model.estimate
    report = Report()
    report.add([r for r in results if not isinstance(r, FileChange)])
    for finding in sorted(report.findings):  # files that cannot be read or parsed
        err.print(finding.render())
    if dry_run:
        priced = settings.azure_model if model.settings.kind == "azure" and \
            settings.azure_model else model.model  # the price's model (azure-model)
        for line in describe(estimate, cached, priced, price, model.tokens):
            out.print(line, highlight=False)
    if cap is not None and price is not None and \
            price.cost(estimate.prompt_tokens, estimate.completion_tokens) > cap:
        err.print(f"stopped before starting: the estimated cost "
                  f"{dollars(price.cost(estimate.prompt_tokens, estimate.completion_tokens))} "
                  f"of {plural(estimate.requests, 'request')} is over max-cost "
                  f"{dollars(cap)}; nothing was sent")
        return FINDINGS
    if dry_run:
        return FINDINGS if report.findings else 0
    return None
