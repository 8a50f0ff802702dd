"""`cart add`, `update`, `test`, `delete` and `rotate-keys`, and the lookups every app's cart actions share."""
from __future__ import annotations

import argparse
import datetime
from collections.abc import Callable

from django.core.management.base import BaseCommand, CommandError
from django.http import QueryDict

from carts.platforms.base import PortalError
from carts.forms import BigCommerceCartForm
from carts.models import AutoSync, Cart, ImportOrdersAs
from carts.connection_test import cart_test_connection
from carts.setup import (
    cart_create,
    cart_delete,
    cart_get_by_name,
    cart_order_status_ids,
    cart_rotate_credentials_keys,
    cart_update,
)
from companies.models import Company
from companies.services import company_get_by_account_number
from items.selectors import ledger_accounts

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


def cart_subcommand(subcommands: argparse._SubParsersAction, name: str, *, help: str,
                    handler: Callable[[BaseCommand, dict], int], json_help: str = "") -> argparse.ArgumentParser:
    """A subcommand that acts on one cart: NAME and --company, --json when `json_help` says what it prints."""
    parser = subcommands.add_parser(name, help=help)
    parser.add_argument("name", help="The cart's name.")
    parser.add_argument("--company", required=True, help="The company's account number, SOA followed by 6 digits.")
    if json_help:
        parser.add_argument("--json", action="store_true", help=json_help)
    parser.set_defaults(handler=handler)
    return parser


def register(subcommands: argparse._SubParsersAction, command: BaseCommand) -> None:
    add = cart_subcommand(subcommands, "add", help="Create a BigCommerce cart (same validation as the screen).",
                          handler=handle_add)
    add.add_argument("--api-path", required=True, help="The API PATH, e.g. https://api.bigcommerce.com/stores/abc123/v3/")
    add.add_argument("--api-key", required=True, help="CLIENT_ID:ACCESS_TOKEN")
    add.add_argument("--import-as", choices=sorted(IMPORT_AS_CHOICES), default="cash-sale")
    add.add_argument("--status", action="append", default=[], help="A status name or id to import; repeatable.")
    add.add_argument("--import-from", type=_iso_date, help="YYYY-MM-DD: orders created before it are never imported.")
    add.add_argument("--auto-sync", choices=[choice.value for choice in AutoSync], default=AutoSync.STOPPED)
    add.add_argument("--interval", type=int, default=15, help="Minutes between auto-sync passes.")
    add.add_argument("--push-stock", choices=("on", "off"), default="off",
                     help="Push stock levels to the cart on every auto-sync pass (off unless given).")
    _add_differences_arguments(add)

    update = cart_subcommand(subcommands, "update", help="Change a cart's settings (same validation as the screen); "
                                                         "what is not given stays as it is.", handler=handle_update)
    update.add_argument("--api-path", help="A new API PATH.")
    update.add_argument("--api-key", help="A new CLIENT_ID:ACCESS_TOKEN.")
    update.add_argument("--import-as", choices=sorted(IMPORT_AS_CHOICES))
    update.add_argument("--status", action="append", help="A status name or id to import; repeatable; replaces the list.")
    update.add_argument("--import-from", type=_iso_date, help="YYYY-MM-DD: orders created before it are never imported.")
    update.add_argument("--auto-sync", choices=[choice.value for choice in AutoSync])
    update.add_argument("--interval", type=int, help="Minutes between auto-sync passes.")
    update.add_argument("--push-stock", choices=("on", "off"), help="Push stock levels to the cart on every pass.")
    _add_differences_arguments(update, turned_off_by="off")

    cart_subcommand(subcommands, "test", help="Test Connection; exit 0 on pass, 1 on fail.", handler=handle_test)

    cart_subcommand(subcommands, "delete", help="Delete the cart with its log, as the screen's Delete does; imported "
                                                "items and transactions stay.", handler=handle_delete)

    rotate = subcommands.add_parser(
        "rotate-keys", help="Re-encrypt every stored API key and webhook secret with the first "
                            "CREDENTIALS_ENCRYPTION_KEYS entry."
    )
    rotate.set_defaults(handler=handle_rotate_keys)


