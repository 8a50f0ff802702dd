"""Generated orders in each convention map to the store's total and tax to the minor unit, every time.

The generator is this test's own: it prices lines, rates, shipping, coupons, promotions and manual
discounts the way each discount convention says a store does (half-up rounding per
line, each discount spread over the lines by value with the remainder on the last), and writes the
figures a BigCommerce order would carry. Nothing is taken from the mapping.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from orders.mapping import DiscountKind, map_order
from tests.orders.mapping.payloads import applied, figure, half_up, line, order

CURRENCIES = [("USD", Decimal("0.01")), ("JPY", Decimal("1")), ("KWD", Decimal("0.001")), ("EUR", Decimal("0.01"))]
RATES = [Decimal(percent) / 100 for percent in ("0", "5", "7.25", "8.875", "10", "20")]


@dataclass
class Generated:
    payload: dict
    unit: Decimal
    discounts: list[tuple[DiscountKind, str, Decimal]]


def spread(amount: Decimal, values: list[Decimal], unit: Decimal) -> list[Decimal]:
    """The generator's own spreading: each line its share rounded down, the last line the remainder."""
    subtotal = sum(values)
    shares = [(amount * value / subtotal).quantize(unit, rounding=ROUND_DOWN) for value in values[:-1]]
    return shares + [amount - sum(shares, Decimal(0))]


@st.composite
def generated_orders(draw) -> Generated:
    currency, unit = draw(st.sampled_from(CURRENCIES))
    inclusive = draw(st.booleans())
    count = draw(st.integers(min_value=1, max_value=5))
    quantities = [draw(st.integers(min_value=1, max_value=5)) for _ in range(count)]
    prices = [draw(st.integers(min_value=1, max_value=50_000)) * unit for _ in range(count)]
    rates = [draw(st.sampled_from(RATES)) for _ in range(count)]
    values = [quantity * price for quantity, price in zip(quantities, prices)]
    subtotal = sum(values)
    discounts: list[tuple[DiscountKind, str, Decimal]] = []
    for index in range(draw(st.integers(min_value=0, max_value=2))):
        discounts.append((DiscountKind.COUPON, f"CODE{index}", draw(st.integers(min_value=1, max_value=15))))
    if draw(st.booleans()):
        discounts.append((DiscountKind.PROMOTION, "Automatic sale", draw(st.integers(min_value=1, max_value=15))))
    if draw(st.booleans()):
        discounts.append((DiscountKind.MANUAL, "Manual Discount", draw(st.integers(min_value=1, max_value=15))))
    # Each discount a percentage of the subtotal, at least one minor unit.
    discounts = [(kind, label, max(unit, (subtotal * percent / 100).quantize(unit, rounding=ROUND_DOWN)))
                 for kind, label, percent in discounts]
    shares = [spread(amount, values, unit) for _, _, amount in discounts]
    taken = [sum((split[index] for split in shares), Decimal(0)) for index in range(count)]
    assume(all(off <= value for off, value in zip(taken, values)))
    shipping_rate = draw(st.sampled_from(RATES))
    shipping_price = draw(st.integers(min_value=0, max_value=5_000)) * unit

    lines, total_inc, total_tax = [], Decimal(0), Decimal(0)
    for index in range(count):
        entries = [applied(split[index], code=label if kind is DiscountKind.COUPON else None, name=label,
                           discount_id="manual-discount" if kind is DiscountKind.MANUAL else label.lower())
                   for (kind, label, _), split in zip(discounts, shares) if split[index]]
        manual = sum((split[index] for (kind, _, _), split in zip(discounts, shares) if kind is DiscountKind.MANUAL),
                     Decimal(0))
        rate = rates[index]
        if inclusive:  # case 3: prices and discounts include tax; tax = inc × rate / (1 + rate)
            value_inc = values[index]
            tax = half_up(value_inc * rate / (1 + rate), unit)
            price_tax = half_up(prices[index] * rate / (1 + rate), unit)
            after_inc = value_inc - taken[index]
            tax_after = half_up(after_inc * rate / (1 + rate), unit)
            lines.append(line(index + 1, quantity=quantities[index], price_ex=prices[index] - price_tax,
                              price_tax=price_tax, total_ex=value_inc - tax, total_tax=tax, discounts=entries,
                              discounted_total_inc=after_inc))
        else:  # case 1 for coupons and promotions (before tax); case 2 for the manual discount (tax unchanged)
            before_tax = taken[index] - manual
            tax = half_up(values[index] * rate, unit)
            tax_after = half_up((values[index] - before_tax) * rate, unit)
            after_inc = values[index] - before_tax + tax_after - manual
            lines.append(line(index + 1, quantity=quantities[index], price_ex=prices[index],
                              price_tax=half_up(prices[index] * rate, unit), total_ex=values[index], total_tax=tax,
                              discounts=entries, discounted_total_inc=after_inc))
        total_inc += after_inc
        total_tax += tax_after
    if inclusive:
        shipping_tax = half_up(shipping_price * shipping_rate / (1 + shipping_rate), unit)
        shipping = (shipping_price - shipping_tax, shipping_tax)
    else:
        shipping = (shipping_price, half_up(shipping_price * shipping_rate, unit))
    total_inc += shipping[0] + shipping[1]
    total_tax += shipping[1]
    coupons = sum((amount for kind, _, amount in discounts if kind is DiscountKind.COUPON), Decimal(0))
    others = sum((amount for kind, _, amount in discounts if kind is not DiscountKind.COUPON), Decimal(0))
    payload = order(400, lines=lines, shipping=shipping, coupon_discount=coupons, discount_amount=others,
                    tax_inclusive=inclusive, currency=currency, total_ex=total_inc - total_tax, total_tax=total_tax,
                    total_inc=total_inc)
    return Generated(payload, unit, discounts)


