# @llm-doc-start
def keep(a, b):
    """Existing docstring is left alone."""
    return a
# @llm-doc-end
# @llm-doc-start
def fill(a):
    """Return the fill.

    Args:
        a: The a.

    Returns:
        The result.
    """
    return a
# @llm-doc-end
