"""``llm-doc cache stats|clear``: every store the tool keeps in its cache folder."""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from llm_doc_manager.cli.args import USAGE
from llm_doc_manager.cli.text import plural
from llm_doc_manager.config import Settings, load_settings
from llm_doc_manager.errors import ConfigError
from llm_doc_manager.store import (
    ResultStore,
    StoreStats,
    cache_dir,
    folder_problem,
    remove_database,
)


@dataclass(frozen=True)
class _Store:
    """One store: what it holds, its file, and the names its older versions had."""

    title: str
    file: str
    family: str  # glob of this store's files across versions


def _stores() -> tuple[_Store, ...]:
    """Every store the tool keeps, answers first.

    Imported here, not at the top: the command tree imports this module, and every
    ``llm-doc`` start paid for ``generate``, the providers (pydantic), ``validate`` and the
    call graph only to learn four file names.
    """
    from llm_doc_manager.callgraph.project import INDEX_FILE
    from llm_doc_manager.callgraph.stored import RESOLVED_FILE
    from llm_doc_manager.generate.known import RESULTS_FILE as GENERATE_FILE
    from llm_doc_manager.providers.answer_cache import FILE_NAME as ANSWERS_FILE
    from llm_doc_manager.validate.collect import RESULTS_FILE as VALIDATE_FILE

    return (_Store("model answers", ANSWERS_FILE, "answers-v*.sqlite3"),
            _Store("validate results", VALIDATE_FILE, "validate-v*.sqlite3"),
            _Store("generate's clean files", GENERATE_FILE, "generate-v*.sqlite3"),
            _Store("call graph index", INDEX_FILE, "callgraph*.sqlite3"),
            _Store("call graph, resolved", RESOLVED_FILE, "calls-resolved-v*.sqlite3"))


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the ``stats`` and ``clear`` subcommands to ``parser``."""
    commands = parser.add_subparsers(dest="cache_command", metavar="COMMAND", required=True)
    for name, run, text in (
            ("stats", stats, "show the cache folder and each store in it: entries, size, cap"),
            ("clear", clear, "remove every store of the cache folder (answers, validate and "
                             "generate results, call graph index)")):
        sub = commands.add_parser(name, help=text, description=text[0].upper() + text[1:] + ".")
        sub.add_argument("--config", type=Path, metavar="FILE",
                         help="use this pyproject.toml (it must have [tool.llm-doc])")
        sub.set_defaults(run=run)


def _err(text: str) -> None:
    print(text, file=sys.stderr)


def _folder(config: Path | None) -> tuple[Settings, Path] | None:
    """The settings and a cache folder safe to use, or None after printing why not."""
    try:
        settings = load_settings(Path("."), {}, dict(os.environ), config)
    except ConfigError as exc:
        _err(f"error: {exc}")
        return None
    for notice in settings.notices:
        _err(notice)
    folder = cache_dir(settings)
    try:
        problem = folder_problem(folder)
    except OSError as exc:
        problem = f"cache folder {folder} cannot be used: {exc}"
    if problem is not None:
        _err(f"error: {problem}")
        return None
    return settings, folder


def _mib(size: int) -> str:
    return f"{size / 2**20:.1f} MiB"


def stats(args: argparse.Namespace) -> int:
    """Show the cache folder and each store in it: entries, size and cap; hits of answers."""
    found = _folder(args.config)
    if found is None:
        return USAGE
    settings, folder = found
    from llm_doc_manager.providers.answer_cache import FILE_NAME as ANSWERS_FILE
    from llm_doc_manager.providers.answer_cache import AnswerCache

    print(f"cache folder: {folder}")
    for store in _stores():
        path = folder / store.file
        print(f"{store.title} ({store.file})")
        if not path.exists():
            print("  entries:  0 (no file yet)")
            continue
        if store.file == ANSWERS_FILE:
            cache = AnswerCache(folder, settings.cache_max_mb, warn=_err)
            answers = cache.stats()
            cache.close()
            lookups = answers.hits + answers.misses
            rate = f"{100 * answers.hits / lookups:.0f}%" if lookups else "n/a"
            _show(StoreStats(path, answers.entries, answers.size, answers.max_size))
            print(f"  hits:     {answers.hits}\n"
                  f"  misses:   {answers.misses}\n"
                  f"  hit rate: {rate}")
            continue
        results: ResultStore[str] = ResultStore(path, warn=_err)
        size = results.stats()
        results.close()
        if size is None:
            print("  not readable (see above)")
        else:
            _show(size)
    return 0


def _show(size: StoreStats) -> None:
    print(f"  entries:  {size.entries}\n"
          f"  size:     {_mib(size.size)} of {size.max_size / 2**20:.0f} MiB")


def clear(args: argparse.Namespace) -> int:
    """Remove every store of the cache folder, older versions' files included."""
    found = _folder(args.config)
    if found is None:
        return USAGE
    settings, folder = found
    from llm_doc_manager.providers.answer_cache import FILE_NAME as ANSWERS_FILE
    from llm_doc_manager.providers.answer_cache import AnswerCache

    for store in _stores():
        path = folder / store.file
        entries = 0
        if path.exists():
            if store.file == ANSWERS_FILE:
                cache = AnswerCache(folder, settings.cache_max_mb, warn=_err)
                entries = cache.stats().entries
                cache.close()
            else:
                results: ResultStore[str] = ResultStore(path, warn=_err)
                size = results.stats()
                results.close()
                entries = size.entries if size is not None else 0
        # Older versions of the store (other schemas, or pickles) go too.
        files = sorted({path, *folder.glob(store.family)})
        present = [file for file in files if file.exists()]
        for file in files:
            remove_database(file)
        print(f"{store.title}: removed {plural(entries, 'entry', 'entries')}"
              + (f" ({plural(len(present), 'file', 'files')})" if present else ""))
    # Batch state only as `llm-doc batch prune` drops it: forgetting a submission in flight
    # would pay for it twice, and kept answers are now the only copy (docs/batch.md).
    from llm_doc_manager.cli.batch import prune_quietly

    prune_quietly(folder)
    print(f"cleared {folder}")
    return 0
