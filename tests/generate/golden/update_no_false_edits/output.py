"""Existing docstrings: what looks like drift but is not is left as it is."""

import abc
from collections.abc import Generator, Iterator


def parse_or_zero(text: str) -> int:
    """Read a number, zero when it is not one.

    Args:
        text: The text.

    Returns:
        The number.
    """
    try:
        if not text.isdigit():
            raise ValueError(text)
        return int(text)
    except ValueError:
        return 0


def parse_or_none(text: str) -> int | None:
    """Read a number, None when anything goes wrong.

    Args:
        text: The text.

    Returns:
        The number, or None.
    """
    try:
        if not text:
            raise KeyError(text)
        return int(text)
    except Exception:
        return None


class Shape:
    """A shape.

    Attributes:
        width: The width.
        depth: The depth.
    """

    def __init__(self) -> None:
        """Start empty."""
        self.width = 0
        self.depth = 0

    def update(self, width: int) -> None:
        """Store a new width.

        Args:
            width: The width.
        """
        return self.set_attributes(width)

    def reset(self, width: int) -> "None":
        """Store a width again.

        Args:
            width: The width.
        """
        return self.set_attributes(width)

    def set_attributes(self, width: int) -> None:
        """Store the attributes."""
        self.width = width

    @property
    def inner(self) -> int:
        """The inner size.

        Raises:
            KeyError: When the shape has no inner part.
        """
        return self.lookup("inner")

    @property
    def size(self) -> int:
        """The size, the inner size under another name.

        Raises:
            KeyError: When the shape has no inner part.
        """
        return self.inner

    def lookup(self, name: str) -> int:
        """Look a part up.

        Args:
            name: The part.

        Returns:
            Its size.
        """
        return {"outer": 1}[name]


class Grid:
    """A grid.

    Attributes:
        rows: The rows.
          columns: The columns, indented one step too deep.
    """

    def __init__(self) -> None:
        """Start empty."""
        self.rows = 0
        self.columns = 0


def merge(pending_u: list[int], pending_v: list[int], weight: float) -> None:
    """Merge the pending lists.

    Args:
        weight: How much the second list counts.
        pending_u, pending_v: lists of pending updates, merged in place.
    """


def split(pending_u: list[int], pending_v: list[int]) -> None:
    """Split the pending lists.

    Args:
        pending_u, pending_v (list[int]): lists of pending updates.
    """


def wrapped(value: int) -> None:
    """Keep a value.

    Args:
        value: TODO:
            describe.
    """


class Source(abc.ABC):
    """Where lines come from."""

    def lines(self) -> Generator[str, None, None]:
        """Give the lines.

        Yields:
            Each line.
        """
        ...

    @abc.abstractmethod
    def more(self) -> Iterator[str]:
        """Give more lines.

        Yields:
            Each line.
        """
        raise NotImplementedError


def counted() -> Generator[int, None, str]:
    """Count to two.

    Yields:
        The numbers.

    Returns:
        A final message.
    """
    yield 1
    yield 2
    return "done"


def get(table: dict[str, int], key: str) -> int:
    """Read a value.

    Args:
        table: The table.
        key: The key.

    Returns:
        The value.

    Raises:
        KeyError: When the key is missing.
    """
    return table[key]


def scale(factor: float, values: list[float]) -> list[float]:
    """Scale values.

    Args:
        factor: How much.
        values: The values.

    Returns:
        The scaled values.

    Raises:
        ValueError: If ``factor < 0 and not values``.
    """
    if factor < 0 and not values:
        raise ValueError("negative")
    return [factor * v for v in values]
