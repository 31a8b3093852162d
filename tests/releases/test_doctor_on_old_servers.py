"""``mlflow-rest doctor`` on real older servers: it says the release, what of the SDK that
release lacks (from the spec's history), and when the client's configured release disagrees."""

from __future__ import annotations

import pytest
from tests.releases.conftest import OLD_2X, OldServer

from mlflow_rest_sdk.doctor import Status, check_version, doctor_client
from mlflow_rest_sdk.endpoints import ALL_ENDPOINTS


def _check(server: OldServer) -> tuple[Status, str, dict[str, object]]:
    with doctor_client(server.url) as client:
        result = check_version(client)
    return result.status, result.message, result.data


def test_the_doctor_counts_the_routes_the_servers_release_lacks(
    old_server: OldServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MLFLOW_REST_SERVER_VERSION", raising=False)
    status, message, data = _check(old_server)

    lacking = data["routes_needing_newer"]
    assert isinstance(lacking, dict)
    assert "3.3.0" in lacking  # webhooks, on both
    assert ("3.0.0" in lacking) is (old_server.release == OLD_2X)  # logged models
    assert data["server_version"] == old_server.release
    assert status is (Status.WARN if old_server.release == OLD_2X else Status.OK)
    assert (
        f"{sum(lacking.values())} of the SDK's {len(ALL_ENDPOINTS)} routes need a newer MLflow, "
        "which the client refuses before sending"
    ) in message


def test_the_doctor_warns_when_the_configured_release_is_not_the_servers(
    server_3x: OldServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLFLOW_REST_SERVER_VERSION", "2.22.5")
    status, message, data = _check(server_3x)

    assert status is Status.WARN
    assert data["client_release_setting"] == "2.22.5"
    assert "the client is told the server runs 2.22.5" in message


def test_the_doctor_says_when_release_checks_are_off(
    server_2x: OldServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLFLOW_REST_SERVER_VERSION", "off")
    _, message, data = _check(server_2x)

    assert data["client_release_setting"] == "off"
    assert "which the client refuses" not in message
    assert "release checks are off" in message
