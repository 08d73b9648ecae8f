"""Sphinx field lists kept in line with the code, in their own style."""


def retyped(a: int, c: int, d: str = "x") -> int:
    """Add numbers.

    The text a person wrote here stays as it is.

    :param a: First, with a continuation line
        indented below the field.

        .. note:: A directive inside a field is part of its text.
    :type a: str
    :param b: Gone, and two arguments are new: kept for a person.
    :type b: int
    :returns: The sum.
    :rtype: str
    :raises KeyError: Documented by a person, though never raised here.
    """
    if a < 0:
        raise ValueError("neg")
    return a + c


def inline_types(x: int, y: int) -> None:
    """Types written inside the field.

    :param str x: The x.
    """


def renamed(values: list[int], scale: float) -> float:
    """Scale values.

    :param values: The values.
    :param factor: The scale; the only argument gone, in the place of the only new one.
    :returns: The scaled sum.
    """
    return sum(values) * scale


def removed(a: int) -> int:
    """Remove an argument's field and its type line.

    :param a: Kept.
    :param old: Gone.
    :type old: int
    :returns: The value.
    """
    return a


def new_fields(x: int) -> int:
    """Only a summary and a field.

    :param x: The x.
    """
    return x


class Thing:
    """A thing.

    :ivar size: The size.
    :vartype size: int
    """

    def __init__(self) -> None:
        self.size = 1
        self.name: str = "a"
