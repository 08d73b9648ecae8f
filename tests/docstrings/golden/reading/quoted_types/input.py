"""A string annotation is a forward reference: the type written is what it names, unquoted."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import fastapi


class Sandbox:
    """A sandbox."""


@dataclass
class Pool:
    """A pool of sandboxes.

    Attributes:
        size (`int`): How many.
    """

    size: int
    first: "Sandbox"


def create(app: "fastapi.FastAPI", others: list["Sandbox"],
           mode: Literal["r", "w"] = "r") -> "Sandbox":
    """Create a sandbox.

    Args:
        app (`'fastapi.FastAPI'`): The app, as an earlier run wrote it.
    """
    del app, others, mode
    return Sandbox()


def resize(sizes: "list[int]") -> "list[int]":
    """Resize the pools.

    Args:
        sizes (`int`): The sizes, their type out of date.

    Returns:
        `int`: The sizes.
    """
    return sizes
