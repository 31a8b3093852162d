"""Thousands of operations through a misbehaving proxy, then the server read directly.

On each transport (httpx sync, httpx async, aiohttp) a few concurrent workers create runs, log
metrics one by one and in batches, set tags, create registered models and model versions, all
through a :class:`FaultProxy` that misbehaves on about 15% of the requests (and on every other
create request, in a fixed cycle that starts with a dropped response, so each kind of create
meets "ghosts"): refused and reset connections, delays, 429 with ``Retry-After``, 503, 502,
responses dropped after the server acted, and responses held past the client's read timeout.

Every call's outcome, as the caller saw it, is recorded. Then the server is read directly (not
through the proxy) and each test checks one promise of the SDK against what the server holds:
metrics exactly once, no duplicate runs or model versions, nothing reported as failed that in
fact happened, and no idempotent write lost.
"""

from __future__ import annotations

import asyncio
import functools
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pytest

from mlflow_rest_sdk import AsyncMlflowClient, MlflowClient, RetryPolicy
from mlflow_rest_sdk.errors import MlflowRestError
from mlflow_rest_sdk.models import ViewType

from .proxy import CyclingFaults, Fault, FaultEvent, FaultProxy, FirstMatch, RandomFaults

T = TypeVar("T")

pytestmark = pytest.mark.xdist_group("fault-scenarios")  # one workload per transport, one worker

TRANSPORTS = ("httpx-sync", "httpx-async", "aiohttp-async")
#: The share of requests each fault hits: 15.5% misbehave in all.
FAULT_SHARES = {
    Fault.REFUSE: 0.02,
    Fault.RESET: 0.02,
    Fault.DELAY: 0.02,
    Fault.TOO_MANY_REQUESTS: 0.02,
    Fault.SERVICE_UNAVAILABLE: 0.02,
    Fault.BAD_GATEWAY: 0.015,
    Fault.DROP_RESPONSE: 0.03,
    Fault.STALL_RESPONSE: 0.01,
}
#: Creates meet ambiguous faults far more often, so that every scenario has ghosts to resolve.
CREATE_PATHS = (
    "/api/2.0/mlflow/runs/create",
    "/api/2.0/mlflow/registered-models/create",
    "/api/2.0/mlflow/model-versions/create",
)
#: In turn per create path, so the first create of each kind is a ghost whatever the timing.
CREATE_FAULT_CYCLE = (
    Fault.DROP_RESPONSE,
    Fault.PASS,
    Fault.PASS,
    Fault.RESET,
    Fault.PASS,
    Fault.TOO_MANY_REQUESTS,
    Fault.PASS,
    Fault.STALL_RESPONSE,
    Fault.PASS,
    Fault.BAD_GATEWAY,
    Fault.PASS,
    Fault.DROP_RESPONSE,
    Fault.PASS,
    Fault.REFUSE,
    Fault.PASS,
    Fault.SERVICE_UNAVAILABLE,
)
#: Small waits; the server's Retry-After (1 s) is capped to keep the run short.
POLICY = RetryPolicy(
    backoff_factor=0.01, backoff_max=0.05, max_attempts=8, retry_after_max=0.05, deadline=60.0
)
#: The client's read timeout; a stalled response is held longer than this.
CLIENT_TIMEOUT_S = 2.0
STALL_S = 2.5
DELAY_S = 0.05

WORKERS = 4
RUNS = 40
SINGLE_METRICS_PER_RUN = 12
BATCHES_PER_RUN = 2
METRICS_PER_BATCH = 10
TAGS_PER_RUN = 2
MODELS = 4
VERSIONS_PER_MODEL = 5

RUN_INDEX_TAG = "scenario.run_index"
VERSION_INDEX_TAG = "scenario.version_index"
SINGLE_KEY = "single"
BATCH_KEY = "batch"

Call = Callable[..., Awaitable[Any]]
MetricPoint = tuple[int, float, int]  # step, value, timestamp


@dataclass
class Attempt:
    """One SDK call as its caller saw it: what it tried to do, and the error it raised, if any."""

    operation: str
    subject: tuple[Any, ...]
    error: str | None
    points: tuple[MetricPoint, ...] = ()  # the metrics a log_metric or log_batch wrote

    @property
    def failed(self) -> bool:
        return self.error is not None


@dataclass
class Outcome:
    kind: str
    experiment_id: str
    model_prefix: str
    attempts: list[Attempt] = field(default_factory=list)
    run_ids: dict[int, str] = field(default_factory=dict)  # run index -> id, as reported
    proxy_counts: Counter[Fault] = field(default_factory=Counter)
    proxy_events: list[FaultEvent] = field(default_factory=list)
    seconds: float = 0.0

    def of(self, operation: str) -> list[Attempt]:
        return [a for a in self.attempts if a.operation == operation]


