"""Every order's money adds up exactly, in every pricing set-up, by the rules docs/sandbox.md states.

The rules are BigCommerce's and the accounting reference's (discounts-and-tax.md), computed here with
Decimal arithmetic on the strings the API serves: a coupon or promotion on a tax-exclusive order is an
ex-tax amount that takes its tax with it; on a tax-inclusive order it is an inclusive amount; a manual
discount leaves the tax unchanged.
"""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sandbox.money import allocate
from sandbox.order_specs import PRICING_SETUPS
from sandbox.pricing import COUPON, MANUAL, split_discount
from sandbox.server import SandboxServer
from tests.sandbox.conftest import api_session, v2

CENT = Decimal("0.01")


def money(record: dict, field: str) -> Decimal:
    value = Decimal(record[field])
    assert record[field] == f"{value:.4f}", f"{field} is not a four-decimal money string: {record[field]!r}"
    assert value == value.quantize(CENT), f"{field} is not whole cents: {record[field]!r}"
    return value


def total(records: list[dict], field: str) -> Decimal:
    return sum((money(record, field) for record in records), Decimal(0))


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def discount_effect(discount: dict, rate: Decimal, *, inclusive: bool) -> tuple[Decimal, Decimal]:
    """(tax-inclusive effect, tax removed) of one applied discount, by the rule for its kind and the order's pricing."""
    amount = Decimal(discount["amount"])
    if discount["id"] == "manual-discount":
        return amount, Decimal(0)  # BigCommerce's example: taken off the inclusive total, tax unchanged
    if inclusive:
        return amount, amount - cents(amount / (1 + rate))
    tax = cents(amount * rate)  # before tax: the taxable amount falls by the discount
    return amount + tax, tax


def charges(order: dict, kind: str) -> Decimal:
    return sum((money(order, f"{charge}_{kind}") for charge in ("shipping_cost", "handling_cost", "wrapping_cost")), Decimal(0))


@pytest.fixture(scope="module", params=PRICING_SETUPS)
def store_orders(request) -> tuple[str, list[dict]]:
    """Every order of a 200-order store in one pricing set-up, with its lines, addresses, coupons and tax rate."""
    with SandboxServer(products=80, orders=200, pricing=request.param) as server:
        session = api_session(server)
        examples = server.store.examples()
        product = server.store.catalog.product(examples["product_30_variants"])
        server.store.place_order(lines=[(product.id, product.variants[29].id, 3)], coupon_codes=("SAVE10", "WELCOME5"))
        fetched = []
        for is_deleted in ("false", "true"):
            for page in range(1, 3):
                response = session.get(v2(server, "/orders"), params={
                    "include": "consignments.line_items", "consignment_structure": "object", "limit": 250,
                    "page": page, "is_deleted": is_deleted})
                if response.status_code == 204:
                    break
                for order in response.json():
                    consignments = order["consignments"]
                    lines = [line for group in ("shipping", "downloads") for consignment in consignments[group]
                             for line in consignment["line_items"]]
                    coupons = session.get(v2(server, f"/orders/{order['id']}/coupons"))
                    fetched.append({
                        "order": order, "lines": lines, "rate": server.store.orders.spec(order["id"]).tax_rate,
                        "addresses": session.get(v2(server, f"/orders/{order['id']}/shipping_addresses")).json()
                        if order["shipping_address_count"] else [],
                        "coupons": coupons.json() if coupons.status_code == 200 else [],
                    })
        assert len(fetched) == 201
        yield request.param, fetched


def test_lines_are_priced_unit_times_quantity(store_orders):
    for entry in store_orders[1]:
        for line in entry["lines"]:
            assert money(line, "price_inc_tax") - money(line, "price_ex_tax") == money(line, "price_tax")
            assert money(line, "total_inc_tax") == money(line, "price_inc_tax") * line["quantity"], entry["order"]["id"]
            assert money(line, "total_ex_tax") == money(line, "price_ex_tax") * line["quantity"]
            assert money(line, "total_tax") == money(line, "total_inc_tax") - money(line, "total_ex_tax")


def test_subtotals_are_the_sums_of_the_lines(store_orders):
    for entry in store_orders[1]:
        order, lines = entry["order"], entry["lines"]
        assert money(order, "subtotal_ex_tax") == total(lines, "total_ex_tax")
        assert money(order, "subtotal_inc_tax") == total(lines, "total_inc_tax")
        assert money(order, "subtotal_tax") == money(order, "subtotal_inc_tax") - money(order, "subtotal_ex_tax")
        assert order["items_total"] == sum(line["quantity"] for line in lines)


