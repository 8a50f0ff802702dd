"""A receiver's token never reaches the logs: Django's request log and gunicorn's access log show /hooks/…/."""
from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.scripts.conftest import BASE_DIR, free_port
from tests.webhooks.test_receiver import endpoint, event, post, queued  # noqa: F401 - fixtures
from webhooks.log_redaction import receiver_addresses_redacted

pytestmark = pytest.mark.django_db


def test_only_the_token_of_a_receiver_address_is_replaced() -> None:
    assert receiver_addresses_redacted('"POST /hooks/Ab3-x_9/ HTTP/1.1" 401') == '"POST /hooks/…/ HTTP/1.1" 401'
    assert receiver_addresses_redacted("Unauthorized: /hooks/Ab3x9") == "Unauthorized: /hooks/…"
    assert receiver_addresses_redacted("/setup/carts/7/sync/webhooks/") == "/setup/carts/7/sync/webhooks/"


@pytest.fixture
def console_output() -> io.StringIO:
    """What the settings' console handler (filters included) writes, captured."""
    handler = next(handler for handler in logging.getLogger().handlers if handler.get_name() == "console")
    written = io.StringIO()
    previous = handler.setStream(written)
    yield written
    handler.setStream(previous)


def test_a_refused_delivery_is_logged_without_the_receivers_token(endpoint, queued, console_output) -> None:  # noqa: F811
    assert post(endpoint, event(250), secret="wrong").status_code == 401
    assert post(endpoint, event(250), token="no-such-receiver").status_code == 404

    logged = console_output.getvalue()
    assert "Unauthorized: /hooks/…/" in logged and "Not Found: /hooks/…/" in logged
    assert endpoint.token not in logged and "no-such-receiver" not in logged


def test_gunicorns_access_log_shows_no_receiver_token(tmp_path: Path) -> None:
    port, access_log = free_port(), tmp_path / "access.log"
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--access-logfile", str(access_log),
         "--logger-class", "salesorder.gunicorn_config.AccessLogWithoutReceiverAddresses",
         "tests.webhooks.plain_wsgi:application"],
        cwd=BASE_DIR, env={**os.environ, "DEBUG": "true"}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/hooks/tok3n-Of-A-cart/?x=1", timeout=2)
                break
            except urllib.error.URLError:
                time.sleep(0.1)
        for _ in range(50):
            if access_log.exists() and "/hooks/" in access_log.read_text():
                break
            time.sleep(0.1)
    finally:
        server.terminate()
        server.wait(timeout=30)
    logged = access_log.read_text()
    assert '"GET /hooks/…/?x=1 HTTP/1.1" 200' in logged and "tok3n" not in logged
