"""Defaults written as a sentence, the value in backticks."""


def fetch(url: str, timeout: float = 10.0) -> bytes:
    """Fetch a page.

    Args:
        url (str): The address.
        timeout (float): Seconds to wait. Defaults to `10.0`.

    Returns:
        bytes: The body.
    """
    return url.encode()


def store(data: bytes, path: str = "out.bin", mode: str = "wb") -> None:
    """Store bytes.

    Args:
        data (bytes): What to store.
        path (str): Where. Defaults to `"out.bin"`.
        mode (str): How the file is opened. Defaults to `"wb"`.
    """


def grow(size: int, step: int = 2) -> int:
    """Grow a size.

    Args:
        size (int): The size.
        step (int): TODO: describe. Defaults to `2`.

    Returns:
        int: TODO: describe.
    """
    return size * step


def scale(value: float, factor: float = 2.0) -> float:
    """TODO: describe.

    Args:
        value (float): TODO: describe.
        factor (float): TODO: describe. Defaults to `2.0`.

    Returns:
        float: TODO: describe.
    """
    return value * factor
