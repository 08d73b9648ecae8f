"""Exceptions written in the project's markup: a link for its own, backticks for a builtin."""


class HubError(Exception):
    """A hub error."""


def fetch(name: str) -> str:
    """Fetch a name.

    Args:
        name (`str`): The name.

    Returns:
        `str`: The value.

    Raises:
        [`HubError`]:
            If the hub fails.
        `ValueError`: If `not name`.
    """
    if not name:
        raise ValueError("empty")
    if name == "x":
        raise HubError(name)
    return name


def store(name: str) -> None:
    """Store a name.

    Args:
        name (`str`): The name.

    Raises:
        [`HubError`]: If `not name`.
        `KeyError`: If `name == "y"`.
    """
    if not name:
        raise HubError("empty")
    if name == "y":
        raise KeyError(name)


def load(name: str) -> str:
    """Load a name.

    Args:
        name (`str`): The name.

    Returns:
        `str`: The value.

    Raises:
        [`HubError`]:
            If the hub fails.
    """
    if name:
        raise HubError(name)
    return name


def plain(name: str) -> None:
    """Entries written plain keep being written plain.

    Args:
        name (`str`): The name.

    Raises:
        OSError: If the disk fails.
        TypeError: If `not name`.
    """
    if not name:
        raise TypeError("empty")
    raise OSError(name)
