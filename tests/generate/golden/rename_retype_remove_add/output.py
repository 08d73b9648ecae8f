"""A signature that changed under its docstring."""


def price(item: str, quantity: float, currency: str = "EUR") -> float:
    """Return the price of an order line.

    The price includes taxes.

    Args:
        item (str): TODO: describe.
        sku (str): Stock keeping unit of the product.
        quantity (float): How many units, never negative.
        currency (str): TODO: describe. Defaults to 'EUR'.
        discount (float): A rebate that no longer exists.

    Returns:
        float: The total, rounded to cents.
    """
    return 0.0
