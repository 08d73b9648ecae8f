# @llm-module-start
"""TODO: describe."""

# @llm-module-end
import os

# @llm-doc-start
def read_config(path: str, strict: bool = True) -> dict:
    """Read it.

    Args:
        path: Human words.
        strict: TODO: describe. Defaults to True.

    Returns:
        TODO: describe.
    """
    return {}
# @llm-doc-end