@dataclass
class ServerState:
    """What the server holds after the workload, read directly."""

    runs_by_index: dict[int, list[str]]  # run index -> ids of runs carrying that index tag
    tags_by_run: dict[str, dict[str, str]]
    metrics: dict[tuple[str, str], Counter[MetricPoint]]  # (run id, key) -> points
    models: set[str]
    versions_by_index: dict[tuple[str, int], list[str]]  # (model, index) -> versions


# --- the workload ------------------------------------------------------------------------------


class Workload:
    """The operations of one scenario, spread over a few concurrent workers."""

    def __init__(self, call: Call, outcome: Outcome, source_run: tuple[str, str]) -> None:
        self._call = call
        self.outcome = outcome
        self._source_run_id, self._source_uri = source_run
        self._base_ms = int(time.time() * 1000)

    async def _try(
        self, operation: str, subject: tuple[Any, ...], points: tuple[MetricPoint, ...] = (),
        **arguments: Any,
    ) -> Any | None:  # fmt: skip
        try:
            result = await self._call(
                operation, timeout=CLIENT_TIMEOUT_S, retry=POLICY, **arguments
            )
        except MlflowRestError as error:
            self.outcome.attempts.append(
                Attempt(operation, subject, f"{type(error).__name__}: {error}", points)
            )
            return None
        self.outcome.attempts.append(Attempt(operation, subject, None, points))
        return result

    async def run(self) -> None:
        jobs: asyncio.Queue[Callable[[], Coroutine[Any, Any, None]]] = asyncio.Queue()
        for model in range(MODELS):
            jobs.put_nowait(functools.partial(self._model, model))
        for index in range(RUNS):
            jobs.put_nowait(functools.partial(self._run, index))

        async def worker() -> None:
            while not jobs.empty():
                await jobs.get_nowait()()

        await asyncio.gather(*(worker() for _ in range(WORKERS)))

    async def _run(self, index: int) -> None:
        created = await self._try(
            "create_run",
            (index,),
            experiment_id=self.outcome.experiment_id,
            run_name=f"run-{index}",
            start_time=self._base_ms,
            tags=[{"key": RUN_INDEX_TAG, "value": str(index)}],
        )
        if created is None:
            return
        run_id = created.run.info.run_id
        self.outcome.run_ids[index] = run_id
        for step in range(SINGLE_METRICS_PER_RUN):
            point = (step, float(index * 10_000 + step), self._base_ms + step)
            await self._try(
                "log_metric", (index, SINGLE_KEY, step), (point,),
                run_id=run_id, key=SINGLE_KEY, step=point[0], value=point[1], timestamp=point[2],
            )  # fmt: skip
        for batch in range(BATCHES_PER_RUN):
            first = 100 + batch * METRICS_PER_BATCH
            points = tuple(
                (step, float(index * 10_000 + step), self._base_ms + step)
                for step in range(first, first + METRICS_PER_BATCH)
            )
            metrics = [
                {"key": BATCH_KEY, "step": step, "value": value, "timestamp": timestamp}
                for step, value, timestamp in points
            ]
            await self._try("log_batch", (index, batch), points, run_id=run_id, metrics=metrics)
        for number in range(TAGS_PER_RUN):
            key, value = f"scenario.tag{number}", f"value-{index}-{number}"
            await self._try("set_tag", (index, key, value), run_id=run_id, key=key, value=value)

    async def _model(self, model: int) -> None:
        name = f"{self.outcome.model_prefix}-{model}"
        if await self._try("create_registered_model", (name,), name=name) is None:
            return
        for version in range(VERSIONS_PER_MODEL):
            await self._try(
                "create_model_version",
                (name, version),
                name=name,
                source=f"{self._source_uri}/model",
                run_id=self._source_run_id,
                tags=[{"key": VERSION_INDEX_TAG, "value": str(version)}],
            )


