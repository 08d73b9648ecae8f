"""The ``llm-doc`` command line (a thin layer over the pipeline)."""

from __future__ import annotations

import asyncio
import os
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from llm_doc_manager import __version__, errors
from llm_doc_manager.config import Settings, load_settings
from llm_doc_manager.discovery import iter_files
from llm_doc_manager.errors import ConfigError, Finding
from llm_doc_manager.files import StaleFileError, write_atomic
from llm_doc_manager.pipeline import (
    FileChange,
    FileError,
    FileResult,
    Options,
    RegionResult,
    Status,
    process_file,
)
from llm_doc_manager.providers import Provider, make_provider
from llm_doc_manager.review import Answer, ask, print_diff, unified_diff

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Write and maintain Google-style docstrings in place.")


@dataclass
class _Report:
    """What a run did, for the closing summary and the exit code."""

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


async def _run_all(files: list[Path], provider: Provider, options: Options) -> list[FileResult]:
    try:
        return [await process_file(path, provider, options) for path in files]
    finally:
        await provider.aclose()


def _write(change: FileChange, text: str, report: _Report) -> bool:
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


def _review(changes: list[FileChange], out: Console, err: Console, report: _Report) -> None:
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
            _write(change, change.text_with(accepted), report)
        if quit_now:
            err.print("Stopped; the changes accepted so far were written.", highlight=False)
            return


def _summary(report: _Report, verb: str) -> str:
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
        "--provider", help="static (offline) or openai.")] = None,
    model: Annotated[str | None, typer.Option("--model", help="Model name.")] = None,
    base_url: Annotated[str | None, typer.Option(
        "--base-url", help="OpenAI-compatible server URL.")] = None,
    width: Annotated[int | None, typer.Option(
        "--width", help="Maximum docstring line width (default 79).")] = None,
    config: Annotated[Path | None, typer.Option(
        "--config", help="Use this pyproject.toml instead of searching.")] = None,
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
                         "width": width, "only_missing": only_missing, "all_defs": all_defs},
            dict(os.environ), config)
        chosen = make_provider(resolve_provider(settings, dict(os.environ), err, quiet))
        files = iter_files(targets, settings.exclude)
    except (ConfigError, FileNotFoundError) as exc:
        err.print(f"error: {exc}", highlight=False)
        raise typer.Exit(2) from None

    options = Options(width=settings.width, only_missing=settings.only_missing,
                      all_defs=settings.all_defs)
    try:
        results = asyncio.run(_run_all(files, chosen, options))
    except KeyboardInterrupt:
        err.print("Interrupted; nothing was written.", highlight=False)
        raise typer.Exit(130) from None

    report = _Report()
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
            _write(change, change.new_text, report)
        verb = "changed"
    elif changes and not sys.stdin.isatty():
        err.print("stdin is not a terminal: nothing was written. Use --yes to apply the "
                  "changes, or --diff to see them.", highlight=False)
        report.files_changed = len(changes)
        pending = True
        verb = "would change"
    else:
        _review(changes, out, err, report)
        verb = "changed"

    for finding in sorted(report.findings):
        err.print(finding.render(), highlight=False, markup=False)
    if not quiet:
        err.print(_summary(report, verb), highlight=False)
    raise typer.Exit(1 if report.findings or pending else 0)


def main() -> None:
    """Run the ``llm-doc`` command."""
    app()
