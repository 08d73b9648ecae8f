"""False section findings of the after8 precision samples (peft, huggingface_hub), as attacks.

Each case is a small project on disk whose other docstrings show its practice: ``validate
--all`` does not report the finding, and ``generate --all`` (static provider) adds no
section saying it; beside each, a project whose practice is the other way, still asked.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import Run
from tests.helpers import package_findings as _findings
from tests.helpers import package_generated as _generated
from tests.helpers import package_project as _project


def _managers(yields: bool) -> str:
    section = "\n\n    Yields:\n        The file.\n" if yields else "\n"
    return '"""Managers."""\n\nfrom contextlib import contextmanager\n' + "".join(
        f'\n\n@contextmanager\ndef open_{i}(path: str):\n    """Open the file at ``path`` '
        f'and give its handle.{section}    """\n    yield open(path)\n' for i in range(5))


STREAM = '''"""Streams."""

from contextlib import contextmanager


@contextmanager
def tqdm_stream_file(path: str):
    """Open a file as a stream and show a progress bar while it is read.

    Args:
        path: The file.
    """
    yield open(path)
'''


def test_a_context_manager_is_not_asked_for_yields_where_the_project_writes_none(
        tmp_path: Path, llm_doc: Run) -> None:
    root = _project(tmp_path / "p", {"managers.py": _managers(False), "stream.py": STREAM})
    assert not any(code == "LD331" for code, _ in _findings(root, llm_doc))
    assert "Yields" not in _generated(root, "stream.py", llm_doc)


def test_a_context_manager_is_asked_for_yields_where_the_project_writes_them(
        tmp_path: Path, llm_doc: Run) -> None:
    root = _project(tmp_path / "p", {"managers.py": _managers(True), "stream.py": STREAM})
    assert ("LD331", "tqdm_stream_file: is a generator but the docstring has no Yields "
            "section") in _findings(root, llm_doc)


def _layers(method: str, returns: int, count: int = 5, classmethod_: bool = False) -> str:
    text = '"""Layers."""\n'
    for i in range(count):
        section = "\n    Returns:\n        The weight.\n" if i < returns else ""
        deco = "    @classmethod\n" if classmethod_ else ""
        first = "cls" if classmethod_ else "self"
        text += (f'\n\nclass Layer{i}:\n    """A layer."""\n\n{deco}'
                 f"    def {method}({first}, adapter: str) -> float:\n"
                 f'        """Compute the delta weight of an adapter.\n\n        Args:\n'
                 f"            adapter: The adapter's name.\n"
                 + section.replace("\n    ", "\n        ") + '        """\n'
                 "        return 1.0\n")
    return text


TARGET = '''"""Target."""


class Target:
    """A layer."""

    def get_delta_weight(self, adapter: str) -> float:
        """Compute the delta weight of an adapter.

        Args:
            adapter: The adapter's name.
        """
        return 2.0

    @classmethod
    def from_peft_type(cls, adapter: str) -> "Target":
        """Build the config of a PEFT type.

        Args:
            adapter: The adapter's name.
        """
        return cls()
'''

_DELTA = ("LD321", "Target.get_delta_weight: returns a value but the docstring has no Returns "
          "section")
_FROM = ("LD321", "Target.from_peft_type: returns a value but the docstring has no Returns "
         "section")


def test_a_method_whose_namesakes_omit_returns_is_not_asked(tmp_path: Path,
                                                            llm_doc: Run) -> None:
    """peft's ``get_delta_weight``: 27 of 29 documented definitions have no Returns."""
    root = _project(tmp_path / "p", {"layers.py": _layers("get_delta_weight", 1),
                                     "target.py": TARGET})
    found = _findings(root, llm_doc)
    assert _DELTA not in found
    assert _FROM in found  # another name: the project's practice for it is unknown
    written = _generated(root, "target.py", llm_doc)
    assert written.count("Returns:") == 1  # from_peft_type's, not get_delta_weight's


def test_a_method_whose_namesakes_mostly_write_returns_is_asked(tmp_path: Path,
                                                                llm_doc: Run) -> None:
    root = _project(tmp_path / "p", {"layers.py": _layers("get_delta_weight", 2),
                                     "target.py": TARGET})
    assert _DELTA in _findings(root, llm_doc)


def test_an_alternative_constructor_is_not_asked_where_from_star_omit_returns(
        tmp_path: Path, llm_doc: Run) -> None:
    """peft's ``from_peft_type``: its documented ``from_*`` classmethods omit Returns."""
    text = "".join(_layers(f"from_{word}", 0, 1, classmethod_=True).replace(
        "Layer0", f"Config{i}") for i, word in enumerate(("json", "dict", "file", "hub", "x")))
    root = _project(tmp_path / "p", {"configs.py": text, "target.py": TARGET})
    found = _findings(root, llm_doc)
    assert _FROM not in found
    assert _DELTA in found


BUCKET = '''"""Buckets."""

from dataclasses import dataclass, field


@dataclass
class BucketUrl:
    """Describes a bucket URL on the Hub.

    At initialization, the URL is parsed to populate properties:
    - namespace (`str`)
    - bucket_id (`str`)
    * uri: the bucket's URI.

    Args:
        url (`str`):
            String value of the bucket url.
    """

    url: str
    namespace: str = field(init=False)
    bucket_id: str = field(init=False)
    uri: str = field(init=False)
    endpoint: str = field(init=False)
'''


def test_attributes_listed_as_bullets_are_documented(tmp_path: Path, llm_doc: Run) -> None:
    root = _project(tmp_path / "p", {"buckets.py": BUCKET})
    asked = {m for code, m in _findings(root, llm_doc) if code == "LD351"}
    assert asked == {"BucketUrl: attribute 'endpoint' is not documented"}
    written = _generated(root, "buckets.py", llm_doc)
    assert "endpoint" in written.split('"""')[3]  # the one unlisted field is added
    assert written.split('"""')[3].count("uri") == 1


def test_a_cached_result_follows_the_projects_returns_practice(tmp_path: Path,
                                                               llm_doc: Run) -> None:
    """The result cache is keyed by the names whose Returns the project omits: when the
    other files start writing Returns, the unchanged file is checked again."""
    root = _project(tmp_path / "p", {"layers.py": _layers("get_delta_weight", 0),
                                     "target.py": TARGET})

    def cached() -> set[tuple[str, str]]:
        done = llm_doc("validate", "--all", "--format", "json", "pkg", cwd=root)
        assert done.returncode in (0, 1), done.stderr
        return {(f["code"], f["message"]) for f in json.loads(done.stdout)}

    assert _DELTA not in cached()
    (root / "pkg" / "layers.py").write_text(_layers("get_delta_weight", 5))
    assert _DELTA in cached()
