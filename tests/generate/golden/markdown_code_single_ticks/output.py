"""Scales written the Markdown way: `code` in single backticks (peft's habit)."""


def rescale(scale: float, factor: float = 1.0) -> float:
    """Rescale `scale` by `factor`.

    Args:
        scale (`float`): The scale.
        factor (`float`): The factor.

    Returns:
        `float`: The scale times `factor`.

    Raises:
        TypeError: If `not isinstance(scale, (int, float))`.
    """
    if not isinstance(scale, (int, float)):
        raise TypeError(scale)
    return scale * factor


def double(scale: float) -> float:
    """Double a scale (a Markdown fence is no reST quote).

    Args:
        scale (`float`): The scale.

    Returns:
        `float`: Twice the scale.

    Example:
        ```python
        double(1.0)
        ```
    """
    return 2 * scale


def halve(scale: float) -> float:
    """Halve a scale.

    Args:
        scale (`float`): The scale.

    Returns:
        `float`: Half the scale.

    Example:
        ```python
        halve(1.0)
        ```
    """
    return scale / 2
