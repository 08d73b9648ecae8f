def outer():
    if True:
      # @llm-doc-start
      def inner(a, b):
          return a + b
      # @llm-doc-end
      return inner
