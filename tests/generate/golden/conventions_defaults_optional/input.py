"""Defaults marked in the type only, as Hugging Face writes them."""


def download(repo_id: str, revision: str = "main", token: bool = False) -> str:
    """Download a repository.

    Args:
        repo_id (`str`):
            The repository.
        revision (`str`, *optional*):
            The branch, tag or commit.
        token (`bool`, *optional*):
            Whether to send the stored token.

    Returns:
        `str`: Where it was stored.
    """
    return repo_id + revision


def upload(path: str, commit_message: str = "", create_pr: bool = False) -> None:
    """Upload a file.

    Args:
        path (`str`):
            The file.
        commit_message (`str`, *optional*):
            The message.
    """
    del path, commit_message, create_pr


def scale(value: float, factor: float = 2.0) -> float:
    return value * factor
