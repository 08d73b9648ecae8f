"""Raises entries as real projects write them: several names on a line, and doc-builder markup."""


class RepositoryNotFoundError(Exception):
    """The repository does not exist."""


def check(value: int, key: str) -> int:
    """Check a value.

    Args:
        value (`int`): The value.
        key (`str`): The key.

    Returns:
        `int`: The value.

    Raises:
        ValueError, TypeError: If the value is wrong.
        (KeyError, IndexError): If the key is unknown.
        LookupError: If `key == "?"`.
    """
    if value < 0:
        raise ValueError("negative")
    if value > 9:
        raise TypeError("too big")
    if not key:
        raise KeyError(key)
    if key == "-":
        raise IndexError(key)
    if key == "?":
        raise LookupError(key)
    return value


def fetch(repo_id: str) -> str:
    """Fetch a repository.

    Args:
        repo_id (`str`):
            The repository.

    Returns:
        `str`: The repository's id.

    Raises:
        [`~utils.RepositoryNotFoundError`]:
            If the repository is not found.
        [`ValueError`](https://docs.python.org/3/library/exceptions.html#ValueError)
            If the id is empty.
    """
    if not repo_id:
        raise ValueError("empty")
    if repo_id == "x":
        raise RepositoryNotFoundError(repo_id)
    return repo_id
