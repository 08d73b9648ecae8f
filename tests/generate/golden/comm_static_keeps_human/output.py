def process(items):
    # @llm-comm-start
    # A human wrote this.
    total = sum(items)
    # @llm-comm-end
    # @llm-comm-start
    # TODO: describe.
    if total > 10:
        print(total)
    # @llm-comm-end
    return total