@settings(max_examples=1000, deadline=None)
@given(generated=generated_orders())
def test_generated_orders_book_the_stores_total_and_tax_in_minor_units(generated: Generated) -> None:
    payload, unit = generated.payload, generated.unit
    mapped = map_order(payload)
    assert mapped.total == Decimal(payload["total_inc_tax"])
    assert mapped.tax_total == Decimal(payload["total_tax"])
    assert mapped.adjustment is None
    assert mapped.subtotal + mapped.charges_total - mapped.discounts_total == mapped.total
    parts = (*mapped.lines, *mapped.charges)
    assert sum(part.tax for part in parts) - sum(d.tax for d in mapped.discounts) == mapped.tax_total
    for part in (*parts, *mapped.discounts):
        assert part.amount_ex_tax + part.tax == part.amount_inc_tax
        for amount in (part.amount_ex_tax, part.tax, part.amount_inc_tax):
            assert amount == amount.quantize(unit)
    # one discount line per coupon code, per promotion, and the manual discount, with the amount reported
    assert sorted((d.kind, d.reported_amount) for d in mapped.discounts) == sorted(
        (kind, amount) for kind, _, amount in generated.discounts)
    assert sorted(d.code for d in mapped.discounts if d.kind == DiscountKind.COUPON) == [
        label for kind, label, _ in generated.discounts if kind is DiscountKind.COUPON]


@settings(max_examples=300, deadline=None)
@given(generated=generated_orders(), data=st.data())
def test_credit_notes_of_generated_orders_sum_exactly(generated: Generated, data) -> None:
    payload, unit = generated.payload, generated.unit
    total = Decimal(payload["total_inc_tax"])
    lines = payload["consignments"]["shipping"][0]["line_items"]
    items = []
    for entry in lines:
        quantity = data.draw(st.integers(min_value=0, max_value=entry["quantity"]))
        if quantity:
            items.append({"item_type": "PRODUCT", "item_id": entry["id"], "quantity": quantity,
                          "requested_amount": None})
    if data.draw(st.booleans()):
        items.append({"item_type": "SHIPPING", "item_id": 4001, "requested_amount": None})
    refunded = data.draw(st.integers(min_value=0, max_value=int(total / unit))) * unit
    refund_tax = data.draw(st.integers(min_value=-5, max_value=int(refunded / unit / 5))) * unit
    records = [{"id": 7, "order_id": 400, "created": "2024-03-08T16:44:15Z", "reason": "", "items": items,
                "total_amount": str(refunded), "total_tax": str(refund_tax)}]
    v2 = dict(payload, refunded_amount=figure(data.draw(st.integers(min_value=0, max_value=int(total / unit))) * unit))
    for mapped in (map_order(payload, refunds=records), map_order(v2)):
        for draft in mapped.credit_notes:
            parts = (*draft.lines, *draft.charges, *draft.adjustments)
            assert sum(part.amount_inc_tax for part in parts) == draft.total
            assert sum(part.tax for part in parts) == draft.tax_total
            assert all(part.amount_ex_tax + part.tax == part.amount_inc_tax for part in parts)
            assert all(part.amount_inc_tax == part.amount_inc_tax.quantize(unit) for part in parts)
