"""Entries separated by blank lines, as the openai client writes them."""


def create(service_account_id: str, *, project_id: str, name: str | None = None,
           scopes: list[str] | None = None) -> dict:
    """
    Creates an API key for a service account in the project.

    Args:
      project_id: The ID of the project.

      service_account_id: The ID of the service account.

      expires: Seconds until the key expires (no longer accepted).

      name: API key name.

      scopes: TODO: describe. Defaults to None.

    Returns:
      The created key.
    """
    return {}
