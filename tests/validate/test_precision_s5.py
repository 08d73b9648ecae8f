"""False (and wrongly dropped) findings of the rv6 precision review, as attacks.

Each case is a small project on disk: ``validate --all`` reports (or does not report) the
finding as a maintainer of that project would, and ``generate --all`` (static provider)
agrees with it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from llm_doc_manager.docstrings import learning
from llm_doc_manager.docstrings.conventions import RAISES_SEEN
from tests.conftest import SMALL_SAMPLE, Run
from tests.helpers import package_findings as _findings
from tests.helpers import package_generated as _generated
from tests.helpers import package_project as _project

# A project that documents what its functions raise (so LD341 is asked).

_RAISING = '''"""Checks."""


def check(value: int) -> int:
    """Check a value.

    Args:
        value: The value.

    Returns:
        The value.

    Raises:
        ValueError: If it is negative.
    """
    if value < 0:
        raise ValueError(value)
    return value
'''

DOWNLOAD = '''"""Downloads."""


class EntryNotFoundError(Exception):
    """A file is missing."""


def download(files: list[str], raise_on_missing_files: bool = False) -> list[str]:
    """Download files.

    Args:
        files: The files.
        raise_on_missing_files: If `True`, raise an [`EntryNotFoundError`] when a requested
            file does not exist. If `False` (default), missing files are skipped.

    Returns:
        The files found.
    """
    found = [f for f in files if f]
    if raise_on_missing_files and len(found) < len(files):
        raise EntryNotFoundError("missing")
    return found


def fetch(files: list[str], strict: bool = False) -> list[str]:
    """Fetch files.

    Args:
        files: The files.
        strict: If set, raise a `ValueError` on an empty name.

    Returns:
        The files.
    """
    if strict and not all(files):
        raise ValueError("empty")
    if not files:
        raise KeyError("none")
    return files
'''


def test_an_exception_named_in_an_arguments_description_is_documented(
        tmp_path: Path, llm_doc: Run) -> None:
    root = _project(tmp_path / "p", {"checks.py": _RAISING, "download.py": DOWNLOAD})
    found = _findings(root, llm_doc)
    assert not any(code == "LD341" and "EntryNotFoundError" in message
                   for code, message in found), found
    assert not any(code == "LD341" and "ValueError" in message for code, message in found)
    # One the arguments do not name is still asked, and no LD342 for the named ones.
    assert ("LD341", "fetch: raises KeyError but the docstring does not say so") in found
    assert not any(code == "LD342" for code, _ in found), found
    text = _generated(root, "download.py", llm_doc)
    assert "EntryNotFoundError:" not in text
    assert "ValueError:" not in text.split("def fetch")[1]
    assert "KeyError" in text.split("def fetch")[1]


CLIENT = '''"""Clients."""

from contextlib import ExitStack


class Client:
    """A client.

    Args:
        url: Where it connects.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.exit_stack = ExitStack()

    def close(self) -> None:
        self.exit_stack.close()
'''

WRAPPER = '''"""Wrappers."""


class Reader:
    """Read a file."""

    def read(self, n: int) -> bytes:
        """Read ``n`` bytes.

        Args:
            n: How many.

        Returns:
            The bytes.
        """
        return b""


class Wrapper:
    """A wrapper.

    Args:
        reader: What it reads from.
    """

    def __init__(self, reader: Reader) -> None:
        self.reader = reader

    def read(self, n: int) -> bytes:
        return self.reader.read(n)
'''


def test_handing_on_to_a_standard_library_helper_is_not_documented_there(
        tmp_path: Path, llm_doc: Run) -> None:
    root = _project(tmp_path / "p", {"client.py": CLIENT, "wrapper.py": WRAPPER})
    found = _findings(root, llm_doc)
    assert ("LD301", "Client.close: function has no docstring") in found
    # Handing on to the project's own documented method still needs none.
    assert not any(message.startswith("Wrapper.read") for _, message in found), found


CARDS = '''"""Cards."""


class Card:
    """A card."""

    @classmethod
    def from_template(cls, data: dict[str, str], template: str = "",
                      **template_kwargs: str) -> "Card":
        """Make a card from a template.

        Args:
            data: The card's data.
            template: The template.

        Returns:
            The card.
        """
        kwargs = dict(data)
        kwargs.update(template_kwargs)
        return cls()


