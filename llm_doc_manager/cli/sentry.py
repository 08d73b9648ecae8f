"""Opt-in crash reports to Sentry: only when ``SENTRY_DSN`` is set and the extra is installed.

Off by default. When on, an internal error (what ``llm-doc`` reports as "internal error",
exit 2) is sent as one event, and nothing else: no breadcrumbs, no logs, no performance
data, no command line. Before anything leaves the machine, the event is scrubbed: the
values of the environment's secrets (``*_API_KEY``, ``*_TOKEN``, ``*_SECRET``,
``*_PASSWORD``) and anything shaped like an API key are replaced, credentials in URLs are
removed, and stack frames lose their local variables and source lines, so no file's
contents go with them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from llm_doc_manager import __version__
from llm_doc_manager.errors import redact

_SECRET_NAMES = ("_API_KEY", "_TOKEN", "_SECRET", "_PASSWORD", "_KEY")
_FRAME_KEYS = ("vars", "pre_context", "context_line", "post_context")
_DROPPED = ("breadcrumbs", "request", "extra", "user", "server_name", "modules")
_LONGEST = 1000  # characters kept of one string (a message is not a place for a file)


def scrub_text(text: str, secrets: tuple[str, ...] = ()) -> str:
    """One string with secrets, key-shaped tokens and URL credentials replaced.

    Args:
        text: Any text of an event.
        secrets: Exact values to replace (the environment's keys).

    Returns:
        The text, cut at a thousand characters.
    """
    text = redact(text, secrets)
    return text if len(text) <= _LONGEST else text[:_LONGEST] + "…"


def scrub_event(event: dict[str, Any], secrets: tuple[str, ...] = ()) -> dict[str, Any]:
    """An event with what must not leave the machine removed or replaced.

    Args:
        event: A Sentry event as the SDK built it.
        secrets: Exact values to replace.

    Returns:
        The scrubbed event (a new structure).
    """
    event = {k: v for k, v in event.items() if k not in _DROPPED}

    def clean(value: Any) -> Any:
        if isinstance(value, str):
            return scrub_text(value, secrets)
        if isinstance(value, dict):
            if "function" in value and "lineno" in value:  # a stack frame
                value = {k: v for k, v in value.items() if k not in _FRAME_KEYS}
            return {clean(k) if isinstance(k, str) else k: clean(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [clean(v) for v in value]
        return value

    cleaned: dict[str, Any] = clean(event)
    return cleaned


def secrets_of(environ: Mapping[str, str]) -> tuple[str, ...]:
    """The values of the environment variables that hold secrets."""
    return tuple(sorted({v for k, v in environ.items()
                         if k.upper().endswith(_SECRET_NAMES) and len(v) >= 6}, key=len,
                        reverse=True))


def start(environ: Mapping[str, str], warn: Callable[[str], object],
          transport: Any = None) -> bool:
    """Turn crash reports on when ``SENTRY_DSN`` is set and ``sentry_sdk`` is installed.

    Args:
        environ: The environment.
        warn: Where to say the extra is missing.
        transport: A Sentry transport (tests); the SDK's HTTP transport by default.

    Returns:
        Whether reports are on.
    """
    dsn = environ.get("SENTRY_DSN", "").strip()
    if not dsn:
        return False
    try:
        import sentry_sdk
    except ImportError:
        warn("llm-doc: SENTRY_DSN is set but sentry-sdk is not installed (pip install "
             "'llm-doc-manager[sentry]'); crash reports stay off")
        return False
    secrets = secrets_of(environ)

    def before_send(event: Any, hint: Any) -> Any:
        del hint
        return scrub_event(dict(event), secrets)

    sentry_sdk.init(
        dsn=dsn, transport=transport, release=f"llm-doc-manager@{__version__}",
        default_integrations=False, auto_enabling_integrations=False,
        max_breadcrumbs=0, server_name="", traces_sample_rate=0.0,
        before_send=before_send, **_no_frame_data(),
    )
    return True


def _no_frame_data() -> dict[str, Any]:
    """The options that keep local variables and source lines out of events.

    sentry-sdk 3 replaced ``include_local_variables`` and ``include_source_context`` with
    one ``data_collection`` option (and refuses the old names): ask the installed SDK which
    it knows. ``scrub_event`` drops both from every frame anyway.
    """
    from sentry_sdk.consts import DEFAULT_OPTIONS

    if "data_collection" in DEFAULT_OPTIONS:
        return {"data_collection": {"stack_frame_variables": False, "frame_context_lines": 0,
                                    "user_info": False}}
    return {"include_local_variables": False, "include_source_context": False}


def report(exc: BaseException) -> None:
    """Send one internal error (reports are on) and wait a little for it to leave."""
    import sentry_sdk

    sentry_sdk.capture_exception(exc)
    sentry_sdk.flush(timeout=2.0)
