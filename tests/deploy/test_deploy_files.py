"""The Compose and Kubernetes files parse and say what docs/deployment.md promises.

No container engine here: the files are read as YAML and checked for the settings that matter
(stores, workers, health checks, start order, secrets), and the documented client variables
are compared with the ones the code really reads.
"""

from __future__ import annotations

import ast
import configparser
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "deploy" / "compose"
K8S = ROOT / "deploy" / "k8s"
DOCS = ROOT / "docs"

#: A value that is a reference (compose interpolation) rather than a literal secret.
REFERENCE = re.compile(r"^\$\{[A-Z0-9_]+(:[?-][^}]*)?\}$")
PLACEHOLDER = re.compile(r"^change-me")


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def compose() -> dict[str, Any]:
    document: dict[str, Any] = load(COMPOSE / "docker-compose.yml")
    return document


def service(name: str) -> dict[str, Any]:
    found: dict[str, Any] = compose()["services"][name]
    return found


def flags(arguments: list[str]) -> dict[str, str | None]:
    """``["server", "--workers", "4", "--serve-artifacts"]`` -> ``{"--workers": "4", ...}``."""
    parsed: dict[str, str | None] = {}
    for position, token in enumerate(arguments):
        if not token.startswith("--"):
            continue
        following = arguments[position + 1] if position + 1 < len(arguments) else None
        parsed[token] = None if following is None or following.startswith("--") else following
    return parsed


