# @llm-doc-start
def transfer(source: str, target: str, amount: float, *, dry_run: bool = False) -> bool:
    """Move money between accounts.

    The transfer is atomic: either both accounts change or none.

    Args:
        amount (int): How much to move, in cents.
        source: The account to debit.
        removed_param: This one no longer exists.

    Returns:
        True on success.

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
