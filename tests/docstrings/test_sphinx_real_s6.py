"""Sphinx field lists as real projects write them (requests, werkzeug): shapes that
``validate`` misread before, each written as the project wrote it."""

from __future__ import annotations

from pathlib import Path

from llm_doc_manager.docstrings.layout import read_layout
from llm_doc_manager.docstrings.parse import parse_layout
from llm_doc_manager.validate.checks import CheckOptions, check_source


def _findings(text: str) -> list[str]:
    return [f"{f.code} {f.message}" for f in check_source(
        Path("m.py"), text, CheckOptions(all_defs=True, width=99))]


def test_an_rtype_alone_documents_the_return() -> None:
    # requests/utils.py: ``:rtype: str`` and no ``:returns:`` (Sphinx renders "Return type").
    text = '''"""M."""


def get_encoding_from_headers(headers: dict[str, str]) -> str | None:
    """Returns encodings from given HTTP Header Dict.

    :param headers: dictionary to extract encoding from.
    :rtype: str
    """
    return headers.get("content-type")
'''
    assert not any(f.startswith("LD321") for f in _findings(text))


def test_escaped_stars_name_the_variadic_arguments() -> None:
    # requests/api.py: ``:param \\*\\*kwargs:`` (reST escapes the star).
    text = '''"""M."""


def get(url: str, *args: object, **kwargs: object) -> None:
    r"""Sends a GET request.

    :param url: URL for the new :class:`Request` object.
    :param \\*args: Positional arguments.
    :param \\*\\*kwargs: Optional arguments that ``request`` takes.
    """
    del url, args, kwargs
'''
    assert _findings(text) == []


def test_a_raises_field_naming_its_exception_by_a_role() -> None:
    # werkzeug/wrappers/response.py: ``:raises: :class:`~werkzeug.exceptions.X` if ...``.
    text = '''"""M."""


class RequestedRangeNotSatisfiable(Exception):
    """Range error."""


def process(ok: bool) -> None:
    """Handle Range Request related headers.

    :param ok: Whether it parsed.
    :raises: :class:`~werkzeug.exceptions.RequestedRangeNotSatisfiable`
             if `Range` header could not be parsed or satisfied.
    """
    if not ok:
        raise RequestedRangeNotSatisfiable()
'''
    assert _findings(text) == []


def test_a_field_list_after_a_paragraph_is_read_too() -> None:
    # requests/utils.py: ``:param r:``, a paragraph with a numbered list, then ``:rtype:``.
    text = '''"""M."""


def get_unicode_from_response(r: bytes) -> None:
    """Returns the requested content back in unicode.

    :param r: Response object to get unicode content from.

    Tried:

    1. charset from content-type
    2. fall back and replace all unicode characters

    :rtype: str
    """
    del r
'''
    assert "LD322 get_unicode_from_response: has a Returns section but returns nothing" in \
        _findings(text)


def test_raises_fields_naming_exceptions_in_backticks_before_dashes() -> None:
    # paramiko: ``:raises:`` then ```.SSHException` -- text`` below it, one per line.
    text = '''"""M."""


class SSHException(Exception):
    """SSH error."""


class BadHostKeyException(SSHException):
    """Bad host key."""


def connect(hostname: str, port: int) -> None:
    """Connect to an SSH server.

    :param str hostname: the server to connect to
    :param int port: the server port to connect to

    :raises:
        `.BadHostKeyException` -- if the server's host key could not be
        verified
    :raises: `.SSHException` -- if there was any other error connecting or
        establishing an SSH session
    """
    if not hostname:
        raise BadHostKeyException()
    if port < 0:
        raise SSHException()
'''
    assert _findings(text) == []


def test_raises_fields_naming_their_exception_first_in_the_text() -> None:
    # paramiko/pkey.py and channel.py: a backticked name then a comma, a bare exception name.
    text = '''"""M."""


class UnknownKeyType(Exception):
    """Unknown key type."""


class SSHException(Exception):
    """SSH error."""


def from_type_string(kind: str) -> None:
    """Load a key.

    :param kind: The key type.

    :raises:
        `UnknownKeyType`, if no registered classes knew about this type.
    """
    if kind:
        raise UnknownKeyType()


def request_forward_agent(handler: str) -> None:
    """Request agent forwarding.

    :param handler: The handler.
    :raises: SSHException in case of channel problem.
    """
    if handler:
        raise SSHException()
'''
    assert _findings(text) == []


def test_a_backticked_word_below_the_first_line_names_no_exception() -> None:
    # paramiko/channel.py: the text's second line starts with ```.Channel`.`` (no ``--``).
    text = '''"""M."""


def open_only(flag: bool) -> None:
    """Decorator.

    :param flag: The flag.
    :raises:
        `.SSHException` -- If the wrapped method is called on an unopened
        `.Channel`.
    """
    del flag
'''
    value = '''Decorator.

    :param flag: The flag.
    :raises:
        `.SSHException` -- If the wrapped method is called on an unopened
        `.Channel`.
    '''
    assert [r.exception_type for r in parse_layout(read_layout(value)).raises] == \
        ["SSHException"]
    assert not any(f.startswith("LD365") for f in _findings(text))


def test_a_type_in_backticks_before_the_name() -> None:
    # paramiko/kex_gss.py: ``:param `.Message` m:`` (a cross-reference as the type).
    text = '''"""M."""


def parse_complete(n: int) -> None:
    """Parse the SSH2_MSG_KEXGSS_COMPLETE message (client mode).

    :param `.Message` m: The content of the
        SSH2_MSG_KEXGSS_COMPLETE message
    """
    del n
'''
    found = _findings(text)
    assert "LD311 parse_complete: argument 'n' is not documented" in found
    assert "LD312 parse_complete: documented argument 'm' is not in the signature" in found
