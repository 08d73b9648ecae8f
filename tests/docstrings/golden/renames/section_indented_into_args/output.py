"""A section indented into Args by mistake is a person's section, not a gone argument."""


def create(name: str) -> str:
    """Create a thing.

    Args:
        name (`str`):
            The name.
        Returns:
            `str`: the new thing's id.

        Example:

        ```py
        >>> create("x")
        'id-x'
        ```
    """
    return f"id-{name}"
