"""A model whose ``rng`` became ``rngs`` and moved after ``batch``."""


class Model:
    """A model."""

    def init(self, batch: Array, rngs: dict[str, Array], train: bool = False) -> dict:
        """Initialise the variables.

        Args:
            rngs (dict[str, Array]): The random keys to initialise with; one per collection.
            train (bool): TODO: describe. Defaults to False.
            batch (Array): An example input batch, used only for its shapes.

        Returns:
            The variables.
        """
        return {"batch": batch, "rngs": rngs, "train": train}
