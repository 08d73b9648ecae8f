# @llm-doc-start
def compute_weighted_average_of_measurements(measurements: list[float], weights: list[float]) -> float:
    return sum(m * w for m, w in zip(measurements, weights)) / sum(weights)
# @llm-doc-end
