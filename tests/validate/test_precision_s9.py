"""False findings from the ninth precision review (peft), written as attacks.

Each case is code a maintainer of that project would leave as it is: ``validate --all``
reports nothing for it and ``generate --all`` (the static provider) writes nothing there,
because both ask the one rule (``docstrings.exempt``, ``docstrings.bases``). Each keeps a
near miss that is still asked. The CLI runs in this process (``cli._dispatch``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from llm_doc_manager.cli import _dispatch
from tests.helpers import package_project as _project


def _findings(root: Path, monkeypatch: pytest.MonkeyPatch,
              capsys: pytest.CaptureFixture[str]) -> set[tuple[str, str]]:
    """``validate --all`` on ``pkg`` (no cache), as (code, message) pairs."""
    monkeypatch.chdir(root)
    capsys.readouterr()
    code = _dispatch(["validate", "--all", "--no-cache", "--format", "json", "-j", "1", "pkg"])
    out = capsys.readouterr()
    assert code in (0, 1), out.err
    return {(f["code"], f["message"]) for f in json.loads(out.out)}


def _generated(root: Path, name: str, monkeypatch: pytest.MonkeyPatch,
               capsys: pytest.CaptureFixture[str]) -> str:
    """What ``generate --all`` (static, no cache) writes into ``pkg/name``; put back after."""
    monkeypatch.chdir(root)
    path = root / "pkg" / name
    before = path.read_text()
    code = _dispatch(["generate", "--all", "--provider", "static", "--yes", "--no-cache",
                      "-j", "1", "pkg"])
    assert code == 0, capsys.readouterr().err
    after = path.read_text()
    path.write_text(before)
    return after


def _missing(found: set[tuple[str, str]]) -> set[str]:
    """The names LD301 reports (``Class.method``, ``function``)."""
    return {message.partition(":")[0] for code, message in found if code == "LD301"}


def _no_returns(found: set[tuple[str, str]]) -> set[str]:
    """The names LD321 reports."""
    return {message.partition(":")[0] for code, message in found if code == "LD321"}


_ALLOCATOR = '''"""Rank allocation."""


class Allocator:
    """Allocates ranks by importance."""

    def budget(self, step: int) -> int:
        return step * 2

    def update(self, model: object) -> None:
        self.model = model

    def mask(self, model: object) -> None:
        self.masked = model

    def reset_ipt(self):
        self.ipt = {}
        self.exp_avg = set()
        self.step = -1
        self.name = None

    def restart(self):
        self.ipt = {}
        self.step = self.first_step

    def reset_to(self, step):
        self.step = 0


class Documented:
    """A class whose methods are documented."""

    def budget(self, step: int) -> int:
        """The budget at ``step``."""
        return step

    def update(self) -> None:
        """Update the scores."""

    def reset(self):
        self.ipt = {}
'''


def test_a_reset_to_constants_in_a_class_documenting_few_methods(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    root = _project(tmp_path / "p", {"alloc.py": _ALLOCATOR})
    missing = _missing(_findings(root, monkeypatch, capsys))
    assert "Allocator.reset_ipt" not in missing, missing
    # A value read from elsewhere, an argument taken, or a class documenting its methods.
    assert {"Allocator.restart", "Allocator.reset_to", "Documented.reset"} <= missing, missing
    text = _generated(root, "alloc.py", monkeypatch, capsys)
    assert "def reset_ipt(self):\n        self.ipt = {}" in text


_TUNER_BASE = '''"""Tuner layers."""


class TunerLayer:
    """What every tuner's layer is."""

    def merge(self) -> None:
        """Merge the adapter."""
'''
_INTERFACE = '''"""LyCORIS-like layers."""

from abc import abstractmethod

from .base import TunerLayer


class LycoLayer(TunerLayer):
    """A base of LyCORIS-like layers."""

    @abstractmethod
    def delta(self, name: str) -> int: ...
