# @llm-class-start
class Two:
  # @llm-doc-start
  def run(self, n):
    for i in range(n):
      yield i
  # @llm-doc-end

  # @llm-doc-start
  def one(self, a): return a
  # @llm-doc-end
# @llm-class-end