def test_each_discount_takes_its_tax_as_the_orders_pricing_rules_say(store_orders):
    for entry in store_orders[1]:
        order, rate = entry["order"], entry["rate"]
        inclusive = order["is_tax_inclusive_pricing"]
        for line in entry["lines"]:
            effects = [discount_effect(discount, rate, inclusive=inclusive) for discount in line["applied_discounts"]]
            assert money(line, "discounted_total_inc_tax") == money(line, "total_inc_tax") - sum(
                (effect for effect, _ in effects), Decimal(0)), (order["id"], line["id"])


def test_totals_are_the_lines_after_discounts_plus_the_charges(store_orders):
    for entry in store_orders[1]:
        order, rate = entry["order"], entry["rate"]
        inclusive = order["is_tax_inclusive_pricing"]
        effects = [discount_effect(discount, rate, inclusive=inclusive)
                   for line in entry["lines"] for discount in line["applied_discounts"]]
        removed_tax = sum((tax for _, tax in effects), Decimal(0))
        assert money(order, "total_inc_tax") == total(entry["lines"], "discounted_total_inc_tax") + charges(order, "inc_tax")
        assert money(order, "total_tax") == money(order, "subtotal_tax") + charges(order, "tax") - removed_tax, order["id"]
        assert money(order, "total_ex_tax") == money(order, "total_inc_tax") - money(order, "total_tax")
        # discounts-and-tax.md: the discounts' inclusive effect exceeds the amounts the order reports by exactly the
        # tax they removed when taken off before tax, and equals them in a tax-inclusive order.
        effect = money(order, "subtotal_inc_tax") + charges(order, "inc_tax") - money(order, "total_inc_tax")
        reported = money(order, "coupon_discount") + money(order, "discount_amount")
        assert effect - reported == (Decimal(0) if inclusive else removed_tax), order["id"]
        # Payments by gift certificate or store credit do not reduce the total.
        assert money(order, "gift_certificate_amount") + money(order, "store_credit_amount") <= money(order, "total_inc_tax")


def test_coupons_and_other_discounts_are_reported_per_line_and_per_coupon(store_orders):
    for entry in store_orders[1]:
        order = entry["order"]
        applied = [discount for line in entry["lines"] for discount in line["applied_discounts"]]
        with_code = [discount for discount in applied if discount["code"]]
        assert sum((Decimal(discount["amount"]) for discount in with_code), Decimal(0)) == money(order, "coupon_discount")
        assert sum((Decimal(discount["amount"]) for discount in applied if not discount["code"]), Decimal(0)) \
            == money(order, "discount_amount"), order["id"]
        assert all(discount["name"] and discount["id"] for discount in applied)
        by_code = {coupon["code"]: Decimal(str(coupon["discount"])) for coupon in entry["coupons"]}
        assert len(by_code) == len(entry["coupons"])
        for code, discount in by_code.items():
            assert discount == sum((Decimal(entry["amount"]) for entry in with_code if entry["code"] == code), Decimal(0))
        assert set(by_code) == {discount["code"] for discount in with_code}


def test_shipping_handling_and_wrapping_are_the_sums_of_their_parts(store_orders):
    for entry in store_orders[1]:
        order, lines, addresses = entry["order"], entry["lines"], entry["addresses"]
        assert len(addresses) == order["shipping_address_count"]
        for kind, address_field in (("shipping_cost", "cost"), ("handling_cost", "handling_cost")):
            for tax in ("ex_tax", "inc_tax", "tax"):
                assert money(order, f"{kind}_{tax}") == total(addresses, f"{address_field}_{tax}"), (order["id"], kind, tax)
        for tax in ("ex_tax", "inc_tax", "tax"):
            assert money(order, f"wrapping_cost_{tax}") == total(lines, f"wrapping_cost_{tax}")


def test_the_set_up_decides_whether_prices_include_tax(store_orders):
    pricing, orders = store_orders
    flags = [entry["order"]["is_tax_inclusive_pricing"] for entry in sorted(orders, key=lambda entry: entry["order"]["id"])]
    if pricing == "exclusive":
        assert not any(flags)
    elif pricing == "inclusive":
        assert all(flags)
    else:  # switched: the older orders exclusive, the newer inclusive
        switch = flags.index(True)
        assert 0 < switch and all(flags[switch:]) and not any(flags[:switch])


