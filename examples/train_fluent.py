"""A training script written for MLflow's fluent API that runs unchanged on this SDK.

The only line that differs from the MLflow version is the import below (``import mlflow``
there); ``tests/compat/test_fluent_example.py`` runs both versions against one server and
compares what they stored. Run it with the server in ``MLFLOW_TRACKING_URI``:

    MLFLOW_TRACKING_URI=http://127.0.0.1:5000 python examples/train_fluent.py

It fits a straight line to synthetic turbidity readings of one monitoring station by gradient
descent, one nested run per learning rate under a sweep run, and tags the best one. The
experiment is ``MLFLOW_EXPERIMENT_NAME`` when set, else ``station-training``.
"""

from __future__ import annotations

import math
import os
import random

import mlflow_rest_sdk.compat as mlflow

STATION = "station-7"
LEARNING_RATES = (0.01, 0.05, 0.2)
EPOCHS = 30


def readings(count: int = 200, seed: int = 7) -> list[tuple[float, float]]:
    """(rainfall in mm, turbidity in NTU) pairs: turbidity rises with rain, plus noise."""
    generator = random.Random(seed)
    pairs = []
    for _ in range(count):
        rain = generator.uniform(0.0, 5.0)
        pairs.append((rain, 1.5 + 0.8 * rain + generator.gauss(0.0, 0.3)))
    return pairs


def rmse(data: list[tuple[float, float]], slope: float, intercept: float) -> float:
    return math.sqrt(sum((slope * x + intercept - y) ** 2 for x, y in data) / len(data))


def train(data: list[tuple[float, float]], learning_rate: float) -> tuple[float, float]:
    """Fit ``turbidity = slope * rain + intercept``, logging the error after every epoch."""
    slope = intercept = 0.0
    for epoch in range(EPOCHS):
        grad_slope = sum(2 * (slope * x + intercept - y) * x for x, y in data) / len(data)
        grad_intercept = sum(2 * (slope * x + intercept - y) for x, y in data) / len(data)
        slope -= learning_rate * grad_slope
        intercept -= learning_rate * grad_intercept
        mlflow.log_metric("rmse", rmse(data, slope, intercept), step=epoch)
    return slope, intercept


def main() -> None:
    if "MLFLOW_EXPERIMENT_NAME" not in os.environ:
        mlflow.set_experiment("station-training")
    data = readings()
    with mlflow.start_run(run_name=f"{STATION}-sweep", tags={"station": STATION}) as sweep:
        mlflow.log_params({"epochs": EPOCHS, "samples": len(data)})
        for learning_rate in LEARNING_RATES:
            with mlflow.start_run(run_name=f"lr-{learning_rate}", nested=True):
                mlflow.log_param("learning_rate", learning_rate)
                slope, intercept = train(data, learning_rate)
                mlflow.log_metrics({"slope": slope, "intercept": intercept})
                mlflow.log_dict({"slope": slope, "intercept": intercept}, "model/weights.json")
        children = mlflow.search_runs(
            filter_string=f"tags.mlflow.parentRunId = '{sweep.info.run_id}'",
            order_by=["metrics.rmse ASC"],
            output_format="list",
        )
        best = children[0]
        mlflow.set_tag("best_run", best.info.run_name)
        mlflow.log_text(
            f"best: {best.info.run_name} rmse={best.data.metrics['rmse']:.4f}\n", "best.txt"
        )
    print(f"best run: {best.info.run_name} (rmse {best.data.metrics['rmse']:.4f})")


if __name__ == "__main__":
    main()
