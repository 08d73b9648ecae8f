"""A decorator typed with a type variable (huggingface_hub's ``validate_hf_hub_args``)."""
from typing import Any, Callable, TypeVar

CallableT = TypeVar("CallableT", bound=Callable[..., Any])


def validate(fn: CallableT) -> CallableT:
    """Validate the arguments of `fn`.

    Args:
        fn (`Callable`): The function.
    """
    return fn


def wrap(fn: CallableT, name: str) -> CallableT:
    return fn
