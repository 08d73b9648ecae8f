"""What needs no docstring, learned over a package: families across files, vendored files.

Each test is a false LD301 finding of a real project (peft, huggingface_hub) rebuilt as a
small project on disk, and checked on both sides of the one rule: ``validate --all`` does
not ask (LD301) and ``generate --all`` writes nothing there; next to it a case that is
still asked, so that the rule hides no true finding.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

from tests.conftest import Run
from tests.helpers import package_project as _project


def _asked(root: Path, llm_doc: Run) -> set[str]:
    """What ``validate --all`` asks a docstring of (LD301), as ``file:name``."""
    done = llm_doc("validate", "--all", "--no-cache", "--select", "LD301", "--format", "json",
                   "pkg", cwd=root)
    assert done.returncode in (0, 1), done.stderr
    return {f"{Path(f['path']).relative_to('pkg')}:{f['message'].split(':')[0]}"
            for f in json.loads(done.stdout)}


def _written(root: Path, llm_doc: Run) -> set[str]:
    """What ``generate --all`` writes a new docstring for, as ``file:name``."""
    before = {p: p.read_text() for p in (root / "pkg").rglob("*.py")}
    # --no-cache: a file known clean is skipped by its content alone, and what these rules
    # learn comes from the other files.
    done = llm_doc("generate", "--all", "--provider", "static", "--yes", "--no-cache", "pkg",
                   cwd=root)
    assert done.returncode == 0, done.stderr
    found: set[str] = set()
    for path, text in before.items():
        old = ast.parse(text)
        new = ast.parse(path.read_text())
        rel = path.relative_to(root / "pkg")
        if ast.get_docstring(new) is not None and ast.get_docstring(old) is None:
            found.add(f"{rel}:<module>")
        had = {n.name for n in ast.walk(old) if isinstance(n, (ast.FunctionDef, ast.ClassDef))
               and ast.get_docstring(n) is not None}
        found.update(f"{rel}:{n.name}" for n in ast.walk(new)
                     if isinstance(n, (ast.FunctionDef, ast.ClassDef))
                     and ast.get_docstring(n) is not None and n.name not in had)
        path.write_text(text)  # the next run starts from the same files
    return found


def _dispatch(word: str, documented: bool) -> str:
    doc = f'    """Dispatch {word}."""\n' if documented else ""
    return (f'"""Tuner {word}."""\n\n\ndef dispatch_{word}(target: object) -> object:\n{doc}'
            f"    return target\n\n\ndef helper_{word}(x: int) -> int:\n"
            f'    """Help."""\n    return x\n')


TUNERS = ["lora", "ia3", "loha", "lokr", "oft", "boft"]


def test_a_function_family_of_the_package_is_not_asked(tmp_path: Path, llm_doc: Run) -> None:
    # peft: ``dispatch_*`` in one file per tuner, 1 of 29 documented. Counted per file, each
    # family has one member; counted over the package, 1 of 6 is under a quarter.
    root = _project(tmp_path, {f"{t}/layer.py": _dispatch(t, t == "lora") for t in TUNERS}
                    | {f"{t}/__init__.py": '"""Tuner."""\n' for t in TUNERS})
    assert _asked(root, llm_doc) == set()
    assert _written(root, llm_doc) == set()


def test_a_function_family_a_quarter_documented_is_asked(tmp_path: Path,
                                                         llm_doc: Run) -> None:
    root = _project(tmp_path, {f"{t}/layer.py": _dispatch(t, t in ("lora", "ia3"))
                               for t in TUNERS}
                    | {f"{t}/__init__.py": '"""Tuner."""\n' for t in TUNERS})
    gaps = {f"{t}/layer.py:dispatch_{t}" for t in TUNERS[2:]}
    assert _asked(root, llm_doc) == gaps
    assert _written(root, llm_doc) == gaps


FUNCTIONS_A = '''"""Autograd functions."""

import torch


class HadaWeight(torch.autograd.Function):
    """The Hadamard product's weight."""

    @staticmethod
    def forward(ctx, w1):
        return w1


class HadaWeightCP(torch.autograd.Function):
    @staticmethod
    def forward(ctx, w1):
        return w1


class KronWeight(torch.autograd.Function):
    @staticmethod
    def forward(ctx, w1):
        return w1
