"""``llm-doc cache stats|clear``: the model answer cache."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from llm_doc_manager.cli.args import USAGE
from llm_doc_manager.cli.text import plural
from llm_doc_manager.config import load_settings
from llm_doc_manager.errors import ConfigError
from llm_doc_manager.providers.answer_cache import AnswerCache
from llm_doc_manager.store import cache_dir


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the ``stats`` and ``clear`` subcommands to ``parser``."""
    commands = parser.add_subparsers(dest="cache_command", metavar="COMMAND", required=True)
    for name, run, text in (("stats", stats, "show where the cache is, its size and hit rate"),
                            ("clear", clear, "remove every cached answer")):
        sub = commands.add_parser(name, help=text, description=text[0].upper() + text[1:] + ".")
        sub.add_argument("--config", type=Path, metavar="FILE",
                         help="use this pyproject.toml (it must have [tool.llm-doc])")
        sub.set_defaults(run=run)


def _open(config: Path | None) -> AnswerCache | None:
    """The answer cache the settings name, or None after printing why not."""
    try:
        settings = load_settings(Path("."), {}, dict(os.environ), config)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None
    for notice in settings.notices:
        print(notice, file=sys.stderr)
    return AnswerCache(cache_dir(settings), settings.cache_max_mb,
                       warn=lambda text: print(text, file=sys.stderr))


def stats(args: argparse.Namespace) -> int:
    """Show where the cache is, its size and its hit rate."""
    cache = _open(args.config)
    if cache is None:
        return USAGE
    found = cache.stats()
    cache.close()
    lookups = found.hits + found.misses
    rate = f"{100 * found.hits / lookups:.0f}%" if lookups else "n/a"
    print(f"location: {found.path}\n"
          f"entries:  {found.entries}\n"
          f"size:     {found.size / 2**20:.1f} MiB of {found.max_size / 2**20:.0f} MiB\n"
          f"hits:     {found.hits}\n"
          f"misses:   {found.misses}\n"
          f"hit rate: {rate}")
    return 0


def clear(args: argparse.Namespace) -> int:
    """Remove every cached answer."""
    cache = _open(args.config)
    if cache is None:
        return USAGE
    removed = cache.clear()
    cache.close()
    print(f"removed {plural(removed, 'entry', 'entries')} from {cache.path}")
    return 0
