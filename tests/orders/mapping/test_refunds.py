"""Refunds become credit-note drafts: one per v3 refund, else one from the v2 figures; sums exact, keys stable.

The order is the pre-tax coupon example (A 2 × 40.00 and B 1 × 20.00 at 10 %, a 10.00 coupon before tax,
shipping 10.00 + 1.00 tax): the shopper paid A 79.20 (tax 7.20), B 19.80 (tax 1.80), shipping 11.00
(tax 1.00). Refund records follow orders.v3.yml's Refund (RefundID_Get example: PRODUCT items carry no
requested_amount).
"""
from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from orders.mapping import AdjustmentKind, OrderMappingError, map_order
from tests.orders.mapping.payloads import figure, half_up, line, order
from tests.orders.mapping.test_discount_conventions import pre_tax_coupon_order

RATE = Decimal("0.10")
A_PAID, B_PAID, SHIPPING_PAID = Decimal("79.20"), Decimal("19.80"), Decimal("11.00")


def refund(refund_id: int, *, items: list[dict], total_amount: Decimal, total_tax: Decimal, order_id: int = 201) -> dict:
    return {"id": refund_id, "order_id": order_id, "user_id": 0, "created": "2024-03-08T16:44:15+00:00",
            "reason": "Arrived damaged", "total_amount": float(total_amount), "total_tax": float(total_tax),
            "uses_merchant_override_values": False,
            "payments": [{"id": 13, "provider_id": "storecredit", "amount": float(total_amount), "offline": True,
                          "is_declined": False, "declined_message": ""}],
            "items": items}


def product(line_id: int, quantity: int) -> dict:
    return {"item_type": "PRODUCT", "item_id": line_id, "quantity": quantity, "requested_amount": None}


def parts_of(draft) -> list[tuple]:
    return ([("line", entry.cart_line_id, entry.quantity, entry.amount_inc_tax, entry.tax) for entry in draft.lines]
            + [(charge.kind, charge.amount_inc_tax, charge.tax) for charge in draft.charges]
            + [(adjustment.kind, adjustment.amount_inc_tax, adjustment.tax) for adjustment in draft.adjustments])


def assert_sums_exact(draft) -> None:
    parts = (*draft.lines, *draft.charges, *draft.adjustments)
    assert sum(part.amount_inc_tax for part in parts) == draft.total
    assert sum(part.tax for part in parts) == draft.tax_total
    assert all(part.amount_ex_tax + part.tax == part.amount_inc_tax for part in parts)


def test_a_v3_refund_of_one_unit_and_the_shipping_is_one_credit_note_draft() -> None:
    one_a = A_PAID / 2  # one of two units: what the shopper paid for it, pro rata
    tax = half_up((one_a + SHIPPING_PAID) / (1 + RATE) * RATE)  # the store's refunded tax at 10 %
    records = [
        refund(12, items=[product(1, 1), {"item_type": "SHIPPING", "item_id": 2011, "requested_amount": "11.00"}],
               total_amount=one_a + SHIPPING_PAID, total_tax=tax),
        refund(99, items=[product(5, 1)], total_amount=Decimal("5.00"), total_tax=Decimal("0"), order_id=999),
    ]
    mapped = map_order(pre_tax_coupon_order(), refunds=records)
    [draft] = mapped.credit_notes
    assert (draft.key, draft.refund_id, draft.reason) == ("v3-12", 12, "Arrived damaged")
    assert draft.created_at == datetime.datetime(2024, 3, 8, 16, 44, 15, tzinfo=datetime.UTC)
    assert (draft.total, draft.tax_total) == (Decimal("50.60"), Decimal("4.60"))
    assert parts_of(draft) == [("line", 1, 1, Decimal("39.60"), Decimal("3.60")),
                               ("shipping", Decimal("11.00"), Decimal("1.00"))]
    assert_sums_exact(draft)


def test_a_v3_refund_its_items_do_not_explain_has_an_explicit_refund_adjustment() -> None:
    records = [refund(13, items=[product(2, 1), {"item_type": "ORDER", "item_id": 201, "requested_amount": "2.00",
                                                 "reason": "Goodwill"}],
                      total_amount=B_PAID + Decimal("2.00") + Decimal("0.50"), total_tax=Decimal("1.80"))]
    [draft] = map_order(pre_tax_coupon_order(), refunds=records).credit_notes
    assert parts_of(draft) == [("line", 2, 1, B_PAID, Decimal("1.80")),
                               (AdjustmentKind.ORDER_AMOUNT, Decimal("2.00"), Decimal("0.00")),
                               (AdjustmentKind.REFUND_ADJUSTMENT, Decimal("0.50"), Decimal("0.00"))]
    assert_sums_exact(draft)


def test_two_v3_refunds_are_two_drafts_each_with_its_own_key() -> None:
    records = [refund(14, items=[product(1, 1)], total_amount=A_PAID / 2, total_tax=Decimal("3.60")),
               refund(15, items=[product(1, 1)], total_amount=A_PAID / 2, total_tax=Decimal("3.60"))]
    drafts = map_order(pre_tax_coupon_order(), refunds=records).credit_notes
    assert [draft.key for draft in drafts] == ["v3-14", "v3-15"]


