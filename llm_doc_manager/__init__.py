"""Write and maintain Google-style docstrings in place, without corrupting files."""

__version__ = "0.1.0"
