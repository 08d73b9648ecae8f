"""Wording helpers with no dependencies (``validate`` imports them before rich is loaded)."""

from __future__ import annotations


def plural(count: int, word: str, many: str | None = None) -> str:
    """``1 file``, ``2 files`` (``many`` for irregular plurals)."""
    return f"{count} {word if count == 1 else many or word + 's'}"
