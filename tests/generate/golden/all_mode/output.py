"""TODO: describe."""


class Plain:
    """TODO: describe."""

    def method(self, a):
        """TODO: describe.

        Args:
            a: TODO: describe.

        Returns:
            TODO: describe.
        """
        return a

    def _private(self):
        pass


def function(*args, **kwargs):
    """TODO: describe.

    Args:
        *args: TODO: describe.
        **kwargs: TODO: describe.
    """
    pass
