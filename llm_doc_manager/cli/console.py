"""Consoles and small wording helpers shared by the commands."""

from __future__ import annotations

import logging

from rich.console import Console


def consoles(out_color: bool | None = None, err_color: bool | None = None
             ) -> tuple[Console, Console]:
    """Return (stdout, stderr) consoles that print text as given: no markup, no highlighting.

    Args:
        out_color: Colour stdout (None: rich decides, from the terminal and NO_COLOR).
        err_color: Colour stderr, likewise.

    Returns:
        The two consoles.
    """
    return (_console(False, out_color), _console(True, err_color))


def _console(stderr: bool, color: bool | None) -> Console:
    if color is None:
        return Console(stderr=stderr, soft_wrap=True, markup=False, highlight=False)
    # force_terminal decides colours and live displays alike: --no-color on a terminal
    # keeps the progress bar (no_color) while --color on a pipe gets colour codes.
    return Console(stderr=stderr, soft_wrap=True, markup=False, highlight=False,
                   force_terminal=True if color else None, no_color=not color)


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
