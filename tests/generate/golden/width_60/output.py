# @llm-doc-start
def compute_weighted_average_of_measurements(measurements: list[float], weights: list[float]) -> float:
    """TODO: describe.

    Args:
        measurements (list[float]): TODO: describe.
        weights (list[float]): TODO: describe.

    Returns:
        float: TODO: describe.
    """
    return sum(m * w for m, w in zip(measurements, weights)) / sum(weights)
# @llm-doc-end
