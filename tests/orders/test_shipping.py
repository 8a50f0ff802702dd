"""Ship: a pending sale from a cart order becomes the store's shipment exactly once; stock on hand goes down."""
from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from carts.platforms.base import InvalidInput
from carts.platforms.bigcommerce.adapter import BigCommerceSession
from carts.platforms.bigcommerce.errors import NetworkError
from items.models import Item, StockMovement, StockMovementKind
from items.stock import stock_levels, stock_set
from orders.models import SalesTransaction, Shipment, ShipmentState
from orders.shipping import cart_shipments_send_pending, order_ship, shipment_send
from orders.store_imports import orders_import_selected
from tests.orders.conftest import run_together, sandbox_cart

pytestmark = pytest.mark.django_db(transaction=True)

SHIPPED, PARTIALLY_SHIPPED = 2, 3  # orders.v2.oas2.yml's standard statuses


@pytest.fixture
def sale(company, fresh_store):
    """A pending sale of 3 units of a variant (10 on hand), imported from a new order in the sandbox store."""
    catalog = fresh_store.store.catalog
    product = catalog.product(13)  # two variants, tracked by variant, physical
    order_id = fresh_store.store.place_order(lines=[(product.id, product.variants[0].id, 3)], email="shopper@example.com")
    cart = sandbox_cart(fresh_store_company := company, fresh_store, create_missing_items=True)
    result = orders_import_selected(cart=cart, order_ids=[order_id])
    assert result.imported, result
    record = SalesTransaction.objects.get(cart=cart, cart_order_id=order_id)
    stock_set(item=record.lines.get().item, on_hand=10, reason="Count")
    assert fresh_store_company == record.company
    return record


def store_shipments(store, record) -> list[dict]:
    return store.store.shipments_of(record.cart_order_id)


def test_a_partial_then_the_rest_each_create_one_store_shipment_and_move_the_status(sale, fresh_store):
    line = sale.lines.get()
    (first,) = order_ship(record=sale, carrier="UPS", tracking_number="1Z999", lines={line.sku: 1})
    assert first.state == ShipmentState.POSTED
    shipped = store_shipments(fresh_store, sale)
    assert [(s["id"], s["tracking_number"], s["shipping_provider"], s["items"][0]["quantity"]) for s in shipped] == [
        (first.store_shipment_id, "1Z999", "ups", 1)]
    assert fresh_store.store.order(sale.cart_order_id).order["status_id"] == PARTIALLY_SHIPPED
    line.refresh_from_db()
    assert line.quantity_shipped == 1
    (level,) = stock_levels(company=sale.company, skus=[line.sku])
    assert (level.on_hand, level.committed, level.available) == (9, 2, 7)  # 10 - 1 shipped; 3 - 1 still to ship
    movement = StockMovement.objects.filter(item=line.item).first()
    assert (movement.kind, movement.quantity, movement.reference) == (StockMovementKind.SHIPMENT, -1, first.key)

    (rest,) = order_ship(record=sale, carrier="DHL Express", tracking_number="JD014600")
    assert len(store_shipments(fresh_store, sale)) == 2
    assert store_shipments(fresh_store, sale)[1]["tracking_carrier"] == "dhl-express"
    assert fresh_store.store.order(sale.cart_order_id).order["status_id"] == SHIPPED
    assert Item.objects.get(pk=line.item_id).on_hand == 7

    with pytest.raises(InvalidInput, match="Nothing is left to ship"):
        order_ship(record=sale, carrier="UPS", tracking_number="1Z1000")


def test_more_than_is_left_to_ship_is_refused_and_nothing_is_recorded(sale, fresh_store):
    sku = sale.lines.get().sku
    with pytest.raises(InvalidInput, match=f"SKU {sku}: 3 left to ship .*so 4 cannot be shipped"):
        order_ship(record=sale, carrier="UPS", tracking_number="1Z999", lines={sku: 4})
    with pytest.raises(InvalidInput, match="SKU NOPE is not on this sale"):
        order_ship(record=sale, carrier="UPS", tracking_number="1Z999", lines={"NOPE": 1})
    assert not Shipment.objects.exists() and store_shipments(fresh_store, sale) == []
    assert Item.objects.get(sku=sku, company=sale.company).on_hand == 10


@pytest.mark.parametrize("store_applied_it", [True, False], ids=["created-then-answer-lost", "lost-before-the-store"])
def test_a_lost_answer_is_looked_up_before_sending_again_so_the_store_has_it_once(sale, fresh_store, monkeypatch,
                                                                                    store_applied_it):
    real_create = BigCommerceSession.shipment_create

    def timed_out(self, shipment):
        if store_applied_it:
            real_create(self, shipment)
        raise NetworkError("BigCommerce did not answer in time.", path="/orders/shipments")

    monkeypatch.setattr(BigCommerceSession, "shipment_create", timed_out)
    (shipment,) = order_ship(record=sale, carrier="UPS", tracking_number="1Z999")
    assert shipment.state == ShipmentState.UNCERTAIN and "did not answer" in shipment.note
    monkeypatch.setattr(BigCommerceSession, "shipment_create", real_create)

    assert cart_shipments_send_pending(cart_id=sale.cart_id) == 1
    assert cart_shipments_send_pending(cart_id=sale.cart_id) == 0
    shipped = store_shipments(fresh_store, sale)
    assert len(shipped) == 1
    shipment.refresh_from_db()
    assert (shipment.state, shipment.store_shipment_id) == (ShipmentState.POSTED, shipped[0]["id"])


