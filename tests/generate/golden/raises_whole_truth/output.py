"""Raises entries say a condition only when it is the whole truth."""


def cross(a, b):
    """TODO: describe.

    Args:
        a: TODO: describe.
        b: TODO: describe.

    Returns:
        TODO: describe.

    Raises:
        ValueError: TODO: describe.
    """
    a_dim = len(a)
    if a_dim != 3:
        raise ValueError("a must have 3 items")
    if len(b) != 3:
        raise ValueError("b must have 3 items")
    return a, b


def lookup(table, key, strict=False, code=None):
    """TODO: describe.

    Args:
        table: TODO: describe.
        key: TODO: describe.
        strict: TODO: describe. Defaults to False.
        code: TODO: describe. Defaults to None.

    Returns:
        TODO: describe.

    Raises:
        KeyError: If ``strict and not code``.
        TypeError: If ``key == "it's"``.
        LookupError: If ``key in table and strict``.
    """
    if strict and not code:
        raise KeyError('strict lookups need a code')
    if key == "it's":
        raise TypeError("no quotes")
    if (key in table  # already there
            and strict):
        raise LookupError(key)
    return table.get(key)


def checked(value, limit):
    """TODO: describe.

    Args:
        value: TODO: describe.
        limit: TODO: describe.

    Returns:
        TODO: describe.

    Raises:
        OverflowError: TODO: describe.
    """
    if value > limit:
        raise OverflowError(value)
    for item in value:
        if item > limit:
            raise OverflowError(item)
    return value


def shared(value):
    """TODO: describe.

    Args:
        value: TODO: describe.

    Returns:
        TODO: describe.

    Raises:
        ValueError: If ``value is None``.
    """
    if value is None:
        raise ValueError("none")
    if value is None:
        raise ValueError("still none")
    return value


def rebound(path):
    """TODO: describe.

    Args:
        path: TODO: describe.

    Returns:
        TODO: describe.

    Raises:
        ValueError: TODO: describe.
    """
    path = path.strip()
    if not path:
        raise ValueError("empty")
    return path


def parse(text):
    """TODO: describe.

    Args:
        text: TODO: describe.

    Returns:
        TODO: describe.
    """
    try:
        if not text.isdigit():
            raise ValueError(text)
        return int(text)
    except ValueError:
        return 0


def parse_again(text):
    """TODO: describe.

    Args:
        text: TODO: describe.

    Returns:
        TODO: describe.

    Raises:
        ValueError: TODO: describe.
    """
    try:
        if not text.isdigit():
            raise ValueError(text)
        return int(text)
    except ValueError:
        print("bad")
        raise

