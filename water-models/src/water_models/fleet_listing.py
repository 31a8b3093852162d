"""One paged listing of the platform's registered models: every champion in a few requests.

Why a listing and not one alias lookup per model: ``search_registered_models`` returns each
model's aliases (and its latest version with tags) in pages of up to 1000 models, so keeping
20,000 champions fresh costs 20 requests per refresh instead of 20,000. The listing only says
which version is the champion; what that version is (its files and checksum) is read only for
models whose champion changed, and often not even then: when the champion is the latest version,
the listing already carried its record.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from water_models import naming
from water_models.registry_flows import RegistryRecord

if TYPE_CHECKING:
    from mlflow_rest_sdk import MlflowClient, RetryPolicy
    from mlflow_rest_sdk.models import RegisteredModel

logger = logging.getLogger("water_models")


@dataclass(frozen=True, slots=True)
class ChampionRef:
    """What the listing says of one registered model: whose it is and which version is champion.

    ``record`` is the champion's registry record when the listing carried it (the champion is
    the latest version), else None and the caller asks ``get_model_version``.
    """

    registered_model: str
    station_id: str
    model_type: str
    version: str
    record: RegistryRecord | None


@dataclass(frozen=True, slots=True)
class Listing:
    """A complete listing: champions by registered model name, and how many requests it took."""

    champions: dict[str, ChampionRef]
    without_champion: tuple[str, ...]
    requests: int


def list_champions(
    client: MlflowClient,
    name_prefix: str,
    *,
    page_size: int,
    retry: RetryPolicy | None = None,
) -> Listing:
    """Every platform model whose name starts with ``name_prefix``, page after page.

    Pages are followed by hand rather than with ``search_registered_models_iter`` to count
    them (reported in health). Any error propagates: a partial listing is never returned, so a
    model missing from a failed listing is never taken for a retired one.
    """
    champions: dict[str, ChampionRef] = {}
    without: list[str] = []
    requests = 0
    token: str | None = None
    while True:
        page = client.search_registered_models(
            filter=naming.registered_model_filter(name_prefix),
            max_results=page_size,
            order_by=["name ASC"],
            page_token=token,
            retry=retry,
        )
        requests += 1
        for model in page.registered_models:
            ref = champion_ref(model, name_prefix)
            if isinstance(ref, ChampionRef):
                champions[ref.registered_model] = ref
            elif ref is not None:
                without.append(ref)
        token = page.next_page_token or None
        if token is None:
            return Listing(champions, tuple(sorted(without)), requests)


def champion_ref(model: RegisteredModel, name_prefix: str) -> ChampionRef | str | None:
    """The model's champion; its name when it has none; None when it is not a platform model.

    LIKE treats ``_`` as a wildcard, so the prefix is compared exactly here too.
    """
    name = model.name or ""
    parsed = naming.parse_registered_model_name(name)
    if parsed is None or not name.startswith(name_prefix):
        return None
    version = next((a.version for a in model.aliases if a.alias == naming.CHAMPION), None)
    if not version:
        return name
    record = None
    for latest in model.latest_versions:
        if latest.version == version:
            try:
                # A listed version carries no aliases: the listing says it is the champion.
                record = replace(
                    RegistryRecord.from_model_version(latest), aliases=(naming.CHAMPION,)
                )
            except ValueError:
                logger.debug("%s: incomplete latest version in the listing", name)
            break
    station, model_type = parsed
    return ChampionRef(name, station, model_type, version, record)
