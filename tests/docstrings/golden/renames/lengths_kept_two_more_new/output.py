"""Sequence packing (the signature gained ``seq_lengths``, ``max_len`` and ``pad_id``)."""


def pack(inputs: Array, seq_lengths: Array, max_len: int, pad_id: int = 0) -> Array:
    """Pack variable-length sequences into one dense batch.

    Args:
        inputs (Array): The token ids, one row per sequence.
        seq_lengths (Array): TODO: describe.
        max_len (int): TODO: describe.
        pad_id (int): TODO: describe. Defaults to 0.
        lengths (Array): The number of real tokens in each row; the rest is padding.

    Returns:
        The packed batch.
    """
    return inputs[:max_len] + seq_lengths + pad_id
