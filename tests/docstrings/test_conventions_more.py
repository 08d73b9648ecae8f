"""More of a project's conventions: defaults, whether exceptions are documented, named
Returns; and the files learned from are found and read by generate, once per run."""

from __future__ import annotations

import ast
import asyncio
import importlib
import os
import pickle
from pathlib import Path

from llm_doc_manager.docstrings.conventions import (
    DEFAULTS_SEEN,
    RAISES_SEEN,
    Evidence,
    HouseStyle,
    clearly_type,
)
from llm_doc_manager.docstrings.learning import Learning
from llm_doc_manager.docstrings.sections import Section
from llm_doc_manager.generate import FileChange, Options, run_files
from llm_doc_manager.providers.static import StaticProvider
from tests.helpers import assert_invariants, run_file

PARAMETERS = '''def known(a: int, b: int = 1) -> int:
    """Known.

    Parameters:
        a (int): The a.
        b (int): The b.
    """
    return a + b
'''
NEW = "def fresh(x: int) -> int:\n    return x\n"


def _written(path: Path, options: Options | None = None) -> str:
    options = options or Options(all_defs=True)
    result = run_file(path, None, options)
    assert isinstance(result, FileChange), result
    assert_invariants(path, result.source.text, result, None, options)
    return result.new_text


def _learned(*docstrings: tuple[str, str]) -> HouseStyle:
    """The style learned from functions given as (signature, docstring body)."""
    evidence = Evidence()
    for signature, body in docstrings:
        evidence.add_tree(ast.parse(f"def {signature}:\n    '''{body}'''\n"), None)
    return HouseStyle((evidence,))


def test_defaults_are_learned_in_each_way() -> None:
    sentence = [("f(a=1)", "F.\n\nArgs:\n    a: The a. Defaults to `1`.\n")] * DEFAULTS_SEEN
    assert _learned(*sentence).defaults == "sentence"
    assert _learned(*sentence).default_ticks is True
    marker = [("f(a=1)", "F.\n\nArgs:\n    a (`int`, *optional*): The a.\n")] * DEFAULTS_SEEN
    assert _learned(*marker).defaults == "marker"
    assert _learned(*marker).optional_marker == "*optional*"
    both = [("f(a=1)", "F.\n\nArgs:\n    a (int, optional): The a. Defaults to 1.\n")] * 3
    assert _learned(*both).defaults == "both"
    assert _learned(*both).default_ticks is False
    assert _learned(*both).optional_marker == "optional"
    # Hugging Face also writes the default inside the type: a sentence and a marker.
    inside = [("f(a=1)", "F.\n\nArgs:\n    a (`int`, *optional*, defaults to `1`): A.\n")] * 3
    assert _learned(*inside).defaults == "both"
    none = [("f(a, b=1)", "F.\n\nArgs:\n    a: The a.\n    b: The b.\n")] * DEFAULTS_SEEN
    assert _learned(*none).defaults == "none"


def test_defaults_need_enough_entries_and_ignore_other_wordings() -> None:
    # Entries of parameters without a default, placeholders, and other wordings teach
    # nothing; below DEFAULTS_SEEN entries, nothing is learned: the tool's own way.
    style = _learned(("f(a, b=1)", "F.\n\nArgs:\n    a: A. Defaults to 2.\n    b: B.\n"),
                     ("g(b=1)", "G.\n\nArgs:\n    b: TODO: describe.\n"),
                     ("h(b=1)", "H.\n\nArgs:\n    b: B (default: 1).\n"))
    assert style.defaults is None
    assert HouseStyle().defaults is None
    # Keyword-only defaults and a class's __init__ count too.
    evidence = Evidence()
    evidence.add_tree(ast.parse(
        "def f(*, k=1):\n    '''F.\n\n    Args:\n        k: K.\n    '''\n"
        "class C:\n    '''C.\n\n    Args:\n        k: K.\n    '''\n"
        "    def __init__(self, k=1):\n        pass\n"), None)
    assert evidence.defaults == {"none": 2}


def test_raises_share_is_learned_with_a_floor() -> None:
    body = "def f(x):\n    '''F.\n\n    Args:\n        x: X.\n    '''\n    raise ValueError(x)\n"
    evidence = Evidence()
    for _ in range(RAISES_SEEN - 1):
        evidence.add_tree(ast.parse(body), None)
    assert HouseStyle((evidence,)).documents_raises is True  # too few seen to judge
    evidence.add_tree(ast.parse(body), None)
    assert HouseStyle((evidence,)).documents_raises is False
    documented = body.replace("'''\n    raise", "\n    Raises:\n        ValueError: V.\n"
                              "    '''\n    raise")
    for _ in range(2):
        evidence.add_tree(ast.parse(documented), None)
    assert HouseStyle((evidence,)).documents_raises is True  # 2 of 7 >= 25 %
    # A stub's NotImplementedError, a nested def's raise and a bare re-raise are not
    # raises of the function's own.
    quiet = Evidence()
    for stmt in ("raise NotImplementedError", "def g():\n        raise ValueError",
                 "try:\n        pass\n    except OSError:\n        raise"):
        quiet.add_tree(ast.parse(f"def f(x):\n    '''F.\n\n    Args:\n        x: X.\n"
                                 f"    '''\n    {stmt}\n"), None)
    assert not quiet.raises


