"""``seq_len`` could be spelt ``seqlen`` or ``seq_lens``: two candidates, no rename."""


def crop(tokens: list[int], seqlen: int, seq_lens: list[int]) -> list[int]:
    """Crop tokens.

    Args:
        tokens (list[int]): The token ids.
        seqlen (int): TODO: describe.
        seq_lens (list[int]): TODO: describe.
        seq_len (int): The length to crop to.

    Returns:
        The cropped ids.
    """
    return tokens[:seqlen] + seq_lens
