"""The command tree: one argparse parser per command, in one help style.

Building the tree imports no command's machinery (rich, pydantic, the pipeline): ``-h`` and
shell completion answer at interpreter speed. Each command's ``run`` imports what it needs.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from llm_doc_manager import __version__
from llm_doc_manager.cli.args import add_model_options, configure_generate, new_parser

SHELLS = ("bash", "zsh", "fish")


def build_parser() -> argparse.ArgumentParser:
    """The ``llm-doc`` parser with every command."""
    from llm_doc_manager.cli import cache, calls, report, validate

    parser = new_parser("llm-doc", "Write and maintain Google-style docstrings in place.")
    parser.add_argument("--version", action="version", version=f"llm-doc {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(name: str, summary: str, description: str,
                run: Callable[[argparse.Namespace], int] | None = None
                ) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, formatter_class=parser.formatter_class, help=summary,
                                  description=description)
        if run is not None:
            sub.set_defaults(run=run)
        return sub

    configure_generate(command(
        "generate", "write or update docstrings and comments, after review",
        "Write or update the docstrings and comments of marked regions (or of every "
        "definition with --all). Exit 0 done, 1 changes pending or problems, 2 usage or "
        "configuration error, 130 interrupted.", _run_generate))
    validate.configure(command("validate", "check docstrings against the code, offline",
                               validate.DESCRIPTION, validate.run))
    cache.configure(command("cache", "inspect or clear the model answer cache",
                            "Inspect or clear the model answer cache."))
    calls.configure(command("calls", "show who calls a definition and what it calls",
                            calls.DESCRIPTION, calls.run))
    report.configure(command("report", "write a Markdown or JSON report of a folder or a "
                             "repository", report.DESCRIPTION, report.run))
    command_batch = command("batch", "list, check or cancel Batch API submissions",
                            "Show and manage the Batch API submissions `generate --batch` "
                            "keeps in the cache folder.")
    _configure_batch(command_batch)
    command("lsp", "serve the call hierarchy to an editor (language server over stdio)",
            "Run a language server over stdin/stdout offering the call hierarchy "
            "(prepareCallHierarchy, incomingCalls, outgoingCalls) of the workspace. See "
            "docs/calls.md for VS Code and Neovim.", _run_lsp)
    completion = command(
        "completion", "print the shell completion script",
        "Print the completion script for a shell. Install it with, for bash: "
        "llm-doc completion bash > ~/.local/share/bash-completion/completions/llm-doc (or "
        "add 'eval \"$(llm-doc completion bash)\"' to ~/.bashrc); zsh: llm-doc completion "
        "zsh > \"${fpath[1]}/_llm-doc\"; fish: llm-doc completion fish > "
        "~/.config/fish/completions/llm-doc.fish.", _run_completion)
    completion.add_argument("shell", choices=SHELLS, help="the shell")
    return parser


def _configure_batch(parser: argparse.ArgumentParser) -> None:
    """The ``batch`` subcommands (their parsers import nothing heavy; each ``run`` does)."""
    commands = parser.add_subparsers(dest="batch_command", metavar="COMMAND", required=True)
    for name, text in (
            ("list", "list the submissions kept in the cache folder (no request is sent)"),
            ("status", "ask the server how the batches of submissions not yet applied (or "
                       "of one) are doing"),
            ("cancel", "cancel a submission's batches (answers already done stay in their "
                       "output)"),
            ("prune", "forget the applied submissions whose answers are all used (never one "
                      "in flight)")):
        sub = commands.add_parser(name, formatter_class=parser.formatter_class, help=text,
                                  description=text[0].upper() + text[1:] + ".")
        sub.add_argument("--config", type=Path, metavar="FILE",
                         help="use this pyproject.toml (it must have [tool.llm-doc])")
        if name == "prune":
            sub.add_argument("--answers", action="store_true",
                             help="also drop the answers kept for regions no run has asked "
                                  "since (asking them again costs a request)")
        if name not in ("list", "prune"):
            sub.add_argument("key", nargs="?" if name == "status" else None, metavar="KEY",
                             help="a submission (the start of its key, as listed) or a "
                                  "batch id")
            add_model_options(sub.add_argument_group("provider"), "openai or azure (default: "
                              "the one the submission was made with)")
        sub.set_defaults(run=_run_batch)


def _run_batch(args: argparse.Namespace) -> int:
    from llm_doc_manager.cli.batch import run

    return run(args)


def _run_generate(args: argparse.Namespace) -> int:
    from llm_doc_manager.cli.generate import run

    return run(args)


def _run_lsp(args: argparse.Namespace) -> int:
    from llm_doc_manager.lsp import serve

    return serve()


def _run_completion(args: argparse.Namespace) -> int:
    from argcomplete.shell_integration import shellcode

    print(shellcode(["llm-doc"], shell=args.shell), end="")
    return 0
