# @llm-doc-start
def double(x: int) -> int:
    """TODO: describe.

    Args:
        x (int): TODO: describe.

    Returns:
        int: TODO: describe.
    """
    return x * 2  # trailing comment
# @llm-doc-end
