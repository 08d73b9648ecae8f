import functools


# @llm-class-start
class Outer:
    """TODO: describe."""

    # @llm-class-start
    class Inner:
        """TODO: describe."""

        # @llm-doc-start
        @staticmethod
        @functools.cache
        async def fetch_items(url: str, /, limit: int = 10) -> list[str]:
            """TODO: describe.

            Args:
                url (str): TODO: describe.
                limit (int): TODO: describe. Defaults to 10.

            Returns:
                list[str]: TODO: describe.

            Raises:
                ValueError: If ``limit < 0``.
            """
            if limit < 0:
                raise ValueError("negative")
            return []
        # @llm-doc-end
    # @llm-class-end

    # @llm-doc-start
    @property
    def full_name(self) -> str:
        """TODO: describe."""
        return "x"
    # @llm-doc-end
# @llm-class-end
