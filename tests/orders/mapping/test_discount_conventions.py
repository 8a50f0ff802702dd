"""Every discount convention real stores produce books the store's total and tax to the cent.

Fixtures are the worked examples of the three discount conventions (tax rate 10 %) and BigCommerce's own
order-product example (a manual discount of 1.59 off 65.23), each figure computed here from the rule
named, never taken from a store or from the mapping.
"""
from __future__ import annotations

from decimal import Decimal

import pytest

from orders.mapping import DiscountKind, StoreOrder, map_order
from tests.orders.mapping.payloads import applied, half_up, line, order

RATE = Decimal("0.10")


def assert_adds_up(mapped: StoreOrder, payload: dict) -> None:
    """The transaction's identities: total and tax equal the store's to the cent, exactly."""
    assert mapped.total == Decimal(payload["total_inc_tax"])
    assert mapped.tax_total == Decimal(payload["total_tax"])
    assert mapped.subtotal + mapped.charges_total - mapped.discounts_total + mapped.adjustment_total == mapped.total
    taxes = sum(part.tax for part in (*mapped.lines, *mapped.charges)) - sum(d.tax for d in mapped.discounts)
    assert taxes + (mapped.adjustment.tax if mapped.adjustment else 0) == mapped.tax_total
    for part in (*mapped.lines, *mapped.charges, *mapped.discounts):
        assert part.amount_ex_tax + part.tax == part.amount_inc_tax
        assert part.amount_inc_tax == half_up(part.amount_inc_tax) and part.tax == half_up(part.tax)


def pre_tax_coupon_order() -> dict:
    """Case 1: a tax-exclusive store takes a 10.00 coupon off before tax (the usual sales-tax rule).

    A 2 × 40.00 and B 1 × 20.00 ex tax, shipping 10.00; the coupon spread by line value (A 8.00, B 2.00);
    each line's tax is the rate on its discounted amount.
    """
    a_ex, b_ex, shipping_ex, coupon = Decimal("80.00"), Decimal("20.00"), Decimal("10.00"), Decimal("10.00")
    a_share = coupon * a_ex / (a_ex + b_ex)  # 8.00
    b_share = coupon - a_share  # 2.00
    a_tax_after = half_up((a_ex - a_share) * RATE)
    b_tax_after = half_up((b_ex - b_share) * RATE)
    shipping_tax = half_up(shipping_ex * RATE)
    total_tax = a_tax_after + b_tax_after + shipping_tax
    total_ex = a_ex + b_ex - coupon + shipping_ex
    return order(
        201,
        lines=[
            line(1, quantity=2, price_ex="40.00", price_tax=half_up(Decimal("40.00") * RATE), total_ex=a_ex,
                 total_tax=half_up(a_ex * RATE), discounts=[applied(a_share, code="SAVE10")],
                 discounted_total_inc=a_ex - a_share + a_tax_after),
            line(2, quantity=1, price_ex="20.00", price_tax=half_up(b_ex * RATE), total_ex=b_ex,
                 total_tax=half_up(b_ex * RATE), discounts=[applied(b_share, code="SAVE10")],
                 discounted_total_inc=b_ex - b_share + b_tax_after),
        ],
        shipping=(shipping_ex, shipping_tax), coupon_discount=coupon,
        total_ex=total_ex, total_tax=total_tax, total_inc=total_ex + total_tax,
    )


def test_a_coupon_taken_off_before_tax_books_the_coupon_plus_the_tax_on_it() -> None:
    payload = pre_tax_coupon_order()
    mapped = map_order(payload)
    assert_adds_up(mapped, payload)
    tax_on_coupon = half_up(Decimal("10.00") * RATE)  # the doc's "tax on the discount": 1.00
    assert [(d.kind, d.description, d.code, d.amount_ex_tax, d.tax, d.amount_inc_tax) for d in mapped.discounts] == [
        (DiscountKind.COUPON, "Coupon SAVE10", "SAVE10", Decimal("10.00"), tax_on_coupon, Decimal("10.00") + tax_on_coupon)
    ]
    assert mapped.total == Decimal("110.00") and mapped.tax_total == Decimal("10.00")  # the doc's table


def test_each_line_carries_its_share_of_the_discount_as_the_store_reports_it() -> None:
    payload = pre_tax_coupon_order()
    mapped = map_order(payload)
    # discounted_total_inc_tax: A 88.00 − 8.80 = 79.20, B 22.00 − 2.20 = 19.80
    assert [(entry.discount, entry.paid_inc_tax) for entry in mapped.lines] == [
        (Decimal("8.80"), Decimal("79.20")), (Decimal("2.20"), Decimal("19.80"))]
    assert [entry.discount_tax for entry in mapped.lines] == [Decimal("0.80"), Decimal("0.20")]


