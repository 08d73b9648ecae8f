"""Constructor arguments documented under Args: a missing dataclass field goes there too,
and classes documenting their constructor get no Attributes section (none of these has one)."""

import threading
from dataclasses import dataclass


@dataclass
class FileInfo:
    """What a dry run reports.

    Args:
        commit_hash (`str`):
            The commit.
        local_path (`str`): TODO: describe.
        size (`int`):
            Its size.
    """

    commit_hash: str
    local_path: str
    size: int


class Token:
    """A token.

    Attributes:
        value (`str`): The value.
    """

    value: str = ""


class Session:
    """A session.

    Attributes:
        name (`str`): The name.
    """

    name: str = ""


class Scheduler:
    """Upload on a schedule.

    Args:
        every (`int`):
            Minutes between uploads.
    """

    def __init__(self, every: int) -> None:
        self.every = every
        self.lock = threading.Lock()


class Client:
    """A client.

    Args:
        token (`str`):
            The token.
    """

    def __init__(self, token: str) -> None:
        self.token = token
        self.session = None


class Reader:
    """A reader.

    Args:
        path (`str`):
            The path.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self.handle = None


class Writer:
    """A writer.

    Args:
        path (`str`):
            The path.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self.buffer = []
