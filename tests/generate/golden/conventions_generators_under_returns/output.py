"""Generators documented under Returns with their iterator type, as this file does."""

from collections.abc import Iterable, Iterator


def names() -> Iterable[str]:
    """The names.

    Returns:
        `Iterable[str]`: Each name.
    """
    yield "a"


def paths() -> Iterable[str]:
    """The paths.

    Returns:
        `Iterable[str]`: Each path.
    """
    yield "a"


def files() -> Iterable[str]:
    """The files.

    Returns:
        `Iterable[str]`: Each file.
    """
    yield "a"


def repos() -> Iterable[str]:
    """The repositories.

    Returns:
        `Iterable[str]`: Each repository.
    """
    yield "a"


def spaces() -> Iterable[str]:
    """The spaces.

    Returns:
        `Iterable[str]`: Each space.
    """
    yield "a"


def logs(job_id: str) -> Iterator[dict[str, int]]:
    """The logs of a job.

    Args:
        job_id (`str`): The job.

    Returns:
        `Iterator[dict[str, int]]`: TODO: describe.

    Example:
        >>> list(logs("x"))
        [{'a': 1}]
    """
    yield {"a": 1}
