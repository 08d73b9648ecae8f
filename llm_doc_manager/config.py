"""Settings: ``[tool.llm-doc]`` in the nearest pyproject.toml, then environment, then flags."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from llm_doc_manager.errors import ConfigError
from llm_doc_manager.formatter import DEFAULT_WIDTH

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]


@dataclass(frozen=True)
class Settings:
    """Every setting of a run, resolved once and passed down.

    Attributes:
        provider (str | None): Provider name; None lets the CLI pick a default.
        model (str | None): Model name for model providers.
        base_url (str | None): Base URL of an OpenAI-compatible server.
        width (int): Maximum docstring line width, indentation included.
        only_missing (bool): Leave existing docstrings and comments alone.
        all_defs (bool): Treat every def and class as marked.
        exclude (tuple[str, ...]): Extra gitignore-style patterns to skip.
        config_file (Path | None): The pyproject.toml the settings came from.
    """

    provider: str | None = None
    model: str | None = None
    base_url: str | None = None
    width: int = DEFAULT_WIDTH
    only_missing: bool = False
    all_defs: bool = False
    exclude: tuple[str, ...] = ()
    config_file: Path | None = None


# TOML key -> (field, expected type)
_KEYS: dict[str, tuple[str, type]] = {
    "provider": ("provider", str),
    "model": ("model", str),
    "base-url": ("base_url", str),
    "width": ("width", int),
    "only-missing": ("only_missing", bool),
    "all": ("all_defs", bool),
    "exclude": ("exclude", list),
}
_ENV: dict[str, tuple[str, type]] = {
    "LLM_DOC_PROVIDER": ("provider", str),
    "LLM_DOC_MODEL": ("model", str),
    "LLM_DOC_BASE_URL": ("base_url", str),
    "LLM_DOC_WIDTH": ("width", int),
}


def find_pyproject(start: Path) -> Path | None:
    """Return the nearest pyproject.toml at or above ``start``.

    Args:
        start (Path): A file or folder.

    Returns:
        Path | None: The file, if any.
    """
    here = start.resolve()
    if not here.is_dir():
        here = here.parent
    for folder in (here, *here.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def _from_toml(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read configuration: {exc}") from exc
    table = data.get("tool", {}).get("llm-doc", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.llm-doc] must be a table")
    values: dict[str, Any] = {}
    for key, value in table.items():
        spec = _KEYS.get(key.replace("_", "-"))
        if spec is None:
            raise ConfigError(f"{path}: unknown key {key!r} in [tool.llm-doc] "
                              f"(known: {', '.join(sorted(_KEYS))})")
        name, kind = spec
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise ConfigError(f"{path}: [tool.llm-doc] {key} must be a {kind.__name__}")
        if isinstance(value, list):
            if not all(isinstance(item, str) for item in value):
                raise ConfigError(f"{path}: [tool.llm-doc] {key} must be a list of strings")
            value = tuple(value)
        values[name] = value
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
        else:
            values[name] = raw
    return values


def load_settings(start: Path, overrides: Mapping[str, Any], environ: Mapping[str, str],
                  config_file: Path | None = None) -> Settings:
    """Resolve the settings of a run.

    Args:
        start (Path): Where to look for pyproject.toml (upwards).
        overrides (Mapping[str, Any]): Values given as flags (None means not given).
        environ (Mapping[str, str]): Environment variables.
        config_file (Path | None): An explicit pyproject.toml, instead of searching.

    Returns:
        Settings: The frozen settings.

    Raises:
        ConfigError: On unknown keys, wrong types or invalid values.
    """
    path = config_file or find_pyproject(start)
    settings = Settings()
    if path is not None:
        if config_file is not None and not config_file.is_file():
            raise ConfigError(f"{config_file}: no such configuration file")
        settings = replace(settings, config_file=path, **_from_toml(path))
    settings = replace(settings, **_from_env(environ))
    known = {f.name for f in fields(Settings)}
    given = {k: v for k, v in overrides.items() if v is not None}
    unknown = set(given) - known
    if unknown:
        raise ConfigError(f"unknown settings {sorted(unknown)}")
    settings = replace(settings, **given)
    if not 20 <= settings.width <= 1000:
        raise ConfigError(f"width must be between 20 and 1000, got {settings.width}")
    return settings
