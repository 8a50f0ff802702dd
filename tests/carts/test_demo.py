"""`manage.py demo` (what `make run` calls): the demo merchant's login and an operator's, both working."""
from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client

from companies.models import User

pytestmark = pytest.mark.django_db


def run_demo(sandbox_store, settings, tmp_path) -> str:
    settings.VAR_DIR = tmp_path
    credentials = tmp_path / "sandbox-credentials.txt"
    credentials.write_text(sandbox_store.credentials_text())
    out = io.StringIO()
    call_command("demo", "--sandbox-credentials", str(credentials), stdout=out)
    return out.getvalue()


def printed(output: str, section: str, field: str) -> str:
    block = output[output.index(section):]
    return block[block.index(field + ":") + len(field) + 1:].split("\n")[0].strip()


def test_demo_prints_an_operator_login_that_opens_the_admin(sandbox_allowed, settings, tmp_path) -> None:
    output = run_demo(sandbox_allowed, settings, tmp_path)
    username, password = printed(output, "Operator login", "user"), printed(output, "Operator login", "password")
    operator = User.objects.get(username=username)
    assert operator.is_staff and operator.is_superuser and operator.company is None
    client = Client()
    signed_in = client.post("/admin/login/?next=/admin/", {"username": username, "password": password})
    assert signed_in.status_code == 302 and signed_in.url == "/admin/"
    assert client.get("/admin/").status_code == 200
    merchant = Client()
    signed_in = merchant.post("/login/", {"username": printed(output, "Demo login", "e-mail"),
                                          "password": printed(output, "Demo login", "password")})
    assert signed_in.status_code == 302
    response = merchant.get("/admin/", follow=True)
    assert response.status_code == 403 and "The admin is for Salesorder's operators" in response.content.decode()
    assert "Setup &gt; Shopping Carts" in response.content.decode()


def test_running_demo_again_keeps_both_passwords(sandbox_allowed, settings, tmp_path) -> None:
    first = run_demo(sandbox_allowed, settings, tmp_path)
    second = run_demo(sandbox_allowed, settings, tmp_path)
    for section in ("Demo login", "Operator login"):
        assert printed(first, section, "password") == printed(second, section, "password")
    assert (tmp_path / "operator-password.txt").stat().st_mode & 0o077 == 0
