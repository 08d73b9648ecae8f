"""A file system on the Hub, fsspec style (huggingface_hub's HfFileSystem)."""


class HubFileSystem:
    """Files of a repository."""

    def modified(self, path: str, **kwargs) -> float:
        """
        Get the last modified time of a file.

        Args:
            path (`str`):
                Path to the file.

        Returns:
            `float`: Last modified time of the file.
        """
        return self.info(path, **{**kwargs, "expand_info": True})["mtime"]

    def info(self, path: str, refresh: bool = False, **kwargs) -> dict:
        """
        Get information about a file or directory.

        Args:
            path (`str`):
                Path to get info for.
            refresh (`bool`, *optional*):
                If True, bypass the cache. Defaults to False.
            **kwargs: TODO: describe.

        Returns:
            `dict`: Dictionary containing file information.
        """
        expand_info = kwargs.get("expand_info", False)
        return {"name": path, "mtime": 0.0, "expand": expand_info, "refresh": refresh}

    def size(self, path: str, **kwargs) -> int:
        """
        Get the size of a file.

        Args:
            path (`str`):
                Path to the file.
            **kwargs: TODO: describe.

        Returns:
            `int`: Size in bytes.
        """
        return self.info(path, **{**kwargs, "expand_info": False})["size"] + len(kwargs)
