class Box:
    # @llm-doc-start
    def size(self) -> int: """Size."""; return 1
    # @llm-doc-end
