"""Anchors: ours against the slugs github-slugger itself computed (tests/report/data)."""

from __future__ import annotations

import json
from pathlib import Path

from llm_doc_manager.report.slug import Slugger

DATA = Path(__file__).parent / "data" / "github_slugger.json"


def test_the_same_anchors_as_github_slugger() -> None:
    groups = json.loads(DATA.read_text(encoding="utf-8"))["groups"]
    assert sum(len(g) for g in groups) > 50
    for group in groups:
        slugger = Slugger()
        assert [[heading, slugger.slug(heading)] for heading, _ in group] == group
