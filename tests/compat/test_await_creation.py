"""``create_model_version`` waits for a pending version as MLflow's client does. MLflow's own
registry answers READY at once, so the pending states come from a client whose
``get_model_version`` replays a registry that registers slowly (nothing is sent)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mlflow_rest_sdk.compat import MlflowClient, MlflowException
from mlflow_rest_sdk.compat._sync import model_versions
from mlflow_rest_sdk.compat.entities import ModelVersion


def _version(status: str) -> ModelVersion:
    return ModelVersion("fleet", "1", 0, status=status, status_message=f"{status} message")


class SlowRegistry(MlflowClient):
    """A client whose reads of a version walk through ``statuses``."""

    def __init__(self, statuses: list[str]) -> None:
        super().__init__("http://127.0.0.1:9")
        self.statuses: Iterator[str] = iter(statuses)
        self.reads = 0

    def get_model_version(self, name: str, version: str) -> ModelVersion:
        self.reads += 1
        return _version(next(self.statuses))


@pytest.fixture(autouse=True)
def no_pause(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(model_versions, "AWAIT_POLL_SECONDS", 0.0)


def test_a_pending_version_is_polled_until_ready() -> None:
    with SlowRegistry(["PENDING_REGISTRATION", "READY"]) as client:
        ready = client._await_ready(_version("PENDING_REGISTRATION"), 60)

    assert (ready.status, client.reads) == ("READY", 2)


def test_a_failed_registration_raises_with_the_servers_message() -> None:
    with SlowRegistry(["FAILED_REGISTRATION"]) as client, pytest.raises(MlflowException) as caught:
        client._await_ready(_version("PENDING_REGISTRATION"), 60)

    assert "FAILED_REGISTRATION message" in caught.value.message


def test_a_version_pending_past_the_wait_raises() -> None:
    with (
        SlowRegistry(["PENDING_REGISTRATION"] * 1000) as client,
        pytest.raises(MlflowException, match="Exceeded max wait time"),
    ):
        client._await_ready(_version("PENDING_REGISTRATION"), 0.0)
