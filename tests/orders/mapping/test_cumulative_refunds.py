"""Refunds read from the v2 figures are totals so far: each credit note is what was refunded since the last one.

orders.v2 Order: refunded_amount is "the amount refunded from this transaction" and a line's quantity_refunded
the units refunded so far, so after a second partial refund the figures hold the first one too. The order is the
pre-tax coupon example (tests/orders/mapping/test_refunds.py): the shopper paid A 79.20 for 2 units (tax 7.20),
B 19.80 (tax 1.80), shipping 11.00 (tax 1.00); a refunded unit is priced pro rata at what the shopper paid.
"""
from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from orders.mapping import map_order
from orders.mapping.refunds import refund_increment
from tests.orders.mapping.payloads import figure
from tests.orders.mapping.test_discount_conventions import pre_tax_coupon_order
from tests.orders.mapping.test_refunds import A_PAID, B_PAID, assert_sums_exact, parts_of

A_TAX, B_TAX = Decimal("7.20"), Decimal("1.80")


def refunded_so_far(*, a_units: int = 0, b_units: int = 0, extra: Decimal = Decimal("0"), full: bool = False) -> dict:
    """The order as v2 shows it once these units (and an amount beyond them) were refunded, in all."""
    payload = pre_tax_coupon_order()
    lines = payload["consignments"]["shipping"][0]["line_items"]
    lines[0].update(quantity_refunded=a_units, is_refunded=a_units == 2)
    lines[1].update(quantity_refunded=b_units, is_refunded=b_units == 1)
    amount = payload["total_inc_tax"] if full else figure(A_PAID / 2 * a_units + B_PAID * b_units + extra)
    payload["refunded_amount"] = amount
    return payload


def drafts_of(payload: dict):
    [draft] = map_order(payload).credit_notes
    return draft


def test_a_second_partial_refund_is_credited_for_what_it_adds_only() -> None:
    first = drafts_of(refunded_so_far(b_units=1))
    both = drafts_of(refunded_so_far(a_units=1, b_units=1))
    assert both.total == B_PAID + A_PAID / 2  # the v2 figure: both refunds

    added = refund_increment(both, [first])
    assert (added.total, added.tax_total) == (A_PAID / 2, A_TAX / 2)  # one unit of A: half of what was paid
    assert parts_of(added) == [("line", 1, 1, A_PAID / 2, A_TAX / 2)]
    assert added.key == both.key and added.key != first.key
    assert_sums_exact(added)


def test_refunding_the_rest_credits_the_rest_with_the_shipping() -> None:
    first = drafts_of(refunded_so_far(b_units=1, extra=Decimal("5.00")))
    rest = drafts_of(refunded_so_far(full=True))
    order_total = map_order(refunded_so_far(full=True)).total

    added = refund_increment(rest, [first])
    assert added.total == order_total - (B_PAID + Decimal("5.00"))
    assert [(line.cart_line_id, line.quantity) for line in added.lines] == [(1, 2)]  # B was credited already
    assert [charge.kind for charge in added.charges] == ["shipping"]
    # The 5.00 credited before beyond B's lines comes off again, as a refund adjustment of -5.00.
    assert [(adjustment.amount_inc_tax, adjustment.tax) for adjustment in added.adjustments] == [
        (Decimal("-5.00"), Decimal("0.00"))]
    assert_sums_exact(added)


def test_figures_that_did_not_grow_credit_nothing() -> None:
    first = drafts_of(refunded_so_far(b_units=1))
    assert refund_increment(drafts_of(refunded_so_far(b_units=1)), [first]) is None


@settings(max_examples=150, deadline=None)
@given(steps=st.lists(st.tuples(st.integers(0, 2), st.integers(0, 1), st.integers(0, 900)), min_size=1, max_size=5),
       ends_full=st.booleans())
def test_the_credit_notes_add_up_to_what_the_store_says_was_refunded(steps, ends_full) -> None:
    """Any growing sequence of v2 figures: the increments' totals, tax and units add up to the last figures."""
    states, a_units, b_units, extra = [], 0, 0, Decimal("0")
    for a_more, b_more, cents_more in steps:  # each read finds at least as much refunded as the one before
        a_units, b_units = max(a_units, a_more), max(b_units, b_more)
        extra += Decimal(cents_more) / 100
        state = refunded_so_far(a_units=a_units, b_units=b_units, extra=extra)
        # A store refunds at most the order's total: from there on the order is fully refunded.
        states.append(state if Decimal(state["refunded_amount"]) < Decimal(state["total_inc_tax"])
                      else refunded_so_far(full=True))
    if ends_full:
        states.append(refunded_so_far(full=True))
    booked = []
    for payload in states:
        drafts = map_order(payload).credit_notes
        if not drafts or drafts[0].key in {draft.key for draft in booked}:
            continue
        added = refund_increment(drafts[0], booked)
        if added is not None:
            assert added.total > 0 and all(line.quantity > 0 for line in added.lines)
            assert_sums_exact(added)
            booked.append(added)
    last = map_order(states[-1]).credit_notes
    assert sum(draft.total for draft in booked) == (last[0].total if last else 0)
    assert sum(draft.tax_total for draft in booked) == (last[0].tax_total if last else 0)
    for line_id in (1, 2):
        credited = sum(line.quantity for draft in booked for line in draft.lines if line.cart_line_id == line_id)
        assert credited == sum(line.quantity for line in (last[0].lines if last else ()) if line.cart_line_id == line_id)
