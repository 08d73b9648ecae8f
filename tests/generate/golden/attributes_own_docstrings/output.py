"""Attributes documented by their own docstrings are not asked for again."""

from dataclasses import dataclass


@dataclass
class Options:
    """TODO: describe.

    Attributes:
        strict (bool): TODO: describe.
    """

    path: str
    """Where to look."""
    depth: int = 0
    """How far to go."""
    strict: bool = False


class Encoder:
    """TODO: describe.

    Attributes:
        count: TODO: describe.
    """

    level = 1
    """How hard to try."""

    def __init__(self, full: bool = False) -> None:
        """Initialize the instance.

        Args:
            full (bool): TODO: describe. Defaults to False.
        """
        self.full: bool = full
        """Whether to dump full data."""
        self.count = 0


class AllDocumented:
    """Every attribute says what it is."""

    def __init__(self) -> None:
        self.name = "x"
        """The name."""
