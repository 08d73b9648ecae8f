"""Hugging Face style type text."""
from typing import Optional


def resize(image, factor: int = 2, size: Optional[int] = None, mode: str = "bilinear",
           scale: float = 1.0) -> dict:
    """
    Resize an image.

    Args:
        image (`PIL.Image.Image` or `np.ndarray`):
            The image to resize.
        factor (`int`, *optional*, defaults to `2`):
            The factor by which to
              resize (continuation at an odd indentation).
        size (`int`, *optional*):
            The target size.
        mode (`str`, *optional*, defaults to `"bilinear"`):
            The resampling mode.
        scale (`float`, *optional*): TODO: describe. Defaults to `1.0`.

    Returns:
        `dict`: The resized image and its metadata.
    """
    return {}
