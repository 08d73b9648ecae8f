"""A stub's ``...`` is no type and no default."""


def stub(x: int, y: ..., z: int = ..., *args: ...) -> None:
    """A stub.

    Args:
        x (int): The x.
    """
