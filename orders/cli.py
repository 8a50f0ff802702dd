"""`cart orders`, `cart import-orders` and `order list`: the Orders (Cart) tab and List Pending Orders, scriptable."""
from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from carts.cli import INVALID_INPUT, cart_subcommand, command_cart, command_company
from carts.models import Cart
from carts.platforms.base import InvalidInput, StoreAccess, StoreError
from carts.stores import store_failure_reason
from orders.listing import OrderListSearch, orders_list
from orders.models import SalesTransaction, TransactionType
from orders.preview import order_preview, preview_text
from orders.results import ImportResult
from orders.shipping_cli import register_ship
from orders.selectors import PendingFilter, transactions_for_company, transactions_pending
from orders.store_imports import orders_import_listed, orders_import_selected
from orders.window import CartNotReady, cart_orders_require_status

FAILED = 1


def register(subcommands: argparse._SubParsersAction, command: BaseCommand) -> None:
    listing = cart_subcommand(subcommands, "orders", help="List Orders: the store's orders the cart would import.",
                              handler=handle_orders, json_help="Print a JSON array instead of a table.")
    listing.add_argument("--older-than", type=int, help="Show the page of orders older than this order number.")
    listing.add_argument("--newer-than", type=int, help="Show the page of orders newer than this order number.")
    listing.add_argument("--id", dest="order_id", type=int, metavar="N", help="Only this order number.")
    listing.add_argument("--email", default="", help="Only the orders of this customer's whole e-mail address.")

    importing = cart_subcommand(subcommands, "import-orders", help="Import Selected Orders (or every listed one).",
                                handler=handle_import_orders, json_help="Print the result as JSON.")
    which = importing.add_mutually_exclusive_group(required=True)
    which.add_argument("--id", dest="ids", type=int, nargs="+", action="extend", metavar="N",
                       help="Order numbers to import; repeatable.")
    which.add_argument("--all", action="store_true", help="Every order the Orders (Cart) tab lists.")

    preview = cart_subcommand(subcommands, "preview-order", handler=handle_preview_order,
                              json_help="Print the preview as JSON.",
                              help="Preview: an order as an import would book it; nothing is written. "
                                   "Exit 1 if it would not be imported.")
    preview.add_argument("--id", dest="order_id", type=int, required=True, metavar="N", help="The order number.")


def handle_orders(command: BaseCommand, options: dict) -> int:
    cart = command_cart(options)
    with _exit_on_failure(cart, "The store's orders could not be listed"):
        listing = orders_list(cart=cart, older_than=options["older_than"], newer_than=options["newer_than"],
                              search=OrderListSearch(order_id=options["order_id"],
                                                     email=options["email"].strip().lower()))
    rows = [
        {
            "order_id": row.summary.order_id,
            "date": row.summary.created_at.isoformat() if row.summary.created_at else None,
            "customer": row.summary.customer_name,
            "customer_email": row.summary.customer_email,
            "status": row.summary.status_label,
            "status_id": row.summary.status_id,
            "items": row.summary.item_count,
            "total": str(row.summary.total),
            "currency": row.summary.currency,
            "imported_as": row.transaction.number if row.transaction else None,
            "not_a_sale_reason": row.summary.not_a_sale_reason or None,
        }
        for row in listing.rows
    ]
    if options["json"]:
        command.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    command.stdout.write(f"{listing.total:,} order{'' if listing.total == 1 else 's'} match; newest first.")
    for row in rows:
        command.stdout.write(
            f"#{row['order_id']:<8} {(row['date'] or '')[:16]:<17} {row['customer'][:30]:<31} {row['status'][:22]:<23} "
            f"{row['items']:>4} {row['total']:>12} {row['currency']:<4} "
            f"{row['imported_as'] or ('never booked: ' + row['not_a_sale_reason'] if row['not_a_sale_reason'] else 'not imported')}"
        )
    if listing.older_than:
        command.stdout.write(f"More: --older-than {listing.older_than}")
    if listing.newer_than:
        command.stdout.write(f"Newer: --newer-than {listing.newer_than}")
    return 0


def handle_import_orders(command: BaseCommand, options: dict) -> int:
    cart = command_cart(options)
    try:
        cart_orders_require_status(cart=cart)
    except CartNotReady as refusal:
        raise CommandError(str(refusal), returncode=FAILED) from None
    if options["all"]:
        result = orders_import_listed(cart=cart)
    else:
        if any(order_id <= 0 for order_id in options["ids"]):
            raise CommandError("Order numbers are positive whole numbers.", returncode=INVALID_INPUT)
        result = orders_import_selected(cart=cart, order_ids=options["ids"])
    _print_result(command, result, as_json=options["json"])
    return 0 if result.succeeded else FAILED


