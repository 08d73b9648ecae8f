"""TypedDicts documented in prose: their keys are the class body, not an Attributes list."""

import typing
from dataclasses import dataclass

# Listed: the classes are the module's interface, not payloads only this file uses
# (exempt.Exemptions._internal_record).
__all__ = ["Config", "Record", "Reply", "Request", "Server"]


class Config(typing.TypedDict):
    """The configuration file's content."""

    name: str


class Server(typing.TypedDict):
    """One server the client talks to."""

    url: str


class Reply(typing.TypedDict):
    """What the server answers."""

    status: int


class Request(typing.TypedDict):
    """TODO: describe."""

    path: str
    body: bytes


@dataclass
class Record:
    """TODO: describe.

    Attributes:
        path (str): TODO: describe.
        size (int): TODO: describe.
    """

    path: str
    size: int
