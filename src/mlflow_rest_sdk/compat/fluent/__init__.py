"""MLflow's fluent API (``mlflow.start_run``, ``mlflow.log_metric``...) on the compat client.

Reached as attributes of :mod:`mlflow_rest_sdk.compat` (``import mlflow_rest_sdk.compat as
mlflow``). The modules: :mod:`.state` (URIs, active experiment, the one client),
:mod:`.experiment` (which experiment a new run joins), :mod:`.system_tags`, :mod:`.active_run`
(runs per thread), :mod:`.run_logging`, :mod:`.async_logging` (``synchronous=False`` on the run
logger), :mod:`.artifacts`, :mod:`.tracking` (URIs, experiments, searches, registration),
:mod:`.runs_frame` (``search_runs`` as a DataFrame) and :mod:`.management` (the rest).
"""
