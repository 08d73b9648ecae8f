# @llm-doc-start
def noop(flag: bool = False):
    """Do nothing at all."""
# @llm-doc-end
