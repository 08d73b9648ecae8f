"""Facts that are the whole truth (issue 20), second round: a ``Raises`` condition is written
only when a reader of the API can check it, and an attribute with its own docstring is not
asked for again in the class's Attributes section.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from llm_doc_manager.analysis import class_facts, function_facts
from tests.conftest import Run
from tests.helpers import ast_without_docstrings


def _conditions(source: str) -> dict[str, str | None]:
    node = ast.parse(source).body[-1]
    assert isinstance(node, ast.FunctionDef)
    return {r.exception: r.condition for r in function_facts(node, None, source).raises}


def _method_conditions(source: str) -> dict[str, str | None]:
    cls = ast.parse(source).body[-1]
    assert isinstance(cls, ast.ClassDef)
    method = cls.body[-1]
    assert isinstance(method, ast.FunctionDef)
    return {r.exception: r.condition for r in function_facts(method, cls.name, source).raises}


def _attributes(source: str) -> list[str]:
    node = ast.parse(source).body[-1]
    assert isinstance(node, ast.ClassDef)
    return [a.name for a in class_facts(node).attributes]


# -- 1. if/elif/else: only a plain test, or one whose negation is exact -----------------------

@pytest.mark.parametrize("source", [
    # The optax case: ``not (variant == 'sps') and not (variant == 'sps+')``.
    "def f(variant):\n    if variant == 'sps':\n        return 1\n"
    "    elif variant == 'sps+':\n        return 2\n    else:\n        raise ValueError\n",
    # ``a < b`` is not ``not a >= b`` for NaN or arrays: no inverted comparison.
    "def f(a, b):\n    if a < b:\n        return a\n    else:\n        raise ValueError\n",
    "def f(a, b):\n    if a == b:\n        return a\n    raise_it = 1\n"
    "    if a:\n        pass\n    elif a != b:\n        pass\n    else:\n"
    "        raise ValueError\n",
    # ``not (a and b)`` written out is no better than the code.
    "def f(a, b):\n    if a and b:\n        return a\n    else:\n        raise ValueError\n",
    "def f(a, b):\n    if a or b:\n        pass\n    elif a is None:\n        raise ValueError\n",
])
def test_an_else_branch_gets_no_inexact_negation(source: str) -> None:
    assert _conditions(source) == {"ValueError": None}


def test_an_else_branch_with_an_exact_negation_gets_it() -> None:
    assert _conditions(
        "def f(x, y, z, w):\n    if x is None:\n        return 0\n    elif y in z:\n"
        "        return 1\n    elif not w:\n        return 2\n    else:\n"
        "        raise ValueError\n") == {"ValueError": "x is not None and y not in z and w"}
    assert _conditions(
        "def f(x):\n    if x is not None:\n        return x\n    else:\n"
        "        raise KeyError\n") == {"KeyError": "x is None"}
    assert _conditions(
        "def f(x, y):\n    if y not in x:\n        return 1\n    raise_it = 0\n"
        "    if x:\n        return 2\n    else:\n        raise KeyError\n") == {
            "KeyError": "not x"}
    # An elif under an exact negation: both parts shown, each as the source spells it.
    assert _conditions(
        "def f(opt, name):\n    if opt is None:\n        return 0\n"
        "    elif name  in  opt:\n        raise KeyError(name)\n") == {
            "KeyError": "opt is not None and name  in  opt"}
    # A plain ``if`` keeps its comparison as written.
    assert _conditions("def f(n):\n    if n < 1:\n        raise ValueError\n") == {
        "ValueError": "n < 1"}


# -- 2. only what a reader of the API can check -----------------------------------------------

@pytest.mark.parametrize("test", [
    "not _check_arrays_have_batch_dim(grads)",  # a private helper
    "grads is _SENTINEL",  # a private module constant
    "len(grads) > MAX_DIM",  # a public module constant: not the function's API either
    "not isinstance(grads, np.ndarray)",  # an imported module
    "grads is helper(grads)",  # a module-level function
    "self._strict and grads",  # a private attribute of self
    "self._check(grads)",  # a private method
    "grads._cache is None",  # a private attribute of a parameter
])
def test_a_condition_names_no_private_or_module_name(test: str) -> None:
    source = (f"class C:\n    def f(self, grads):\n        if {test}:\n"
              f"            raise ValueError\n")
    assert _method_conditions(source) == {"ValueError": None}


@pytest.mark.parametrize("test", [
    "self.strict and not grads",
    "not isinstance(grads, (list, tuple))",
    "len(grads) != self.config.size",
    "grads.shape[0] != 3",
    "any(g is None for g in grads)",
    "grads is None or grads == ''",
    "type(self).__name__ == 'C'",
])
def test_a_condition_may_name_parameters_public_attributes_and_builtins(test: str) -> None:
    source = (f"class C:\n    def f(self, grads):\n        if {test}:\n"
              f"            raise ValueError\n")
    assert _method_conditions(source) == {"ValueError": test}


def test_a_condition_names_no_local() -> None:
    assert _conditions("def f(a):\n    a_dim = len(a)\n    if a_dim != 3:\n"
                       "        raise ValueError\n") == {"ValueError": None}
    # A walrus binds a local in the test itself: not a fact the caller can check.
    assert _conditions("def f(a):\n    if (n := len(a)) > 3:\n        raise ValueError(n)\n"
                       ) == {"ValueError": None}


# -- 3. a parameter rebound before the raise no longer holds the caller's value ---------------

@pytest.mark.parametrize("rebind", [
    "path = path.strip()",
    "path += '/'",
    "path: str = str(path)",
    "for path in [path]:\n        pass",
    "with open(path) as path:\n        pass",
    "try:\n        pass\n    except OSError as path:\n        pass",
    "if (path := path.strip()):\n        pass",
    "import path",
    "del path\n    path = 1",
])
def test_a_parameter_rebound_before_the_raise_is_not_named(rebind: str) -> None:
    source = f"def f(path):\n    {rebind}\n    if not path:\n        raise ValueError\n"
    assert _conditions(source) == {"ValueError": None}, rebind


def test_a_parameter_rebound_after_the_raise_is_still_the_callers() -> None:
    assert _conditions("def f(path):\n    if not path:\n        raise ValueError\n"
                       "    path = path.strip()\n    return path\n") == {"ValueError": "not path"}
    assert _conditions("def f(path):\n    if not path:\n        raise ValueError\n"
                       "    if (path := path.strip()):\n        return path\n"
                       ) == {"ValueError": "not path"}
    # Another name rebound before does not matter; a nested def's own names are its own.
    assert _conditions("def f(path, n):\n    n = 2\n    def g(path):\n        path = 1\n"
                       "    if not path:\n        raise ValueError\n") == {"ValueError": "not path"}


def test_a_self_attribute_set_before_the_raise_is_not_the_callers() -> None:
    assert _method_conditions(
        "class C:\n    def f(self):\n        self.size = 3\n        if self.size > 2:\n"
        "            raise ValueError\n") == {"ValueError": None}
    assert _method_conditions(
        "class C:\n    def f(self):\n        if self.size > 2:\n            raise ValueError\n"
        "        self.size = 3\n") == {"ValueError": "self.size > 2"}


# -- 4. attributes documented by their own docstrings ----------------------------------------

def test_a_class_attribute_with_its_own_docstring_is_not_asked_for() -> None:
    source = ('class C:\n    x: int = 0\n    """What x is."""\n    y: int = 1\n'
              '    z = 2\n    """What z is."""\n    w: str\n\n    def m(self) -> None:\n'
              '        pass\n    "After a method: documents nothing."\n    v: int = 3\n')
    assert _attributes(source) == ["y", "w", "v"]
    # Fields stay fields (dataclass checks read them), and stay defined.
    facts = class_facts(ast.parse(source).body[0])  # type: ignore[arg-type]
    assert {"x", "y", "w"} <= facts.fields
    assert {"x", "y", "z", "w"} <= facts.defined


def test_a_self_attribute_with_its_own_docstring_is_not_asked_for() -> None:
    source = ('class C:\n    def __init__(self, full: bool, other: int) -> None:\n'
              '        self.full: bool = full\n        """Whether to dump full data."""\n'
              '        self.other = other\n        if other:\n            self.extra = 1\n'
              '            """Set only for others."""\n        self.count = 0\n'
              '        print("not a docstring of count")\n')
    assert _attributes(source) == ["other", "count"]


def test_an_attribute_documented_once_among_several_assignments_is_documented() -> None:
    source = ('class C:\n    def __init__(self) -> None:\n        self.x = 0\n'
              '        self.x = 1\n        """What x is."""\n')
    assert _attributes(source) == []


# -- end to end: validate and generate agree --------------------------------------------------

_ATTRS = '''"""Mod."""


class Encoder:
    """Encode things.

    Attributes:
        other: Documented here.
    """

    level: int = 0
    """How hard to try."""

    def __init__(self, full: bool = False, other: int = 0) -> None:
        """Make one.

        Args:
            full: Whether to dump full data.
            other: Another.
        """
        self.full: bool = full
        """Whether to dump full data."""
        self.other = other


class Bare:
    level: int = 0
    """How hard to try."""

    def __init__(self) -> None:
        """Make one."""
        self.full = True
        """Whether to dump full data."""
'''

_RAISES = '''"""Mod."""

import numpy as np

_MAX = 3


def _check(x):
    return x


def pick(variant):
    """Pick one.

    Args:
        variant: The variant.
    """
    if variant == "a":
        return 1
    elif variant == "b":
        return 2
    else:
        raise ValueError(variant)


def helper(grads):
    """Check grads.

    Args:
        grads: The grads.
    """
    if not _check(grads):
        raise TypeError(grads)
    if len(grads) > _MAX:
        raise KeyError(grads)
    if not isinstance(grads, np.ndarray):
        raise LookupError(grads)
    return grads


def local(a):
    """Use a local.

    Args:
        a: The a.
    """
    n = len(a)
    if n != 3:
        raise ValueError(n)
    return a


def rebound(path):
    """Rebind the parameter.

    Args:
        path: The path.
    """
    path = path.strip()
    if not path:
        raise ValueError(path)
    return path


def walrus(path):
    """Rebind it in a test.

    Args:
        path: The path.
    """
    if (path := path.strip()):
        pass
    if not path:
        raise ValueError(path)
    return path


def after(path):
    """Rebind it after the raise.

    Args:
        path: The path.
    """
    if not path:
        raise ValueError(path)
    path = path.strip()
    return path
'''


def test_validate_asks_for_no_self_documented_attribute(tmp_path: Path, llm_doc: Run) -> None:
    (tmp_path / "enc.py").write_text(_ATTRS)
    result = llm_doc("validate", "--all", "enc.py", "-q", "--no-cache")
    # Only Bare's missing docstring: no LD351 for ``level`` or ``full``.
    assert [line.split()[1] for line in result.stdout.splitlines()] == ["LD301"], result.stdout


def test_generate_adds_no_attributes_section_for_them(tmp_path: Path, llm_doc: Run) -> None:
    path = tmp_path / "enc.py"
    path.write_text(_ATTRS)
    result = llm_doc("generate", "--all", "--provider", "static", "--yes", "enc.py",
                     "--no-cache")
    assert result.returncode == 0, result.stderr
    after = path.read_text()
    assert 'class Bare:\n    """TODO: describe."""\n' in after, after
    assert after.count("Attributes:") == 1, after


def _no_learning(root: Path) -> None:
    """The tool's own conventions: a file whose docstrings list no raises would get none."""
    (root / "pyproject.toml").write_text('[tool.llm-doc]\nconventions = "default"\n')


