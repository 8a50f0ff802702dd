"""`order ship NUMBER --company SOA… --carrier NAME --tracking CODE [--line SKU:QTY …]`: Ship, scriptable.

Exit 0 printing the store's shipment id (one line per shipping address), or 2 with the reason.
"""
from __future__ import annotations

import argparse

from django.core.management.base import BaseCommand, CommandError

from carts.cli import INVALID_INPUT, command_company
from carts.platforms.base import PortalError, StoreAccess, StoreError
from carts.stores import store_failure_reason
from orders.models import ShipmentState
from orders.selectors import transactions_for_company
from orders.shipping import order_ship


def _line(value: str) -> tuple[str, int]:
    sku, colon, quantity = value.rpartition(":")
    if not colon or not sku.strip() or not quantity.strip().isdigit():
        raise argparse.ArgumentTypeError(f"'{value}' is not SKU:QTY (for example MUG-RED:2)")
    return sku.strip(), int(quantity)


def register_ship(subcommands: argparse._SubParsersAction) -> None:
    ship = subcommands.add_parser("ship", help="Ship a pending sale from a cart order: the store records the shipment "
                                               "and e-mails the shopper the tracking number.")
    ship.add_argument("number", help="The transaction's number, e.g. CS-000012.")
    ship.add_argument("--company", required=True, help="The company's account number, SOA followed by 6 digits.")
    ship.add_argument("--carrier", required=True, help="The carrier's name, e.g. UPS, USPS, FedEx, DHL.")
    ship.add_argument("--tracking", required=True, help="The tracking number.")
    ship.add_argument("--line", action="append", type=_line, default=None, metavar="SKU:QTY",
                      help="Units of one SKU to ship; repeatable. Without it: every unit left to ship.")
    ship.set_defaults(handler=handle_ship)


def handle_ship(command: BaseCommand, options: dict) -> int:
    company = command_company(options)
    record = transactions_for_company(company=company).filter(number=options["number"].strip()).first()
    if record is None:
        raise CommandError(f"No transaction is numbered '{options['number']}' (see order list).", returncode=INVALID_INPUT)
    lines: dict[str, int] | None = None
    if options["line"]:
        lines = {}
        for sku, quantity in options["line"]:
            lines[sku] = lines.get(sku, 0) + quantity
    try:
        shipments = order_ship(record=record, carrier=options["carrier"], tracking_number=options["tracking"],
                               lines=lines)
    except StoreError as error:
        reason = store_failure_reason(cart=record.cart, error=error, need=StoreAccess.ORDERS_MODIFY)
        raise CommandError(f"Nothing was shipped: {reason}", returncode=INVALID_INPUT) from None
    except PortalError as error:
        raise CommandError(str(error), returncode=INVALID_INPUT) from None
    failed = [shipment for shipment in shipments if shipment.state != ShipmentState.POSTED]
    for shipment in shipments:
        if shipment.state == ShipmentState.POSTED:
            command.stdout.write(str(shipment.store_shipment_id))
    if failed:
        reasons = "; ".join(f"{shipment.get_state_display()}: {shipment.note}" for shipment in failed)
        raise CommandError(f"Not shipped in the store: {reasons}", returncode=INVALID_INPUT)
    return 0
