"""One training loop through a fluent API, run as its own process by scenario 10.

``python -m benchmarks.fluent_loop MODULE URL EXPERIMENT STEPS sync|async`` imports ``MODULE``
(``mlflow`` or ``mlflow_rest_sdk.compat``) as ``mlflow``, logs 20 params and one metric per step
in one run, ends it, and prints the seconds from ``start_run`` to the end of ``end_run`` (async
values are all sent by then, on both sides) and the run's id as JSON. A process of its own: the
fluent API's state is global.
"""

from __future__ import annotations

import importlib
import json
import sys
import time

PARAMS = 20


def main(module: str, url: str, experiment: str, steps: int, synchronous: bool) -> None:
    mlflow = importlib.import_module(module)
    mlflow.set_tracking_uri(url)
    mlflow.set_experiment(experiment)
    started = time.perf_counter()
    with mlflow.start_run() as run:
        mlflow.log_params({f"param_{i}": i for i in range(PARAMS)}, synchronous=synchronous)
        for step in range(steps):
            mlflow.log_metric("loss", 1.0 / (step + 1), step=step, synchronous=synchronous)
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "run_id": run.info.run_id}))


if __name__ == "__main__":
    module, url, experiment, steps, mode = sys.argv[1:6]
    main(module, url, experiment, int(steps), mode == "sync")
