"""NumPy-style docstrings kept in line with the code, in their own style."""

from typing import Iterator


def renamed(values: list[int], scale: float) -> float:
    """Scale the sum of values.

    The text a person wrote here stays as it is.

    Parameters
    ----------
    values : list of int
        The values to add.
    scale : float
        How much to scale by; the only argument gone, in the place of
        the only new one: a certain rename.

    Returns
    -------
    float
        The scaled sum.

    Raises
    ------
    ValueError
        If ``not values``.

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

    Returns
    -------
    TODO: describe.
        TODO: describe.
    """
    return x1 + x2


def underlines(path: str) -> Iterator[str]:
    """Read lines.

    Parameters
    ---
    path : str
        Where to read.

    Yields
    ------
    str
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
    b : int
        TODO: describe.

    Returns
    -------
    bool
        TODO: describe.

    Raises
    ------
    KeyError
        If ``a < 0``.

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
    y : float
        TODO: describe.
    """

    def __init__(self) -> None:
        self.x = 0.0
        self.y: float = 0.0
