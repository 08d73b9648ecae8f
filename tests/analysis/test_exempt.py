"""What needs no docstring: the one rule shared by ``generate --all`` and ``validate``.

Each case is checked on both sides: ``validate --all`` reports no LD301 for it and
``generate --all`` leaves it alone (the goldens in tests/generate/golden/exempt_* show the
exact bytes). Private modules need a real package tree, so they are tested here on disk.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from llm_doc_manager.analysis import iter_defs
from llm_doc_manager.analysis.nodes import private_module
from llm_doc_manager.config import load_settings
from llm_doc_manager.docstrings.exempt import Exemptions, Reason, Scope
from llm_doc_manager.generate.pipeline import FileChange, Options
from llm_doc_manager.validate import CheckOptions, check_source
from tests.helpers import run_file

GOLDEN = Path(__file__).parents[1] / "generate" / "golden"


def _reasons(text: str, path: Path | None = None, scope: Scope | None = None
             ) -> dict[str, Reason | None]:
    tree = ast.parse(text)
    rule = Exemptions(tree, text.splitlines(), path, scope or Scope())
    return {d.qualname: rule.definition(d) for d in iter_defs(tree)}


def _ld301(path: Path, text: str, scope: Scope | None = None) -> list[str]:
    found = check_source(path, text, CheckOptions(all_defs=True, scope=scope or Scope()))
    return [f.message.split(":")[0] for f in found if f.code == "LD301"]


def test_the_rule_names_each_exemption() -> None:
    text = (GOLDEN / "exempt_overload_stubs" / "input.py").read_text()
    reasons = _reasons(text)  # by name, the last definition (the implementation) wins
    assert reasons["scale"] is None
    assert reasons["Parser.parse"] is None
    tree = ast.parse(text)
    rule = Exemptions(tree, text.splitlines(), None, Scope())
    assert [rule.definition(d) for d in iter_defs(tree) if d.qualname == "scale"] == \
        [Reason.OVERLOAD, Reason.OVERLOAD, None]
    text = (GOLDEN / "exempt_accessors" / "input.py").read_text()
    tree = ast.parse(text)
    rule = Exemptions(tree, text.splitlines(), None, Scope())
    assert [rule.definition(d) for d in iter_defs(tree)] == [
        None, Reason.CONSTRUCTOR, None, Reason.ACCESSOR, Reason.ACCESSOR]
    nested = _reasons((GOLDEN / "exempt_nested" / "input.py").read_text())
    assert nested == {"sgd": None, "sgd.init_fn": Reason.NESTED,
                      "sgd.update_fn": Reason.NESTED}
    assert _reasons((GOLDEN / "exempt_nested" / "input.py").read_text(),
                    scope=Scope(nested=True))["sgd.init_fn"] is None
    init = _reasons((GOLDEN / "exempt_init_in_class" / "input.py").read_text())
    assert init["Documented.__init__"] is Reason.CONSTRUCTOR
    assert init["NoArguments.__init__"] is Reason.CONSTRUCTOR
    assert init["InInit.__init__"] is None
    assert init["Undocumented.__init__"] is None
    empty = _reasons((GOLDEN / "exempt_empty_on_purpose" / "input.py").read_text())
    assert empty == {"hidden": Reason.EMPTY, "above": Reason.EMPTY, "below": Reason.EMPTY,
                     "plain": None}
    private = _reasons("def _helper():\n    pass\n\n\nclass _C:\n    def run(self):\n"
                       "        pass\n")
    assert set(private.values()) == {Reason.PRIVATE}
    assert set(_reasons("def _helper():\n    pass\n", scope=Scope(private=True)).values()) \
        == {None}


def test_a_class_docstring_in_another_style_documents_the_constructor() -> None:
    numpy = ('class A:\n    """A thing.\n\n    Parameters\n    ----------\n    rate : float\n'
             '        The rate.\n    """\n\n    def __init__(self, rate):\n        self.r = rate\n')
    assert _reasons(numpy)["A.__init__"] is Reason.CONSTRUCTOR
    attributes = ('class A:\n    """A thing.\n\n    Attributes:\n        rate: The rate.\n    """\n'
                  '\n    def __init__(self, rate):\n        self.rate = rate\n')
    assert _reasons(attributes)["A.__init__"] is Reason.CONSTRUCTOR


@pytest.mark.parametrize("case", ["exempt_overload_stubs", "exempt_accessors",
                                  "exempt_init_in_class", "exempt_nested",
                                  "exempt_empty_on_purpose"])
