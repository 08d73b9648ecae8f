"""The one exception root and every exception that crosses a subsystem."""

from __future__ import annotations


class LLMDocError(Exception):
    """Root of every error this package raises on purpose."""


class ConfigError(LLMDocError):
    """Invalid configuration or usage; the CLI maps it to exit code 2."""


class ProviderError(LLMDocError):
    """A provider could not produce a valid answer for one region."""


class FatalProviderError(ProviderError):
    """A failure every request would share (bad key, unknown model): the run stops."""


class SourceDecodeError(LLMDocError):
    """The file's bytes cannot be decoded with its declared encoding.

    Attributes:
        line: The 1-based line where decoding failed.
    """

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


class UnreadableSourceError(LLMDocError):
    """A path that is not a regular file (a FIFO, a device, ...) or is larger than the limit.

    Attributes:
        too_large: True when the file is regular but over the size limit.
    """

    def __init__(self, message: str, too_large: bool = False) -> None:
        super().__init__(message)
        self.too_large = too_large


class StaleFileError(LLMDocError):
    """The file changed on disk between reading and writing."""


class ApplyError(LLMDocError):
    """An edit cannot be placed, or the edited text failed verification."""