def test_fix_writes_only_checkable_conditions(tmp_path: Path, llm_doc: Run) -> None:
    path = tmp_path / "r.py"
    path.write_text(_RAISES)
    _no_learning(tmp_path)
    result = llm_doc("validate", "--all", "--fix", "--yes", "r.py", "--no-cache")
    assert "Traceback" not in result.stderr
    assert "internal error" not in result.stderr
    after = path.read_text()
    assert ast_without_docstrings(after) == ast_without_docstrings(_RAISES)
    raises = [line.strip() for line in after.splitlines()
              if line.strip().split(":", 1)[0] in ("ValueError", "TypeError", "KeyError",
                                                    "LookupError")]
    assert raises == [
        "ValueError: TODO: describe.",  # pick: an else after two comparisons
        "TypeError: TODO: describe.",  # helper: a private helper
        "KeyError: TODO: describe.",  # a private constant
        "LookupError: TODO: describe.",  # an imported module
        "ValueError: TODO: describe.",  # local
        "ValueError: TODO: describe.",  # rebound
        "ValueError: TODO: describe.",  # walrus
        "ValueError: If ``not path``.",  # after
    ], after


def test_generate_writes_only_checkable_conditions(tmp_path: Path, llm_doc: Run) -> None:
    path = tmp_path / "r.py"
    path.write_text(_RAISES)
    _no_learning(tmp_path)
    result = llm_doc("generate", "--all", "--provider", "static", "--yes", "r.py",
                     "--no-cache")
    assert result.returncode == 0, result.stderr
    after = path.read_text()
    assert after.count(": If ``") == 1, after
    assert "ValueError: If ``not path``." in after
