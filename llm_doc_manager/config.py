"""Settings: ``[tool.llm-doc]`` in the nearest pyproject.toml, then environment, then flags."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from llm_doc_manager.errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]


#: Docstring line width, indentation included (PEP 8's 79 columns).
DEFAULT_WIDTH = 79

#: What the tool writes where only a person or a model can write prose (see docs/codes.md).
PLACEHOLDER = "TODO: describe."


@dataclass(frozen=True)
class Settings:
    """Every setting of a run, resolved once and passed down.

    Attributes:
        provider: Provider name; None lets the CLI pick a default.
        model: Model name for model providers.
        base_url: Base URL of an OpenAI-compatible server.
        width: Maximum docstring line width, indentation included.
        only_missing: Leave existing docstrings and comments alone.
        all_defs: Treat every def and class as marked.
        placeholder: Text written where only a person or a model can write prose.
        rewrite: Let a model revise existing docstrings (default: only fill what is missing).
        call_context: Most characters of call context (callees and callers from the call
            graph) added to a function's prompt; 0 turns it off.
        call_context_callers: Most callers shown in it.
        exclude: Extra gitignore-style patterns to skip, relative to the project root.
        extend_exclude: Patterns added to ``exclude``.
        force_exclude: Apply the exclude patterns to files named on the command line too.
        concurrency: Most model requests in flight.
        requests_per_minute: Optional cap on request starts per minute.
        timeout: Per-request timeout in seconds.
        max_tries: Attempts per request, the first included.
        retry_base: Backoff scale in seconds.
        retry_max: Longest wait between attempts in seconds.
        cache: Use the persistent answer cache.
        cache_dir: Cache folder (None: the platform's user cache folder).
        cache_max_mb: Cache size cap in megabytes.
        azure_endpoint: Azure OpenAI endpoint.
        api_version: Azure OpenAI API version.
        select: ``validate``: only these codes or prefixes.
        extend_select: ``validate``: codes added to ``select``.
        ignore: ``validate``: skip these codes or prefixes.
        baseline: ``validate``: findings to accept (see ``--baseline``).
        config_file: The pyproject.toml the settings came from.
        width_from: Where ``width`` came from (for ``-v``).
    """

    provider: str | None = None
    model: str | None = None
    base_url: str | None = None
    width: int = DEFAULT_WIDTH
    only_missing: bool = False
    all_defs: bool = False
    placeholder: str = PLACEHOLDER
    rewrite: bool = False
    call_context: int = 2000
    call_context_callers: int = 3
    exclude: tuple[str, ...] = ()
    extend_exclude: tuple[str, ...] = ()
    force_exclude: bool = False
    concurrency: int = 8
    requests_per_minute: float | None = None
    timeout: float = 60.0
    max_tries: int = 5
    retry_base: float = 1.0
    retry_max: float = 60.0
    cache: bool = True
    cache_dir: Path | None = None
    cache_max_mb: float = 500.0
    azure_endpoint: str | None = None
    api_version: str | None = None
    select: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    baseline: Path | None = None
    config_file: Path | None = None
    width_from: str = "default"

    @property
    def excluded(self) -> tuple[str, ...]:
        """Every exclude pattern: ``exclude`` then ``extend_exclude``."""
        return self.exclude + self.extend_exclude

    @property
    def root(self) -> Path:
        """The folder exclude patterns are relative to: the config file's, else the current."""
        return self.config_file.parent if self.config_file is not None else Path.cwd()


# TOML key -> (field, expected type)
_KEYS: dict[str, tuple[str, type]] = {
    "provider": ("provider", str),
    "model": ("model", str),
    "base-url": ("base_url", str),
    "width": ("width", int),
    "only-missing": ("only_missing", bool),
    "all": ("all_defs", bool),
    "placeholder": ("placeholder", str),
    "rewrite": ("rewrite", bool),
    "call-context": ("call_context", int),
    "call-context-callers": ("call_context_callers", int),
    "exclude": ("exclude", list),
    "extend-exclude": ("extend_exclude", list),
    "force-exclude": ("force_exclude", bool),
    "concurrency": ("concurrency", int),
    "requests-per-minute": ("requests_per_minute", float),
    "timeout": ("timeout", float),
    "max-tries": ("max_tries", int),
    "retry-base": ("retry_base", float),
    "retry-max": ("retry_max", float),
    "cache": ("cache", bool),
    "cache-dir": ("cache_dir", Path),
    "cache-max-mb": ("cache_max_mb", float),
    "azure-endpoint": ("azure_endpoint", str),
    "api-version": ("api_version", str),
    "select": ("select", list),
    "extend-select": ("extend_select", list),
    "ignore": ("ignore", list),
    "baseline": ("baseline", Path),
}
_ENV: dict[str, tuple[str, type]] = {
    "LLM_DOC_PROVIDER": ("provider", str),
    "LLM_DOC_MODEL": ("model", str),
    "LLM_DOC_BASE_URL": ("base_url", str),
    "LLM_DOC_WIDTH": ("width", int),
    "LLM_DOC_CONCURRENCY": ("concurrency", int),
    "LLM_DOC_CACHE_DIR": ("cache_dir", Path),
}


def flag_list(values: Sequence[str] | None) -> tuple[str, ...] | None:
    """Items of a repeatable, comma-separated flag; None when the flag was not given."""
    if not values:
        return None
    return tuple(item.strip() for value in values for item in value.split(",") if item.strip())


def find_pyproject(start: Path) -> Path | None:
    """Return the nearest pyproject.toml at or above ``start``.

    Args:
        start: A file or folder.

    Returns:
        The file, if any.
    """
    here = start.resolve()
    if not here.is_dir():
        here = here.parent
    for folder in (here, *here.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def _formatter_width(tools: dict[str, Any]) -> tuple[int, str] | None:
    """The ``line-length`` of ``[tool.black]``, else of ``[tool.ruff]``, and which it was."""
    # Docstrings wrapped to the width the code is formatted to; black first because
    # ruff's formatter follows black, and a project with both sets them alike anyway.
    for tool in ("black", "ruff"):
        table = tools.get(tool)
        if isinstance(table, dict):
            value = table.get("line-length", table.get("line_length"))
            if isinstance(value, int) and not isinstance(value, bool):
                return value, f"[tool.{tool}] line-length"
    return None


def read_toml(path: Path) -> dict[str, Any]:
    """Read a TOML file (a ``pyproject.toml``).

    Args:
        path: The file.

    Returns:
        Its tables.

    Raises:
        ConfigError: If it cannot be read, decoded or parsed.
    """
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read configuration: {exc}") from exc
    return data


def _from_toml(path: Path, explicit: bool = False) -> dict[str, Any]:
    data = read_toml(path)
    tools = data.get("tool", {})
    if not isinstance(tools, dict):
        raise ConfigError(f"{path}: [tool] must be a table")
    if explicit and "llm-doc" not in tools:
        # --config names the file to use: one without our table is a mistake, not "defaults".
        raise ConfigError(f"{path}: no [tool.llm-doc] table")
    table = tools.get("llm-doc", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.llm-doc] must be a table")
    values: dict[str, Any] = {}
    for key, value in table.items():
        spec = _KEYS.get(key.replace("_", "-"))
        if spec is None:
            raise ConfigError(f"{path}: unknown key {key!r} in [tool.llm-doc] "
                              f"(known: {', '.join(sorted(_KEYS))})")
        name, kind = spec
        accepted: tuple[type, ...] = {float: (int, float), Path: (str,)}.get(kind, (kind,))
        if not isinstance(value, accepted) or (kind is not bool and isinstance(value, bool)):
            raise ConfigError(f"{path}: [tool.llm-doc] {key} must be a "
                              f"{'path' if kind is Path else kind.__name__}")
        if kind is Path:
            # Relative cache folders are relative to the pyproject.toml that names them.
            value = path.parent / Path(str(value)).expanduser()
        elif kind is float:
            value = float(value)  # type: ignore[arg-type]  # checked just above
        if isinstance(value, list):
            if not all(isinstance(item, str) for item in value):
                raise ConfigError(f"{path}: [tool.llm-doc] {key} must be a list of strings")
            value = tuple(value)
        values[name] = value
    if "width" not in values:
        formatter = _formatter_width(tools)
        if formatter is not None:
            values["width"], values["width_from"] = formatter
    else:
        values["width_from"] = "[tool.llm-doc] width"
    return values


def _from_env(environ: Mapping[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for var, (name, kind) in _ENV.items():
        raw = environ.get(var)
        if raw is None or raw == "":
            continue
        if kind is int:
            try:
                values[name] = int(raw)
            except ValueError as exc:
                raise ConfigError(f"{var} must be an integer, got {raw!r}") from exc
        elif kind is Path:
            values[name] = Path(raw).expanduser()
        else:
            values[name] = raw
    return values


def load_settings(start: Path, overrides: Mapping[str, Any], environ: Mapping[str, str],
                  config_file: Path | None = None) -> Settings:
    """Resolve the settings of a run.

    Args:
        start: Where to look for pyproject.toml (upwards).
        overrides: Values given as flags (None means not given); ``extend_exclude`` adds
            to the file's list, as ``--extend-exclude`` does in ruff.
        environ: Environment variables (``LLM_DOC_*`` override the file).
        config_file: An explicit pyproject.toml, instead of searching.

    Returns:
        One frozen Settings: defaults < file < environment < flags.

    Raises:
        ConfigError: On unknown keys, wrong types or invalid values.
    """
    path = config_file or find_pyproject(start)
    settings = Settings()
    if path is not None:
        if config_file is not None and not config_file.is_file():
            raise ConfigError(f"{config_file}: no such configuration file")
        settings = replace(settings, config_file=path,
                           **_from_toml(path, explicit=config_file is not None))
    from_env = _from_env(environ)
    if "width" in from_env:
        from_env["width_from"] = "LLM_DOC_WIDTH"
    settings = replace(settings, **from_env)
    known = {f.name for f in fields(Settings)}
    given = {k: v for k, v in overrides.items() if v is not None}
    unknown = set(given) - known
    if unknown:
        raise ConfigError(f"unknown settings {sorted(unknown)}")
    if "width" in given:
        given["width_from"] = "--width"
    if "extend_exclude" in given:
        given["extend_exclude"] = settings.extend_exclude + tuple(given["extend_exclude"])
    settings = replace(settings, **given)
    if not 20 <= settings.width <= 1000:
        raise ConfigError(f"width must be between 20 and 1000, got {settings.width} "
                          f"(from {settings.width_from})")
    for name, low, high in (("concurrency", 1, 1024), ("max_tries", 1, 100),
                            ("call_context", 0, 100_000), ("call_context_callers", 0, 100),
                            ("timeout", 0.001, 3600.0), ("retry_base", 0.0, 3600.0),
                            ("retry_max", 0.0, 3600.0), ("cache_max_mb", 1.0, 1e7)):
        value = getattr(settings, name)
        if not low <= value <= high:
            raise ConfigError(f"{name.replace('_', '-')} must be between {low:g} and "
                              f"{high:g}, got {value}")
    text = settings.placeholder
    if not text.strip() or any(bad in text for bad in ("\n", "\r", '"""', "'''")):
        raise ConfigError(f"placeholder must be one line of text, got {text!r}")
    rpm = settings.requests_per_minute
    if rpm is not None and rpm <= 0:
        raise ConfigError(f"requests-per-minute must be positive, got {rpm}")
    return settings
