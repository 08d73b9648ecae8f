# @llm-class-start
class Two:
  """Two."""
  # @llm-doc-start
  def run(self, n):
    """Run.

    Args:
        n: The n.

    Yields:
        The next value.
    """
    for i in range(n):
      yield i
  # @llm-doc-end

  # @llm-doc-start
  def one(self, a):
    """Return the one.

    Args:
        a: The a.

    Returns:
        The result.
    """
    return a
  # @llm-doc-end
# @llm-class-end
