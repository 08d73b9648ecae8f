import functools


# @llm-class-start
class Outer:
    # @llm-class-start
    class Inner:
        # @llm-doc-start
        @staticmethod
        @functools.cache
        async def fetch_items(url: str, /, limit: int = 10) -> list[str]:
            if limit < 0:
                raise ValueError("negative")
            return []
        # @llm-doc-end
    # @llm-class-end

    # @llm-doc-start
    @property
    def full_name(self) -> str:
        return "x"
    # @llm-doc-end
# @llm-class-end
