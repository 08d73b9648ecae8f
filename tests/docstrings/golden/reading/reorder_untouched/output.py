"""An update never moves a person's entries: a new one goes after the argument before it."""


def upload(repo_id: str, path: str, token: str | None = None, revision: str | None = None,
           timeout: float = 10.0) -> None:
    """Upload a file.

    Args:
        path (`str`):
            The file to upload.
        token (`str | None`): TODO: describe. Defaults to None.
        repo_id (`str`):
            The repository.
        timeout (`float`, *optional*):
            Seconds to wait.
        revision (`str`, *optional*):
            The revision.
    """
    del repo_id, path, token, revision, timeout