def test_bigcommerce_manual_discount_example_is_taken_off_the_inclusive_total_with_tax_unchanged() -> None:
    # orders.v2.oas2.yml, orderProductsCollection_Resp: 55.99 ex, 9.24 tax, 65.23 inc, manual-discount 1.59,
    # discounted_total_inc_tax 63.64; and its bundled child line at zero.
    manual = Decimal("1.59")
    line_inc = Decimal("55.99") + Decimal("9.24")
    payload = order(
        149,
        lines=[
            line(65, quantity=1, price_ex="55.99", price_tax="9.24", total_ex="55.99", total_tax="9.24",
                 discounted_total_inc=line_inc - manual,
                 discounts=[applied(manual, name="Manual Discount", discount_id="manual-discount")]),
            line(66, quantity=1, price_ex="0", price_tax="0", total_ex="0", total_tax="0"),
        ],
        discount_amount=manual, total_ex=line_inc - manual - Decimal("9.24"), total_tax="9.24",
        total_inc=line_inc - manual,
    )
    mapped = map_order(payload)
    assert_adds_up(mapped, payload)
    assert mapped.total == Decimal("63.64")
    assert [(d.kind, d.description, d.amount_ex_tax, d.tax, d.amount_inc_tax) for d in mapped.discounts] == [
        (DiscountKind.MANUAL, "Manual discount", manual, Decimal("0.00"), manual)]
    assert mapped.lines[0].paid_inc_tax == Decimal("63.64")


def tax_inclusive_coupon_order(order_id: int = 203) -> dict:
    """Case 3: prices include tax; an 11.00 coupon off the inclusive 110.00; tax = inc × rate / (1 + rate)."""
    inc, coupon = Decimal("110.00"), Decimal("11.00")
    tax_before = half_up(inc * RATE / (1 + RATE))  # 10.00
    tax_after = half_up((inc - coupon) * RATE / (1 + RATE))  # 9.00
    return order(
        order_id,
        lines=[line(1, quantity=1, price_ex=inc - tax_before, price_tax=tax_before, total_ex=inc - tax_before,
                    total_tax=tax_before, discounted_total_inc=inc - coupon,
                    discounts=[applied(coupon, code="WELCOME11")])],
        coupon_discount=coupon, tax_inclusive=True,
        total_ex=inc - coupon - tax_after, total_tax=tax_after, total_inc=inc - coupon,
    )


def test_a_coupon_in_a_tax_inclusive_store_carries_the_tax_inside_it() -> None:
    payload = tax_inclusive_coupon_order()
    mapped = map_order(payload)
    assert_adds_up(mapped, payload)
    # The doc: the discount's effect is inc 11.00, tax 1.00, ex 10.00; the order 99.00 / 9.00 / 90.00.
    assert [(d.amount_inc_tax, d.tax, d.amount_ex_tax) for d in mapped.discounts] == [
        (Decimal("11.00"), Decimal("1.00"), Decimal("10.00"))]
    assert (mapped.total, mapped.tax_total) == (Decimal("99.00"), Decimal("9.00"))
    assert mapped.prices_include_tax and mapped.lines[0].unit_price == Decimal("110.0000")


def exclusive_order_with(discounts: dict[tuple[str, str | None], Decimal], order_id: int) -> dict:
    """A tax-exclusive store taking several discounts off before tax, each spread by line value.

    Lines: 3 × 19.99 at 8.25 % and 1 × 45.50 at 10 %; shipping 7.00 at 10 %. Each discount's share of a
    line is its amount × line value / subtotal, to the cent, the last line taking the remainder; a
    line's tax is its rate on its discounted amount, rounded half up.
    """
    values = [Decimal("59.97"), Decimal("45.50")]
    rates = [Decimal("0.0825"), Decimal("0.10")]
    shares: dict[tuple[str, str | None], list[Decimal]] = {}
    for key, amount in discounts.items():
        first = half_up(amount * values[0] / sum(values))
        shares[key] = [first, amount - first]
    entries: list[list[dict]] = [[], []]
    for (name, code), split in shares.items():
        for index, share in enumerate(split):
            entries[index].append(applied(share, code=code, name=name, discount_id=code or name.lower()))
    taken = [sum(split[index] for split in shares.values()) for index in range(2)]
    tax_after = [half_up((value - off) * rate) for value, off, rate in zip(values, taken, rates)]
    shipping_tax = half_up(Decimal("7.00") * Decimal("0.10"))
    lines = [
        line(1, quantity=3, price_ex="19.99", price_tax=half_up(Decimal("19.99") * rates[0]), total_ex=values[0],
             total_tax=half_up(values[0] * rates[0]), discounts=entries[0],
             discounted_total_inc=values[0] - taken[0] + tax_after[0]),
        line(2, quantity=1, price_ex="45.50", price_tax=half_up(values[1] * rates[1]), total_ex=values[1],
             total_tax=half_up(values[1] * rates[1]), discounts=entries[1],
             discounted_total_inc=values[1] - taken[1] + tax_after[1]),
    ]
    coupons = sum((amount for (_, code), amount in discounts.items() if code), Decimal(0))
    promotions = sum((amount for (_, code), amount in discounts.items() if not code), Decimal(0))
    total_ex = sum(values) - coupons - promotions + Decimal("7.00")
    total_tax = sum(tax_after) + shipping_tax
    return order(order_id, lines=lines, shipping=("7.00", shipping_tax), coupon_discount=coupons,
                 discount_amount=promotions, total_ex=total_ex, total_tax=total_tax, total_inc=total_ex + total_tax)


