"""`manage.py company add` prints the SOA number; bad input exits 2 with the reason."""
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from companies.models import Company, User

pytestmark = pytest.mark.django_db


def test_company_add_prints_the_new_account_number() -> None:
    out = StringIO()
    call_command("company", "add", "Acme Ltd", "--email", "Owner@Acme.example", "--password", "correct-horse-9", stdout=out, stderr=StringIO())
    number = out.getvalue().strip()
    assert re.fullmatch(r"SOA\d{6}", number)
    company = Company.objects.get(account_number=number)
    user = User.objects.get(username="owner@acme.example")
    assert user.company == company and user.check_password("correct-horse-9")


def test_company_add_refuses_a_weak_password_and_a_taken_email() -> None:
    with pytest.raises(CommandError, match="Password refused") as raised:
        call_command("company", "add", "Acme", "--email", "a@b.example", "--password", "123")
    assert raised.value.returncode == 2
    call_command("company", "add", "Acme", "--email", "a@b.example", "--password", "correct-horse-9", stdout=StringIO(), stderr=StringIO())
    with pytest.raises(CommandError, match="already exists"):
        call_command("company", "add", "Other", "--email", "A@B.example", "--password", "correct-horse-9")
    assert Company.objects.count() == 1
