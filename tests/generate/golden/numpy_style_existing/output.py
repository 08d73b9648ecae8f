# @llm-doc-start
def scale(values, factor=2):
    """Scale values.

    Parameters
    ----------
    values : list
        Input values.
    """
    return [v * factor for v in values]
# @llm-doc-end
