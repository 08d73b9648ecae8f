# @llm-doc-start
def scale(values, factor=2):
    """Scale values.

    Parameters
    ----------
    values : list
        Input values.

    Args:
        values: The values.
        factor: The factor. Defaults to 2.

    Returns:
        The result.
    """
    return [v * factor for v in values]
# @llm-doc-end
