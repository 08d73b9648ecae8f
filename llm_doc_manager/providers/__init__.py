"""Providers turn a documentation request into schema content.

``static`` needs no network; ``openai`` and ``azure`` ask a model (imported lazily, so the
offline path never pays for the HTTP client).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from llm_doc_manager.config import Settings
from llm_doc_manager.errors import ConfigError
from llm_doc_manager.providers.base import DocRequest, Provider, Usage
from llm_doc_manager.providers.static import StaticProvider

__all__ = ["DocRequest", "Provider", "StaticProvider", "Usage", "make_provider"]

AVAILABLE = ("static", "openai", "azure")


def make_provider(name: str, settings: Settings | None = None,
                  environ: Mapping[str, str] | None = None,
                  warn: Callable[[str], None] | None = None) -> Provider:
    """Build the provider called ``name``.

    Args:
        name: Provider name.
        settings: The run's settings (defaults when None).
        environ: Environment variables (keys, endpoints).
        warn: Where cache warnings go.

    Returns:
        The provider, behind the answer cache for model providers.

    Raises:
        ConfigError: If the name is unknown or the provider is missing settings.
    """
    if name == "static":
        return StaticProvider((settings or Settings()).placeholder)
    if name not in AVAILABLE:
        raise ConfigError(f"unknown provider {name!r} (choose from {', '.join(AVAILABLE)})")
    from llm_doc_manager.providers.answer_cache import AnswerCache
    from llm_doc_manager.providers.cached import CachedProvider
    from llm_doc_manager.providers.model import ModelProvider, resolve_settings
    from llm_doc_manager.store import cache_dir

    settings = settings or Settings()
    resolved = resolve_settings(name, settings, environ or {})
    provider = ModelProvider(resolved)
    if not settings.cache:
        return provider
    return CachedProvider(provider, AnswerCache(cache_dir(settings), settings.cache_max_mb,
                                                warn))
