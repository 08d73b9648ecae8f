"""What ``generate --all`` writes follows the project (issue 20, second review round).

Each test is an attack from the reviews of the peft and huggingface_hub diffs: ``| None``
beside an ``*optional*`` marker, the marker spelt as one folder's port spells it instead of
the project, a ``Defaults to `None`.`` the marker already says, a documented ``float``
rewritten to an ``int`` annotation, a section added under a malformed one, a camelCase entry
left beside a new snake_case one, reST double backticks in a Markdown project.
"""

from __future__ import annotations

from pathlib import Path

from llm_doc_manager.docstrings.conventions import without_none
from tests.conftest import Run


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    for name, text in files.items():
        path = tmp_path / "pkg" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path / "pkg"


_MARKED = '''def f{i}(name: str, size: int = 2, token: str | None = None) -> str:
    """Fetch.

    Args:
        name (`str`):
            The name.
        size (`int`, *optional*, defaults to `2`):
            The size.
        token (`str`, *optional*):
            The token.

    Returns:
        `str`: The value.
    """
    return name
'''

# A port in one folder, written the way its origin writes (``int, optional``).
_PORT = '''def p{i}(a: int = 1, b: int = 2, c: int = 3) -> int:
    """Port.

    Args:
        a (int, optional): A. Defaults to 1.
        b (int, optional): B. Defaults to 2.
        c (int, optional): C. Defaults to 3.

    Returns:
        int: The sum.
    """
    return a + b + c
'''


def _marked_project(tmp_path: Path, new: str) -> Path:
    files = {f"m{i}.py": f'"""M{i}."""\n\n\n' + _MARKED.format(i=i) for i in range(6)}
    files["utils/port.py"] = '"""Port."""\n\n\n' + _PORT.format(i=0) + "\n\n" + \
        _PORT.format(i=1)
    files["utils/new.py"] = new
    return _project(tmp_path, files)


def test_without_none_reads_the_type_whole() -> None:
    assert without_none("`str | None`") == "`str`"
    assert without_none("None | int | str") == "int | str"
    assert without_none("Optional[Dict[str, int]]") == "Dict[str, int]"
    assert without_none("typing.Optional[str]") == "str"
    assert without_none("str") == "str"
    assert without_none("list[str | None]") == "list[str | None]"
    assert without_none("`not a type(`") == "`not a type(`"


def test_a_none_default_beside_the_marker_is_written_without_none(tmp_path: Path,
                                                                 llm_doc: Run) -> None:
    # peft ``init_empty_weights``: ``(`bool | None`, optional): ... Defaults to `None`.``
    # where the project writes ``(`bool`, *optional*)``; the folder's port wrote ``optional``.
    _marked_project(tmp_path, '''"""New."""


def g(flag: bool | None = None, size: int = 4) -> bool:
    """Decide.

    Args:
        size (`int`, *optional*, defaults to `4`):
            The size.

    Returns:
        `bool`: Whether.
    """
    return bool(flag) and size > 0
''')
    done = llm_doc("generate", "--all", "--provider", "static", "--yes", "pkg/utils/new.py")
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "pkg" / "utils" / "new.py").read_text()
    assert "        flag (`bool`, *optional*): TODO: describe.\n" in text, text
    assert "None`" not in text.split('"""Decide.')[1]
    again = llm_doc("generate", "--all", "--provider", "static", "--diff", "pkg/utils/new.py")
    assert again.stdout == ""
    checked = llm_doc("validate", "--all", "pkg/utils/new.py")
    assert "LD314" not in checked.stdout, checked.stdout


def test_a_retype_beside_the_marker_leaves_none_out(tmp_path: Path, llm_doc: Run) -> None:
    # huggingface_hub ``http_get``: a retyped ``(`type[base_tqdm] | None`, *optional*)``.
    _marked_project(tmp_path, '''"""New."""


def g(token: str | None = None) -> str:
    """Decide.

    Args:
        token (`bytes`, *optional*):
            The token.

    Returns:
        `str`: The token.
    """
    return token or ""
''')
    done = llm_doc("generate", "--all", "--provider", "static", "--yes", "pkg/utils/new.py")
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "pkg" / "utils" / "new.py").read_text()
    assert "        token (`str`, *optional*):\n" in text, text


def test_a_documented_float_is_not_narrowed_to_an_int_annotation(tmp_path: Path,
                                                                 llm_doc: Run) -> None:
    # huggingface_hub ``list_scheduled_jobs``: ``timeout (`float`, *optional*)`` rewritten
    # to the annotation ``int | None``; peft's quantile ``svd_clamp`` the same.
    _marked_project(tmp_path, '''"""New."""


def g(timeout: int | None = None) -> float:
    """Wait.

    Args:
        timeout (`float`, *optional*):
            Seconds to wait.

    Returns:
        `float`: The time waited.
    """
    return float(timeout or 0)
''')
    done = llm_doc("generate", "--all", "--provider", "static", "--diff", "pkg/utils/new.py")
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    checked = llm_doc("validate", "--all", "pkg/utils/new.py")
    assert "LD314" in checked.stdout, checked.stdout


def test_an_imported_type_variable_is_written_as_no_type(tmp_path: Path, llm_doc: Run) -> None:
    # huggingface_hub ``validate_hf_hub_args(fn: CallableT) -> CallableT`` got
    # ``fn (`CallableT`)`` and ``Returns: `CallableT```, a name its docstrings never write.
    package = _project(tmp_path, {
        "__init__.py": '"""P."""\n',
        "_typing.py": '"""Types."""\nfrom typing import Any, Callable, TypeVar\n\n'
                      'CallableT = TypeVar("CallableT", bound=Callable[..., Any])\n',
        "utils/__init__.py": '"""Utils."""\n',
        "utils/deco.py": '"""Decorators."""\nfrom .._typing import CallableT\n'
                         'from pkg._typing import CallableT as Other\n\n\n'
                         'def check(fn: CallableT, other: Other, name: str) -> CallableT:\n'
                         '    return fn\n',
    })
    done = llm_doc("generate", "--all", "--provider", "static", "--yes", "pkg/utils/deco.py")
    assert done.returncode == 0, done.stderr
    text = (package / "utils" / "deco.py").read_text()
    assert "CallableT`" not in text, text
    assert "Other`" not in text
    assert "        fn: TODO: describe.\n" in text
    assert "    Returns:\n        TODO: describe.\n" in text