def _add_differences_arguments(parser: argparse.ArgumentParser, *, turned_off_by: str = "") -> None:
    off = f" ('{turned_off_by}' turns the setting off)" if turned_off_by else ""
    parser.add_argument("--post-differences-up-to", metavar="AMOUNT",
                        help="Import an order whose parts miss the store's total by at most AMOUNT, the difference "
                             f"posted to --differences-account{off}; both or neither.")
    parser.add_argument("--differences-account", metavar="ACCOUNT", help="The ledger account's name.")


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
            "push_stock": "on" if options["push_stock"] == "on" else "",
            **_differences_data(company, options),
        }
    )
    data.setlist("import_status_ids", _status_ids(None, options["status"]))
    form = _valid_form(BigCommerceCartForm(data, company=company))
    try:
        cart = cart_create(company=company, values=form.to_settings())
    except PortalError as refusal:
        raise CommandError(f"The cart was not saved: {refusal}", returncode=INVALID_INPUT) from None
    command.stdout.write(f"Created cart '{cart.name}' for {company.account_number} (store {cart.store_hash}).")
    _warn(command, form)
    return 0


def handle_update(command: BaseCommand, options: dict) -> int:
    cart = command_cart(options)
    current = BigCommerceCartForm(company=cart.company, cart=cart).initial
    data = QueryDict(mutable=True)
    data.update({name: "" if value is None else str(value) for name, value in current.items()
                 if name != "import_status_ids"})
    data.setlist("import_status_ids", [str(status_id) for status_id in current["import_status_ids"]])
    given = {"api_path": options["api_path"], "api_key": options["api_key"], "import_orders_from": options["import_from"],
             "auto_sync": options["auto_sync"], "sync_interval_minutes": options["interval"],
             "import_as": IMPORT_AS_CHOICES.get(options["import_as"] or "")}
    data.update({name: str(value) for name, value in given.items() if value is not None})
    if options["status"] is not None:
        data.setlist("import_status_ids", _status_ids(cart, options["status"]))
    data.update(_differences_data(cart.company, options, current=current))
    if options["push_stock"] is not None:
        data["push_stock"] = "on" if options["push_stock"] == "on" else ""
    form = _valid_form(BigCommerceCartForm(data, company=cart.company, cart=cart))
    try:
        cart_update(cart=cart, values=form.to_settings())
    except PortalError as refusal:
        raise CommandError(f"The cart was not saved: {refusal}", returncode=INVALID_INPUT) from None
    command.stdout.write(f"Saved cart '{cart.name}' of {cart.company.account_number}.")
    _warn(command, form)
    return 0


def _status_ids(cart: Cart | None, wanted: list[str]) -> list[str]:
    """The statuses named or numbered, as the form takes them; exit 2 naming an unknown one."""
    try:
        return [str(status_id) for status_id in cart_order_status_ids(cart=cart, wanted=wanted)]
    except PortalError as error:
        raise CommandError(str(error), returncode=INVALID_INPUT) from None


def _differences_data(company: Company, options: dict, *, current: dict | None = None) -> dict[str, str]:
    """The form's 'Post differences up to' fields from the flags; an account is named, 'off' clears both."""
    amount, account_name = options["post_differences_up_to"], options["differences_account"]
    if amount is not None and amount.strip().lower() == "off":
        return {"post_differences_up_to": "", "differences_account": ""}
    data = {}
    if amount is not None or current is None:
        data["post_differences_up_to"] = (amount or "").strip()
    if account_name is not None:
        accounts = ledger_accounts(company=company)
        account = accounts.filter(name__iexact=account_name.strip()).first()
        if account is None:
            names = ", ".join(accounts.values_list("name", flat=True)) or "none"
            raise CommandError(f"{company.account_number} has no ledger account named {account_name!r} (its accounts: "
                               f"{names}).", returncode=INVALID_INPUT)
        data["differences_account"] = str(account.pk)
    elif current is None:
        data["differences_account"] = ""
    return data


def _valid_form(form: BigCommerceCartForm) -> BigCommerceCartForm:
    """The form, validated; exit 2 with every message, as the screen shows them, when it is not valid."""
    if not form.is_valid():
        lines = [
            f"{form.fields[field].label if field in form.fields else field}: {message}"
            for field, messages in form.errors.items()
            for message in messages
        ]
        raise CommandError("The cart was not saved:\n  " + "\n  ".join(lines), returncode=INVALID_INPUT)
    return form


def _warn(command: BaseCommand, form: BigCommerceCartForm) -> None:
    if form.not_a_sale_warning:
        command.stdout.write(f"Note: {form.not_a_sale_warning}")


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
    from webhooks.registration import hook_secrets_reencrypt

    command.stdout.write(f"Re-encrypted {cart_rotate_credentials_keys()} stored API keys and "
                         f"{hook_secrets_reencrypt()} webhook secrets with the newest key.")
    return 0
