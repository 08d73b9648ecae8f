from dataclasses import dataclass


# @llm-class-start
@dataclass
class Point:
    """TODO: describe.

    Attributes:
        x (float): TODO: describe.
        y (float): TODO: describe.
    """

    x: float
    y: float = 0.0
    _cache: dict | None = None
# @llm-class-end


# @llm-class-start
class Account(Base):
    """An account.

    Attributes:
        nickname (str): Set elsewhere, kept because the code cannot see it.
    """

    def __init__(self, owner: str, balance: int = 0) -> None:
        self.owner = owner
        self.balance: int = balance
        self._secret = 1
# @llm-class-end
