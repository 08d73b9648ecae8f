# A file with one example of each finding; expected.txt lists them (path:line:col: CODE msg).
from dataclasses import dataclass
from typing import Any, Optional


def documented_ok(a: int, b: str = "x") -> int:
    """Add things.

    Args:
        a (int): First.
        b (str): Second.

    Returns:
        int: The sum.
    """
    return a + len(b)


def arg_drift(a: int, b: int, *rest: int) -> None:
    """Drift in arguments.

    Args:
        b (int): Out of order.
        a (str): Wrong type.
        rest: Missing stars.
        gone: Not in the signature.
    """


def missing_arg(a, b):
    """Only one argument documented.

    Args:
        a: First.
    """
    print(a, b)


def returns_missing(x: int) -> int:
    """Returns a value without saying so.

    Args:
        x: A number.
    """
    return x


def returns_extra() -> None:
    """Says it returns.

    Returns:
        int: Nothing really.
    """


def returns_type(x: int) -> int:
    """Wrong return type.

    Args:
        x: A number.

    Returns:
        str: The number.
    """
    return x


def gen(n: int):
    """A generator without Yields.

    Args:
        n: How many.
    """
    yield from range(n)


def not_gen() -> None:
    """Says it yields.

    Yields:
        int: Nothing.
    """


def raiser(x: int) -> None:
    """Raises without saying so.

    Args:
        x: A number.

    Raises:
        KeyError: Never raised.
    """
    if x < 0:
        raise ValueError("negative")


@dataclass
class Point:
    """A point.

    Attributes:
        x (str): Wrong type.
        z: Not defined.
    """

    x: float
    y: float


def format_problems(a: int) -> None:
    """Format problems.

    Agrs:
        a: Misspelt heading above.

    Raises:
        ValueError:
    """


def long_line() -> None:
    """Summary.

    Note:
        This line is far too long for the configured width of seventy-nine columns, really.
    """


def suppressed(a, b):  # noqa: LD311
    """Suppressed on the def line.

    Args:
        a: First.
    """
    print(a, b)


def suppressed_in_doc(a, b):
    """Suppressed in the docstring (noqa: LD311).

    Args:
        a: First.
    """
    print(a, b)


def short(a, b):
    """A one-line docstring is complete as it is."""
    return a + b


def undocumented_public(a):
    return a


def _private(a):
    return a


def bad_indent(a: int) -> None:
    """Section body at the margin.

    Args:
    a: Not indented.
    """


def malformed(a: int) -> None:
    """Not Google entries.

    Args:
        a -- the old style.
        --flag: not a name.
    """


def placeholder_left(a: int) -> int:
    """TODO: describe.

    Args:
        a (int): TODO: describe.

    Returns:
        int: The value.
    """
    return a


def numpy_doc(a: int) -> int:
    """Numpy style is checked like Google style: Returns is missing.

    Parameters
    ----------
    a : int
        The a.
    """
    return a


def epytext_doc(a: int) -> int:
    """Epytext is in no style the tool reads: reported once, not checked.

    @param a: The a.
    """
    return a


def markup_types(factor: int = 2, path: Optional[str] = None, *, size: "int | None" = None,
                 **kwargs: Any) -> None:
    """Types written as real projects write them agree with the annotations.

    Args:
        factor (`int`, *optional*, defaults to `2`): The factor.
        path (str, optional): Where.
        size (:class:`int`, optional): How big.
        verbose (bool): Received through ``**kwargs``.
        **kwargs: More.
    """


class Stored:
    """Constructor arguments documented on the class are its attributes.

    Args:
        rate (float): The rate.
    """

    def __init__(self, rate: float) -> None:
        self.rate = rate


def rethrows(path: str) -> None:
    """A bare raise inside except re-raises what the handler caught.

    Args:
        path: Where.

    Raises:
        FileNotFoundError: When missing.
    """
    try:
        open(path)
    except FileNotFoundError:
        raise


def unknowable(error: Exception) -> None:
    """What ``raise error`` raises is not known without running it.

    Args:
        error: The error.
    """
    raise error
