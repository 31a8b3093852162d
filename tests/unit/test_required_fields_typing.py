"""Required request fields, as a type checker sees the generated clients: mypy (with the repo's
configuration, so ``--strict``) run once over small files of calls, one file per behaviour."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from mypy import api as mypy_api

REPO = Path(__file__).resolve().parents[2]
HEADER = """\
from mlflow_rest_sdk import AsyncMlflowClient, MlflowClient
from mlflow_rest_sdk.models import DeleteRun, DeleteTag


"""
CALLS = {
    "missing_required_field": """
        def call(client: MlflowClient) -> None:
            client.delete_tag(run_id="r")
    """,
    "no_arguments_at_all": """
        def call(client: MlflowClient) -> None:
            client.delete_run()
    """,
    "required_field_given_none": """
        def call(client: MlflowClient) -> None:
            client.delete_run(run_id=None)
    """,
    "required_fields_given": """
        def call(client: MlflowClient) -> None:
            client.delete_tag(run_id="r", key="k")
            client.delete_run(run_id="r", timeout=5.0)
    """,
    "request_model_or_mapping": """
        def call(client: MlflowClient) -> None:
            client.delete_tag(DeleteTag(run_id="r", key="k"))
            client.delete_run({"run_id": "r"}, timeout=5.0)
    """,
    "request_model_and_keywords": """
        def call(client: MlflowClient) -> None:
            client.delete_run(DeleteRun(), run_id="r")
    """,
    "async_missing_required_field": """
        async def call(client: AsyncMlflowClient) -> None:
            await client.delete_tag(run_id="r")
    """,
    "async_required_fields_given": """
        async def call(client: AsyncMlflowClient) -> None:
            await client.delete_tag(run_id="r", key="k")
            await client.delete_run(DeleteRun(run_id="r"))
    """,
    # ``request_id`` is not required by the spec, but the URL path is made of it.
    "missing_path_field": """
        def call(client: MlflowClient) -> None:
            client.get_trace_info()
    """,
    "iter_missing_required_field": """
        def call(client: MlflowClient) -> None:
            for _ in client.get_metric_history_iter(run_id="r"):
                pass
    """,
    "iter_required_field_given": """
        def call(client: MlflowClient) -> None:
            for _ in client.get_metric_history_iter(run_id="r", metric_key="rmse", max_items=9):
                pass
    """,
    # ``create_run`` has no required field: one signature, everything optional.
    "no_required_fields": """
        def call(client: MlflowClient) -> None:
            client.create_run()
    """,
}


@pytest.fixture(scope="module")
def errors(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """Each file's mypy errors (notes dropped), by the file's name in ``CALLS``."""
    folder = tmp_path_factory.mktemp("calls")
    for name, body in CALLS.items():
        (folder / f"{name}.py").write_text(HEADER + textwrap.dedent(body).lstrip())
    stdout, stderr, _ = mypy_api.run(
        [
            "--config-file", str(REPO / "pyproject.toml"),
            "--cache-dir", str(folder / ".mypy_cache"),
            "--no-error-summary",
            *sorted(str(path) for path in folder.glob("*.py")),
        ]
    )  # fmt: skip
    assert not stderr, stderr
    found: dict[str, list[str]] = {name: [] for name in CALLS}
    for line in stdout.splitlines():
        match = re.match(r".*[/\\](\w+)\.py:\d+: error: (.*)", line)
        assert match is not None or ": note: " in line, f"unexpected mypy output: {line}"
        if match is not None:
            found[match.group(1)].append(match.group(2))
    return found


def test_a_call_without_a_required_field_is_a_type_error(errors: dict[str, list[str]]) -> None:
    assert len(errors["missing_required_field"]) == 1
    assert '"delete_tag"' in errors["missing_required_field"][0]


def test_a_call_without_any_argument_is_a_type_error_when_a_field_is_required(
    errors: dict[str, list[str]],
) -> None:
    assert len(errors["no_arguments_at_all"]) == 1
    assert '"delete_run"' in errors["no_arguments_at_all"][0]


def test_a_required_field_does_not_accept_none(errors: dict[str, list[str]]) -> None:
    assert len(errors["required_field_given_none"]) == 1


def test_a_call_with_the_required_fields_type_checks(errors: dict[str, list[str]]) -> None:
    assert errors["required_fields_given"] == []


def test_a_request_model_or_mapping_instead_of_keywords_type_checks(
    errors: dict[str, list[str]],
) -> None:
    assert errors["request_model_or_mapping"] == []


def test_a_request_model_together_with_keyword_fields_is_a_type_error(
    errors: dict[str, list[str]],
) -> None:
    """The runtime refuses both at once too (``RequestValidationError``)."""
    assert len(errors["request_model_and_keywords"]) == 1


def test_the_async_client_requires_the_same_fields(errors: dict[str, list[str]]) -> None:
    assert len(errors["async_missing_required_field"]) == 1
    assert errors["async_required_fields_given"] == []


def test_a_field_the_url_path_is_made_of_is_required(errors: dict[str, list[str]]) -> None:
    assert len(errors["missing_path_field"]) == 1
    assert '"get_trace_info"' in errors["missing_path_field"][0]


def test_iter_methods_require_the_same_fields(errors: dict[str, list[str]]) -> None:
    assert len(errors["iter_missing_required_field"]) == 1
    assert errors["iter_required_field_given"] == []


def test_a_method_without_required_fields_takes_no_arguments(
    errors: dict[str, list[str]],
) -> None:
    assert errors["no_required_fields"] == []
