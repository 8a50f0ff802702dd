"""Stock push against the sandbox store over real HTTP: only changed levels, batched absolute adjustments,
variants the store cannot take listed with the reason, a level changed in the store named before it is overwritten."""
from __future__ import annotations

import dataclasses
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from carts.models import CartLog, CartLogKind, CartLogStatus
from items.cart_import import CatalogSelection, cart_items_import
from items.models import Item, ItemCartLink
from items.stock import stock_set
from items.stock_push import cart_stock_push
from tests.items.conftest import api_requests

pytestmark = pytest.mark.django_db

# The sandbox (seed 7): product 1 tracks one level (a single variant), product 13 tracks per variant,
# product 5 tracks nothing, product 3 tracks one level for its 6 variants.
SKUS = ("TOTEB-00001", "APRON-00013-RED", "APRON-00013-BLU", "BOWL-00005", "MUG-00003-RED")


def product_level(store, product_id: int) -> int:
    catalog = store.store.catalog
    return store.store.inventory.product_level(catalog.product(product_id))


def variant_level(store, product_id: int, variant_id: int) -> int:
    product = store.store.catalog.product(product_id)
    return store.store.inventory.variant_level(product, next(v for v in product.variants if v.id == variant_id))


@pytest.fixture
def linked(cart, company):
    cart_items_import(cart=cart, selection=CatalogSelection(skus=SKUS))
    items = {item.sku: item for item in Item.objects.filter(company=company)}
    assert set(items) == set(SKUS)
    return items


def set_on_hand(items, **levels) -> None:
    for sku, on_hand in levels.items():
        stock_set(item=items[sku.replace("_", "-")], on_hand=on_hand, reason="Count")


def test_a_push_sets_changed_levels_lists_what_the_store_cannot_take_and_never_changes_tracking(cart, store, linked):
    store_blue = variant_level(store, 13, 155)
    set_on_hand(linked, TOTEB_00001=5, APRON_00013_RED=10, APRON_00013_BLU=store_blue, BOWL_00005=3,
                MUG_00003_RED=4)
    log = cart_stock_push(cart=cart)
    assert log.counts == {"changed": 5, "pushed": 2, "already_in_store": 1, "not_settable": 2, "changed_in_store": 0,
                          "refused": 0, "adjustment_requests": 1}
    assert log.status == CartLogStatus.PARTIAL
    assert product_level(store, 1) == 5 and variant_level(store, 13, 154) == 10
    assert store.store.catalog.product(5).inventory_tracking == "none"  # never switched on
    reasons = {failure["reference"].split()[1]: failure["reason"] for failure in log.failures}
    assert "does not track inventory" in reasons["BOWL-00005"]
    assert "shared by its 6 variants" in reasons["MUG-00003-RED"]
    adjustment = store.store.inventory.snapshot()[-1]
    assert adjustment.source == "api" and {change.after for change in adjustment.changes} == {5, 10}


def test_a_push_with_nothing_changed_asks_the_store_nothing(cart, store, linked):
    settable = Item.objects.filter(sku__in=("TOTEB-00001", "APRON-00013-RED", "APRON-00013-BLU"))
    ItemCartLink.objects.exclude(item__in=settable).delete()  # those the store cannot take: the next test's
    set_on_hand(linked, APRON_00013_RED=10)
    cart_stock_push(cart=cart)
    before = api_requests(store)
    assert cart_stock_push(cart=cart, only_if_changed=True) is None
    log = cart_stock_push(cart=cart)
    assert log.summary == "Stock push: no level changed since the last push; nothing was sent."
    assert api_requests(store) == before and log.api_requests == 0


