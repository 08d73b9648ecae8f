# @llm-doc-start
def double(x: int) -> int:
    """Return the double.

    Args:
        x (int): The x.

    Returns:
        int: The result.
    """
    return x * 2  # trailing comment
# @llm-doc-end
