"""``check_source`` called directly: the checker is a pure function of a file's text."""

from __future__ import annotations

from pathlib import Path

from llm_doc_manager.validate import CheckOptions, check_source

DATA = Path(__file__).parent / "data"


def test_check_source_finds_every_expected_drift() -> None:
    text = (DATA / "drift.py").read_text()
    found = check_source(Path("drift.py"), text, CheckOptions(all_defs=True, width=79))
    assert [f.render() for f in found] == (DATA / "expected.txt").read_text().splitlines()


def test_definitions_inside_compound_statements_are_checked() -> None:
    doc = '"""Run.\n\n        Args:\n            x: Gone.\n        """'
    text = (f'"""Module."""\n\nimport sys\n\nif sys.platform == "win32":\n'
            f'    def run(a):\n        {doc}\nelse:\n    def run(b):\n        {doc}\n')
    found = check_source(Path("m.py"), text, CheckOptions(all_defs=True))
    assert sorted((f.line, f.code) for f in found if f.code == "LD311") == [(7, "LD311"),
                                                                           (14, "LD311")]


def test_marked_regions_only_without_all() -> None:
    doc = '"""Nothing about a.\n\n    Args:\n        b: Gone.\n    """'
    text = (f'def quiet(a):\n    {doc}\n\n\n# @llm-doc-start\n'
            f'def loud(a):\n    {doc}\n# @llm-doc-end\n')
    found = check_source(Path("m.py"), text, CheckOptions(all_defs=False))
    assert [(f.line, f.code) for f in found] == [(11, "LD311"), (14, "LD312")]


def test_unparsable_text_is_one_finding() -> None:
    found = check_source(Path("bad.py"), "def f(:\n", CheckOptions(all_defs=True))
    assert [f.code for f in found] == ["LD001"]
    assert check_source(Path("nul.py"), "x = 1\x00\n", CheckOptions())[0].code == "LD001"
