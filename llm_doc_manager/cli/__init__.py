"""The ``llm-doc`` command line: the only layer that reads argv, prints, prompts or exits.

``main`` sends ``validate`` to its argparse front-end before typer, rich or pydantic are
imported (a warm ``validate`` is dominated by start-up); everything else goes to typer.
"""

from __future__ import annotations

import sys

__all__ = ["main"]


def main() -> None:
    """Run ``llm-doc`` with ``sys.argv``."""
    if len(sys.argv) > 1 and sys.argv[1] == "validate":
        from llm_doc_manager.cli.validate import main as validate

        sys.exit(validate(sys.argv[2:]))
    from llm_doc_manager.cli.app import app

    app()
