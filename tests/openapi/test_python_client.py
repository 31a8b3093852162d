"""A Python client that a generator nobody here wrote builds from spec/openapi.json, used against a
real MLflow 3.17.2 server.

openapi-python-client (pinned in python_client/requirements.txt, installed once into its own
environment under build/tools/) generates a client package into a temporary folder with
``--fail-on-warning``; the tests import it and run everyday calls through it. What they prove:
the document is ordinary enough for a stock generator to digest whole, and what it says about
requests and answers is what the server really reads and writes (a field the document misnames,
a wrong required flag or a response schema the server breaks shows up here as a failed call or
a parse error, not as a warning).
"""

from __future__ import annotations

import importlib
import io
import json
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from tests._infra.tools import python_tool_env
from tests.openapi.conftest import OPENAPI_PATH

from mlflow_rest_sdk.local_server import LocalMlflowServer

pytestmark = pytest.mark.xdist_group("openapi-python-client")

HERE = Path(__file__).resolve().parent / "python_client"
PACKAGE = "mlflow_openapi_client"
GENERATE_TIMEOUT = 300.0


@pytest.fixture(scope="module")
def generated_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The client package openapi-python-client writes from the committed document."""
    python = python_tool_env("openapi-python-client", HERE / "requirements.txt")
    target = tmp_path_factory.mktemp("foreign-python-client") / PACKAGE
    command = [
        str(python), "-m", "openapi_python_client", "generate",
        "--path", str(OPENAPI_PATH), "--output-path", str(target), "--meta", "none",
        "--config", str(HERE / "config.yaml"), "--fail-on-warning",
    ]  # fmt: skip
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=GENERATE_TIMEOUT, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return target


@pytest.fixture(scope="module")
def client_package(generated_package: Path) -> Iterator[ModuleType]:
    sys.path.insert(0, str(generated_package.parent))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(generated_package.parent))


def _module(package: ModuleType, name: str) -> Any:
    return importlib.import_module(f"{package.__name__}.{name}")


@pytest.fixture(scope="module")
def client(client_package: ModuleType, mlflow_server: LocalMlflowServer) -> Iterator[Any]:
    """The generated client on the session's server (its own timeout: the generator's is none)."""
    made = client_package.Client(
        base_url=mlflow_server.url,
        timeout=httpx.Timeout(30.0),
        raise_on_unexpected_status=True,
    )
    with made as opened:
        yield opened


def _api(package: ModuleType, tag: str, operation: str) -> Any:
    return _module(package, f"api.{tag}.{operation}")


def _model(package: ModuleType, name: str) -> Any:
    return getattr(_module(package, "models"), name)


def _now_ms() -> int:
    return int(time.time() * 1000)


def _create_experiment(package: ModuleType, client: Any) -> str:
    body = _model(package, "CreateExperiment")(name=f"foreign-python-{uuid.uuid4().hex}")
    answer = _api(package, "experiments", "create_experiment").sync(client=client, body=body)
    assert isinstance(answer, _model(package, "CreateExperimentResponse")), answer
    experiment_id: str = answer.experiment_id
    return experiment_id


def _create_run(package: ModuleType, client: Any, experiment_id: str) -> Any:
    body = _model(package, "CreateRun")(
        experiment_id=experiment_id, run_name="foreign", start_time=_now_ms()
    )
    answer = _api(package, "runs", "create_run").sync(client=client, body=body)
    assert isinstance(answer, _model(package, "CreateRunResponse")), answer
    return answer.run


def test_generator_writes_a_module_for_every_operation_of_the_document(
    generated_package: Path,
) -> None:
    document = json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))
    expected = {
        f"{operation['tags'][0]}/{operation['operationId']}.py"
        for item in document["paths"].values()
        for method, operation in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    }
    written = {
        path.relative_to(generated_package / "api").as_posix()
        for path in (generated_package / "api").glob("*/*.py")
        if path.name != "__init__.py"
    }
    assert len(expected) == 217
    assert written == expected


def test_created_experiment_reads_back_by_id(client_package: ModuleType, client: Any) -> None:
    experiment_id = _create_experiment(client_package, client)

    answer = _api(client_package, "experiments", "get_experiment").sync(
        client=client, experiment_id=experiment_id
    )

    assert isinstance(answer, _model(client_package, "GetExperimentResponse")), answer
    assert answer.experiment.experiment_id == experiment_id
    assert answer.experiment.lifecycle_stage == "active"


def test_created_run_is_running_in_its_experiment(client_package: ModuleType, client: Any) -> None:
    experiment_id = _create_experiment(client_package, client)

    run = _create_run(client_package, client, experiment_id)

    assert run.info.experiment_id == experiment_id
    assert run.info.status == _model(client_package, "RunStatus").RUNNING
    assert run.info.run_name == "foreign"


def test_logged_metric_reads_back_with_its_value_step_and_timestamp(
    client_package: ModuleType, client: Any
) -> None:
    experiment_id = _create_experiment(client_package, client)
    run_id = _create_run(client_package, client, experiment_id).info.run_id
    timestamp = _now_ms()
    body = _model(client_package, "LogMetric")(
        run_id=run_id, key="rmse", value=0.25, timestamp=timestamp, step=3
    )
    logged = _api(client_package, "runs", "log_metric").sync(client=client, body=body)
    assert isinstance(logged, _model(client_package, "LogMetricResponse")), logged

    answer = _api(client_package, "runs", "get_run").sync(client=client, run_id=run_id)

    assert isinstance(answer, _model(client_package, "GetRunResponse")), answer
    [metric] = answer.run.data.metrics
    assert (metric.key, metric.value, metric.step) == ("rmse", 0.25, 3)
    assert int(metric.timestamp) == timestamp


def test_non_finite_metrics_are_sent_as_the_named_enum(
    client_package: ModuleType, client: Any
) -> None:
    # NaN reads back as NaN; an infinity as the largest finite double, since MLflow's SQL store
    # cannot hold infinities (docs/mlflow-server-notes.md).
    non_finite = _model(client_package, "NonFiniteNumber")
    run = _create_run(client_package, client, _create_experiment(client_package, client))
    for key, value in (("nan", non_finite.NAN), ("low", non_finite.NEGATIVE_INFINITY)):
        body = _model(client_package, "LogMetric")(
            run_id=run.info.run_id, key=key, value=value, timestamp=_now_ms()
        )
        _api(client_package, "runs", "log_metric").sync(client=client, body=body)

    answer = _api(client_package, "runs", "get_run").sync(client=client, run_id=run.info.run_id)

    values = {metric.key: metric.value for metric in answer.run.data.metrics}
    assert values == {"nan": non_finite.NAN, "low": -sys.float_info.max}


def test_search_runs_finds_the_run_by_its_metric(client_package: ModuleType, client: Any) -> None:
    experiment_id = _create_experiment(client_package, client)
    wanted = _create_run(client_package, client, experiment_id).info.run_id
    _create_run(client_package, client, experiment_id)
    body = _model(client_package, "LogMetric")(
        run_id=wanted, key="accuracy", value=0.9, timestamp=_now_ms()
    )
    _api(client_package, "runs", "log_metric").sync(client=client, body=body)

    search = _model(client_package, "SearchRuns")(
        experiment_ids=[experiment_id], filter_="metrics.accuracy > 0.5", max_results=10
    )
    answer = _api(client_package, "runs", "search_runs").sync(client=client, body=search)

    assert isinstance(answer, _model(client_package, "SearchRunsResponse")), answer
    assert [run.info.run_id for run in answer.runs] == [wanted]


def test_created_registered_model_carries_its_name_and_description(
    client_package: ModuleType, client: Any
) -> None:
    name = f"foreign-python-model-{uuid.uuid4().hex}"
    body = _model(client_package, "CreateRegisteredModel")(name=name, description="from elsewhere")

    answer = _api(client_package, "registered_models", "create_registered_model").sync(
        client=client, body=body
    )

    assert isinstance(answer, _model(client_package, "CreateRegisteredModelResponse")), answer
    assert answer.registered_model.name == name
    assert answer.registered_model.description == "from elsewhere"
    assert int(answer.registered_model.creation_timestamp) > 0


def test_delete_sends_its_json_body_and_the_model_is_gone(
    client_package: ModuleType, client: Any
) -> None:
    name = f"foreign-python-model-{uuid.uuid4().hex}"
    models = "registered_models"
    _api(client_package, models, "create_registered_model").sync(
        client=client, body=_model(client_package, "CreateRegisteredModel")(name=name)
    )

    deleted = _api(client_package, models, "delete_registered_model").sync(
        client=client, body=_model(client_package, "DeleteRegisteredModel")(name=name)
    )
    after = _api(client_package, models, "get_registered_model").sync(client=client, name=name)

    assert isinstance(deleted, _model(client_package, "DeleteRegisteredModelResponse")), deleted
    assert isinstance(after, _model(client_package, "MlflowError")), after
    assert after.error_code == "RESOURCE_DOES_NOT_EXIST"


def test_missing_run_answers_a_typed_mlflow_error(client_package: ModuleType, client: Any) -> None:
    answer = _api(client_package, "runs", "get_run").sync_detailed(
        client=client, run_id=uuid.uuid4().hex
    )

    assert answer.status_code == 404
    assert isinstance(answer.parsed, _model(client_package, "MlflowError")), answer.parsed
    assert answer.parsed.error_code == "RESOURCE_DOES_NOT_EXIST"


def test_artifact_with_slashes_in_its_path_uploads_lists_and_downloads(
    client_package: ModuleType, client: Any
) -> None:
    # The generator percent-encodes the path parameter's slashes (%2F); the server decodes them.
    folder = f"foreign-python-{uuid.uuid4().hex}"
    path = f"{folder}/dir/notes.txt"
    file = _module(client_package, "types").File(payload=io.BytesIO(b"bytes from elsewhere\n"))
    artifacts = "artifacts"

    uploaded = _api(client_package, artifacts, "upload_artifact").sync_detailed(
        path, client=client, body=file
    )
    listed = _api(client_package, artifacts, "list_proxied_artifacts").sync(
        client=client, path=f"{folder}/dir"
    )
    downloaded = _api(client_package, artifacts, "download_artifact").sync(path, client=client)

    assert (uploaded.status_code, uploaded.parsed) == (200, None), uploaded.content
    assert [(f.path, f.is_dir, int(f.file_size)) for f in listed.files] == [
        ("notes.txt", False, len(b"bytes from elsewhere\n"))
    ]
    assert downloaded.payload.read() == b"bytes from elsewhere\n"
