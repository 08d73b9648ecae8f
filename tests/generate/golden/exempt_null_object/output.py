"""A class that does nothing stands in for a real one: its pass methods need no docstring."""


class silent_bar:
    """Fake progress bar that does nothing."""

    def __init__(self, *args, **kwargs):
        pass

    def __enter__(self):
        return self

    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


class Watcher:
    """Watch a folder and report changes."""

    def on_change(self, path: str) -> None:
        """TODO: describe.

        Args:
            path: TODO: describe.
        """
        pass

    def run(self, folder: str) -> None:
        """Watch until stopped.

        Args:
            folder: The folder.
        """
        for path in folder.split("/"):
            self.on_change(path)


class Stub:
    """Declares an interface."""

    def first(self) -> int:
        """TODO: describe.

        Returns:
            TODO: describe.
        """
        ...

    def second(self) -> None:
        """TODO: describe."""
        pass
