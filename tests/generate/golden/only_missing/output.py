# @llm-doc-start
def keep(a, b):
    """Existing docstring is left alone."""
    return a
# @llm-doc-end
# @llm-doc-start
def fill(a):
    """TODO: describe.

    Args:
        a: TODO: describe.

    Returns:
        TODO: describe.
    """
    return a
# @llm-doc-end
