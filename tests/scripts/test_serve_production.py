"""`make serve-production`: DEBUG off whatever the environment says, loopback by default, var/ owner-only."""
from __future__ import annotations

import subprocess
import urllib.error
import urllib.request

from cryptography.fernet import Fernet

from tests.scripts.conftest import free_port, open_to_others

SECRETS = {
    "SECRET_KEY": "p" * 30 + "production-secret-key-for-serve-production-0123456789",
    "CREDENTIALS_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
}


def listening_addresses(port: int) -> set[str]:
    """The local addresses of TCP sockets listening on `port` (from `ss`)."""
    listing = subprocess.run(["ss", "-ltnH", f"sport = :{port}"], capture_output=True, text=True, check=True).stdout
    return {line.split()[3].rsplit(":", 1)[0] for line in listing.splitlines()}


def get(url: str) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})  # as the TLS proxy says
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_serve_production_binds_to_loopback_with_debug_off_and_keeps_var_private(run_script, tmp_path) -> None:
    port = free_port()
    var = tmp_path / "var"
    environment = {"PATH": "/usr/bin:/bin", **SECRETS, "VAR_DIR": str(var), "WEB_PORT": str(port), "WEB_WORKERS": "1",
                   "ALLOWED_HOSTS": "127.0.0.1", "DEBUG": "true"}  # the script turns DEBUG off regardless
    server = run_script("serve-production.sh", environment)
    server.wait_for(lambda output: "Booting worker" in output, timeout=120, what="gunicorn to start")
    assert f"Listening at: http://127.0.0.1:{port}" in server.output()
    assert listening_addresses(port) == {"127.0.0.1"}
    status, page = get(f"http://127.0.0.1:{port}/no-such-page/")
    assert status == 404 and "Using the URLconf" not in page and "Traceback" not in page  # no debug page
    assert get(f"http://127.0.0.1:{port}/login/")[0] == 200
    assert (var / "db.sqlite3").exists()
    assert open_to_others(var) == {}


def test_serve_production_listens_where_bind_address_says(run_script, tmp_path) -> None:
    port = free_port()
    environment = {"PATH": "/usr/bin:/bin", **SECRETS, "VAR_DIR": str(tmp_path / "var"), "WEB_PORT": str(port),
                   "WEB_WORKERS": "1", "BIND_ADDRESS": "0.0.0.0"}
    server = run_script("serve-production.sh", environment)
    server.wait_for(lambda output: "Booting worker" in output, timeout=120, what="gunicorn to start")
    assert listening_addresses(port) == {"0.0.0.0"}


def test_serve_production_refuses_to_start_with_the_development_keys(run_script, tmp_path) -> None:
    server = run_script("serve-production.sh", {"PATH": "/usr/bin:/bin", "VAR_DIR": str(tmp_path / "var")})
    assert server.process.wait(timeout=60) != 0
    assert "Salesorder refuses to start: DEBUG is off" in server.output()
