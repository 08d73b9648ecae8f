TEMPLATE = """
# @llm-doc-start
def phantom():
    pass
# @llm-doc-end
"""
# @llm-doc-start
def real(a):
    """Return the real.

    Args:
        a: The a.

    Returns:
        The result.
    """
    return TEMPLATE
# @llm-doc-end
