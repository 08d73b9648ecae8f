# @llm-doc-start
def tricky(path, pattern):
    return path
# @llm-doc-end
# @llm-comm-start
x = 1
# @llm-comm-end
