TEMPLATE = """
# @llm-doc-start
def phantom():
    pass
# @llm-doc-end
"""
# @llm-doc-start
def real(a):
    return TEMPLATE
# @llm-doc-end
