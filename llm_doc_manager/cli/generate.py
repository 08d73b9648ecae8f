"""``llm-doc generate``: write or update docstrings and comments, after review."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import Annotated

import typer

from llm_doc_manager.cli.apply import Report, WriteBack, apply_changes, summary_line
from llm_doc_manager.cli.console import consoles, log_requests
from llm_doc_manager.cli.progress import BarProgress, PlainProgress, Tally
from llm_doc_manager.cli.text import plural
from llm_doc_manager.config import Settings, load_settings
from llm_doc_manager.errors import ConfigError, FatalProviderError
from llm_doc_manager.generate import FileResult, Options, RunObserver, run_files
from llm_doc_manager.generate.known import RESULTS_FILE
from llm_doc_manager.providers import Provider, Usage, make_provider
from llm_doc_manager.source import iter_files
from llm_doc_manager.store import ResultStore, cache_dir


def resolve_provider(settings: Settings, environ: dict[str, str],
                     say: Callable[[str], object] | None = None) -> str:
    """Pick the provider: configured, else ``openai`` with a key, else ``static``."""
    if settings.provider:
        return settings.provider
    if environ.get("OPENAI_API_KEY"):
        return "openai"
    if say is not None:
        say("No provider configured and OPENAI_API_KEY is not set: using the offline "
            "'static' provider.")
    return "static"


async def _run_all(files: list[Path], provider: Provider, options: Options,
                   settings: Settings, observer: RunObserver, jobs: int) -> list[FileResult]:
    known = ResultStore(cache_dir(settings) / RESULTS_FILE
                        if settings.cache and provider.local else None)
    try:
        return await run_files(files, provider, options, concurrency=settings.concurrency,
                               observer=observer, jobs=jobs, known=known)
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
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def usage_line(usage: Usage) -> str:
    """The closing line of a model run: requests, retries, tokens, cache hits."""
    return (f"model: {plural(usage.requests, 'request')} ({usage.retries} retries), "
            f"{usage.prompt_tokens} prompt + {usage.completion_tokens} completion tokens; "
            f"{plural(usage.cache_hits, 'region')} from the cache")


def generate(
    paths: Annotated[list[Path] | None, typer.Argument(
        help="Files or folders (default: the current folder).")] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Apply without asking.")] = False,
    diff: Annotated[bool, typer.Option("--diff", help="Print the diff; write nothing.")] = False,
    check: Annotated[bool, typer.Option(
        "--check", help="Write nothing; exit 1 if anything would change.")] = False,
    only_missing: Annotated[bool | None, typer.Option(
        "--only-missing", help="Leave existing docstrings and comments alone.")] = None,
    rewrite: Annotated[bool | None, typer.Option(
        "--rewrite", help="Let a model revise existing docstrings; by default only what is "
        "missing is added and every word written by a person stays.")] = None,
    all_defs: Annotated[bool | None, typer.Option(
        "--all", help="Treat every def and class as marked.")] = None,
    provider: Annotated[str | None, typer.Option(
        "--provider", help="static (offline), openai or azure.")] = None,
    model: Annotated[str | None, typer.Option("--model", help="Model name.")] = None,
    base_url: Annotated[str | None, typer.Option(
        "--base-url", help="OpenAI-compatible server URL.")] = None,
    width: Annotated[int | None, typer.Option(
        "--width", help="Maximum docstring line width (default 79).")] = None,
    config: Annotated[Path | None, typer.Option(
        "--config", help="Use this pyproject.toml instead of searching.")] = None,
    concurrency: Annotated[int | None, typer.Option(
        "--concurrency", help="Most model requests in flight (default 8).")] = None,
    rpm: Annotated[float | None, typer.Option(
        "--rpm", help="Most model requests started per minute (default: no limit).")] = None,
    timeout: Annotated[float | None, typer.Option(
        "--timeout", help="Seconds to wait for one model answer (default 60).")] = None,
    no_cache: Annotated[bool, typer.Option(
        "--no-cache", help="Neither read nor write the caches (model answers, clean files).")
    ] = False,
    verbose: Annotated[bool, typer.Option(
        "--verbose", "-v", help="Log every model request (the API key is never shown).")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only report problems.")] = False,
    jobs: Annotated[int, typer.Option(
        "--jobs", "-j", help="Worker processes for the offline provider (default: one per "
                             "core).")] = 0,
) -> None:
    """Write or update the docstrings and comments of marked regions."""
    out, err = consoles()
    targets = paths or [Path(".")]
    exclusive = [name for name, on in (("--yes", yes), ("--diff", diff), ("--check", check)) if on]
    if len(exclusive) > 1:
        err.print(f"error: {' and '.join(exclusive)} cannot be combined")
        raise typer.Exit(2)
    environ = dict(os.environ)
    try:
        settings = load_settings(
            targets[0], {"provider": provider, "model": model, "base_url": base_url,
                         "width": width, "only_missing": only_missing, "all_defs": all_defs,
                         "rewrite": rewrite,
                         "concurrency": concurrency, "requests_per_minute": rpm,
                         "timeout": timeout, "cache": False if no_cache else None},
            environ, config)
        name = resolve_provider(settings, environ, None if quiet else err.print)
        chosen = make_provider(name, settings, environ, warn=err.print)
        files = iter_files(targets, settings.exclude)
    except (ConfigError, FileNotFoundError) as exc:
        err.print(f"error: {exc}")
        raise typer.Exit(2) from None

    if verbose:
        log_requests(err)
    options = Options(width=settings.width, only_missing=settings.only_missing,
                      all_defs=settings.all_defs, placeholder=settings.placeholder,
                      rewrite=settings.rewrite)
    tally: Tally
    if not chosen.needs_code or quiet:
        tally = Tally(chosen.usage)  # the offline provider finishes before a bar would draw
    elif err.is_terminal:
        tally = BarProgress(chosen.usage, err)
    else:
        tally = PlainProgress(chosen.usage, err)
    try:
        with tally, _ctrl_c_interrupts():
            results = asyncio.run(_run_all(files, chosen, options, settings, tally,
                                           jobs or os.cpu_count() or 1))
    except KeyboardInterrupt:
        err.print(f"Interrupted after {tally.done} of {tally.total} regions; nothing was "
                  "written." + (" Answers received so far are cached: a re-run resumes "
                                "from there." if chosen.needs_code and settings.cache else ""))
        if chosen.needs_code:
            err.print(usage_line(chosen.usage))
        raise typer.Exit(130) from None
    except FatalProviderError as exc:
        err.print(f"error: {exc}; nothing was written.")
        raise typer.Exit(2) from None

    report = Report()
    changes = report.add(results)
    mode = (WriteBack.CHECK if check else WriteBack.DIFF if diff else WriteBack.YES if yes
            else WriteBack.REVIEW)
    apply_changes(changes, mode, out, err, report, quiet=quiet,
                  hint="Use --yes to apply the changes, or --diff to see them.")
    verb = "would change" if mode in (WriteBack.CHECK, WriteBack.DIFF) or report.pending \
        else "changed"
    for finding in sorted(report.findings):
        err.print(finding.render())
    if not quiet:
        err.print(summary_line(report, verb))
        if chosen.needs_code:
            err.print(usage_line(chosen.usage))
    raise typer.Exit(1 if report.findings or report.pending else 0)
