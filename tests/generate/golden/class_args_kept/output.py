# @llm-class-start
class Pool:
    """A pool of workers.

    Kept as written: the constructor's arguments are documented here.

    Args:
        size (int): How many workers to start. Defaults to four,
            which suits most laptops.
        name: A label for logs.
    """

    def __init__(self, size: int = 4, name: str = "pool") -> None:
        self.size = size
        self.name = name
# @llm-class-end
