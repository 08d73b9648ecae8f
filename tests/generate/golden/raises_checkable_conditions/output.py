"""Raises conditions a reader of the API can check, and only those."""

import numpy as np

_MAX = 3


def pick(variant, fallback=None):
    """TODO: describe.

    Args:
        variant: TODO: describe.
        fallback: TODO: describe. Defaults to None.

    Returns:
        TODO: describe.

    Raises:
        ValueError: TODO: describe.
    """
    if variant == "sps":
        return 1
    elif variant == "sps+":
        return 2
    else:
        raise ValueError(variant)


def choose(option, name, table):
    """TODO: describe.

    Args:
        option: TODO: describe.
        name: TODO: describe.
        table: TODO: describe.

    Returns:
        TODO: describe.

    Raises:
        KeyError: If ``option is not None and name in table``.
    """
    if option is None:
        return 0
    elif name not in table:
        return 1
    else:
        raise KeyError(name)


def helper(grads):
    """TODO: describe.

    Args:
        grads: TODO: describe.

    Returns:
        TODO: describe.

    Raises:
        TypeError: TODO: describe.
        OverflowError: TODO: describe.
        LookupError: TODO: describe.
    """
    if not _check(grads):
        raise TypeError(grads)
    if len(grads) > _MAX:
        raise OverflowError(grads)
    if not isinstance(grads, np.ndarray):
        raise LookupError(grads)
    return grads


def rebound_before(path):
    """TODO: describe.

    Args:
        path: TODO: describe.

    Returns:
        TODO: describe.

    Raises:
        ValueError: TODO: describe.
    """
    for path in [path.strip()]:
        pass
    if not path:
        raise ValueError(path)
    return path


def rebound_after(path):
    """TODO: describe.

    Args:
        path: TODO: describe.

    Returns:
        TODO: describe.

    Raises:
        ValueError: If ``not path``.
    """
    if not path:
        raise ValueError(path)
    path = path.strip()
    return path


class Box:
    """TODO: describe."""

    def put(self, item):
        """TODO: describe.

        Args:
            item: TODO: describe.

        Raises:
            RuntimeError: If ``self.closed``.
            OverflowError: TODO: describe.
        """
        if self.closed:
            raise RuntimeError("closed")
        if self._full:
            raise OverflowError(item)


def _check(grads):
    return grads
