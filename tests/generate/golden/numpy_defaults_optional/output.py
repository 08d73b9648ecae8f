"""New entries of parameters with a default, NumPy style: numpydoc's ``optional`` marker,
or the docstring's own way of saying a default."""


def marker(a: int, scale: float = 1.0, name: str | None = None, flag=False) -> float:
    """Scale a number.

    Parameters
    ----------
    a : int
        The number.
    scale : float, optional
        TODO: describe.
    name : str, optional
        TODO: describe.
    flag : optional
        TODO: describe.

    Returns
    -------
    float
        The scaled number.
    """
    return a * scale


def typed_default(a: int, copy: bool = True, order: str = "C") -> int:
    """Copy a number.

    Parameters
    ----------
    a : int
        The number.
    copy : bool, default True
        Whether to copy.
    order : str, default 'C'
        TODO: describe.

    Returns
    -------
    int
        The number.
    """
    return a


def sentence(a: int, b: int = 2, c: int = 3) -> int:
    """Add numbers.

    Parameters
    ----------
    a : int
        The first.
    b : int
        The second. Defaults to 2.
    c : int
        TODO: describe. Defaults to 3.

    Returns
    -------
    int
        The sum.
    """
    return a + b + c
