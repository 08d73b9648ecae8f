"""A method whose body only raises NotImplementedError never returns: no Returns is asked of it.

peft's Lily layer refuses ``get_delta_weight`` (``-> torch.Tensor`` in the base) with
``raise NotImplementedError("This method is not supported for Lily.")``. An
``@abstractmethod`` declares the interface: its Returns section is still asked for.
"""

from abc import ABC, abstractmethod

from torch import nn


class Layer(ABC):
    """A layer."""

    @abstractmethod
    def get_delta_weight(self, adapter: str) -> list[float]:
        """Compute the delta weight of an adapter.

        Args:
            adapter: The adapter's name.

        Returns:
            TODO: describe.
        """

    def merge(self, adapter: str) -> list[float]:
        """Merge an adapter.

        Args:
            adapter: The adapter's name.

        Returns:
            The merged weights.
        """
        return self.get_delta_weight(adapter)


class Lily(nn.Module):
    """A layer that cannot merge."""

    def get_delta_weight(self, adapter: str) -> list[float]:
        """Compute the delta weight for the given adapter.

        Args:
            adapter: The name of the adapter.
        """
        raise NotImplementedError("This method is not supported for Lily.")

    def unmerge(self, adapter: str) -> list[float]:
        raise NotImplementedError("This method is not supported for Lily.")
