"""``offset`` left the signature and nothing arrived: the one deletion."""


def scale(values: list[float], factor: float) -> list[float]:
    """Multiply every value.

    Args:
        values: The numbers to scale.
        factor: What to multiply them by.

    Returns:
        The scaled numbers.
    """
    return [v * factor for v in values]