'''


def _tuner(name: str) -> str:
    return f'"""{name}."""\n\nfrom ..base import TunerLayer\n\n\nclass {name}Layer(TunerLayer):\n' \
        "    kind = 1\n"


def test_a_layer_through_an_abstract_intermediate_base_is_in_the_family(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    files = {"base.py": _TUNER_BASE, "lyco.py": _INTERFACE}
    for name in ("Lora", "Ia3", "Vera", "Boft", "Hra", "Oft"):
        files[f"{name.lower()}/__init__.py"] = f'"""{name}."""\n'
        files[f"{name.lower()}/layer.py"] = _tuner(name)
    files["loha/__init__.py"] = '"""LoHa."""\n'
    files["loha/layer.py"] = '"""LoHa."""\n\nfrom ..lyco import LycoLayer\n\n\n' \
        "class LohaLayer(LycoLayer):\n    def delta(self, name: str) -> int:\n        return 1\n"
    # A concrete base of the family (``AdaLoraLayer(LoraLayer)``) makes no member.
    files["ada/__init__.py"] = '"""Ada."""\n'
    files["ada/layer.py"] = '"""Ada."""\n\nfrom ..lora.layer import LoraLayer\n\n\n' \
        "class AdaLayer(LoraLayer):\n    kind = 2\n"
    root = _project(tmp_path / "p", files)
    missing = _missing(_findings(root, monkeypatch, capsys))
    # The direct subclasses (1 of 7 documented, the interface): a family, as before.
    assert "LoraLayer" not in missing, missing
    assert "LohaLayer" not in missing, missing
    assert "AdaLayer" in missing, missing
    assert "class LohaLayer(LycoLayer):\n    def" in \
        _generated(root, "loha/layer.py", monkeypatch, capsys)


_MIXED = '''"""Mixed models."""


class Mixed:
    """A model of mixed adapters."""

    def count(self) -> int:
        """Returns the number of trainable parameters."""
        return 1

    def forward(self, x: int) -> int:
        """Forward pass of the model."""
        return x

    def generate(self, x: int) -> int:
        """Generate output."""
        return x

    def unload(self) -> object:
        """Gets back the base model."""
        return self

    def load(self, name: str) -> object:
        """Load an adapter.

        Args:
            name: The adapter.
        """
        return name

    def merge(self, safe: bool) -> object:
        """Merge the adapters into the base model.

        Args:
            safe: Whether to check for NaNs first.
        """
        return self


class Sectioned:
    """A class that says what comes back."""

    def count(self) -> int:
        """Count them.

        Returns:
            How many.
        """
        return 1

    def size(self) -> int:
        """Size it.

        Returns:
            The size.
        """
        return 1

    def forward(self, x: int) -> int:
        """Forward pass."""
        return x

    def generate(self, x: int) -> int:
        """Generate output."""
        return x

    def unload(self) -> object:
        """Gets back the base model."""
        return self

    def merge(self, safe: bool) -> object:
        """Merge the adapters.

        Args:
            safe: Whether to check for NaNs first.
        """
        return self
'''


def test_returns_omitted_where_the_class_omits_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    root = _project(tmp_path / "p", {"mixed.py": _MIXED})
    asked = _no_returns(_findings(root, monkeypatch, capsys))
    # 0 of Mixed's 5 other documented methods giving a value has a Returns section.
    assert not {"Mixed.load", "Mixed.merge"} & asked, asked
    # 2 of Sectioned's 5 others have one (over a quarter): asked.
    assert "Sectioned.merge" in asked, asked
    text = _generated(root, "mixed.py", monkeypatch, capsys)
    assert text.split("class Sectioned")[0].count("Returns:") == 0
    assert text.split("class Sectioned")[1].count("Returns:") == 3


_OTHER = '''"""Helpers."""

import torch


# copied from transformers.models.bart.modeling_bart
def shift_right(ids: list[int], pad: int) -> list[int]:
    """Shift input ids one token to the right.

    Args:
        ids: The input ids.
        pad: The id of the padding token.
    """
    return [pad, *ids[:-1]]