def test_no_raises_section_is_added_to_a_docstring_that_has_none(tmp_path: Path) -> None:
    functions = "".join(
        f"def f{i}(x: int) -> None:\n    \"\"\"F.\n\n    Args:\n        x: The x.\n"
        f"    \"\"\"\n    if x == {i}:\n        raise ValueError(x)\n\n\n"
        for i in range(RAISES_SEEN))
    (tmp_path / "a.py").write_text(functions)
    path = tmp_path / "b.py"
    path.write_text("def g(x: int) -> None:\n    \"\"\"G.\n\n    Args:\n        x: X.\n"
                    "    \"\"\"\n    if x:\n"
                    "        raise KeyError(x)\n\n\n"
                    "def h(x: int) -> None:\n    if x:\n        raise KeyError(x)\n")
    text = _written(path)
    assert "Raises" not in text
    assert "def h(x: int) -> None:\n    \"\"\"TODO: describe." in text
    # Learning off: the tool's own way (every raise documented).
    assert _written(path, Options(all_defs=True, conventions="default")).count(
        "Raises:") == 2


def test_named_returns_are_no_types() -> None:
    assert not clearly_type("base_property")
    assert not clearly_type(None)
    for text in ("int", "None", "Path", "list[str]", "np.ndarray", "`dict`", "str | None"):
        assert clearly_type(text), text
    evidence = Evidence()
    evidence.add_docstring("F.\n\nReturns:\n    base: The base.\n    kind: The kind.\n")
    assert not evidence.typed


def test_a_named_return_does_not_make_a_new_entry_typed(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_text('def f(a: int, b: int) -> tuple[int, int]:\n    """F.\n\n'
                    '    Parameters:\n        a: The a.\n\n    Returns:\n'
                    '        first: The a.\n        second: The b.\n    """\n'
                    '    return a, b\n')
    text = _written(path)
    assert "        b: TODO: describe.\n" in text
    assert "b (int)" not in text


def test_the_model_is_pure() -> None:
    # The walk and the reads live in docstrings.learning: the model opens nothing.
    module = importlib.import_module("llm_doc_manager.docstrings.conventions")
    assert module.__file__ is not None
    source = Path(module.__file__).read_text(encoding="utf-8")
    tree = ast.parse(source)
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module}
    assert not imported & {"os", "pathlib", "io", "llm_doc_manager.source.discovery"}
    assert "open(" not in source


def _project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    (tmp_path / "pkg").mkdir()
    path = tmp_path / "pkg" / "b.py"
    path.write_text(NEW)
    return path


def test_the_project_sample_honours_gitignore(tmp_path: Path) -> None:
    # A vendored copy of another project, ignored by git, is not this project's style.
    path = _project(tmp_path)
    (tmp_path / ".gitignore").write_text("vendored/\n")
    (tmp_path / "vendored").mkdir()
    (tmp_path / "vendored" / "a.py").write_text(PARAMETERS)
    assert "    Args:\n        x (int): TODO: describe." in _written(path)


def test_the_project_sample_reads_no_link_leaving_it(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "a.py").write_text(PARAMETERS)
    root = tmp_path / "root"
    root.mkdir()
    path = _project(root)
    (root / "lib").mkdir()
    os.symlink(outside / "a.py", root / "lib" / "a.py")
    assert "    Args:\n        x (int): TODO: describe." in _written(path)
    # A link inside the project is the project's own file.
    (root / "lib" / "a.py").unlink()
    (root / "inner").mkdir()
    (root / "inner" / "real.txt").write_text(PARAMETERS)  # only the link is a .py
    os.symlink(root / "inner" / "real.txt", root / "lib" / "a.py")
    assert "    Parameters:\n        x (int): TODO: describe." in _written(path)


def test_workers_get_what_the_parent_learned(tmp_path: Path) -> None:
    # Enough files for worker processes: the parent learns the project once and hands
    # it down; the result is the one a single process gives.
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "a.py").write_text(PARAMETERS)
    (tmp_path / "pkg").mkdir()
    paths = []
    for number in range(20):
        path = tmp_path / "pkg" / f"m{number:02}.py"
        path.write_text(NEW)
        paths.append(path)
    options = Options(all_defs=True)
    alone = asyncio.run(run_files(paths, StaticProvider(), options))
    workers = asyncio.run(run_files(paths, StaticProvider(), options, jobs=2))
    for one, other in zip(alone, workers, strict=True):
        assert isinstance(one, FileChange)
        assert isinstance(other, FileChange)
        assert one.new_text == other.new_text
        assert "    Parameters:\n        x (int): TODO: describe." in one.new_text


def test_a_primed_learning_travels_without_its_files(tmp_path: Path) -> None:
    path = _project(tmp_path)
    (tmp_path / "pkg" / "a.py").write_text(PARAMETERS)
    learning = Learning()
    learning.prime([path])
    copy = pickle.loads(pickle.dumps(learning))
    # Gone from disk: the copy still knows, without reading anything again.
    (tmp_path / "pkg" / "a.py").unlink()
    style = copy.style(ast.parse(NEW), path)
    assert style.heading(Section.ARGS) == "Parameters"
    assert style.defaults is None  # one defaulted entry: too few to learn from
