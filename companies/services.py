"""Creating companies and their users."""
from __future__ import annotations

import secrets

from django.contrib.auth.password_validation import validate_password
from django.db import IntegrityError, transaction

from carts.platforms.base import InvalidInput
from companies.models import Company, User
from items.ledger import ledger_accounts_seed

ACCOUNT_NUMBER_ATTEMPTS = 20


def company_account_number_generate() -> str:
    """A random, unused SOA + 6 digits number (random so numbers do not reveal company counts)."""
    for _ in range(ACCOUNT_NUMBER_ATTEMPTS):
        candidate = f"SOA{secrets.randbelow(900_000) + 100_000}"
        if not Company.objects.filter(account_number=candidate).exists():
            return candidate
    raise RuntimeError("Could not find a free account number; the number space is nearly full.")


@transaction.atomic
def company_create(*, name: str, email: str, password: str) -> tuple[Company, User]:
    """Create a company with its first user (who signs in with the e-mail address)."""
    name = name.strip()
    email = email.strip().lower()
    if not name:
        raise InvalidInput("The company name is empty: give the company a name.")
    if User.objects.filter(username=email).exists():
        raise InvalidInput(f"A user with the e-mail address {email} already exists.")
    user = User(username=email, email=email)
    validate_password(password, user)
    for _ in range(ACCOUNT_NUMBER_ATTEMPTS):
        try:
            with transaction.atomic():
                company = Company.objects.create(name=name, account_number=company_account_number_generate())
            break
        except IntegrityError:  # another process took the same number between check and insert
            continue
    else:
        raise RuntimeError("Could not allocate an account number.")
    user.company = company
    user.set_password(password)
    user.save()
    ledger_accounts_seed(company=company)
    return company, user


def company_get_by_account_number(account_number: str) -> Company:
    """The company with this SOA number, or InvalidInput saying it does not exist."""
    normalised = account_number.strip().upper()
    try:
        return Company.objects.get(account_number=normalised)
    except Company.DoesNotExist:
        raise InvalidInput(f"No company has the account number {normalised!r} (expected SOA followed by 6 digits).")