def test_a_full_v3_refund_equals_the_order() -> None:
    records = [refund(16, items=[product(1, 2), product(2, 1),
                                 {"item_type": "SHIPPING", "item_id": 2011, "requested_amount": None}],
                      total_amount=Decimal("110.00"), total_tax=Decimal("10.00"))]
    mapped = map_order(pre_tax_coupon_order(), refunds=records)
    [draft] = mapped.credit_notes
    assert (draft.total, draft.tax_total) == (mapped.total, mapped.tax_total)
    assert parts_of(draft) == [("line", 1, 2, A_PAID, Decimal("7.20")), ("line", 2, 1, B_PAID, Decimal("1.80")),
                               ("shipping", SHIPPING_PAID, Decimal("1.00"))]


def test_without_v3_refunds_the_v2_figures_make_one_draft_with_the_unexplained_rest_as_an_adjustment() -> None:
    payload = pre_tax_coupon_order()
    payload["refunded_amount"] = figure(B_PAID + Decimal("5.00"))
    payload["consignments"]["shipping"][0]["line_items"][1].update(quantity_refunded=1, is_refunded=True)
    [draft] = map_order(payload).credit_notes
    assert (draft.key, draft.refund_id, draft.total) == ("v2-201-24.80", None, Decimal("24.80"))
    assert parts_of(draft) == [("line", 2, 1, B_PAID, Decimal("1.80")),
                               (AdjustmentKind.REFUND_ADJUSTMENT, Decimal("5.00"), Decimal("0.00"))]
    assert_sums_exact(draft)


def test_a_fully_refunded_order_by_v2_figures_has_a_credit_note_equal_to_the_order() -> None:
    payload = pre_tax_coupon_order()
    payload["refunded_amount"] = payload["total_inc_tax"]
    mapped = map_order(payload)
    [draft] = mapped.credit_notes
    assert (draft.total, draft.tax_total) == (mapped.total, mapped.tax_total)
    assert [(entry.cart_line_id, entry.quantity) for entry in draft.lines] == [(1, 2), (2, 1)]
    assert sum(entry.amount_inc_tax for entry in draft.lines) == mapped.subtotal - mapped.discounts_total
    assert [(c.kind, c.amount_inc_tax, c.tax) for c in draft.charges] == [("shipping", SHIPPING_PAID, Decimal("1.00"))]
    assert_sums_exact(draft)


def test_an_order_with_nothing_refunded_has_no_credit_note() -> None:
    assert map_order(pre_tax_coupon_order(), refunds=[]).credit_notes == ()


def test_a_refund_of_a_line_the_order_does_not_have_is_refused_naming_it() -> None:
    records = [refund(17, items=[product(77, 1)], total_amount=Decimal("1.00"), total_tax=Decimal("0"))]
    with pytest.raises(OrderMappingError, match="refund 17 refunds line 77, which the order does not have"):
        map_order(pre_tax_coupon_order(), refunds=records)


def test_a_gift_wrapping_refund_credits_the_wrapping_of_the_line_it_names() -> None:
    """orders.v3.yml: a GIFT_WRAPPING item's item_id is the order product. Each of two lines is wrapped for
    5.00 + 10 % tax; refunding line 1's wrapping credits 5.50 (tax 0.50) as wrapping, not the order's 11.00."""
    wrapping = {"wrapping_cost_ex_tax": "5.0000", "wrapping_cost_tax": "0.5000", "wrapping_cost_inc_tax": "5.5000"}
    lines = [line(1, quantity=1, price_ex="20.00", price_tax="2.00", total_ex="20.00", total_tax="2.00", **wrapping),
             line(2, quantity=1, price_ex="30.00", price_tax="3.00", total_ex="30.00", total_tax="3.00", **wrapping)]
    payload = order(500, lines=lines, total_ex="60.00", total_tax="6.00", total_inc="66.00",
                    wrapping_cost_ex_tax="10.0000", wrapping_cost_tax="1.0000", wrapping_cost_inc_tax="11.0000")
    one_wrapping, its_tax = Decimal("5.00") * (1 + RATE), Decimal("5.00") * RATE
    records = [refund(40, order_id=500, items=[{"item_type": "GIFT_WRAPPING", "item_id": 1, "requested_amount": None}],
                      total_amount=one_wrapping, total_tax=its_tax)]
    [draft] = map_order(payload, refunds=records).credit_notes
    assert parts_of(draft) == [("gift_wrapping", one_wrapping, its_tax)]  # no adjustment making up a difference
    assert_sums_exact(draft)


def test_a_refund_the_payment_provider_declined_is_not_credited_and_one_declined_in_part_is_refused() -> None:
    """orders.v3.yml, Refund.payments[].is_declined: the provider declined returning that payment."""
    declined = refund(12, items=[product(2, 1)], total_amount=B_PAID, total_tax=Decimal("1.80"))
    declined["payments"][0].update(is_declined=True, declined_message="Card expired")
    kept = refund(13, items=[product(1, 1)], total_amount=A_PAID / 2, total_tax=Decimal("3.60"))
    assert [draft.key for draft in map_order(pre_tax_coupon_order(), refunds=[declined, kept]).credit_notes] == ["v3-13"]

    in_part = refund(14, items=[product(2, 1)], total_amount=B_PAID, total_tax=Decimal("1.80"))
    in_part["payments"] = [{**in_part["payments"][0], "amount": 9.80},
                           {"id": 15, "provider_id": "braintree", "amount": 10.00, "offline": False,
                            "is_declined": True, "declined_message": "Card expired"}]
    with pytest.raises(OrderMappingError, match=r"refund 14 was declined in part by the payment provider \(Card expired\)"):
        map_order(pre_tax_coupon_order(), refunds=[in_part])
