# @llm-doc-start
def name():
    """TODO: describe.

    Returns:
        TODO: describe.
    """
    return 'é'
# @llm-doc-end
