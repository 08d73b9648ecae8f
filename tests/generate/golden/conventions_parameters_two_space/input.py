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
  if amount < 0:
    raise ValueError("negative")
  return amount


class Ledger:
  def __init__(self, owner: str) -> None:
    self.owner = owner
