"""gunicorn's configuration for `make serve-production`: where to listen comes from the Django settings.

Reading the settings here also makes gunicorn refuse to start before it binds when they are unsafe.
"""
from __future__ import annotations

import ipaddress
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salesorder.settings")

from django.conf import settings  # noqa: E402 - after the settings module is named
from gunicorn.glogging import Logger  # noqa: E402

from webhooks.log_redaction import receiver_addresses_redacted  # noqa: E402


def listen_address(address: str, port: int) -> str:
    """gunicorn's bind value for BIND_ADDRESS and WEB_PORT; an unusable address stops start-up saying why."""
    if address.startswith("unix:"):
        return address
    try:
        ip = ipaddress.ip_address(address.strip("[]"))
    except ValueError:
        raise SystemExit(f"BIND_ADDRESS={address!r} is not an IP address: use e.g. 127.0.0.1 (this machine only), "
                         "0.0.0.0 (every interface) or unix:/run/salesorder.sock.") from None
    return f"[{ip}]:{port}" if ip.version == 6 else f"{ip}:{port}"


bind = [listen_address(settings.BIND_ADDRESS, settings.WEB_PORT)]
workers = settings.WEB_WORKERS
threads = settings.WEB_THREADS
accesslog = "-"


class AccessLogWithoutReceiverAddresses(Logger):
    """gunicorn's access log with /hooks/…/ in place of a receiver's token (the request line, path and URI)."""

    def atoms(self, resp, req, environ, request_time):  # type: ignore[no-untyped-def]  # gunicorn's signature
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U"):
            atoms[key] = receiver_addresses_redacted(atoms[key])
        return atoms


logger_class = AccessLogWithoutReceiverAddresses
