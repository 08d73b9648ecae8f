def process(items):
    total = 0
    # @llm-comm-start
    # Old comment that the model replaces.
    for item in items:
        total += item
    print(total)
    # @llm-comm-end
    return total
