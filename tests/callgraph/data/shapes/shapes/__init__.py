"""A package whose code uses every call pattern the call graph resolves."""

from shapes.core import Circle, Square
from shapes.core import area as surface

__all__ = ["Circle", "Square", "surface"]
