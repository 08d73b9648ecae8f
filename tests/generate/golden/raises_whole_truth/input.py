"""Raises entries say a condition only when it is the whole truth."""


def cross(a, b):
    a_dim = len(a)
    if a_dim != 3:
        raise ValueError("a must have 3 items")
    if len(b) != 3:
        raise ValueError("b must have 3 items")
    return a, b


def lookup(table, key, strict=False, code=None):
    if strict and not code:
        raise KeyError('strict lookups need a code')
    if key == "it's":
        raise TypeError("no quotes")
    if (key in table  # already there
            and strict):
        raise LookupError(key)
    return table.get(key)


def checked(value, limit):
    if value > limit:
        raise OverflowError(value)
    for item in value:
        if item > limit:
            raise OverflowError(item)
    return value


def shared(value):
    if value is None:
        raise ValueError("none")
    if value is None:
        raise ValueError("still none")
    return value


def rebound(path):
    path = path.strip()
    if not path:
        raise ValueError("empty")
    return path


def parse(text):
    try:
        if not text.isdigit():
            raise ValueError(text)
        return int(text)
    except ValueError:
        return 0


def parse_again(text):
    try:
        if not text.isdigit():
            raise ValueError(text)
        return int(text)
    except ValueError:
        print("bad")
        raise

