"""TODO: describe."""


def first(items: list[int], default: int = 0) -> int:
    """The first item.

    Args:
        items (`list[int]`): The items.
        default (`int`): What an empty list gives.

    Returns:
        `int`: The first item, or ``default``.
    """
    return items[0] if items else default


def last(items: list[int], default: int = 0) -> int:
    """TODO: describe.

    Args:
        items (`list[int]`): TODO: describe.
        default (`int`): TODO: describe. Defaults to 0.

    Returns:
        `int`: TODO: describe.
    """
    return items[-1] if items else default


def count(items: list[int], value: int) -> int:
    """How many times ``value`` occurs."""
    return items.count(value)
