"""The behaviour every compat entity shares: what MLflow code does with an entity besides reading
its attributes.

MLflow code turns entities into dicts (``dict(run.info)``), prints them, and compares them.
So, as in ``mlflow.entities``: iterating an entity gives ``(name, value)`` pairs of its public
properties in name order, and ``repr`` shows them. Unlike most of MLflow's classes, equality is
by those values for every entity (MLflow compares some by ``__dict__``, some by identity, and
``Param`` by key alone): code that moves over may only gain equalities it relied on, and tests
can compare what two clients returned.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

__all__ = ["Entity", "HashableEntity"]


class Entity:
    """Base of the compat entities: read-only properties, iteration, repr, equality by value."""

    # Equal by value, so unhashable (Python sets ``__hash__`` to None beside ``__eq__``): some
    # hold dicts and lists. :class:`HashableEntity` is for those of scalars only.

    @classmethod
    def _properties(cls) -> list[str]:
        """The public property names, sorted (the order MLflow iterates and prints them in)."""
        names = {
            name
            for klass in cls.__mro__
            for name, value in vars(klass).items()
            if isinstance(value, property) and not name.startswith("_")
        }
        return sorted(names)

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        for name in self._properties():
            yield name, getattr(self, name)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Entity) or type(other) is not type(self):
            return NotImplemented
        return list(self) == list(other)

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={value!r}" for name, value in self)
        return f"<{type(self).__name__}: {shown}>"


class HashableEntity(Entity):
    """An entity of scalars only (a metric, a tag): usable in sets and as a dict key."""

    def __hash__(self) -> int:
        return hash((type(self).__name__, *(value for _, value in self)))
