"""TODO: describe.
"""

import my_module


def f() -> my_module.Asdf | my_module.AnotherType | my_module.YetAnotherType | None:
    """TODO: describe.

    Returns:
        TODO: describe.
    """
    pass


def g() -> 1 + 1:
    """TODO: describe.

    Returns:
        TODO: describe.
    """
    return 2


def h(tb):
    """TODO: describe.

    Args:
        tb: TODO: describe.

    Raises:
        IndexError:
            TODO: describe.
    """
    raise IndexError().with_traceback(tb)


def bar(a):
    """TODO: describe.

    Args:
        a: TODO: describe.
    """
    pass


# @llm-class-start
class E(Exception):
    """TODO: describe.
    """

    pass
# @llm-class-end


def k():
    """TODO: describe.

    Returns:
        TODO: describe.
    """
    return 1