def manifests() -> dict[str, dict[str, Any]]:
    """Every Kubernetes object in deploy/k8s by kind (one object of each kind there)."""
    objects: dict[str, dict[str, Any]] = {}
    for path in sorted(K8S.glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            objects[document["kind"]] = document
    return objects


def server_container() -> dict[str, Any]:
    [container] = manifests()["Deployment"]["spec"]["template"]["spec"]["containers"]
    found: dict[str, Any] = container
    return found


def container_port(container: dict[str, Any], port: int | str) -> int:
    """A probe's or Service's port, by number or by the container port's name."""
    if isinstance(port, int):
        return port
    [number] = [p["containerPort"] for p in container["ports"] if p.get("name") == port]
    found: int = number
    return found


def string_constants(paths: list[Path], pattern: str) -> set[str]:
    """String literals that are whole variable names: how the code reads them (not messages)."""
    name = re.compile(pattern)
    return {
        node.value
        for path in paths
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and name.match(node.value)
    }


def documented_variables(document: Path, heading: str) -> set[str]:
    """Backticked names in the first column of the table under ``heading``."""
    section = document.read_text(encoding="utf-8").split(heading, 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \|", section, flags=re.MULTILINE))


# -- compose ----------------------------------------------------------------------------------


def test_compose_runs_mlflow_postgres_minio_and_the_bucket_job() -> None:
    assert set(compose()["services"]) >= {"mlflow", "postgres", "minio", "minio-init"}
    assert service("postgres")["image"] == "postgres:15"


def test_compose_server_stores_runs_in_postgres() -> None:
    uri = flags(service("mlflow")["command"])["--backend-store-uri"]
    assert uri is not None
    assert uri.startswith("postgresql://")
    assert "@postgres:5432/" in uri


def test_compose_server_stores_artifacts_in_the_bucket_the_job_creates() -> None:
    destination = flags(service("mlflow")["command"])["--artifacts-destination"]
    assert destination == "s3://${MLFLOW_ARTIFACT_BUCKET}"
    assert "MLFLOW_ARTIFACT_BUCKET" in " ".join(service("minio-init")["command"])


def test_compose_server_runs_four_workers_on_all_interfaces() -> None:
    command = flags(service("mlflow")["command"])
    assert (command["--workers"], command["--host"]) == ("4", "0.0.0.0")


def test_compose_server_reaches_minio_through_the_s3_endpoint() -> None:
    assert service("mlflow")["environment"]["MLFLOW_S3_ENDPOINT_URL"] == "http://minio:9000"


@pytest.mark.parametrize("name", ["mlflow", "postgres", "minio"])
def test_compose_long_running_service_has_a_healthcheck(name: str) -> None:
    assert service(name)["healthcheck"]["test"]


def test_compose_server_healthcheck_calls_health() -> None:
    assert "/health" in " ".join(service("mlflow")["healthcheck"]["test"])


def test_compose_server_waits_for_healthy_stores_and_the_bucket() -> None:
    assert service("mlflow")["depends_on"] == {
        "postgres": {"condition": "service_healthy"},
        "minio": {"condition": "service_healthy"},
        "minio-init": {"condition": "service_completed_successfully"},
    }


def test_compose_secrets_come_from_the_environment() -> None:
    for name, spec in compose()["services"].items():
        for key, value in (spec.get("environment") or {}).items():
            if any(word in key for word in ("PASSWORD", "SECRET", "_KEY")):
                assert REFERENCE.match(str(value)), f"{name}: {key} is a literal"


def test_env_example_holds_only_placeholder_secrets() -> None:
    for line in (COMPOSE / ".env.example").read_text(encoding="utf-8").splitlines():
        key, sep, value = line.partition("=")
        if sep and not key.startswith("#") and any(w in key for w in ("PASSWORD", "SECRET")):
            assert PLACEHOLDER.match(value), f"{key} is not a change-me placeholder"


def test_env_example_defines_every_variable_compose_needs() -> None:
    text = (COMPOSE / "docker-compose.yml").read_text(encoding="utf-8")
    text += (COMPOSE / "docker-compose.auth.yml").read_text(encoding="utf-8")
    needed = set(re.findall(r"(?<!\$)\$\{([A-Z0-9_]+)", text))
    example = (COMPOSE / ".env.example").read_text(encoding="utf-8")
    defined = set(re.findall(r"^([A-Z0-9_]+)=", example, flags=re.MULTILINE))
    assert needed <= defined


def test_compose_auth_override_turns_on_basic_auth() -> None:
    mlflow = load(COMPOSE / "docker-compose.auth.yml")["services"]["mlflow"]
    assert flags(mlflow["command"])["--app-name"] == "basic-auth"
    assert mlflow["environment"]["MLFLOW_AUTH_CONFIG_PATH"] == "/etc/mlflow/basic_auth.ini"
    assert "./auth/basic_auth.ini:/etc/mlflow/basic_auth.ini:ro" in mlflow["volumes"]


def test_compose_auth_override_keeps_the_server_flags() -> None:
    plain = flags(service("mlflow")["command"])
    with_auth = flags(load(COMPOSE / "docker-compose.auth.yml")["services"]["mlflow"]["command"])
    assert {k: v for k, v in with_auth.items() if k != "--app-name"} == plain


def test_auth_ini_configures_the_user_store_without_a_password() -> None:
    config = configparser.ConfigParser()
    config.read(COMPOSE / "auth" / "basic_auth.ini")
    assert config["mlflow"]["default_permission"] == "READ"
    assert config["mlflow"]["database_uri"].startswith("sqlite:////var/lib/mlflow-auth/")
    assert "admin_password" not in config["mlflow"]


# -- kubernetes -------------------------------------------------------------------------------


def test_k8s_has_deployment_service_secret_and_configmap() -> None:
    assert set(manifests()) >= {"Deployment", "Service", "Secret", "ConfigMap"}


def test_kustomization_lists_every_manifest() -> None:
    listed = set(load(K8S / "kustomization.yaml")["resources"])
    assert listed == {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}


def test_k8s_runs_several_replicas() -> None:
    assert manifests()["Deployment"]["spec"]["replicas"] > 1


@pytest.mark.parametrize("probe", ["readinessProbe", "livenessProbe", "startupProbe"])
def test_k8s_probe_checks_health_on_the_server_port(probe: str) -> None:
    container = server_container()
    check = container[probe]["httpGet"]
    assert check["path"] == "/health"
    assert container_port(container, check["port"]) == int(str(flags(container["args"])["--port"]))


def test_k8s_service_selects_the_deployment_pods() -> None:
    objects = manifests()
    pod_labels = objects["Deployment"]["spec"]["template"]["metadata"]["labels"]
    selector = objects["Service"]["spec"]["selector"]
    assert selector.items() <= pod_labels.items()
    assert objects["Deployment"]["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()


def test_k8s_service_targets_the_server_port() -> None:
    [port] = manifests()["Service"]["spec"]["ports"]
    assert container_port(server_container(), port["targetPort"]) == 5000


def test_k8s_deployment_reads_every_secret_key_it_references() -> None:
    secret = manifests()["Secret"]
    references = {
        (entry["valueFrom"]["secretKeyRef"]["name"], entry["valueFrom"]["secretKeyRef"]["key"])
        for entry in server_container()["env"]
        if "secretKeyRef" in entry.get("valueFrom", {})
    }
    name = secret["metadata"]["name"]
    assert references == {(name, key) for key in secret["stringData"]}


def test_k8s_secret_holds_only_placeholders() -> None:
    secret = manifests()["Secret"]
    assert "data" not in secret
    assert all(PLACEHOLDER.match(value) for value in secret["stringData"].values())


def test_k8s_configmap_feeds_the_deployment() -> None:
    objects = manifests()
    sources = [s["configMapRef"]["name"] for s in server_container()["envFrom"]]
    assert sources == [objects["ConfigMap"]["metadata"]["name"]]
    assert "MLFLOW_S3_ENDPOINT_URL" in objects["ConfigMap"]["data"]


def test_k8s_server_args_expand_only_variables_it_has() -> None:
    objects = manifests()
    container = server_container()
    available = {e["name"] for e in container["env"]} | set(objects["ConfigMap"]["data"])
    used = set(re.findall(r"\$\(([A-Z0-9_]+)\)", " ".join(container["args"])))
    assert used <= available


def test_k8s_server_uses_the_compose_flags() -> None:
    k8s = flags(server_container()["args"])
    plain = flags(service("mlflow")["command"])
    assert k8s.keys() == plain.keys()
    for flag in ("--host", "--port", "--workers"):
        assert k8s[flag] == plain[flag]
    assert str(k8s["--backend-store-uri"]).startswith("postgresql://")
    assert str(k8s["--artifacts-destination"]).startswith("s3://")


def test_k8s_server_has_resource_requests_and_a_memory_limit() -> None:
    resources = server_container()["resources"]
    assert {"cpu", "memory"} <= resources["requests"].keys()
    assert "memory" in resources["limits"]


# -- documented variables ---------------------------------------------------------------------


def sdk_variables() -> set[str]:
    config = ROOT / "src" / "mlflow_rest_sdk" / "_runtime" / "config.py"
    return string_constants([config], r"^MLFLOW_[A-Z0-9_]+$")


def water_models_variables() -> set[str]:
    modules = sorted((ROOT / "water-models" / "src" / "water_models").rglob("*.py"))
    return string_constants(modules, r"^(MLFLOW|WATER_MODELS|XDG)_[A-Z0-9_]+$")


def test_deployment_doc_lists_the_variables_the_sdk_reads() -> None:
    documented = documented_variables(DOCS / "deployment.md", "## Variables the SDK reads")
    assert documented == sdk_variables()


def test_deployment_doc_lists_the_variables_water_models_reads() -> None:
    documented = documented_variables(DOCS / "deployment.md", "## Variables `water-models` reads")
    assert documented == water_models_variables()


def test_configuration_doc_lists_the_variables_the_sdk_reads() -> None:
    section = (DOCS / "configuration.md").read_text(encoding="utf-8")
    table = section.split("## Where settings come from", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"`(MLFLOW_[A-Z0-9_]+)`", table))
    assert documented == sdk_variables()


# -- database pool (MLflow's log_batch takes two pooled connections at once) -------------------

#: Connections one server worker may need at once: two per request thread, 40 threads.
POOL_NEEDED_PER_WORKER = 80


def pool_capacity(environment: dict[str, str]) -> int:
    return int(environment["MLFLOW_SQLALCHEMYSTORE_POOL_SIZE"]) + int(
        environment["MLFLOW_SQLALCHEMYSTORE_MAX_OVERFLOW"]
    )


def test_compose_server_pool_covers_two_connections_per_request_thread() -> None:
    assert pool_capacity(service("mlflow")["environment"]) >= POOL_NEEDED_PER_WORKER


def test_compose_postgres_accepts_every_worker_pool() -> None:
    command = service("postgres")["command"]
    max_connections = int(command[command.index("-c") + 1].split("=", 1)[1])
    workers = int(flags(service("mlflow")["command"])["--workers"] or 1)
    assert max_connections >= workers * pool_capacity(service("mlflow")["environment"])


def test_k8s_server_pool_covers_two_connections_per_request_thread() -> None:
    assert pool_capacity(manifests()["ConfigMap"]["data"]) >= POOL_NEEDED_PER_WORKER