def test_a_coupon_and_an_automatic_promotion_are_a_line_each() -> None:
    payload = exclusive_order_with({("10 off", "TENOFF"): Decimal("10.00"), ("Spring sale 5%", None): Decimal("5.27")},
                                   order_id=204)
    mapped = map_order(payload)
    assert_adds_up(mapped, payload)
    assert [(d.kind, d.description, d.code, d.reported_amount, d.amount_ex_tax) for d in mapped.discounts] == [
        (DiscountKind.COUPON, "Coupon TENOFF", "TENOFF", Decimal("10.00"), Decimal("10.00")),
        (DiscountKind.PROMOTION, "Spring sale 5%", "", Decimal("5.27"), Decimal("5.27")),
    ]
    # Each discount's tax is the rates of the lines it applies to, within a cent per line.
    for discount in mapped.discounts:
        assert abs(discount.tax - discount.amount_ex_tax * Decimal("0.09")) <= Decimal("0.03")


def test_two_coupons_on_one_order_are_two_lines_with_their_own_codes_and_amounts() -> None:
    payload = exclusive_order_with({("5 off", "FIVE"): Decimal("5.00"), ("Loyal", "LOYAL-3"): Decimal("3.00")},
                                   order_id=205)
    mapped = map_order(payload)
    assert_adds_up(mapped, payload)
    assert [(d.description, d.code, d.amount_ex_tax) for d in mapped.discounts] == [
        ("Coupon FIVE", "FIVE", Decimal("5.00")), ("Coupon LOYAL-3", "LOYAL-3", Decimal("3.00"))]


def test_coupons_fetched_from_the_coupons_endpoint_name_the_amount() -> None:
    payload = exclusive_order_with({("5 off", "FIVE"): Decimal("5.00")}, order_id=206)
    coupons = [{"id": 3, "coupon_id": 1, "order_id": 206, "code": "FIVE", "amount": 5, "type": 2, "discount": 5}]
    mapped = map_order(payload, coupons=coupons)
    assert_adds_up(mapped, payload)
    assert [(d.code, d.reported_amount) for d in mapped.discounts] == [("FIVE", Decimal("5.00"))]


def test_a_store_that_switched_from_exclusive_to_inclusive_prices_reads_each_order_by_its_own_flag() -> None:
    older, newer = pre_tax_coupon_order(), tax_inclusive_coupon_order(order_id=207)
    for payload in (older, newer):
        assert_adds_up(map_order(payload), payload)
    assert (map_order(older).prices_include_tax, map_order(newer).prices_include_tax) == (False, True)
    assert map_order(older).discounts[0].amount_ex_tax == Decimal("10.00")  # ex tax: reported before tax
    assert map_order(newer).discounts[0].amount_inc_tax == Decimal("11.00")  # inc tax: reported with tax


def test_an_order_level_discount_without_line_entries_is_still_booked() -> None:
    payload = pre_tax_coupon_order()
    for entry in payload["consignments"]["shipping"][0]["line_items"]:
        entry["applied_discounts"] = []
        entry.pop("discounted_total_inc_tax")
    mapped = map_order(payload)
    assert_adds_up(mapped, payload)
    assert [(d.kind, d.amount_ex_tax, d.tax) for d in mapped.discounts] == [
        (DiscountKind.COUPON, Decimal("10.00"), Decimal("1.00"))]


@pytest.mark.parametrize("builder", [pre_tax_coupon_order, tax_inclusive_coupon_order])
def test_every_amount_on_the_transaction_is_in_cents(builder) -> None:
    mapped = map_order(builder())
    amounts = [mapped.total, mapped.tax_total] + [
        value for part in (*mapped.lines, *mapped.charges, *mapped.discounts)
        for value in (part.amount_ex_tax, part.tax, part.amount_inc_tax)]
    assert all(amount.as_tuple().exponent == -2 for amount in amounts)
