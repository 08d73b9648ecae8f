"""The typer application: the root command, ``--version``, and the registered commands."""

from __future__ import annotations

from typing import Annotated

import typer

from llm_doc_manager import __version__
from llm_doc_manager.cli.cache import cache_app
from llm_doc_manager.cli.generate import generate

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Write and maintain Google-style docstrings in place.")


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


app.command()(generate)


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True,
                                "help_option_names": []}, add_help_option=False)
def validate(ctx: typer.Context) -> None:
    """Check docstrings against the code, offline (see llm-doc validate --help)."""
    # Only reached from `llm-doc --help` listings: cli.main sends `validate` straight to
    # cli.validate, without typer.
    from llm_doc_manager.cli.validate import main as run

    raise typer.Exit(run(ctx.args))


app.add_typer(cache_app, name="cache")