def test_a_lost_parcel_alike_to_one_already_sent_is_sent_not_taken_for_it(sale, fresh_store, monkeypatch):
    """Two parcels of one line under one tracking number: the second's lost answer is not the first's shipment."""
    line = sale.lines.get()
    (first,) = order_ship(record=sale, carrier="UPS", tracking_number="1Z999", lines={line.sku: 1})
    monkeypatch.setattr(BigCommerceSession, "shipment_create",
                        lambda self, shipment: (_ for _ in ()).throw(NetworkError("lost", path="/")))
    (second,) = order_ship(record=sale, carrier="UPS", tracking_number="1Z999", lines={line.sku: 1})
    monkeypatch.undo()
    assert (first.state, second.state) == (ShipmentState.POSTED, ShipmentState.UNCERTAIN)

    assert cart_shipments_send_pending(cart_id=sale.cart_id) == 1
    second.refresh_from_db()
    shipped = store_shipments(fresh_store, sale)
    assert [entry["id"] for entry in shipped] == [first.store_shipment_id, second.store_shipment_id]
    assert second.store_shipment_id != first.store_shipment_id and second.state == ShipmentState.POSTED


def test_two_workers_sending_one_record_create_one_store_shipment(sale, fresh_store, monkeypatch):
    monkeypatch.setattr(BigCommerceSession, "shipment_create",
                        lambda self, shipment: (_ for _ in ()).throw(NetworkError("lost", path="/")))
    (shipment,) = order_ship(record=sale, carrier="UPS", tracking_number="1Z999")  # recorded, answer lost
    monkeypatch.undo()
    from carts.stores import cart_store_open

    def send():
        with cart_store_open(cart=sale.cart) as store:
            return shipment_send(shipment=Shipment.objects.get(pk=shipment.pk), store=store).state

    states = run_together([send, send, send, send])
    assert ShipmentState.POSTED in states
    assert len(store_shipments(fresh_store, sale)) == 1


def test_a_shipment_the_store_refuses_is_undone_with_its_reason(sale, fresh_store):
    fresh_store.store.set_order_status(sale.cart_order_id, 5)  # cancelled in the store meanwhile
    (shipment,) = order_ship(record=sale, carrier="UPS", tracking_number="1Z999")
    assert shipment.state == ShipmentState.REFUSED and "Cancelled" in shipment.note
    line = sale.lines.get()
    assert line.quantity_shipped == 0 and line.item.on_hand == 10


def test_order_ship_prints_the_store_shipment_id_or_exits_2(sale, fresh_store, company):
    out = StringIO()
    sku = sale.lines.get().sku
    call_command("order", "ship", sale.number, "--company", company.account_number, "--carrier", "USPS",
                 "--tracking", "9400100000000000000000", "--line", f"{sku}:2", stdout=out)
    assert out.getvalue().split() == [str(store_shipments(fresh_store, sale)[0]["id"])]
    with pytest.raises(CommandError, match="1 left to ship") as refused:
        call_command("order", "ship", sale.number, "--company", company.account_number, "--carrier", "USPS",
                     "--tracking", "X1", "--line", f"{sku}:5")
    assert refused.value.returncode == 2


def test_the_transaction_page_ships_and_lists_the_shipments(sale, fresh_store, merchant_client):
    line = sale.lines.get()
    response = merchant_client.post(reverse("orders:transaction_ship", args=[sale.pk]), {
        "carrier": "UPS", "tracking_number": "1Z5", f"line-{line.pk}": "2"}, follow=True)
    page = response.content.decode()
    shipped = store_shipments(fresh_store, sale)
    assert len(shipped) == 1 and shipped[0]["items"][0]["quantity"] == 2
    assert "1Z5" in page and str(shipped[0]["id"]) in page


def test_an_auto_sync_pass_sends_a_shipment_whose_answer_was_lost(sale, fresh_store, monkeypatch):
    import datetime

    from carts.models import Cart
    from sync.passes import cart_sync_pass

    monkeypatch.setattr(BigCommerceSession, "shipment_create",
                        lambda self, shipment: (_ for _ in ()).throw(NetworkError("lost", path="/")))
    (shipment,) = order_ship(record=sale, carrier="UPS", tracking_number="1Z999")
    monkeypatch.undo()
    Cart.objects.filter(pk=sale.cart_id).update(import_orders_from=datetime.date(2000, 1, 1))
    cart_sync_pass(cart_id=sale.cart_id, scheduled=False)
    shipment.refresh_from_db()
    assert shipment.state == ShipmentState.POSTED and len(store_shipments(fresh_store, sale)) == 1
