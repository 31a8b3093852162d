"""Many registered models at once: copies of one real model, written in the server's own store.

Why not through the REST API: a fleet of 1,000 models is 3,000 creates (model, version, alias),
which took over 200 s on a test server on this two-core machine, sqlite serialising every write.
Copying the template's rows (its registered model, version 1 with its tags, and a champion alias)
under new names in one transaction takes well under a second, and gives the server exactly the
rows its own create calls would have written: the store's columns are read from the table, not
written down here, so a schema change in a later MLflow is copied along (or fails loudly).

Only for a sqlite store the tests started themselves; the server needs no restart (it keeps no
registry cache), and the copies are ordinary models to it from then on.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from contextlib import closing

#: (table, the template rows to copy): a model's own row, its version 1 and what hangs on it.
_COPIED = (
    ("registered_models", "name = :template"),
    ("registered_model_tags", "name = :template"),
    ("model_versions", "name = :template AND version = 1"),
    ("model_version_tags", "name = :template AND version = 1"),
)


def sqlite_path(backend_store_uri: str) -> str:
    """The database file of a ``sqlite:///...`` store URI; other stores are refused."""
    prefix = "sqlite:///"
    if not backend_store_uri.startswith(prefix):
        raise ValueError(f"registry copies need a sqlite store, not {backend_store_uri!r}")
    return backend_store_uri[len(prefix) :]


def clone_registered_model(
    database: str, template: str, names: Sequence[str], *, alias: str
) -> None:
    """Registered models ``names``, each a copy of ``template``'s version 1, ``alias`` on it."""
    with closing(sqlite3.connect(database, timeout=60.0)) as db, db:
        found = db.execute(
            "SELECT COUNT(*) FROM model_versions WHERE name = ? AND version = 1", (template,)
        ).fetchone()[0]
        if found != 1:
            raise ValueError(f"{template!r} has no version 1 to copy")
        db.execute("CREATE TEMP TABLE clone_names (name TEXT PRIMARY KEY)")
        db.executemany("INSERT INTO clone_names VALUES (?)", [(name,) for name in names])
        for table, where in _COPIED:
            _copy_rows(db, table, where, template)
        workspace = db.execute(
            "SELECT workspace FROM registered_models WHERE name = ?", (template,)
        ).fetchone()[0]
        db.execute(
            "INSERT INTO registered_model_aliases (alias, version, name, workspace) "
            "SELECT ?, 1, name, ? FROM clone_names",
            (alias, workspace),
        )
        db.execute("DROP TABLE clone_names")


def _copy_rows(db: sqlite3.Connection, table: str, where: str, template: str) -> None:
    columns = [row[1] for row in db.execute(f"PRAGMA table_info({table})")]
    if "name" not in columns:
        raise ValueError(f"{table} has no name column: MLflow's schema changed")
    chosen = ", ".join(columns)
    copied = ", ".join("c.name" if column == "name" else f"t.{column}" for column in columns)
    db.execute(
        f"INSERT INTO {table} ({chosen}) SELECT {copied} FROM {table} AS t, clone_names AS c "
        f"WHERE t.{where}",
        {"template": template},
    )
