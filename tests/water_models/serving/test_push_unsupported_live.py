"""A server without webhooks: MLflow 3.17.2 on a file store (its webhook calls fail inside it).

Push must end in ``unsupported`` at once (not retry forever), so the service says in its health
that the listing alone keeps models fresh.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mlflow_rest_sdk import MlflowClient, RetryPolicy
from mlflow_rest_sdk.local_server import LocalMlflowServer
from water_models.serving.subscription import Outcome, ensure_webhook

pytestmark = [pytest.mark.live, pytest.mark.xdist_group("water-models-file-store")]


@pytest.fixture(scope="module")
def file_store_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalMlflowServer]:
    root = tmp_path_factory.mktemp("file-store")
    server = LocalMlflowServer(
        data_dir=root,
        backend_store_uri=f"file://{root / 'mlruns'}",
        workers=1,
        startup_timeout=300,
        # 3.17.2 refuses to start on a file store unless told this is wanted.
        extra_env={"MLFLOW_ALLOW_FILE_STORE": "true"},
    )
    with server:
        yield server


def test_a_file_store_server_has_no_webhooks_and_push_ends_unsupported(
    file_store_server: LocalMlflowServer,
) -> None:
    with MlflowClient(file_store_server.url, retry=RetryPolicy(max_attempts=1)) as client:
        registration = ensure_webhook(client, "http://127.0.0.1:9/webhooks/mlflow", "secret-x")
        listing = client.search_registered_models(max_results=10)  # the listing still works

    assert registration.outcome is Outcome.UNSUPPORTED
    assert registration.detail is not None and "500" in registration.detail
    assert listing.registered_models == []
