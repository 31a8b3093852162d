"""The fleet scenario's service side: promotion-to-served delays and a bounded ``/predict`` load.

The service is the real ``water-models serve`` in its own uvicorn process
(:class:`tests._infra.serve_process.ServiceProcess`), with push on. Promotions are made a few
tenths of a second apart on different stations; one poller reads ``GET /models`` every 50 ms and
notes when each station first serves its new version, so the promotions overlap and the
measurement costs about one refresh interval, not one per promotion.
"""

from __future__ import annotations

import asyncio
import random
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import httpx
from tests._infra.serve_process import ServiceProcess, readings

from mlflow_rest_sdk import MlflowClient
from water_models import naming  # type: ignore[import-untyped, unused-ignore]

__all__ = ["LoadResult", "Template", "predict_load", "promotion_delays"]

POLL_S = 0.05


@dataclass(frozen=True)
class Template:
    """A trained version whose run and files every copied model and new version shares."""

    name: str
    run_id: str
    source: str
    tags: list[dict[str, str]]


@dataclass(frozen=True)
class LoadResult:
    latencies_ms: list[float]
    failed: int
    seconds: float

    @property
    def per_second(self) -> float:
        return len(self.latencies_ms) / self.seconds


def _new_versions(uri: str, stations: Sequence[str], template: Template) -> dict[str, str]:
    """A new (unpromoted) version of each station's model: station -> version."""
    made = {}
    with MlflowClient(uri) as client:
        for station in stations:
            created = client.create_model_version(
                name=naming.registered_model_name(station, "xgboost"),
                source=template.source,
                run_id=template.run_id,
                tags=template.tags,
            ).model_version
            if created is None or not created.version:
                raise RuntimeError(f"no version created for {station}")
            made[station] = created.version
    return made


def promotion_delays(
    service: ServiceProcess,
    uri: str,
    stations: Sequence[str],
    template: Template,
    *,
    spacing: float,
    timeout: float,
) -> list[float]:
    """Seconds from each promotion (its alias call answered) to the service serving it."""
    wanted = _new_versions(uri, stations, template)
    promoted_at: dict[str, float] = {}
    seen_at: dict[str, float] = {}
    done = threading.Event()

    def poll() -> None:
        with httpx.Client(base_url=service.url, timeout=10.0, trust_env=False) as http:
            while not done.is_set():
                now = time.monotonic()
                for row in http.get("/models").json():
                    station = row["station_id"]
                    fresh = station in promoted_at and station not in seen_at
                    if fresh and row["version"] == wanted[station]:
                        seen_at[station] = now
                if len(seen_at) == len(wanted):
                    return
                done.wait(POLL_S)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    try:
        with MlflowClient(uri) as client:
            for station in stations:
                client.set_registered_model_alias(
                    name=naming.registered_model_name(station, "xgboost"),
                    alias=naming.CHAMPION,
                    version=wanted[station],
                )
                promoted_at[station] = time.monotonic()
                time.sleep(spacing)
        poller.join(timeout)
    finally:
        done.set()
        poller.join(10.0)
    missing = sorted(set(wanted) - set(seen_at))
    if missing:
        raise RuntimeError(f"promotions not served within {timeout} s: {missing}")
    return [seen_at[s] - promoted_at[s] for s in stations]


def predict_load(
    url: str, stations: Sequence[str], *, in_flight: int, seconds: float
) -> LoadResult:
    """``in_flight`` loops posting one station's last 26 readings each, until ``seconds`` pass."""
    bodies = [{"station_id": s, "readings": readings(s, hours=26)} for s in stations]

    async def go() -> LoadResult:
        latencies: list[float] = []
        failed = 0
        limits = httpx.Limits(max_connections=in_flight)
        async with httpx.AsyncClient(
            base_url=url, timeout=30.0, limits=limits, trust_env=False
        ) as http:

            async def loop(index: int, deadline: float) -> None:
                nonlocal failed
                rng = random.Random(index)
                while time.monotonic() < deadline:
                    body: dict[str, Any] = rng.choice(bodies)
                    started = time.perf_counter()
                    try:
                        answer = await http.post("/predict", json=body)
                        ok = answer.status_code == 200
                    except httpx.HTTPError:
                        ok = False
                    if ok:
                        latencies.append((time.perf_counter() - started) * 1e3)
                    else:
                        failed += 1

            await http.post("/predict", json=bodies[0])  # warm: connection, first call
            began = time.monotonic()
            deadline = began + seconds
            await asyncio.gather(*(loop(i, deadline) for i in range(in_flight)))
            return LoadResult(latencies, failed, time.monotonic() - began)

    return asyncio.run(go())
