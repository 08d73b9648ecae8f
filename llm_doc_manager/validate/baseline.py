"""Baselines: record today's findings so that only new ones are reported."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from llm_doc_manager.codes import Finding
from llm_doc_manager.errors import ConfigError


def _baseline_key(finding: Finding) -> tuple[str, str, str]:
    # Lines move as code is edited; the file, code and message identify a finding.
    return finding.path.as_posix(), finding.code, finding.message


def write_baseline(path: Path, findings: list[Finding]) -> None:
    """Record findings so that later runs report only new ones.

    Args:
        path: The baseline file (JSON).
        findings: The findings to accept.
    """
    entries = [{"path": p, "code": c, "message": m}
               for p, c, m in sorted(_baseline_key(f) for f in findings)]
    path.write_text(json.dumps({"version": 1, "tool": "llm-doc", "findings": entries},
                               indent=1) + "\n", encoding="utf-8")


def apply_baseline(path: Path, findings: list[Finding]) -> list[Finding]:
    """Drop the findings recorded in a baseline (each entry absorbs one finding).

    A baseline file that does not exist yet accepts nothing.

    Args:
        path: The baseline file.
        findings: Current findings.

    Returns:
        The findings the baseline does not account for.

    Raises:
        ConfigError: If the file cannot be read.
    """
    if not path.exists():
        return findings  # not written yet: everything is new (the safe direction)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        budget = Counter((e["path"], e["code"], e["message"]) for e in data["findings"])
    except (OSError, ValueError, KeyError, TypeError, RecursionError) as exc:  # any depth
        raise ConfigError(f"{path}: cannot read baseline: {exc}") from exc
    new = []
    for finding in findings:
        key = _baseline_key(finding)
        if budget[key] > 0:
            budget[key] -= 1
        else:
            new.append(finding)
    return new
