"""MLflow's fluent API (``mlflow.start_run``, ``mlflow.log_metric``...) on the compat client.

Reached as attributes of :mod:`mlflow_rest_sdk.compat` (``import mlflow_rest_sdk.compat as
mlflow``); the modules here hold the process state (:mod:`.state`), runs
(:mod:`.active_run`), logging (:mod:`.run_logging`), artifacts (:mod:`.artifacts`) and the rest
(:mod:`.tracking`).
"""
