"""Push in a real uvicorn process: a promotion arrives through MLflow's webhook, not the listing.

The pushed service lists the registry every 10 minutes, so anything it serves within seconds of
a promotion came through the webhook MLflow delivered to it; its last listing is checked to be
the one it made at start. Beside it, a service with push off (no public URL) picks promotions up
through its short listing interval. A delivery signed with the wrong secret is refused while the
webhook is disabled on the server (so MLflow itself delivers nothing meanwhile), and the same
delivery signed with the right secret then works: the signature alone made the difference. With
two worker processes, the delivery reaches one and both reload (through the push journal).

New versions are cheap: a copy of the champion's record (same run, files and checksum tags), so
each promotion downloads and verifies real files without training again.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from serving_support import Fleet, ServiceProcess, readings, register_fleet, service_env

from mlflow_rest_sdk import MlflowClient
from mlflow_rest_sdk.local_server import LocalMlflowServer
from mlflow_rest_sdk.webhooks import sign
from water_models import naming

pytestmark = pytest.mark.xdist_group("water-models-serving-push")

SECRET = "push-test-secret-0123456789"
#: A listing interval no test waits for: what arrives sooner came through the webhook.
LONG_INTERVAL = {"WATER_MODELS_REFRESH_INTERVAL": "600", "WATER_MODELS_REFRESH_JITTER": "0.1"}
SHORT_INTERVAL = {"WATER_MODELS_REFRESH_INTERVAL": "1.0", "WATER_MODELS_REFRESH_JITTER": "0.2"}
#: Promotion to served through the webhook: delivery plus one reload (two small downloads).
PUSH_BOUND_S = 5.0
#: Through the listing: the interval with its jitter, a listing and the downloads, on a loaded
#: two-core machine.
LISTING_BOUND_S = 15.0


@pytest.fixture(scope="module")
def fleet(mlflow_server: LocalMlflowServer, tmp_path_factory: pytest.TempPathFactory) -> Fleet:
    prefix = f"ps{uuid.uuid4().hex[:6]}-"
    root = tmp_path_factory.mktemp("push-fleet")
    return register_fleet(mlflow_server.url, root, [f"{prefix}{i}" for i in range(2)])


def _started(process: ServiceProcess, fleet: Fleet, *, push: bool) -> ServiceProcess:
    process.start()

    def ready() -> bool:
        health = process.health()
        return health["models"]["confirmed_by_mlflow"] == len(fleet.stations) and (
            health["push"]["active"] or not push
        )

    process.wait_until(ready, 60, "every champion confirmed" + (" and push active" if push else ""))
    return process


@pytest.fixture(scope="module")
def pushed(fleet: Fleet) -> Iterator[ServiceProcess]:
    env = {**service_env(fleet.uri, fleet.root / "pushed", fleet.prefix), **LONG_INTERVAL}
    process = ServiceProcess(fleet.root, env, webhook_secret=SECRET)
    webhook_id = None
    try:
        _started(process, fleet, push=True)
        webhook_id = process.health()["push"]["webhook_id"]
        yield process
    finally:
        process.stop()
        if webhook_id is not None:  # the session's server outlives this service
            with MlflowClient(fleet.uri) as client:
                client.delete_webhook(webhook_id=webhook_id)


@pytest.fixture(scope="module")
def pushed_workers(fleet: Fleet) -> Iterator[ServiceProcess]:
    """Push on with two worker processes: a delivery reaches one of them."""
    env = {**service_env(fleet.uri, fleet.root / "workers", fleet.prefix), **LONG_INTERVAL}
    process = ServiceProcess(fleet.root, env, workers=2, webhook_secret=SECRET)
    webhook_id = None
    try:
        _started(process, fleet, push=True)
        webhook_id = process.health()["push"]["webhook_id"]
        yield process
    finally:
        process.stop()
        if webhook_id is not None:
            with MlflowClient(fleet.uri) as client:
                client.delete_webhook(webhook_id=webhook_id)


@pytest.fixture(scope="module")
def listing_only(fleet: Fleet) -> Iterator[ServiceProcess]:
    env = {**service_env(fleet.uri, fleet.root / "listing", fleet.prefix), **SHORT_INTERVAL}
    process = ServiceProcess(fleet.root, env)
    try:
        yield _started(process, fleet, push=False)
    finally:
        process.stop()


def _new_version(fleet: Fleet, station: str) -> str:
    """A new version of the station's model with the champion's files (not promoted)."""
    name = naming.registered_model_name(station, "xgboost")
    with MlflowClient(fleet.uri) as client:
        champion = client.get_model_version_by_alias(name=name, alias=naming.CHAMPION)
        current = champion.model_version
        assert current is not None and current.source and current.run_id
        created = client.create_model_version(
            name=name,
            source=current.source,
            run_id=current.run_id,
            tags=[{"key": t.key or "", "value": t.value or ""} for t in current.tags],
        )
    assert created.model_version is not None and created.model_version.version
    return created.model_version.version


def _served(service: ServiceProcess, station: str) -> str | None:
    answer = service.http.post(
        "/predict", json={"station_id": station, "readings": readings(station, hours=26)}
    )
    assert answer.status_code == 200, answer.text
    version: str | None = answer.json()["model_version"]
    return version


def _delivery(station: str, version: str, secret: str) -> tuple[dict[str, str], bytes]:
    """An alias delivery as MLflow makes it, signed with ``secret``."""
    body = json.dumps(
        {
            "entity": "model_version_alias",
            "action": "created",
            "timestamp": datetime.now(UTC).isoformat(),
            "data": {
                "name": naming.registered_model_name(station, "xgboost"),
                "alias": naming.CHAMPION,
                "version": version,
            },
        }
    ).encode()
    delivery_id, timestamp = str(uuid.uuid4()), str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "X-MLflow-Delivery-Id": delivery_id,
        "X-MLflow-Timestamp": timestamp,
        "X-MLflow-Signature": sign(secret, delivery_id, timestamp, body),
    }
    return headers, body


def _last_listing(service: ServiceProcess) -> dict[str, Any]:
    refresh: dict[str, Any] = service.health()["mlflow"]["last_refresh"]
    return refresh


def test_health_says_push_is_active_with_the_webhook_it_registered(
    pushed: ServiceProcess, fleet: Fleet
) -> None:
    push = pushed.health()["push"]

    assert push["active"] and push["status"] == "active"
    assert push["endpoint"] == f"{pushed.url}/webhooks/mlflow"
    with MlflowClient(fleet.uri) as client:
        hook = client.get_webhook(webhook_id=push["webhook_id"]).webhook
    assert hook is not None and hook.url == push["endpoint"]
    assert SECRET not in json.dumps(pushed.health()) and SECRET not in pushed.log()


def test_a_promotion_is_served_within_seconds_through_the_webhook(
    pushed: ServiceProcess, fleet: Fleet
) -> None:
    station = fleet.stations[0]
    listing_before = _last_listing(pushed)
    new = _new_version(fleet, station)
    assert _served(pushed, station) != new

    fleet.promote(station, new)
    took = pushed.wait_until(
        lambda: _served(pushed, station) == new, PUSH_BOUND_S, f"version {new} served"
    )

    # No listing ran meanwhile (the next is minutes away): the webhook brought it.
    assert _last_listing(pushed)["started_at"] == listing_before["started_at"]
    assert pushed.health()["push"]["accepted"] >= 1
    print(f"promotion served {took:.2f} s after the alias moved, through the webhook")


def test_a_delivery_with_a_wrong_signature_is_refused_and_changes_nothing(
    pushed: ServiceProcess, fleet: Fleet
) -> None:
    station = fleet.stations[1]
    before = _served(pushed, station)
    webhook_id = pushed.health()["push"]["webhook_id"]
    with MlflowClient(fleet.uri) as client:
        # MLflow must not deliver this promotion itself: only the forged delivery could.
        client.update_webhook(webhook_id=webhook_id, status="DISABLED")
        try:
            new = _new_version(fleet, station)
            fleet.promote(station, new)
            refused_before = pushed.health()["push"]["refused"]

            headers, body = _delivery(station, new, "not-the-secret")
            forged = pushed.http.post("/webhooks/mlflow", headers=headers, content=body)
            time.sleep(2.0)  # room for a reload, had one been queued
            still = _served(pushed, station)

            headers, body = _delivery(station, new, SECRET)
            signed = pushed.http.post("/webhooks/mlflow", headers=headers, content=body)
            pushed.wait_until(
                lambda: _served(pushed, station) == new, PUSH_BOUND_S, "the signed delivery"
            )
        finally:
            client.update_webhook(webhook_id=webhook_id, status="ACTIVE")

    assert forged.status_code == 401 and forged.json()["error"] == "signature_mismatch"
    assert still == before != new
    assert pushed.health()["push"]["refused"] == refused_before + 1
    assert signed.status_code == 202


def _fresh_health(service: ServiceProcess) -> dict[str, Any]:
    """``/health`` on a new connection, so that any worker may answer it."""
    with httpx.Client(base_url=service.url, timeout=10.0, trust_env=False) as http:
        answer: dict[str, Any] = http.get("/health").json()
    return answer


def test_with_several_workers_every_worker_reloads_a_pushed_promotion(
    pushed_workers: ServiceProcess, fleet: Fleet
) -> None:
    station = fleet.stations[1]
    new = _new_version(fleet, station)
    reloads: dict[int, int] = {}

    def every_worker_reloaded() -> bool:
        health = _fresh_health(pushed_workers)
        reloads[health["worker_pid"]] = health["push"]["reloads"]
        return len(reloads) == 2 and all(count >= 1 for count in reloads.values())

    fleet.promote(station, new)
    took = pushed_workers.wait_until(
        every_worker_reloaded, PUSH_BOUND_S, f"both workers reloading version {new} ({reloads})"
    )

    with MlflowClient(fleet.uri) as client:  # one webhook for the two workers' URL
        hooks = [
            h
            for h in client.list_webhooks_iter()
            if h.url == f"{pushed_workers.url}/webhooks/mlflow"
        ]
    assert len(hooks) == 1
    for _ in range(10):  # whichever worker answers serves the new champion
        with httpx.Client(base_url=pushed_workers.url, timeout=30.0, trust_env=False) as http:
            body = {"station_id": station, "readings": readings(station, hours=26)}
            assert http.post("/predict", json=body).json()["model_version"] == new
    print(f"both workers reloaded {took:.2f} s after the alias moved")


def test_a_webhook_deleted_while_the_service_runs_is_registered_again(fleet: Fleet) -> None:
    """Checked once per refresh interval (1 s here): health names the new webhook, and the
    server holds exactly one for the service's endpoint."""
    env = {**service_env(fleet.uri, fleet.root / "rechecked", fleet.prefix), **SHORT_INTERVAL}
    process = ServiceProcess(fleet.root, env, webhook_secret=SECRET)
    try:
        _started(process, fleet, push=True)
        push = process.health()["push"]
        with MlflowClient(fleet.uri) as client:
            client.delete_webhook(webhook_id=push["webhook_id"])

            def registered_again() -> bool:
                now = process.health()["push"]
                return bool(now["active"] and now["webhook_id"] not in (None, push["webhook_id"]))

            process.wait_until(registered_again, LISTING_BOUND_S, "a new webhook registered")
            ours = [h for h in client.list_webhooks_iter() if h.url == push["endpoint"]]
            assert [h.webhook_id for h in ours] == [process.health()["push"]["webhook_id"]]
    finally:
        process.stop()
        with MlflowClient(fleet.uri) as client:
            for hook in client.list_webhooks_iter():
                if hook.url == push["endpoint"] and hook.webhook_id:
                    client.delete_webhook(webhook_id=hook.webhook_id)


def test_with_push_off_a_promotion_is_served_through_the_listing(
    listing_only: ServiceProcess, fleet: Fleet
) -> None:
    push = listing_only.health()["push"]
    assert not push["active"] and push["status"] == "off"
    station = fleet.stations[0]
    new = _new_version(fleet, station)

    fleet.promote(station, new)
    took = listing_only.wait_until(
        lambda: _served(listing_only, station) == new, LISTING_BOUND_S, f"version {new} served"
    )

    answer = listing_only.http.post("/webhooks/mlflow", content=b"{}")
    assert answer.status_code == 404 and answer.json()["error"] == "push_off"
    print(f"promotion served {took:.2f} s after the alias moved, through the listing")
