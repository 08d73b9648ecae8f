# @llm-doc-start
def last(a):
    """TODO: describe.

    Args:
        a: TODO: describe.

    Returns:
        TODO: describe.
    """
    return a
# @llm-doc-end