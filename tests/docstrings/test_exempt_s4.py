"""Method-name families across sibling classes (peft's after8 sample), written as attacks.

A method name that many classes of a package define, each on its own (no project base
defining it), and that the package almost never documents, is a duck-typed interface:
peft's ``scale_layer``/``unscale_layer``/``set_scale`` (3 of 19 documented), its
``reset_<x>_parameters`` (one per tuner, 2 of 33), and ``reset_parameters`` under
``nn.Module`` (0 of 8). ``validate --all`` asks no docstring of them and ``generate --all``
writes none; next to each, a case that is still asked.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from llm_doc_manager.docstrings import learning
from tests.conftest import SMALL_SAMPLE, Run
from tests.docstrings.test_exempt_s3 import _asked, _written
from tests.helpers import package_project as _project


def _layer(cls: str, method: str, documented: bool, base: str = "") -> str:
    doc = '        """Scale the layer."""\n' if documented else ""
    return (f'\n\nclass {cls}{f"({base})" if base else ""}:\n    """A layer."""\n\n'
            f"    def {method}(self, scale: float) -> None:\n{doc}"
            "        self.scale = scale\n")


def _tuners(methods: list[str], documented: int = 0, base: str = "") -> dict[str, str]:
    """One file per tuner, each with its own class defining its method."""
    head = "import torch\n\n" if base else ""
    return {f"t{i}.py": f'"""Tuner {i}."""\n{head}' +
            _layer(f"Layer{i}", method, i < documented, base)
            for i, method in enumerate(methods)}


def test_a_method_many_sibling_classes_leave_undocumented_is_not_asked(
        tmp_path: Path, llm_doc: Run) -> None:
    root = _project(tmp_path / "p", _tuners(["scale_layer"] * 6, documented=1))
    assert not any("scale_layer" in name for name in _asked(root, llm_doc))
    assert not any("scale_layer" in name for name in _written(root, llm_doc))


def test_a_method_few_sibling_classes_define_is_asked(tmp_path: Path, llm_doc: Run) -> None:
    root = _project(tmp_path / "p", _tuners(["scale_layer"] * 4))
    assert {f"t{i}.py:Layer{i}.scale_layer" for i in range(4)} <= _asked(root, llm_doc)


def test_a_sibling_method_documented_by_a_quarter_is_asked(tmp_path: Path,
                                                           llm_doc: Run) -> None:
    root = _project(tmp_path / "p", _tuners(["scale_layer"] * 8, documented=2))
    assert "t5.py:Layer5.scale_layer" in _asked(root, llm_doc)


def test_names_differing_by_one_inner_word_are_one_family(tmp_path: Path,
                                                          llm_doc: Run) -> None:
    names = [f"reset_{word}_parameters" for word in ("lora", "vera", "ia3", "hra", "boft")]
    root = _project(tmp_path / "p", _tuners(names))
    assert not any("reset_" in name for name in _asked(root, llm_doc))
    assert not any("reset_" in name for name in _written(root, llm_doc))
    # The first or last word is no wildcard: ``get_*`` alone would join every getter.
    root = _project(tmp_path / "q", _tuners([f"get_{w}" for w in ("a", "b", "c", "d", "e")]))
    assert len([n for n in _asked(root, llm_doc) if ".get_" in n]) == 5


def test_overrides_of_a_project_base_do_not_hide_the_base(tmp_path: Path,
                                                          llm_doc: Run) -> None:
    """Five subclasses overriding ``Base.generate`` are one family: the base is asked."""
    subclasses = "".join(f'\n\nclass Sub{i}(Base):\n    """Sub."""\n\n'
                         "    def generate(self, x: int) -> int:\n        return x\n"
                         for i in range(5))
    text = ('"""Models."""\n\n\nclass Base:\n    """Base."""\n\n'
            "    def generate(self, x: int) -> int:\n        return x\n" + subclasses)
    root = _project(tmp_path / "p", {"models.py": text})
    asked = _asked(root, llm_doc)
    assert "models.py:Base.generate" in asked
    assert not any(name.startswith("models.py:Sub") for name in asked)  # the base carries it


def test_a_library_subclass_method_the_package_never_documents_is_not_asked(
        tmp_path: Path, llm_doc_small_sample: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    """peft's ``GloraPath.reset_parameters``: ``nn.Module`` does not define it, four
    subclasses override it, none documents it. Counted over the whole package: the
    project's learned evidence is a sample of ``SAMPLE_FILES`` files (200; these runs take
    ``SMALL_SAMPLE``, 20, for the same spread at a tenth of the cost), and in a package of
    twice as many files the sample skips ``paths.py`` (every other file of the sorted list)."""
    subclasses = "".join(f'\n\nclass Path{i}(GloraPath):\n    """A path."""\n\n'
                         "    def reset_parameters(self) -> None:\n        self.w = 0\n"
                         for i in range(4))
    text = ('"""Paths."""\n\nimport torch\n\n\nclass GloraPath(torch.nn.Module):\n'
            '    """A path."""\n\n    def reset_parameters(self) -> None:\n'
            "        raise NotImplementedError\n" + subclasses)
    fillers = {f"f{i:03}.py": f'"""Filler {i}."""\n' for i in range(2 * SMALL_SAMPLE - 2)}
    root = _project(tmp_path / "p", {"paths.py": text, **fillers})
    monkeypatch.setattr(learning, "SAMPLE_FILES", SMALL_SAMPLE)
    assert root / "pkg" / "paths.py" not in learning._sample(learning._project_files(root))
    assert "paths.py:GloraPath.reset_parameters" not in _asked(root, llm_doc_small_sample)
    assert "paths.py:GloraPath.reset_parameters" not in _written(root, llm_doc_small_sample)


def test_a_property_of_many_sibling_classes_is_still_asked(tmp_path: Path,
                                                          llm_doc: Run) -> None:
    """A property is what an object holds, not an interface's verb (peft's
    ``active_adapter``, a real confusion of ``str`` and ``list[str]``)."""
    files = {f"t{i}.py": f'"""Tuner {i}."""\n\n\nclass Layer{i}:\n    """A layer."""\n\n'
             "    @property\n    def active(self) -> bool:\n        return True\n"
             for i in range(6)}
    root = _project(tmp_path / "p", files)
    assert {f"t{i}.py:Layer{i}.active" for i in range(6)} <= _asked(root, llm_doc)
