# @llm-doc-start
def connect(
    host: str,  # where: the server
    port: int = 8080,  # ): tricky
    *,
    timeout: float | None = None,
) -> "Connection":  # comment after colon
    """Connect.

    Args:
        host (str): The host.
        port (int): The port. Defaults to 8080.
        timeout (float | None): The timeout. Defaults to None.

    Returns:
        'Connection': The result.
    """
    # a leading comment in the body
    return Connection(host, port, timeout)
# @llm-doc-end
