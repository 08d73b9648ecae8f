"""NumPy-style docstrings as real scientific projects write them (shapes from pydata/xarray's
``xarray/core``), checked by ``validate``: what a reviewer of that project calls right is not
reported (issue 21, proof on real NumPy-style projects)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from llm_doc_manager.validate.checks import CheckOptions, check_source
from tests.conftest import Run
from tests.helpers import ast_without_docstrings


def _findings(text: str) -> list[str]:
    return [f"{f.code} {f.message}" for f in check_source(
        Path("m.py"), text, CheckOptions(all_defs=True, width=99))]


def test_lowercase_callable_documents_a_callable_annotation() -> None:
    # numpydoc's own examples write ``func : callable``; xarray's reduce/map do, annotated
    # ``Callable[..., Any]`` or ``Callable[[], None] | None``: the same type.
    text = '''"""M."""

from collections.abc import Callable
from typing import Any


def reduce(func: Callable[..., Any], close: Callable[[], None] | None = None) -> int:
    """Reduce.

    Parameters
    ----------
    func : callable
        Function to apply.
    close : callable, optional
        Called at the end.

    Returns
    -------
    int
        The result.
    """
    return func(close)
'''
    assert not [f for f in _findings(text) if f.startswith("LD314")]


def test_a_literal_value_documents_its_literal_annotation() -> None:
    # xarray's groupby: ``squeeze : False`` for ``squeeze: Literal[False]`` (a deprecated
    # argument whose only value is False) is the annotation's one value, not another type.
    text = '''"""M."""

from typing import Literal


def groupby(squeeze: Literal[False] = False, eager: Literal[False] | None = None,
            mode: Literal["r", "w"] = "r") -> int:
    """Group.

    Parameters
    ----------
    squeeze : False
        This argument is deprecated.
    eager: False, optional
        This argument is deprecated.
    mode : "r"
        Only read is documented.

    Returns
    -------
    int
        The result.
    """
    return 1
'''
    assert not [f for f in _findings(text) if f.startswith("LD314")]


def test_a_literal_value_outside_the_annotation_is_still_drift() -> None:
    text = '''"""M."""

from typing import Literal


def groupby(squeeze: Literal[True] = True, flag: int = 0) -> int:
    """Group.

    Parameters
    ----------
    squeeze : False
        Deprecated.
    flag : str
        A flag.

    Returns
    -------
    int
        The result.
    """
    return 1
'''
    found = [f for f in _findings(text) if f.startswith("LD314")]
    assert len(found) == 2, found


def test_a_backslash_continued_type_line_still_checks_the_docstring() -> None:
    # xarray's interpolate_na/integrate/pad continue a long ``{...}`` type with a
    # backslash at the end of the line: the value has one line less than the source, yet
    # its sections are plain. 21 of xarray/core's 1,201 docstrings were not checked at all.
    text = '''"""M."""


def interpolate(kind: str = "linear", limit: int = 0, **kwargs: int) -> int:
    """Interpolate.

    Parameters
    ----------
    limit : int
        The limit.
    kind : {"linear", "nearest", \\
            "cubic"}, default: "linear"
        The method.

    Returns
    -------
    int
        The result.
    """
    return limit + len(kwargs)
'''
    found = _findings(text)
    codes = sorted(f.split()[0] for f in found)
    assert codes == ["LD311", "LD313"], found  # **kwargs undocumented; kind/limit order
    assert not [f for f in found if f.startswith("LD314")]


def test_findings_after_a_continuation_point_at_the_source_line() -> None:
    text = '''"""M."""


def pad(mode: str = "constant", width: int = 0) -> int:
    """Pad.

    Parameters
    ----------
    mode : {"constant", "edge", \\
            "wrap"}, default: "constant"
        How to pad.
    order : int
        Gone from the signature.

    Returns
    -------
    int
        The result.
    """
    return width
'''
    found = check_source(Path("m.py"), text, CheckOptions(all_defs=True, width=99))
    # ``width`` is missing (said at the opening quotes); ``order`` is on source line 12.
    assert sorted((f.code, f.line) for f in found) == [("LD311", 5), ("LD312", 12)], found


CONTINUED = '''"""M."""


def pad(mode: str = "constant", width: int = 0) -> int:
    """Pad.

    Parameters
    ----------
    mode : {"constant", "edge", \\
            "wrap"}, default: "constant"
        How to pad.
    order : int
        Gone from the signature.

    Returns
    -------
    int
        The result.
    """
    return width
'''


@pytest.mark.parametrize("command", [("validate", "--all", "--fix", "--yes"),
                                     ("generate", "--all", "--yes", "--provider", "static")])
def test_an_update_keeps_a_backslash_continued_line_as_it_is(
        tmp_path: Path, llm_doc: Run, command: tuple[str, ...]) -> None:
    # The rename is a line edit; the continued type line is kept byte for byte (it was
    # written anew as one joined line: the literal could not be edited by lines).
    path = tmp_path / "m.py"
    path.write_text(CONTINUED)
    done = llm_doc(*command, "m.py")
    assert done.returncode == 0, done.stderr
    after = path.read_text()
    assert after == CONTINUED.replace("    order : int\n", "    width : int\n"), after
    assert ast_without_docstrings(after) == ast_without_docstrings(CONTINUED)
    assert ast.get_docstring(ast.parse(after).body[1]) is not None
    again = llm_doc(*command, "m.py")
    assert again.returncode == 0, again.stderr
    assert path.read_text() == after


def test_a_malformed_numpy_entry_is_named_in_numpy_terms() -> None:
    # xarray's reorder_levels: ``dim_order dict-like of Hashable to int or Hashable:
    # optional`` lacks the `` : ``. The finding names the docstring's own section and form,
    # not Google's ``Args`` and ``name (type): description``.
    text = '''"""M."""


def reorder_levels(dim_order: dict | None = None) -> int:
    """Rearrange index levels.

    Parameters
    ----------
    dim_order dict-like of Hashable to int or Hashable: optional
        Mapping from names to new level orders.

    Returns
    -------
    int
        The result.
    """
    return len(dim_order or {})
'''
    found = [f for f in _findings(text) if f.startswith("LD365")]
    assert found == ["LD365 reorder_levels: 'dim_order dict-like of Hashable to int o' in "
                     "section 'Parameters' is not a 'name : type' entry"], found


def test_ndarray_is_a_well_known_type() -> None:
    # ``ndarray`` is the commonest type of scientific docstrings (skimage's filters):
    # documented for an annotation that names another well-known class, it is drift; for
    # numpy's own array annotations it agrees (or cannot be told apart).
    text = '''"""M."""

from typing import Any

import numpy as np
import numpy.typing as npt


def laplace(image: np.ndarray, ksize: int = 3) -> float:
    """Find the edges of an image.

    Parameters
    ----------
    image : ndarray
        Image to process.
    ksize : int
        Kernel size.

    Returns
    -------
    output : ndarray
        The Laplace edge map.
    """
    return float(image.sum() + ksize)


def sobel(image: npt.NDArray[np.float64]) -> np.ndarray[Any, np.dtype[np.uint8]]:
    """Find the edges of an image.

    Parameters
    ----------
    image : ndarray
        Image to process.

    Returns
    -------
    output : ndarray
        The Sobel edge map.
    """
    return image.astype(np.uint8)
'''
    found = [f for f in _findings(text) if f.startswith(("LD314", "LD323"))]
    assert found == ["LD323 laplace: Returns says ndarray but the annotation is float"], found


def test_numpydoc_array_prose_reads_as_ndarray() -> None:
    # skimage: ``out : ndarray of shape (M, N) and dtype int``, ``(N,) ndarray``: an
    # ndarray whatever its shape and dtype; prose about anything else stays unread.
    text = '''"""M."""


def gradient(image: bytes, shape: list[int]) -> str:
    """Local gradient.

    Parameters
    ----------
    image : (M, N) ndarray
        Input image.
    shape : list of int
        Shape.

    Returns
    -------
    out : ndarray of shape (M, N) and dtype int
        Output image.
    """
    return str(image) + str(shape)
'''
    found = sorted(f.split(":")[0] for f in _findings(text)
                   if f.startswith(("LD314", "LD323")))
    assert found == ["LD314 gradient", "LD323 gradient"], found
