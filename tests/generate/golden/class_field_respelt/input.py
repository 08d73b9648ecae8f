"""A dataclass documenting a field as the API spells it (huggingface_hub's ``SpaceVariable``)."""
from dataclasses import dataclass
from datetime import datetime


@dataclass
class SpaceVariable:
    """A variable of a Space.

    Args:
        key (`str`):
            The key.
        updatedAt (`datetime` or None):
            When it was last updated.
    """

    key: str
    updated_at: datetime | None
