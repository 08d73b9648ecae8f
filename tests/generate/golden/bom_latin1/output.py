# -*- coding: latin-1 -*-
# @llm-doc-start
def café_price(amount):
    """Price in \u20ac for the café \u2014 élégant.

    Args:
        amount (int): Amount in £ \U0001f600.

    Returns:
        The price.
    """
    return amount  # déjà
# @llm-doc-end
