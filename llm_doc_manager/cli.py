"""The ``llm-doc`` command line (a thin layer over the pipeline)."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from llm_doc_manager import __version__, errors
from llm_doc_manager.cache import AnswerCache, cache_dir
from llm_doc_manager.config import Settings, load_settings
from llm_doc_manager.discovery import iter_files
from llm_doc_manager.errors import ConfigError, FatalProviderError, Finding
from llm_doc_manager.files import StaleFileError, write_atomic
from llm_doc_manager.pipeline import (
    FileChange,
    FileError,
    FileResult,
    Options,
    Progress,
    RegionResult,
    Status,
    run_files,
)
from llm_doc_manager.progress import BarProgress, PlainProgress, Tally
from llm_doc_manager.providers import Provider, Usage, make_provider
from llm_doc_manager.review import Answer, ask, print_diff, unified_diff

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Write and maintain Google-style docstrings in place.")


@dataclass
class Report:
    """What a run did, for the closing summary and the exit code.

    Attributes:
        findings (list[Finding]): Problems to report.
        statuses (Counter[Status]): Region outcomes.
        files_changed (int): Files written (or that would be).
    """

    findings: list[Finding] = field(default_factory=list)
    statuses: Counter[Status] = field(default_factory=Counter)
    files_changed: int = 0


def _version(value: bool) -> None:
    if value:
        typer.echo(f"llm-doc {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    """Write and maintain Google-style docstrings in place."""


def resolve_provider(settings: Settings, environ: dict[str, str], err: Console,
                     quiet: bool) -> str:
    """Pick the provider: configured, else ``openai`` with a key, else ``static``.

    Args:
        settings (Settings): The run's settings.
        environ (dict[str, str]): Environment variables.
        err (Console): Where to say which default was taken.
        quiet (bool): Say nothing.

    Returns:
        str: The provider name.
    """
    if settings.provider:
        return settings.provider
    if environ.get("OPENAI_API_KEY"):
        return "openai"
    if not quiet:
        err.print("No provider configured and OPENAI_API_KEY is not set: using the offline "
                  "'static' provider.", highlight=False)
    return "static"


async def _run_all(files: list[Path], provider: Provider, options: Options, concurrency: int,
                   progress: Progress) -> list[FileResult]:
    try:
        return await run_files(files, provider, options, concurrency=concurrency,
                               progress=progress)
    finally:
        await provider.aclose()


class _ConsoleHandler(logging.Handler):
    """Request log lines through the rich console, so they print above a live bar."""

    def __init__(self, console: Console) -> None:
        super().__init__()
        self.console = console

    def emit(self, record: logging.LogRecord) -> None:
        self.console.print(self.format(record), highlight=False, markup=False)


def _log_requests(err: Console) -> None:
    logger = logging.getLogger("llm_doc_manager.requests")
    handler = _ConsoleHandler(err)
    handler.setFormatter(logging.Formatter("request: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)


def _usage_line(usage: Usage) -> str:
    return (f"model: {usage.requests} request{'s' if usage.requests != 1 else ''}"
            f" ({usage.retries} retries), {usage.prompt_tokens} prompt + "
            f"{usage.completion_tokens} completion tokens; {usage.cache_hits} region"
            f"{'s' if usage.cache_hits != 1 else ''} from the cache")


def write_change(change: FileChange, text: str, report: Report) -> bool:
    """Write a file atomically; a stale or unwritable file becomes a finding.

    Args:
        change (FileChange): The processed file.
        text (str): The text to write.
        report (Report): Where problems and counts go.

    Returns:
        bool: True if the file was written.
    """
    try:
        write_atomic(change.source, text)
    except StaleFileError as exc:
        report.findings.append(Finding(change.source.path, 0, 0, errors.CHANGED_ON_DISK,
                                       str(exc)))
        return False
    except OSError as exc:
        report.findings.append(Finding(change.source.path, 0, 0, errors.WRITE_ERROR,
                                       f"cannot write: {exc.strerror or exc}"))
        return False
    report.files_changed += 1
    return True


def review_changes(changes: list[FileChange], out: Console, err: Console,
                   report: Report) -> None:
    """Show each region's diff and ask y/n/a/q; write what was accepted.

    Args:
        changes (list[FileChange]): Files with changes.
        out (Console): Where diffs go.
        err (Console): Where questions go.
        report (Report): Where problems and counts go.
    """
    accept_all = False
    for change in changes:
        accepted: list[RegionResult] = []
        quit_now = False
        for region in (r for r in change.regions if r.edits):
            if not accept_all:
                diff = unified_diff(str(change.source.path), change.source.text,
                                    change.text_with([region]))
                err.print(f"\n{change.source.path}:{region.line}: {region.status.value} "
                          f"{region.kind.value} docstring for {region.qualname}"
                          if region.kind.value != "comm" else
                          f"\n{change.source.path}:{region.line}: comment", highlight=False)
                print_diff(out, diff)
                answer = ask(err)
                if answer is Answer.QUIT:
                    quit_now = True
                    break
                if answer is Answer.NO:
                    continue
                accept_all = answer is Answer.ALL
            accepted.append(region)
        if accepted:
            write_change(change, change.text_with(accepted), report)
        if quit_now:
            err.print("Stopped; the changes accepted so far were written.", highlight=False)
            return


def summary_line(report: Report, verb: str) -> str:
    """Describe a run in one line.

    Args:
        report (Report): What it did.
        verb (str): ``changed`` or ``would change``.

    Returns:
        str: The line.
    """
    counts = report.statuses
    files = report.files_changed
    return (f"{files} file{'s' if files != 1 else ''} {verb}; regions: "
            f"{counts[Status.GENERATED]} generated, {counts[Status.UPDATED]} updated, "
            f"{counts[Status.UNCHANGED]} unchanged, {counts[Status.FAILED]} failed"
            + (f"; {len(report.findings)} problem{'s' if len(report.findings) != 1 else ''}"
               if report.findings else ""))


@app.command()
def generate(
    paths: Annotated[list[Path] | None, typer.Argument(
        help="Files or folders (default: the current folder).")] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Apply without asking.")] = False,
    diff: Annotated[bool, typer.Option("--diff", help="Print the diff; write nothing.")] = False,
    check: Annotated[bool, typer.Option(
        "--check", help="Write nothing; exit 1 if anything would change.")] = False,
    only_missing: Annotated[bool | None, typer.Option(
        "--only-missing", help="Leave existing docstrings and comments alone.")] = None,
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
        "--no-cache", help="Neither read nor write the answer cache.")] = False,
    verbose: Annotated[bool, typer.Option(
        "--verbose", "-v", help="Log every model request (the API key is never shown).")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only report problems.")] = False,
) -> None:
    """Write or update the docstrings and comments of marked regions."""
    err = Console(stderr=True, soft_wrap=True, markup=False, highlight=False)
    out = Console(soft_wrap=True, markup=False, highlight=False)
    targets = paths or [Path(".")]
    exclusive = [name for name, on in (("--yes", yes), ("--diff", diff), ("--check", check)) if on]
    if len(exclusive) > 1:
        err.print(f"error: {' and '.join(exclusive)} cannot be combined", highlight=False)
        raise typer.Exit(2)
    try:
        settings = load_settings(
            targets[0], {"provider": provider, "model": model, "base_url": base_url,
                         "width": width, "only_missing": only_missing, "all_defs": all_defs,
                         "concurrency": concurrency, "requests_per_minute": rpm,
                         "timeout": timeout, "cache": False if no_cache else None},
            dict(os.environ), config)
        chosen = make_provider(resolve_provider(settings, dict(os.environ), err, quiet),
                               settings, dict(os.environ), warn=err.print)
        files = iter_files(targets, settings.exclude)
    except (ConfigError, FileNotFoundError) as exc:
        err.print(f"error: {exc}", highlight=False)
        raise typer.Exit(2) from None

    if verbose:
        _log_requests(err)
    options = Options(width=settings.width, only_missing=settings.only_missing,
                      all_defs=settings.all_defs)
    tally: Tally
    if not chosen.needs_code or quiet:
        tally = Tally(chosen.usage)  # the offline provider finishes before a bar would draw
    elif err.is_terminal:
        tally = BarProgress(chosen.usage, err)
    else:
        tally = PlainProgress(chosen.usage, err)
    try:
        with tally:
            results = asyncio.run(_run_all(files, chosen, options, settings.concurrency,
                                           tally))
    except KeyboardInterrupt:
        err.print(f"Interrupted after {tally.done} of {tally.total} regions; nothing was "
                  "written." + (" Answers received so far are cached: a re-run resumes "
                                "from there." if chosen.needs_code and settings.cache else ""),
                  highlight=False)
        if chosen.needs_code:
            err.print(_usage_line(chosen.usage), highlight=False)
        raise typer.Exit(130) from None
    except FatalProviderError as exc:
        err.print(f"error: {exc}; nothing was written.", highlight=False)
        raise typer.Exit(2) from None

    report = Report()
    changes: list[FileChange] = []
    for result in results:
        if isinstance(result, FileError):
            report.findings.extend(result.findings)
            continue
        report.statuses.update(r.status for r in result.regions)
        report.findings.extend(result.findings)
        if result.changed:
            changes.append(result)

    pending = False
    if check or diff:
        report.files_changed = len(changes)
        for change in changes:
            if diff:
                print_diff(out, unified_diff(str(change.source.path), change.source.text,
                                             change.new_text))
            elif not quiet:
                err.print(f"would change {change.source.path}", highlight=False)
        pending = check and bool(changes)
        verb = "would change"
    elif yes:
        for change in changes:
            write_change(change, change.new_text, report)
        verb = "changed"
    elif changes and not sys.stdin.isatty():
        err.print("stdin is not a terminal: nothing was written. Use --yes to apply the "
                  "changes, or --diff to see them.", highlight=False)
        report.files_changed = len(changes)
        pending = True
        verb = "would change"
    else:
        review_changes(changes, out, err, report)
        verb = "changed"

    for finding in sorted(report.findings):
        err.print(finding.render(), highlight=False, markup=False)
    if not quiet:
        err.print(summary_line(report, verb), highlight=False)
        if chosen.needs_code:
            err.print(_usage_line(chosen.usage), highlight=False)
    raise typer.Exit(1 if report.findings or pending else 0)


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True,
                                "help_option_names": []}, add_help_option=False)
def validate(ctx: typer.Context) -> None:
    """Check docstrings against the code, offline (see llm-doc validate --help)."""
    from llm_doc_manager.validate_cli import main as run

    raise typer.Exit(run(ctx.args))


cache_app = typer.Typer(no_args_is_help=True, help="Inspect or clear the model answer cache.")
app.add_typer(cache_app, name="cache")


def _open_cache(config: Path | None) -> AnswerCache:
    err = Console(stderr=True, soft_wrap=True, markup=False, highlight=False)
    try:
        settings = load_settings(Path("."), {}, dict(os.environ), config)
    except ConfigError as exc:
        err.print(f"error: {exc}", highlight=False)
        raise typer.Exit(2) from None
    return AnswerCache(cache_dir(settings), settings.cache_max_mb, warn=err.print)


_CONFIG_OPTION = typer.Option("--config", help="Use this pyproject.toml instead of searching.")


@cache_app.command("stats")
def cache_stats(config: Annotated[Path | None, _CONFIG_OPTION] = None) -> None:
    """Show where the cache is, its size and its hit rate."""
    cache = _open_cache(config)
    stats = cache.stats()
    cache.close()
    lookups = stats.hits + stats.misses
    rate = f"{100 * stats.hits / lookups:.0f}%" if lookups else "n/a"
    typer.echo(f"location: {stats.path}\n"
               f"entries:  {stats.entries}\n"
               f"size:     {stats.size / 2**20:.1f} MiB of {stats.max_size / 2**20:.0f} MiB\n"
               f"hits:     {stats.hits}\n"
               f"misses:   {stats.misses}\n"
               f"hit rate: {rate}")


@cache_app.command("clear")
def cache_clear(config: Annotated[Path | None, _CONFIG_OPTION] = None) -> None:
    """Remove every cached answer."""
    cache = _open_cache(config)
    removed = cache.clear()
    cache.close()
    typer.echo(f"removed {removed} entr{'y' if removed == 1 else 'ies'} from {cache.path}")


def main() -> None:
    """Run the ``llm-doc`` command."""
    app()
