# @llm-class-start
class T:
	"""T.

	Attributes:
	    value: The value.
	"""
	def __init__(self, value):
		self.value = value

	# @llm-doc-start
	def get_value(self):
		"""Get value.

		Returns:
		    The value.
		"""
		if True:
			return self.value
	# @llm-doc-end

	# @llm-doc-start
	def short(self):
		"""Return the short.

		Returns:
		    The result.
		"""
		return 1
	# @llm-doc-end
# @llm-class-end
