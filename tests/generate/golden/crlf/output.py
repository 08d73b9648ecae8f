# @llm-module-start
"""Input.

Defines ``read_config``.
"""

# @llm-module-end
import os

# @llm-doc-start
def read_config(path: str, strict: bool = True) -> dict:
    """Read it.

    Args:
        path (str): Human words.
        strict (bool): Whether strict. Defaults to True.

    Returns:
        dict: The config.
    """
    return {}
# @llm-doc-end
