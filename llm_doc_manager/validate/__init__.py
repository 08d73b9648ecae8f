"""Offline drift checks: docstrings against the code, with stable codes, a cache and baselines.

The checker (``check_source``) is loaded on first use: a warm run that finds every file in
the result cache never imports it, nor pydantic behind it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from llm_doc_manager.validate.baseline import apply_baseline, write_baseline
from llm_doc_manager.validate.collect import collect
from llm_doc_manager.validate.fix import owners
from llm_doc_manager.validate.output import render

if TYPE_CHECKING:
    from llm_doc_manager.validate.checks import CheckOptions, check_source

__all__ = ["CheckOptions", "apply_baseline", "check_source", "collect", "owners", "render",
           "write_baseline"]


def __getattr__(name: str) -> Any:
    """Load the checker on first use (PEP 562)."""
    if name in ("CheckOptions", "check_source"):
        from llm_doc_manager.validate import checks

        return getattr(checks, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