def test_refunds_match_the_status(store_orders):
    for entry in store_orders[1]:
        order, lines = entry["order"], entry["lines"]
        refunded = money(order, "refunded_amount")
        if order["payment_status"] == "refunded":
            assert refunded == money(order, "total_inc_tax")
            assert all(line["is_refunded"] for line in lines)
        elif order["payment_status"] == "partially refunded":
            assert Decimal(0) < refunded < money(order, "total_inc_tax") or len(lines) == 1
        else:
            assert refunded == 0


def test_consignment_lines_are_the_order_products():
    with SandboxServer(products=80, orders=200) as server:
        order_id = server.store.examples()["digital_order"]
        session = api_session(server)
        order = session.get(v2(server, f"/orders/{order_id}"), params={"include": "consignments.line_items",
                                                                        "consignment_structure": "object"}).json()
        products = session.get(v2(server, f"/orders/{order_id}/products"), params={"limit": 250}).json()
    consignments = order["consignments"]
    lines = [line for group in ("shipping", "downloads") for consignment in consignments[group] for line in consignment["line_items"]]
    assert sorted(products, key=lambda line: line["id"]) == sorted(lines, key=lambda line: line["id"])
    assert {line["type"] for line in consignments["downloads"][0]["line_items"]} == {"digital"}
    assert {line["type"] for consignment in consignments["shipping"] for line in consignment["line_items"]} == {"physical"}
    assert all(line["order_address_id"] == 0 for line in consignments["downloads"][0]["line_items"])


# The worked examples of discounts-and-tax.md (tax rate 10 %), figures computed by hand there.

def test_a_coupon_before_tax_in_a_tax_exclusive_store_takes_its_tax_with_it():
    shares = allocate(Decimal("10.00"), [Decimal("80.00"), Decimal("20.00")])  # A 2 x 40.00, B 1 x 20.00
    assert shares == [Decimal("8.00"), Decimal("2.00")]
    effects = [split_discount(COUPON, share, Decimal("0.10"), tax_inclusive=False) for share in shares]
    assert effects == [(Decimal("8.00"), Decimal("0.80"), Decimal("8.80")), (Decimal("2.00"), Decimal("0.20"), Decimal("2.20"))]
    assert [Decimal("88.00") - effects[0][2], Decimal("22.00") - effects[1][2]] == [Decimal("79.20"), Decimal("19.80")]


def test_a_manual_discount_leaves_the_tax_unchanged():
    assert split_discount(MANUAL, Decimal("1.59"), Decimal("0.165"), tax_inclusive=False) == (
        Decimal("1.59"), Decimal(0), Decimal("1.59"))  # 65.23 - 1.59 = 63.64, BigCommerce's line example


def test_a_coupon_in_a_tax_inclusive_store_takes_the_tax_it_contains():
    assert split_discount(COUPON, Decimal("11.00"), Decimal("0.10"), tax_inclusive=True) == (
        Decimal("10.00"), Decimal("1.00"), Decimal("11.00"))


amounts = st.decimals(min_value=0, max_value=100_000, places=2)


@given(total_amount=amounts, weights=st.lists(amounts, min_size=1, max_size=30))
def test_an_allocation_adds_up_to_the_cent_and_gives_every_line_its_share(total_amount, weights):
    shares = allocate(total_amount, weights)
    assert sum(shares, Decimal(0)) == total_amount
    assert all(share == share.quantize(CENT) for share in shares)
    weight_sum = sum(weights, Decimal(0))
    if weight_sum:
        for share, weight in zip(shares[:-1], weights[:-1], strict=True):
            assert Decimal(0) <= share and abs(share - total_amount * weight / weight_sum) < CENT


@given(share=amounts, rate=st.sampled_from([Decimal(0), Decimal("0.0825"), Decimal("0.10"), Decimal("0.20")]),
       inclusive=st.booleans(), kind=st.sampled_from([COUPON, MANUAL]))
def test_a_discount_share_splits_into_whole_cents_that_add_up(share, rate, inclusive, kind):
    ex_tax, tax, inc_tax = split_discount(kind, share, rate, tax_inclusive=inclusive)
    assert ex_tax + tax == inc_tax
    assert all(value == value.quantize(CENT) for value in (ex_tax, tax, inc_tax))
    assert abs(tax - (inc_tax - inc_tax / (1 + rate))) <= Decimal("0.01") or kind == MANUAL
