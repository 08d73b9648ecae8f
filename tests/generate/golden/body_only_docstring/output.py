# @llm-doc-start
def noop(flag: bool = False):
    """Do nothing at all.

    Args:
        flag (bool): Whether flag. Defaults to False.
    """
# @llm-doc-end
