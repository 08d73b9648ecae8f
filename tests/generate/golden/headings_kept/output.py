"""Headings are spelt as their authors spelt them."""


def fetch(url, timeout, retries=3):
    """Fetch a page.

    Arguments:
        url: Where to go.
        timeout: Seconds to wait
            before giving up.
        retries: TODO: describe. Defaults to 3.

    Returns:
        TODO: describe.

    Notes:
        The connection is reused.

    Examples:
        >>> fetch("https://example.org", 3)
    """
    return url
