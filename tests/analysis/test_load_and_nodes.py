"""Loading files as findings, the one definition walker, and header colons."""

from __future__ import annotations

import ast
from pathlib import Path

from llm_doc_manager.analysis import LoadedFile, iter_defs, load_file
from llm_doc_manager.codes import Finding
from llm_doc_manager.source import SourceMap, colon_after_header


def test_every_load_failure_is_a_finding(tmp_path: Path) -> None:
    good = tmp_path / "good.py"
    good.write_text("x = 1\n")
    assert isinstance(load_file(good), LoadedFile)
    cases = {
        "syntax.py": (b"def f(:\n", "LD001"),
        "nul.py": (b"x = 1\x00\n", "LD001"),
        "latin.py": (b"# -*- coding: ascii -*-\nx = '\xe9'\n", "LD002"),
        "cookie.py": (b"# -*- coding: nonsense -*-\n", "LD002"),
    }
    for name, (data, code) in cases.items():
        (tmp_path / name).write_bytes(data)
        found = load_file(tmp_path / name)
        assert isinstance(found, Finding), name
        assert found.code == code, (name, found)
    missing = load_file(tmp_path / "missing.py")
    assert isinstance(missing, Finding)
    assert missing.code == "LD005"
    assert "cannot read" in missing.message


def test_iter_defs_names_nesting_and_compound_statements() -> None:
    tree = ast.parse(
        "class A:\n    def m(self):\n        def inner(): pass\n"
        "try:\n    import x\nexcept ImportError:\n    def fallback(): pass\n"
        "if True:\n    class B:\n        async def am(self): pass\n")
    found = [(d.qualname, d.class_name, d.nested) for d in iter_defs(tree)]
    assert found == [("A", None, False), ("A.m", "A", False), ("A.m.inner", None, True),
                     ("fallback", None, False), ("B", None, False), ("B.am", "B", False)]


def test_colon_after_header_skips_every_other_colon() -> None:
    text = ("def f(a: int = {1: 2}, b=lambda: 0) -> 'x:y':  # c: d\n    pass\n"
            "def g() -> lambda: 1: pass\n")
    tree = ast.parse(text)
    src = SourceMap(text)
    f, g = tree.body
    assert isinstance(f, ast.FunctionDef)
    assert isinstance(g, ast.FunctionDef)
    end, line = colon_after_header(src, f)
    assert line == 1
    assert text[:end].endswith("'x:y':")
    end, line = colon_after_header(src, g)
    assert text[:end].endswith("lambda: 1:")
    assert line == 3
