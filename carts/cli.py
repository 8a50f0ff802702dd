"""`cart add`, `cart test`, `cart delete` and `cart rotate-keys`, plus the lookups every app's cart actions share."""
from __future__ import annotations

import argparse
import datetime

from django.core.management.base import BaseCommand, CommandError
from django.http import QueryDict

from carts.platforms.base import PortalError
from carts.forms import BigCommerceCartForm
from carts.models import AutoSync, Cart, ImportOrdersAs
from carts.connection_test import cart_test_connection
from carts.setup import cart_create, cart_delete, cart_get_by_name, cart_order_status_ids, cart_rotate_credentials_keys
from companies.models import Company
from companies.services import company_get_by_account_number

INVALID_INPUT = 2
IMPORT_AS_CHOICES = {
    "cash-sale": ImportOrdersAs.CASH_SALE,
    "sales-order": ImportOrdersAs.SALES_ORDER,
    "invoice": ImportOrdersAs.INVOICE,
}


def command_company(options: dict) -> Company:
    """The company named by --company, or exit 2 with the reason."""
    try:
        return company_get_by_account_number(str(options["company"]))
    except PortalError as error:
        raise CommandError(str(error), returncode=INVALID_INPUT) from None


def command_cart(options: dict) -> Cart:
    """The cart named by NAME within --company, or exit 2 with the reason."""
    try:
        return cart_get_by_name(company=command_company(options), name=str(options["name"]))
    except PortalError as error:
        raise CommandError(str(error), returncode=INVALID_INPUT) from None


def add_cart_arguments(parser: argparse.ArgumentParser) -> None:
    """NAME and --company, which every cart action takes."""
    parser.add_argument("name", help="The cart's name.")
    parser.add_argument("--company", required=True, help="The company's account number, SOA followed by 6 digits.")


def register(subcommands: argparse._SubParsersAction, command: BaseCommand) -> None:
    add = subcommands.add_parser("add", help="Create a BigCommerce cart (same validation as the screen).")
    add_cart_arguments(add)
    add.add_argument("--api-path", required=True, help="The API PATH, e.g. https://api.bigcommerce.com/stores/abc123/v3/")
    add.add_argument("--api-key", required=True, help="CLIENT_ID:ACCESS_TOKEN")
    add.add_argument("--import-as", choices=sorted(IMPORT_AS_CHOICES), default="cash-sale")
    add.add_argument("--status", action="append", default=[], help="A status name or id to import; repeatable.")
    add.add_argument("--import-from", type=_iso_date, help="YYYY-MM-DD: orders created before it are never imported.")
    add.add_argument("--auto-sync", choices=[choice.value for choice in AutoSync], default=AutoSync.STOPPED)
    add.add_argument("--interval", type=int, default=15, help="Minutes between auto-sync passes.")
    add.set_defaults(handler=handle_add)

    test = subcommands.add_parser("test", help="Test Connection; exit 0 on pass, 1 on fail.")
    add_cart_arguments(test)
    test.set_defaults(handler=handle_test)

    delete = subcommands.add_parser(
        "delete", help="Delete the cart with its log, as the screen's Delete does; imported items and transactions stay."
    )
    add_cart_arguments(delete)
    delete.set_defaults(handler=handle_delete)

    rotate = subcommands.add_parser(
        "rotate-keys", help="Re-encrypt every stored API key with the first CREDENTIALS_ENCRYPTION_KEYS entry."
    )
    rotate.set_defaults(handler=handle_rotate_keys)


def _iso_date(text: str) -> str:
    try:
        return datetime.date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; use YYYY-MM-DD, e.g. 2026-01-31.") from None


def handle_add(command: BaseCommand, options: dict) -> int:
    company = command_company(options)
    data = QueryDict(mutable=True)
    data.update(
        {
            "name": options["name"],
            "api_path": options["api_path"],
            "api_version": "3",
            "api_key": options["api_key"],
            "import_as": IMPORT_AS_CHOICES[options["import_as"]],
            "import_orders_from": options["import_from"] or "",
            "auto_sync": options["auto_sync"],
            "sync_interval_minutes": str(options["interval"]),
            "web_customer_name": "Web customer",
        }
    )
    try:
        status_ids = cart_order_status_ids(cart=None, wanted=options["status"])
    except PortalError as error:
        raise CommandError(str(error), returncode=INVALID_INPUT) from None
    data.setlist("import_status_ids", [str(status_id) for status_id in status_ids])
    form = BigCommerceCartForm(data, company=company)
    if not form.is_valid():
        lines = [
            f"{form.fields[field].label if field in form.fields else field}: {message}"
            for field, messages in form.errors.items()
            for message in messages
        ]
        raise CommandError("The cart was not saved:\n  " + "\n  ".join(lines), returncode=INVALID_INPUT)
    try:
        cart = cart_create(company=company, values=form.to_settings())
    except PortalError as refusal:
        raise CommandError(f"The cart was not saved: {refusal}", returncode=INVALID_INPUT) from None
    command.stdout.write(f"Created cart '{cart.name}' for {company.account_number} (store {cart.store_hash}).")
    return 0


def handle_test(command: BaseCommand, options: dict) -> int:
    result = cart_test_connection(cart=command_cart(options))
    command.stdout.write(result.message)
    if result.detail:
        command.stdout.write(result.detail)
    return 0 if result.passed else 1


def handle_delete(command: BaseCommand, options: dict) -> int:
    cart = command_cart(options)
    name, account_number = cart.name, cart.company.account_number
    cart_delete(cart=cart)
    command.stdout.write(f"Deleted cart '{name}' of {account_number}; its imported items and transactions stay.")
    return 0


def handle_rotate_keys(command: BaseCommand, options: dict) -> int:
    command.stdout.write(f"Re-encrypted {cart_rotate_credentials_keys()} stored API keys with the newest key.")
    return 0
