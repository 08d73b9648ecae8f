"""Docstrings in Epytext style, or in no style the tool reads, are left as they are."""


def epytext_style(a, b):
    """Add.

    @param a: The first.
    @return: The sum.
    """
    return a + b


def rest_title(path, mode="r"):
    """Open a file.

    Usage
    =====

    An underlined title that is no numpydoc section: not read as NumPy style.
    """
    return open(path, mode)
