"""Options every command shares, so ``generate`` and ``validate`` read and print alike.

Kept free of rich and pydantic: ``validate`` builds its parser from here before anything
heavy is imported.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

#: Exit codes (black's and ruff's): findings or failures, usage or configuration errors,
#: and the shell's convention for a run stopped by Ctrl-C.
FINDINGS, USAGE, INTERRUPTED = 1, 2, 130


def new_parser(prog: str, description: str) -> argparse.ArgumentParser:
    """A parser in the one help style of the commands (``-h`` and ``--help``)."""
    return argparse.ArgumentParser(prog=prog, description=description,
                                   formatter_class=_Formatter)


class _Formatter(argparse.HelpFormatter):
    """argparse's help, wider option column; defaults stay in the help text itself."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=30)


def add_file_options(parser: argparse.ArgumentParser) -> None:
    """Paths, configuration, exclusion, stdin, colour and verbosity options."""
    parser.add_argument("paths", nargs="*", type=Path,
                        help="files or folders (default: .); '-' reads one file from stdin")
    files = parser.add_argument_group("files and configuration")
    files.add_argument("--config", type=Path, metavar="FILE",
                       help="use this pyproject.toml (it must have [tool.llm-doc])")
    files.add_argument("--exclude", action="append", metavar="PATTERNS",
                       help="skip these gitignore-style patterns, comma-separated (replaces "
                            "exclude of [tool.llm-doc])")
    files.add_argument("--extend-exclude", action="append", metavar="PATTERNS",
                       help="skip these patterns too")
    files.add_argument("--force-exclude", action="store_true", default=None,
                       help="apply the exclude patterns to files named on the command line "
                            "too (the pre-commit hooks do)")
    files.add_argument("--stdin-filename", metavar="PATH",
                       help="with '-': the path the code on stdin comes from (for "
                            "configuration, exclusion and messages)")
    files.add_argument("--since", metavar="REV",
                       help="only the definitions changed since this git revision, and new "
                            "ones (e.g. HEAD, origin/main); the working tree is compared")
    output = parser.add_argument_group("output")
    output.add_argument("--color", action=argparse.BooleanOptionalAction, default=None,
                        help="colour the output (default: on a terminal, unless NO_COLOR is "
                             "set; FORCE_COLOR forces it)")
    output.add_argument("--verbose", "-v", action="store_true",
                        help="say which configuration and provider are used (and, for "
                             "generate, log every model request)")
    output.add_argument("--quiet", "-q", action="store_true",
                        help="print problems only, no summary")


def configure_generate(parser: argparse.ArgumentParser) -> None:
    """Add ``generate``'s options to ``parser``."""
    add_file_options(parser)
    what = parser.add_argument_group("what to do")
    what.add_argument("--yes", "-y", action="store_true", help="apply without asking")
    what.add_argument("--diff", action="store_true", help="print the diff; write nothing")
    what.add_argument("--check", action="store_true",
                      help="write nothing; exit 1 if anything would change (with --diff: "
                           "print the diff too)")
    what.add_argument("--all", dest="all_defs", action="store_true", default=None,
                      help="treat every def and class (and the module) as marked")
    what.add_argument("--only-missing", action="store_true", default=None,
                      help="leave existing docstrings and comments alone")
    what.add_argument("--rewrite", action="store_true", default=None,
                      help="let a model revise existing docstrings (by default only what is "
                           "missing is added and every word written by a person stays)")
    what.add_argument("--width", type=int, help="longest docstring line (default: [tool.black] "
                      "or [tool.ruff] line-length, else 79)")
    what.add_argument("--dry-run", action="store_true",
                      help="send nothing: print the requests a model run would send, their "
                           "estimated tokens and cost")
    what.add_argument("--max-cost", type=float, metavar="USD",
                      help="stop before starting when the estimated cost is higher, and stop "
                           "asking when the run's cost would pass it (max-cost in config)")
    model = add_model_options(parser.add_argument_group("provider"),
                              "static (offline), openai or azure")
    model.add_argument("--no-call-context", action="store_true",
                       help="leave callees and callers out of a model's prompts (and ask "
                            "in any order, not callees first)")
    model.add_argument("--no-cache", action="store_true",
                       help="neither read nor write the caches (model answers, clean files)")
    model.add_argument("--jobs", "-j", type=int, default=0, metavar="N",
                       help="worker processes for the offline provider (default: one per core)")
    batch = parser.add_argument_group("Batch API (openai and azure providers; docs/batch.md)")
    batch.add_argument("--batch", action="store_true",
                       help="submit the requests the cache cannot answer to the Batch API; "
                            "run the same command again to apply the answers once done")
    batch.add_argument("--batch-file", type=Path, metavar="FILE",
                       help="write those requests as Batch API input (FILE, FILE.2, ...); "
                            "send nothing, change no file")
    batch.add_argument("--batch-results", type=Path, action="append", metavar="FILE",
                       help="apply the answers of a Batch API results file (repeatable)")


