"""`cart items` and `cart import-items`: the Items (Cart) tab from the command line."""
from __future__ import annotations

import argparse
import json

from django.core.management.base import BaseCommand, CommandError

from carts.cli import INVALID_INPUT, cart_subcommand, command_cart
from carts.models import CartLogStatus
from carts.platforms.base import StoreAccess, StoreError
from carts.stores import store_failure_reason
from items.cart_import import CatalogSelection, cart_items_import
from items.cart_tab import cart_items_iter
from items.stock_push import cart_stock_push

OPERATION_FAILED = 1


def register(subcommands: argparse._SubParsersAction, command: BaseCommand) -> None:
    listing = cart_subcommand(subcommands, "items", handler=handle_items, json_help="A JSON array instead of a table.",
                              help="List the cart's products, a row per variant, matched to items here.")
    listing.add_argument("--search", default="", help="Only products whose name or SKU contains this text.")

    importing = cart_subcommand(subcommands, "import-items", handler=handle_import_items,
                                help="Import cart items by SKU (the tab's Import Selected Items).")
    which = importing.add_mutually_exclusive_group(required=True)
    which.add_argument("--sku", nargs="+", default=[], help="The SKUs to import (product or variant SKUs).")
    which.add_argument("--all", action="store_true", help="Every product (matching --search, if given).")
    importing.add_argument("--search", default="", help="With --all: only products whose name or SKU contains this text.")

    cart_subcommand(subcommands, "push-stock", handler=handle_push_stock,
                    help="Push stock now: send the changed available quantities to the store.")


def handle_items(command: BaseCommand, options: dict) -> int:
    cart = command_cart(options)
    rows = cart_items_iter(cart=cart, keyword=options["search"])
    try:
        if options["json"]:
            _write_json_array(command, (view.as_json() for view in rows))
        else:
            command.stdout.write(f"{'SKU':<30} {'PRICE':>12}  {'IN SALESORDER':<14} DESCRIPTION")
            for view in rows:
                here = ("differs" if view.description_differs or view.price_differs else "yes") if view.item else "no"
                if view.refusal:
                    here = "cannot import"
                price = "" if view.row.unit_price is None else str(view.row.unit_price)
                command.stdout.write(f"{view.row.sku or '(none)':<30} {price:>12}  {here:<14} {view.row.description}")
    except StoreError as error:
        reason = store_failure_reason(cart=cart, error=error, need=StoreAccess.CATALOG_READ)
        raise CommandError("The store could not be read: " + reason, returncode=OPERATION_FAILED) from None
    return 0


def _write_json_array(command: BaseCommand, objects) -> None:
    """Stream a JSON array an element at a time, so a large catalog is never held whole."""
    command.stdout.write("[", ending="")
    for position, value in enumerate(objects):
        command.stdout.write(("," if position else "") + "\n  " + json.dumps(value, ensure_ascii=False), ending="")
    command.stdout.write("\n]")


def handle_import_items(command: BaseCommand, options: dict) -> int:
    cart = command_cart(options)
    skus = tuple(sku.strip() for sku in options["sku"])
    if any(not sku for sku in skus):
        raise CommandError("An empty --sku was given; give each SKU exactly as it is in the cart.", returncode=INVALID_INPUT)
    if options["search"] and not options["all"]:
        raise CommandError("--search only applies with --all.", returncode=INVALID_INPUT)
    selection = CatalogSelection(skus=skus) if skus else CatalogSelection(keyword=options["search"])
    log = cart_items_import(cart=cart, selection=selection)
    command.stdout.write(log.summary)
    for failure in log.failures:
        command.stdout.write(f"  {failure['reference']}: {failure['reason']}")
    return OPERATION_FAILED if log.status == CartLogStatus.FAILED else 0


def handle_push_stock(command: BaseCommand, options: dict) -> int:
    """The Auto-sync tab's Push stock now, in this process: prints the counts and each variant named."""
    log = cart_stock_push(cart=command_cart(options))
    command.stdout.write(log.summary)
    command.stdout.write("  " + ", ".join(f"{name}: {value}" for name, value in log.counts.items()))
    for failure in log.failures:
        command.stdout.write(f"  {failure['reference']}: {failure['reason']}")
    return OPERATION_FAILED if log.status == CartLogStatus.FAILED else 0
