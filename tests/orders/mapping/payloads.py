"""Hand-written BigCommerce v2 order payloads for the mapping tests.

Only the wrapping is filled in here (ids, dates, addresses: fields that carry no money). Every money
figure is given by the test that builds the order, written by hand from BigCommerce's documented
examples or computed in the test from the rule it names. Nothing here was
captured from a store or from the code under test.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")


def half_up(amount: Decimal, unit: Decimal = CENT) -> Decimal:
    """The usual commercial rounding to the minor unit: the rule every store figure here is computed by."""
    return amount.quantize(unit, rounding=ROUND_HALF_UP)


def figure(amount: Decimal | str | int) -> str:
    """A v2 money figure as the API writes it: a string with 4 decimals."""
    return f"{Decimal(amount):.4f}"


def applied(amount: Decimal | str, *, code: str | None = None, name: str = "", discount_id: str = "") -> dict[str, Any]:
    """An applied_discounts entry (orderProductAppliedDiscounts): a coupon carries its code."""
    return {"id": discount_id or (code or name), "amount": figure(amount), "name": name or (code or ""),
            "code": code, "target": "order"}


def line(
    line_id: int,
    *,
    quantity: int,
    price_ex: Decimal | str,
    price_tax: Decimal | str,
    total_ex: Decimal | str,
    total_tax: Decimal | str,
    discounted_total_inc: Decimal | str | None = None,
    discounts: list[dict[str, Any]] | None = None,
    sku: str = "",
    product_type: str = "physical",
    quantity_refunded: int = 0,
    is_refunded: bool = False,
    **extra: Any,
) -> dict[str, Any]:
    """An order product (orderProducts); inc figures are ex + tax, as in every BigCommerce example."""
    price_inc = Decimal(price_ex) + Decimal(price_tax)
    total_inc = Decimal(total_ex) + Decimal(total_tax)
    payload = {
        "id": line_id, "order_id": 0, "product_id": line_id % 1000 + 1, "variant_id": line_id % 1000 + 101,
        "name": f"Product {line_id}", "name_merchant": f"Product {line_id}", "sku": sku or f"SKU-{line_id}",
        "type": product_type, "base_price": figure(price_ex), "price_ex_tax": figure(price_ex),
        "price_inc_tax": figure(price_inc), "price_tax": figure(price_tax), "base_total": figure(total_ex),
        "total_ex_tax": figure(total_ex), "total_inc_tax": figure(total_inc), "total_tax": figure(total_tax),
        "quantity": quantity, "is_refunded": is_refunded, "quantity_refunded": quantity_refunded,
        "refund_amount": "0.0000", "applied_discounts": discounts or [], "product_options": [],
        "discounted_total_inc_tax": figure(total_inc if discounted_total_inc is None else discounted_total_inc),
    }
    payload.update(extra)
    return payload


def order(
    order_id: int,
    *,
    lines: list[dict[str, Any]],
    total_ex: Decimal | str,
    total_tax: Decimal | str,
    total_inc: Decimal | str,
    shipping: tuple[Decimal | str, Decimal | str] = ("0", "0"),
    coupon_discount: Decimal | str = "0",
    discount_amount: Decimal | str = "0",
    tax_inclusive: bool = False,
    currency: str = "USD",
    digital_lines: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """An order as GET /v2/orders?include=consignments.line_items,fees&consignment_structure=object returns it."""
    ship_ex, ship_tax = Decimal(shipping[0]), Decimal(shipping[1])
    subtotal_ex = sum((Decimal(entry["total_ex_tax"]) for entry in lines + (digital_lines or [])), Decimal(0))
    subtotal_tax = sum((Decimal(entry["total_tax"]) for entry in lines + (digital_lines or [])), Decimal(0))
    for entry in lines + (digital_lines or []):
        entry["order_id"] = order_id
    payload = {
        "id": order_id, "customer_id": 11, "status_id": 11, "status": "Awaiting Fulfillment",
        "custom_status": "Awaiting Fulfillment",
        "date_created": "Tue, 05 Mar 2024 21:40:11 +0000", "date_modified": "Wed, 06 Mar 2024 09:00:00 +0000",
        "subtotal_ex_tax": figure(subtotal_ex), "subtotal_tax": figure(subtotal_tax),
        "subtotal_inc_tax": figure(subtotal_ex + subtotal_tax),
        "shipping_cost_ex_tax": figure(ship_ex), "shipping_cost_tax": figure(ship_tax),
        "shipping_cost_inc_tax": figure(ship_ex + ship_tax),
        "handling_cost_ex_tax": "0.0000", "handling_cost_tax": "0.0000", "handling_cost_inc_tax": "0.0000",
        "wrapping_cost_ex_tax": "0.0000", "wrapping_cost_tax": "0.0000", "wrapping_cost_inc_tax": "0.0000",
        "total_ex_tax": figure(total_ex), "total_tax": figure(total_tax), "total_inc_tax": figure(total_inc),
        "is_tax_inclusive_pricing": tax_inclusive, "items_total": sum(entry["quantity"] for entry in lines),
        "payment_method": "Credit Card", "payment_provider_id": "ch_3Nq2", "payment_status": "captured",
        "refunded_amount": "0.0000", "store_credit_amount": "0.0000", "gift_certificate_amount": "0.0000",
        "currency_code": currency, "default_currency_code": currency, "store_default_currency_code": currency,
        "store_default_to_transactional_exchange_rate": "1.0000000000",
        "discount_amount": figure(discount_amount), "coupon_discount": figure(coupon_discount),
        "customer_message": "", "billing_address": {
            "first_name": "Jane", "last_name": "Doe", "company": "", "street_1": "555 East Street", "street_2": "",
            "city": "Austin", "state": "Texas", "zip": "78108", "country": "United States", "country_iso2": "US",
            "phone": "1234567890", "email": "janedoe@example.com", "form_fields": [],
        },
        "consignments": {
            "pickups": [],
            "shipping": [{
                "id": order_id * 10 + 1, "first_name": "Jane", "last_name": "Doe", "street_1": "555 East Street",
                "city": "Austin", "state": "Texas", "zip": "78108", "country": "United States",
                "country_iso2": "US", "email": "janedoe@example.com", "shipping_method": "Flat Rate",
                "cost_ex_tax": figure(ship_ex), "cost_tax": figure(ship_tax), "cost_inc_tax": figure(ship_ex + ship_tax),
                "line_items": lines,
            }] if lines else [],
            "downloads": [{"recipient_email": "janedoe@example.com", "line_items": digital_lines}] if digital_lines else [],
            "email": {"gift_certificates": []},
        },
        "fees": [],
    }
    payload.update(extra)
    return payload
