"""Stock in the item master: on hand changes only through recorded movements; available = on hand - committed."""
from __future__ import annotations

import datetime
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from carts.platforms.base import InvalidInput
from items.editing import item_new
from items.models import Item, ItemType, StockMovement, StockMovementKind
from items.stock import stock_levels, stock_set
from orders.models import Customer, SalesTransaction, TransactionType

pytestmark = pytest.mark.django_db


def make_item(company, sku: str, *, item_type: str = ItemType.STOCK) -> Item:
    item = item_new(company=company, sku=sku, item_type=item_type)
    item.save()
    return item


def sell(company, lines: list[tuple[Item, int, int]], *, number: str, refund_key: str = "",
         credited: SalesTransaction | None = None) -> SalesTransaction:
    """A pending sale (or a credit note, with a refund key) with (item, quantity, shipped) lines."""
    customer = Customer.objects.create(company=company, name=f"Shopper {number}")
    record = SalesTransaction.objects.create(
        company=company, transaction_type=TransactionType.CREDIT_NOTE if refund_key else TransactionType.CASH_SALE,
        number=number, customer=customer, transaction_date=datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC),
        currency="USD", refund_key=refund_key, cart_order_id=100 if refund_key else None,
        store_identity="bigcommerce:abc" if refund_key else "", credited_transaction=credited,
    )
    for position, (item, quantity, shipped) in enumerate(lines, start=1):
        record.lines.create(company=company, position=position, item=item, sku=item.sku, description=item.sku,
                            quantity=quantity, quantity_shipped=shipped, unit_price=Decimal("1"))
    return record


def test_an_adjustment_sets_on_hand_and_records_reason_user_and_change(company, user) -> None:
    item = make_item(company, "MUG-1")
    stock_set(item=item, on_hand=12, reason="Stock count", user=user)
    stock_set(item=item, on_hand=9, reason="  Damaged   in storage ", user=None)
    item.refresh_from_db()
    assert item.on_hand == 9
    newest, first = StockMovement.objects.filter(item=item)
    assert (first.kind, first.quantity, first.on_hand_after, first.reason, first.user) == (
        StockMovementKind.ADJUSTMENT, 12, 12, "Stock count", user)
    assert (newest.quantity, newest.on_hand_after, newest.reason, newest.user) == (-3, 9, "Damaged in storage", None)


def test_setting_the_same_figure_records_nothing(company) -> None:
    item = make_item(company, "MUG-1")
    stock_set(item=item, on_hand=5, reason="Count")
    assert stock_set(item=item, on_hand=5, reason="Count again") is None
    assert StockMovement.objects.filter(item=item).count() == 1


@pytest.mark.parametrize("on_hand, reason, message", [
    (-1, "Count", "cannot be negative"),
    (3, "   ", "Give a reason"),
    (3, "x" * 256, "keep it to 255"),
])
def test_bad_adjustments_are_refused_and_change_nothing(company, on_hand, reason, message) -> None:
    item = make_item(company, "MUG-1")
    with pytest.raises(InvalidInput, match=message):
        stock_set(item=item, on_hand=on_hand, reason=reason)
    item.refresh_from_db()
    assert item.on_hand == 0 and not StockMovement.objects.exists()


def test_a_non_stock_item_holds_no_stock(company) -> None:
    item = make_item(company, "EBOOK", item_type=ItemType.NON_STOCK)
    with pytest.raises(InvalidInput, match="only stock items hold stock"):
        stock_set(item=item, on_hand=3, reason="Count")


