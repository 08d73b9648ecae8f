# @llm-class-start
class T:
	def __init__(self, value):
		self.value = value

	# @llm-doc-start
	def get_value(self):
		if True:
			return self.value
	# @llm-doc-end

	# @llm-doc-start
	def short(self): return 1
	# @llm-doc-end
# @llm-class-end
