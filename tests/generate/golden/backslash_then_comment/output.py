"""TODO: describe."""


def bob(): \
         # pylint: disable=W9016
    """TODO: describe."""
    pass


def bobtwo(): \
    \
  # some comment here
    """TODO: describe."""
    pass
