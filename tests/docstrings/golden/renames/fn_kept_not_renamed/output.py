"""``fn`` left the signature while ``scope_tree`` and ``mutable`` arrived."""


def pack(scope_tree: dict, variables: dict, *, mutable: bool = False) -> object:
    """Pack variables and rngs for a function.

    Args:
        scope_tree (dict): TODO: describe.
        fn (Callable): The function to pack; it is called with the scopes as its first argument.
        variables (dict): The variable collections to pass in.
        mutable (bool): TODO: describe. Defaults to False.

    Returns:
        The packed function.
    """
    return (scope_tree, variables, mutable)
