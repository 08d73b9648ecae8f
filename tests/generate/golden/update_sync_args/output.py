# @llm-doc-start
def transfer(source: str, target: str, amount: float, *, dry_run: bool = False) -> bool:
    """Move money between accounts.

    The transfer is atomic: either both accounts change or none.

    Args:
        amount (float): How much to move, in cents.
        dry_run (bool): TODO: describe. Defaults to False.
        source: The account to debit.
        target (str): TODO: describe.
        removed_param: This one no longer exists.

    Returns:
        True on success.

    Raises:
        ValueError: If ``amount < 0``.

    Warning:
        Never call this from a signal handler.

    Example:
        >>> transfer("a", "b", 1.0)
        True
    """
    if amount < 0:
        raise ValueError("negative amount")
    return True
# @llm-doc-end
