from typing import overload


# @llm-doc-start
@overload
def scale(x: int) -> int: ...
# @llm-doc-end
@overload
def scale(x: float) -> float: ...
def scale(x: float) -> float:
    return x * 2
