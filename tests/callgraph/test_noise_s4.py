"""``super().__init__()`` under an outside base is not a call of every ``__init__`` (issue 22).

Attack from click: ``super().__init__()`` in subclasses of ``io.TextIOWrapper`` and
``Exception`` was offered as a call of every ``__init__`` of the project (by name), so an
``__init__`` showed callers that never call it.
"""

from __future__ import annotations

from pathlib import Path

from llm_doc_manager.callgraph import CallGraph, load_project

CODE = '''\
import io
import typing as t

from base import make_base


class Stream(io.TextIOWrapper):
    def __init__(self, raw):
        super().__init__(raw)


class Failure(Exception):
    def __init__(self, message):
        super().__init__(message)


class Deeper(Failure, t.Generic[t.AnyStr]):
    def __init__(self, message):
        super().__init__(message)

    def close(self):
        super().close()


class Settings:
    def __init__(self):
        self.ready = True


class Dynamic(make_base()):
    def __init__(self):
        super().__init__()
'''
BASE = "def make_base():\n    return object\n"


def _graph(tmp_path: Path) -> CallGraph:
    (tmp_path / "code.py").write_text(CODE)
    (tmp_path / "base.py").write_text(BASE)
    return load_project([tmp_path]).graph


def _out(graph: CallGraph, qualname: str) -> list[tuple[str, str, str, str]]:
    key = graph.find(qualname)
    assert key is not None, qualname
    return [(c.site.text, c.resolution, graph.qualname(c.callee) if c.callee else "",
             c.reason) for c in graph.outgoing(key)]


def test_super_init_under_an_outside_base_is_the_outside_init(tmp_path: Path) -> None:
    graph = _graph(tmp_path)
    assert _out(graph, "code.Stream.__init__") == [
        ("super().__init__", "unresolved", "", "outside the project: io.TextIOWrapper.__init__")]
    assert _out(graph, "code.Failure.__init__") == [
        ("super().__init__", "unresolved", "",
         "outside the project: builtins.Exception.__init__")]
    # Through a project class (and Generic, which adds nothing): the project's one.
    assert _out(graph, "code.Deeper.__init__") == [
        ("super().__init__", "resolved", "code.Failure.__init__", "")]
    assert _out(graph, "code.Deeper.close") == [
        ("super().close", "unresolved", "", "outside the project: builtins.Exception.close")]


def test_an_init_lists_only_its_real_callers(tmp_path: Path) -> None:
    graph = _graph(tmp_path)
    settings = graph.find("code.Settings.__init__")
    assert settings is not None
    # Only the class whose base the code cannot name may reach it (see below).
    assert [graph.qualname(c.caller) for c in graph.incoming(settings)] == [
        "code.Dynamic.__init__"]


def test_a_base_the_code_cannot_name_still_offers_candidates(tmp_path: Path) -> None:
    # ``make_base()`` returns what the code does not say: any __init__ may be next.
    graph = _graph(tmp_path)
    out = _out(graph, "code.Dynamic.__init__")
    assert {c[1] for c in out} == {"inferred"}
    assert "code.Settings.__init__" in {c[2] for c in out}


MIXINS = '''\
class Element:
    def on_enter(self):
        pass


class Text(Element):
    def __init__(self):
        super().__init__()


class Heading(Text):
    def __init__(self):
        super().__init__()


class Settings:
    def __init__(self):
        pass


class Mixin:
    def __init__(self):
        super().__init__()


class Base:
    def __init__(self):
        pass


class Combined(Mixin, Base):
    pass
'''


def test_super_in_a_class_with_a_complete_mro_offers_only_what_may_come_next() -> None:
    # rich's markdown.Heading: super().__init__() under project classes none of which has an
    # __init__ reaches object's; it was offered every __init__ of the project (86).
    graph = CallGraph()
    graph.update_text("/p/m.py", MIXINS, "m", False)
    assert _out(graph, "m.Text.__init__") == [
        ("super().__init__", "unresolved", "",
         "super() in Text: no class of the project comes after it in an MRO (object's "
         "__init__, or an outside class's)")]
    assert _out(graph, "m.Heading.__init__") == [
        ("super().__init__", "resolved", "m.Text.__init__", "")]
    # A cooperative mixin: what comes next in a subclass's MRO is offered, nothing else.
    mixin = _out(graph, "m.Mixin.__init__")
    assert [(c[0], c[1], c[2]) for c in mixin] == [
        ("super().__init__", "inferred", "m.Base.__init__")]
    for qualname in ("m.Settings.__init__", "m.Text.__init__"):
        key = graph.find(qualname)
        assert key is not None
        assert [graph.qualname(c.caller) for c in graph.incoming(key)] == (
            ["m.Heading.__init__"] if qualname == "m.Text.__init__" else [])
    base = graph.find("m.Base.__init__")
    assert base is not None
    assert [(graph.qualname(c.caller), c.resolution) for c in graph.incoming(base)] == [
        ("m.Mixin.__init__", "inferred")]


def test_super_of_a_name_object_lacks_keeps_its_candidates() -> None:
    # email.headerregistry's mixins call super().init(); the classes that put BaseHeader
    # after them are made at run time (type(name, (cls, base), {})): object has no init,
    # so some class must come next, and every init is still a candidate.
    graph = CallGraph()
    graph.update_text("/p/h.py", "class Unstructured:\n    def init(self):\n"
                      "        super().init()\n\n\nclass BaseHeader:\n    def init(self):\n"
                      "        pass\n", "h", False)
    assert sorted((c[1], c[2]) for c in _out(graph, "h.Unstructured.init")) == [
        ("inferred", "h.BaseHeader.init")]  # never its own (test_graph_s7)
