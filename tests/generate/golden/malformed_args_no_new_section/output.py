"""A section whose entries sit at its heading's margin (peft's ``perm2mat``)."""


def perm2mat(indices: list[int]) -> list[list[int]]:
    """
    Convert permutation indices to a permutation matrix.

    Args:
    indices: A list of indices representing the permutation.
    """
    n = len(indices)
    return [[int(j == i) for j in range(n)] for i in indices]


def identity(n: int) -> list[list[int]]:
    """Make an identity matrix.

    Args:
        n: The size.

    Returns:
        TODO: describe.
    """
    return [[int(i == j) for j in range(n)] for i in range(n)]
