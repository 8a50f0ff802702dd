"""Every order's money adds up exactly, with Decimal arithmetic, by the identities docs/sandbox.md states."""

from decimal import Decimal

import pytest

from sandbox.server import SandboxServer
from tests.sandbox.conftest import api_session, v2


def money(record: dict, field: str) -> Decimal:
    value = Decimal(record[field])
    assert record[field] == f"{value:.4f}", f"{field} is not a four-decimal money string: {record[field]!r}"
    return value


def total(records: list[dict], field: str) -> Decimal:
    return sum((money(record, field) for record in records), Decimal(0))


@pytest.fixture(scope="module")
def orders() -> list[tuple[dict, list[dict], list[dict]]]:
    """Every order of a 200-order store with its lines and addresses, fetched as a client would."""
    with SandboxServer(products=80, orders=200) as server:
        session = api_session(server)
        server.store.place_order(lines=[(server.store.examples()["product_30_variants"],
                                         server.store.catalog.product(server.store.examples()["product_30_variants"]).variants[29].id, 3)])
        fetched = []
        for is_deleted in ("false", "true"):
            for page in range(1, 3):
                response = session.get(v2(server, "/orders"), params={
                    "include": "consignments.line_items", "consignment_structure": "object", "limit": 250,
                    "page": page, "is_deleted": is_deleted})
                if response.status_code == 204:
                    break
                for order in response.json():
                    shipping = order["consignments"]["shipping"]
                    lines = [line for consignment in shipping for line in consignment["line_items"]]
                    addresses = session.get(v2(server, f"/orders/{order['id']}/shipping_addresses")).json()
                    fetched.append((order, lines, addresses))
        assert len(fetched) == 201
        return fetched


def test_lines_are_priced_unit_times_quantity(orders):
    for order, lines, _ in orders:
        for line in lines:
            assert money(line, "price_inc_tax") - money(line, "price_ex_tax") == money(line, "price_tax")
            assert money(line, "total_inc_tax") == money(line, "price_inc_tax") * line["quantity"], order["id"]
            assert money(line, "total_ex_tax") == money(line, "price_ex_tax") * line["quantity"]
            assert money(line, "total_tax") == money(line, "total_inc_tax") - money(line, "total_ex_tax")


def test_subtotals_are_the_sums_of_the_lines(orders):
    for order, lines, _ in orders:
        assert money(order, "subtotal_ex_tax") == total(lines, "total_ex_tax")
        assert money(order, "subtotal_inc_tax") == total(lines, "total_inc_tax")
        assert money(order, "subtotal_tax") == money(order, "subtotal_inc_tax") - money(order, "subtotal_ex_tax")
        assert order["items_total"] == sum(line["quantity"] for line in lines)


def test_total_inc_tax_adds_shipping_handling_wrapping_and_takes_off_discounts(orders):
    for order, _, _ in orders:
        expected = (money(order, "subtotal_inc_tax") + money(order, "shipping_cost_inc_tax")
                    + money(order, "handling_cost_inc_tax") + money(order, "wrapping_cost_inc_tax")
                    - money(order, "coupon_discount") - money(order, "discount_amount"))
        assert money(order, "total_inc_tax") == expected, order["id"]
        assert money(order, "total_tax") == money(order, "total_inc_tax") - money(order, "total_ex_tax")
        # Payments by gift certificate or store credit do not reduce the total.
        assert money(order, "gift_certificate_amount") + money(order, "store_credit_amount") <= money(order, "total_inc_tax")


def test_discounts_are_attributed_to_lines(orders):
    for order, lines, _ in orders:
        attributed = sum((Decimal(discount["amount"]) for line in lines for discount in line["applied_discounts"]), Decimal(0))
        assert attributed == money(order, "coupon_discount") + money(order, "discount_amount"), order["id"]
        for line in lines:
            line_discounts = sum((Decimal(discount["amount"]) for discount in line["applied_discounts"]), Decimal(0))
            assert money(line, "discounted_total_inc_tax") == money(line, "total_inc_tax") - line_discounts


def test_shipping_handling_and_wrapping_are_the_sums_of_their_parts(orders):
    for order, lines, addresses in orders:
        assert len(addresses) == order["shipping_address_count"]
        for kind, address_field in (("shipping_cost", "cost"), ("handling_cost", "handling_cost")):
            for tax in ("ex_tax", "inc_tax", "tax"):
                assert money(order, f"{kind}_{tax}") == total(addresses, f"{address_field}_{tax}"), (order["id"], kind, tax)
        for tax in ("ex_tax", "inc_tax", "tax"):
            assert money(order, f"wrapping_cost_{tax}") == total(lines, f"wrapping_cost_{tax}")


def test_refunds_match_the_status(orders):
    for order, lines, _ in orders:
        refunded = money(order, "refunded_amount")
        if order["status_id"] == 4 and order["payment_status"] == "refunded":
            assert refunded == money(order, "total_inc_tax")
            assert all(line["is_refunded"] for line in lines)
        elif order["payment_status"] == "partially refunded":
            assert Decimal(0) < refunded < money(order, "total_inc_tax") or len(lines) == 1
        else:
            assert refunded == 0


def test_consignment_lines_are_the_order_products(orders):
    order, lines, _ = next(entry for entry in orders if entry[0]["items_total"] > 3)
    with SandboxServer(products=80, orders=200) as server:
        products = api_session(server).get(v2(server, f"/orders/{order['id']}/products"), params={"limit": 250}).json()
    assert sorted(products, key=lambda line: line["id"]) == sorted(lines, key=lambda line: line["id"])
