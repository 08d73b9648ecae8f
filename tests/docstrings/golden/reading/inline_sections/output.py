"""A heading with its text on the same line (``Returns: text``) is that section, kept as written.

huggingface_hub writes ``Returns: a [`~HFCacheInfo`] object.`` and lists what it raises in a
``> [!WARNING]`` admonition; neither is written a second time.
"""

from pathlib import Path


class CacheNotFound(Exception):
    """The cache directory does not exist."""


class SandboxError(Exception):
    """The sandbox failed."""


def scan_cache_dir(cache_dir: str | None = None) -> dict[str, int]:
    """Scan the cache.

    Args:
        cache_dir (`str`, *optional*):
            Cache directory to scan.

    > [!WARNING]
    > Raises:
    >
    >     `CacheNotFound`
    >       If the cache directory does not exist.
    >
    >     [`ValueError`](https://docs.python.org/3/library/exceptions.html#ValueError)
    >       If the cache directory is a file, instead of a directory.

    Returns: a [`~HFCacheInfo`] object.
    """
    if cache_dir is None:
        raise CacheNotFound("no cache")
    if Path(cache_dir).is_file():
        raise ValueError(cache_dir)
    return {}


def run(cmd: str, check: bool = False) -> str:
    """Run a command.

    Args:
        cmd (`str`):
            The command.
        check (`bool`): TODO: describe. Defaults to False.

    Returns: a [`SandboxCommandResult`] (with `exit_code`, `stdout`, `stderr`,
    `duration_ms`), or a [`SandboxProcess`] when `background=True`.

    Raises:
        SandboxError: If `check and not cmd`.
    """
    if check and not cmd:
        raise SandboxError(cmd)
    return cmd


def copies(paths: list[str], revision: str) -> dict[str, bytes]:
    """Fetch the files to copy.

    Args:
        paths (`list[str]`):
            The paths.
        revision (`str`): TODO: describe.

    Returns: `dict[str, bytes]`
        Key is the path and value is the raw content.
    """
    return {path: revision.encode() for path in paths}


def read(path: str) -> str:
    """Read a file.

    Args:
        path (`str`):
            The path.

    Returns:
        `str`: TODO: describe.

    Raises: `ValueError` when the path is empty.
    """
    if not path:
        raise ValueError(path)
    return path


def stored(token: str) -> str:
    """Return the stored token.

    Note: the token is not checked.

    Args:
        token (`str`): TODO: describe.

    Returns: `str`
    """
    return token