'''

FUNCTIONS_B = '''"""More autograd functions."""

from torch.autograd import Function


class Scale(Function):
    @staticmethod
    def forward(ctx, w1):
        return w1


class Shift(Function):
    @staticmethod
    def forward(ctx, w1):
        return w1


class Layer:
    def run(self) -> None:
        """Run."""
'''


def test_subclasses_of_one_library_base_are_a_family(tmp_path: Path, llm_doc: Run) -> None:
    # peft's ``HadaWeightCP`` and kin: subclasses of ``torch.autograd.Function`` however
    # imported, 1 of 5 documented. ``Layer`` (no base) is still asked.
    root = _project(tmp_path, {"a.py": FUNCTIONS_A, "b.py": FUNCTIONS_B})
    assert _asked(root, llm_doc) == {"b.py:Layer"}
    assert _written(root, llm_doc) == {"b.py:Layer"}


ERRORS = '''"""Errors."""


class TextGenerationError(Exception):
    """Generic error raised if text-generation went wrong."""


class ValidationError(TextGenerationError):
    pass


class GenerationError(TextGenerationError):
    pass


class OverloadedError(TextGenerationError):
    pass


class IncompleteGenerationError(TextGenerationError):
    pass
'''

UNKNOWN = '''"""More errors."""

from .errors import TextGenerationError


class UnknownError(TextGenerationError):
    pass
'''


def test_empty_exception_subclasses_of_a_project_base_are_a_family(tmp_path: Path,
                                                                   llm_doc: Run) -> None:
    # huggingface_hub's errors.py: ``class OverloadedError(TextGenerationError): pass``; a
    # reviewer rejects ``"""TODO: describe."""`` written into each. The base, in another
    # file, is found through the relative import.
    root = _project(tmp_path, {"errors.py": ERRORS, "more.py": UNKNOWN})
    assert _asked(root, llm_doc) == set()
    assert _written(root, llm_doc) == set()
    # Four of them are no family: each is asked (pydocstyle's D101).
    (root / "pkg" / "more.py").unlink()
    asked = {"errors.py:ValidationError", "errors.py:GenerationError",
             "errors.py:OverloadedError", "errors.py:IncompleteGenerationError"}
    assert _asked(root, llm_doc) == asked
    assert _written(root, llm_doc) == asked


def _converter(name: str, documented: bool) -> str:
    doc = '        """Convert."""\n' if documented else ""
    return (f'"""Ops."""\n\nfrom transformers.core import ConversionOps\n\n\n'
            f'class {name}(ConversionOps):\n    """{name}."""\n\n'
            f"    def convert(self, value: int) -> int:\n{doc}        return value\n")


def test_a_library_method_the_package_never_documents_is_not_asked(tmp_path: Path,
                                                                   llm_doc: Run) -> None:
    # peft's ``FlattenDims.convert`` overrides transformers' ``ConversionOps.convert``; the
    # package defines ``convert`` 3 times and documents it nowhere (``forward``'s rule
    # needs 5 definitions).
    root = _project(tmp_path, {"a.py": _converter("FlattenDims", False),
                               "b.py": _converter("PermuteDims", False)})
    assert _asked(root, llm_doc) == set()
    assert _written(root, llm_doc) == set()
    # Documented once: the package's practice is to document it, the other is asked.
    (root / "pkg" / "b.py").write_text(_converter("PermuteDims", True))
    assert _asked(root, llm_doc) == {"a.py:FlattenDims.convert"}


VENDORED = '''# Copyright 2021 Moritz Wolter
#
# This file contains code derived from PyTorch-Wavelet-Toolbox:
# https://github.com/v0lta/PyTorch-Wavelet-Toolbox

import math


def waverec2d(coeffs: list[float]) -> float:
    return math.fsum(coeffs)


def from_wavelet(name: str) -> str:
    return name


class Wavelet:
    def filter_bank(self) -> tuple[int, ...]:
        return ()
