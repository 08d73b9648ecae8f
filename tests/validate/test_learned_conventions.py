"""validate asks for what generate writes: module docstrings and ``*args`` stars, learned.

Both commands learn these from the file itself, else from the project's sample (the same two
levels), so a choice ``generate`` makes is never a finding of ``validate``.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Run

_PLAIN = '''def f{i}(value: int) -> int:
    """Return the value.

    Args:
        value: The value.

    Returns:
        The value.
    """
    return value
'''

_KWARGS = '''def call{i}(name: str, **kwargs: object) -> str:
    """Call something.

    Args:
        name: The name.
        kwargs: Passed on.

    Returns:
        The name.
    """
    return name
'''


def _project(tmp_path: Path, files: dict[str, str]) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    package = tmp_path / "pkg"
    package.mkdir()
    for name, text in files.items():
        (package / name).write_text(text)


def test_a_project_without_module_docstrings_is_not_asked_for_one(tmp_path: Path,
                                                                  llm_doc: Run) -> None:
    # peft: 9 module docstrings in 251 files, each file opening with a licence header.
    _project(tmp_path, {f"m{i}.py": "# Licensed under Apache-2.0.\n\n" + _PLAIN.format(i=i)
                        for i in range(6)})
    checked = llm_doc("validate", "--all", "--select", "LD301", "pkg")
    assert checked.returncode == 0, checked.stdout
    generated = llm_doc("generate", "--all", "--provider", "static", "--check", "pkg")
    assert generated.returncode == 0, generated.stderr


def test_a_project_with_module_docstrings_is_asked_for_the_missing_one(tmp_path: Path,
                                                                       llm_doc: Run) -> None:
    files = {f"m{i}.py": f'"""Module {i}."""\n\n\n' + _PLAIN.format(i=i) for i in range(6)}
    files["bare.py"] = _PLAIN.format(i=9)
    _project(tmp_path, files)
    checked = llm_doc("validate", "--all", "--select", "LD301", "pkg")
    assert checked.returncode == 1
    assert "bare.py:1:1: LD301" in checked.stdout
    generated = llm_doc("generate", "--all", "--provider", "static", "--yes", "pkg")
    assert generated.returncode == 0, generated.stderr
    assert (tmp_path / "pkg" / "bare.py").read_text().startswith('"""TODO: describe."""')


def test_kwargs_written_without_stars_where_the_project_does(tmp_path: Path,
                                                             llm_doc: Run) -> None:
    # Hugging Face writes ``kwargs (...)``: no LD315, and a new entry has no stars either.
    files = {f"m{i}.py": f'"""Module {i}."""\n\n\n' + _KWARGS.format(i=i) for i in range(3)}
    files["new.py"] = '''"""New."""


def fresh(name: str, **kwargs: object) -> str:
    """Call something new.

    Args:
        name: The name.

    Returns:
        The name.
    """
    return name + str(kwargs)
'''
    _project(tmp_path, files)
    checked = llm_doc("validate", "--all", "--select", "LD315", "pkg")
    assert checked.returncode == 0, checked.stdout
    fixed = llm_doc("generate", "--all", "--provider", "static", "--yes", "pkg")
    assert fixed.returncode == 0, fixed.stderr
    text = (tmp_path / "pkg" / "new.py").read_text()
    assert "        kwargs: TODO: describe." in text
    assert "        **kwargs" not in text


_CLASS = '''class Thing{i}:
    """A thing.

    Args:
        size: The size.
    """

    def __init__(self, size: int) -> None:
        self.size = size
'''


def test_no_init_docstring_where_the_project_documents_constructors_in_the_class(
        tmp_path: Path, llm_doc: Run) -> None:
    # peft: 22 classes document their constructor in the class docstring, 11 in __init__.
    files = {f"m{i}.py": f'"""Module {i}."""\n\n\n' + _CLASS.format(i=i) for i in range(5)}
    files["new.py"] = '''"""New."""


class Fresh:
    """A fresh thing."""

    def __init__(self, size: int) -> None:
        self.size = size
'''
    _project(tmp_path, files)
    generated = llm_doc("generate", "--all", "--provider", "static", "--diff", "pkg/new.py")
    assert generated.returncode == 0, generated.stderr
    assert generated.stdout == ""  # no "Initialize the instance." docstring on __init__


_GENERATOR = '''def walk{i}(n: int) -> Iterable[str]:
    """Walk.

    Args:
        n: How many.

    Returns:
        `Iterable[str]`: the names.
    """
    for i in range(n):
        yield str(i)
'''


def test_generators_documented_under_returns_where_the_project_does(tmp_path: Path,
                                                                    llm_doc: Run) -> None:
    # huggingface_hub: 27 generators say what they give under Returns, 3 under Yields.
    head = '"""Walks."""\n\nfrom typing import Iterable\n\n\n'
    _project(tmp_path, {"walks.py": head + "\n\n".join(_GENERATOR.format(i=i)
                                                        for i in range(6))})
    checked = llm_doc("validate", "--all", "pkg")
    assert checked.returncode == 0, checked.stdout
    generated = llm_doc("generate", "--all", "--provider", "static", "--check", "pkg")
    assert generated.returncode == 0, generated.stderr


_CLIENT = '''class Client{i}:
    """A client.

    Args:
        token: The token.
    """

    def __init__(self, token: str) -> None:
        self.token = token
        self.session = object()
'''


def test_no_attributes_section_where_the_project_writes_none(tmp_path: Path,
                                                             llm_doc: Run) -> None:
    # huggingface_hub: 0 of 42 public self.x attributes documented, no Attributes section.
    _project(tmp_path, {f"c{i}.py": f'"""Clients {i}."""\n\n\n' + _CLIENT.format(i=i)
                        for i in range(6)})
    checked = llm_doc("validate", "--all", "--select", "LD351", "pkg")
    assert checked.returncode == 0, checked.stdout
    generated = llm_doc("generate", "--all", "--provider", "static", "--check", "pkg")
    assert generated.returncode == 0, generated.stderr
