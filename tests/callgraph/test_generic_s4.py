"""Class hierarchy and MRO through subscripted and generic bases (issue 22).

Attack: click's ``class Path(ParamType[str])`` was not known to be a subclass of
``ParamType``: ``self.fail()`` became "inferred by name", overrides in such classes were
never offered. Bases written ``Base[T]``, ``Generic[T]``, ``Protocol[T]``, through aliases
and as ``module.Base[str]`` are the classes they parametrize.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from llm_doc_manager.callgraph import CallGraph, load_project

TYPES = '''\
import abc
import typing as t
from typing import Generic, Protocol, TypeAlias, TypeVar

V = TypeVar("V")


class ParamType(t.Generic[V], abc.ABC):
    def fail(self, message):
        raise ValueError(message)

    def convert(self, value):
        return value


class Path(ParamType[str]):
    def convert(self, value):
        self.fail("no")
        return super().convert(value)


class Composite(ParamType[V]):
    pass


class Pair(Composite[tuple[int, int]], Generic[V]):
    def convert(self, value):
        self.fail("pair")
        return self.missing(value)


class Shape(Protocol[V]):
    def area(self) -> float:
        ...


class Square(Shape[int]):
    def run(self):
        return self.area()


IntParam = ParamType[int]
StrParam: TypeAlias = ParamType[str]


class Number(IntParam):
    def convert(self, value):
        self.fail("number")


class Text(StrParam):
    def convert(self, value):
        self.fail("text")


class Box(Generic[V]):
    def __init__(self, value: V) -> None:
        self.value = value

    def get(self) -> V:
        return self.value


def use(param: ParamType[str]):
    box = Box[int](3)
    box.get()
    return param.convert(1)
'''
OTHER = '''\
from pkg import types


class Remote(types.ParamType[bytes]):
    def convert(self, value):
        self.fail("remote")
'''


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory) -> CallGraph:
    root: Path = tmp_path_factory.mktemp("generic")
    (root / "pkg").mkdir()
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "types.py").write_text(TYPES)
    (root / "pkg" / "other.py").write_text(OTHER)
    return load_project([root]).graph


def _out(graph: CallGraph, qualname: str) -> list[tuple[str, str, str]]:
    key = graph.find(qualname)
    assert key is not None, qualname
    return [(c.site.text, c.resolution, graph.qualname(c.callee) if c.callee else "")
            for c in graph.outgoing(key)]


@pytest.mark.parametrize("qualname", ["pkg.types.Path.convert", "pkg.types.Pair.convert",
                                      "pkg.types.Number.convert", "pkg.types.Text.convert",
                                      "pkg.other.Remote.convert"])
def test_self_calls_resolve_through_a_subscripted_base(graph: CallGraph, qualname: str
                                                       ) -> None:
    assert ("self.fail", "resolved", "pkg.types.ParamType.fail") in _out(graph, qualname)
    assert not [c for c in _out(graph, qualname) if c[0] == "self.fail" and c[1] != "resolved"]


def test_super_and_protocol_bases(graph: CallGraph) -> None:
    assert ("super().convert", "resolved", "pkg.types.ParamType.convert") in \
        _out(graph, "pkg.types.Path.convert")
    assert _out(graph, "pkg.types.Square.run") == [
        ("self.area", "resolved", "pkg.types.Shape.area")]


def test_the_hierarchy_holds_subscripted_bases(graph: CallGraph) -> None:
    param = graph.find("pkg.types.ParamType")
    assert param is not None
    subclasses = {graph.qualname(k) for k in graph.subclasses()[param]}
    assert subclasses == {"pkg.types.Path", "pkg.types.Composite", "pkg.types.Number",
                          "pkg.types.Text", "pkg.other.Remote"}
    composite = graph.find("pkg.types.Composite")
    assert composite is not None
    assert [graph.qualname(k) for k in graph.subclasses()[composite]] == ["pkg.types.Pair"]


def test_overrides_in_generic_subclasses_are_offered(graph: CallGraph) -> None:
    calls = [c for c in _out(graph, "pkg.types.use") if c[0] == "param.convert"]
    assert [c for c in calls if c[1] == "resolved"] == [
        ("param.convert", "resolved", "pkg.types.ParamType.convert")]
    assert {c[2] for c in calls if c[1] == "inferred"} == {
        "pkg.types.Path.convert", "pkg.types.Pair.convert", "pkg.types.Number.convert",
        "pkg.types.Text.convert", "pkg.other.Remote.convert"}
    assert len(calls) == 6
    key = graph.find("pkg.types.Path.convert")
    assert key is not None
    assert [(graph.qualname(c.caller), c.resolution) for c in graph.incoming(key)] == [
        ("pkg.types.use", "inferred")]


def test_a_parametrized_class_called_is_instantiated(graph: CallGraph) -> None:
    out = _out(graph, "pkg.types.use")
    assert ("Box[int]", "resolved", "pkg.types.Box.__init__") in out
    assert ("box.get", "resolved", "pkg.types.Box.get") in out


def test_generic_and_protocol_leave_the_mro_complete(graph: CallGraph) -> None:
    # Generic, Protocol and ABC add no method: a name none of the project's classes has is
    # said to be missing, not "inherited from a class outside the project".
    calls = [c for c in graph.outgoing(graph.find("pkg.types.Pair.convert") or ("", 0))
             if c.site.text == "self.missing"]
    assert [c.resolution for c in calls] == ["unresolved"]
    assert "outside the project" not in calls[0].reason


def test_variables_subscripted_are_not_aliases() -> None:
    graph = CallGraph()
    graph.update_text("/p/m.py", "def f():\n    pass\n\nHANDLERS = [f]\nitems = [f]\n\n"
                      "def g():\n    HANDLERS[0]()\n    items[0]()\n    x = items[0]\n"
                      "    x()\n", "m", False)
    out = _out(graph, "m.g")
    assert [c[1] for c in out] == ["unresolved", "unresolved", "unresolved"]