def test_available_is_on_hand_less_what_pending_sales_have_not_shipped(company) -> None:
    mug, cap = make_item(company, "MUG-1"), make_item(company, "CAP-1")
    stock_set(item=mug, on_hand=20, reason="Count")
    stock_set(item=cap, on_hand=4, reason="Count")
    sell(company, [(mug, 5, 2), (cap, 6, 0)], number="CS-1")
    sale = sell(company, [(mug, 3, 0)], number="CS-2")
    sell(company, [(mug, 7, 0)], number="CN-1", refund_key="refund-1", credited=sale)  # a credit note commits nothing
    levels = {level.sku: level.as_json() for level in stock_levels(company=company)}
    # mug: committed (5 - 2) + 3 = 6; cap: committed 6 of 4 on hand, oversold by 2.
    assert levels == {"CAP-1": {"sku": "CAP-1", "on_hand": 4, "committed": 6, "available": -2},
                      "MUG-1": {"sku": "MUG-1", "on_hand": 20, "committed": 6, "available": 14}}


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_item_stock_set_and_json(company) -> None:
    make_item(company, "MUG-1")
    make_item(company, "EBOOK", item_type=ItemType.NON_STOCK)
    assert run("item", "stock", "--company", company.account_number, "--sku", "MUG-1", "--set", "7",
               "--reason", "Delivery counted") == "MUG-1: on hand 0 -> 7\n"
    movement = StockMovement.objects.get()
    assert (movement.reason, movement.user) == ("Delivery counted", None)
    assert json.loads(run("item", "stock", "--company", company.account_number, "--json")) == [
        {"sku": "MUG-1", "on_hand": 7, "committed": 0, "available": 7}]


@pytest.mark.parametrize("arguments, message", [
    (("--sku", "NOPE", "--set", "1"), "No item has the SKU 'NOPE'"),
    (("--sku", "MUG-1", "--set", "-4"), "cannot be negative"),
    (("--sku", "MUG-1"), "Give --sku and --set together"),
])
def test_item_stock_refusals_exit_2(company, arguments, message) -> None:
    make_item(company, "MUG-1")
    with pytest.raises(CommandError, match=message) as raised:
        run("item", "stock", "--company", company.account_number, *arguments)
    assert raised.value.returncode == 2


def test_item_page_shows_figures_adjusts_and_lists_movements(company, user, merchant_client) -> None:
    item = make_item(company, "MUG-1")
    sell(company, [(item, 2, 0)], number="CS-1")
    response = merchant_client.post(reverse("items:stock_adjust", args=[item.pk]),
                                    {"on_hand": "10", "reason": "Stock count"}, follow=True)
    page = response.content.decode()
    assert '<dd id="on-hand">10</dd>' in page and '<dd id="available">8</dd>' in page
    assert "Stock count" in page and user.email in page
    listing = merchant_client.get(reverse("items:list")).content.decode()
    assert '<td class="number">10</td><td class="number">8</td>' in listing


def test_item_page_refuses_a_negative_count_with_the_reason(company, merchant_client) -> None:
    item = make_item(company, "MUG-1")
    response = merchant_client.post(reverse("items:stock_adjust", args=[item.pk]), {"on_hand": "-2", "reason": "x"})
    assert response.status_code == 400
    assert "cannot be negative" in response.content.decode()
    assert not StockMovement.objects.exists()


def test_another_companys_item_cannot_be_adjusted(company, other_company, merchant_client) -> None:
    theirs = make_item(other_company, "MUG-1")
    response = merchant_client.post(reverse("items:stock_adjust", args=[theirs.pk]), {"on_hand": "5", "reason": "x"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.on_hand == 0


def test_the_item_form_cannot_change_on_hand(company, merchant_client) -> None:
    item = make_item(company, "MUG-1")
    merchant_client.post(reverse("items:detail", args=[item.pk]), {
        "sku": "MUG-1", "unit_price": "1", "unit_of_measure": "Each", "item_type": "stock", "on_hand": "99",
        "income_account": item.income_account_id, "cost_of_goods_sold_account": item.cost_of_goods_sold_account_id,
        "stock_asset_account": item.stock_asset_account_id, "active": "on"})
    item.refresh_from_db()
    assert item.on_hand == 0
