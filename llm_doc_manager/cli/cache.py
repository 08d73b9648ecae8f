"""``llm-doc cache stats|clear``: the model answer cache."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from llm_doc_manager.cli.console import consoles
from llm_doc_manager.cli.text import plural
from llm_doc_manager.config import load_settings
from llm_doc_manager.errors import ConfigError
from llm_doc_manager.providers.answer_cache import AnswerCache
from llm_doc_manager.store import cache_dir

cache_app = typer.Typer(no_args_is_help=True, help="Inspect or clear the model answer cache.")

_CONFIG_OPTION = typer.Option("--config", help="Use this pyproject.toml instead of searching.")


def _open_cache(config: Path | None) -> AnswerCache:
    _, err = consoles()
    try:
        settings = load_settings(Path("."), {}, dict(os.environ), config)
    except ConfigError as exc:
        err.print(f"error: {exc}")
        raise typer.Exit(2) from None
    return AnswerCache(cache_dir(settings), settings.cache_max_mb, warn=err.print)


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
    typer.echo(f"removed {plural(removed, 'entry', 'entries')} from {cache.path}")
