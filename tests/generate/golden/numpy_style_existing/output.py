# @llm-doc-start
def scale(values, factor=2):
    """Scale values.

    Parameters
    ----------
    values : list
        Input values.
    factor : optional
        TODO: describe.

    Returns
    -------
    TODO: describe.
        TODO: describe.
    """
    return [v * factor for v in values]
# @llm-doc-end
