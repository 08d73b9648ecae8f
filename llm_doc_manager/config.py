"""Settings: the user's config.toml, ``[tool.llm-doc]`` of the nearest pyproject.toml, then
environment, then flags.

A project's file is the repository's, not the user's: the keys that decide where code and
API keys go or where the tool keeps state (``REDIRECTING``) are taken from it only when the
user trusts the project (``LLM_DOC_TRUSTED_PROJECTS``, or ``trusted-projects`` in the
user's ``config.toml``), as git's ``safe.directory`` does; otherwise they are dropped with
one notice each (``Settings.notices``).
"""

from __future__ import annotations

import configparser
import math
import os
import re
import stat
import sys
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

from llm_doc_manager.errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]


#: Docstring line width, indentation included (PEP 8's 79 columns).
DEFAULT_WIDTH = 79

#: What the tool writes where only a person or a model can write prose (see docs/codes.md).
PLACEHOLDER = "TODO: describe."

#: Values of ``types``: as the project does, or always / never types in new entries.
TYPES_CHOICES = ("auto", "always", "never")
#: Values of ``style``: the project's majority, or the style new docstrings are written in.
STYLE_CHOICES = ("auto", "google", "numpy", "sphinx")
#: Values of ``conventions``: learn the project's docstring conventions, or the defaults.
CONVENTIONS_CHOICES = ("learn", "default")

#: Keys a project's own file may set only when the user trusts the project, each with why.
#: They decide where the user's code and API keys are sent, or where the tool keeps state
#: it reads back later (a cache inside a cloned tree is the repository's to plant). Any
#: future key of that kind belongs here. (``baseline`` is not here: a baseline inside the
#: project is the project's own business; one resolving outside it needs trust too, see
#: ``_outside``.)
REDIRECTING: Final[Mapping[str, str]] = MappingProxyType({
    "base-url": "a project's file may not choose where code and API keys are sent",
    "azure-endpoint": "a project's file may not choose where code and API keys are sent",
    "cache-dir": "a project's file may not choose where the tool keeps its caches",
    "prices": "a project's file may not set the prices max-cost counts with",
    "azure-model": "a project's file may not say which model's prices max-cost counts with",
})

#: The environment variable naming trusted project folders (``os.pathsep``-separated).
TRUST_ENV = "LLM_DOC_TRUSTED_PROJECTS"

#: Longest configuration file read; real ones are a few kilobytes.
MAX_CONFIG_BYTES = 1 << 20

#: ruff's own configuration files, in the order ruff prefers them within one folder (both
#: before ``[tool.ruff]`` of the folder's pyproject.toml).
RUFF_FILES = (".ruff.toml", "ruff.toml")
#: flake8's configuration files, in the order flake8 looks in one folder (the first with a
#: ``[flake8]`` section is flake8's).
FLAKE8_FILES = ("setup.cfg", "tox.ini", ".flake8")
#: ruff's line length when its configuration names none; flake8's (pycodestyle's) likewise.
RUFF_LINE_LENGTH = 88
FLAKE8_LINE_LENGTH = 79
#: Rules ruff / flake8 select when the configuration selects none.
_RUFF_SELECT = ("E4", "E7", "E9", "F")
_FLAKE8_SELECT = ("E", "F", "W", "C90")

