"""A docstring whose only type is its Returns type, in backticks: a new entry's type too."""


def hardware(token: str | None = None) -> list[str]:
    """List the hardware.

    Returns:
        `list[str]`: The hardware names.
    """
    return [token or ""]
