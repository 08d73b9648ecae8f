"""``llm-doc report``: one Markdown (or JSON) document of a folder or a git repository."""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import stat
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from llm_doc_manager.cli.args import FINDINGS, USAGE, add_model_options
from llm_doc_manager.codes import visible

DESCRIPTION = (
    "Write one document of a folder or a repository URL: a table of contents, an overview "
    "(size, docstring coverage, most complex functions, entry points), and per file its "
    "summary, recent changes (git), a table of its classes and functions with complexity "
    "and callers/callees, a section per definition and the source (up to 512 KB; test "
    "files one row each unless --tests); past 1 MB, with -o FILE, an index and one page "
    "per file (-o NAME.md: NAME.pages/; --pages, --single). The code is read, never "
    "run. A URL (https://, ssh://, user@host:path, file://) is cloned into a temporary "
    "folder that is removed afterwards. Exit 0 written, 1 some files could not be analysed, "
    "a model request failed or the clone failed, 2 usage error or the model cannot be "
    "reached.")


def configure(parser: argparse.ArgumentParser) -> None:
    """Add ``report``'s arguments to ``parser``."""
    parser.add_argument("source", metavar="PATH_OR_URL", help="a folder or a repository URL")
    output = parser.add_argument_group("output")
    output.add_argument("-o", "--output", default="-", metavar="FILE",
                        help="where to write the document ('-': standard output, the "
                             "default)")
    output.add_argument("--format", choices=("md", "json"), default="md",
                        help="Markdown (default) or JSON")
    sources = output.add_mutually_exclusive_group()
    sources.add_argument("--no-source", action="store_true",
                         help="leave the files' source out")
    sources.add_argument("--source", action="store_true", dest="all_source",
                         help="show the files' source whatever its size (default: while it "
                              "is under 512 KB)")
    layout = output.add_mutually_exclusive_group()
    layout.add_argument("--pages", action="store_true",
                        help="write an index (-o NAME.md) and one page per file in the "
                             "folder NAME.pages/ beside it (default: when one document "
                             "would pass 1 MB, GitHub's rendering limit, and -o names a "
                             "file)")
    layout.add_argument("--single", action="store_true",
                        help="write one document whatever its size")
    output.add_argument("--tests", action="store_true",
                        help="show test files in full (default: one summary row each)")
    output.add_argument("--history", type=int, default=5, metavar="N",
                        help="newest commits shown per file (default 5; 0: none)")
    output.add_argument("--timestamp", action="store_true",
                        help="print today's date in the metadata (runs then differ by date)")
    where = parser.add_argument_group("input")
    where.add_argument("--exclude", action="append", metavar="PATTERNS",
                       help="skip these gitignore-style patterns, comma-separated")
    where.add_argument("--depth", type=int, default=100, metavar="N",
                       help="commits of history to fetch when cloning a URL (default 100; 0: "
                            "all)")
    where.add_argument("--ref", metavar="REF",
                       help="branch, tag or commit to check out when cloning a URL")
    model = add_model_options(
        parser.add_argument_group("summaries by a model (for what has no docstring)"),
        "static (offline, the default: docstrings only), openai or azure")
    model.add_argument("--no-cache", action="store_true", help="neither read nor write the "
                       "answer cache")
    model.add_argument("--dry-run", action="store_true",
                       help="print the requests a model run would send, an estimate of their "
                            "tokens and cost, and stop (nothing is sent or written)")
    model.add_argument("--config", type=Path, metavar="FILE",
                       help="use this pyproject.toml (default: the folder's; for a URL, the "
                            "current folder's, never the clone's)")