'''


def test_a_vendored_file_is_not_asked(tmp_path: Path, llm_doc: Run) -> None:
    # peft's ``waveft/waverec2d.py``: 0 of 28 documented, its header naming its origin.
    root = _project(tmp_path, {"waverec2d.py": VENDORED})
    assert _asked(root, llm_doc) == set()
    assert _written(root, llm_doc) == set()
    # Without the header the same code is the project's own: every definition is asked.
    (root / "pkg" / "waverec2d.py").write_text(VENDORED.split("\n\n", 1)[1])
    asked = {"waverec2d.py:<module>", "waverec2d.py:waverec2d", "waverec2d.py:from_wavelet",
             "waverec2d.py:Wavelet", "waverec2d.py:Wavelet.filter_bank"}
    assert _asked(root, llm_doc) == asked
    # A file the project documents (a quarter or more) is asked whatever its header says.
    documented = VENDORED.replace("    return math", '    """Reconstruct."""\n    return math')
    (root / "pkg" / "waverec2d.py").write_text(documented)
    assert _asked(root, llm_doc) == {"waverec2d.py:<module>", "waverec2d.py:from_wavelet",
                                     "waverec2d.py:Wavelet", "waverec2d.py:Wavelet.filter_bank"}


def test_a_derived_class_in_a_header_is_no_origin(tmp_path: Path, llm_doc: Run) -> None:
    # "derived from the base class" names no outside project: not vendored.
    text = '"""Layers derived from the base class of this package."""\n\n\n' \
        'def build(x: int) -> int:\n    return x\n'
    root = _project(tmp_path, {"layers.py": text})
    assert _asked(root, llm_doc) == {"layers.py:build"}


def test_package_inits_the_package_leaves_undocumented(tmp_path: Path, llm_doc: Run) -> None:
    # huggingface_hub documents 1 of 8 packages' ``__init__.py``; an ``__init__.py`` of
    # comments only (``inference/__init__.py``) is no code at all.
    inits = {f"{name}/__init__.py": f"from .core import {name}\n"
             for name in ("utils", "cli", "hub", "serialization", "inference")}
    cores = {f"{name}/core.py": f'"""Core."""\n\n{name} = 1\n'
             for name in ("utils", "cli", "hub", "serialization", "inference", "empty")}
    root = _project(tmp_path, inits | cores | {"empty/__init__.py": "# Licence.\n\n# More.\n"})
    assert _asked(root, llm_doc) == set()
    assert _written(root, llm_doc) == set()
    # Two of the five documented: the package documents them, the others are asked.
    for name in ("utils", "cli"):
        (root / "pkg" / name / "__init__.py").write_text(f'"""{name}."""\n\nfrom .core import'
                                                         f" {name}\n")
    assert _asked(root, llm_doc) == {f"{n}/__init__.py:<module>"
                                     for n in ("hub", "serialization", "inference")}


CLI = '''"""The command line."""

import typer

app = typer.Typer(help="Hugging Face Hub CLI")


@app.group_callback(invoke_without_command=True)
def app_callback(verbose: bool = False) -> None:
    pass


@app.group_callback()
def other_callback(verbose: bool = False) -> None:
    print(verbose)
'''


def test_an_empty_cli_callback_is_not_asked(tmp_path: Path, llm_doc: Run) -> None:
    # huggingface_hub's ``hf`` ``app_callback`` (its own framework's ``group_callback``): a
    # docstring would replace the group's ``help=`` text. A callback that does something
    # is asked as ever.
    root = _project(tmp_path, {"cli.py": CLI})
    assert _asked(root, llm_doc) == {"cli.py:other_callback"}
    assert _written(root, llm_doc) == {"cli.py:other_callback"}


def test_a_method_few_subclasses_of_a_library_base_share_is_asked(tmp_path: Path,
                                                                  llm_doc: Run) -> None:
    # peft's ``PeftModel.peft_config``: two of many ``nn.Module`` subclasses define it,
    # none documented. It is not the library's interface: still asked.
    modules = "".join(
        f'class M{i}(nn.Module):\n    """M{i}."""\n\n'
        + ("    @property\n    def peft_config(self) -> dict:\n        return {}\n\n"
           if i < 2 else "    size = 1\n\n") + "\n" for i in range(5))
    root = _project(tmp_path, {"models.py": '"""Models."""\n\nfrom torch import nn\n\n\n'
                               + modules})
    assert _asked(root, llm_doc) == {"models.py:M0.peft_config", "models.py:M1.peft_config"}
