"""Production settings: `check --deploy` is clean, and unsafe defaults refuse to start."""
import os
import subprocess
import sys

from cryptography.fernet import Fernet

PRODUCTION = {
    "PATH": "/usr/bin:/bin",
    "DEBUG": "false",
    "SECRET_KEY": "x" * 20 + "production-secret-key-for-the-deploy-check-0123456789",
    "CREDENTIALS_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    "ALLOWED_HOSTS": "portal.example.com",
    "DATABASE_URL": "sqlite:////tmp/deploy-check.sqlite3",
}


def manage(*args: str, **environment: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], capture_output=True, text=True,
                          env={**PRODUCTION, **environment})


def test_check_deploy_is_clean_under_production_settings() -> None:
    result = manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_secure_cookies_and_https_under_production_settings() -> None:
    code = ("from django.conf import settings as s; "
            "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS > 0)")
    result = manage("shell", "-c", code)
    assert result.stdout.strip().splitlines()[-1].split() == ["True", "True", "True", "True"], result.stderr


def test_development_secrets_refuse_to_start_in_production() -> None:
    result = manage("check", SECRET_KEY="dev-only-insecure-secret-key-change-me-0123456789abcdef")
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr
    result = manage("check", CREDENTIALS_ENCRYPTION_KEYS="ZGV2LW9ubHktY3JlZGVudGlhbHMta2V5LTAxMjM0NTY=")
    assert result.returncode != 0 and "must not contain the development key" in result.stderr


def test_with_no_environment_at_all_the_product_refuses_to_start(tmp_path) -> None:
    nothing = {"PATH": "/usr/bin:/bin", "VAR_DIR": str(tmp_path / "var")}
    for command in (["manage.py", "check"], ["-c", "import salesorder.wsgi"],
                    ["-c", "import runpy; runpy.run_path('salesorder/gunicorn_config.py')"]):
        result = subprocess.run([sys.executable, *command], capture_output=True, text=True, env=nothing)
        assert result.returncode != 0, command
        message = result.stderr.strip().splitlines()[-1]
        assert "Salesorder refuses to start: DEBUG is off" in message, result.stderr
        assert "SECRET_KEY must be set" in message and "CREDENTIALS_ENCRYPTION_KEYS must not contain" in message
        assert "set DEBUG=true" in message


def test_debug_is_off_unless_the_environment_turns_it_on() -> None:
    production = {key: value for key, value in PRODUCTION.items() if key != "DEBUG"}
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", "from django.conf import settings; print(settings.DEBUG)"],
                            capture_output=True, text=True, env=production)
    assert result.stdout.strip().splitlines()[-1] == "False", result.stderr


def test_the_development_keys_are_accepted_only_with_debug_explicitly_on(tmp_path) -> None:
    development = {"PATH": "/usr/bin:/bin", "VAR_DIR": str(tmp_path / "var"), "DEBUG": "true"}
    result = subprocess.run([sys.executable, "manage.py", "check"], capture_output=True, text=True, env=development)
    assert result.returncode == 0, result.stderr
    refused = subprocess.run([sys.executable, "manage.py", "check"], capture_output=True, text=True,
                             env={**development, "DEBUG": "false"})
    assert refused.returncode != 0 and "Salesorder refuses to start" in refused.stderr


def test_the_test_suite_names_its_own_settings_and_runs_in_development_mode() -> None:
    from django.conf import settings

    assert os.environ["DJANGO_SETTINGS_MODULE"] == "salesorder.settings_test"
    assert os.environ["DEBUG"] == "true"  # so the workers and commands tests start run in the same mode
    assert settings.SECRET_KEY == "dev-only-insecure-secret-key-change-me-0123456789abcdef"
