"""Continuation lines at the entries' indentation belong to the entry above."""


def connect(host: str, port: int) -> None:
    """Connect to a server.

    Args:
        host: The host name, which is resolved
        The first time it is used.
        port: The port.
    If the port is closed, the call waits.
    """
    if port < 0:
        raise ValueError(port)
