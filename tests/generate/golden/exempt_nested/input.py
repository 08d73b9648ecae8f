"""Closures are opt-in."""


def sgd(rate: float):
    def init_fn(params):
        return params

    def update_fn(updates, state, _=None):
        return updates, state

    return init_fn, update_fn