def add_model_options(group: argparse._ArgumentGroup, provider_help: str
                      ) -> argparse._ArgumentGroup:
    """The options of the model path every command that asks a model shares."""
    group.add_argument("--provider", choices=("static", "openai", "azure"), help=provider_help)
    group.add_argument("--model", help="model name (Azure: the deployment)")
    group.add_argument("--base-url", metavar="URL", help="OpenAI-compatible server URL")
    group.add_argument("--concurrency", type=int, metavar="N",
                       help="most model requests in flight (default 8)")
    group.add_argument("--rpm", type=float, metavar="N",
                       help="most model requests started per minute (default: no limit)")
    group.add_argument("--timeout", type=float, metavar="SECONDS",
                       help="seconds to wait for one model answer (default 60)")
    return group


def use_color(choice: bool | None, stream: TextIO, environ: Mapping[str, str]) -> bool:
    """Whether to colour ``stream``: the flag, else NO_COLOR / FORCE_COLOR, else a terminal.

    Args:
        choice: ``--color`` (True), ``--no-color`` (False) or neither (None).
        stream: Where the output goes.
        environ: The environment (https://no-color.org, FORCE_COLOR as rich reads it).

    Returns:
        Whether to emit colour codes.
    """
    if choice is not None:
        return choice
    if environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR"):
        return True
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or replaced stream
        return False


def stdin_target(paths: list[Path], stdin_filename: str | None) -> Path | None:
    """The path stdin's code stands for, when ``-`` is the only path; else None.

    Args:
        paths: The paths given.
        stdin_filename: ``--stdin-filename``, if given.

    Returns:
        The path to report stdin's code as (``stdin.py`` without a name), or None.

    Raises:
        ValueError: If ``-`` is mixed with other paths, or --stdin-filename comes without it.
    """
    reading = [p for p in paths if str(p) == "-"]
    if not reading:
        if stdin_filename is not None:
            raise ValueError("--stdin-filename goes with '-' (code on stdin)")
        return None
    if len(paths) > 1:
        raise ValueError("'-' (code on stdin) cannot be combined with other paths")
    return Path(stdin_filename) if stdin_filename else Path("stdin.py")


def stdin_copy(folder: str, path: Path, raw: bytes) -> Path:
    """Write stdin's bytes into ``folder`` under ``path``'s name (``stdin.py`` if not Python).

    The copy goes through every check a file on disk gets (parse, verification, encoding).
    """
    copy = Path(folder) / (path.name if path.suffix in (".py", ".pyi") else "stdin.py")
    copy.write_bytes(raw)
    return copy


def describe_config(config_file: Path | None, width: int, width_from: str) -> str:
    """The ``-v`` line saying where the settings came from."""
    where = str(config_file) if config_file is not None else "none found (defaults)"
    return f"config: {where}; width {width} ({width_from})"
