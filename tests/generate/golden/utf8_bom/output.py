# @llm-doc-start
def name():
    """Return the name.

    Returns:
        The result.
    """
    return 'é'
# @llm-doc-end
