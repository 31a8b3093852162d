"""The one ``ssl.SSLContext`` every built-in transport uses, built without any HTTP library.

Shared by the httpx and aiohttp transports so that switching transports never changes which
servers are trusted; kept free of httpx so that loading the aiohttp transport does not load it.
"""

from __future__ import annotations

import os
import ssl
from pathlib import Path

from .transport import TlsConfig

__all__ = ["build_ssl_context"]


def _default_context() -> ssl.SSLContext:
    """httpx's default trust: ``SSL_CERT_FILE``, else ``SSL_CERT_DIR``, else certifi's bundle."""
    if cert_file := os.environ.get("SSL_CERT_FILE"):
        return ssl.create_default_context(cafile=cert_file)
    if cert_dir := os.environ.get("SSL_CERT_DIR"):
        return ssl.create_default_context(capath=cert_dir)
    import certifi

    return ssl.create_default_context(cafile=certifi.where())


def build_ssl_context(tls: TlsConfig) -> ssl.SSLContext:
    """Build the one SSL context every built-in transport uses.

    Without a CA bundle, trust is httpx's default (``SSL_CERT_FILE``/``SSL_CERT_DIR``, else
    certifi), so switching transports never changes which servers are trusted. ``ca_bundle`` is
    only read when ``verify`` is true. Missing files fail here, at construction, naming the field.
    """
    if tls.client_key is not None and tls.client_cert is None:
        raise ValueError("TlsConfig.client_key is set but TlsConfig.client_cert is not")
    for field_name, path in (
        ("ca_bundle", tls.ca_bundle if tls.verify else None),
        ("client_cert", tls.client_cert),
        ("client_key", tls.client_key),
    ):
        if path is not None and not Path(path).is_file():
            raise FileNotFoundError(f"TlsConfig.{field_name}: no such file: {path}")

    if not tls.verify:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    elif tls.ca_bundle is not None:
        try:
            context = ssl.create_default_context(cafile=tls.ca_bundle)
        except ssl.SSLError as exc:
            raise ValueError(
                f"TlsConfig.ca_bundle: not a PEM certificate bundle: {tls.ca_bundle}"
            ) from exc
    else:
        context = _default_context()

    if tls.client_cert is not None:
        try:
            context.load_cert_chain(tls.client_cert, keyfile=tls.client_key)
        except ssl.SSLError as exc:
            raise ValueError(
                "TlsConfig.client_cert/client_key: cannot load the certificate and key "
                f"from {tls.client_cert}" + (f" and {tls.client_key}" if tls.client_key else "")
            ) from exc
    return context
