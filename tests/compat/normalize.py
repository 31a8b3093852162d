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
from typing import Any

#: Keys whose values are times: compared only by being set or not.
TIME_KEYS = frozenset({"start_time", "end_time", "creation_time", "last_update_time", "timestamp"})
#: Tags only one client writes, by design: the SDK's create_run tags runs with an idempotency
#: key so that retries never duplicate a run (docs/migrating.md lists it as a difference).
ONE_SIDED_TAGS = frozenset({"mlflow_rest_sdk.idempotency_key"})
#: Fields that hold ids or URIs made of ids: where even a short alias (``"4"``) is applied.
ID_KEYS = frozenset({"experiment_id", "artifact_location", "artifact_uri", None})
#: Aliases at least this long are unique enough to be replaced wherever they appear.
LONG_ALIAS = 8
#: Entity properties only MLflow's classes have (docs/migrating.md says why they are left out).
ONE_SIDED_PROPERTIES = frozenset({"trace_location"})


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
        if hasattr(type(value), "_properties"):  # an entity, of MLflow or of the compat layer
            return {
                name: self.plain(item, name)
                for name, item in value
                if name not in ONE_SIDED_PROPERTIES
            }
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
        def replaced(part: str) -> str:
            alias = self.aliases.get(part)
            if alias is None or (len(part) < LONG_ALIAS and key not in ID_KEYS):
                return part
            return alias

        if text in self.aliases:
            return replaced(text)
        return "/".join(replaced(part) for part in text.split("/"))
