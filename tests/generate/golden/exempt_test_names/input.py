"""Helpers and their self-checks in one module (not a test file by its name)."""


def add(a, b):
    return a + b


def test_add():
    assert add(1, 2) == 3


class TestAdd:
    def setup_method(self):
        self.value = 1

    def test_twice(self):
        assert add(self.value, self.value) == 2


class AddTest:
    pass


def main():
    test_add()
