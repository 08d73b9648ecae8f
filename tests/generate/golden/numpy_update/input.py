"""NumPy-style docstrings kept in line with the code, in their own style."""

from typing import Iterator


def renamed(values: list[int], scale: float) -> float:
    """Scale the sum of values.

    The text a person wrote here stays as it is.

    Parameters
    ----------
    values : list of int
        The values to add.
    factor : float
        How much to scale by; the only argument gone, in the place of
        the only new one: a certain rename.

    Returns
    -------
    int
        The scaled sum.

    See Also
    --------
    numpy.sum : The sum of array elements.
    """
    if not values:
        raise ValueError("no values")
    return sum(values) * scale


def combined(x1, x2, order="C"):
    """Add two arrays.

    Parameters
    ----------
    x1, x2 : array_like
        The arrays to add.

        .. note:: A directive inside a field is part of its text.
    order : {'C', 'F'}, optional
        Memory layout.
    extra : bool, optional
        A second argument that no longer exists: both gone entries are removed.
    removed : int
        An argument that no longer exists.
    """
    return x1 + x2


def underlines(path: str) -> Iterator[str]:
    """Read lines.

    Parameters
    ---
    path : str
        Where to read.

    Returns
    -------
    Iterator[str]
        Each line.

    Notes
    -----
    The underline of Parameters is short: reported (LD366), never rewritten.
    """
    with open(path) as handle:
        yield from handle


def new_sections(a: int, b: int) -> bool:
    """Compare two numbers.

    Parameters
    ----------
    a : int
        First.

    Examples
    --------
    >>> new_sections(1, 2)
    False
    """
    if a < 0:
        raise KeyError(a)
    return a > b


class Point:
    """A point.

    Attributes
    ----------
    x : float
        Horizontal.
    """

    def __init__(self) -> None:
        self.x = 0.0
        self.y: float = 0.0
