"""What needs a docstring: test code, magic methods, public names of private modules.

Each rule is checked on both sides of the one rule (``docstrings/exempt.py``): ``validate
--all`` asks (LD301) or not, ``generate --all`` writes a docstring or not. Paths matter
here (test folders, packages, ``__init__.py`` re-exports), so every case is a real tree on
disk; the attacks are real FIFOs, links and oversized files.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from llm_doc_manager.analysis.nodes import INIT_LIMIT, is_test_module, reexports
from llm_doc_manager.docstrings.exempt import Scope
from llm_doc_manager.generate.pipeline import FileChange, Options
from llm_doc_manager.validate import CheckOptions, check_source
from tests.helpers import run_file

TESTS = Scope(tests=True)


def _asked(path: Path, scope: Scope | None = None) -> set[str]:
    """The names LD301 asks a docstring for (``<module>`` for the module)."""
    found = check_source(path, path.read_text(), CheckOptions(all_defs=True,
                                                              scope=scope or Scope()))
    return {f.message.split(":")[0] if f.line > 1 or "module" not in f.message else "<module>"
            for f in found if f.code == "LD301"}


def _written(path: Path, scope: Scope | None = None) -> set[str]:
    """The names ``generate --all`` writes a new docstring for (the file is not written)."""
    result = run_file(path, None, Options(all_defs=True, scope=scope or Scope()))
    if not isinstance(result, FileChange):
        return set()
    return {r.qualname for r in result.regions if r.status.value == "generated"}


def _project(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    return root


TEST_CODE = ('def helper(x):\n    return x\n\n\nclass Fixture:\n    def make(self, n):\n'
             '        return n\n')


@pytest.mark.parametrize("relative", ["tests/helpers.py", "test/unit/util.py", "src/test_api.py",
                                      "src/api_test.py", "src/tests.py", "conftest.py",
                                      "pkg/tests/data/fixtures.py", "benchmarks/eval_shape.py",
                                      "pkg/benchmark/init.py"])
def test_a_test_module_needs_no_docstrings(tmp_path: Path, relative: str) -> None:
    path = _project(tmp_path / "proj") / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(TEST_CODE)
    assert is_test_module(path)
    assert _asked(path) == set()
    assert _written(path) == set()
    # all-tests turns them back on, the module docstring included.
    assert _asked(path, TESTS) == {"<module>", "helper", "Fixture", "Fixture.make"}
    assert _written(path, TESTS) == {"<module>", "helper", "Fixture", "Fixture.make"}


def test_only_folders_inside_the_project_make_test_code(tmp_path: Path) -> None:
    # A checkout that happens to live under a folder named ``test`` is not test code, nor
    # is a project whose own folder is named ``tests``.
    path = _project(tmp_path / "test" / "tests") / "lib" / "api.py"
    path.parent.mkdir()
    path.write_text(TEST_CODE)
    assert not is_test_module(path)
    assert _asked(path) == {"<module>", "helper", "Fixture", "Fixture.make"}
    for name in ("testing.py", "contest.py", "attest.py", "latest_test_data.py"):
        assert not is_test_module(path.with_name(name)), name


def test_tests_are_known_by_name_anywhere(tmp_path: Path) -> None:
    path = _project(tmp_path / "proj") / "lib.py"
    path.write_text('"""Lib."""\n\n\ndef test_add():\n    pass\n\n\ndef testAdd():\n    pass\n\n\n'
                    'def main():\n    pass\n\n\ndef attest(x):\n    return x\n\n\n'
                    'class TestAdd:\n    def setup(self):\n        pass\n\n\n'
                    'class AddTest:\n    pass\n\n\nclass AddTests:\n    pass\n\n\n'
                    'class Contest:\n    def run(self):\n        pass\n')
    # A test class's methods are test code too (``setup`` is a fixture).
    assert _asked(path) == {"main", "attest", "Contest", "Contest.run"}
    assert _written(path) == {"main", "attest", "Contest", "Contest.run"}
    everything = {"test_add", "testAdd", "main", "attest", "TestAdd", "TestAdd.setup", "AddTest",
                  "AddTests", "Contest", "Contest.run"}
    assert _asked(path, TESTS) == everything
    assert _written(path, TESTS) == everything


def test_an_existing_docstring_of_a_test_is_kept_in_line(tmp_path: Path) -> None:
    path = _project(tmp_path / "proj") / "tests" / "test_x.py"
    path.parent.mkdir()
    path.write_text('def test_scale(factor):\n    """Scale.\n\n    Args:\n        size: Gone.\n'
                    '    """\n    assert factor\n')
    result = run_file(path, None, Options(all_defs=True))
    assert isinstance(result, FileChange)
    assert "factor:" in result.new_text


