"""Secrets never leak: a whole authenticated scenario runs with DEBUG logging on everywhere, and
everything a user could see afterwards is searched for the password, the token and the encoded
``Authorization`` values.

Searched: every log record (formatted, and its raw fields and arguments), stdout and stderr,
``repr``/``str`` of clients, configs and auth objects, and message, repr and formatted traceback
(also with the frames' local variables, as error trackers record them, and with chained causes)
of each SDK error the scenario provokes: a wrong password, a token the server does not accept,
and a server that is down.
"""

from __future__ import annotations

import base64
import logging
import secrets
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import pytest

from mlflow_rest_sdk import MlflowClient, RetryPolicy
from mlflow_rest_sdk.errors import (
    APIConnectionError,
    MlflowApiError,
    MlflowRestError,
    Unauthenticated,
)
from mlflow_rest_sdk.local_server import find_free_port

from ._server import BasicAuthServer
from .conftest import User

pytestmark = [pytest.mark.live, pytest.mark.xdist_group("basic-auth-server")]

#: Loggers turned to DEBUG explicitly, in case anything configured them quieter.
DEBUG_LOGGERS = ("", "mlflow_rest_sdk", "httpx", "httpcore", "aiohttp", "asyncio", "urllib3")


def encoded_basic(username: str, password: str) -> str:
    return base64.b64encode(f"{username}:{password}".encode()).decode()


@dataclass
class Evidence:
    """Everything the scenario made visible, by where it was seen."""

    texts: list[tuple[str, str]] = field(default_factory=list)

    def add(self, where: str, text: object) -> None:
        self.texts.append((where, text if isinstance(text, str) else repr(text)))

    def add_error(self, where: str, error: BaseException) -> None:
        self.add(f"{where}: str", str(error))
        self.add(f"{where}: repr", repr(error))
        self.add(f"{where}: vars", vars(error))
        self.add(f"{where}: traceback", "".join(traceback.format_exception(error)))
        # As error trackers record it: every frame's locals, along the chain they display.
        with_locals = traceback.TracebackException.from_exception(error, capture_locals=True)
        self.add(f"{where}: traceback with locals", "".join(with_locals.format()))
        chained = error.__cause__ or error.__context__
        if chained is not None:  # even a suppressed context is one attribute away
            self.add(f"{where} <- {type(chained).__name__}: str", str(chained))
            self.add(f"{where} <- {type(chained).__name__}: repr", repr(chained))
            self.add(
                f"{where} <- {type(chained).__name__}", "".join(traceback.format_exception(chained))
            )
            chained_locals = traceback.TracebackException.from_exception(
                chained, capture_locals=True
            )
            self.add(
                f"{where} <- {type(chained).__name__}: traceback with locals",
                "".join(chained_locals.format()),
            )

    def leaks(self, secret_values: dict[str, str]) -> list[str]:
        return [
            f"{name} found in {where}"
            for where, text in self.texts
            for name, value in secret_values.items()
            if value in text
        ]


@pytest.fixture
def debug_logging(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    for name in DEBUG_LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name or None)
    yield caplog


def records_evidence(records: Iterable[logging.LogRecord], evidence: Evidence) -> None:
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    for record in records:
        evidence.add(f"log record {record.name}", formatter.format(record))
        evidence.add(f"log record {record.name} fields", vars(record))


def provoke(evidence: Evidence, where: str, call: Callable[[], object]) -> MlflowRestError:
    with pytest.raises(MlflowRestError) as caught:
        call()
    evidence.add_error(where, caught.value)
    return caught.value


def test_no_secret_appears_in_logs_reprs_or_errors_of_an_authenticated_scenario(
    debug_logging: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
    basic_auth_server: BasicAuthServer,
    connect: Callable[..., MlflowClient],
    admin: MlflowClient,
    new_user: Callable[[], User],
    unique_name: Callable[[str], str],
) -> None:
    evidence = Evidence()
    token = f"tok-{secrets.token_urlsafe(24)}"
    user = new_user()
    client = connect(username=user.username, password=user.password)
    experiment_id = client.create_experiment(name=unique_name("hygiene")).experiment_id
    assert experiment_id is not None
    run = client.create_run(experiment_id=experiment_id).run
    assert run is not None and run.info is not None and run.info.run_id is not None
    client.log_batch(
        run_id=run.info.run_id,
        params=[{"key": "depth", "value": "6"}],
        metrics=[{"key": "rmse", "value": 0.4, "timestamp": 1, "step": 0}],
    )
    client.get_run(run_id=run.info.run_id)
    client.list_proxied_artifacts()

    wrong = connect(username=user.username, password=f"{user.password}-wrong")
    # Not valid on a basic-auth server: 401, or 500 with the server's login cache on (MLflow
    # 3.17.2 fails to hash the missing username). Either way the token must not show up.
    bearer = connect(token=token, retry=RetryPolicy.none())
    down = connect(
        tracking_uri=f"http://127.0.0.1:{find_free_port()}",
        username=user.username,
        password=user.password,
        retry=RetryPolicy(max_attempts=2, backoff_factor=0.01),
    )
    assert isinstance(provoke(evidence, "wrong password", wrong.get_current_user), Unauthenticated)
    assert isinstance(provoke(evidence, "bearer token", bearer.get_current_user), MlflowApiError)
    assert isinstance(provoke(evidence, "server down", down.get_current_user), APIConnectionError)
    for name, each in {"user": client, "admin": admin, "wrong": wrong, "bearer": bearer}.items():
        evidence.add(f"repr of the {name} client", repr(each))
        evidence.add(f"repr of the {name} config", repr(each.config))
        evidence.add(f"str of the {name} config", str(each.config))
        evidence.add(f"fields of the {name} auth", vars(each.config.auth))

    records_evidence(debug_logging.records, evidence)
    out, err = capfd.readouterr()
    evidence.add("stdout", out)
    evidence.add("stderr", err)

    logged = " ".join(r.getMessage() for r in debug_logging.records if r.name == "mlflow_rest_sdk")
    assert "/api/2.0/mlflow/runs/log-batch" in logged, "the SDK's DEBUG lines were not captured"
    assert (
        evidence.leaks(
            {
                "the user's password": user.password,
                "the user's basic credentials": encoded_basic(user.username, user.password),
                "the wrong password": f"{user.password}-wrong",
                "the admin's password": basic_auth_server.admin_password,
                "the admin's basic credentials": encoded_basic(
                    basic_auth_server.admin_username, basic_auth_server.admin_password
                ),
                "the bearer token": token,
            }
        )
        == []
    )
