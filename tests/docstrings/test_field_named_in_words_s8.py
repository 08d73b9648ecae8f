"""A dataclass field whose name another entry's words use ("weight-to-bias coupling") is
still undocumented: validate reports it and generate adds it, so the finding does not
survive ``generate --yes`` (peft's GloraConfig.bias)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Run

SOURCE = '''"""Configs."""

from dataclasses import dataclass


@dataclass
class Config:
    """A config.

    Args:
        r (`int`): The rank.
        coupling (`str`): How the weight couples to the bias (b += W0 @ C).
    """

    r: int = 8
    coupling: str = "lora"
    bias: str = "none"
'''


def test_a_field_named_only_in_other_words_is_added_and_then_clean(tmp_path: Path,
                                                                  llm_doc: Run) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    (tmp_path / "pkg").mkdir()
    path = tmp_path / "pkg" / "c.py"
    path.write_text(SOURCE)
    before = llm_doc("validate", "--all", "pkg")
    assert "attribute 'bias' is not documented" in before.stdout + before.stderr
    generated = llm_doc("generate", "--all", "--provider", "static", "--yes", "pkg")
    assert generated.returncode == 0, generated.stderr
    assert "        bias (`str`): TODO: describe." in path.read_text()
    after = llm_doc("validate", "--all", "pkg")
    assert "bias" not in after.stdout + after.stderr
