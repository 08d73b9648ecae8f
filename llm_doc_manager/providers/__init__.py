"""Providers turn a documentation request into schema content; ``static`` needs no network."""

from __future__ import annotations

from llm_doc_manager.errors import ConfigError
from llm_doc_manager.providers.base import DocRequest, Provider, Task
from llm_doc_manager.providers.static import StaticProvider

__all__ = ["DocRequest", "Provider", "StaticProvider", "Task", "make_provider"]

AVAILABLE = ("static", "openai")


def make_provider(name: str) -> Provider:
    """Build the provider called ``name``.

    Args:
        name (str): Provider name.

    Returns:
        Provider: The provider.

    Raises:
        ConfigError: If the name is unknown or the provider is not available in this version.
    """
    if name == "static":
        return StaticProvider()
    if name == "openai":
        raise ConfigError(
            "provider 'openai' is reserved and not available in this version; "
            "use --provider static"
        )
    raise ConfigError(f"unknown provider {name!r} (choose from {', '.join(AVAILABLE)})")
