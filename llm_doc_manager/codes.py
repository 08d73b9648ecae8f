"""Findings and their stable codes: every problem the tool reports is one of these."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from llm_doc_manager.errors import is_hidden

# What cannot be shown as itself is one set, ``errors.is_hidden``'s (controls, format and
# bidirectional characters, separators, surrogates: the bytes of a file name that are not
# UTF-8), the one model answers are refused for; newline and tab are escaped here too.
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def shown(char: str) -> str:
    """One hidden character as an escape sequence (a surrogate as the byte it stands for)."""
    point = ord(char)
    if char in _NAMED:
        return _NAMED[char]
    if 0xDC80 <= point <= 0xDCFF:  # os.fsdecode's stand-in for an undecodable byte
        return f"\\x{point - 0xDC00:02x}"
    if point > 0xFFFF:
        return f"\\U{point:08x}"  # ``\\u`` takes four digits: read as Python reads it
    return f"\\x{point:02x}" if point < 0x100 else f"\\u{point:04x}"


def visible(value: str) -> str:
    """``value`` with every character that is not shown as itself written as an escape
    (``\\n``, ``\\x1b``, ``\\u202e``): what a name or path from a tree looks like on one
    line of a terminal, a log or a report (a file name cannot forge a line or move the
    cursor). The characters are ``errors.is_hidden``'s, plus newline and tab."""
    if value.isascii() and value.isprintable():
        return value  # the common case, without a look at each character
    return "".join(shown(c) if c in _NAMED or is_hidden(c) else c for c in value)


@dataclass(frozen=True, order=True)
class Finding:
    """One problem found in a file, reported as ``path:line:col: CODE message``.

    Attributes:
        path: The file the finding is about.
        line: 1-based line number (0 when the file as a whole is concerned).
        col: 1-based column (0 when not applicable).
        code: Stable code, documented in docs/markers.md and docs/codes.md.
        message: What is wrong, naming the definition (``Class.method: ...``).
    """

    path: Path
    line: int
    col: int
    code: str
    message: str

    def render(self) -> str:
        """Return the finding as one ``path:line:col: CODE message`` line."""
        return f"{visible(str(self.path))}:{self.line}:{self.col}: {self.code} " \
               f"{visible(self.message)}"


# Stable codes. 0xx: the file as a whole; 1xx: markers; 2xx: generation.
SYNTAX_ERROR = "LD001"
DECODE_ERROR = "LD002"
CHANGED_ON_DISK = "LD003"
SAFETY_CHECK = "LD004"
IO_ERROR = "LD005"
TOO_LARGE = "LD006"
OUTSIDE_TREE = "LD007"
IGNORE_PATTERN = "LD008"
MARKER_UNCLOSED = "LD101"
MARKER_UNOPENED = "LD102"
MARKER_CROSSING = "LD103"
MARKER_NO_FUNCTION = "LD104"
MARKER_NO_CLASS = "LD105"
MARKER_COMM_BLOCK = "LD106"
MARKER_EMPTY = "LD107"
MARKER_UNKNOWN = "LD108"
MARKER_NOT_ALONE = "LD109"
PROVIDER_FAILED = "LD201"

# 3xx: validate. 30x presence, 31x args, 32x returns, 33x yields, 34x raises,
# 35x attributes, 36x format (Google, NumPy, Sphinx), 37x marked comments.
MISSING_DOCSTRING = "LD301"
PLACEHOLDER_LEFT = "LD302"
FOREIGN_STYLE = "LD303"
ARG_MISSING = "LD311"
ARG_EXTRA = "LD312"
ARG_ORDER = "LD313"
ARG_TYPE = "LD314"
ARG_STARS = "LD315"
RETURNS_MISSING = "LD321"
RETURNS_EXTRA = "LD322"
RETURNS_TYPE = "LD323"
YIELDS_MISSING = "LD331"
YIELDS_EXTRA = "LD332"
YIELDS_TYPE = "LD333"
RAISES_MISSING = "LD341"
RAISES_EXTRA = "LD342"
ATTR_MISSING = "LD351"
ATTR_EXTRA = "LD352"
ATTR_TYPE = "LD353"
SECTION_UNKNOWN = "LD361"
SECTION_INDENT = "LD362"
EMPTY_DESCRIPTION = "LD363"
LINE_TOO_LONG = "LD364"
MALFORMED_ENTRY = "LD365"
UNDERLINE_LENGTH = "LD366"
COMMENT_NUMBER = "LD371"

#: Findings ``validate --fix`` can remove by syncing the docstring to the code (offline).
FIXABLE = frozenset({ARG_MISSING, ARG_EXTRA, ARG_ORDER, ARG_TYPE, ARG_STARS, RETURNS_MISSING,
                     RETURNS_TYPE, YIELDS_MISSING, YIELDS_TYPE, RAISES_MISSING, ATTR_MISSING,
                     ATTR_TYPE})

#: Every code the tool reports.
KNOWN = frozenset(value for name, value in dict(globals()).items()
                  if name.isupper() and isinstance(value, str) and len(value) == 5
                  and value.startswith("LD") and value[2:].isdigit())


def unknown_selector(selector: str) -> bool:
    """Tell whether a ``--select``/``--ignore`` entry names no code (``LD9``, ``LD3l1``).

    Args:
        selector: A code or a prefix of codes, upper case.

    Returns:
        True when no known code starts with it.
    """
    return not any(code.startswith(selector) for code in KNOWN)
