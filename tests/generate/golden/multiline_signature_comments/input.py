# @llm-doc-start
def connect(
    host: str,  # where: the server
    port: int = 8080,  # ): tricky
    *,
    timeout: float | None = None,
) -> "Connection":  # comment after colon
    # a leading comment in the body
    return Connection(host, port, timeout)
# @llm-doc-end
