# @llm-doc-start
def name():
    return 'é'
# @llm-doc-end