def handle_preview_order(command: BaseCommand, options: dict) -> int:
    cart = command_cart(options)
    if options["order_id"] <= 0:
        raise CommandError("Order numbers are positive whole numbers.", returncode=INVALID_INPUT)
    with _exit_on_failure(cart, "The order could not be read"):
        preview = order_preview(cart=cart, order_id=options["order_id"])
    if options["json"]:
        command.stdout.write(json.dumps(preview.to_json(), indent=2, ensure_ascii=False))
    else:
        command.stdout.write(preview_text(preview))
    return FAILED if preview.refusal and preview.existing is None else 0


@contextmanager
def _exit_on_failure(cart: Cart, doing: str) -> Iterator[None]:
    """A refusal (a setting missing, an order the store lacks) or a store that fails ends the command: exit 1."""
    try:
        yield
    except (CartNotReady, InvalidInput) as refusal:
        raise CommandError(str(refusal), returncode=FAILED) from None
    except StoreError as error:
        reason = store_failure_reason(cart=cart, error=error, need=StoreAccess.ORDERS_READ)
        raise CommandError(f"{doing}: {reason}", returncode=FAILED) from None


def _print_result(command: BaseCommand, result: ImportResult, *, as_json: bool) -> None:
    if as_json:
        command.stdout.write(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
        return
    for entry in result.outcomes:
        command.stdout.write(entry.message)
    if result.created_item_skus:
        command.stdout.write("Items created with the accounting defaults: " + ", ".join(result.created_item_skus))
    command.stdout.write(result.summary)


# --- python manage.py order list ---------------------------------------------------------------


def register_order_commands(subcommands: argparse._SubParsersAction) -> None:
    listing = subcommands.add_parser("list", help="List transactions (List Pending Orders).")
    listing.add_argument("--company", required=True, help="The company's account number, SOA followed by 6 digits.")
    listing.add_argument("--pending", action="store_true", help="Only pending transactions.")
    listing.add_argument("--type", choices=[choice.value for choice in TransactionType], default="")
    listing.add_argument("--json", action="store_true", help="Print a JSON array instead of a table.")
    listing.set_defaults(handler=handle_order_list)
    register_ship(subcommands)


def handle_order_list(command: BaseCommand, options: dict) -> int:
    company = command_company(options)
    if options["pending"]:
        transactions = transactions_pending(company=company, filters=PendingFilter(transaction_type=options["type"]))
    else:
        transactions = transactions_for_company(company=company)
        transactions = transactions.filter(transaction_type=options["type"]) if options["type"] else transactions
    transactions = transactions.prefetch_related("lines", "charges", "discounts", "payments")
    if options["json"]:
        command.stdout.write(json.dumps([transaction_json(record) for record in transactions], indent=2,
                                        ensure_ascii=False))
        return 0
    for record in transactions:
        command.stdout.write(
            f"{record.number:<11} {record.type_label:<22} {record.transaction_date:%Y-%m-%d} "
            f"{record.customer.name[:30]:<31} {record.cart_name[:20]:<21} #{record.cart_order_id or '':<8} "
            f"{record.total:>14} {record.currency}"
        )
    return 0


def transaction_json(record: SalesTransaction) -> dict[str, Any]:
    """A transaction for `order list --json`: money as decimal strings, line totals and discounts including tax.

    A credit note has the type "credit-note", its order's cart_order_id and the number of the sale it credits.
    """
    return {
        "number": record.number,
        "type": record.transaction_type,
        "status": record.status,
        "cart": record.cart.name if record.cart else record.cart_name,
        "cart_order_id": record.cart_order_id,
        "customer_email": record.customer.email or record.customer_email,
        "currency": record.currency,
        "prices_include_tax": record.prices_include_tax,
        "lines": [
            {"sku": line.sku, "quantity": line.quantity, "unit_price": str(line.unit_price), "tax": str(line.tax),
             "total": str(line.amount_inc_tax)}
            for line in record.lines.all()
        ],
        "charges": str(record.charges_total),
        "discounts": str(record.discounts_total),
        "tax": str(record.tax_total),
        "total": str(record.total),
        "payments": str(record.payments_total),
        "cart_status_id": record.cart_status_id,
        "change_note": record.cart_change_note,
        "refunded": str(record.refunded_total),
        "exchange_rate": format(record.exchange_rate.normalize(), "f") if record.exchange_rate is not None else None,
        "payment_method": record.payment_method,
        "guest": record.guest,
        "discount_lines": [{"label": discount.description, "amount": str(discount.amount_inc_tax)}
                           for discount in record.discounts.all()],
        "credits": record.credited_transaction.number if record.credited_transaction else None,
    }
