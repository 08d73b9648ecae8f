"""Lazy attributes: ``__getattr__`` and ``__dir__`` say what they do by their names."""

_NAMES = {"version": "1.0"}


def __getattr__(name):
    try:
        return _NAMES[name]
    except KeyError:
        raise AttributeError(name) from None


def __dir__():
    return sorted(_NAMES)


class Money:
    """An amount in one currency."""

    def __init__(self, amount, currency):
        """Initialize the instance.

        Args:
            amount: TODO: describe.
            currency: TODO: describe.
        """
        self.amount = amount
        self.currency = currency

    def __eq__(self, other):
        return (self.amount, self.currency) == (other.amount, other.currency)

    def __repr__(self):
        return f"Money({self.amount!r}, {self.currency!r})"

    def convert(self, rate):
        """TODO: describe.

        Args:
            rate: TODO: describe.

        Returns:
            TODO: describe.
        """
        return Money(self.amount * rate, self.currency)
