"""The local demo: a company, its user and a cart pointing at the sandbox store (for `make run`)."""
from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass, replace
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from carts.platforms.bigcommerce.constants import AWAITING_FULFILLMENT_STATUS_ID
from carts.platforms.bigcommerce.credentials import CredentialsFile, parse_api_path, parse_credentials_file
from carts.models import AutoSync, Cart
from carts.setup import CartSettings, bigcommerce_allowed_hosts, cart_create, cart_credentials_changed, cart_update
from companies.models import Company, User
from companies.services import company_create

DEMO_COMPANY_NAME = "Demo Trading Ltd"
DEMO_EMAIL = "demo@salesorder.localhost"
DEMO_CART_NAME = "Sandbox Store"
DEMO_HISTORY_DAYS = 365
OPERATOR_USERNAME = "operator@salesorder.localhost"


@dataclass(frozen=True)
class DemoLogin:
    account_number: str
    email: str
    password: str
    cart_name: str


@dataclass(frozen=True)
class OperatorLogin:
    username: str
    password: str


def _password_kept(password_file: Path) -> str:
    return password_file.read_text().strip() if password_file.exists() else ""


def _password_keep(password_file: Path, password: str) -> None:
    password_file.parent.mkdir(parents=True, exist_ok=True)
    password_file.write_text(password + "\n")
    password_file.chmod(0o600)


@transaction.atomic
def demo_operator_ensure(*, password_file: Path) -> OperatorLogin:
    """An operator (staff and superuser, of no company) for the admin at /admin/; the password persists in password_file."""
    password = _password_kept(password_file)
    operator = User.objects.filter(username=OPERATOR_USERNAME).first()
    if operator is None:
        password = password or secrets.token_urlsafe(12)
        User.objects.create_superuser(OPERATOR_USERNAME, OPERATOR_USERNAME, password)
    elif not password or not operator.check_password(password) or not (operator.is_staff and operator.is_active):
        password = password or secrets.token_urlsafe(12)
        operator.set_password(password)
        operator.is_staff = operator.is_superuser = operator.is_active = True
        operator.save(update_fields=["password", "is_staff", "is_superuser", "is_active"])
    _password_keep(password_file, password)
    return OperatorLogin(OPERATOR_USERNAME, password)


@transaction.atomic
def demo_environment_ensure(*, sandbox_credentials_text: str, password_file: Path) -> DemoLogin:
    """Create (or refresh) the demo company, user and sandbox cart; the password persists in password_file."""
    credentials = parse_credentials_file(sandbox_credentials_text)
    user = User.objects.filter(username=DEMO_EMAIL).select_related("company").first()
    password = _password_kept(password_file)
    if user is None:
        password = password or secrets.token_urlsafe(12)
        company, user = company_create(name=DEMO_COMPANY_NAME, email=DEMO_EMAIL, password=password)
    else:
        company = user.company
        if not password or not user.check_password(password):
            password = secrets.token_urlsafe(12)
            user.set_password(password)
            user.save(update_fields=["password"])
    _password_keep(password_file, password)
    _ensure_cart(company, credentials)
    return DemoLogin(company.account_number, DEMO_EMAIL, password, DEMO_CART_NAME)


def _ensure_cart(company: Company, credentials: CredentialsFile) -> None:
    values = CartSettings(
        name=DEMO_CART_NAME,
        api_path=parse_api_path(credentials.api_path, allowed_hosts=bigcommerce_allowed_hosts()),
        api_key=credentials.api_key,
        import_status_ids=(AWAITING_FULFILLMENT_STATUS_ID,),
        import_orders_from=timezone.localdate() - datetime.timedelta(days=DEMO_HISTORY_DAYS),
    )
    cart = Cart.objects.for_company(company).filter(name=DEMO_CART_NAME).first()
    if cart is None:
        cart_create(company=company, values=values)
    else:
        # Keep the merchant's own settings; only follow the sandbox's address and key. A new address or key
        # must pass Test Connection before Auto-sync runs again, as on the cart screen.
        followed = replace(CartSettings.of_cart(cart), api_path=values.api_path, api_key=values.api_key)
        if cart_credentials_changed(cart=cart, api_path=followed.api_path, api_key=followed.api_key):
            followed = replace(followed, auto_sync=AutoSync.STOPPED)
        cart_update(cart=cart, values=followed)
