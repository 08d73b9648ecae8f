"""Property tests: whatever a configuration file holds, loading it is Settings or ConfigError.

The documents are written as real TOML text (every value type TOML has, integers beyond
64 bits, ``nan`` / ``inf``, control characters, nested arrays and tables) into a real
``pyproject.toml`` and the user's ``config.toml``; ``load_settings`` reads them from disk.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from llm_doc_manager.config import _KEYS, Settings, load_settings
from llm_doc_manager.errors import ConfigError

PROPERTY = settings(max_examples=300, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


class _Raw(str):
    """TOML written as is: a date, or an integer too long for ``str(int)``."""


def _key(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a TOML basic string is JSON-compatible


def _toml(value: object) -> str:
    """A TOML literal for a value (inline tables and arrays at any depth)."""
    if isinstance(value, _Raw):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return _key(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(k)} = {_toml(v)}" for k, v in value.items()) + "}"
    raise TypeError(value)


_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=30)
_SCALARS = st.one_of(
    st.booleans(),
    st.integers(),
    st.integers(min_value=2 ** 63, max_value=10 ** 300),
    st.integers(min_value=1, max_value=6000).map(lambda n: _Raw("9" * n)),
    st.floats(allow_nan=True, allow_infinity=True),
    _TEXT,
    st.sampled_from(["", "~", "~nobody/x", "/", "..", "../..", "http://127.0.0.1:1/v1",
                     "1979-05-27T07:32:00Z", "static", "openai", "azure", "LD301", "*"]),
    st.sampled_from([_Raw("1979-05-27"), _Raw("07:32:00"), _Raw("1979-05-27T07:32:00Z"),
                     _Raw("0x" + "f" * 5000)]),
)
_VALUES = st.recursive(_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(_TEXT, inner, max_size=3)), max_leaves=12)
_KNOWN = st.sampled_from(sorted({*_KEYS, *(k.replace("-", "_") for k in _KEYS)}))
_TABLE = st.dictionaries(st.one_of(_KNOWN, _TEXT), _VALUES, max_size=6)


def _outcome(tmp_path: Path, text: str, file: str = "pyproject.toml") -> Settings | None:
    folder = tmp_path / ("user" if file == "config.toml" else "project")
    target = folder / "llm-doc" / file if file == "config.toml" else folder / file
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    try:
        return load_settings(tmp_path / "project", {}, {})
    except ConfigError:
        return None
    finally:
        target.unlink()


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "project").mkdir()
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "user"))
    monkeypatch.delenv("LLM_DOC_TRUSTED_PROJECTS", raising=False)
    return tmp_path


@PROPERTY
@given(table=_TABLE)
@example(table={"timeout": math.nan})
@example(table={"timeout": math.inf})
@example(table={"requests-per-minute": math.nan})
@example(table={"requests-per-minute": -math.inf})
@example(table={"retry-max": 10 ** 400})
@example(table={"cache-dir": "a\0b"})
@example(table={"placeholder": "TODO\0"})
@example(table={"width": _Raw("9" * 5000)})
def test_any_llm_doc_table_loads_or_is_a_configuration_error(isolated: Path,
                                                            table: dict[str, object]) -> None:
    text = "[tool.llm-doc]\n" + "".join(f"{_key(k)} = {_toml(v)}\n" for k, v in table.items())
    loaded = _outcome(isolated, text)
    if loaded is not None:
        for name in ("timeout", "retry_base", "retry_max", "cache_max_mb"):
            assert math.isfinite(getattr(loaded, name))
        assert loaded.requests_per_minute is None or math.isfinite(loaded.requests_per_minute)
        assert "\0" not in loaded.placeholder
        # The project is not trusted here: nothing redirecting survives.
        assert loaded.base_url is None
        assert loaded.azure_endpoint is None
        assert loaded.cache_dir is None


@PROPERTY
@given(table=_TABLE, trusted=_VALUES)
def test_any_user_config_loads_or_is_a_configuration_error(isolated: Path,
                                                          table: dict[str, object],
                                                          trusted: object) -> None:
    text = f"trusted-projects = {_toml(trusted)}\n" + "".join(
        f"{_key(k)} = {_toml(v)}\n" for k, v in table.items())
    _outcome(isolated, text, "config.toml")


@PROPERTY
@given(text=st.one_of(st.text(max_size=200),
                      st.lists(st.sampled_from(["[", "]", "{", "}", "a", "=", " ", ",", "\n",
                                                "[tool.llm-doc]\n", '"', "1", "nan",
                                                "width = ", "exclude = "]),
                               max_size=80).map("".join)))
def test_any_text_as_pyproject_loads_or_is_a_configuration_error(isolated: Path,
                                                                 text: str) -> None:
    _outcome(isolated, text)


@pytest.mark.parametrize("depth", [10, 500, 5000, 50000])
@pytest.mark.parametrize("shape", ["[", "{a = "])
def test_any_depth_loads_or_is_a_configuration_error(isolated: Path, depth: int,
                                                     shape: str) -> None:
    close = "]" if shape == "[" else "}"
    inner = "" if shape == "[" else "1"
    text = f"[tool.other]\nx = {shape * depth}{inner}{close * depth}\n"
    if depth < 500:
        assert _outcome(isolated, text) is not None  # deep enough to matter only later
    elif depth < 5000:
        _outcome(isolated, text)  # a few hundred levels may parse or not: never a crash
    else:
        (isolated / "project" / "pyproject.toml").write_text(text)
        with pytest.raises(ConfigError, match=r"pyproject\.toml: .*nested too deeply"):
            load_settings(isolated / "project", {}, {})


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "+nan"])
@pytest.mark.parametrize("key", [k for k, (_, kind) in _KEYS.items() if kind is float])
def test_non_finite_numbers_are_refused(isolated: Path, key: str, value: str) -> None:
    (isolated / "project" / "pyproject.toml").write_text(f"[tool.llm-doc]\n{key} = {value}\n")
    with pytest.raises(ConfigError, match=key):
        load_settings(isolated / "project", {}, {})


@pytest.mark.parametrize("name", ["timeout", "requests_per_minute", "retry_max"])
def test_non_finite_flags_are_refused(isolated: Path, name: str) -> None:
    with pytest.raises(ConfigError):
        load_settings(isolated / "project", {name: math.nan}, {})
    with pytest.raises(ConfigError):
        load_settings(isolated / "project", {name: math.inf}, {})
