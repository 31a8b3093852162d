"""The FastAPI application: ``POST /predict``, ``GET /models``, ``GET /health`` and
``POST /webhooks/mlflow`` (MLflow's alias deliveries, :mod:`water_models.serving.push`).

The routes only read the :class:`FleetCache` (a lock-free snapshot), so a failing request can
never take loaded models with it: errors become JSON answers naming the field and the station,
and the cache's refresh thread runs on whatever happens here. Predictions run in the threadpool
(pandas and the model are CPU work), not on the event loop.

``uvicorn water_models.serving.app:app_from_env --factory`` is what ``water-models serve``
runs, in each worker process; :func:`create_app` takes a ready cache (tests, embedding).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from water_models.fleet_cache import FleetCache
from water_models.fleet_state import FleetHealth, ServedModel
from water_models.schema import READINGS, TIMESTAMP
from water_models.serving.forecasts import forecast
from water_models.serving.inputs import InputError, StationInput, parse_body
from water_models.serving.push import JOURNAL_NAME, WEBHOOK_PATH, Push
from water_models.serving.schemas import (
    BatchForecasts,
    ErrorBody,
    Health,
    MlflowHealth,
    ModelCounts,
    ModelRow,
    PushInfo,
    RefreshInfo,
    RefusedInfo,
    StationError,
    StationForecasts,
)

logger = logging.getLogger("water_models")

_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": text}
    for status, text in (
        (400, "the body is not JSON"),
        (404, "no champion is loaded for this station and model type"),
        (413, "too many stations or readings in one request"),
        (422, "a field is missing or wrong: `field` and `station_id` say which"),
        (503, "the service is still loading its models"),
    )
}


class _ServiceError(Exception):
    """An answer other than 200 for the whole request (unknown station, prediction failure)."""

    def __init__(self, status: int, body: ErrorBody) -> None:
        super().__init__(body.message)
        self.status = status
        self.body = body


def create_app(
    cache: FleetCache, *, push: Push | None = None, manage_cache: bool = True
) -> FastAPI:
    """The service over ``cache``; with ``manage_cache`` it starts and closes the cache (and
    ``push``, which is off when not given)."""
    pushed = push or Push(cache, public_url=None, secret=None)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if manage_cache:
            cache.start()
            pushed.start()
        try:
            yield
        finally:
            if manage_cache:
                await run_in_threadpool(pushed.close)
                await run_in_threadpool(cache.close)

    app = FastAPI(
        title="water-models prediction service",
        summary="Forecasts from each station's champion model, kept fresh from MLflow.",
        lifespan=lifespan,
    )
    app.state.fleet = cache
    app.state.push = pushed

    @app.exception_handler(InputError)
    async def input_error(_: Request, error: InputError) -> JSONResponse:
        return JSONResponse(error.body(), status_code=error.status)

    @app.exception_handler(_ServiceError)
    async def service_error(_: Request, error: _ServiceError) -> JSONResponse:
        return JSONResponse(error.body.model_dump(), status_code=error.status)

    @app.post(
        "/predict",
        response_model=StationForecasts | BatchForecasts,
        responses=_ERRORS,
        openapi_extra={"requestBody": _REQUEST_BODY},
    )
    async def predict(request: Request) -> StationForecasts | BatchForecasts:
        """One station's recent readings, or ``{"stations": [...]}`` -> forecasts."""
        raw = await request.body()
        try:
            payload = json.loads(raw)
        except ValueError as error:
            raise InputError(400, f"the body is not JSON: {error}") from None
        return await run_in_threadpool(_predict, cache, payload)

    @app.get("/models", response_model=list[ModelRow])
    def models() -> list[ModelRow]:
        """Every model in service: version, alias, since when, and where it came from."""
        return [_model_row(entry) for entry in cache.models()]

    @app.get("/health", response_model=Health)
    def health() -> Health:
        """Whether MLflow answers, the last refresh, and what is served (always 200)."""
        return _health(cache.health(), pushed)

    @app.post(
        WEBHOOK_PATH,
        status_code=202,
        responses={
            200: {"description": "a duplicate, or an event this service does not act on"},
            400: {"description": "authentic, but not the JSON MLflow documents"},
            401: {"description": "refused: signature, timestamp or headers wrong"},
            404: {"description": "push is off on this service"},
        },
    )
    async def mlflow_webhook(request: Request) -> JSONResponse:
        """MLflow's signed alias deliveries: verified, answered at once, reloaded behind."""
        body = await request.body()  # the raw bytes: the signature covers them exactly
        answer = pushed.handle(request.headers, body)
        return JSONResponse(dict(answer.body), status_code=answer.status)

    return app


