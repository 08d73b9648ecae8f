# @llm-doc-start
def add(a: int, b: int) -> int:
    """Add two numbers,
    with a line break the human chose.

    Args:
        a (int): First.
        b (int): Second.

    Returns:
        int: The sum.
    """
    return a + b
# @llm-doc-end
