"""The fluent API's process state: the tracking URI, the active experiment and one client,
shared by every thread as in MLflow (the active runs are per thread: :mod:`.active_run`)."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field

from mlflow_rest_sdk.compat._sync.client import MlflowClient

__all__ = ["client", "experiment_id_set", "registry_uri", "state", "tracking_uri"]

#: What MLflow 3.17.2 answers for the tracking URI when none is set: a local database, which
#: this SDK cannot write to (a client built on it is refused with a clear MlflowException).
DEFAULT_TRACKING_URI = "sqlite:///mlflow.db"


@dataclass
class _Process:
    """What every thread shares."""

    tracking_uri: str | None = None
    registry_uri: str | None = None
    experiment_id: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    client: MlflowClient | None = None
    client_uris: tuple[str, str | None] | None = None


state = _Process()


def tracking_uri() -> str:
    """The URI set by ``set_tracking_uri``, else ``MLFLOW_TRACKING_URI``, else MLflow's default."""
    return state.tracking_uri or os.environ.get("MLFLOW_TRACKING_URI") or DEFAULT_TRACKING_URI


def registry_uri() -> str:
    """The URI set by ``set_registry_uri``, else ``MLFLOW_REGISTRY_URI``, else the tracking URI."""
    return state.registry_uri or os.environ.get("MLFLOW_REGISTRY_URI") or tracking_uri()


def client() -> MlflowClient:
    """The compat client for the current URIs: one per process, rebuilt when a URI changes."""
    uris = (tracking_uri(), state.registry_uri or os.environ.get("MLFLOW_REGISTRY_URI"))
    with state.lock:
        if state.client is None or state.client_uris != uris:
            old = state.client
            state.client = MlflowClient(uris[0], registry_uri=uris[1])
            state.client_uris = uris
            if old is not None:
                old.close()
        return state.client


def experiment_id_set(experiment_id: str | None) -> None:
    """Make ``experiment_id`` the active experiment, and export it as MLflow does
    (``MLFLOW_EXPERIMENT_ID``) so that child processes inherit it."""
    state.experiment_id = experiment_id
    if experiment_id is not None:
        os.environ["MLFLOW_EXPERIMENT_ID"] = experiment_id
