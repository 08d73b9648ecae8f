class Plain:
    """Plain."""
    def method(self, a):
        """Return the method.

        Args:
            a: The a.

        Returns:
            The result.
        """
        return a

    def _private(self):
        """Private."""
        pass


def function(*args, **kwargs):
    """Function.

    Args:
        *args: Additional positional arguments.
        **kwargs: Additional keyword arguments.
    """
    pass
