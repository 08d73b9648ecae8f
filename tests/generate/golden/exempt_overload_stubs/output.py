"""Overloads: the implementation is documented, one-line stubs stay one line."""

import typing as t
from typing import overload

import typing_extensions


@overload
def scale(x: int) -> int: ...
@overload
def scale(x: float) -> float: ...
def scale(x: float) -> float:
    """TODO: describe.

    Args:
        x (float): TODO: describe.

    Returns:
        float: TODO: describe.
    """
    return x * 2


class Parser:
    """Parse things."""

    @t.overload
    def parse(self, text: str) -> str: ...
    @t.overload
    def parse(self, text: bytes) -> bytes: ...
    def parse(self, text: str | bytes) -> str | bytes:
        """TODO: describe.

        Args:
            text (str | bytes): TODO: describe.

        Returns:
            str | bytes: TODO: describe.
        """
        return text

    @typing_extensions.overload
    def get(self, key: str) -> str: ...
    @typing_extensions.overload
    def get(self, key: int) -> int: ...

    def get(self, key: str | int) -> str | int:
        """TODO: describe.

        Args:
            key (str | int): TODO: describe.

        Returns:
            str | int: TODO: describe.
        """
        return key
