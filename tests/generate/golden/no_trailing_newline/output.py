# @llm-doc-start
def last(a):
    """Return the last.

    Args:
        a: The a.

    Returns:
        The result.
    """
    return a
# @llm-doc-end