"""The gate's rules left open in issue 24, each written as the attack it stops.

1. A documented exception the function's own handler catches: the body calls something,
   but only inside a ``try`` whose handler catches the exception and does not pass it on.
   ``validate`` (LD342) and the gate judged nothing where the body called anything.
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

from llm_doc_manager.analysis import function_facts
from llm_doc_manager.docstrings import MethodDocstring, RaisesDoc
from llm_doc_manager.docstrings.truth import gate, never_raised
from llm_doc_manager.validate.checks import CheckOptions, check_source


def _function(source: str) -> ast.FunctionDef:
    node = ast.parse(textwrap.dedent(source)).body[-1]
    assert isinstance(node, ast.FunctionDef)
    return node


# -- 1. an exception the function's own handler catches ------------------------------------

# (function, documented exceptions, those it cannot let out)
CAUGHT = [
    # The call may raise ValueError, but the handler takes it and does not pass it on; a
    # TypeError of int() is not caught: it may leave.
    ("def f(s):\n    try:\n        n = int(s)\n    except ValueError:\n        return None\n"
     "    return n\n", ["ValueError", "TypeError"], ["ValueError"]),
    # ``except Exception`` takes a project's exception too (it derives from Exception).
    ("def f(s):\n    try:\n        return load(s)\n    except Exception:\n        return None\n",
     ["BadInput", "KeyboardInterrupt"], ["BadInput"]),
    # The raise and the call are both inside the try.
    ("def f(s):\n    try:\n        if not s:\n            raise ValueError(s)\n"
     "        return parse(s)\n    except ValueError:\n        return 0\n",
     ["ValueError"], ["ValueError"]),
    # A subscript inside a try catching KeyError cannot let KeyError out.
    ("def f(d):\n    try:\n        return d['k']\n    except KeyError:\n        return None\n",
     ["KeyError"], ["KeyError"]),
    # Through nested tries: the inner handler passes it on, the outer one takes it.
    ("def f(s):\n    try:\n        try:\n            return g(s)\n        except ValueError:\n"
     "            log(s)\n            raise\n    except ValueError:\n        return None\n",
     ["ValueError"], ["ValueError"]),
]

# Where the exception may leave: nothing is judged.
LEAVES = [
    # A call outside the try may raise anything.
    ("def f(s):\n    try:\n        n = int(s)\n    except ValueError:\n        n = 0\n"
     "    return helper(n)\n", ["ValueError"]),
    # The handler passes it on: bare raise, or by its name.
    ("def f(s):\n    try:\n        return int(s)\n    except ValueError:\n        log(s)\n"
     "        raise\n", ["ValueError"]),
    ("def f(s):\n    try:\n        return int(s)\n    except ValueError as error:\n"
     "        raise error\n", ["ValueError"]),
    # A call in the handler, the else or the finally is outside the try's protection.
    ("def f(s):\n    try:\n        n = int(s)\n    except ValueError:\n        n = fallback(s)\n"
     "    return n\n", ["ValueError"]),
    ("def f(s):\n    try:\n        n = int(s)\n    except ValueError:\n        return 0\n"
     "    else:\n        return g(n)\n", ["ValueError"]),
    ("def f(s):\n    try:\n        return int(s)\n    except ValueError:\n        return 0\n"
     "    finally:\n        close(s)\n", ["ValueError"]),
    # The handler catches a narrower class: the rest of ValueError may leave.
    ("def f(s):\n    try:\n        return int(s)\n    except UnicodeError:\n        return 0\n",
     ["ValueError"]),
    # An await outside the try.
    ("async def f(s):\n    try:\n        n = int(s)\n    except ValueError:\n        n = 0\n"
     "    return await g(n)\n", ["ValueError"]),
    # A raise statement of a class the code cannot name may raise it.
    ("def f(error):\n    if error:\n        raise error\n    return 1\n", ["ValueError"]),
    # A caught raise passed on by name leaves the function.
    ("def f(s):\n    try:\n        raise ValueError(s)\n    except ValueError as error:\n"
     "        raise error\n", ["ValueError"]),
]


def _node(source: str) -> ast.FunctionDef | ast.AsyncFunctionDef:
    node = ast.parse(source).body[-1]
    assert isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    return node


@pytest.mark.parametrize(("source", "documented", "invented"), CAUGHT)
def test_an_exception_its_own_handler_catches_is_never_raised(
        source: str, documented: list[str], invented: list[str]) -> None:
    node = _node(source)
    assert never_raised(node, function_facts(node, None), documented) == invented


@pytest.mark.parametrize(("source", "documented"), LEAVES)
def test_an_exception_that_may_leave_is_not_judged(source: str, documented: list[str]) -> None:
    node = _node(source)
    assert never_raised(node, function_facts(node, None), documented) == []


def _documented(source: str, documented: list[str]) -> str:
    entries = "".join(f"        {name}: When it does.\n" for name in documented)
    header, body = source.split("\n", 1)
    return f'{header}\n    """Do it.\n\n    Raises:\n{entries}    """\n{body}'


@pytest.mark.parametrize(("source", "documented", "invented"), CAUGHT)
def test_validate_reports_a_caught_exception_as_never_raised(
        tmp_path: Path, source: str, documented: list[str], invented: list[str]) -> None:
    found = check_source(tmp_path / "m.py", _documented(source, documented),
                         CheckOptions(all_defs=True))
    assert sorted(f.message.split()[2] for f in found if f.code == "LD342") == sorted(invented)


@pytest.mark.parametrize(("source", "documented"), LEAVES)
def test_validate_is_silent_where_it_may_leave(tmp_path: Path, source: str,
                                               documented: list[str]) -> None:
    found = check_source(tmp_path / "m.py", _documented(source, documented),
                         CheckOptions(all_defs=True))
    assert not [f for f in found if f.code == "LD342"]


def test_the_gate_drops_a_raises_entry_the_handler_catches() -> None:
    node = _node(CAUGHT[0][0])
    answer = MethodDocstring(
        summary="Parse a number.", extended_description=None, args=[], returns=None,
        yields=None, raises=[RaisesDoc(exception_type="ValueError",
                                       description="If the text is no number."),
                             RaisesDoc(exception_type="TypeError",
                                       description="If the value is no text.")],
        examples=None, notes=None)
    gated = gate(answer, function_facts(node, None), node, ("f", "f"))
    assert isinstance(gated.answer, MethodDocstring)
    assert [r.exception_type for r in gated.answer.raises] == ["TypeError"]
    assert [(d.what, d.name) for d in gated.dropped] == [("raises", "ValueError")]
