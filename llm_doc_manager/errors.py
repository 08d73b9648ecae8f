"""The one exception root, every exception that crosses a subsystem, and what a message may show.

A message may not show a secret (``redact``) nor a character that hides or reorders text
(``is_hidden``, ``printable``); the Trojan Source check on model answers uses the same set.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable


class LLMDocError(Exception):
    """Root of every error this package raises on purpose."""


class ConfigError(LLMDocError):
    """Invalid configuration or usage; the CLI maps it to exit code 2."""


class ProviderError(LLMDocError):
    """A provider could not produce a valid answer for one region."""


class FatalProviderError(ProviderError):
    """A failure every request would share (bad key, unknown model): the run stops."""


class SourceDecodeError(LLMDocError):
    """The file's bytes cannot be decoded with its declared encoding.

    Attributes:
        line: The 1-based line where decoding failed.
    """

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


class UnreadableSourceError(LLMDocError):
    """A path that is not a regular file (a FIFO, a device, ...) or is larger than the limit.

    Attributes:
        too_large: True when the file is regular but over the size limit.
    """

    def __init__(self, message: str, too_large: bool = False) -> None:
        super().__init__(message)
        self.too_large = too_large


class StaleFileError(LLMDocError):
    """The file changed on disk between reading and writing."""


class ApplyError(LLMDocError):
    """An edit cannot be placed, or the edited text failed verification."""


# What messages may show. Servers echo requests (URLs, headers, keys) in their error bodies
# and a model's or server's text may hold characters that hide or reorder what is shown:
# these helpers are the one place both are dealt with, below every layer that prints.

REDACTED = "[redacted]"
# OpenAI keys (sk-…, sk-proj-…) and long opaque tokens (Azure keys are 32 hex characters).
_KEY_SHAPED = re.compile(r"\bsk-[A-Za-z0-9_-]{6,}|\b[A-Fa-f0-9]{32,}\b|\b[A-Za-z0-9_-]{40,}\b")
# The user information of a URL: everything between "scheme://" and the last "@" before the
# host (a password may hold "@" when a careless server echoes it unencoded).
_CREDENTIALS = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)[^/?#\s]+@")
# An Authorization header's value, as a server echoing its headers shows it.
_AUTHORIZATION = re.compile(r"\b(?P<scheme>Basic|Bearer|Digest|Token)(?P<gap>\s+)"
                            r"[A-Za-z0-9+/=._~-]+", re.IGNORECASE)
# Invisible but not control or format characters (Unicode's Default_Ignorable_Code_Point
# outside Cf): fillers that render as nothing, and variation selectors 17-256, which can
# carry hidden data after any character. U+FE00-FE0F stay allowed: emoji need them.
_INVISIBLE = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180e\u180f\u3164"
                       "\uffa0")
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """Replace secrets, URL credentials, Authorization values and key-shaped tokens.

    Args:
        text: Any text bound for a message, a log or a report.
        secrets: Exact values to replace (an API key, a URL's password).

    Returns:
        The text with each of them replaced by ``[redacted]``.
    """
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    text = _CREDENTIALS.sub(lambda m: f"{m['scheme']}{REDACTED}@", text)
    text = _AUTHORIZATION.sub(lambda m: f"{m['scheme']}{m['gap']}{REDACTED}", text)
    return _KEY_SHAPED.sub(REDACTED, text)


def is_hidden(char: str) -> bool:
    """Tell whether a character is invisible or reorders text (Trojan Source).

    Controls other than newline and tab (NUL, carriage return, escape), format characters
    (bidirectional embeddings, overrides and isolates, marks, zero-width characters, BOM,
    tags), surrogates, line and paragraph separators, and the other invisible characters.
    """
    if char in "\n\t":
        return False
    cp = ord(char)
    return unicodedata.category(char) in _HIDDEN_CATEGORIES or char in _INVISIBLE or \
        0xFFF0 <= cp <= 0xFFF8 or 0xE0000 <= cp <= 0xE0FFF


def hidden_characters(text: str) -> list[str]:
    """The hidden characters of a text (see ``is_hidden``), each once, in order of appearance.

    Args:
        text: Any text.

    Returns:
        The characters.
    """
    return list(dict.fromkeys(c for c in text if is_hidden(c)))


def character_name(char: str) -> str:
    """A character as a message names it: ``U+202E RIGHT-TO-LEFT OVERRIDE``."""
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" {name}" if name else "")


def printable(text: str, secrets: Iterable[str] = (), *, limit: int = 400) -> str:
    """Make text from outside (a server's error body, a model's refusal) fit for one line.

    Hidden characters are dropped first (they cannot then split a secret so that it escapes
    redaction, move the cursor, or reorder what a terminal shows), secrets are redacted,
    whitespace becomes single spaces and the result is cut at ``limit`` characters.

    Args:
        text: The text.
        secrets: Exact values to replace (see ``redact``).
        limit: Longest result, in characters.

    Returns:
        One line of plain text.
    """
    kept = "".join(" " if c in "\n\r\t" else c for c in text if c in "\n\r\t" or
                   not is_hidden(c))
    line = " ".join(redact(kept, secrets).split())
    return line if len(line) <= limit else line[:limit - 1] + "…"
