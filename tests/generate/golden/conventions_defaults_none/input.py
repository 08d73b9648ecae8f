"""Defaults never written: the signature says them (as optax does)."""


def sgd(learning_rate: float, momentum: float = 0.0, nesterov: bool = False) -> float:
  """Stochastic gradient descent.

  Args:
    learning_rate: A global scaling factor.
    momentum: Decay rate used by the momentum term.
    nesterov: Whether Nesterov momentum is used.

  Returns:
    The transformation.
  """
  return learning_rate * momentum * nesterov


def clip(max_delta: float, eps: float = 1e-8) -> float:
  """Clip updates.

  Args:
    max_delta: The largest update allowed.
    eps: Added to the denominator.
  """
  return max_delta + eps


def adam(learning_rate: float, b1: float = 0.9) -> float:
  return learning_rate * b1
