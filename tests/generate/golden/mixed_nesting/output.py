def outer():
    if True:
      # @llm-doc-start
      def inner(a, b):
          """TODO: describe.

          Args:
              a: TODO: describe.
              b: TODO: describe.

          Returns:
              TODO: describe.
          """
          return a + b
      # @llm-doc-end
      return inner
