"""The MLflow side of the lifecycle as flows (see :mod:`water_models.calls`): register, promote,
resolve. The same code runs for one station (sync) and for a fleet (async).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mlflow_rest_sdk.errors import (
    InvalidParameterValue,
    ResourceAlreadyExists,
    ResourceDoesNotExist,
)
from water_models import artifact_io, naming
from water_models.bundle import METADATA_FILE, ModelBundle, ModelMetadata
from water_models.calls import Call, Flow
from water_models.model_types import get_model_type
from water_models.versioning import (
    Bump,
    SemanticVersion,
    format_label,
    next_version,
    parse_label,
)

if TYPE_CHECKING:
    from mlflow_rest_sdk.models import ModelVersion
    from water_models.training import TrainingResult

MODEL_SUBDIR = "model"
PLOT_PATH = "plots/validation_predicted_vs_actual.png"

# Model version tags (the registry's record of what each version is).
TAG_VERSION = "version"
TAG_STATION = "station_id"
TAG_MODEL_TYPE = "model_type"
TAG_RMSE = "validation_rmse"
TAG_SHA256 = "model_sha256"
TAG_SIGNATURE = "feature_signature"
TAG_FORMAT = "format_version"
TAG_MODEL_FILE = "model_file"
TAG_TRAINED_AT = "trained_at"


@dataclass(frozen=True)
class RegistryRecord:
    """A model version as the lifecycle sees it: which version, where, and its recorded facts."""

    registered_model: str
    version: str
    source: str
    run_id: str | None
    aliases: tuple[str, ...]
    tags: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_model_version(cls, mv: ModelVersion) -> RegistryRecord:
        if not mv.name or not mv.version or not mv.source:
            raise ValueError(f"the server returned an incomplete model version: {mv!r}")
        tags = {t.key: t.value or "" for t in mv.tags if t.key}
        return cls(mv.name, mv.version, mv.source, mv.run_id, tuple(mv.aliases), tags)

    @property
    def alias(self) -> str | None:
        for preferred in (naming.CHAMPION, naming.CHALLENGER):
            if preferred in self.aliases:
                return preferred
        return self.aliases[0] if self.aliases else None

    @property
    def sha256(self) -> str | None:
        return self.tags.get(TAG_SHA256) or None

    @property
    def rmse(self) -> float | None:
        value = self.tags.get(TAG_RMSE)
        return float(value) if value else None

    @property
    def version_label(self) -> str | None:
        return self.tags.get(TAG_VERSION) or None


@dataclass(frozen=True)
class RegistrationResult:
    """What registering one trained model did."""

    station_id: str
    model_type: str
    registered_model: str
    experiment_id: str
    run_id: str
    registry_version: str
    version_label: str
    alias: str
    promoted: bool
    rmse: float
    previous_champion: str | None
    previous_champion_rmse: float | None


def register_flow(
    result: TrainingResult,
    bundle: ModelBundle,
    plot_png: bytes,
    *,
    bump: Bump | None = None,
) -> Flow[RegistrationResult]:
    """Aliases first (a read), then experiment, run (tags, one log_batch, artifacts), model
    version, and promotion."""
    station = result.station_id
    model_name = naming.registered_model_name(station, result.model_type)
    yield from require_aliases(model_name)
    experiment_id = yield from ensure_experiment(naming.experiment_name(station))
    yield from ensure_registered_model(model_name, station, result.model_type)
    latest = yield from latest_version(model_name)
    version = _next_version(latest, bundle, bump)
    label = format_label(result.model_type, version, station)
    registered = bundle.with_registration(label, model_name, None)

    created = yield Call(
        "create_run",
        {
            "experiment_id": experiment_id,
            "run_name": label,
            "start_time": _now_ms(),
            "tags": [
                {"key": TAG_STATION, "value": station},
                {"key": TAG_MODEL_TYPE, "value": result.model_type},
                {"key": TAG_VERSION, "value": label},
            ],
        },
    )
    run_id: str = created.run.info.run_id
    artifact_uri: str = created.run.info.artifact_uri
    try:
        yield Call("log_batch", {"run_id": run_id, **_params_and_metrics(result)})
        model_dir = f"{artifact_uri}/{MODEL_SUBDIR}"
        meta = registered.metadata
        yield artifact_io.upload_call(model_dir, meta.model_file, registered.model_bytes)
        yield artifact_io.upload_call(model_dir, METADATA_FILE, meta.to_json())
        yield artifact_io.upload_call(artifact_uri, PLOT_PATH, plot_png)
    except Exception:  # not GeneratorExit: a closed flow must not yield again
        yield Call("update_run", {"run_id": run_id, "status": "FAILED", "end_time": _now_ms()})
        raise
    yield Call("update_run", {"run_id": run_id, "status": "FINISHED", "end_time": _now_ms()})

    created_version = yield Call(
        "create_model_version",
        {
            "name": model_name,
            "source": model_dir,
            "run_id": run_id,
            "description": f"{label}: validation RMSE {result.rmse:.4f}",
            "tags": [{"key": k, "value": v} for k, v in _version_tags(result, meta, label).items()],
        },
    )
    registry_version: str = created_version.model_version.version
    champion = yield from alias_record(model_name, naming.CHAMPION)
    champion_rmse = champion.rmse if champion else None
    promoted = champion is None or champion_rmse is None or result.rmse < champion_rmse
    alias = naming.CHAMPION if promoted else naming.CHALLENGER
    yield Call(
        "set_registered_model_alias",
        {"name": model_name, "alias": alias, "version": registry_version},
    )
    return RegistrationResult(
        station_id=station,
        model_type=result.model_type,
        registered_model=model_name,
        experiment_id=experiment_id,
        run_id=run_id,
        registry_version=registry_version,
        version_label=label,
        alias=alias,
        promoted=promoted,
        rmse=result.rmse,
        previous_champion=champion.version if champion else None,
        previous_champion_rmse=champion_rmse,
    )


def require_aliases(name: str) -> Flow[None]:
    """Fail before anything is written on a server without aliases (before MLflow 2.3), which
    would otherwise keep a new version without its champion or challenger alias. One read of
    the champion: absent is fine (MLflow answers an unknown model 404 RESOURCE_DOES_NOT_EXIST and
    a model without the alias 400 INVALID_PARAMETER_VALUE, seen on 2.22.5 and 3.17.2); the SDK
    raises ``EndpointNotServed`` naming the release it needs, before sending when it knows the
    server's release, else from the route's 404 (2.0.1 has no ``/version``)."""
    try:
        yield Call("get_model_version_by_alias", {"name": name, "alias": naming.CHAMPION})
    except (ResourceDoesNotExist, InvalidParameterValue):
        return


def ensure_experiment(name: str) -> Flow[str]:
    """The id of experiment ``name``, created (or restored) when needed; safe under races."""
    for _ in range(2):
        try:
            found = yield Call("get_experiment_by_name", {"experiment_name": name})
        except ResourceDoesNotExist:
            try:
                created = yield Call("create_experiment", {"name": name})
            except ResourceAlreadyExists:
                continue  # another process created it between our two calls
            created_id: str = created.experiment_id
            return created_id
        experiment_id: str = found.experiment.experiment_id
        if found.experiment.lifecycle_stage == "deleted":
            yield Call("restore_experiment", {"experiment_id": experiment_id})
        return experiment_id
    raise RuntimeError(f"experiment {name!r} kept appearing and disappearing")


def ensure_registered_model(name: str, station_id: str, model_type: str) -> Flow[None]:
    try:
        yield Call("get_registered_model", {"name": name})
    except ResourceDoesNotExist:
        try:
            yield Call(
                "create_registered_model",
                {
                    "name": name,
                    "description": f"{model_type} forecasts for water-quality station {station_id}",
                    "tags": [
                        {"key": TAG_STATION, "value": station_id},
                        {"key": TAG_MODEL_TYPE, "value": model_type},
                    ],
                },
            )
        except ResourceAlreadyExists:
            return


def latest_version(name: str) -> Flow[RegistryRecord | None]:
    """The highest version number of ``name``, or None when it has no version."""
    found = yield Call(
        "search_model_versions",
        {"filter": f"name = '{name}'", "order_by": ["version_number DESC"], "max_results": 1},
    )
    versions: list[ModelVersion] = found.model_versions
    return RegistryRecord.from_model_version(versions[0]) if versions else None


def alias_record(name: str, alias: str) -> Flow[RegistryRecord | None]:
    """The version ``alias`` points to, or None when the alias is not set."""
    model = yield Call("get_registered_model", {"name": name})
    for entry in model.registered_model.aliases:
        if entry.alias == alias:
            got = yield Call("get_model_version", {"name": name, "version": entry.version})
            return RegistryRecord.from_model_version(got.model_version)
    return None


def resolve_flow(name: str, retry: Any = None) -> Flow[RegistryRecord | None]:
    """The champion of ``name``, else its latest version; None when the model does not exist.

    Only a "does not exist" answer gives None: server errors and connection failures propagate.
    """
    extra = {"retry": retry} if retry is not None else {}
    try:
        model = yield Call("get_registered_model", {"name": name, **extra})
    except ResourceDoesNotExist:
        return None
    aliases = {a.alias: a.version for a in model.registered_model.aliases}
    version = aliases.get(naming.CHAMPION)
    if version is None:
        found = yield Call(
            "search_model_versions",
            {
                "filter": f"name = '{name}'",
                "order_by": ["version_number DESC"],
                "max_results": 1,
                **extra,
            },
        )
        if not found.model_versions:
            return None
        version = found.model_versions[0].version
    got = yield Call("get_model_version", {"name": name, "version": version, **extra})
    return RegistryRecord.from_model_version(got.model_version)


def _next_version(
    latest: RegistryRecord | None, bundle: ModelBundle, bump: Bump | None
) -> SemanticVersion:
    previous: SemanticVersion | None = None
    incompatible = False
    if latest is not None and latest.version_label:
        _, previous, _ = parse_label(latest.version_label)
        meta = bundle.metadata
        incompatible = latest.tags.get(TAG_SIGNATURE) != meta.feature_signature or latest.tags.get(
            TAG_FORMAT
        ) != str(meta.format_version)
    return next_version(previous, incompatible=incompatible, bump=bump)


def _version_tags(result: TrainingResult, meta: ModelMetadata, label: str) -> dict[str, str]:
    return {
        TAG_VERSION: label,
        TAG_STATION: result.station_id,
        TAG_MODEL_TYPE: result.model_type,
        TAG_RMSE: repr(result.rmse),
        TAG_SHA256: meta.sha256,
        TAG_SIGNATURE: meta.feature_signature,
        TAG_FORMAT: str(get_model_type(result.model_type).format_version),
        TAG_MODEL_FILE: meta.model_file,
        TAG_TRAINED_AT: result.trained_at,
    }


def _params_and_metrics(result: TrainingResult) -> dict[str, list[dict[str, Any]]]:
    params: dict[str, str] = {k: str(v) for k, v in result.params.items()}
    params.update(
        {
            "target": result.task.target,
            "horizon_hours": str(result.task.horizon_hours),
            "lags_hours": ",".join(str(lag) for lag in result.task.lags_hours),
            "n_features": str(len(result.feature_names)),
            "data_fingerprint": result.data_fingerprint,
            "train_window": " / ".join(result.train_window),
            "validation_window": " / ".join(result.validation_window),
        }
    )
    now = _now_ms()
    return {
        "params": [{"key": k, "value": v} for k, v in sorted(params.items())],
        "metrics": [
            {"key": f"validation_{k}", "value": v, "timestamp": now, "step": 0}
            for k, v in sorted(result.metrics.items())
        ],
    }


def _now_ms() -> int:
    return int(time.time() * 1000)
