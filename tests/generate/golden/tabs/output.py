# @llm-class-start
class T:
	"""TODO: describe.

	Attributes:
	    value: TODO: describe.
	"""

	def __init__(self, value):
		self.value = value

	# @llm-doc-start
	def get_value(self):
		"""TODO: describe.

		Returns:
		    TODO: describe.
		"""
		if True:
			return self.value
	# @llm-doc-end

	# @llm-doc-start
	def short(self):
		"""TODO: describe.

		Returns:
		    TODO: describe.
		"""
		return 1
	# @llm-doc-end
# @llm-class-end
