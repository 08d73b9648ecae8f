"""One rule for ``TypedDict`` classes in validate and generate: the project's practice.

Where a project documents fewer than a quarter of at least 5 ``TypedDict`` classes, an
undocumented one is not asked by ``validate --all`` (LD301) and gets no docstring from
``generate --all``; a project that documents them is asked for the rest. Before, generate
followed the practice while validate reported every one: its findings survived
``generate --all``.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Run
from tests.helpers import package_findings, package_generated, package_project


def _payloads(documented: int) -> str:
    """Six public TypedDicts, each named in a public signature (not file-local)."""
    text = '"""Payloads."""\n\nfrom typing import TypedDict\n'
    for index in range(6):
        doc = f'    """Payload {index}."""\n\n' if index < documented else ""
        text += f"\n\nclass Payload{index}(TypedDict):\n{doc}    key: str\n"
    names = ", ".join(f"p{i}: Payload{i}" for i in range(6))
    text += f'\n\ndef send({names}) -> None:\n    """Send.\n\n    Args:\n'
    text += "".join(f"        p{i}: A payload.\n" for i in range(6))
    return text + '    """\n'


def _ld301(found: set[tuple[str, str]]) -> set[str]:
    return {message.partition(":")[0] for code, message in found if code == "LD301"}


def test_a_project_that_leaves_typed_dicts_undocumented_is_not_asked(
        tmp_path: Path, llm_doc: Run) -> None:
    root = package_project(tmp_path, {"wire.py": _payloads(documented=1)})
    assert not {f"Payload{i}" for i in range(6)} & _ld301(package_findings(root, llm_doc))
    written = package_generated(root, "wire.py", llm_doc)
    assert written == _payloads(documented=1)


def test_a_project_that_documents_them_is_asked_for_the_rest(tmp_path: Path,
                                                              llm_doc: Run) -> None:
    root = package_project(tmp_path, {"wire.py": _payloads(documented=3)})
    assert {"Payload3", "Payload4", "Payload5"} <= _ld301(package_findings(root, llm_doc))
    written = package_generated(root, "wire.py", llm_doc)
    assert written.count('"""') > _payloads(documented=3).count('"""')