def create_mask(model: object, size: int) -> object:
    # adapted from:
    # https://github.com/huggingface/transformers/blob/main/src/transformers/generation/utils.py
    # We re-use transformers code for this as much as possible.
    return torch.ones(size)


def from_pretrained(model: object, name: str) -> object:
    """Load a model.

    Args:
        model: The model.
        name: Its name.
    """
    # note: adapted from PeftModel.from_pretrained
    return model


# The weight is taken from the original weight, so it is exact.
def exact(weight: object) -> object:
    return weight
'''


def test_a_definition_under_a_copied_from_comment(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    root = _project(tmp_path / "p", {"other.py": _OTHER})
    found = _findings(root, monkeypatch, capsys)
    assert "shift_right" not in _no_returns(found), found
    assert "create_mask" not in _missing(found), found
    # A comment below the docstring, or an origin that names nothing: still asked.
    assert "from_pretrained" in _no_returns(found), found
    assert "exact" in _missing(found), found
    text = _generated(root, "other.py", monkeypatch, capsys)
    assert text.split("def create_mask")[0].count("Returns:") == 0
    assert "def create_mask(model: object, size: int) -> object:\n    # adapted" in text


_LAYER = '''"""Attention layers."""

import torch.nn as nn


class Attention(nn.Module):
    """An attention layer with adapters."""

    def state_dict(self, *args, **kwargs):
        self._restore_weights()
        return super().state_dict(*args, **kwargs)

    def train(self, mode: bool = True):
        if mode:
            self._clear()
        super().train(mode=mode)
        return self

    def named_modules(self, *args, **kwargs):
        return super().named_modules(*args, **kwargs) + [1]

    def to(self, device, scale):
        self._clear()
        return super().to(device)

    def parameters(self, recurse: bool = True):
        if recurse:
            return []
        return super().parameters(recurse)

    def _restore_weights(self) -> None:
        pass

    def _clear(self) -> None:
        pass
'''


def test_an_override_that_hands_all_to_super_and_returns_its_result(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    root = _project(tmp_path / "p", {"layer.py": _LAYER})
    missing = _missing(_findings(root, monkeypatch, capsys))
    assert not {"Attention.state_dict", "Attention.train"} & missing, missing
    # What super() gives is changed, an argument is not handed on, or returned elsewhere.
    assert {"Attention.named_modules", "Attention.to", "Attention.parameters"} <= missing, \
        missing
    text = _generated(root, "layer.py", monkeypatch, capsys)
    assert text.split("def named_modules")[0].count("TODO") == 0


_BACKEND = '''"""Backends."""


def is_eetq_available() -> bool:
    """Whether eetq imports."""
    return False
'''
_EETQ = '''"""EETQ layers."""

from .backend import is_eetq_available

if is_eetq_available():
    import eetq

    class EetqLinear(eetq.Linear):
        def forward(self, x: int) -> int:
            return x

    class EetqShared(eetq.Linear):
        def forward(self, x: int) -> int:
            return x


def dispatch_eetq(target: object) -> object:
    return EetqLinear() if target else EetqShared()


def make_shared() -> object:
    return EetqShared()
'''


def _dispatch_file(name: str) -> str:
    return f'"""Dispatch."""\n\n\ndef dispatch_{name}(target: object) -> object:\n' \
        "    return target\n"


def test_a_backend_wrapper_in_an_availability_block_built_by_its_dispatch_factory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    files = {"backend.py": _BACKEND, "eetq.py": _EETQ}
    for name in ("a", "b", "c", "d"):
        files[f"dispatch_{name}.py"] = _dispatch_file(name)
    root = _project(tmp_path / "p", files)
    missing = _missing(_findings(root, monkeypatch, capsys))
    assert "EetqLinear" not in missing, missing
    # Also built by a function of no family: asked.
    assert "EetqShared" in missing, missing
    text = _generated(root, "eetq.py", monkeypatch, capsys)
    assert "class EetqLinear(eetq.Linear):\n        def" in text