def run(args: argparse.Namespace) -> int:  # noqa: LD341 - each is caught and reported
    """Run ``llm-doc report``."""
    from llm_doc_manager.config import flag_list
    from llm_doc_manager.errors import ConfigError, FatalProviderError
    from llm_doc_manager.report import collect
    from llm_doc_manager.report.origin import OriginError, check, checkout
    from llm_doc_manager.report.render import (
        PAGE_LIMIT,
        SOURCE_BUDGET,
        Options,
        as_json,
        markdown,
        pages,
    )

    if args.history < 0 or args.depth < 0:
        print("llm-doc report: error: --history and --depth must be 0 or more",
              file=sys.stderr)
        return USAGE
    if args.pages and (args.format == "json" or not _a_file(args.output)):
        print("llm-doc report: error: --pages writes Markdown pages in a folder beside the "
              "index: it needs --format md and -o FILE (a file, not '-' or a device)",
              file=sys.stderr)
        return USAGE
    try:
        origin = check(args.source)
        # A clone's own configuration is never read: it could point the model requests,
        # and the API key with them, at another server.
        settings, provider = _provider(args, origin.path or Path.cwd())
        with checkout(origin, args.depth, args.ref) as folder:
            name = origin.shown.rstrip("/").rsplit("/", 1)[-1].removesuffix(".git") \
                if origin.url is not None else None
            project = collect(folder, flag_list(args.exclude) or (), args.history, name,
                              facts=provider is not None)
    except OriginError as exc:
        print(f"llm-doc report: {'error: ' if exc.usage else ''}{exc}", file=sys.stderr)
        return USAGE if exc.usage else FINDINGS
    except ConfigError as exc:
        print(f"llm-doc report: error: {exc}", file=sys.stderr)
        return USAGE
    failed_asks: list[str] = []
    label = ""
    if provider is not None:
        label = f"{provider.name}, model {provider.model}"
        try:
            outcome = _ask(args, project, provider, settings)
        except FatalProviderError as exc:
            print(f"llm-doc report: error: {exc}; nothing was written", file=sys.stderr)
            return USAGE
        if outcome is None:
            return 0  # --dry-run
        failed_asks = outcome
    options = Options(source=not args.no_source, provider=label, tests=args.tests,
                      source_budget=None if args.all_source else SOURCE_BUDGET,
                      generated=datetime.date.today().isoformat() if args.timestamp else None,
                      origin=origin.shown if origin.url is not None else "",
                      depth=args.depth if origin.url is not None and args.depth else None)
    written: dict[str, str] | None = None
    if args.format == "json":
        document = as_json(project, options)
    else:
        document = "" if args.pages else markdown(project, options)
        big = len(document.encode("utf-8", "surrogatepass")) > PAGE_LIMIT
        if args.pages or (big and not args.single and _a_file(args.output)):
            # Through a link, the index and its pages are written beside its target.
            index = Path(os.path.realpath(args.output))
            written = pages(project, replace(options, source_budget=None if args.all_source
                                             else PAGE_LIMIT), index.name, _folder(index))
        elif big:
            print(f"llm-doc report: note: the document is {len(document) // 1000} KB, past "
                  f"the {PAGE_LIMIT // 1000} KB GitHub renders; -o FILE writes an index "
                  "and one page per file", file=sys.stderr)
    failed = [f for f in project.files if f.error]
    for report in failed:
        print(f"{visible(report.path)}:{report.error_line}: not analysed: "
              f"{visible(report.error)}", file=sys.stderr)
    for path, why in project.skipped:
        print(f"{visible(path)}: skipped: {visible(why)}", file=sys.stderr)
    for message in failed_asks:
        print(f"{message} (no analysis)", file=sys.stderr)
    try:
        if written is not None:
            _write_pages(Path(args.output), written)
        elif args.output == "-":
            sys.stdout.write(document)
            sys.stdout.flush()
        else:
            _write(Path(args.output), document)
    except (OSError, _NotPages) as exc:
        print(f"llm-doc report: error: cannot write {visible(args.output)}: "
              f"{visible(str(exc.strerror if isinstance(exc, OSError) and exc.strerror else exc))}",
              file=sys.stderr)
        return USAGE
    return FINDINGS if failed or failed_asks else 0


def _a_file(output: str) -> bool:
    """Whether ``-o`` names a file to (re)place, not standard output or a device/FIFO."""
    if output == "-":
        return False
    try:
        return stat.S_ISREG(os.stat(output).st_mode)
    except OSError:  # not there yet (or not reachable: writing will say why)
        return True


def _folder(index: Path) -> str:
    """The pages' folder name beside the index ``report.md``: ``report.pages``."""
    return f"{index.stem or index.name}.pages"


class _NotPages(Exception):
    """The pages' folder exists and holds something else than pages: not replaced."""


