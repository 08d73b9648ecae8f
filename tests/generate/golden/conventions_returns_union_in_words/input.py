"""Tokens, read as huggingface_hub's utils/_auth.py writes its Returns types."""

from concurrent.futures import Future


def get_token(name: str) -> str | None:
    """
    Get the token stored under a name.

    Args:
        name (`str`):
            The name of the token.

    Returns:
        `str` or `None`: The token, `None` if it doesn't exist.
    """
    return None if not name else name


def upload(path: str, run_as_future: bool = False) -> "str | Future[str]":
    """
    Upload a file.

    Args:
        path (`str`):
            The file.
        run_as_future (`bool`, *optional*):
            Whether to run in the background.

    Returns:
        [`CommitInfo`] or `Future`:
            The commit, or a future of it when `run_as_future=True`.
    """
    return path


def size_of(path: str) -> int | float | None:
    """
    Get the size of a file.

    Returns:
        `int`, `float` or `None`: The size.
    """
    return len(path) or None


def find(name: str, default: str | None = None) -> str | None:
    return default or name
