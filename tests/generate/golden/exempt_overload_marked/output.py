from typing import overload


# @llm-doc-start
@overload
def scale(x: int) -> int: ...
# @llm-doc-end
@overload
def scale(x: float) -> float: ...
def scale(x: float) -> float:
    """TODO: describe.

    Args:
        x (float): TODO: describe.

    Returns:
        float: TODO: describe.
    """
    return x * 2
