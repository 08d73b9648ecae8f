# @llm-doc-start
def double(x: int) -> int: return x * 2  # trailing comment
# @llm-doc-end
