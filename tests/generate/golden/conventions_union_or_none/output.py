"""Union types spelt as this file's entries spell them (`str` or `None`)."""


def whoami(token: str | None, repo_type: str | None) -> dict:
    """Who the token belongs to.

    Args:
        token (`str` or `None`):
            The token.
        repo_type (`str` or `None`):
            The kind of repository.

    Returns:
        `dict`: The user's details.
    """
    return {}


def lookup(name: str | None, size: int | float | None, tags: list[str | None]) -> str | None:
    """TODO: describe.

    Args:
        name (`str` or `None`): TODO: describe.
        size (`int`, `float` or `None`): TODO: describe.
        tags (`list[str | None]`): TODO: describe.

    Returns:
        `str | None`: TODO: describe.
    """
    return name


def legacy(path: "Optional[str]") -> None:
    """TODO: describe.

    Args:
        path (`str` or `None`): TODO: describe.
    """
    del path