def test_push_stock_now_tries_again_a_variant_it_could_not_set_once_the_store_tracks_it(cart, store, linked,
                                                                                        monkeypatch):
    """The log told the merchant BOWL-00005's product tracks no inventory; they turn tracking on, push again."""
    set_on_hand(linked, BOWL_00005=3)
    first = cart_stock_push(cart=cart)
    assert "BOWL-00005" in str(first.failures)
    assert cart_stock_push(cart=cart, only_if_changed=True) is None  # a pass does not ask again on its own

    catalog = store.store.catalog
    generated = catalog.product
    monkeypatch.setattr(catalog, "product", lambda product_id: dataclasses.replace(
        generated(product_id), inventory_tracking="product") if product_id == 5 else generated(product_id))
    again = cart_stock_push(cart=cart)
    assert product_level(store, 5) == 3 and again.counts["pushed"] == 1
    assert "BOWL-00005" not in str(again.failures)
    assert ItemCartLink.objects.get(item=linked["BOWL-00005"]).push_note == ""


def test_a_level_changed_in_the_store_since_the_last_push_is_named_before_it_is_overwritten(cart, store, linked):
    set_on_hand(linked, APRON_00013_RED=10)
    cart_stock_push(cart=cart)
    store.store.adjust_inventory([{"location_id": 1, "variant_id": 154, "quantity": 8}], reason="Shelf", source="admin")
    set_on_hand(linked, APRON_00013_RED=12)
    log = cart_stock_push(cart=cart)
    assert log.counts["changed_in_store"] == 1 and log.counts["pushed"] == 1
    (named,) = [failure for failure in log.failures if "APRON-00013-RED" in failure["reference"]]
    assert "the store's level was 8, not the 10 last pushed" in named["reason"] and "set to 12" in named["reason"]
    assert variant_level(store, 13, 154) == 12


def test_the_level_is_available_never_below_zero(cart, store, linked):
    set_on_hand(linked, APRON_00013_RED=0)
    ItemCartLink.objects.filter(item=linked["APRON-00013-RED"]).update(pushed_quantity=5)  # pushed 5 before
    cart_stock_push(cart=cart)
    assert variant_level(store, 13, 154) == 0


def test_cart_push_stock_prints_the_counts(cart, store, linked, company):
    set_on_hand(linked, APRON_00013_RED=9)
    out = StringIO()
    call_command("cart", "push-stock", "Sandbox Store", "--company", company.account_number, stdout=out)
    lines = out.getvalue().splitlines()
    # A first push sets every linked variant the store can take: the two at 0 on hand too.
    assert lines[0] == ("Stock push: 5 levels changed, 3 set in the store (1 request), 0 already right, "
                        "2 not tracked by variant in the store.")
    assert "pushed: 3" in lines[1]
    assert variant_level(store, 13, 154) == 9


def test_push_stock_now_runs_on_the_worker_and_the_tab_shows_its_summary(cart, store, linked, merchant_client,
                                                                          eager_celery, django_capture_on_commit_callbacks):
    set_on_hand(linked, APRON_00013_RED=6)
    with django_capture_on_commit_callbacks(execute=True):
        response = merchant_client.post(reverse("sync:cart_stock_push", args=[cart.pk]))
    assert response.status_code == 302
    log = CartLog.objects.get(cart=cart, kind=CartLogKind.STOCK_PUSH)
    assert log.counts["pushed"] == 3 and variant_level(store, 13, 154) == 6
    page = merchant_client.get(reverse("sync:cart_sync", args=[cart.pk])).content.decode()
    assert "3 set in the store" in page and "does not track inventory" in page


def test_an_auto_sync_pass_pushes_when_the_setting_is_on(cart, store, linked):
    import datetime

    from sync.passes import cart_sync_pass

    cart.push_stock, cart.import_status_ids = True, [11]
    cart.import_orders_from = datetime.date(2000, 1, 1)
    cart.save()
    set_on_hand(linked, APRON_00013_RED=3)
    cart_sync_pass(cart_id=cart.pk, scheduled=False)
    assert variant_level(store, 13, 154) == 3
    assert CartLog.objects.filter(cart=cart, kind=CartLogKind.STOCK_PUSH).count() == 1
    cart_sync_pass(cart_id=cart.pk, scheduled=False)  # nothing changed: no entry, no request
    assert CartLog.objects.filter(cart=cart, kind=CartLogKind.STOCK_PUSH).count() == 1
