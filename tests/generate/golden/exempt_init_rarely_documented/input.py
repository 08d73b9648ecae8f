"""Settings sources (pydantic-settings' shape: 1 of its 23 ``__init__`` documented)."""


class EnvSource:
    """Settings from the environment."""

    def __init__(self, prefix: str = "", case_sensitive: bool = False) -> None:
        self.prefix = prefix
        self.case_sensitive = case_sensitive


class DotEnvSource:
    """Settings from a ``.env`` file."""

    def __init__(self, path: str, encoding: str = "utf-8") -> None:
        self.path = path
        self.encoding = encoding


class SecretsSource:
    """Settings from a secrets folder."""

    def __init__(self, folder: str) -> None:
        self.folder = folder


class CliSource:
    def __init__(self, argv: list[str]) -> None:
        self.argv = argv


class InitSource:
    """Settings given to the constructor."""

    def __init__(self, values: dict[str, str]) -> None:
        """Keep the values as given."""
        self.values = values


class JsonSource:
    """Settings from a JSON file."""

    def __init__(self, path: str, *, strict: bool = True) -> None:
        self.path = path
        self.strict = strict
