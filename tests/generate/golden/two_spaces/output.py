# @llm-class-start
class Two:
  """TODO: describe."""

  # @llm-doc-start
  def run(self, n):
    """TODO: describe.

    Args:
        n: TODO: describe.

    Yields:
        TODO: describe.
    """
    for i in range(n):
      yield i
  # @llm-doc-end

  # @llm-doc-start
  def one(self, a):
    """TODO: describe.

    Args:
        a: TODO: describe.

    Returns:
        TODO: describe.
    """
    return a
  # @llm-doc-end
# @llm-class-end
