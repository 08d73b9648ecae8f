def m(x):
    if x:
        y = 1
        # @llm-comm-start
        # TODO: describe.
        return y
        # @llm-comm-end
    return 0