def test_validate_does_not_ask_what_generate_leaves_alone(case: str) -> None:
    # The golden's output is what ``generate --all`` leaves: validate --all asks nothing more.
    output = (GOLDEN / case / "output.py").read_text()
    assert _ld301(Path("m.py"), output) == []


def test_validate_asked_for_them_before() -> None:
    # The attack, as validate saw it: overload stubs and setters were missing docstrings.
    text = (GOLDEN / "exempt_overload_stubs" / "input.py").read_text()
    missing = _ld301(Path("m.py"), text)
    assert missing == ["scale", "Parser.parse", "Parser.get"]  # the implementations only
    assert _ld301(Path("m.py"), (GOLDEN / "exempt_accessors" / "input.py").read_text()) == []


def test_opt_in_asks_for_nested_and_private() -> None:
    text = (GOLDEN / "exempt_nested" / "output.py").read_text()
    assert _ld301(Path("m.py"), text, Scope(nested=True)) == ["sgd.init_fn", "sgd.update_fn"]
    assert _ld301(Path("m.py"), '"""M."""\n\n\ndef _h():\n    pass\n', Scope(private=True)) \
        == ["_h"]


def _package(root: Path) -> Path:
    inner = root / "pkg" / "_internal"
    inner.mkdir(parents=True)
    (root / "pkg" / "__init__.py").write_text('"""Package."""\n')
    (inner / "__init__.py").write_text("")
    module = inner / "ops.py"
    module.write_text("def add(a, b):\n    return a + b\n")
    (root / "pkg" / "_private.py").write_text("def f():\n    pass\n")
    (root / "pkg" / "public.py").write_text("def f():\n    pass\n")
    return module


def test_private_modules_are_known_by_their_packages(tmp_path: Path) -> None:
    module = _package(tmp_path / "_home")  # a folder named _x above the package: not private
    pkg = module.parents[1]
    assert private_module(module)
    assert private_module(module.parent / "__init__.py")
    assert private_module(pkg / "_private.py")
    assert not private_module(pkg / "public.py")
    assert not private_module(pkg / "__init__.py")
    assert not private_module(None)


def test_a_private_module_is_opt_in(tmp_path: Path) -> None:
    module = _package(tmp_path)
    text = module.read_text()
    assert _ld301(module, text) == []
    assert _ld301(module, text, Scope(private=True)) == ["<module>", "add"]
    assert _ld301(module.parents[1] / "public.py", text) == ["<module>", "add"]
    left = run_file(module, None, Options(all_defs=True))
    assert isinstance(left, FileChange)
    assert left.new_text == text
    opted = run_file(module, None, Options(all_defs=True, scope=Scope(private=True)))
    assert isinstance(opted, FileChange)
    assert opted.new_text.startswith('"""TODO: describe."""')


def test_an_explicit_marker_wins(tmp_path: Path) -> None:
    text = ("def outer():\n    # @llm-doc-start\n    def inner(x):\n        return x\n"
            "    # @llm-doc-end\n    return inner\n")
    path = tmp_path / "_m.py"
    path.write_text(text)
    result = run_file(path, None, Options(all_defs=True))
    assert isinstance(result, FileChange)
    assert '        """TODO: describe.' in result.new_text  # inner got its docstring


def test_a_marked_stub_without_implementation_is_a_marker_problem(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_text("from typing import overload\n\n\n# @llm-doc-start\n@overload\n"
                    "def f(x: int) -> int: ...\n# @llm-doc-end\n")
    result = run_file(path, None, Options())
    assert not isinstance(result, FileChange)
    assert "@overload stub 'f'" in result.findings[0].message


def test_the_keys_reach_validate_through_the_configuration(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.llm-doc]\nall = true\nall-private = true\nall-nested = true\n")
    settings = load_settings(tmp_path, {}, {})
    assert (settings.all_private, settings.all_nested) == (True, True)
    (tmp_path / "m.py").write_text('"""M."""\n\n\ndef _h():\n    def inner():\n        pass\n')
    run = subprocess.run([sys.executable, "-m", "llm_doc_manager", "validate", "--no-cache",
                          "m.py"], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert run.returncode == 1, run.stderr
    assert "_h: function has no docstring" in run.stdout
    assert "_h.inner: function has no docstring" in run.stdout
    (tmp_path / "pyproject.toml").write_text("[tool.llm-doc]\nall = true\n")
    run = subprocess.run([sys.executable, "-m", "llm_doc_manager", "validate", "--no-cache",
                          "m.py"], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
