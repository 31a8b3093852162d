"""Bad ``mlflow-rest doctor`` invocations: exit code 2 and one line naming what was wrong."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mlflow_rest_sdk.cli import main

from ._script import SDK_VARIABLES

SECRET = "hunter2-do-not-echo"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No SDK variables from the developer's shell, and no ``.env`` in the working folder."""
    for name in SDK_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize("option", ["--password", "--token"])
def test_a_secret_on_the_command_line_is_refused_without_echoing_it(
    option: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["doctor", "--tracking-uri", "http://127.0.0.1:1", option, SECRET])
    err = capsys.readouterr().err
    assert exited.value.code == 2
    assert f"{option}-env" in err
    assert SECRET not in err


def test_a_password_variable_that_is_not_set_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["doctor", "--tracking-uri", "http://127.0.0.1:1", "--username", "bob",
         "--password-env", "NOT_SET_ANYWHERE"]
    )  # fmt: skip
    assert code == 2
    assert "NOT_SET_ANYWHERE" in capsys.readouterr().err


def test_a_username_without_any_password_says_where_to_put_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["doctor", "--tracking-uri", "http://127.0.0.1:1", "--username", "bob"]) == 2
    assert "--password-env" in capsys.readouterr().err


def test_a_missing_tracking_uri_names_the_variable_to_set(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["doctor"]) == 2
    assert "MLFLOW_TRACKING_URI" in capsys.readouterr().err


def test_a_non_http_tracking_uri_is_a_configuration_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["doctor", "--tracking-uri", "sqlite:///mlruns.db"]) == 2
    assert "is not an http(s) URL" in capsys.readouterr().err


def test_configuration_errors_are_json_in_json_mode(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor", "--tracking-uri", "file:///tmp/mlruns", "--json"]) == 2
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False
    [problem] = report["problems"]
    assert problem.startswith("configuration: ")


@pytest.mark.parametrize("value", ["0", "-1", "soon"])
def test_a_timeout_that_is_not_a_positive_number_is_refused(
    value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["doctor", "--tracking-uri", "http://127.0.0.1:1", "--timeout", value])
    assert exited.value.code == 2
    assert "--timeout" in capsys.readouterr().err