class ModelCard(Card):
    """A model's card."""

    @classmethod
    def from_template(cls, data: dict[str, str], template: str = "",
                      **template_kwargs: str) -> "Card":
        """Make a model card from a template.

        Args:
            data: The card's data.
            template: The template.

        Returns:
            The card.
        """
        return super().from_template(data, template, **template_kwargs)


class Quiet(Card):
    """A card whose override has no docstring of its own."""

    @classmethod
    def from_template(cls, data: dict[str, str], template: str = "",
                      **template_kwargs: str) -> "Card":
        return super().from_template(data, template, **template_kwargs)
'''


def test_an_override_with_its_own_docstring_is_asked_what_its_base_is_asked(
        tmp_path: Path, llm_doc: Run) -> None:
    root = _project(tmp_path / "p", {"cards.py": CARDS})
    found = _findings(root, llm_doc)
    assert ("LD311", "Card.from_template: argument '**template_kwargs' is not documented") \
        in found
    assert ("LD311", "ModelCard.from_template: argument '**template_kwargs' is not "
            "documented") in found
    assert not any(message.startswith("Quiet.") for _, message in found), found
    text = _generated(root, "cards.py", llm_doc)
    model = text.split("class ModelCard")[1].split("class Quiet")[0]
    assert "**template_kwargs" in model.split('"""')[3], model


def _config(i: int, constructor: bool) -> str:
    method = f'''

    @classmethod
    def from_name_{i}(cls, name: str) -> "Config{i}":
        """Make the configuration of a name.

        Args:
            name: The name.
        """
        return cls()
''' if constructor else ""
    return f'"""Config {i}."""\n\n\nclass Config{i}:\n    """Configuration {i}."""{method}\n'


def test_from_classmethods_are_counted_over_the_whole_package(
        tmp_path: Path, llm_doc_small_sample: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    # 30 files: more than learning's sample reads (``SMALL_SAMPLE``, 20, stands in for the
    # package's 200: the same spread over 30 files as over 300, at a tenth of the cost), so
    # only the package-wide count sees all six documented ``from_*`` classmethods, none
    # with Returns; the sample sees four, fewer than the five a convention needs.
    files = {f"c{i:02}.py": _config(i, i % 5 == 0) for i in range(30)}
    root = _project(tmp_path / "p", files)
    monkeypatch.setattr(learning, "SAMPLE_FILES", SMALL_SAMPLE)
    sampled = learning._sample(learning._project_files(root))
    assert sum(p.name in {f"c{i:02}.py" for i in range(0, 30, 5)} for p in sampled) \
        < RAISES_SEEN
    found = _findings(root, llm_doc_small_sample)
    assert not any(code == "LD321" for code, _ in found), sorted(found)[:5]
    assert "Returns" not in _generated(root, "c25.py", llm_doc_small_sample)


def test_from_classmethods_are_asked_for_returns_where_the_package_writes_them(
        tmp_path: Path, llm_doc: Run) -> None:
    files = {f"c{i}.py": _config(i, True).replace(
        "            name: The name.\n",
        "            name: The name.\n\n        Returns:\n            The configuration.\n")
        for i in range(5)}
    files["last.py"] = _config(9, True)
    root = _project(tmp_path / "p", files)
    assert ("LD321", "Config9.from_name_9: returns a value but the docstring has no Returns "
            "section") in _findings(root, llm_doc)


SESSION = '''"""Sessions."""


class Session:
    """A session."""

    def close(self) -> None:
        """Close the session."""
'''

SYNC = '''"""Clients."""

from pkg.session import Session


class Client:
    """A client."""

    def __init__(self) -> None:
        self.session = Session()

    def close(self) -> None:
        self.session.close()
'''

ASYNC = '''"""Async clients."""

from pkg.session import Session


class AsyncClient:
    """An async client."""

    def __init__(self) -> None:
        self.session = Session()

    async def close(self) -> None:
        """Close the client; called when it is used as a context manager."""
        self.session.close()
'''


def test_a_method_an_async_twin_documents_is_asked_though_it_hands_on(
        tmp_path: Path, llm_doc: Run) -> None:
    root = _project(tmp_path / "p", {"session.py": SESSION, "client.py": SYNC,
                                     "aclient.py": ASYNC})
    assert ("LD301", "Client.close: function has no docstring") in _findings(root, llm_doc)
    # Without the twin, handing on to the project's documented method needs none.
    (root / "pkg" / "aclient.py").unlink()
    assert not any(m.startswith("Client.close") for _, m in _findings(root, llm_doc))
