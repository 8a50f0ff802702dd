"""`python manage.py item list --company SOA… [--search TEXT] [--json]`: the item master, scriptable."""
from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand, CommandParser

from carts.cli import command_company
from items.selectors import items_search


class Command(BaseCommand):
    help = "The item master: list items."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="action", required=True, parser_class=type(parser))
        listing = subcommands.add_parser("list", help="List the company's items.")
        listing.add_argument("--company", required=True, help="The company's account number, SOA followed by 6 digits.")
        listing.add_argument("--search", default="", help="Only items whose SKU or description contains this text.")
        listing.add_argument("--json", action="store_true", help="A JSON array instead of a table.")
        listing.set_defaults(handler=self.handle_list)

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
