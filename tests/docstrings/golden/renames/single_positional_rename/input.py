"""``w`` became ``width`` in the same place; nothing else changed."""


def area(width: float, height: float) -> float:
    """Area of a rectangle.

    Args:
        w: The horizontal side, in metres.
        height: The vertical side, in metres.

    Returns:
        The area, in square metres.
    """
    return width * height
