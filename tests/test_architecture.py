"""The layer, independence and acyclicity contracts of pyproject.toml, checked by import-linter."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent


def test_import_contracts_are_kept() -> None:
    result = subprocess.run([sys.executable, "-c", "from importlinter.cli import "
                             "lint_imports_command; lint_imports_command()"],
                            cwd=ROOT, capture_output=True, text=True, check=False, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout
