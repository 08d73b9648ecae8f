"""A stub's ``...`` is neither a default nor a type."""


def solve(A: ..., C: ... = ..., tol: float = ...) -> None:
    pass


def fit(x, steps: int = 10) -> None:
    pass
