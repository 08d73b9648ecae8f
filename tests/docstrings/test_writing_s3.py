"""What ``generate --all`` writes into existing docstrings follows the project (issue 20).

Each test is an attack seen in review of huggingface_hub's generated diff: an exception
written without the project's markup, a field of a dataclass put under a new Attributes
section while the class lists its fields under Args, ``self.lock`` documented in a class
that documents its constructor, a Yields section where the project says ``Returns:`` with
an ``Iterable[...]`` type, a type without the backticks the docstring's Returns type has.
``validate`` and ``generate`` share each rule: what one leaves out the other does not ask.
"""

from __future__ import annotations

from pathlib import Path

from llm_doc_manager.docstrings.conventions import (
    Evidence,
    exception_markup,
    house_style,
    written_exception,
)
from tests.conftest import Run


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    package = tmp_path / "pkg"
    package.mkdir()
    for name, text in files.items():
        (package / name).write_text(text)
    return package


def test_exception_markup_is_read_from_the_entry() -> None:
    assert exception_markup("        [`~utils.HfError`]:") == "link"
    assert exception_markup("    `ValueError`: If bad.") == "ticks"
    assert exception_markup("    ValueError: If bad.") == "plain"


def test_a_builtin_exception_is_never_written_as_a_link() -> None:
    assert written_exception("HubError", "link") == "[`HubError`]"
    assert written_exception("ValueError", "link") == "`ValueError`"
    assert written_exception("ValueError", "ticks") == "`ValueError`"
    assert written_exception("ValueError", None) == "ValueError"


def test_the_markup_learned_survives_the_evidence_cache() -> None:
    evidence = Evidence()
    evidence.add_docstring('Do.\n\nRaises:\n    [`~utils.HfError`]:\n        If bad.\n')
    again = Evidence.from_json(evidence.to_json())
    assert again is not None
    assert again.exceptions == evidence.exceptions
    assert house_style(__import__("ast").parse(""), [again]).exception_markup == "link"


_RAISING = '''def f{i}(name: str) -> str:
    """Fetch.

    Args:
        name (`str`): The name.

    Returns:
        `str`: The value.

    Raises:
        [`~errors.HubError`]:
            If the hub fails.
    """
    if not name:
        raise HubError(name)
    return name
'''


def test_a_new_raises_entry_is_written_in_the_projects_markup(tmp_path: Path,
                                                             llm_doc: Run) -> None:
    # huggingface_hub wrote ``ValueError: TODO: describe.`` under ``[`~utils.X`]:`` entries.
    files = {f"m{i}.py": f'"""M{i}."""\n\n\n' + _RAISING.format(i=i) for i in range(5)}
    files["new.py"] = '''"""New."""


def g(name: str) -> str:
    """Get.

    Args:
        name (`str`): The name.

    Returns:
        `str`: The value.
    """
    if not name:
        raise HubError(name)
    if name == "x":
        raise ValueError(name)
    return name
'''
    _project(tmp_path, files)
    generated = llm_doc("generate", "--all", "--provider", "static", "--yes", "pkg/new.py")
    assert generated.returncode == 0, generated.stderr
    text = (tmp_path / "pkg" / "new.py").read_text()
    assert "        [`HubError`]: If `not name`." in text  # Markdown code (test_writing_s4)
    assert "        `ValueError`: If `name == \"x\"`." in text
    second = llm_doc("generate", "--all", "--provider", "static", "--diff", "pkg/new.py")
    assert second.stdout == ""
    checked = llm_doc("validate", "--all", "--select", "LD341", "pkg/new.py")
    assert checked.returncode == 0, checked.stdout


_CONSTRUCTOR = '''class C{i}:
    """A thing.

    Args:
        size (`int`):
            The size.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.lock = None
'''

_WITH_ATTRIBUTES = '''class A{i}:
    """A record.

    Attributes:
        name (`str`): The name.
    """

    name: str = ""
'''