def _write_pages(index: Path, documents: dict[str, str]) -> None:
    """Write the pages' folder whole (a new folder renamed into place), then the index.

    A folder already there is replaced only when it holds nothing but ``.md`` files (the
    pages of an earlier run): anything else is the user's, and nothing is written.
    """
    target = Path(os.path.realpath(index))
    folder = target.parent / _folder(target)
    if folder.is_symlink() or (folder.exists() and (not folder.is_dir() or any(
            not (entry.is_file(follow_symlinks=False) and entry.name.endswith(".md"))
            for entry in os.scandir(folder)))):
        raise _NotPages(f"{folder} exists and holds more than the pages of a report: "
                        "not replaced (remove it, choose another -o, or --single)")
    umask = os.umask(0)
    os.umask(umask)
    fresh = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=target.parent))
    old: Path | None = None
    try:
        os.chmod(fresh, 0o777 & ~umask)
        for name, text in documents.items():
            if "/" in name:
                page = fresh / name.split("/", 1)[1]
                with open(page, "w", encoding="utf-8", newline="\n") as out:
                    out.write(text)
                os.chmod(page, 0o666 & ~umask)
        if folder.exists():
            # rename() replaces an empty folder: the old pages move aside whole.
            old = Path(tempfile.mkdtemp(prefix=f".{folder.name}.old.", dir=target.parent))
            os.rename(folder, old)
        os.rename(fresh, folder)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        if old is not None and not folder.exists():
            os.rename(old, folder)  # the earlier pages back
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    _write(target, documents[target.name])


def _provider(args: argparse.Namespace, start: Path) -> tuple[Any, Any]:
    """The settings and the model provider (None for the offline report)."""
    from llm_doc_manager.config import load_settings
    from llm_doc_manager.providers import make_provider

    settings = load_settings(
        start, {"provider": args.provider, "model": args.model, "base_url": args.base_url,
                "concurrency": args.concurrency, "requests_per_minute": args.rpm,
                "timeout": args.timeout, "cache": False if args.no_cache else None},
        dict(os.environ), args.config)
    for notice in settings.notices:
        print(notice, file=sys.stderr)
    name = args.provider or "static"  # a report asks a model only when told to
    if name == "static":
        if args.dry_run:
            print("llm-doc report: --dry-run: the static provider sends nothing",
                  file=sys.stderr)
        return settings, None
    return settings, make_provider(name, settings, dict(os.environ),
                                   warn=lambda m: print(m, file=sys.stderr))


def _ask(args: argparse.Namespace, project: Any, provider: Any, settings: Any
         ) -> list[str] | None:
    """Ask the model (or with --dry-run, say what would be asked): failures, or None."""
    import asyncio

    from llm_doc_manager.cli.console import consoles
    from llm_doc_manager.cli.progress import BarProgress, Tally
    from llm_doc_manager.cli.text import plural
    from llm_doc_manager.report.ask import ask, estimate, questions

    found = questions(project, settings.placeholder)
    try:
        if args.dry_run:
            for line in estimate(found, provider, settings.azure_model):
                print(line, file=sys.stderr)
            return None
        _, err = consoles(False, None)
        # A bar on a terminal; elsewhere (CI, logs) only the closing line below.
        tally: Tally = BarProgress(provider.usage, err) if err.is_terminal else \
            Tally(provider.usage)
        with tally:
            tally.planned(Path(project.name), len(found))

            async def run() -> list[str]:
                try:
                    return await ask(found, provider, settings.concurrency, tally.answered)
                finally:
                    await provider.aclose()

            failures = asyncio.run(run())
        print(f"model: {plural(provider.usage.requests, 'request')}, "
              f"{provider.usage.prompt_tokens} prompt + {provider.usage.completion_tokens} "
              f"completion tokens; {plural(provider.usage.cache_hits, 'answer')} from the "
              "cache", file=sys.stderr)
        return failures
    finally:
        if args.dry_run:
            asyncio.run(provider.aclose())


def _write(path: Path, text: str) -> None:
    """Write the whole document or nothing (a temporary file renamed into place).

    The file gets the mode a new file would (the umask's), or keeps its own; a symbolic
    link is written through to its target.
    """
    target = Path(os.path.realpath(path))
    try:
        status = os.stat(target)
        mode = stat.S_IMODE(status.st_mode)
        if not stat.S_ISREG(status.st_mode):
            # /dev/null, a FIFO, a terminal: written into, never replaced (renaming a
            # file onto /dev/null would make it a regular file for every program).
            with open(target, "w", encoding="utf-8", newline="\n") as out:
                out.write(text)
            return
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