_TRUST_HINT = (f"trust it with {TRUST_ENV} or trusted-projects in the user's config.toml; "
               "see docs/security.md")


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
        all_private: ``all_defs`` covers private definitions and modules too.
        all_nested: ``all_defs`` covers functions and classes nested in functions too.
        all_tests: ``all_defs`` covers test modules and test functions too.
        placeholder: Text written where only a person or a model can write prose.
        rewrite: Let a model revise existing docstrings (default: only fill what is missing).
        types: Whether new docstring entries carry types (``auto``: as the project does).
        style: The style new docstrings are written in (``auto``: the project's majority;
            an existing docstring is always updated in its own style).
        conventions: ``learn`` the project's docstring conventions, or the ``default`` ones.
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
        max_tokens: Most tokens a model answer may have; None: a bound per request kind,
            from its schema (``docs/providers.md``); 0: none is sent.
        temperature: Sampling temperature sent with every model request.
        seed: Sampling seed sent with every model request.
        max_cost: Most US dollars a model run may cost (``--max-cost``); None: no limit.
        prices: Model prices that override or extend the built-in table, by model name:
            (input, output) US dollars per million tokens.
        model_fingerprint: Free text that names the model (a gguf file's sha256) for servers
            that report nothing of it; part of the answer-cache key.
        cache: Use the persistent answer cache.
        cache_dir: Cache folder (None: the platform's user cache folder).
        cache_max_mb: Cache size cap in megabytes.
        azure_endpoint: Azure OpenAI endpoint.
        api_version: Azure OpenAI API version.
        azure_model: The model an Azure deployment runs (its tokenizer and price); None:
            unknown (the deployment's name is priced, its tokens estimated).
        select: ``validate``: only these codes or prefixes.
        extend_select: ``validate``: codes added to ``select``.
        ignore: ``validate``: skip these codes or prefixes.
        baseline: ``validate``: findings to accept (see ``--baseline``).
        config_file: The pyproject.toml the settings came from.
        width_from: Where ``width`` came from (for ``-v``).
        check_width: The docstring line width ``validate`` holds lines to (LD364); None when
            the project states none (see ``docs/configuration.md``).
        check_width_from: Where ``check_width`` came from, or why there is none (for ``-v``).
        notices: One line per key of the project's file that was ignored, and why; every
            command prints them on stderr.
    """

    provider: str | None = None
    model: str | None = None
    base_url: str | None = None
    width: int = DEFAULT_WIDTH
    only_missing: bool = False
    all_defs: bool = False
    all_private: bool = False
    all_nested: bool = False
    all_tests: bool = False
    placeholder: str = PLACEHOLDER
    rewrite: bool = False
    types: str = "auto"
    style: str = "auto"
    conventions: str = "learn"
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
    max_tokens: int | None = None
    temperature: float = 0.0
    seed: int = 1
    max_cost: float | None = None
    prices: tuple[tuple[str, tuple[float, float]], ...] = ()
    model_fingerprint: str = ""
    cache: bool = True
    cache_dir: Path | None = None
    cache_max_mb: float = 500.0
    azure_endpoint: str | None = None
    api_version: str | None = None
    azure_model: str | None = None
    select: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    baseline: Path | None = None
    config_file: Path | None = None
    width_from: str = "default"
    check_width: int | None = None
    check_width_from: str = "no docstring width stated"
    notices: tuple[str, ...] = ()

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
    "all-private": ("all_private", bool),
    "all-nested": ("all_nested", bool),
    "all-tests": ("all_tests", bool),
    "placeholder": ("placeholder", str),
    "rewrite": ("rewrite", bool),
    "types": ("types", str),
    "style": ("style", str),
    "conventions": ("conventions", str),
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
    "max-tokens": ("max_tokens", int),
    "temperature": ("temperature", float),
    "seed": ("seed", int),
    "max-cost": ("max_cost", float),
    "prices": ("prices", dict),
    "model-fingerprint": ("model_fingerprint", str),
    "cache": ("cache", bool),
    "cache-dir": ("cache_dir", Path),
    "cache-max-mb": ("cache_max_mb", float),
    "azure-endpoint": ("azure_endpoint", str),
    "api-version": ("api_version", str),
    "azure-model": ("azure_model", str),
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


def _black_width(tools: Mapping[str, Any]) -> tuple[int, str] | None:
    """The ``line-length`` of ``[tool.black]``, if any."""
    table = tools.get("black")
    if isinstance(table, dict):
        value = _get(table, "line-length")
        if isinstance(value, int) and not isinstance(value, bool):
            return value, "[tool.black] line-length"
    return None


def _read_bounded(path: Path) -> bytes:
    """The bytes of a configuration file: a regular file of at most ``MAX_CONFIG_BYTES``."""
    try:
        # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
        with os.fdopen(os.open(path, flags), "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise ConfigError(f"{path}: cannot read configuration: not a regular file")
            raw = handle.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read configuration: {exc}") from exc
    if len(raw) > MAX_CONFIG_BYTES:
        raise ConfigError(f"{path}: cannot read configuration: larger than "
                          f"{MAX_CONFIG_BYTES >> 20} MiB")
    return raw


def read_toml(path: Path) -> dict[str, Any]:
    """Read a TOML file (a ``pyproject.toml``, the user's ``config.toml``).

    Only a regular file of at most ``MAX_CONFIG_BYTES`` is read (a FIFO named
    ``pyproject.toml`` must not hang the run), and a document nested too deeply for the
    parser is a configuration error like any other, not a crash.

    Args:
        path: The file.

    Returns:
        Its tables.

    Raises:
        ConfigError: If it cannot be read, decoded or parsed, or is too large or too deep.
    """
    raw = _read_bounded(path)
    try:
        data: dict[str, Any] = tomllib.loads(raw.decode("utf-8"))
    except RecursionError:
        # tomllib parses arrays and inline tables recursively: a few thousand levels
        # exhaust the stack. Caught here, so every reader of TOML gets a ConfigError.
        raise ConfigError(f"{path}: cannot read configuration: nested too deeply") from None
    except ValueError as exc:
        # TOMLDecodeError and UnicodeDecodeError are ValueErrors; so is int()'s limit on
        # digits, which tomllib lets through for a 5,000-digit integer.
        raise ConfigError(f"{path}: cannot read configuration: {exc}") from exc
    return data


def _value(path: Path, key: str, value: Any, label: str) -> Any:
    """One configuration value, checked against its key's type and converted."""
    kind = _KEYS[key][1]
    accepted: tuple[type, ...] = {float: (int, float), Path: (str,)}.get(kind, (kind,))
    if not isinstance(value, accepted) or (kind is not bool and isinstance(value, bool)):
        shown = "path" if kind is Path else "table" if kind is dict else kind.__name__
        raise ConfigError(f"{path}: {label}{key} must be a {shown}")
    if isinstance(value, str) and kind is Path:
        if "\0" in value:
            raise ConfigError(f"{path}: {label}{key} must be a path (it holds a NUL)")
        try:
            # Relative paths are relative to the file that names them.
            return path.parent / Path(value).expanduser()
        except RuntimeError as exc:  # "~" without a home folder
            raise ConfigError(f"{path}: {label}{key}: {exc}") from exc
    if isinstance(value, int | float) and kind is float:
        try:
            number = float(value)
        except OverflowError:  # an integer too large for a float
            number = math.inf
        if not math.isfinite(number):
            raise ConfigError(f"{path}: {label}{key} must be a finite number, got {value}")
        return number
    if isinstance(value, dict):  # prices, the one table
        return _prices(path, f"{label}{key}", value)
    if isinstance(value, list):
        if not all(isinstance(item, str) for item in value):
            raise ConfigError(f"{path}: {label}{key} must be a list of strings")
        return tuple(value)
    return value


def _prices(path: Path, label: str, table: dict[str, Any]
            ) -> tuple[tuple[str, tuple[float, float]], ...]:
    """``prices``: ``{model = {input = N, output = N}}``, dollars per million tokens."""
    found = []
    for model, price in table.items():
        where = f"{path}: {label}.{model}"
        if not isinstance(price, dict) or set(price) != {"input", "output"}:
            raise ConfigError(f"{where} must be a table of input and output (US dollars per "
                              "million tokens), e.g. {input = 0.4, output = 1.6}")
        pair = []
        for side in ("input", "output"):
            number = price[side]
            if isinstance(number, bool) or not isinstance(number, int | float) or \
                    not 0 <= number <= 1e6:  # NaN fails the range too
                raise ConfigError(f"{where}.{side} must be a number of US dollars per "
                                  f"million tokens (0 to 1000000), got {number!r}")
            pair.append(float(number))
        found.append((model, (pair[0], pair[1])))
    return tuple(found)


def _table(path: Path, table: Mapping[str, Any], label: str,
           known: Sequence[str] = tuple(_KEYS)) -> dict[str, Any]:
    """The settings of a table, by canonical key (``base-url``), checked and converted."""
    values: dict[str, Any] = {}
    for key, value in table.items():
        canonical = key.replace("_", "-")
        if canonical not in known:
            where = f" in {label}" if label else ""
            raise ConfigError(f"{path}: unknown key {key!r}{where} "
                              f"(known: {', '.join(sorted(known))})")
        values[canonical] = _value(path, canonical, value, f"{label} " if label else "")
    return values


def _from_toml(path: Path, explicit: bool = False
               ) -> tuple[dict[str, Any], dict[str, Any]]:
    """``[tool.llm-doc]`` of a project file by canonical key, and its ``[tool]`` table."""
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
    return _table(path, table, "[tool.llm-doc]"), tools


# The docstring width a project states (LD364) -------------------------------------------
# Other tools' files are the repository's, not ours: one that cannot be read or parsed, or
# a value of the wrong kind or out of range, states nothing (no finding, no error) -- the
# tool that owns the file reports it.

#: A stated width: columns, and where it came from (for ``-v``).
_Width = tuple[int, str]


def _exists(path: Path) -> bool:
    """Whether something is at ``path`` (a folder that cannot be searched holds nothing)."""
    try:
        return path.exists()
    except OSError:  # EACCES on a parent folder: not ignored by Path.exists before 3.14
        return False


def _quiet_toml(path: Path) -> dict[str, Any] | None:
    """``read_toml`` of another tool's file; None if it cannot be read or parsed."""
    try:
        return read_toml(path)
    except ConfigError:
        return None


def _read_ini(path: Path) -> configparser.RawConfigParser | None:
    """An INI file (setup.cfg, tox.ini, .flake8), read as flake8 does; None if broken."""
    try:
        parser = configparser.RawConfigParser()
        parser.read_string(_read_bounded(path).decode("utf-8"), str(path))
    except (ConfigError, configparser.Error, ValueError):  # ValueError: not UTF-8
        return None
    return parser


def _length(value: Any) -> int | None:
    """A line length from another tool's file, if it is a usable one (20 to 1000)."""
    if isinstance(value, str):
        try:
            value = int(value.strip())
        except ValueError:  # not a number, or more digits than int() accepts
            return None
    if isinstance(value, bool) or not isinstance(value, int) or not 20 <= value <= 1000:
        return None
    return value


def _codes(value: Any) -> list[str]:
    """Rule selectors from a TOML list or an INI comma/space-separated string."""
    items = re.split(r"[,\s]+", value) if isinstance(value, str) else \
        value if isinstance(value, list) else []
    return [item.strip().upper() for item in items if isinstance(item, str) and item.strip()]


def _enabled(code: str, select: Sequence[str], ignore: Sequence[str]) -> bool:
    """Whether ``code`` is on: the most specific matching selector decides, as in ruff
    and flake8; a tie goes to ``ignore``."""
    def best(selectors: Sequence[str]) -> int:
        return max((0 if s == "ALL" else len(s) for s in selectors
                    if s == "ALL" or code.startswith(s)), default=-1)
    chosen = best(select)
    return chosen >= 0 and chosen > best(ignore)


def _get(table: Mapping[str, Any], key: str) -> Any:
    """``table[key]``, the key spelt with ``-`` or ``_``."""
    return table.get(key, table.get(key.replace("-", "_")))


def _merge(base: Mapping[str, Any], child: Mapping[str, Any]) -> dict[str, Any]:
    """ruff's ``extend``: the child's keys win, tables merge, ``extend-*`` lists add up."""
    merged = dict(base)
    for key, value in child.items():
        old = merged.get(key)
        if isinstance(old, dict) and isinstance(value, dict):
            merged[key] = _merge(old, value)
        elif key.startswith("extend-") and isinstance(old, list) and isinstance(value, list):
            merged[key] = old + value
        else:
            merged[key] = value
    return merged


def _extend(config: dict[str, Any], path: Path, root: Path) -> tuple[dict[str, Any], str]:
    """``config`` with the file its ``extend`` names merged below it (one level, and only
    a file inside the project: a repository's settings come from the repository)."""
    target = config.get("extend")
    if not isinstance(target, str) or not target or "\0" in target:
        return config, ""
    try:
        base_path = (path.parent / target).resolve()
        if root.resolve() not in base_path.parents:
            return config, ""
    except (OSError, RuntimeError, ValueError):
        return config, ""
    base = _quiet_toml(base_path)
    if base is not None and base_path.name == "pyproject.toml":
        tools = base.get("tool")
        base = tools.get("ruff") if isinstance(tools, dict) else None
    if not isinstance(base, dict):
        return config, ""
    return _merge(base, config), f", extending {target}"


def _ruff_config(root: Path, tools: Mapping[str, Any]) -> tuple[dict[str, Any], str] | None:
    """The ruff configuration ruff itself would use in ``root``, and its name."""
    for name in RUFF_FILES:
        path = root / name
        if _exists(path):
            data = _quiet_toml(path)
            if data is None:
                return None  # ruff stops on it too: the project states nothing through it
            merged, extended = _extend(data, path, root)
            return merged, name + extended
    table = tools.get("ruff")
    if isinstance(table, dict):
        merged, extended = _extend(table, root / "pyproject.toml", root)
        return merged, "[tool.ruff]" + extended
    return None


def _ruff_rules(config: Mapping[str, Any], label: str) -> list[_Width]:
    """The docstring widths a ruff configuration enforces: ``max-doc-length`` (W505), and
    the line length when E501 is selected and not ignored."""
    lint = _get(config, "lint")
    lint = lint if isinstance(lint, dict) else {}
    select_value = _get(lint, "select")
    if select_value is None:
        select_value = _get(config, "select")
    select = _codes(select_value) if select_value is not None else list(_RUFF_SELECT)
    for table in (config, lint):
        select += _codes(_get(table, "extend-select"))
    ignore = [code for table in (config, lint) for key in ("ignore", "extend-ignore")
              for code in _codes(_get(table, key))]
    style = _get(lint, "pycodestyle")
    if not isinstance(style, dict):
        style = _get(config, "pycodestyle")
    style = style if isinstance(style, dict) else {}
    found: list[_Width] = []
    doc = _length(_get(style, "max-doc-length"))
    if doc is not None and not any(s == "ALL" or "W505".startswith(s) for s in ignore):
        found.append((doc, f"{label} max-doc-length"))
    if _enabled("E501", select, ignore):
        for key, where in ((_get(style, "max-line-length"), "max-line-length"),
                           (_get(config, "line-length"), "line-length"),
                           (RUFF_LINE_LENGTH, "ruff's default line-length")):
            if key is not None:
                length = _length(key)
                if length is not None:
                    found.append((length, f"{label} {where}, E501 selected"))
                break
    return found


def _flake8_rules(root: Path) -> list[_Width]:
    """The docstring widths flake8's configuration in ``root`` enforces: ``max-doc-length``
    (W505), and ``max-line-length`` (79 if unset) unless E501 is ignored."""
    for name in FLAKE8_FILES:
        path = root / name
        if not _exists(path):
            continue
        parser = _read_ini(path)
        if parser is None or not parser.has_section("flake8"):
            continue
        options = {key.replace("_", "-"): value for key, value in parser.items("flake8")}
        select = _codes(options["select"]) if "select" in options else list(_FLAKE8_SELECT)
        select += _codes(options.get("extend-select", ""))
        ignore = _codes(options.get("ignore", "")) + _codes(options.get("extend-ignore", ""))
        found: list[_Width] = []
        label = f"{name} [flake8]"
        doc = _length(options.get("max-doc-length"))
        if doc is not None and _enabled("W505", select, ignore):
            found.append((doc, f"{label} max-doc-length"))
        if _enabled("E501", select, ignore):
            if "max-line-length" in options:
                length = _length(options["max-line-length"])
                if length is not None:
                    found.append((length, f"{label} max-line-length"))
            else:
                found.append((FLAKE8_LINE_LENGTH, f"{label}, flake8's default max-line-length"))
        return found
    return []


def _project_root(start: Path, config_file: Path | None) -> Path | None:
    """Where the project's linter files are: the pyproject.toml's folder, else the nearest
    folder at or above ``start`` holding a ruff or flake8 file."""
    if config_file is not None:
        return config_file.parent
    try:
        here = start.resolve()
    except (OSError, RuntimeError):
        return None
    if not here.is_dir():
        here = here.parent
    for folder in (here, *here.parents):
        if any(_exists(folder / name) for name in (*RUFF_FILES, *FLAKE8_FILES)):
            return folder
    return None


def _linter_widths(root: Path | None, tools: Mapping[str, Any]
                   ) -> tuple[_Width | None, list[_Width]]:
    """ruff's line length (a formatter width, for wrapping), and every docstring width the
    project's linters enforce."""
    if root is None:
        return None, []
    ruff = _ruff_config(root, tools)
    formatter: _Width | None = None
    stated: list[_Width] = []
    if ruff is not None:
        config, label = ruff
        value = _get(config, "line-length")
        if isinstance(value, int) and not isinstance(value, bool):
            formatter = value, f"{label} line-length"
        stated += _ruff_rules(config, label)
    return formatter, stated + _flake8_rules(root)


def describe_check_width(settings: Settings) -> str:
    """The ``-v`` line saying which docstring width LD364 checks, and why.

    Args:
        settings: The run's settings.

    Returns:
        One line.
    """
    if settings.check_width is None:
        return f"LD364 off ({settings.check_width_from})"
    return f"LD364 at {settings.check_width} ({settings.check_width_from})"


@dataclass(frozen=True)
class _Trust:
    """The project folders the user trusts (each with everything below it)."""

    everything: bool = False
    roots: tuple[Path, ...] = ()

    def covers(self, folder: Path) -> bool:
        """Whether the (resolved) folder is a trusted one or below one."""
        return self.everything or any(folder == root or root in folder.parents
                                      for root in self.roots)

    def add(self, entries: Sequence[str], where: str) -> _Trust:
        """This trust and the folders named in ``entries`` (``*``: every folder)."""
        everything, roots = self.everything, list(self.roots)
        for entry in entries:
            if entry == "*":
                everything = True
                continue
            try:
                folder = Path(entry).expanduser()
                if not folder.is_absolute():
                    raise ConfigError(f"{where}: {entry!r} is not an absolute path")
                # Resolved like the project's folder, so a link can neither fake trust
                # nor lend its own: both sides are compared as real paths.
                roots.append(folder.resolve())
            except (OSError, RuntimeError, ValueError) as exc:
                raise ConfigError(f"{where}: {entry!r}: {exc}") from exc
        return _Trust(everything, tuple(roots))


def user_config_file() -> Path:
    """Where the user's own ``config.toml`` is (it need not exist).

    Returns:
        ``config.toml`` in ``platformdirs.user_config_dir("llm-doc")`` (on Linux
        ``$XDG_CONFIG_HOME/llm-doc``, else ``~/.config/llm-doc``).
    """
    import platformdirs

    return Path(platformdirs.user_config_dir("llm-doc", appauthor=False)) / "config.toml"


def _from_user_config(path: Path) -> tuple[dict[str, Any], _Trust]:
    """The user's defaults by canonical key, and the projects the user trusts."""
    if not path.exists():
        return {}, _Trust()
    data = read_toml(path)
    trusted: Any = []
    for key in [k for k in data if k.replace("_", "-") == "trusted-projects"]:
        trusted = data.pop(key)
    if not isinstance(trusted, list) or not all(isinstance(t, str) for t in trusted):
        raise ConfigError(f"{path}: trusted-projects must be a list of folders")
    if any(key.replace("_", "-") == "baseline" for key in data):
        raise ConfigError(f"{path}: baseline belongs to a project (its [tool.llm-doc] or "
                          "--baseline), not to the user's config.toml")
    values = _table(path, data, "", [*(k for k in _KEYS if k != "baseline"),
                                     "trusted-projects"])
    return values, _Trust().add(trusted, f"{path}: trusted-projects")


def _outside(path: Path, root: Path) -> bool:
    """Whether ``path`` resolves (links followed) to somewhere not below ``root``."""
    try:
        return root not in path.resolve().parents
    except (OSError, RuntimeError, ValueError):
        return True  # a path that cannot even be resolved is not known to be inside


def _untrusted(path: Path, values: dict[str, Any], trust: _Trust) -> list[str]:
    """Drop what a project file may not decide unless trusted; one notice per key dropped."""
    suspect = [key for key in REDIRECTING if key in values]
    if not suspect and "baseline" not in values:
        return []
    try:
        root = path.parent.resolve()  # the folder, resolved: a link cannot lend it trust
    except (OSError, RuntimeError) as exc:
        raise ConfigError(f"{path}: cannot resolve its folder: {exc}") from exc
    baseline = values.get("baseline")
    if baseline is not None and _outside(baseline, root):
        suspect.append("baseline")
    if not suspect or trust.covers(root):
        return []
    notices = []
    for key in suspect:
        del values[key]
        why = REDIRECTING.get(key, "it resolves outside the project's folder")
        notices.append(f"llm-doc: ignored {key} from {path}: {why} ({_TRUST_HINT})")
    return notices


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


def _fields(values: Mapping[str, Any]) -> dict[str, Any]:
    """Canonical keys to Settings field names."""
    return {_KEYS[key][0]: value for key, value in values.items()}


def load_settings(start: Path, overrides: Mapping[str, Any], environ: Mapping[str, str],
                  config_file: Path | None = None) -> Settings:
    """Resolve the settings of a run.

    The project's file (found upwards, or named by ``config_file``) is the repository's:
    its ``REDIRECTING`` keys, and a ``baseline`` resolving outside its folder, are dropped
    unless the user trusts the project (``LLM_DOC_TRUSTED_PROJECTS`` in ``environ``, or
    ``trusted-projects`` in the user's ``config.toml``), each with a line in
    ``Settings.notices``. The user's own ``config.toml`` is found through the process
    environment (``platformdirs``).

    Args:
        start: Where to look for pyproject.toml (upwards).
        overrides: Values given as flags (None means not given); ``extend_exclude`` adds
            to the file's list, as ``--extend-exclude`` does in ruff.
        environ: Environment variables (``LLM_DOC_*`` override the file).
        config_file: An explicit pyproject.toml, instead of searching.

    Returns:
        One frozen Settings: defaults < user's config.toml < project file < environment <
        flags.

    Raises:
        ConfigError: On unknown keys, wrong types or invalid values, in any of the files
            (named) or the environment.
    """
    user_file = user_config_file()
    from_user, trust = _from_user_config(user_file)
    trust = trust.add([e for e in environ.get(TRUST_ENV, "").split(os.pathsep) if e],
                      TRUST_ENV)
    settings = replace(Settings(), **_fields(from_user))
    # Whether ``width`` was given to llm-doc itself (then LD364 checks it) rather than
    # taken from a formatter's line length, which states no docstring width.
    explicit = "width" in from_user
    if explicit:
        settings = replace(settings, width_from=f"{user_file} width")
    path = config_file or find_pyproject(start)
    project: dict[str, Any] = {}
    tools: dict[str, Any] = {}
    if path is not None:
        if config_file is not None and not config_file.is_file():
            raise ConfigError(f"{config_file}: no such configuration file")
        project, tools = _from_toml(path, explicit=config_file is not None)
        # A file named by --config is still the project's: pre-commit passes the arguments
        # the repository's own .pre-commit-config.yaml gives.
        notices = _untrusted(path, project, trust)
        if "max-cost" in from_user and "max-cost" in project:
            # A repository may lower the user's own spending limit, never raise it.
            project["max-cost"] = min(project["max-cost"], from_user["max-cost"])
        settings = replace(settings, config_file=path, notices=tuple(notices),
                           **_fields(project))
    ruff_width, stated = _linter_widths(_project_root(start, path), tools)
    if "width" in project:
        explicit = True
        settings = replace(settings, width_from="[tool.llm-doc] width")
    else:
        # Docstrings wrapped to the width the code is formatted to; black first because
        # ruff's formatter follows black, and a project with both sets them alike anyway.
        formatter = _black_width(tools) or ruff_width
        if formatter is not None:
            explicit = False
            settings = replace(settings, width=formatter[0], width_from=formatter[1])
    from_env = _from_env(environ)
    if "width" in from_env:
        explicit = True
        from_env["width_from"] = "LLM_DOC_WIDTH"
    settings = replace(settings, **from_env)
    known = {f.name for f in fields(Settings)}
    given = {k: v for k, v in overrides.items() if v is not None}
    unknown = set(given) - known
    if unknown:
        raise ConfigError(f"unknown settings {sorted(unknown)}")
    if "width" in given:
        explicit = True
        given["width_from"] = "--width"
    if "extend_exclude" in given:
        given["extend_exclude"] = settings.extend_exclude + tuple(given["extend_exclude"])
    settings = replace(settings, **given)
    _check(settings)
    return _checked_width(settings, explicit, stated)


def _checked_width(settings: Settings, explicit: bool, stated: Sequence[tuple[int, str]]
                   ) -> Settings:
    """The settings with the docstring width LD364 checks: ``width`` when given to llm-doc
    itself, else the narrowest width the project's linters enforce, else none."""
    if explicit:
        return replace(settings, check_width=settings.width,
                       check_width_from=settings.width_from)
    if not stated:
        return settings
    width, source = min(stated, key=lambda item: item[0])
    settings = replace(settings, check_width=width, check_width_from=source)
    if width < settings.width:
        # What generate writes must pass what validate checks.
        settings = replace(settings, width=width, width_from=source)
    return settings


def _check(settings: Settings) -> None:
    """Raise ConfigError for a value out of range, wherever it came from."""
    if not 20 <= settings.width <= 1000:
        raise ConfigError(f"width must be between 20 and 1000, got {settings.width} "
                          f"(from {settings.width_from})")
    # NaN compares false with everything, so a range check written this way refuses it.
    for name, low, high in (("concurrency", 1, 1024), ("max_tries", 1, 100),
                            ("call_context", 0, 100_000), ("call_context_callers", 0, 100),
                            ("timeout", 0.001, 3600.0), ("retry_base", 0.0, 3600.0),
                            ("retry_max", 0.0, 3600.0), ("cache_max_mb", 1.0, 1e7),
                            ("temperature", 0.0, 2.0), ("seed", 0, 2**31 - 1),
                            ("max_tokens", 0, 1_000_000)):
        value = getattr(settings, name)
        if value is None:  # max_tokens unset: a bound per request kind
            continue
        if not low <= value <= high:
            raise ConfigError(f"{name.replace('_', '-')} must be between {low:g} and "
                              f"{high:g}, got {value}")
    text = settings.placeholder
    if not text.strip() or '"""' in text or "'''" in text or \
            any(unicodedata.category(char) == "Cc" for char in text):
        raise ConfigError(f"placeholder must be one line of text, got {text!r}")
    for name, choices in (("types", TYPES_CHOICES), ("style", STYLE_CHOICES),
                          ("conventions", CONVENTIONS_CHOICES)):
        if getattr(settings, name) not in choices:
            raise ConfigError(f"{name} must be one of {', '.join(map(repr, choices))}, "
                              f"got {getattr(settings, name)!r}")
    cap = settings.max_cost
    if cap is not None and not (math.isfinite(cap) and cap > 0):
        raise ConfigError(f"max-cost must be a positive number of US dollars, got "
                          f"{cap}")
    rpm = settings.requests_per_minute
    if rpm is not None and not (math.isfinite(rpm) and rpm > 0):
        raise ConfigError(f"requests-per-minute must be a positive number, got {rpm}")
