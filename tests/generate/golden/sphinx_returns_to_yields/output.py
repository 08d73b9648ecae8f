"""Functions that became generators (and one that stopped being one), Sphinx style."""
from typing import Iterator


def numbers(n: int) -> Iterator[int]:
    """Count up to ``n``.

    :param n: How many numbers, a continuation
        line indented below the field.
    :type n: int
    :yields: Each number in turn; every word a person wrote
        here is kept, the field's name only changes.

        .. note:: A directive inside the field is part of its text.
    :ytype: int
    :raises ValueError: If ``n < 0``.
    """
    if n < 0:
        raise ValueError(n)
    for i in range(n):
        yield i


def lines(path: str) -> Iterator[str]:
    """Read a file's lines.

    :param path: Where to read.
    :yield: The lines.
    """
    with open(path) as handle:
        yield from handle


def total(values: list[int]) -> int:
    """Add values; it used to yield running totals.

    :param values: The values.
    :returns: The total.
    :rtype: int
    """
    return sum(values)
