"""Accounts, written the way this project writes docstrings."""


def debit(account: str, amount: int) -> int:
  """Take money from an account.

  Parameters:
    account (str): The account to debit, by its number; a long description that wraps
      onto a second line.
    amount (int): Cents to take.

  Return:
    int: The new balance.
  """
  return amount


def credit(account: str, amount: int, note: str = "") -> int:
  """TODO: describe.

  Parameters:
    account (str): TODO: describe.
    amount (int): TODO: describe.
    note (str): TODO: describe. Defaults to ''.

  Return:
    int: TODO: describe.

  Raises:
    ValueError: If ``amount < 0``.
  """
  if amount < 0:
    raise ValueError("negative")
  return amount


class Ledger:
  """TODO: describe.

  Attributes:
    owner (str): TODO: describe.
  """

  def __init__(self, owner: str) -> None:
    """Initialize the instance.

    Parameters:
      owner (str): TODO: describe.
    """
    self.owner = owner
