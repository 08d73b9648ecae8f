# @llm-doc-start
def compute_weighted_average_of_measurements(measurements: list[float], weights: list[float]) -> float:
    """Compute weighted average of measurements.

    Args:
        measurements (list[float]): The measurements.
        weights (list[float]): The weights.

    Returns:
        float: The weighted average of measurements.
    """
    return sum(m * w for m, w in zip(measurements, weights)) / sum(weights)
# @llm-doc-end
