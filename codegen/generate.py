"""Stage 3: render the frozen model into the generated zone, format it, replace the old zone.

The generator owns ``src/mlflow_rest_sdk/_generated`` (deleted and rewritten every time),
``docs/api-reference.md`` and ``docs/compatibility.md``; output is sorted and timestamp-free, so
it is deterministic.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import jinja2

from codegen.build import build_model
from codegen.ir import ApiModel, EndpointModel
from codegen.spec import Spec

TEMPLATES = Path(__file__).parent / "templates"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
GENERATED_PACKAGE = Path("src/mlflow_rest_sdk/_generated")
API_REFERENCE = Path("docs/api-reference.md")
COMPATIBILITY = Path("docs/compatibility.md")
# The documents the generator owns, beside the generated package.
DOCUMENTS = (API_REFERENCE, COMPATIBILITY)

# The runtime base classes the generated clients extend: (module, class). The blocking one is
# derived from the asyncio one (codegen/unasync.py).
ASYNC_BASE = ("mlflow_rest_sdk._runtime._async.client_base", "AsyncClientBase")
SYNC_BASE = ("mlflow_rest_sdk._runtime._sync.client_base", "ClientBase")

# Names the generated modules import themselves: a proto message must not take one of them.
_MODULE_LEVEL_NAMES = frozenset(
    {"Any", "Annotated", "AsyncIterator", "BeforeValidator", "Field", "Final", "Iterator",
     "Mapping", "Message", "Sequence", "StrEnum", "TypeAlias", "TYPE_CHECKING",
     "RetryPolicy", "Endpoint", "Pagination", "PathParam"}
)  # fmt: skip
# Globals of the endpoints package and the client packages a resource module must not replace.
_RESOURCE_RESERVED_NAMES = frozenset({"annotations", "Final", "Endpoint", "ALL_ENDPOINTS"})
# Globals of the generated models package besides the model names.
_MODELS_PACKAGE_NAMES = frozenset({"annotations", "Any", "Final", "TYPE_CHECKING"})


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters["py"] = repr
    env.filters["docwrap"] = docwrap
    return env


def docwrap(text: str, indent: int, width: int = 100) -> str:
    """Wrap a docstring body to the line length; continuation lines indented for the code."""
    pad = " " * indent
    out: list[str] = []
    for line in text.splitlines() or [""]:
        wrapped = textwrap.wrap(line, width=width - indent - 6) or [""]
        out.extend(wrapped)
    return ("\n" + pad).join(out).replace(pad + "\n", "\n")


def _check_names(api: ApiModel) -> None:
    clashes = sorted(
        {m.class_name for m in api.messages}
        | {e.class_name for e in api.enums} & _MODULE_LEVEL_NAMES
    )
    clashes = [name for name in clashes if name in _MODULE_LEVEL_NAMES]
    if clashes:
        raise ValueError(f"proto type names clash with generated module names: {clashes}")
    # A loaded submodule becomes an attribute of the models package: it must not replace one.
    taken = _MODELS_PACKAGE_NAMES | set(api.exported_model_names)
    shadowing = sorted(m.name for m in api.modules if m.name in taken)
    if shadowing:
        raise ValueError(f"models module names clash with names of the models package: {shadowing}")
    # Resource modules are attributes of the endpoints package and siblings in the client packages.
    reserved = sorted(r.name for r in api.resources if r.name in _RESOURCE_RESERVED_NAMES)
    if reserved:
        raise ValueError(f"resource module names clash with generated module globals: {reserved}")


def render(api: ApiModel) -> dict[Path, str]:
    """Every generated file, by path relative to the repository root."""
    _check_names(api)
    env = environment()
    package = GENERATED_PACKAGE
    files = {
        package / "__init__.py": env.get_template("__init__.py.jinja").render(api=api),
        package / "models" / "__init__.py": env.get_template("models_package.py.jinja").render(
            api=api
        ),
        package / "endpoints" / "__init__.py": env.get_template(
            "endpoints_package.py.jinja"
        ).render(api=api),
        package / "errors.py": env.get_template("errors.py.jinja").render(api=api),
        API_REFERENCE: env.get_template("api-reference.md.jinja").render(
            api=api, services=_by_service(api)
        ),
    }
    if api.compatibility is not None:  # a spec with a release history
        files[COMPATIBILITY] = env.get_template("compatibility.md.jinja").render(
            c=api.compatibility
        )
    endpoints_template = env.get_template("endpoints_module.py.jinja")
    for resource in api.resources:
        files[package / "endpoints" / f"{resource.name}.py"] = endpoints_template.render(
            api=api, resource=resource
        )
    files.update(_client_files(env, api))
    module_template = env.get_template("models_module.py.jinja")
    for module in api.modules:
        files[package / "models" / f"{module.name}.py"] = module_template.render(
            api=api, module=module
        )
    return files


def _client_files(env: jinja2.Environment, api: ApiModel) -> dict[Path, str]:
    """Both clients: a package of per-resource mixins each, and the class that composes them."""
    files: dict[Path, str] = {}
    mixin_template = env.get_template("client_mixin.py.jinja")
    for is_async, package, class_name, (base_module, base_class) in (
        (False, "sync_api", "GeneratedMlflowClient", SYNC_BASE),
        (True, "async_api", "GeneratedAsyncMlflowClient", ASYNC_BASE),
    ):
        directory = GENERATED_PACKAGE / package
        files[directory / "__init__.py"] = env.get_template("client_package.py.jinja").render(
            api=api, is_async=is_async
        )
        for resource in api.client_resources:
            files[directory / f"{resource.name}.py"] = mixin_template.render(
                api=api,
                resource=resource,
                is_async=is_async,
                class_name=resource.async_mixin if is_async else resource.mixin,
                base_module=base_module,
                base_class=base_class,
            )
        client = "async_client.py" if is_async else "sync_client.py"
        files[GENERATED_PACKAGE / client] = env.get_template("client.py.jinja").render(
            api=api, is_async=is_async, class_name=class_name, package=package
        )
    return files


def _by_service(api: ApiModel) -> list[tuple[str, list[EndpointModel]]]:
    groups: dict[str, list[EndpointModel]] = {}
    for endpoint in api.endpoints:
        groups.setdefault(endpoint.service, []).append(endpoint)
    return [
        (name, sorted(groups[name], key=lambda e: (e.operation, e.method)))
        for name in sorted(groups)
    ]


def _format(directory: Path) -> None:
    """ruff once over the whole output (with the project's config): imports, then formatting."""
    python_files = [str(p) for p in sorted(directory.rglob("*.py"))]
    ruff = [sys.executable, "-m", "ruff"]
    config = ["--config", str(PROJECT_ROOT / "pyproject.toml")]
    subprocess.run(
        [*ruff, "check", *config, "--quiet", "--fix", "--select", "I,F401", *python_files],
        check=True,
    )
    subprocess.run([*ruff, "format", *config, "--quiet", *python_files], check=True)


def generate(spec_path: Path, root: Path) -> list[Path]:
    """Regenerate the zone from the spec; returns the files written (relative to ``root``)."""
    api = build_model(Spec.load(spec_path))
    files = render(api)
    with tempfile.TemporaryDirectory() as tmp:
        staging = Path(tmp)
        for relative, text in files.items():
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        _format(staging / GENERATED_PACKAGE)
        zone = root / GENERATED_PACKAGE
        if zone.exists():
            shutil.rmtree(zone)
        shutil.copytree(staging / GENERATED_PACKAGE, zone)
        for document in DOCUMENTS:
            if (staging / document).exists():
                (root / document).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(staging / document, root / document)
    return sorted(files)
