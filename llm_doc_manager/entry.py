"""The ``llm-doc`` console script: ``validate`` starts lean, everything else goes to typer."""

from __future__ import annotations

import sys


def main() -> None:
    """Run ``llm-doc``; ``validate`` skips the typer/rich/pydantic imports it does not need."""
    if len(sys.argv) > 1 and sys.argv[1] == "validate":
        from llm_doc_manager.validate_cli import main as validate

        sys.exit(validate(sys.argv[2:]))
    from llm_doc_manager.cli import main as cli

    cli()
