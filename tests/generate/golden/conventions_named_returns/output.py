"""Named return values in an untyped project (griffe writes them so)."""


def base_property(decorators: list[str], function: str) -> tuple[str, str]:
    """Check decorators to return the base property of a setter or deleter.

    Parameters:
        decorators: The decorators to check.
        function: TODO: describe.

    Returns:
        base: The property for which the setter or deleter is set.
        kind: Either ``"setter"`` or ``"deleter"``.
    """
    return decorators[0], function
