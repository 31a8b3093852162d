"""Starting and ending fluent runs: ``start_run`` (a context manager), ``end_run``,
``active_run``, ``last_active_run``, with MLflow's statuses, resumption and nesting."""

from __future__ import annotations

import atexit
import contextlib
import os
import threading
from types import TracebackType
from typing import Any

from mlflow_rest_sdk.compat.entities.key_value import RunTag
from mlflow_rest_sdk.compat.entities.lifecycle_stage import LifecycleStage
from mlflow_rest_sdk.compat.entities.run import Run
from mlflow_rest_sdk.compat.exceptions import MlflowException
from mlflow_rest_sdk.compat.fluent import state
from mlflow_rest_sdk.compat.fluent.async_logging import close_logger
from mlflow_rest_sdk.compat.fluent.experiment import current_experiment_id
from mlflow_rest_sdk.compat.fluent.system_tags import resolve_tags

__all__ = ["ActiveRun", "active_run", "end_run", "last_active_run", "start_run"]

MLFLOW_RUN_NAME = "mlflow.runName"
MLFLOW_PARENT_RUN_ID = "mlflow.parentRunId"
MLFLOW_RUN_NOTE = "mlflow.note.content"


class _Thread(threading.local):
    """What each thread has for itself, as in MLflow: its active runs, innermost last, and
    the id of the run it ended last."""

    def __init__(self) -> None:
        self.runs: list[ActiveRun] = []
        self.last_run_id: str | None = None


_threads = _Thread()


def run_stack() -> list[ActiveRun]:
    """This thread's active runs, the innermost last."""
    return _threads.runs


class ActiveRun(Run):
    """The run ``start_run`` made active; ``with`` ends it FINISHED, FAILED when the block
    raised, KILLED when it was interrupted (Ctrl-C)."""

    def __init__(self, run: Run) -> None:
        super().__init__(run.info, run.data, run.inputs, run.outputs)

    def __enter__(self) -> ActiveRun:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> bool:
        if any(run.info.run_id == self.info.run_id for run in run_stack()):
            if exc_type is None:
                end_run("FINISHED")
            elif issubclass(exc_type, KeyboardInterrupt):
                end_run("KILLED")
            else:
                end_run("FAILED")
        return exc_type is None


def _with_description(tags: dict[str, Any], description: str | None) -> dict[str, Any]:
    if description:
        if MLFLOW_RUN_NOTE in tags:
            raise MlflowException(
                f"Description is already set via the tag {MLFLOW_RUN_NOTE} in tags. Remove the "
                f"key {MLFLOW_RUN_NOTE} from the tags or omit the description.",
                error_code="INVALID_PARAMETER_VALUE",
            )
        tags[MLFLOW_RUN_NOTE] = description
    return tags


def _resume(run_id: str, run_name: str | None, tags: dict[str, Any]) -> Run:
    """Mark an existing run RUNNING again (its end time kept, as MLflow keeps it)."""
    client = state.client()
    run = client.get_run(run_id)
    active_experiment = state.state.experiment_id
    if active_experiment is not None and active_experiment != run.info.experiment_id:
        raise MlflowException(
            f"Cannot start run with ID {run_id} because active experiment ID does not match "
            "environment run ID. Make sure --experiment-name or --experiment-id matches "
            "experiment set with set_experiment(), or just use command-line arguments"
        )
    if run.info.lifecycle_stage == LifecycleStage.DELETED:
        raise MlflowException(f"Cannot start run with ID {run_id} because it is deleted.")
    client.update_run(run_id, status="RUNNING", name=run_name)
    if tags:
        client.log_batch(run_id, tags=[RunTag(key, str(value)) for key, value in tags.items()])
    return client.get_run(run_id)


def _parent(parent_run_id: str | None) -> str | None:
    stack = run_stack()
    if parent_run_id is None:
        return stack[-1].info.run_id if stack else None
    if stack and parent_run_id != stack[-1].info.run_id:
        raise MlflowException(
            f"Current run with UUID {stack[-1].info.run_id} does not match the specified "
            f"parent_run_id {parent_run_id}. To start a new nested run under the parent run "
            f"with UUID {stack[-1].info.run_id}, first end the current run with "
            "mlflow.end_run()."
        )
    if state.client().get_run(parent_run_id).info.lifecycle_stage == LifecycleStage.DELETED:
        raise MlflowException(
            f"Cannot start run under parent run with ID {parent_run_id} because it is in the "
            "deleted state."
        )
    return parent_run_id


def start_run(
    run_id: str | None = None,
    experiment_id: str | None = None,
    run_name: str | None = None,
    nested: bool = False,
    parent_run_id: str | None = None,
    tags: dict[str, Any] | None = None,
    description: str | None = None,
    log_system_metrics: bool | None = None,
) -> ActiveRun:
    """Start a run (or resume ``run_id``, else ``MLFLOW_RUN_ID``) and make it this thread's
    active run; ``nested=True`` starts it under the active run (the ``mlflow.parentRunId``
    tag). New runs carry MLflow's system tags. ``log_system_metrics`` is refused when true:
    system metrics (CPU, GPU, memory) are not offered."""
    if log_system_metrics:
        raise MlflowException(
            "log_system_metrics is not supported by mlflow_rest_sdk.compat",
            error_code="NOT_IMPLEMENTED",
        )
    stack = run_stack()
    if stack and not nested:
        raise MlflowException(
            f"Run with UUID {stack[0].info.run_id} is already active. To start a new run, "
            "first end the current run with mlflow.end_run(). To start a nested run, call "
            "start_run with nested=True"
        )
    existing = run_id or os.environ.pop("MLFLOW_RUN_ID", None)
    user_tags = _with_description(dict(tags or {}), description)
    if existing:
        run = _resume(existing, run_name, user_tags)
    else:
        parent = _parent(parent_run_id)
        if parent is not None:
            user_tags[MLFLOW_PARENT_RUN_ID] = parent
        if run_name:
            user_tags[MLFLOW_RUN_NAME] = run_name
        target = str(experiment_id) if experiment_id is not None else current_experiment_id()
        run = state.client().create_run(target, tags=resolve_tags(user_tags), run_name=run_name)
    stack.append(ActiveRun(run))
    return stack[-1]


def end_run(status: str = "FINISHED") -> None:
    """End this thread's innermost active run (if there is one) with ``status``."""
    stack = run_stack()
    if not stack:
        return
    os.environ.pop("MLFLOW_RUN_ID", None)
    run = stack.pop()
    _threads.last_run_id = run.info.run_id
    try:
        close_logger(run.info.run_id)  # values logged with synchronous=False are sent first
    finally:
        state.client().set_terminated(run.info.run_id, status)


def active_run() -> ActiveRun | None:
    """This thread's innermost active run, or None."""
    stack = run_stack()
    return stack[-1] if stack else None


def last_active_run() -> Run | None:
    """The active run, else the run this thread ended last (read from the server), or None."""
    current = active_run()
    if current is not None:
        return current
    run_id = _threads.last_run_id
    return None if run_id is None else state.client().get_run(run_id)


def _end_runs_at_exit() -> None:
    """At exit, end the runs the main thread left active, innermost first (MLflow ends one)."""
    while run_stack():
        with contextlib.suppress(Exception):  # end_run pops first: the loop always ends
            end_run()


atexit.register(_end_runs_at_exit)
