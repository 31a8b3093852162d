"""The blocking-twin rewrite, specified on a fixture source: golden output, the token rules, and
the check that refuses a twin edited by hand."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from codegen.unasync import derivations, derive_all, rename, stale_twins, unasync_source

HERE = Path(__file__).parent
FIXTURE_ROOT = HERE / "fixtures" / "unasync"
PROJECT_ROOT = HERE.parent.parent
TWIN = Path("src/demo/_sync/widgets.py")


@pytest.fixture
def fixture_copy(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(FIXTURE_ROOT, root)
    return root


def test_fixture_twin_matches_the_golden_record(tmp_path: Path) -> None:
    derive_all(FIXTURE_ROOT, tmp_path, PROJECT_ROOT)
    assert (tmp_path / TWIN).read_text() == (FIXTURE_ROOT / TWIN).read_text(), (
        "the derived twin differs from the golden record; if intended, run `make golden`"
    )


def test_every_async_folder_module_is_derived_into_its_sibling_sync_folder() -> None:
    [only] = derivations(FIXTURE_ROOT)
    assert (only.source, only.target) == (Path("src/demo/_async/widgets.py"), TWIN)


def test_the_twin_names_its_source_in_a_do_not_edit_header() -> None:
    first, second = (FIXTURE_ROOT / TWIN).read_text().splitlines()[:2]
    assert first.startswith("# Derived by `make generate`") and "do not edit" in first
    assert second == "# Source: src/demo/_async/widgets.py"


@pytest.mark.parametrize(
    ("source", "twin"),
    [
        ("async def f(): await g()", "def f(): g()"),
        ("async with a() as b: pass", "with a() as b: pass"),
        ("async for x in y: pass", "for x in y: pass"),
        (
            "x: Callable[[int], Awaitable[Mapping[str, int]]]",
            "x: Callable[[int], Mapping[str, int]]",
        ),
        ("await self.aclose()", "self.close()"),
        ("class A(AsyncBase): pass", "class A(Base): pass"),
        ("httpx.AsyncHTTPTransport()", "httpx.HTTPTransport()"),
        ("GeneratedAsyncMlflowClient", "GeneratedMlflowClient"),
        ("from pkg._async.mod import AsyncX", "from pkg._sync.mod import X"),
        ("raise StopAsyncIteration", "raise StopIteration"),
        ("import asyncio; is_async = 1", "import asyncio; is_async = 1"),
        ("'see AsyncMlflowClient'  # an AsyncTransport", "'see MlflowClient'  # an Transport"),
    ],
)
def test_token_rules(source: str, twin: str) -> None:
    assert unasync_source(source) == twin


def test_names_inside_longer_identifiers_are_left_alone() -> None:
    assert rename("awaiting_reply") == "awaiting_reply"
    assert rename("Asyncio") == "Asyncio"


def test_an_edited_twin_is_reported_by_the_check(fixture_copy: Path) -> None:
    twin = fixture_copy / TWIN
    twin.write_text(twin.read_text().replace("return self", "return None"))
    assert stale_twins(fixture_copy, PROJECT_ROOT) == [
        f"{TWIN}: differs from its source (edited by hand?)"
    ]


def test_the_check_command_fails_on_an_edited_twin_and_passes_on_a_fresh_one(
    fixture_copy: Path,
) -> None:
    command = [sys.executable, "-m", "codegen", "derive", "--check", "--root", str(fixture_copy)]
    assert subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True).returncode == 0
    twin = fixture_copy / TWIN
    twin.write_text(twin.read_text() + "\n# a hand edit\n")
    failed = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert failed.returncode == 1
    assert str(TWIN) in failed.stderr


def test_a_twin_whose_source_is_gone_is_deleted(fixture_copy: Path) -> None:
    (fixture_copy / "src/demo/_async/widgets.py").unlink()
    assert stale_twins(fixture_copy, PROJECT_ROOT) == [f"{TWIN}: its source is gone"]
    derive_all(fixture_copy, project_root=PROJECT_ROOT)
    assert not (fixture_copy / TWIN).exists()