def test_no_attributes_beside_args_where_the_project_writes_none(tmp_path: Path,
                                                                 llm_doc: Run) -> None:
    # huggingface_hub: 41 class docstrings with Attributes (its dataclasses), none of the 35
    # with Args also has one; CommitScheduler got ``Attributes: lock: TODO``.
    files = {f"c{i}.py": f'"""C{i}."""\n\n\n' + _CONSTRUCTOR.format(i=i) for i in range(5)}
    files.update({f"a{i}.py": f'"""A{i}."""\n\n\n' + _WITH_ATTRIBUTES.format(i=i)
                  for i in range(3)})
    _project(tmp_path, files)
    checked = llm_doc("validate", "--all", "--select", "LD351", "pkg")
    assert checked.returncode == 0, checked.stdout
    generated = llm_doc("generate", "--all", "--provider", "static", "--diff", "pkg")
    assert "Attributes:" not in generated.stdout


def test_a_missing_dataclass_field_goes_into_the_args_that_list_the_others(
        tmp_path: Path, llm_doc: Run) -> None:
    _project(tmp_path, {"d.py": '''"""D."""

from dataclasses import dataclass


@dataclass
class Info:
    """Info.

    Args:
        commit (`str`):
            The commit.
        size (`int`):
            The size.
    """

    commit: str
    local_path: str
    size: int
'''})
    checked = llm_doc("validate", "--all", "--select", "LD351", "pkg")
    assert checked.returncode == 1
    assert "local_path" in checked.stdout
    generated = llm_doc("generate", "--all", "--provider", "static", "--yes", "pkg")
    assert generated.returncode == 0, generated.stderr
    text = (tmp_path / "pkg" / "d.py").read_text()
    assert "Attributes:" not in text
    assert "            The commit.\n        local_path (`str`): TODO: describe.\n" \
           "        size (`int`):" in text
    checked = llm_doc("validate", "--all", "--select", "LD351", "pkg")
    assert checked.returncode == 0, checked.stdout


_GENERATOR = '''def walk{i}(n: int) -> Iterable[str]:
    """Walk.

    Args:
        n (`int`): How far.

    Returns:
        `Iterable[str]`: Each step.
    """
    yield str(n)
'''


def test_a_generator_gets_returns_where_the_project_writes_it_so(tmp_path: Path,
                                                                llm_doc: Run) -> None:
    header = '"""M."""\n\nfrom collections.abc import Iterable\n\n\n'
    files = {f"m{i}.py": header + _GENERATOR.format(i=i) for i in range(5)}
    files["new.py"] = header + '''def logs(job: str) -> Iterable[str]:
    """The logs.

    Args:
        job (`str`): The job.
    """
    yield job
'''
    _project(tmp_path, files)
    generated = llm_doc("generate", "--all", "--provider", "static", "--yes", "pkg/new.py")
    assert generated.returncode == 0, generated.stderr
    text = (tmp_path / "pkg" / "new.py").read_text()
    assert "    Returns:\n        `Iterable[str]`: TODO: describe.\n" in text
    assert "Yields:" not in text
    checked = llm_doc("validate", "--all", "--select", "LD322,LD331", "pkg/new.py")
    assert checked.returncode == 0, checked.stdout


def test_a_new_entry_takes_the_backticks_of_the_returns_type(tmp_path: Path,
                                                            llm_doc: Run) -> None:
    # hf_api's list_jobs_hardware got ``token (bool | str | None, *optional*)``.
    _project(tmp_path, {"h.py": '''"""H."""


def hardware(token: str) -> list[str]:
    """List the hardware.

    Returns:
        `list[str]`: The names.
    """
    return [token]
'''})
    generated = llm_doc("generate", "--all", "--provider", "static", "--yes", "pkg")
    assert generated.returncode == 0, generated.stderr
    assert "        token (`str`): TODO: describe." in (tmp_path / "pkg" / "h.py").read_text()


def test_a_field_the_docstring_names_in_prose_is_not_added_again(tmp_path: Path,
                                                                 llm_doc: Run) -> None:
    # huggingface_hub's BucketUrl lists ``- namespace (`str`)`` in prose (an init=False field).
    _project(tmp_path, {"b.py": '''"""B."""

from dataclasses import dataclass, field


@dataclass
class BucketUrl:
    """A bucket URL. Parsed into:

    - namespace (`str`)

    Args:
        url (`str`):
            The URL.
    """

    url: str
    namespace: str = field(init=False)
'''})
    generated = llm_doc("generate", "--all", "--provider", "static", "--diff", "pkg")
    assert generated.returncode == 0, generated.stderr
    assert "namespace (`str`): TODO" not in generated.stdout
