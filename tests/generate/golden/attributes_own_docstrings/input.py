"""Attributes documented by their own docstrings are not asked for again."""

from dataclasses import dataclass


@dataclass
class Options:
    path: str
    """Where to look."""
    depth: int = 0
    """How far to go."""
    strict: bool = False


class Encoder:
    level = 1
    """How hard to try."""

    def __init__(self, full: bool = False) -> None:
        self.full: bool = full
        """Whether to dump full data."""
        self.count = 0


class AllDocumented:
    """Every attribute says what it is."""

    def __init__(self) -> None:
        self.name = "x"
        """The name."""
