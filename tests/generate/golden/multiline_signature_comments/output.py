# @llm-doc-start
def connect(
    host: str,  # where: the server
    port: int = 8080,  # ): tricky
    *,
    timeout: float | None = None,
) -> "Connection":  # comment after colon
    """TODO: describe.

    Args:
        host (str): TODO: describe.
        port (int): TODO: describe. Defaults to 8080.
        timeout (float | None): TODO: describe. Defaults to None.

    Returns:
        Connection: TODO: describe.
    """
    # a leading comment in the body
    return Connection(host, port, timeout)
# @llm-doc-end
