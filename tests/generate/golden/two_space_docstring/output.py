"""Two-space indentation, as in python-fire."""


def Fire(component=None, command=None, name=None, serialize=None):
  """This function, Fire, is the main entrypoint for Python Fire.

  Args:
    component: The initial target component.
    command: Optional. If supplied, this is the command executed.
    name: Optional. The name of the command as entered at the command line.
    serialize: TODO: describe.

  Returns:
    The result of executing the Fire command.

  Raises:
    ValueError: If ``component is None``.
  """
  if component is None:
    raise ValueError("no component")
  return component
