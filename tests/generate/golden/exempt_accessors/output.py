"""A property's setter and deleter are covered by the property."""


class Box:
    """A box."""

    def __init__(self) -> None:
        self._size = 0

    @property
    def size(self) -> int:
        """The size of the box."""
        return self._size

    @size.setter
    def size(self, value: int) -> None:
        self._size = value

    @size.deleter
    def size(self) -> None:
        self._size = 0
