"""Empty docstrings with a comment saying why are left alone."""


def hidden():
    """"""  # deliberately empty: Sphinx shows nothing
    return 1


def above():
    # Empty on purpose: documented in the package index.
    ""
    return 2


def below():
    """"""
    # Empty on purpose: the name says it all.
    return 3


def plain():
    """TODO: describe."""
    return 4
