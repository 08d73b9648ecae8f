"""Calls of core.py, one pattern per function (see tests/callgraph/test_resolution.py)."""

import shapes.core
import shapes.core as sc
from shapes import surface
from shapes.core import helper as twice
from . import core
from .core import Circle, Engine, factorial, make_engine, scan


def plain():
    return shapes.core.helper(1)


def module_alias():
    return sc.helper(2)


def imported_alias():
    return twice(3)


def relative_module():
    return core.helper(4)


def reexported():
    return surface(Circle(1))


def local_alias():
    f = twice
    return f(5)


def either():
    return scan("x")


def through_lambda():
    g = twice
    callback = lambda: g(6)  # noqa: E731
    return callback()


def lambda_called():
    return (lambda: twice(7))()


def instantiate():
    return Circle(2)


def call_instance():
    engine = Engine()
    return engine(8)


def annotated(engine: Engine):
    return engine.run()


def annotated_variable():
    engine: Engine = make_engine()
    return engine.run()


def returned():
    return make_engine().run()


def property_read(shape: core.Shape):
    return shape.label


def references(values):
    return list(map(twice, values)), core.functools.partial(factorial, 3)


def untyped(thing):
    return thing.describe()


def dynamic(thing):
    return thing.describe()


def nested():
    def inner():
        return twice(9)

    return inner


def not_calls(shape: core.Shape):
    text = "twice(10)"  # twice(11) in a comment
    shape.default = text
    return text
