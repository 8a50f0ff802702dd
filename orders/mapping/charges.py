"""A BigCommerce v2 order's charges: shipping, handling, gift wrapping (order fields) and fees (include=fees)."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from orders.mapping.errors import OrderMappingError
from orders.mapping.fields import objects, optional_identifier, text
from orders.mapping.money import money, round_amounts
from orders.mapping.types import ChargeKind, OrderCharge


@dataclass(frozen=True)
class StoreCharge:
    """A charge's figures as the store sent them (4 decimals)."""

    kind: ChargeKind
    description: str
    ex_tax: Decimal
    tax: Decimal
    inc_tax: Decimal
    reference_id: int | None = None


def store_charges(payload: dict[str, Any]) -> list[StoreCharge]:
    """Every charge on the order with an amount; fees must have come with it (include=fees)."""
    methods = ", ".join(dict.fromkeys(method for method in (
        text(consignment.get("shipping_method")) for consignment in shipping_consignments(payload)) if method))
    found = [
        _order_charge(payload, ChargeKind.SHIPPING, "shipping_cost", f"Shipping: {methods}" if methods else "Shipping"),
        _order_charge(payload, ChargeKind.HANDLING, "handling_cost", "Handling"),
        _order_charge(payload, ChargeKind.GIFT_WRAPPING, "wrapping_cost", "Gift wrapping"),
    ]
    charges = [charge for charge in found if charge is not None]
    fees = payload.get("fees")
    if isinstance(fees, dict):  # a link instead of the fees: the order was fetched without include=fees
        return charges
    charges.extend(_fees(fees))
    return charges


def order_charges(
    charges: Sequence[StoreCharge], *, prices_include_tax: bool, unit: Decimal
) -> tuple[OrderCharge, ...]:
    """The charges in the currency's minor unit."""
    amounts = round_amounts([(charge.ex_tax, charge.tax, charge.inc_tax) for charge in charges],
                            inclusive_is_actual=prices_include_tax, unit=unit)
    return tuple(
        OrderCharge(charge.kind, charge.description, ex, tax, inc, charge.reference_id)
        for charge, (ex, tax, inc) in zip(charges, amounts)
    )


def shipping_consignments(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """The order's shipping consignments (one per shipping address); [] when it has none."""
    consignments = payload.get("consignments")
    if not isinstance(consignments, dict):
        return []
    return objects(consignments.get("shipping"), what="its shipping consignments")


def _order_charge(payload: dict[str, Any], kind: ChargeKind, prefix: str, description: str) -> StoreCharge | None:
    inc_tax = money(_or_zero(payload.get(f"{prefix}_inc_tax")), what=f"{prefix}_inc_tax")
    ex_tax = money(_or_zero(payload.get(f"{prefix}_ex_tax")), what=f"{prefix}_ex_tax")
    if not inc_tax and not ex_tax:
        return None
    tax = _tax(payload.get(f"{prefix}_tax"), ex_tax=ex_tax, inc_tax=inc_tax, what=f"{prefix}_tax")
    return StoreCharge(kind, description, ex_tax, tax, inc_tax)


def _fees(fees: object) -> Iterable[StoreCharge]:
    for fee in objects(fees, what="its fees"):
        name = text(fee.get("display_name_merchant")) or text(fee.get("display_name_customer")) or "Fee"
        # The spec's own example spells it cost_exc_tax once; accept both.
        ex_value = fee["cost_ex_tax"] if fee.get("cost_ex_tax") is not None else fee.get("cost_exc_tax")
        ex_tax = money(ex_value, what=f"fee {name} cost_ex_tax")
        inc_tax = money(fee.get("cost_inc_tax"), what=f"fee {name} cost_inc_tax")
        tax = _tax(fee.get("cost_tax"), ex_tax=ex_tax, inc_tax=inc_tax, what=f"fee {name} cost_tax")
        yield StoreCharge(ChargeKind.FEE, name, ex_tax, tax, inc_tax, optional_identifier(fee.get("id")))


def _tax(value: object, *, ex_tax: Decimal, inc_tax: Decimal, what: str) -> Decimal:
    if value is None:
        if inc_tax < ex_tax:
            raise OrderMappingError(f"{what} is missing and the amount with tax is below the amount without.")
        return inc_tax - ex_tax
    return money(value, what=what)


def _or_zero(value: object) -> object:
    return "0" if value is None else value
