class Plain:
    def method(self, a):
        return a

    def _private(self):
        pass


def function(*args, **kwargs):
    pass