def _in_fresh_loop(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run ``coroutine`` on a new event loop in a thread of its own, and wait for it."""
    results: list[T] = []
    failures: list[BaseException] = []

    def target() -> None:
        try:
            results.append(asyncio.run(coroutine))
        except BaseException as error:
            failures.append(error)

    thread = threading.Thread(target=target, name="fault-scenario")
    thread.start()
    thread.join()
    if failures:
        raise failures[0]
    return results[0]


async def _drive(kind: str, proxy_url: str, outcome: Outcome, source_run: tuple[str, str]) -> None:
    if kind == "httpx-sync":
        with MlflowClient(proxy_url, transport="httpx", env_file=False) as client:

            def call_sync(operation: str, **arguments: Any) -> Awaitable[Any]:
                return asyncio.to_thread(getattr(client, operation), **arguments)

            await Workload(call_sync, outcome, source_run).run()
        return
    transport = kind.removesuffix("-async")
    async with AsyncMlflowClient(proxy_url, transport=transport, env_file=False) as aclient:

        def call_async(operation: str, **arguments: Any) -> Awaitable[Any]:
            result: Awaitable[Any] = getattr(aclient, operation)(**arguments)
            return result

        await Workload(call_async, outcome, source_run).run()


# --- reading the server directly ---------------------------------------------------------------


def _read_server(direct: MlflowClient, outcome: Outcome) -> ServerState:
    runs = direct.search_runs(
        experiment_ids=[outcome.experiment_id], run_view_type=ViewType.ALL, max_results=1000
    ).runs
    runs_by_index: dict[int, list[str]] = defaultdict(list)
    tags_by_run: dict[str, dict[str, str]] = {}
    metrics: dict[tuple[str, str], Counter[MetricPoint]] = {}
    for run in runs:
        assert run.info is not None and run.info.run_id is not None and run.data is not None
        run_id = run.info.run_id
        tags = {tag.key: tag.value for tag in run.data.tags if tag.key and tag.value is not None}
        tags_by_run[run_id] = tags
        if RUN_INDEX_TAG in tags:
            runs_by_index[int(tags[RUN_INDEX_TAG])].append(run_id)
        for key in (SINGLE_KEY, BATCH_KEY):
            history = direct.get_metric_history(run_id=run_id, metric_key=key, max_results=25000)
            metrics[run_id, key] = Counter(
                (int(m.step or 0), float(m.value or 0.0), int(m.timestamp or 0))
                for m in history.metrics
            )
    models = {
        model.name
        for model in direct.search_registered_models(
            filter=f"name LIKE '{outcome.model_prefix}-%'", max_results=1000
        ).registered_models
        if model.name is not None
    }
    versions_by_index: dict[tuple[str, int], list[str]] = defaultdict(list)
    for name in sorted(models):
        for version in direct.search_model_versions(
            filter=f"name = '{name}'", max_results=1000
        ).model_versions:
            for tag in version.tags:
                if tag.key == VERSION_INDEX_TAG and tag.value is not None:
                    versions_by_index[name, int(tag.value)].append(str(version.version))
    return ServerState(runs_by_index, tags_by_run, metrics, models, versions_by_index)


# --- fixtures ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def direct(tracking_uri: str) -> Iterator[MlflowClient]:
    """A client that talks to the server itself, never through the proxy."""
    with MlflowClient(tracking_uri, env_file=False) as client:
        yield client


@pytest.fixture(scope="module", params=TRANSPORTS)
def scenario(
    request: pytest.FixtureRequest, tracking_uri: str, direct: MlflowClient
) -> tuple[Outcome, ServerState]:
    """The workload run once per transport through the faulty proxy, and the server after it."""
    kind: str = request.param
    tag = uuid.uuid4().hex[:8]
    experiment_id = direct.create_experiment(name=f"faults-{kind}-{tag}").experiment_id
    assert experiment_id is not None
    source = direct.create_run(experiment_id=experiment_id, run_name="model-source").run
    assert source is not None and source.info is not None
    assert source.info.run_id is not None and source.info.artifact_uri is not None
    outcome = Outcome(kind, experiment_id, model_prefix=f"faults-{kind}-{tag}")
    seed = sum(map(ord, kind))
    plan = FirstMatch(
        CyclingFaults(CREATE_FAULT_CYCLE, path_prefixes=CREATE_PATHS),
        RandomFaults(FAULT_SHARES, seed=seed),
    )
    with FaultProxy(tracking_uri, plan, delay_s=DELAY_S, retry_after_s=1, stall_s=STALL_S) as proxy:
        started = time.monotonic()
        _in_fresh_loop(
            _drive(kind, proxy.url, outcome, (source.info.run_id, source.info.artifact_uri))
        )
        outcome.seconds = time.monotonic() - started
        outcome.proxy_counts = proxy.counts()
        outcome.proxy_events = proxy.events()
    return outcome, _read_server(direct, outcome)


def _metric_key(attempt: Attempt) -> str:
    return SINGLE_KEY if attempt.operation == "log_metric" else BATCH_KEY


def _report(outcome: Outcome) -> str:
    calls = Counter(a.operation for a in outcome.attempts)
    failed = Counter(a.operation for a in outcome.attempts if a.failed)
    faults = {str(fault): count for fault, count in sorted(outcome.proxy_counts.items())}
    return (
        f"[{outcome.kind}] {len(outcome.attempts)} calls in {outcome.seconds:.1f} s; "
        f"calls {dict(calls)}; failed {dict(failed)}; proxy {faults}; "
        f"ghost creates {len(_ghost_creates(outcome))}"
    )


def _ghost_creates(outcome: Outcome) -> list[FaultEvent]:
    """Creates the server acted on while the client never heard back."""
    return [
        event
        for event in outcome.proxy_events
        if event.path in CREATE_PATHS and event.fault in (Fault.DROP_RESPONSE, Fault.STALL_RESPONSE)
    ]


# --- the promises --------------------------------------------------------------------------------


def test_the_proxy_misbehaved_on_its_share_of_requests_with_every_fault(
    scenario: tuple[Outcome, ServerState],
) -> None:
    outcome, _ = scenario
    counts = outcome.proxy_counts
    total = sum(counts.values())
    print(_report(outcome))

    assert {fault for fault in FAULT_SHARES if counts[fault] == 0} == set()
    assert 0.10 <= 1 - counts[Fault.PASS] / total <= 0.25
    assert {event.path for event in _ghost_creates(outcome)} == set(CREATE_PATHS)


def test_every_logged_metric_is_present_exactly_once(
    scenario: tuple[Outcome, ServerState],
) -> None:
    outcome, server = scenario
    wrong: list[str] = []
    for attempt in outcome.of("log_metric") + outcome.of("log_batch"):
        index, key = (
            attempt.subject[0],
            SINGLE_KEY if attempt.operation == "log_metric" else BATCH_KEY,
        )
        stored = server.metrics.get((outcome.run_ids[index], key), Counter())
        for point in attempt.points:
            if not attempt.failed and stored[point] != 1:
                wrong.append(f"run {index} {key} step {point[0]}: stored {stored[point]} times")
    duplicated = [
        f"{run_id} {key} {point} x{count}"
        for (run_id, key), points in server.metrics.items()
        for point, count in points.items()
        if count > 1
    ]

    assert (wrong, duplicated) == ([], []), _report(outcome)


def test_no_metric_write_is_lost(scenario: tuple[Outcome, ServerState]) -> None:
    outcome, _ = scenario
    failed = [a for a in outcome.of("log_metric") + outcome.of("log_batch") if a.failed]

    assert [(a.operation, a.subject, a.error) for a in failed] == [], _report(outcome)


def test_no_run_is_created_twice(scenario: tuple[Outcome, ServerState]) -> None:
    outcome, server = scenario
    duplicated = {index: ids for index, ids in server.runs_by_index.items() if len(ids) > 1}

    assert duplicated == {}, _report(outcome)


def test_no_model_version_is_created_twice(scenario: tuple[Outcome, ServerState]) -> None:
    outcome, server = scenario
    duplicated = {key: found for key, found in server.versions_by_index.items() if len(found) > 1}

    assert duplicated == {}, _report(outcome)


def test_every_create_reported_as_done_is_on_the_server(
    scenario: tuple[Outcome, ServerState],
) -> None:
    outcome, server = scenario
    missing = [
        f"run {index} ({run_id})"
        for index, run_id in outcome.run_ids.items()
        if run_id not in server.runs_by_index.get(index, [])
    ]
    missing += [
        f"model {a.subject[0]}"
        for a in outcome.of("create_registered_model")
        if not a.failed and a.subject[0] not in server.models
    ]
    missing += [
        f"model {a.subject[0]} version #{a.subject[1]}"
        for a in outcome.of("create_model_version")
        if not a.failed and not server.versions_by_index.get((a.subject[0], a.subject[1]))
    ]

    assert missing == [], _report(outcome)


def test_no_operation_reported_as_failed_actually_happened(
    scenario: tuple[Outcome, ServerState],
) -> None:
    outcome, server = scenario
    happened: list[str] = []
    for attempt in outcome.attempts:
        if not attempt.failed:
            continue
        subject = attempt.subject
        if attempt.operation == "create_run":
            done = bool(server.runs_by_index.get(subject[0]))
        elif attempt.operation in ("log_metric", "log_batch"):
            stored = server.metrics.get(
                (outcome.run_ids[subject[0]], _metric_key(attempt)), Counter()
            )
            done = any(stored[point] for point in attempt.points)
        elif attempt.operation == "set_tag":
            tags = server.tags_by_run.get(outcome.run_ids[subject[0]], {})
            done = tags.get(subject[1]) == subject[2]
        elif attempt.operation == "create_registered_model":
            done = subject[0] in server.models
        else:
            done = bool(server.versions_by_index.get((subject[0], subject[1])))
        if done:
            happened.append(f"{attempt.operation} {subject}: {attempt.error}")

    assert happened == [], _report(outcome)


def test_every_create_made_safe_by_the_sdk_completes(
    scenario: tuple[Outcome, ServerState],
) -> None:
    """Runs, registered models and model versions can be checked, so no fault may fail them."""
    outcome, _ = scenario
    creates = ("create_run", "create_registered_model", "create_model_version")
    failed = [
        f"{a.operation} {a.subject}: {a.error}"
        for operation in creates
        for a in outcome.of(operation)
        if a.failed
    ]

    assert failed == [], _report(outcome)
