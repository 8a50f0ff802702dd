"""`make run`: development mode said explicitly, and every file it leaves under var/ owner-only."""
from __future__ import annotations

import urllib.request

import pytest

from tests.scripts.conftest import free_port, open_to_others

pytestmark = pytest.mark.worker


def test_make_run_starts_in_development_mode_and_creates_var_files_owner_only(run_script, tmp_path) -> None:
    web_port, sandbox_port = free_port(), free_port()
    var = tmp_path / "var"
    # No DEBUG, no keys, no database or broker: the script says development itself; SQLite and the embedded broker.
    environment = {"PATH": "/usr/bin:/bin", "VAR_DIR": str(var), "WEB_PORT": str(web_port),
                   "SANDBOX_PORT": str(sandbox_port)}
    run = run_script("run-local.sh", environment)
    run.wait_for(lambda output: "Salesorder: http://" in output, timeout=180, what="the web server to start")
    run.wait_for(lambda output: "beat: Starting" in output and "ready." in output, timeout=120,
                 what="the worker and beat to start")
    with urllib.request.urlopen(f"http://127.0.0.1:{web_port}/login/", timeout=10) as response:
        assert response.status == 200
    assert "Demo login" in run.output() and "Operator login" in run.output()
    names = {path.name.split(".")[0] if path.name.startswith("celerybeat-schedule") else path.name
             for path in var.iterdir()}  # the beat schedule is a dbm file, one or more files by the backend
    assert {"db.sqlite3", "celery-broker.sqlite", "sandbox-credentials.txt", "demo-password.txt",
            "operator-password.txt", "celerybeat-schedule"} <= names
    assert open_to_others(var) == {}
    run.stop()
    assert open_to_others(var) == {}  # the sandbox's state and anything written while stopping too
