def outer():
    if True:
      # @llm-doc-start
      def inner(a, b):
          """Return the inner.

          Args:
              a: The a.
              b: The b.

          Returns:
              The result.
          """
          return a + b
      # @llm-doc-end
      return inner
