"""A stub's ``...`` is neither a default nor a type."""


def solve(A: ..., C: ... = ..., tol: float = ...) -> None:
    """TODO: describe.

    Args:
        A: TODO: describe.
        C: TODO: describe.
        tol (float): TODO: describe.
    """
    pass


def fit(x, steps: int = 10) -> None:
    """TODO: describe.

    Args:
        x: TODO: describe.
        steps (int): TODO: describe. Defaults to 10.
    """
    pass
