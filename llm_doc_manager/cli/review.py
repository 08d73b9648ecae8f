"""Show changes as unified diffs and ask, change by change, whether to apply them."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from enum import Enum

from rich.console import Console
from rich.text import Text

from llm_doc_manager.codes import visible
from llm_doc_manager.source.positions import split_lines


class Answer(str, Enum):
    """A reviewer's answer to one change."""

    YES = "y"
    NO = "n"
    ALL = "a"
    QUIT = "q"
    INTERRUPT = "^C"  # Ctrl-C or Ctrl-D: stop, and exit 130


PROMPT = "Apply this change? [y]es / [n]o / [a]ll remaining / [q]uit: "


def unified_diff(path: str, old: str, new: str) -> str:
    """Return a unified diff between two versions of a file."""
    old_lines = split_lines(old)
    new_lines = split_lines(new)
    shown = visible(str(path))  # a file name cannot forge a diff line
    lines = list(difflib.unified_diff(old_lines, new_lines, f"a/{shown}", f"b/{shown}"))
    no_eol = "\n\\ No newline at end of file\n"
    return "".join(line if line.endswith(("\n", "\r")) else line + no_eol for line in lines)


def print_diff(console: Console, diff: str) -> None:
    """Print a diff, coloured when the console is a terminal."""
    if not console.is_terminal:
        console.file.write(diff)
        console.file.flush()
        return
    for line in diff.splitlines():
        style = ("bold" if line.startswith(("---", "+++")) else "green" if line.startswith("+")
                 else "red" if line.startswith("-") else "cyan" if line.startswith("@@") else "")
        console.print(Text(line, style=style), soft_wrap=True, highlight=False)


def ask(console: Console, read: Callable[[str], str] = input) -> Answer:
    """Ask until the answer is one of y/n/a/q; Ctrl-C or end of input is INTERRUPT.

    Args:
        console: Where to print the prompt.
        read: Line reader (``input`` by default).

    Returns:
        The answer.
    """
    while True:
        try:
            # The prompt inside the try: a Ctrl-C that lands while it is printed is the
            # same answer as one at the prompt.
            console.print(PROMPT, end="", markup=False, highlight=False)
            console.file.flush()
            reply = read("").strip().lower()
        except (EOFError, KeyboardInterrupt):
            console.print()
            return Answer.INTERRUPT
        for answer in (Answer.YES, Answer.NO, Answer.ALL, Answer.QUIT):
            if reply in (answer.value, answer.name.lower()):
                return answer
        console.print("Please answer y, n, a or q.", highlight=False)