MAGIC = ('"""Lazy names."""\n\n\ndef __getattr__(name):\n    raise AttributeError(name)\n\n\n'
         'def __dir__():\n    return []\n\n\nclass Point:\n    """A point."""\n\n'
         '    def __init__(self, x):\n        self.x = x\n\n    def __eq__(self, other):\n'
         '        return self.x == other.x\n\n    def __repr__(self):\n        return "P"\n')


def test_magic_methods_are_one_rule(tmp_path: Path) -> None:
    path = tmp_path / "lazy.py"
    path.write_text(MAGIC)
    assert _asked(path) == set()
    # Before, ``generate --all`` wrote ``__getattr__``, ``__dir__``, ``__eq__`` and
    # ``__repr__`` docstrings that ``validate`` never asked for. ``__init__`` keeps its
    # difference: generate writes it when the class docstring does not document the
    # constructor; validate never asks for it.
    assert _written(path) == {"Point.__init__"}


HTTPX = {
    "httpx/__init__.py": (
        "from ._api import *\nfrom ._auth import *\n"
        "from ._client import Client\n"
        "from ._models import Request as Request, Response as _Response\n"
        "from httpx._config import Timeout\n"
        "from ._transports import Transport\n"
        "__all__ = ['Client', 'Request', 'Listed']\n"),
    "httpx/_api.py": ("__all__ = ['get']\n\n\ndef get(url):\n    return url\n\n\n"
                      "def post(url):\n    return url\n"),
    "httpx/_auth.py": "def sign(url):\n    return url\n\n\ndef _send(url):\n    return url\n",
    "httpx/_client.py": ("class Client:\n    def send(self, request):\n        return request\n\n"
                         "    def _build(self):\n        pass\n\n\ndef helper():\n    pass\n"),
    "httpx/_models.py": ("class Request:\n    pass\n\n\nclass Response:\n    pass\n\n\n"
                         "class Listed:\n    pass\n"),
    "httpx/_config.py": "class Timeout:\n    pass\n\n\nclass Limits:\n    pass\n",
    "httpx/_transports/__init__.py": "from .base import Transport\nfrom ._inner import Inner\n",
    "httpx/_transports/base.py": "class Transport:\n    pass\n",
    "httpx/_transports/_inner.py": "class Inner:\n    pass\n",
    "httpx/_utils.py": "def helper():\n    pass\n",
}


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_names_re_exported_by_the_package_are_public(tmp_path: Path) -> None:
    root = _tree(_project(tmp_path / "proj"), HTTPX)
    pkg = root / "httpx"
    asked = {name: _asked(pkg / name) for name in ("_api.py", "_auth.py", "_client.py",
                                                   "_models.py", "_config.py", "_utils.py")}
    assert asked == {
        "_api.py": {"get"},  # a star import: what the module's __all__ lists
        "_auth.py": {"sign"},  # a star import without __all__: every public name
        "_client.py": {"Client", "Client.send"},  # its public methods too, not the module
        "_models.py": {"Request", "Listed"},  # ``as _Response`` keeps it inside
        "_config.py": {"Timeout"},  # an absolute import of the package's own module
        "_utils.py": set()}  # neither imported nor listed in ``__all__``
    # Through a private package that re-exports it to the public one.
    assert _asked(pkg / "_transports" / "base.py") == {"Transport"}
    assert _asked(pkg / "_transports" / "_inner.py") == set()  # only a private package has it
    assert _written(pkg / "_client.py") == {"Client", "Client.send"}
    assert _written(pkg / "_models.py") == {"Request", "Listed"}
    # all-private asks for everything, as before.
    assert "Response" in _asked(pkg / "_models.py", Scope(private=True))


def test_a_name_listed_in_all_but_imported_from_elsewhere_stays_private(tmp_path: Path) -> None:
    root = _tree(_project(tmp_path / "proj"), {
        "pkg/__init__.py": "from ._a import Thing\n__all__ = ['Thing']\n",
        "pkg/_a.py": "class Thing:\n    pass\n",
        "pkg/_b.py": "class Thing:\n    pass\n"})
    assert _asked(root / "pkg" / "_a.py") == {"Thing"}
    assert _asked(root / "pkg" / "_b.py") == set()


