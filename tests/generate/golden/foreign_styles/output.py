"""Docstrings in numpy, reST and Epytext style are left as they are."""


def numpy_style(values, factor=2):
    """Scale values.

    Parameters
    ----------
    values : list
        Input values.
    """
    return [v * factor for v in values]


def rest_style(path, mode="r"):
    """Open a file.

    :param path: Where the file is.
    :returns: The file object.
    """
    return open(path, mode)


def epytext_style(a, b):
    """Add.

    @param a: The first.
    @return: The sum.
    """
    return a + b
