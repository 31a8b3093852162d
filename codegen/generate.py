"""Stage 3: render the frozen model into the generated zone, format it, replace the old zone.

The generator owns ``src/mlflow_rest_sdk/_generated`` (deleted and rewritten every time) and
``docs/api-reference.md``; output is sorted and timestamp-free, so it is deterministic.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import jinja2

from codegen.ir import TYPE_NAME, ApiModel, EndpointModel, build_model
from codegen.spec import Spec

TEMPLATES = Path(__file__).parent / "templates"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
GENERATED_PACKAGE = Path("src/mlflow_rest_sdk/_generated")
API_REFERENCE = Path("docs/api-reference.md")

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


def _client_imports(api: ApiModel) -> list[str]:
    """The model and enum names the client signatures mention, sorted."""
    known = {m.class_name for m in api.messages} | {e.class_name for e in api.enums}
    used: set[str] = set()
    for endpoint in api.methods:
        texts = [endpoint.request_class or "", endpoint.response_class or ""]
        texts += [f.argument for f in endpoint.fields]
        if endpoint.pagination is not None:
            texts.append(endpoint.pagination.item_class)
        for text in texts:
            used.update(name for name in TYPE_NAME.findall(text) if name in known)
    return sorted(used)


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


def render(api: ApiModel) -> dict[Path, str]:
    """Every generated file, by path relative to the repository root."""
    _check_names(api)
    env = environment()
    package = GENERATED_PACKAGE
    imports = _client_imports(api)
    files = {
        package / "__init__.py": env.get_template("__init__.py.jinja").render(api=api),
        package / "models" / "__init__.py": env.get_template("models_package.py.jinja").render(
            api=api
        ),
        package / "endpoints.py": env.get_template("endpoints.py.jinja").render(api=api),
        package / "errors.py": env.get_template("errors.py.jinja").render(api=api),
        package / "sync_client.py": env.get_template("client.py.jinja").render(
            api=api,
            is_async=False,
            class_name="GeneratedMlflowClient",
            imports=imports,
            base_module=SYNC_BASE[0],
            base_class=SYNC_BASE[1],
        ),
        package / "async_client.py": env.get_template("client.py.jinja").render(
            api=api,
            is_async=True,
            class_name="GeneratedAsyncMlflowClient",
            imports=imports,
            base_module=ASYNC_BASE[0],
            base_class=ASYNC_BASE[1],
        ),
        API_REFERENCE: env.get_template("api-reference.md.jinja").render(
            api=api, services=_by_service(api)
        ),
    }
    module_template = env.get_template("models_module.py.jinja")
    for module in api.modules:
        files[package / "models" / f"{module.name}.py"] = module_template.render(
            api=api, module=module
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
        (root / API_REFERENCE).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(staging / API_REFERENCE, root / API_REFERENCE)
    return sorted(files)
