"""A generator documented with Returns: the heading and the type follow in one run."""
from typing import Iterable


def walk(n: int) -> Iterable[str]:
    """Walk.

    Args:
        n (`int`): How many.

    Yields:
        `str`: the names.
    """
    for i in range(n):
        yield str(i)
