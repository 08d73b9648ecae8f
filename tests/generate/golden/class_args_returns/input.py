"""A class documented with Args and Returns, as keras does."""


class StochasticDepth:
    """Stochastic depth layer.

    Args:
        rate: The probability of dropping the residual branch.

    Returns:
        The output of the layer: the input with the residual branch dropped
        at random.
    """

    def __init__(self, rate: float, seed: int = 0) -> None:
        """Initialize the instance.

        Args:
            rate: The drop probability.
            seed: The random seed.
        """
        self.rate = rate
        self.seed = seed
        self.supports_masking = True
