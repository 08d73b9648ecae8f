"""The constructor is documented in one place."""


class Documented:
    """The class documents its constructor.

    Args:
        rate: The drop rate.
        seed: The random seed.
    """

    def __init__(self, rate: float, seed: int = 0) -> None:
        self.rate = rate
        self.seed = seed


class InInit:
    """The constructor documents itself."""

    def __init__(self, rate: float) -> None:
        """Make one.

        Args:
            rate: The drop rate.
        """
        self.rate = rate


class NoArguments:
    """Nothing to pass."""

    def __init__(self) -> None:
        self.ready = True


class Undocumented:
    """The constructor's arguments are documented nowhere yet."""

    def __init__(self, rate) -> None:
        self.rate = rate