def app_from_env() -> FastAPI:
    """The application as ``water-models serve`` runs it: settings from the environment."""
    from water_models.settings import ServeSettings

    settings = ServeSettings.from_env()
    cache = FleetCache.from_settings(settings)
    push = Push(
        cache,
        public_url=settings.public_url,
        secret=settings.webhook_secret,
        journal_path=settings.cache_dir / JOURNAL_NAME,
    )
    return create_app(cache, push=push)


def _predict(cache: FleetCache, payload: Any) -> StationForecasts | BatchForecasts:
    stations, batch = parse_body(payload)
    if not batch:
        return _one(cache, stations[0])
    results: list[StationForecasts | StationError] = []
    for station in stations:
        try:
            results.append(_one(cache, station))
        except _ServiceError as error:
            results.append(
                StationError(
                    station_id=station.station_id,
                    model_type=station.model_type,
                    status=error.status,
                    error=error.body.error,
                    message=error.body.message,
                )
            )
    return BatchForecasts(results=results)


def _one(cache: FleetCache, station: StationInput) -> StationForecasts:
    entry = cache.get(station.station_id, station.model_type)
    where = {"station_id": station.station_id, "model_type": station.model_type}
    if entry is None:
        if not cache.health().first_pass_done:
            raise _ServiceError(
                503,
                ErrorBody(error="starting", message="the service is loading its models", **where),
            )
        raise _ServiceError(
            404,
            ErrorBody(
                error="unknown_station",
                message=f"no {station.model_type} champion is loaded for station "
                f"{station.station_id} (GET /models lists the loaded ones)",
                **where,
            ),
        )
    try:
        return forecast(entry, station)
    except Exception as error:  # the model failed on valid input: this station only
        logger.exception("forecasting for station %s failed", station.station_id)
        raise _ServiceError(
            500,
            ErrorBody(
                error="prediction_failed",
                message=f"{entry.registered_model} version {entry.version} failed: "
                f"{type(error).__name__}: {error}",
                **where,
            ),
        ) from None


def _model_row(entry: ServedModel) -> ModelRow:
    loaded = entry.loaded
    return ModelRow(
        station_id=entry.station_id,
        model_type=entry.model_type,
        registered_model=entry.registered_model,
        version=entry.version,
        version_label=loaded.version_label,
        alias=loaded.alias,
        loaded_since=entry.loaded_at,
        source=entry.source,
        files=entry.files,
        sha256=loaded.sha256,
    )


def _health(state: FleetHealth, push: Push) -> Health:
    last = state.last_refresh
    refresh = None
    if last is not None:
        refresh = RefreshInfo(
            kind=last.kind,
            started_at=last.started_at,
            seconds=round(last.seconds, 4),
            ok=last.ok,
            error=last.error,
            listing_requests=last.listing_requests,
            listed=last.listed,
            unchanged=last.unchanged,
            loaded=len(last.loaded),
            refused=len(last.refused),
            failed=len(last.failed),
            retired=len(last.retired),
        )
    return Health(
        status=state.status,
        worker_pid=os.getpid(),  # which process answered, with --workers N
        mlflow=MlflowHealth(
            tracking_uri=state.tracking_uri,
            reachable=state.mlflow_reachable,
            last_refresh=refresh,
            last_success_at=state.last_success_at,
            consecutive_failures=state.consecutive_failures,
            next_refresh_in=state.next_refresh_in,
        ),
        push=PushInfo(**dataclasses.asdict(push.health())),
        models=ModelCounts(
            served=state.served,
            confirmed_by_mlflow=state.confirmed,
            local_fallback=state.served - state.confirmed,
            refused=[
                RefusedInfo(
                    registered_model=r.registered_model, version=r.version, reason=r.reason, at=r.at
                )
                for r in state.refused
            ],
        ),
    )


_READING_SCHEMA = {
    "type": "object",
    "required": [TIMESTAMP],
    "properties": {
        TIMESTAMP: {"type": "string", "format": "date-time"},
        **{
            r.column: {
                "type": ["number", "null"],
                "description": f"{r.description}, {r.unit}, {r.minimum:g} to {r.maximum:g}",
            }
            for r in READINGS
        },
    },
    "additionalProperties": False,
}
_STATION_SCHEMA = {
    "type": "object",
    "required": ["station_id", "readings"],
    "properties": {
        "station_id": {"type": "string"},
        "model_type": {"type": "string", "default": "xgboost"},
        "readings": {"type": "array", "items": _READING_SCHEMA},
    },
}
_REQUEST_BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "oneOf": [
                    _STATION_SCHEMA,
                    {
                        "type": "object",
                        "required": ["stations"],
                        "properties": {"stations": {"type": "array", "items": _STATION_SCHEMA}},
                    },
                ]
            }
        }
    },
}
