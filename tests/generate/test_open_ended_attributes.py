"""An open-ended class is asked for its fields only, by validate and generate alike."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Run

SOURCE = '''"""Encoders."""

import json


class Encoder(json.JSONEncoder):
    def __init__(self, full: bool) -> None:
        super().__init__()
        self.indent = 2
'''


def test_inherited_looking_attributes_are_not_added(tmp_path: Path, llm_doc: Run) -> None:
    # ``self.indent`` is the base's attribute (documented with json.JSONEncoder): validate
    # does not ask for it (LD351), so generate must not write an Attributes entry for it.
    path = tmp_path / "enc.py"
    path.write_text(SOURCE)
    checked = llm_doc("validate", "--all", "--select", "LD351", "enc.py")  # no docstring yet
    assert checked.returncode == 0, checked.stdout
    generated = llm_doc("generate", "--all", "--provider", "static", "--yes", "enc.py")
    assert generated.returncode == 0, generated.stderr
    text = path.read_text()
    assert '"""TODO: describe."""' in text or "TODO: describe.\n" in text  # it was written
    assert "Attributes:" not in text
    again = llm_doc("validate", "--all", "--select", "LD351", "enc.py")
    assert again.returncode == 0, again.stdout
