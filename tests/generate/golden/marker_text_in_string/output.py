TEMPLATE = """
# @llm-doc-start
def phantom():
    pass
# @llm-doc-end
"""
# @llm-doc-start
def real(a):
    """TODO: describe.

    Args:
        a: TODO: describe.

    Returns:
        TODO: describe.
    """
    return TEMPLATE
# @llm-doc-end
