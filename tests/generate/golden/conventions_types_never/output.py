"""Shapes."""


def area(width: float, height: float = 1.0) -> float:
    """Area of a rectangle.

    Args:
        width (float): Its width.
        height (float): Its height.

    Returns:
        float: The area.
    """
    return width * height


def perimeter(width: float, height: float) -> float:
    """TODO: describe.

    Args:
        width: TODO: describe.
        height: TODO: describe.

    Returns:
        TODO: describe.
    """
    return 2 * (width + height)


def scale(factor: float) -> float:
    """Scale the unit square."""
    return factor * factor


def move(x: float, dx: float) -> float:
    """Move a point.

    Args:
        x (float): Where it is.
        dx: TODO: describe.

    Returns:
        float: Where it goes.
    """
    return x + dx
