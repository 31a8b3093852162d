"""Push: MLflow tells the service when a champion alias moves, and that one model reloads now.

On only when both halves are given: a URL the MLflow server can reach (``--public-url``,
``WATER_MODELS_PUBLIC_URL``) and a webhook secret (``WATER_MODELS_WEBHOOK_SECRET``, from the
environment only, never logged or shown): an unsigned webhook could be forged by anyone who can
reach the service. The webhook is registered in a background thread (:mod:`.subscription`), with
the cache's jittered backoff while MLflow cannot be reached, so a service started during an
outage still gets push once MLflow is back. A server without webhooks (before 3.3, a file
store) or one that refuses the URL is logged once and the listing carries on alone.

Each delivery is verified (signature over the raw body, replay window, duplicate ids) before
anything is trusted; an accepted alias event for a platform champion queues a reload of that one
model and is answered at once. The name goes through a journal file in the shared cache folder
(:mod:`.journal`) that every worker process follows, so with ``--workers N`` all of them reload,
not only the one MLflow's connection reached; each reloads on its own pool (:mod:`.reloader`).
The periodic listing stays on regardless: MLflow delivers fire-and-forget, caches subscriber
lists for up to a minute, and loses deliveries when the service is down, so push shortens the
delay and the listing guarantees the outcome. The webhook itself is read once per refresh
interval, so one deleted on the server is registered again and health follows its status.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlflow_rest_sdk.webhooks import (
    DeliveryFilter,
    DuplicateDeliveryError,
    HeaderSource,
    ModelVersionAliasCreated,
    ModelVersionAliasDeleted,
    Reason,
    WebhookVerificationError,
    verify,
)
from water_models import naming
from water_models.fleet_cache import FleetCache
from water_models.fleet_state import utc_now
from water_models.serving.journal import PushJournal
from water_models.serving.reloader import Reloader
from water_models.serving.subscription import (
    Outcome,
    Registration,
    check_webhook,
    ensure_webhook,
)

logger = logging.getLogger("water_models")

#: Where MLflow posts deliveries, under the service's public URL.
WEBHOOK_PATH = "/webhooks/mlflow"
#: The journal's file name in the cache folder the workers share.
JOURNAL_NAME = "push-alias-events.log"


@dataclass(frozen=True, slots=True)
class Answer:
    """What the endpoint answers a delivery: MLflow retries only 429 and 5xx."""

    status: int
    body: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class PushHealth:
    active: bool
    status: str
    detail: str | None
    endpoint: str | None
    webhook_id: str | None
    accepted: int
    duplicates: int
    refused: int
    ignored: int
    reloads: int
    reload_failures: int
    last_delivery_at: str | None


class Push:
    """The webhook half of the service: registration, verification and reloads."""

    def __init__(
        self,
        cache: FleetCache,
        *,
        public_url: str | None,
        secret: str | None,
        journal_path: Path | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self._cache = cache
        self._secret = secret
        self.endpoint = None if public_url is None else public_url.rstrip("/") + WEBHOOK_PATH
        self._rng = rng or random.Random()
        self._deliveries = DeliveryFilter()
        self._reloader = Reloader(cache.reload)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._registration: Registration | None = None
        self._counts = {"accepted": 0, "duplicates": 0, "refused": 0, "ignored": 0}
        self._last_delivery_at: str | None = None
        self._off_reason = _off_reason(public_url, secret)
        self._journal = None
        if journal_path is not None and self._off_reason is None:
            prefix = cache.name_prefix
            self._journal = PushJournal(
                journal_path, self._reloader.submit, accept=lambda n: _serves(n, prefix)
            )

    def __repr__(self) -> str:  # never the secret
        return f"Push(endpoint={self.endpoint!r}, status={self.status!r})"

    @property
    def status(self) -> str:
        if self._off_reason is not None:
            return "off"
        with self._lock:
            registration = self._registration
        if registration is None or registration.outcome is Outcome.RETRY:
            return "registering"
        return registration.outcome.value

    # -- lifecycle --------------------------------------------------------------------------

    def start(self) -> None:
        """Register the webhook in the background (or log once why push is off)."""
        if self._off_reason is not None:
            logger.info(
                "push is off (%s): the registry listing alone keeps models fresh", self._off_reason
            )
            return
        if self._journal is not None:
            self._journal.start()
        self._thread = threading.Thread(target=self._register, name="push-register", daemon=True)
        self._thread.start()

    def close(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        if self._journal is not None:
            self._journal.close()
        self._reloader.close()

    def _register(self) -> None:
        """Register, then check the webhook once per refresh interval (jittered): one deleted on
        the server is registered again, one disabled or enabled again is reported so. A server
        without webhooks, or one that refuses the URL, ends it."""
        assert self.endpoint is not None and self._secret is not None
        failures = 0
        while not self._stop.is_set():
            with self._lock:
                previous = self._registration
            registration = self._registration_now(previous)
            with self._lock:
                self._registration = registration
            if registration.outcome is Outcome.RETRY:
                failures += 1
                log = logger.warning if failures == 1 else logger.debug
                log("registering the webhook failed, trying again later: %s", registration.detail)
            else:
                if _changed(previous, registration):
                    self._log_outcome(registration, failures)
                failures = 0
                if registration.outcome in (Outcome.UNSUPPORTED, Outcome.REFUSED):
                    return
            if self._stop.wait(self._cache.schedule.next_delay(failures, self._rng)):
                return

    def _registration_now(self, previous: Registration | None) -> Registration:
        assert self.endpoint is not None and self._secret is not None
        client = self._cache.client
        if previous is None or previous.outcome is Outcome.RETRY:
            return ensure_webhook(client, self.endpoint, self._secret)
        return check_webhook(client, previous, self.endpoint, self._secret)

    def _log_outcome(self, registration: Registration, failures: int) -> None:
        if registration.outcome is Outcome.ACTIVE:
            logger.info(
                "push active: webhook %s %s for %s%s",
                registration.webhook_id,
                "created" if registration.created else "found",
                self.endpoint,
                f" after {failures} failed attempt(s)" if failures else "",
            )
        else:
            logger.warning(
                "push is %s (%s): the registry listing alone keeps models fresh",
                registration.outcome.value,
                registration.detail,
            )

    # -- deliveries -------------------------------------------------------------------------

    def handle(self, headers: HeaderSource, body: bytes) -> Answer:
        """Verify one delivery and queue the reload it asks for (no network I/O: a local append)."""
        if self._off_reason is not None or self._secret is None:
            return Answer(404, _error("push_off", f"push is off: {self._off_reason}"))
        try:
            event = verify(self._secret, headers, body, deliveries=self._deliveries)
        except DuplicateDeliveryError:
            self._count("duplicates")
            return Answer(200, {"status": "duplicate"})  # handled once: no retry wanted
        except WebhookVerificationError as error:
            self._count("refused")
            logger.warning("refused a webhook delivery: %s", error)  # never holds the secret
            status = 400 if error.reason is Reason.MALFORMED_PAYLOAD else 401
            return Answer(status, _error(error.reason.value, error.detail))
        name = _champion_model(event, self._cache.name_prefix)
        if name is None:
            self._count("ignored")
            return Answer(200, {"status": "ignored", "event": event.event_type})
        self._count("accepted")
        logger.info("webhook %s: %s for %s", event.delivery_id, event.event_type, name)
        self._reload_everywhere(name)
        return Answer(202, {"status": "reloading", "registered_model": name})

    def _reload_everywhere(self, name: str) -> None:
        """Through the journal (every worker); this worker alone if the file fails."""
        if self._journal is not None:
            try:
                self._journal.publish(name)
                return
            except OSError as error:
                logger.warning(
                    "could not write %s, reloading here only: %s", self._journal.path, error
                )
        self._reloader.submit(name)

    def _count(self, kind: str) -> None:
        with self._lock:
            self._counts[kind] += 1
            self._last_delivery_at = utc_now()

    def health(self) -> PushHealth:
        status = self.status
        with self._lock:
            registration = self._registration
            counts = dict(self._counts)
            last = self._last_delivery_at
        return PushHealth(
            active=status == "active",
            status=status,
            detail=self._off_reason if registration is None else registration.detail,
            endpoint=self.endpoint,
            webhook_id=None if registration is None else registration.webhook_id,
            accepted=counts["accepted"],
            duplicates=counts["duplicates"],
            refused=counts["refused"],
            ignored=counts["ignored"],
            reloads=self._reloader.done,
            reload_failures=self._reloader.failed,
            last_delivery_at=last,
        )


def _changed(previous: Registration | None, now: Registration) -> bool:
    """Worth a log line: the first outcome, or another outcome or webhook than before."""
    return previous is None or (previous.outcome, previous.webhook_id) != (
        now.outcome,
        now.webhook_id,
    )


def _champion_model(event: object, name_prefix: str) -> str | None:
    """The platform model whose champion the event moved, if it is one this cache serves."""
    if not isinstance(event, ModelVersionAliasCreated | ModelVersionAliasDeleted):
        return None
    name, alias = event.data.name, event.data.alias
    return name if alias == naming.CHAMPION and _serves(name, name_prefix) else None


def _serves(name: str, name_prefix: str) -> bool:
    """A platform model under this cache's prefix."""
    return name.startswith(name_prefix) and naming.parse_registered_model_name(name) is not None


def _off_reason(public_url: str | None, secret: str | None) -> str | None:
    if public_url is None and secret is None:
        return "no public URL and no webhook secret"
    if public_url is None:
        return "no public URL (--public-url or WATER_MODELS_PUBLIC_URL)"
    if secret is None:
        return (
            "no webhook secret (WATER_MODELS_WEBHOOK_SECRET): unsigned deliveries could be forged"
        )
    return None


def _error(error: str, message: str) -> dict[str, str]:
    return {"error": error, "message": message}
