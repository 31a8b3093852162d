"""The PostgreSQL helper: it fails loudly when PostgreSQL is missing, and leaves nothing behind."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from tests._infra import postgres
from tests._infra.postgres import PostgresNotInstalledError, PostgresServer, find_pg_bin


def test_missing_postgresql_binaries_fail_with_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name, *args, **kwargs: None)
    monkeypatch.setattr(postgres, "DEBIAN_PG_GLOB", str(tmp_path / "no-such" / "*" / "bin"))

    with pytest.raises(PostgresNotInstalledError, match=r"apt-get install postgresql"):
        find_pg_bin()


def test_a_stopped_server_leaves_no_process_and_no_folder() -> None:
    server = PostgresServer().start()
    root = server.root
    pid_line = (root / "data" / "postmaster.pid").read_text().split("\n", 1)[0]

    server.stop()

    assert (root.exists(), _alive(int(pid_line))) == (False, False)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
