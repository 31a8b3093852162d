"""The answers of the prediction service, as pydantic models (they also document ``/docs``)."""

from __future__ import annotations

from pydantic import BaseModel


class Forecast(BaseModel):
    """One forecast: made at ``timestamp`` (an hour of the readings) for ``forecast_for``."""

    timestamp: str
    forecast_for: str
    target: str
    value: float | None


class StationForecasts(BaseModel):
    """A station's forecasts and the model version that made them."""

    station_id: str
    model_type: str
    registered_model: str
    model_version: str | None
    version_label: str | None
    alias: str | None
    source: str
    forecasts: list[Forecast]


class StationError(BaseModel):
    """Why one station of a batch got no forecasts (the others still do)."""

    station_id: str
    model_type: str
    status: int
    error: str
    message: str


class BatchForecasts(BaseModel):
    results: list[StationForecasts | StationError]


class ErrorBody(BaseModel):
    """Every error answer: what went wrong, and where (``field`` and ``station_id`` when known)."""

    error: str
    message: str
    station_id: str | None = None
    model_type: str | None = None
    field: str | None = None
    rows: list[int] | None = None


class ModelRow(BaseModel):
    """One model in service (``GET /models``)."""

    station_id: str
    model_type: str
    registered_model: str
    version: str | None
    version_label: str | None
    alias: str | None
    loaded_since: str
    source: str
    files: str
    sha256: str


class RefreshInfo(BaseModel):
    kind: str
    started_at: str
    seconds: float
    ok: bool
    error: str | None
    listing_requests: int
    listed: int
    unchanged: int
    loaded: int
    refused: int
    failed: int
    retired: int


class RefusedInfo(BaseModel):
    registered_model: str
    version: str
    reason: str
    at: str


class MlflowHealth(BaseModel):
    tracking_uri: str
    reachable: bool | None
    last_refresh: RefreshInfo | None
    last_success_at: str | None
    consecutive_failures: int
    next_refresh_in: float | None


class ModelCounts(BaseModel):
    served: int
    confirmed_by_mlflow: int
    local_fallback: int
    refused: list[RefusedInfo]


class PushInfo(BaseModel):
    """Whether MLflow pushes alias changes to this service (``active``), and what came in.

    ``status``: ``off`` (no public URL or no secret), ``registering`` (MLflow not reached yet),
    ``active``, ``disabled`` (an operator disabled the webhook), ``unsupported`` (no webhooks on
    this server), ``refused`` (the server refused the URL or the user).
    """

    active: bool
    status: str
    detail: str | None
    endpoint: str | None
    webhook_id: str | None
    accepted: int
    duplicates: int
    refused: int
    ignored: int
    reloads: int
    reload_failures: int
    last_delivery_at: str | None


class Health(BaseModel):
    """``starting`` until the first refresh ended; ``degraded`` while MLflow fails; else ``ok``.

    The service answers 200 in every state: it serves what it has. Monitors read ``status``.
    """

    status: str
    worker_pid: int
    mlflow: MlflowHealth
    push: PushInfo
    models: ModelCounts
