"""A NumPy Returns entry for a function without a return annotation: a type line numpydoc
reads as the type (the placeholder, until a person writes it) and the text indented below."""


def add(a, b):
    """Add two numbers.

    Parameters
    ----------
    a : int
        First.
    b : int
        Second.

    Returns
    -------
    TODO: describe.
        TODO: describe.
    """
    return a + b


def annotated(a: int, b: int) -> int:
    """Add two numbers.

    Parameters
    ----------
    a : int
        First.
    b : int
        Second.

    Returns
    -------
    int
        TODO: describe.
    """
    return a + b


def walk(n):
    """Walk.

    Parameters
    ----------
    n : int
        How far.

    Yields
    ------
    TODO: describe.
        TODO: describe.
    """
    for i in range(n):
        yield i


def typed_later(a: int) -> int:
    """Written before the function was annotated, by an earlier version.

    Parameters
    ----------
    a : int
        The number.

    Returns
    -------
    int
        TODO: describe.
    """
    return a