def _cli(args: list[str], cwd: Path, cache: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LLM_DOC_CACHE_DIR": str(cache or cwd / ".cache")}
    return subprocess.run([sys.executable, "-m", "llm_doc_manager", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, check=False, timeout=600)


def test_the_result_cache_follows_the_re_exports(tmp_path: Path) -> None:
    root = _tree(_project(tmp_path / "proj"), {
        "pkg/__init__.py": '"""P."""\n\nfrom ._a import Thing\n',
        "pkg/_a.py": "class Thing:\n    pass\n"})
    cache = tmp_path / "cache"
    first = _cli(["validate", "--all", "pkg"], root, cache)
    assert "Thing: class has no docstring" in first.stdout, first.stdout + first.stderr
    # The module's bytes are the same; only the package's __init__.py changed.
    (root / "pkg" / "__init__.py").write_text('"""P."""\n\nfrom ._a import Thing as _Thing\n')
    second = _cli(["validate", "--all", "pkg"], root, cache)
    assert second.returncode == 0, second.stdout + second.stderr
    # Moved into a tests folder: the same bytes, another answer.
    tests = _tree(root, {"tests/test_a.py": "def check():\n    pass\n",
                         "lib/check.py": "def check():\n    pass\n"})
    run = _cli(["validate", "--all", "tests", "lib"], tests, cache)
    assert "lib/check.py" in run.stdout, run.stdout
    assert "tests/test_a.py" not in run.stdout, run.stdout


def test_hostile_init_files_re_export_nothing(tmp_path: Path) -> None:
    """Attack: ``__init__.py`` files that are huge, unparsable, FIFOs, links out or loops."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "init.py").write_text("from ._m import Secret\n")
    root = _tree(_project(tmp_path / "proj"), {
        "good/__init__.py": "from ._m import Shown\n",
        "good/_m.py": "class Shown:\n    pass\n",
        # Over the limit: the import at the top is never read.
        "huge/__init__.py": "from ._m import Big\n" + "#" * (INIT_LIMIT + 10) + "\n",
        "huge/_m.py": "class Big:\n    pass\n",
        "broken/__init__.py": "from ._m import Broken\ndef (:\n",
        "nulls/__init__.py": "from ._m import Nul\n\0\n",
        "deep/__init__.py": "from ._m import Deep\nx = " + "(" * 100_000 + ")" * 100_000 + "\n",
        "deep/_m.py": "class Deep:\n    pass\n",
        "linked/_m.py": "class Secret:\n    pass\n",
        "inside/_m.py": "class Inner:\n    pass\n",
        "inside/real_init.py": "from ._m import Inner\n",
        "fifo/_m.py": "class Piped:\n    pass\n",
        "loop/_m.py": "class Looped:\n    pass\n"})
    for name in ("broken", "nulls"):
        (root / name / "_m.py").write_text(f"class {name.title()}:\n    pass\n")
    (root / "linked" / "__init__.py").symlink_to(outside / "init.py")
    (root / "inside" / "__init__.py").symlink_to(root / "inside" / "real_init.py")
    os.mkfifo(root / "fifo" / "__init__.py")
    (root / "loop" / "__init__.py").symlink_to(root / "loop" / "__init__.py")
    assert reexports(root / "good" / "_m.py") == {"Shown"}
    assert reexports(root / "inside" / "_m.py") == {"Inner"}  # a link inside the tree
    for name in ("huge", "broken", "nulls", "deep", "linked", "fifo", "loop"):
        assert reexports(root / name / "_m.py") == frozenset(), name
    # The whole run, as a user would start it: no hang on the FIFO, no traceback.
    run = _cli(["validate", "--all", "--no-cache", "--select", "LD301", "good", "huge", "broken",
                "nulls", "deep", "linked", "inside", "fifo", "loop"], root)
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr, run.stderr
    assert "internal error" not in run.stderr, run.stderr
    assert "Shown: class has no docstring" in run.stdout
    assert "Inner: class has no docstring" in run.stdout
    for hidden in ("Big", "Broken", "Nul", "Deep", "Secret", "Piped", "Looped"):
        assert f"{hidden}: class" not in run.stdout, run.stdout


def test_the_all_tests_key_reaches_both_commands(tmp_path: Path) -> None:
    root = _tree(_project(tmp_path / "proj"), {"tests/test_a.py": "def test_a():\n    pass\n"})
    assert _cli(["validate", "--all", "--no-cache", "tests"], root).returncode == 0
    with (root / "pyproject.toml").open("a") as handle:
        handle.write("\n[tool.llm-doc]\nall-tests = true\n")
    run = _cli(["validate", "--all", "--no-cache", "tests"], root)
    assert "test_a: function has no docstring" in run.stdout, run.stdout + run.stderr
    run = _cli(["generate", "--all", "--diff", "tests"], root)
    assert '+    """TODO: describe."""' in run.stdout, run.stdout + run.stderr


@pytest.mark.parametrize("text", ["", "\n", "# Copyright 2026 The Authors.\n# SPDX: MIT\n"])
def test_a_file_with_no_code_is_asked_no_module_docstring(tmp_path: Path, text: str) -> None:
    # huggingface_hub's empty ``inference/__init__.py`` was asked a module docstring.
    path = _project(tmp_path / "proj") / "pkg" / "__init__.py"
    path.parent.mkdir(parents=True)
    path.write_text(text)
    assert _asked(path) == set()
    assert _written(path) == set()
    # One statement is code: the module is asked as before.
    path.write_text(text + "VERSION = 1\n")
    assert _asked(path) == {"<module>"}
