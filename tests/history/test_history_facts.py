"""The recorded history against what MLflow's release notes say, and against real wheels.

The spec's values come from reading 101 releases; here a few are checked by hand (logged models
and ``model_id`` on LogMetric in 3.0, webhooks in 3.3, aliases in 2.3, experiments/list gone in
2.0) and against two real wheels, one on each side of the 3.0 line.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from packaging.version import Version
from tests.history._releases import EARLY_3X, OLD_RELEASE

from codegen.__main__ import SPEC_PATH
from codegen.history import build_history, dump_history
from codegen.proto_import import import_services
from codegen.proto_pool import ProtoPool
from codegen.spec import EndpointSpec, Spec

pytestmark = pytest.mark.xdist_group("history-wheels")

GENERATED = Path(__file__).resolve().parents[2] / "src" / "mlflow_rest_sdk" / "_generated"


@pytest.fixture(scope="module")
def spec() -> Spec:
    return Spec.load(SPEC_PATH)


def _route(spec: Spec, method: str, path: str) -> EndpointSpec:
    return next(e for e in spec.endpoints if (e.method, e.path) == (method, path))


def _field_release(spec: Spec, message: str, field: str) -> str | None:
    return next(f.first_release for f in spec.messages[message].fields if f.name == field)


def test_release_notes_facts_are_what_the_spec_records(spec: Spec) -> None:
    logged_models = _route(spec, "POST", "/api/2.0/mlflow/logged-models")
    assert logged_models.api_version == "2.0"  # the proto's `since`: the REST API version...
    assert logged_models.first_release == "3.0.0"  # ...but logged models shipped in 3.0
    assert _route(spec, "POST", "/api/2.0/mlflow/webhooks").first_release == "3.3.0"
    alias = _route(spec, "POST", "/api/2.0/mlflow/registered-models/alias")
    assert alias.first_release == "2.3.0"
    assert _route(spec, "POST", "/api/2.0/mlflow/runs/create").first_release == "2.0.0"
    assert _field_release(spec, "mlflow.LogMetric", "model_id") == "3.0.0"
    assert _field_release(spec, "mlflow.LogMetric", "key") == "2.0.0"
    assert _field_release(spec, "mlflow.ModelVersion", "aliases") == "2.3.0"


def test_experiments_list_is_recorded_as_removed_in_2_0(spec: Spec) -> None:
    assert spec.history is not None
    removed = {(e.method, e.path): e for e in spec.history.removed.endpoints}
    gone = removed["GET", "/api/2.0/mlflow/experiments/list"]
    assert gone.removed_in == "2.0.0" and gone.first_release is None
    assert not any(e.path.endswith("/experiments/list") for e in spec.endpoints)


def test_the_history_covers_the_last_patch_of_every_minor_release(spec: Spec) -> None:
    assert spec.history is not None
    releases = [Version(r) for r in spec.history.releases]
    assert releases == sorted(releases)
    assert str(releases[0]) == "2.0.0" and str(releases[-1]) == spec.mlflow_version
    for last_patch in ("2.0.1", "2.3.2", "2.9.2", "2.22.5", "3.0.1", "3.1.4", "3.16.1", "3.17.2"):
        assert last_patch in spec.history.releases
    assert all(e.first_release for e in spec.endpoints if e.rpc is None)


def test_docstrings_name_the_release_from_the_history_never_from_since() -> None:
    text = (GENERATED / "sync_api" / "logged_models.py").read_text(encoding="utf-8")
    assert "``POST /api/2.0/mlflow/logged-models`` (MLflow >= 3.0.0)." in text
    for module in GENERATED.rglob("*.py"):
        assert "since MLflow" not in module.read_text(encoding="utf-8"), module
    runs = (GENERATED / "sync_api" / "runs.py").read_text(encoding="utf-8")
    assert "Fields added later: ``model_id`` (MLflow >= 3.0.0)" in runs


def test_real_wheels_agree_with_the_recorded_first_releases(
    spec: Spec, old_pool: ProtoPool, early_3x_pool: ProtoPool
) -> None:
    history = build_history(
        {OLD_RELEASE: import_services(old_pool), EARLY_3X: import_services(early_3x_pool)}
    )
    served = history["endpoints"]
    assert served["POST /api/2.0/mlflow/logged-models"]["first_release"] == EARLY_3X
    assert served["POST /api/2.0/mlflow/registered-models/alias"]["first_release"] == OLD_RELEASE
    assert "POST /api/2.0/mlflow/webhooks" not in served
    assert history["fields"]["mlflow.LogMetric"]["model_id"]["first_release"] == EARLY_3X
    # Every route either wheel serves is recorded no later than that wheel's release.
    for key, entry in served.items():
        route = next((e for e in spec.endpoints if f"{e.method} {e.path}" == key), None)
        if route is not None and entry["first_release"] is not None:
            assert route.first_release is not None, key
            assert Version(route.first_release) <= Version(entry["first_release"]), key


def test_declared_is_not_served_v3_traces_before_3_2(early_3x_pool: ProtoPool) -> None:
    routes = {f"{e['method']} {e['path']}": e for e in import_services(early_3x_pool)["endpoints"]}
    # 3.0 mounted every RPC under /api/2.0 and had no handler yet for the V3 trace RPCs.
    start_v3 = routes["POST /api/2.0/mlflow/traces/search"]
    assert start_v3["api_version"] == "3.0" and not start_v3["handled"]
    assert not any(key.split(" ", 1)[1].startswith("/api/3.0") for key in routes)


def test_the_history_of_the_same_wheels_is_byte_identical(
    old_pool: ProtoPool, early_3x_pool: ProtoPool
) -> None:
    def once() -> str:
        return dump_history(
            build_history(
                {OLD_RELEASE: import_services(old_pool), EARLY_3X: import_services(early_3x_pool)}
            )
        )

    assert once() == once()


def test_the_committed_history_file_is_exactly_what_the_history_command_writes() -> None:
    path = SPEC_PATH.parent / "history.yaml"
    text = path.read_text(encoding="utf-8")
    assert dump_history(yaml.safe_load(text)) == text
