"""Configuration: explicit arguments, then environment, then .env; clear errors otherwise."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from mlflow_rest_sdk._runtime.auth import BasicAuth, BearerToken, NoAuth
from mlflow_rest_sdk._runtime.config import ConfigurationError, build_config
from mlflow_rest_sdk._runtime.dotenv import parse_env
from mlflow_rest_sdk._runtime.load_limit import LoadLimit
from mlflow_rest_sdk._runtime.transport import Timeouts

URI = "http://127.0.0.1:5000"


def test_an_explicit_tracking_uri_wins_over_the_environment() -> None:
    config = build_config(URI, environ={"MLFLOW_TRACKING_URI": "http://other:1"}, env_file=False)
    assert config.tracking_uri == URI


def test_the_tracking_uri_comes_from_mlflow_tracking_uri() -> None:
    config = build_config(environ={"MLFLOW_TRACKING_URI": "http://h:5000/"}, env_file=False)
    assert config.tracking_uri == "http://h:5000"


def test_the_platforms_older_api_base_url_is_reduced_to_the_server_root() -> None:
    env = {"MLFLOW_API_BASE_URL": "https://mlflow.example/prefix/api/2.0"}
    assert build_config(environ=env, env_file=False).tracking_uri == "https://mlflow.example/prefix"


def test_an_api_base_url_without_its_api_suffix_is_refused() -> None:
    with pytest.raises(ConfigurationError, match=r"should end with /api/2\.0"):
        build_config(environ={"MLFLOW_API_BASE_URL": "http://h:5000"}, env_file=False)


@pytest.mark.parametrize(
    "uri", ["/tmp/mlruns", "sqlite:///mlflow.db", "databricks", "file:///tmp/x", "ftp://h"]
)
def test_a_tracking_uri_that_is_not_http_gets_a_clear_error(uri: str) -> None:
    with pytest.raises(ConfigurationError, match=r"not an http\(s\) URL.*full `mlflow` package"):
        build_config(uri, env_file=False, environ={})


def test_no_server_at_all_says_how_to_configure_one() -> None:
    with pytest.raises(ConfigurationError, match="MLFLOW_TRACKING_URI"):
        build_config(environ={}, env_file=False)


def test_credentials_embedded_in_the_uri_are_refused_without_echoing_them() -> None:
    with pytest.raises(ConfigurationError) as raised:
        build_config("http://alice:s3cret@h:5000", environ={}, env_file=False)
    assert "s3cret" not in str(raised.value)


def test_basic_auth_comes_from_mlflows_variables() -> None:
    env = {"MLFLOW_TRACKING_USERNAME": "alice", "MLFLOW_TRACKING_PASSWORD": "pw"}
    auth = build_config(URI, environ=env, env_file=False).auth
    assert isinstance(auth, BasicAuth)
    assert auth.username == "alice"


def test_basic_auth_comes_from_the_platforms_older_variables() -> None:
    env = {"MLFLOW_USERNAME": "bob", "MLFLOW_PASSWORD": "pw"}
    assert isinstance(build_config(URI, environ=env, env_file=False).auth, BasicAuth)


def test_half_configured_basic_auth_names_the_missing_variable() -> None:
    with pytest.raises(ConfigurationError, match="MLFLOW_TRACKING_PASSWORD is not set"):
        build_config(URI, environ={"MLFLOW_TRACKING_USERNAME": "a"}, env_file=False)


def test_a_token_takes_precedence_over_basic_auth() -> None:
    env = {"MLFLOW_TRACKING_TOKEN": "t", "MLFLOW_TRACKING_USERNAME": "a"}
    assert isinstance(build_config(URI, environ=env, env_file=False).auth, BearerToken)


def test_no_credentials_means_no_auth() -> None:
    assert isinstance(build_config(URI, environ={}, env_file=False).auth, NoAuth)


def test_the_env_file_is_read_after_the_environment(tmp_path: Path) -> None:
    env_file = tmp_path / "settings.env"
    env_file.write_text("MLFLOW_TRACKING_URI=http://from-file:1\nMLFLOW_TRACKING_TOKEN='abc'\n")
    from_file = build_config(environ={}, env_file=env_file)
    assert from_file.tracking_uri == "http://from-file:1"
    assert isinstance(from_file.auth, BearerToken)
    overridden = build_config(environ={"MLFLOW_TRACKING_URI": "http://env:2"}, env_file=env_file)
    assert overridden.tracking_uri == "http://env:2"


def test_a_dotenv_in_the_working_directory_is_read_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".env").write_text("export MLFLOW_TRACKING_URI=http://cwd:3  # local server\n")
    monkeypatch.chdir(tmp_path)
    assert build_config(environ={}).tracking_uri == "http://cwd:3"


def test_a_missing_env_file_is_an_error() -> None:
    with pytest.raises(ConfigurationError, match="does not exist"):
        build_config(URI, environ={}, env_file="/nonexistent/.env")


def test_dotenv_syntax_errors_name_the_file_and_line() -> None:
    with pytest.raises(ValueError, match=r"x.env:2: expected KEY=value"):
        parse_env("A=1\nnot a line\n", source="x.env")
    assert parse_env('A="quoted # not a comment"\n# comment\n\nB=2 # trailing') == {
        "A": "quoted # not a comment",
        "B": "2",
    }


def test_mlflows_retry_variables_shape_the_retry_policy() -> None:
    env = {"MLFLOW_HTTP_REQUEST_MAX_RETRIES": "2", "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR": "0.1"}
    retry = build_config(URI, environ=env, env_file=False).retry
    assert (retry.max_attempts, retry.backoff_factor) == (3, 0.1)


def test_a_non_numeric_retry_variable_is_named_in_the_error() -> None:
    with pytest.raises(ConfigurationError, match="MLFLOW_HTTP_REQUEST_MAX_RETRIES='many'"):
        build_config(URI, environ={"MLFLOW_HTTP_REQUEST_MAX_RETRIES": "many"}, env_file=False)


def test_the_request_timeout_variable_bounds_reads_and_writes() -> None:
    config = build_config(URI, environ={"MLFLOW_HTTP_REQUEST_TIMEOUT": "30"}, env_file=False)
    assert config.transport.timeouts == Timeouts(connect=10.0, read=30.0, write=30.0, pool=10.0)


def test_a_registry_uri_routes_registry_calls_only() -> None:
    env = {"MLFLOW_REGISTRY_URI": "http://registry:5001"}
    config = build_config(URI, environ=env, env_file=False)
    assert config.base_url(registry=True) == "http://registry:5001"
    assert config.base_url(registry=False) == URI


def test_insecure_tls_is_honoured_and_warned_about(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="mlflow_rest_sdk"):
        config = build_config(
            "https://h", environ={"MLFLOW_TRACKING_INSECURE_TLS": "true"}, env_file=False
        )
    assert config.transport.tls.verify is False
    assert "verification is OFF" in caplog.text


def test_a_certificate_path_that_does_not_exist_is_named() -> None:
    env = {"MLFLOW_TRACKING_SERVER_CERT_PATH": "/nope/ca.pem"}
    with pytest.raises(
        ConfigurationError, match=re.escape("MLFLOW_TRACKING_SERVER_CERT_PATH='/nope/ca.pem'")
    ):
        build_config("https://h", environ=env, env_file=False)


def test_credentials_over_plain_http_to_a_remote_host_are_warned_about(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="mlflow_rest_sdk"):
        build_config("http://mlflow.example:5000", token="t0k3n", environ={}, env_file=False)
    assert "plain http to mlflow.example:5000" in caplog.text
    assert "t0k3n" not in caplog.text


def test_credentials_over_http_to_loopback_are_not_warned_about(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="mlflow_rest_sdk"):
        build_config(URI, token="t", environ={}, env_file=False)
    assert caplog.text == ""


def test_the_config_repr_shows_no_secret() -> None:
    config = build_config(URI, username="alice", password="pa55word", environ={}, env_file=False)
    assert "pa55word" not in repr(config)
    assert "alice" in repr(config)


def test_the_load_limit_is_adaptive_by_default() -> None:
    assert build_config(URI, environ={}, env_file=False).load_limit == LoadLimit()


@pytest.mark.parametrize(
    ("value", "expected"),
    [("off", LoadLimit.off()), ("adaptive", LoadLimit()), ("8", LoadLimit.fixed(8))],
)
def test_the_load_limit_comes_from_mlflow_rest_load_limit(value: str, expected: LoadLimit) -> None:
    environ = {"MLFLOW_REST_LOAD_LIMIT": value}
    assert build_config(URI, environ=environ, env_file=False).load_limit == expected


def test_an_explicit_number_is_a_fixed_load_limit() -> None:
    config = build_config(
        URI, load_limit=3, environ={"MLFLOW_REST_LOAD_LIMIT": "off"}, env_file=False
    )
    assert config.load_limit == LoadLimit.fixed(3)


@pytest.mark.parametrize("value", ["sometimes", "0", "-2"])
def test_a_load_limit_that_is_no_limit_is_refused_naming_the_variable(value: str) -> None:
    with pytest.raises(ConfigurationError, match="MLFLOW_REST_LOAD_LIMIT"):
        build_config(URI, environ={"MLFLOW_REST_LOAD_LIMIT": value}, env_file=False)


def test_the_server_version_is_learned_unless_configured() -> None:
    assert build_config(URI, environ={}, env_file=False).server_version == "auto"


@pytest.mark.parametrize(
    ("value", "expected"), [("OFF", "off"), ("Auto", "auto"), (" 2.22.5 ", "2.22.5")]
)
def test_the_server_version_comes_from_mlflow_rest_server_version(
    value: str, expected: str
) -> None:
    environ = {"MLFLOW_REST_SERVER_VERSION": value}
    assert build_config(URI, environ=environ, env_file=False).server_version == expected


def test_an_explicit_server_version_wins_over_the_environment() -> None:
    environ = {"MLFLOW_REST_SERVER_VERSION": "off"}
    config = build_config(URI, server_version="3.0.1", environ=environ, env_file=False)
    assert config.server_version == "3.0.1"


def test_a_server_version_from_the_environment_that_is_no_release_names_the_variable() -> None:
    with pytest.raises(ConfigurationError, match="MLFLOW_REST_SERVER_VERSION='newest'"):
        build_config(URI, environ={"MLFLOW_REST_SERVER_VERSION": "newest"}, env_file=False)
