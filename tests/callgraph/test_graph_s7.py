"""Call graph leftovers of issue 22: overload stubs in the order, super() never reaching its
own class, callers and callees counting the same calls, call context on an overload.

Attacks:

* ``CallGraph.order()`` listed every ``@overload`` stub as a definition of its own (only
  ``calls --order`` dropped them), and a stub's body calls made the stub a caller;
* ``class Dynamic(make_base())``: ``super().__init__()`` offered ``Dynamic.__init__`` itself
  (and the ``__init__`` of Dynamic's subclasses) as what it may run;
* on rich, summing inferred calls over the graph's definitions gave 414 callees and 410
  callers: the implementation of an overloaded method was counted once per stub on the
  callees side;
* a generate region on an overloaded implementation must get the implementation's callers
  and callees, and a stub's body is nobody's caller.
"""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

from llm_doc_manager.callgraph import Call, CallGraph, DefKey, key_of
from llm_doc_manager.callgraph.index import module_index
from llm_doc_manager.generate.call_context import CallContext

OVERLOADED = '''\
import typing as t
from typing import overload


def helper():
    pass


def other():
    pass


class Reader:
    @overload
    def open(self, name: str) -> str: ...

    @overload
    def open(self, name: bytes) -> bytes:
        helper()

    def open(self, name):
        other()
        return name.join([name])


class Joiner:
    def join(self, parts):
        return parts


@t.overload
def only(x: int) -> int: ...


@t.overload
def only(x: str) -> str: ...


def use(reader: Reader):
    reader.open("x")
    only(1)
'''


def _graph(**files: str) -> CallGraph:
    graph = CallGraph()
    for name, text in files.items():
        graph.update_text(f"/p/{name}.py", text, name, False)
    return graph


def _find(graph: CallGraph, qualname: str) -> DefKey:
    key = graph.find(qualname)
    assert key is not None, qualname
    return key


def _names(graph: CallGraph, keys: list[DefKey]) -> list[tuple[str, int]]:
    return [(graph.qualname(k), graph.definition(k).line) for k in keys]


def test_the_order_holds_implementations_only() -> None:
    graph = _graph(m=OVERLOADED)
    placed = [key for group in graph.order() for key in group]
    assert len(placed) == len(set(placed))
    names = _names(graph, placed)
    # The implementation once, at its own line; a run of stubs with none is its first stub.
    assert [n for n in names if n[0] in ("m.Reader.open", "m.only")] == [
        ("m.Reader.open", 21), ("m.only", 32)]
    # Callees first: the implementation's own callees come before it, and ``use`` after.
    assert names.index(("m.other", 9)) < names.index(("m.Reader.open", 21)) < \
        names.index(("m.use", 39))
    assert sorted(placed) == list(graph.definitions())


def test_a_stubs_body_calls_belong_to_nothing() -> None:
    graph = _graph(m=OVERLOADED)
    helper = _find(graph, "m.helper")
    assert graph.incoming(helper) == []
    # Every caller named is a definition of its own: never a stub.
    assert all(c.caller is None or graph.canonical(c.caller) == c.caller
               for path, index in graph.files.items() for number in range(len(index.defs))
               for c in graph.incoming((path, number)))


def _rows(calls: list[Call]) -> Counter[tuple[object, ...]]:
    return Counter((c.caller, c.callee, c.path, c.site.line, c.site.col, c.site.name_col,
                    c.resolution) for c in calls
                   if c.callee is not None and c.how != "instantiation")


def _both_sides(graph: CallGraph) -> tuple[Counter[tuple[object, ...]],
                                           Counter[tuple[object, ...]]]:
    callees: Counter[tuple[object, ...]] = Counter()
    callers: Counter[tuple[object, ...]] = Counter()
    for path in graph.files:
        callees += _rows(graph.outgoing((path, -1)))
    # The graph's own list of its definitions: what the order places.
    for group in graph.order():
        for key in group:
            callees += _rows(graph.outgoing(key))
            callers += _rows(graph.incoming(key))
    return callees, callers


def test_callers_and_callees_count_the_same_calls() -> None:
    # rich's pattern: ``Progress.open`` has two stubs and an implementation whose
    # ``"".join(...)`` is inferred by name (``Text.join``); its calls were counted three times
    # on the callees side and once on the callers side (414 against 410).
    graph = _graph(m=OVERLOADED)
    callees, callers = _both_sides(graph)
    inferred = [r for r in callees if r[-1] == "inferred"]
    assert inferred, "the pattern needs an inferred call in the implementation"
    assert callees == callers


def test_super_never_offers_its_own_class() -> None:
    graph = _graph(base="def make_base():\n    return object\n", code='''\
from base import make_base


class Dynamic(make_base()):
    def __init__(self):
        super().__init__()


class Sub(Dynamic):
    def __init__(self):
        super().__init__()


class Settings:
    def __init__(self):
        pass


class Unstructured:
    def init(self):
        super().init()


class BaseHeader:
    def init(self):
        pass
''')
    dynamic = _find(graph, "code.Dynamic.__init__")
    offered = {graph.qualname(c.callee) for c in graph.outgoing(dynamic) if c.callee}
    # Neither the class itself nor a subclass (which comes before it in any MRO) is next.
    assert offered == {"code.Settings.__init__"}
    callers = [(graph.qualname(c.caller), c.resolution) for c in graph.incoming(dynamic)]
    assert callers == [("code.Sub.__init__", "resolved")]
    sub = _find(graph, "code.Sub.__init__")
    assert graph.incoming(sub) == []
    init = _find(graph, "code.Unstructured.init")
    assert [graph.qualname(c.callee) for c in graph.outgoing(init) if c.callee] == [
        "code.BaseHeader.init"]
    assert graph.incoming(init) == []
    callees, callers_side = _both_sides(graph)
    assert callees == callers_side


def test_call_context_of_an_overloaded_implementation() -> None:
    graph = CallGraph()
    path = key_of(Path("m.py"))
    graph.set_index(path, module_index(OVERLOADED, "m", False, "m.py"))
    context = CallContext(graph)
    tree = ast.parse(OVERLOADED)
    reader = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Reader")
    stubs_and_impl = [n for n in reader.body if isinstance(n, ast.FunctionDef)]
    implementation = stubs_and_impl[-1]
    key = context.key_for(Path("m.py"), implementation)
    assert key is not None
    assert graph.definition(key).line == implementation.lineno
    # A stub is exempt from documentation; it is not given the implementation's context.
    assert context.key_for(Path("m.py"), stubs_and_impl[0]) is None
    links = context.links(key)
    assert [graph.qualname(k) for k in links.callees] == ["m.other"]
    assert [graph.qualname(k) for k in links.callers] == ["m.use"]
    helper = _find(graph, "m.helper")
    assert context.links(helper).callers == ()
