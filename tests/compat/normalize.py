"""What two clients returned, made comparable: ids, names and times replaced by placeholders.

The differential tests run one scenario through MLflow's ``MlflowClient`` and through the compat
client, each on its own fresh experiment, so ids, names and times differ by construction. A
:class:`Recorder` keeps each call's result, and the aliases the scenario declares (this run id is
``<run>``), and turns everything into plain data at the end: entities of either library by their
public properties, ``PagedList`` as its items plus whether a next page exists, times as
``<time>`` (None stays None: whether a run has ended is compared), ids and names exactly, and in
URIs segment by segment. An experiment id is a small number, so a short alias is applied only
where an id belongs (an id field, a URI, a value a call returned): a param ``"4"`` stays ``"4"``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

#: Keys whose values are times: compared only by being set or not.
TIME_KEYS = frozenset(
    {
        "start_time",
        "end_time",
        "creation_time",
        "last_update_time",
        "timestamp",
        "creation_timestamp",
        "last_updated_timestamp",
    }
)
#: Tags only one client writes, by design: the SDK's create_run tags runs with an idempotency
#: key so that retries never duplicate a run (docs/migrating.md lists it as a difference).
ONE_SIDED_TAGS = frozenset({"mlflow_rest_sdk.idempotency_key"})
#: Fields that hold ids or URIs made of ids: where even a short alias (``"4"``) is applied.
ID_KEYS = frozenset(
    {"experiment_id", "artifact_location", "artifact_uri", "source", "model_uri", None}
)
#: Aliases at least this long are unique enough to be replaced wherever they appear.
LONG_ALIAS = 8
#: Entity properties only MLflow's classes have (docs/migrating.md says why they are left out).
ONE_SIDED_PROPERTIES = frozenset({"trace_location"})
#: Properties MLflow's client leaves empty although the server sends them, by class:
#: ``ModelVersion.model_id`` (MLflow's entity drops it when reading the server's answer;
#: the compat client keeps it, docs/migrating.md says so).
DROPPED_BY_MLFLOW = frozenset({("ModelVersion", "model_id")})


def entity_fields(value: Any) -> list[tuple[str, Any]] | None:
    """An entity of either library as ``(property, value)`` pairs; None for anything else.

    MLflow's tracking and registry entities iterate their properties; its webhook entities do
    not, so their public properties are read from the class.
    """
    kind = type(value)
    module = kind.__module__
    if not module.startswith(("mlflow.entities", "mlflow_rest_sdk.compat.entities")):
        return None
    if hasattr(kind, "_properties"):
        pairs = list(value)
    else:
        names = sorted(
            name
            for klass in kind.__mro__
            for name, member in vars(klass).items()
            if isinstance(member, property) and not name.startswith("_")
        )
        pairs = [(name, getattr(value, name)) for name in names]
    return [
        (name, item)
        for name, item in pairs
        if name not in ONE_SIDED_PROPERTIES and (kind.__name__, name) not in DROPPED_BY_MLFLOW
    ]


@dataclass
class Recorder:
    """The results of one side's scenario, and the placeholders for that side's ids."""

    results: list[tuple[str, Any]] = field(default_factory=list)
    aliases: dict[str, str] = field(default_factory=dict)

    def alias(self, actual: str, placeholder: str) -> str:
        """Declare that ``actual`` (an id, a name) reads ``<placeholder>``; returns ``actual``."""
        self.aliases[actual] = f"<{placeholder}>"
        return actual

    def record(self, label: str, value: Any) -> Any:
        self.results.append((label, value))
        return value

    def normalized(self) -> list[tuple[str, Any]]:
        return [(label, self.plain(value)) for label, value in self.results]

    def plain(self, value: Any, key: str | None = None) -> Any:
        """``value`` as plain, comparable data (see the module docstring)."""
        if key in TIME_KEYS:
            return None if value is None else "<time>"
        if type(value).__name__ == "RunOperations":
            return "<RunOperations>"
        if type(value).__name__ == "PagedList":
            return {"items": [self.plain(item) for item in value], "more": value.token is not None}
        if isinstance(value, Enum):
            return self.plain(value.value, key)
        fields = entity_fields(value)
        if fields is not None:  # an entity, of MLflow or of the compat layer
            return {name: self.plain(item, name) for name, item in fields}
        if isinstance(value, dict):
            return {
                self.plain(name): self.plain(item, name)
                for name, item in value.items()
                if name not in ONE_SIDED_TAGS
            }
        if isinstance(value, list | tuple):
            return [self.plain(item, key) for item in value]
        if isinstance(value, str):
            return self._text(value, key)
        return value

    def _text(self, text: str, key: str | None) -> str:
        # In a models:/ URI a short segment is a version number, not an experiment id.
        short_ids = key in ID_KEYS and not text.startswith("models:/")

        def replaced(part: str) -> str:
            alias = self.aliases.get(part)
            if alias is None or (len(part) < LONG_ALIAS and not short_ids):
                return part
            return alias

        if text in self.aliases:
            return replaced(text)
        return "/".join(replaced(part) for part in text.split("/"))
