"""A model file with its metadata, and the one place that decides whether bytes may be loaded.

The metadata JSON carries the sha256 of the model file. Nothing is deserialized before the file's
digest matches it (and, for a registry download, the digest recorded on the model version too).
"""

from __future__ import annotations

import hashlib
import platform
import re
from dataclasses import dataclass
from importlib import metadata as importlib_metadata
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, ValidationError

from water_models.features import ForecastTask
from water_models.model_types import get_model_type
from water_models.model_types.base import ParamValue

if TYPE_CHECKING:
    from water_models.model_types import StationModel
    from water_models.training import TrainingResult

METADATA_FILE = "metadata.json"
_PLAIN_FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


class ModelIntegrityError(Exception):
    """A model file does not match its recorded checksum (or is not a model): never loaded."""


class PickleRefusedError(ModelIntegrityError):
    """A downloaded model would need unpickling, and the caller did not allow that."""


class ModelMetadata(BaseModel):
    """What ``metadata.json`` records next to each model file."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    station_id: str
    model_type: str
    format_version: int
    model_file: str
    sha256: str
    feature_names: list[str]
    feature_signature: str
    target: str
    horizon_hours: int
    lags_hours: list[int]
    train_window: tuple[str, str]
    validation_window: tuple[str, str]
    metrics: dict[str, float]
    params: dict[str, ParamValue]
    trained_at: str
    data_fingerprint: str
    library_versions: dict[str, str]
    version_label: str | None = None
    registered_model: str | None = None
    registry_version: str | None = None

    def task(self) -> ForecastTask:
        """The forecasting task the model was trained for."""
        return ForecastTask(
            target=self.target,
            horizon_hours=self.horizon_hours,
            lags_hours=tuple(self.lags_hours),
        )

    def to_json(self) -> bytes:
        return self.model_dump_json(indent=2).encode()

    @classmethod
    def from_json(cls, content: bytes, *, where: str) -> ModelMetadata:
        try:
            parsed = cls.model_validate_json(content)
        except ValidationError as error:
            raise ModelIntegrityError(f"{where}: {METADATA_FILE} is not valid: {error}") from None
        if not _PLAIN_FILE_NAME.match(parsed.model_file):
            raise ModelIntegrityError(f"{where}: bad model file name {parsed.model_file!r}")
        return parsed


def sha256_hex(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def library_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for dist in ("numpy", "pandas", "xgboost-cpu", "xgboost", "water_models", "mlflow-rest-sdk"):
        try:
            versions[dist] = importlib_metadata.version(dist)
        except importlib_metadata.PackageNotFoundError:
            continue
    return versions


@dataclass(frozen=True)
class ModelBundle:
    """Model file bytes plus metadata: the unit that is uploaded, cached and stored locally."""

    model_bytes: bytes
    metadata: ModelMetadata

    @classmethod
    def from_training(cls, result: TrainingResult) -> ModelBundle:
        content = result.model.to_bytes()
        model_cls = type(result.model)
        return cls(
            model_bytes=content,
            metadata=ModelMetadata(
                station_id=result.station_id,
                model_type=result.model_type,
                format_version=model_cls.format_version,
                model_file=model_cls.file_name,
                sha256=sha256_hex(content),
                feature_names=result.feature_names,
                feature_signature=result.task.signature(),
                target=result.task.target,
                horizon_hours=result.task.horizon_hours,
                lags_hours=list(result.task.lags_hours),
                train_window=result.train_window,
                validation_window=result.validation_window,
                metrics=result.metrics,
                params=result.params,
                trained_at=result.trained_at,
                data_fingerprint=result.data_fingerprint,
                library_versions=library_versions(),
            ),
        )

    def with_registration(
        self, version_label: str, registered_model: str, registry_version: str | None
    ) -> ModelBundle:
        updated = self.metadata.model_copy(
            update={
                "version_label": version_label,
                "registered_model": registered_model,
                "registry_version": registry_version,
            }
        )
        return ModelBundle(self.model_bytes, updated)

    def verify(self, where: str, expected_sha256: str | None = None) -> None:
        """Raise :class:`ModelIntegrityError` unless the bytes match every recorded digest."""
        actual = sha256_hex(self.model_bytes)
        for label, expected in (("metadata", self.metadata.sha256), ("registry", expected_sha256)):
            if expected is not None and actual != expected:
                raise ModelIntegrityError(
                    f"{where}: checksum mismatch for {self.metadata.model_file}: the {label} "
                    f"records sha256 {expected[:16]}..., the file has {actual[:16]}...; "
                    "refusing to load it"
                )

    def load(
        self,
        where: str,
        *,
        expected_sha256: str | None = None,
        downloaded: bool,
        allow_pickle: bool,
    ) -> StationModel:
        """Verify, then deserialize with the model type's own loader."""
        self.verify(where, expected_sha256)
        cls = get_model_type(self.metadata.model_type)
        if cls.uses_pickle and downloaded and not allow_pickle:
            raise PickleRefusedError(
                f"{where}: model type {cls.type_name!r} is stored as a pickle; loading a "
                "downloaded pickle runs arbitrary code, so it needs allow_pickle=True"
            )
        if self.metadata.format_version != cls.format_version:
            raise ModelIntegrityError(
                f"{where}: file format version {self.metadata.format_version} of "
                f"{cls.type_name!r}, this code reads version {cls.format_version}"
            )
        try:
            return cls.from_bytes(self.model_bytes)
        except ValueError as error:
            raise ModelIntegrityError(f"{where}: {error}") from None
