"""Types named by an import alias are written by the name they import."""

from tqdm.auto import tqdm as base_tqdm

from ._private import _Session as Session


def download(repo_id: str, tqdm_class: type[base_tqdm] | None = None) -> str:
    """Download a repository.

    Args:
        repo_id (`str`):
            The repository.
    """
    return repo_id


def upload(path: str, session: Session, bar: base_tqdm) -> base_tqdm:
    return bar
