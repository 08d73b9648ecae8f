"""A NumPy type line continued by a backslash (xarray's long ``{...}`` types) is kept."""


def pad(mode: str = "constant", width: int = 0) -> int:
    """Pad an array.

    Parameters
    ----------
    mode : {"constant", "edge", "linear_ramp", "maximum", "mean", "median", \
            "minimum", "reflect", "symmetric", "wrap"}, default: "constant"
        How to pad; the line above is continued, and stays so.
    order : int
        Gone from the signature, in the place of the only new argument.

    Returns
    -------
    int
        The padded width.
    """
    return width
