import my_module


def f() -> my_module.Asdf | my_module.AnotherType | my_module.YetAnotherType | None: pass


def g() -> 1 + 1:
    return 2


def h(tb):
    raise IndexError().with_traceback(tb)


def bar(a):
    pass


# @llm-class-start
class E(Exception): pass
# @llm-class-end


def k(): \
    return 1

