"""Admonitions (``> [!TIP]`` and ``<Tip>``) are prose: they end a section and are no entries."""


class RevisionNotFoundError(Exception):
    """The revision does not exist."""


def info(repo_id: str, expand: bool = False) -> str:
    """Get information about a repository.

    Args:
        repo_id (`str`):
            The repository.
        expand (`bool`, *optional*):
            Whether to expand.

    Returns:
        `str`: The information.

    > [!TIP]
    > Raises the following errors:
    >
    >     - [`~utils.RevisionNotFoundError`]
    >       If the revision cannot be found.
    """
    if expand and not repo_id:
        raise ValueError("nothing to expand")
    if repo_id == "x":
        raise RevisionNotFoundError(repo_id)
    return repo_id


def size(path: str, strict: bool = False) -> int:
    """Measure a file.

    Args:
        path (`str`):
            The file.
        strict (`bool`): TODO: describe. Defaults to False.
        <Tip>
        A tip, not an entry.
        </Tip>

    Returns:
        `int`: The size.
    """
    return len(path) + strict
