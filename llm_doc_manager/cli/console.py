"""Consoles and small wording helpers shared by the commands."""

from __future__ import annotations

import logging

from rich.console import Console


def consoles() -> tuple[Console, Console]:
    """Return (stdout, stderr) consoles that print text as given: no markup, no highlighting."""
    out = Console(soft_wrap=True, markup=False, highlight=False)
    err = Console(stderr=True, soft_wrap=True, markup=False, highlight=False)
    return out, err


class _ConsoleHandler(logging.Handler):
    """Request log lines through the rich console, so they print above a live bar."""

    def __init__(self, console: Console) -> None:
        super().__init__()
        self.console = console

    def emit(self, record: logging.LogRecord) -> None:
        self.console.print(self.format(record), highlight=False, markup=False)


def log_requests(err: Console) -> None:
    """Print every model request (``--verbose``) on ``err``."""
    logger = logging.getLogger("llm_doc_manager.requests")
    handler = _ConsoleHandler(err)
    handler.setFormatter(logging.Formatter("request: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
