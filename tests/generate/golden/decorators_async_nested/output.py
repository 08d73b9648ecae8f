import functools


# @llm-class-start
class Outer:
    """Outer."""
    # @llm-class-start
    class Inner:
        """Inner."""
        # @llm-doc-start
        @staticmethod
        @functools.cache
        async def fetch_items(url: str, /, limit: int = 10) -> list[str]:
            """Fetch items.

            Args:
                url (str): The url.
                limit (int): The limit. Defaults to 10.

            Returns:
                list[str]: The items.

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
        """The full name.

        Returns:
            str: The full name.
        """
        return "x"
    # @llm-doc-end
# @llm-class-end
