"""Raises conditions a reader of the API can check, and only those."""

import numpy as np

_MAX = 3


def pick(variant, fallback=None):
    if variant == "sps":
        return 1
    elif variant == "sps+":
        return 2
    else:
        raise ValueError(variant)


def choose(option, name, table):
    if option is None:
        return 0
    elif name not in table:
        return 1
    else:
        raise KeyError(name)


def helper(grads):
    if not _check(grads):
        raise TypeError(grads)
    if len(grads) > _MAX:
        raise OverflowError(grads)
    if not isinstance(grads, np.ndarray):
        raise LookupError(grads)
    return grads


def rebound_before(path):
    for path in [path.strip()]:
        pass
    if not path:
        raise ValueError(path)
    return path


def rebound_after(path):
    if not path:
        raise ValueError(path)
    path = path.strip()
    return path


class Box:
    def put(self, item):
        if self.closed:
            raise RuntimeError("closed")
        if self._full:
            raise OverflowError(item)


def _check(grads):
    return grads
