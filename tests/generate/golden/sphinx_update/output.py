"""Sphinx field lists kept in line with the code, in their own style."""


def retyped(a: int, c: int, d: str = "x") -> int:
    """Add numbers.

    The text a person wrote here stays as it is.

    :param a: First, with a continuation line
        indented below the field.

        .. note:: A directive inside a field is part of its text.
    :type a: int
    :param c: TODO: describe.
    :type c: int
    :param d: TODO: describe. Defaults to 'x'.
    :type d: str
    :param b: Gone, and two arguments are new: kept for a person.
    :type b: int
    :returns: The sum.
    :rtype: int
    :raises KeyError: Documented by a person, though never raised here.
    :raises ValueError: If ``a < 0``.
    """
    if a < 0:
        raise ValueError("neg")
    return a + c


def inline_types(x: int, y: int) -> None:
    """Types written inside the field.

    :param int x: The x.
    :param int y: TODO: describe.
    """


def renamed(values: list[int], scale: float) -> float:
    """Scale values.

    :param values: The values.
    :param scale: The scale; the only argument gone, in the place of the only new one.
    :returns: The scaled sum.
    """
    return sum(values) * scale


def removed(a: int) -> int:
    """Remove an argument's field and its type line.

    :param a: Kept.
    :returns: The value.
    """
    return a


def new_fields(x: int) -> int:
    """Only a summary and a field.

    :param x: The x.
    :returns: TODO: describe.
    """
    return x


class Thing:
    """A thing.

    :ivar size: The size.
    :vartype size: int
    :ivar name: TODO: describe.
    :vartype name: str
    """

    def __init__(self) -> None:
        self.size = 1
        self.name: str = "a"
