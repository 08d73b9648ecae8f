"""Definitions called from uses.py."""

import functools


def area(shape):
    return shape.area()


def helper(value):
    return value * 2


def py_scan(text):
    return text


try:
    from _speedups import scan as c_scan
except ImportError:
    c_scan = None

scan = c_scan or py_scan


class Shape:
    def __init__(self, name):
        self.name = name
        self.default = name  # an assignment, not a call

    def area(self):
        return 0

    def describe(self):
        return f"{self.name}: {self.area()}"  # dispatches to overrides

    @classmethod
    def make(cls, name):
        return cls(name)

    @property
    def label(self):
        return self.name.upper()

    def default(self):
        return None


class Circle(Shape):
    def __init__(self, radius):
        super().__init__("circle")
        self.radius = radius

    def area(self):
        return 3.14 * self.radius ** 2


class Square(Shape):
    def __init__(self, side):
        super().__init__("square")
        self.side = side

    def area(self):
        return self.side * self.side


class Engine:
    def __call__(self, amount):
        return helper(amount)

    def run(self):
        return self()


class Car:
    def __init__(self):
        self.engine = Engine()

    def drive(self):
        return self.engine.run()


def make_engine() -> Engine:
    return Engine()


def factorial(n):
    return 1 if n <= 1 else n * factorial(n - 1)


double = functools.partial(helper)
