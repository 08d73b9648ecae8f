def m(x):
    if x:
        y = 1
        # @llm-comm-start
        return y
        # @llm-comm-end
    return 0
