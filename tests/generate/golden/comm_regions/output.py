def process(items):
    total = 0
    # @llm-comm-start
    # Sum the items and print the total; the text is long enough to need
    # wrapping at the configured width.
    for item in items:
        total += item
    print(total)
    # @llm-comm-end
    return total
