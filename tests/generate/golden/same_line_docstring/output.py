class Box:
    # @llm-doc-start
    def size(self) -> int:
        """Size.

        Returns:
            int: The result.
        """; return 1
    # @llm-doc-end
