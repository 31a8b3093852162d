"""Blocking clients on the three transports, for tests that log in as different users."""

from tests.live.blocking import TRANSPORT_KINDS, open_client

__all__ = ["TRANSPORT_KINDS", "open_client"]
