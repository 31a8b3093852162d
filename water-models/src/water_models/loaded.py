"""What a load returns: the model, where it came from, and how to forecast with it."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Literal

from water_models.bundle import ModelBundle, ModelMetadata
from water_models.features import build_prediction_features
from water_models.model_types import StationModel
from water_models.schema import TIMESTAMP

if TYPE_CHECKING:
    import pandas as pd

Source = Literal["mlflow", "cache", "local"]


@dataclass(frozen=True)
class LoadedModel:
    """A ready model. ``source``: ``mlflow`` (downloaded now), ``cache`` or ``local`` (a file)."""

    model: StationModel
    metadata: ModelMetadata
    source: Source
    registered_model: str
    registry_version: str | None
    alias: str | None
    version_label: str | None
    sha256: str
    load_seconds: float

    @classmethod
    def from_bundle(
        cls,
        bundle: ModelBundle,
        model: StationModel,
        *,
        source: Source,
        registered_model: str,
        started: float,
        registry_version: str | None = None,
        alias: str | None = None,
        version_label: str | None = None,
        sha256: str | None = None,
    ) -> LoadedModel:
        """``model`` deserialized from ``bundle``; what the caller does not know, the bundle says.

        The version label and checksum default to the bundle's metadata (a registry record's own
        label or checksum wins when given); ``started`` is the ``time.perf_counter()`` reading
        taken when the load began, so every path reports its load time the same way.
        """
        meta = bundle.metadata
        return cls(
            model=model,
            metadata=meta,
            source=source,
            registered_model=registered_model,
            registry_version=registry_version,
            alias=alias,
            version_label=version_label or meta.version_label,
            sha256=sha256 or meta.sha256,
            load_seconds=time.perf_counter() - started,
        )

    def forecast(self, data: pd.DataFrame) -> pd.DataFrame:
        """Forecasts from checked station data: one row per hour of ``data``.

        ``timestamp`` is when the forecast is made, ``forecast_for`` the hour it predicts.
        """
        import pandas as pd  # here, not at import: loading a model must not need pandas

        task = self.metadata.task()
        table = build_prediction_features(data, task)
        predicted = self.model.predict(table.features)
        return pd.DataFrame(
            {
                TIMESTAMP: table.times,
                "forecast_for": table.times + pd.Timedelta(hours=task.horizon_hours),
                f"predicted_{task.target}": predicted,
            }
        ).reset_index(drop=True)


@dataclass(frozen=True)
class ModelInfo:
    """What ``get_model_info`` reports (and ``water-models info --json`` prints)."""

    station_id: str
    model_type: str
    source: Source
    version: str | None
    registry_version: str | None
    alias: str | None
    registered_model: str
    metrics: dict[str, float]
    trained_at: str
    sha256: str

    @classmethod
    def from_loaded(cls, loaded: LoadedModel) -> ModelInfo:
        meta = loaded.metadata
        return cls(
            station_id=meta.station_id,
            model_type=meta.model_type,
            source=loaded.source,
            version=loaded.version_label,
            registry_version=loaded.registry_version,
            alias=loaded.alias,
            registered_model=loaded.registered_model,
            metrics=dict(meta.metrics),
            trained_at=meta.trained_at,
            sha256=loaded.sha256,
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
