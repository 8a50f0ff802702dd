"""Production settings: `check --deploy` is clean, and unsafe defaults refuse to start."""
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
