"""Hugging Face's attribute list documents a class's attributes (the peft review, issue 20).

peft and transformers list a class's attributes under a ``**Attributes**:`` line with
``- **name** (type) -- text`` bullets. What it lists is documented: a property named there
is not asked for a docstring, no LD351 for it, and ``--fix``/``generate`` add no Google
``Attributes:`` section beside it (the list itself is prose, never edited). The CLI runs in
this process (``cli._dispatch``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from llm_doc_manager.cli import _dispatch
from llm_doc_manager.docstrings.layout import read_layout
from tests.helpers import package_project as _project

# The golden case's class (its generate output is checked byte for byte there): a property
# and an attribute the list names, and a property and an attribute it does not.
_MODEL = (Path(__file__).parents[1] / "generate" / "golden" / "hf_attribute_list" /
          "input.py").read_text()


def _run(root: Path, args: list[str], monkeypatch: pytest.MonkeyPatch,
         capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """The CLI with ``args`` in ``root``: its exit code and standard output."""
    monkeypatch.chdir(root)
    capsys.readouterr()
    code = _dispatch(args)
    return code, capsys.readouterr().out


def test_the_list_documents_its_properties_and_attributes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    root = _project(tmp_path, {"model.py": _MODEL})
    code, out = _run(root, ["validate", "--all", "--no-cache", "--format", "json", "-j", "1",
                            "pkg"], monkeypatch, capsys)
    assert code == 1
    found = {(f["code"], f["message"]) for f in json.loads(out)}
    # Listed: the property needs no docstring, the attribute is documented.
    assert not any("peft_config" in message for _, message in found), found
    assert not any("modules_to_save" in message for _, message in found), found
    # Near misses: a property and an attribute the list does not name are still asked.
    assert ("LD301", "AdapterModel.active_adapters: function has no docstring") in found
    assert ("LD351", "AdapterModel: attribute 'adapter_name' is not documented") in found


def test_fix_keeps_the_list_and_adds_no_second_attributes_section(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    root = _project(tmp_path, {"model.py": _MODEL})
    path = root / "pkg" / "model.py"
    code, _ = _run(root, ["generate", "--all", "--provider", "static", "--yes", "--no-cache",
                          "-j", "1", "pkg"], monkeypatch, capsys)
    assert code == 0
    text = path.read_text()
    head = _MODEL.split("    def __init__")[0]
    assert text.startswith(head)  # the class docstring, its list and all, byte for byte
    assert text.count("Attributes") == _MODEL.count("Attributes")
    assert "def peft_config(self) -> dict[str, object]:\n        return" in text
    assert "def active_adapters(self) -> list[str]:\n        \"\"\"TODO" in text


@pytest.mark.parametrize(("text", "names"), [
    # The form: a bold heading at the margin, bold names in bullets; continuation lines and
    # ``:`` after the type are both written.
    ("S.\n\n**Attributes**:\n    - **a** (`int`) -- A.\n        more.\n    - **b** (`str`): B.\n",
     ("a", "b")),
    ("S.\n\n**Attributes:**\n    * **a** -- A.\n", ("a",)),
    # The list ends at the next line back at the margin.
    ("S.\n\n**Attributes**:\n    - **a** -- A.\nProse.\n    - **b** -- B.\n", ("a",)),
    # Near misses: bullets without a bold name, a bold heading indented into prose, another
    # bold heading, a bullet at the margin.
    ("S.\n\n**Attributes**:\n    - a (`int`) -- A.\n", ()),
    ("S.\n\nProse:\n    **Attributes**:\n        - **a** -- A.\n", ()),
    ("S.\n\n**Arguments**:\n    - **a** -- A.\n", ()),
    ("S.\n\n**Attributes**:\n- **a** -- A.\n", ()),
])
def test_what_the_list_names(text: str, names: tuple[str, ...]) -> None:
    assert read_layout(text).listed_attributes == names
