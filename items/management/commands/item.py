"""`python manage.py item list|stock --company SOA…`: the item master and its stock, scriptable.

item list --company SOA… [--search TEXT] [--json]
item stock --company SOA… --sku SKU --set N [--reason TEXT]   (an adjustment: exit 0, or 2 with the reason)
item stock --company SOA… [--json]                            (per stock item: sku, on_hand, committed, available)
"""
from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser

from carts.cli import INVALID_INPUT, command_company
from carts.platforms.base import PortalError
from items.selectors import items_search
from items.stock import item_for_sku, stock_levels, stock_set

COMMAND_LINE_REASON = "Set with item stock on the command line"


class Command(BaseCommand):
    help = "The item master: list items."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="action", required=True, parser_class=type(parser))
        listing = subcommands.add_parser("list", help="List the company's items.")
        listing.add_argument("--company", required=True, help="The company's account number, SOA followed by 6 digits.")
        listing.add_argument("--search", default="", help="Only items whose SKU or description contains this text.")
        listing.add_argument("--json", action="store_true", help="A JSON array instead of a table.")
        listing.set_defaults(handler=self.handle_list)

        stock = subcommands.add_parser("stock", help="Stock levels (on hand, committed, available), or set one item's "
                                                     "quantity on hand with --sku and --set (a recorded adjustment).")
        stock.add_argument("--company", required=True, help="The company's account number, SOA followed by 6 digits.")
        stock.add_argument("--sku", help="The stock item to adjust (exact SKU).")
        stock.add_argument("--set", type=int, dest="set_to", metavar="N", help="The new quantity on hand.")
        stock.add_argument("--reason", default=COMMAND_LINE_REASON, help="Why the quantity changed (kept with it).")
        stock.add_argument("--json", action="store_true", help="A JSON array instead of a table.")
        stock.set_defaults(handler=self.handle_stock)

    def handle(self, *args: object, **options: object) -> None:
        exit_status = options["handler"](options)
        if exit_status:
            sys.exit(exit_status)

    def handle_list(self, options: dict) -> int:
        company = command_company(options)
        items = items_search(company=company, search=options["search"]).prefetch_related("cart_links__cart")
        if options["json"]:
            self.stdout.write(json.dumps([item_json(item) for item in items], ensure_ascii=False, indent=2))
            return 0
        self.stdout.write(f"{'SKU':<30} {'UNIT PRICE':>14}  {'UOM':<8} DESCRIPTION")
        for item in items:
            self.stdout.write(f"{item.sku:<30} {item.unit_price:>14}  {item.unit_of_measure:<8} {item.description}")
        return 0


    def handle_stock(self, options: dict) -> int:
        company = command_company(options)
        if (options["sku"] is None) != (options["set_to"] is None):
            raise CommandError("Give --sku and --set together to adjust an item, or neither to list stock levels.",
                               returncode=INVALID_INPUT)
        if options["sku"] is not None:
            try:
                item = item_for_sku(company=company, sku=options["sku"])
                before = item.on_hand
                stock_set(item=item, on_hand=options["set_to"], reason=options["reason"])
            except PortalError as error:
                raise CommandError(str(error), returncode=INVALID_INPUT) from None
            self.stdout.write(f"{item.sku}: on hand {before} -> {item.on_hand}")
            return 0
        levels = stock_levels(company=company)
        if options["json"]:
            self.stdout.write(json.dumps([level.as_json() for level in levels], ensure_ascii=False, indent=2))
            return 0
        self.stdout.write(f"{'SKU':<30} {'ON HAND':>10} {'COMMITTED':>10} {'AVAILABLE':>10}")
        for level in levels:
            self.stdout.write(f"{level.sku:<30} {level.on_hand:>10} {level.committed:>10} {level.available:>10}")
        return 0


def item_json(item) -> dict:
    """An item as `item list --json` prints it; money as a decimal string."""
    return {
        "sku": item.sku,
        "description": item.description,
        "unit_price": str(item.unit_price),
        "uom": item.unit_of_measure,
        "income_account": item.income_account.name,
        "cogs_account": item.cost_of_goods_sold_account.name,
        "stock_asset_account": item.stock_asset_account.name,
        "cart_links": [
            {"cart": link.cart.name, "product_id": link.product_id, "variant_id": link.variant_id}
            for link in item.cart_links.all()
        ],
    }
