"""A project that documents its exceptions almost nowhere (optax: 8 Raises in ~300)."""


def one(x: int) -> int:
    """One.

    Args:
        x: The x.
    """
    if x < 0:
        raise ValueError("negative")
    return x


def two(x: int) -> int:
    """Two.

    Args:
        x: The x.
    """
    if x > 9:
        raise ValueError("large")
    return x


def three(x: int) -> int:
    """Three.

    Args:
        x: The x.
    """
    if not x:
        raise ZeroDivisionError("zero")
    return 1 // x


def four(x: int) -> int:
    """Four.

    Args:
        x: The x.
    """
    if x == 4:
        raise KeyError(x)
    return x


def five(x: int, y: int) -> int:
    """Five.

    Args:
        x: The x.
    """
    if x == y:
        raise ValueError("equal")
    return x


def six(x: int) -> int:
    """Six.

    Args:
        x: The x.

    Raises:
        ValueError: If ``x == 6``.
    """
    if x == 6:
        raise ValueError("six")
    if x == 7:
        raise TypeError("seven")
    return x


def fresh(x: int) -> int:
    if x:
        raise ValueError("fresh")
    return x
