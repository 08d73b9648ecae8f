"""A new NumPy docstring writes the configured placeholder on a type line it cannot fill."""

from __future__ import annotations

import ast
from pathlib import Path

from numpydoc.docscrape import NumpyDocString

from llm_doc_manager.generate.pipeline import FileChange, Options
from llm_doc_manager.providers.static import StaticProvider
from tests.helpers import assert_only_docstrings_changed, run_file

SOURCE = '''\
def add(a, b):
    """Add.

    Parameters
    ----------
    a : int
        First.
    b : int
        Second.

    Returns
    -------
    int
        The sum.
    """
    return a + b


def mul(a, b):
    return a * b
'''


def test_a_new_numpy_returns_type_line_uses_the_configured_placeholder(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_text(SOURCE)
    result = run_file(path, StaticProvider("FIXME."), Options(all_defs=True, placeholder="FIXME."))
    assert isinstance(result, FileChange), result
    assert_only_docstrings_changed(SOURCE, result.new_text)
    node = next(n for n in ast.walk(ast.parse(result.new_text))
                if isinstance(n, ast.FunctionDef) and n.name == "mul")
    value = ast.get_docstring(node)
    assert value is not None
    (returned,) = NumpyDocString(value)["Returns"]
    assert (returned.type, returned.desc) == ("FIXME.", ["FIXME."])
