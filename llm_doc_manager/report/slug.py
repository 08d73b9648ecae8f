"""Heading anchors exactly as GitHub makes them (the rules of the github-slugger package).

GitHub turns a heading's text into an anchor by lower-casing it, dropping every character
that is not a letter, a mark, a decimal or letter number, a connector punctuation (``_``),
a space or a hyphen, and turning each space into a hyphen; a repeated anchor gets ``-1``,
``-2``, … (skipping any already taken). The text is the heading as rendered: the content
of a code span without its backticks.
"""

from __future__ import annotations

import unicodedata

_KEPT_CATEGORIES = frozenset({"Nd", "Nl", "Pc"})


def _kept(char: str) -> bool:
    if char in " -":
        return True
    category = unicodedata.category(char)
    if category[0] in "LM" or category in _KEPT_CATEGORIES:
        return True
    # Unicode's Alphabetic property also holds the circled and squared letters (So),
    # which github-slugger keeps; Python names them, it has no property lookup.
    return category == "So" and " LETTER " in unicodedata.name(char, "")


def slug(text: str) -> str:
    """Return the anchor of one heading text, without the duplicate suffix.

    Args:
        text: The heading as rendered (no Markdown markup).

    Returns:
        The anchor, without ``#``.
    """
    return "".join(c for c in text.lower() if _kept(c)).replace(" ", "-")


class Slugger:
    """Anchors of the headings of one document, repeated ones numbered as GitHub does."""

    def __init__(self) -> None:
        self._seen: dict[str, int] = {}

    def slug(self, text: str) -> str:
        """Return the anchor the next heading with this text gets.

        Args:
            text: The heading as rendered.

        Returns:
            The anchor, unique in the document.
        """
        base = result = slug(text)
        while result in self._seen:
            self._seen[base] += 1
            result = f"{base}-{self._seen[base]}"
        self._seen[result] = 0
        return result
