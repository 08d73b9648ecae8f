# @llm-module-start
# @llm-module-end
import os

# @llm-doc-start
def read_config(path: str, strict: bool = True) -> dict:
    """Read it.

    Args:
        path: Human words.
    """
    return {}
# @llm-doc-end
