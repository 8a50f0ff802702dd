"""Importing orders as pending transactions, against the sandbox store over real HTTP."""
from __future__ import annotations

import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.utils import timezone

from carts.models import Cart, CartLog, ImportOrdersAs
from carts.platforms.base import OrderRecord
from carts.stores import cart_store_open
from items.models import Item, ItemCartLink
from orders import imports
from orders.imports import orders_import
from orders.listing import orders_list
from orders.models import Customer, SalesTransaction, TransactionLine, TransactionNumberSequence
from orders.results import Outcome
from orders.store_imports import orders_import_listed, orders_import_selected, orders_import_start
from orders.transactions import transaction_delete
from orders.window import CartNotReady
from tests.orders.conftest import api_requests, make_items, order_skus, sandbox_cart

pytestmark = pytest.mark.django_db

EMPTY_SKU_PRODUCT = "empty_sku_product"


def examples(server) -> dict:
    return server.store.examples()


def store_total(server, order_id: int) -> Decimal:
    return Decimal(server.store.order(order_id).order["total_inc_tax"])


def outcome_of(result, order_id: int):
    return next(entry for entry in result.outcomes if entry.order_id == order_id)


def payload(cart, order_id: int) -> OrderRecord:
    """The order as the store serves it with its lines, for feeding orders_import directly."""
    with cart_store_open(cart=cart) as store:
        return next(store.orders_by_id([order_id]))


def link_product_without_sku(cart, server) -> Item:
    """An item linked to every variant of the catalog's product that has no SKU, as an items import could not."""
    product_id = examples(server)[EMPTY_SKU_PRODUCT]
    linked = make_items(cart.company, ["NO-SKU-IN-CART"])[0]
    for variant in server.store.catalog.product(product_id).variants:
        ItemCartLink.objects.create(company=cart.company, cart=cart, item=linked, product_id=product_id, variant_id=variant.id)
    return linked


def test_every_awkward_order_imports_with_the_store_total_to_the_cent(cart, store) -> None:
    named = {kind: order_id for kind, order_id in examples(store).items() if kind.endswith("order") or kind == "order_120_lines"}
    make_items(cart.company, order_skus(store, *named.values()))
    link_product_without_sku(cart, store)
    result = orders_import_selected(cart=cart, order_ids=list(named.values()))
    refused = {entry.order_id: entry.reason for entry in result.refused}
    assert list(refused) == [named["archived_order"]]  # archived orders are not served by GET /v2/orders
    assert "deleted or archived" in refused[named["archived_order"]]
    for kind, order_id in named.items():
        if order_id in refused:
            continue
        record = SalesTransaction.objects.sales().get(cart=cart, cart_order_id=order_id)
        assert record.total == store_total(store, order_id), kind
        assert record.subtotal + record.charges_total - record.discounts_total == record.total, kind
        assert record.lines.count() == len(store.store.order(order_id).lines), kind
        assert record.tax_total == Decimal(store.store.order(order_id).order["total_tax"]), kind
    assert SalesTransaction.objects.get(cart_order_id=named["order_120_lines"]).lines.count() == 120
    assert SalesTransaction.objects.get(cart_order_id=named["other_currency_order"]).currency == "EUR"
    assert SalesTransaction.objects.get(cart_order_id=named["gift_certificate_order"]).payments.count() == 2
    for kind in ("refunded_order", "partially_refunded_order"):  # the sale, and a credit note for what was refunded
        sale = SalesTransaction.objects.sales().get(cart_order_id=named[kind])
        [credit_note] = sale.credit_notes.all()
        refunded = Decimal(store.store.order(named[kind]).order["refunded_amount"])
        assert (credit_note.total, sale.refunded_total) == (refunded, refunded), kind


def test_a_line_without_sku_or_linked_item_refuses_the_order_naming_the_product(cart, store) -> None:
    big_order = examples(store)["order_120_lines"]
    make_items(cart.company, order_skus(store, big_order))
    result = orders_import_selected(cart=cart, order_ids=[big_order])
    product_name = store.store.catalog.product(examples(store)[EMPTY_SKU_PRODUCT]).name
    assert result.refused[0].reason.startswith(f"its line for {product_name} has no SKU and no item is linked")
    link_product_without_sku(cart, store)
    assert orders_import_selected(cart=cart, order_ids=[big_order]).outcomes[0].outcome == Outcome.IMPORTED


def test_the_link_to_a_cart_variant_wins_over_a_sku_match_while_the_cart_sku_is_unchanged(cart, store) -> None:
    order_id = examples(store)["registered_customer_order"]
    line = store.store.order(order_id).lines[0]
    by_sku, linked = make_items(cart.company, [line["sku"], "RENAMED-HERE"])
    # Imported when the cart had the line's SKU, then renamed here: the link records the cart's SKU, as an import does.
    ItemCartLink.objects.create(company=cart.company, cart=cart, item=linked, product_id=line["product_id"],
                                variant_id=line["variant_id"], cart_sku=line["sku"].strip())
    orders_import_selected(cart=cart, order_ids=[order_id])
    assert TransactionLine.objects.get(cart_line_id=line["id"]).item == linked
    assert by_sku.transaction_lines.count() == 0


def test_importing_again_reports_already_imported_and_creates_nothing(cart, store) -> None:
    ids = [examples(store)["coupon_order"], examples(store)["wrapping_order"]]
    make_items(cart.company, order_skus(store, *ids))
    first = orders_import_selected(cart=cart, order_ids=ids)
    assert [entry.outcome for entry in first.outcomes] == [Outcome.IMPORTED, Outcome.IMPORTED]
    again = orders_import_selected(cart=cart, order_ids=ids)
    assert [entry.outcome for entry in again.outcomes] == [Outcome.ALREADY_IMPORTED, Outcome.ALREADY_IMPORTED]
    assert [entry.transaction_number for entry in again.outcomes] == ["CS-000001", "CS-000002"]
    assert SalesTransaction.objects.count() == 2 and Customer.objects.count() == 2  # two shoppers
    assert TransactionNumberSequence.objects.get().last_number == 2


def test_the_database_constraint_keeps_an_order_single_when_the_early_check_misses_it(cart, store) -> None:
    order_id = examples(store)["coupon_order"]
    make_items(cart.company, order_skus(store, order_id))
    orders_import_selected(cart=cart, order_ids=[order_id])
    # As when another import commits between our check and our insert.
    with mock.patch.object(imports, "transactions_by_cart_order", return_value={}):
        result = orders_import_selected(cart=cart, order_ids=[order_id])
    assert result.outcomes[0].outcome == Outcome.ALREADY_IMPORTED
    assert result.outcomes[0].transaction_number == "CS-000001"
    assert SalesTransaction.objects.count() == 1
    assert TransactionNumberSequence.objects.get().last_number == 1  # the failed attempt's number was rolled back


def test_an_order_is_all_or_nothing(cart, store) -> None:
    ids = [examples(store)["coupon_order"], examples(store)["automatic_discount_order"]]
    cart.create_missing_items = True
    cart.save()
    with mock.patch.object(TransactionLine.objects, "bulk_create", side_effect=RuntimeError("disk full")):
        with pytest.raises(RuntimeError):
            orders_import_selected(cart=cart, order_ids=ids[:1])
    assert not SalesTransaction.objects.exists() and not Customer.objects.exists() and not Item.objects.exists()
    assert not TransactionNumberSequence.objects.filter(last_number__gt=0).exists()
    result = orders_import_selected(cart=cart, order_ids=ids)
    assert [entry.transaction_number for entry in result.imported] == ["CS-000001", "CS-000002"]


def test_orders_of_a_span_of_ids_come_with_their_lines_in_one_request(cart, store) -> None:
    ids = [examples(store)[kind] for kind in ("guest_order", "coupon_order", "wrapping_order", "multiple_addresses_order")]
    make_items(cart.company, order_skus(store, *ids))
    store.store.reset_stats()
    result = orders_import_selected(cart=cart, order_ids=ids)
    assert len(result.imported) == 4
    assert api_requests(store) == 1
    assert result.api_requests == 1
    assert CartLog.objects.get(cart=cart).api_requests == 1


def test_ids_far_apart_cost_one_request_per_span(cart, store) -> None:
    with mock.patch("carts.platforms.bigcommerce.client.BigCommerceClient.get_orders_page", autospec=True, return_value=[]) as page:
        result = orders_import_selected(cart=cart, order_ids=[100, 101, 349, 350, 2000])
    spans = [(call.args[1].min_id, call.args[1].max_id) for call in page.call_args_list]
    assert spans == [(100, 349), (350, 350), (2000, 2000)]
    assert all("store has no such order" in entry.reason for entry in result.refused)


def test_lines_matching_no_item_refuse_the_order_naming_the_skus_and_the_others_still_import(cart, store) -> None:
    missing_order, good_order = examples(store)["multiple_addresses_order"], examples(store)["coupon_order"]
    skus = order_skus(store, missing_order)
    make_items(cart.company, order_skus(store, good_order) + skus[1:])
    result = orders_import_selected(cart=cart, order_ids=[missing_order, good_order])
    refused = outcome_of(result, missing_order)
    assert refused.outcome == Outcome.REFUSED
    assert f"no item matches its SKU {skus[0]}" in refused.reason and "Create missing items" in refused.reason
    assert [item.sku for item in refused.missing_items] == [skus[0]]
    assert refused.missing_items[0].product_id and refused.missing_items[0].variant_id
    assert outcome_of(result, good_order).outcome == Outcome.IMPORTED
    assert not SalesTransaction.objects.filter(cart_order_id=missing_order).exists()
    log = CartLog.objects.get(cart=cart)
    assert log.status == "partial" and log.failures[0]["reference"] == f"Order {missing_order}"


def test_create_missing_items_makes_them_with_the_accounting_defaults(company, store) -> None:
    cart = sandbox_cart(company, store, create_missing_items=True)
    order_id = examples(store)["deleted_product_order"]  # its product is no longer in the catalog
    line = store.store.order(order_id).lines[0]
    result = orders_import_selected(cart=cart, order_ids=[order_id])
    assert result.created_item_skus == [line["sku"]]
    item = Item.objects.get(company=company, sku=line["sku"])
    assert (item.description, item.unit_price, item.unit_of_measure) == (line["name"], Decimal(line["base_price"]), "Each")
    assert item.income_account.name == "Sales" and item.stock_asset_account.name == "Stock Asset"
    assert SalesTransaction.objects.get(cart_order_id=order_id).lines.get().item == item


def test_customers_are_matched_by_email_within_the_company_whatever_its_case(company, other_company, store) -> None:
    cart = sandbox_cart(company, store)
    order_id = examples(store)["coupon_order"]
    email = store.store.order(order_id).order["billing_address"]["email"]
    existing = Customer.objects.create(company=company, name="Known Customer", email=email.lower())
    Customer.objects.create(company=other_company, name="Someone else's", email=email.lower())
    make_items(company, order_skus(store, order_id))
    incoming = payload(cart, order_id)
    incoming.payload["billing_address"]["email"] = email.upper()
    orders_import(cart=cart, orders=[incoming])
    assert SalesTransaction.objects.get(cart_order_id=order_id).customer == existing
    assert Customer.objects.filter(company=company).count() == 1


def test_a_new_customer_takes_name_company_phone_and_billing_address(cart, store) -> None:
    order_id = examples(store)["guest_order"]  # customer_id 0
    make_items(cart.company, order_skus(store, order_id))
    orders_import_selected(cart=cart, order_ids=[order_id])
    billing = store.store.order(order_id).order["billing_address"]
    customer = SalesTransaction.objects.get(cart_order_id=order_id).customer
    assert customer.name == f"{billing['first_name']} {billing['last_name']}"
    assert (customer.email, customer.phone) == (billing["email"], billing["phone"])
    assert customer.billing_address["street_1"] == billing["street_1"]


def test_an_order_without_email_goes_to_the_web_customer_named_in_the_cart(company, store) -> None:
    cart = sandbox_cart(company, store, web_customer_name="Shopify Walk-ins")
    order_id = examples(store)["coupon_order"]
    make_items(company, order_skus(store, order_id))
    incoming = payload(cart, order_id)
    incoming.payload["billing_address"]["email"] = ""
    orders_import(cart=cart, orders=[incoming])
    customer = SalesTransaction.objects.get(cart_order_id=order_id).customer
    assert (customer.name, customer.email) == ("Shopify Walk-ins", "")


def test_transactions_are_numbered_per_company_and_type(company, other_company, store) -> None:
    ids = [examples(store)[kind] for kind in ("coupon_order", "wrapping_order", "automatic_discount_order")]
    # A store's order is imported once per company, so the company's second cart imports other orders.
    other_ids = [examples(store)[kind] for kind in ("guest_order", "shipping_handling_order", "manual_discount_order")]
    carts = [sandbox_cart(company, store, name="As sales orders", import_as=ImportOrdersAs.SALES_ORDER),
             sandbox_cart(company, store, name="As invoices", import_as=ImportOrdersAs.INVOICE),
             sandbox_cart(other_company, store, name="Other company", import_as=ImportOrdersAs.SALES_ORDER)]
    make_items(company, order_skus(store, *ids, *other_ids))
    make_items(other_company, order_skus(store, *ids))
    for cart, wanted in zip(carts, (ids, other_ids, ids)):
        orders_import_selected(cart=cart, order_ids=wanted)
    numbers = {cart.name: list(SalesTransaction.objects.filter(cart=cart).order_by("number").values_list("number", flat=True))
               for cart in carts}
    assert numbers == {"As sales orders": ["SO-000001", "SO-000002", "SO-000003"],
                       "As invoices": ["INV-000001", "INV-000002", "INV-000003"],
                       "Other company": ["SO-000001", "SO-000002", "SO-000003"]}


def test_orders_outside_the_cart_statuses_or_dates_are_refused_with_the_setting_to_change(company, store) -> None:
    awaiting = 11
    cart = sandbox_cart(company, store, import_status_ids=(awaiting,), import_orders_from=datetime.date(2026, 5, 1))
    completed_order = examples(store)["automatic_discount_order"]
    old_awaiting = examples(store)["order_120_lines"]  # awaiting fulfillment, December 2025
    result = orders_import_selected(cart=cart, order_ids=[completed_order, old_awaiting])
    assert "status in the store is Completed, which is not one of the cart's 'Import Orders with Status'" in (
        outcome_of(result, completed_order).reason)
    assert "before the cart's 'Import orders from' date (2026-05-01)" in outcome_of(result, old_awaiting).reason


def test_deleting_a_transaction_lets_its_order_be_imported_again(cart, store) -> None:
    order_id = examples(store)["coupon_order"]
    make_items(cart.company, order_skus(store, order_id))
    orders_import_selected(cart=cart, order_ids=[order_id])
    transaction_delete(record=SalesTransaction.objects.get(cart_order_id=order_id))
    assert not TransactionLine.objects.exists()
    again = orders_import_selected(cart=cart, order_ids=[order_id])
    assert again.outcomes[0].outcome == Outcome.IMPORTED and again.outcomes[0].transaction_number == "CS-000002"


def test_a_store_that_stops_answering_stops_the_import_with_the_reason(cart, store, settings) -> None:
    settings.BIGCOMMERCE_MAX_ATTEMPTS = 1
    store.store.set_faults("server_error=1.0")
    try:
        result = orders_import_selected(cart=cart, order_ids=[100, 101])
    finally:
        store.store.set_faults("")
    assert not result.outcomes and "server error" in result.stopped_reason
    log = CartLog.objects.get(cart=cart)
    assert log.status == "failed" and log.failures[0]["reference"] == "Store"


def test_a_cart_without_statuses_cannot_list_or_import(company, store) -> None:
    cart = sandbox_cart(company, store, import_status_ids=())
    with pytest.raises(CartNotReady, match="'Import Orders with Status' is set"):
        orders_list(cart=cart)
    result = orders_import_selected(cart=cart, order_ids=[100])
    assert "'Import Orders with Status' is set" in result.stopped_reason
    assert api_requests(store) == 0


def test_the_list_shows_the_cart_statuses_newest_first_with_what_is_imported(company, store) -> None:
    awaiting, completed = 11, 10
    cart = sandbox_cart(company, store, import_status_ids=(awaiting, completed))
    statuses = store.store.orders.status_ids
    expected = sorted((100 + position for position, status in enumerate(statuses) if status in (awaiting, completed)),
                      reverse=True)
    imported_id = examples(store)["automatic_discount_order"]
    make_items(company, order_skus(store, imported_id))
    orders_import_selected(cart=cart, order_ids=[imported_id])
    store.store.reset_stats()
    page = orders_list(cart=cart, page_size=3)
    assert [row.summary.order_id for row in page.rows] == expected[:3]
    assert page.total == len(expected) and page.older_than == expected[2]
    assert api_requests(store) == 3  # the count, and one page per status
    older = orders_list(cart=cart, older_than=page.older_than, page_size=50)
    assert [row.summary.order_id for row in older.rows] == expected[3:] and older.older_than is None
    row = next(row for row in page.rows + older.rows if row.summary.order_id == imported_id)
    assert row.transaction.number == "CS-000001"


def test_a_cart_stored_with_a_status_twice_lists_and_imports_each_order_once(company, store) -> None:
    awaiting = 11
    cart = sandbox_cart(company, store, import_status_ids=(awaiting,))
    Cart.objects.filter(pk=cart.pk).update(import_status_ids=[awaiting, str(awaiting), awaiting])  # as older saves left it
    cart.refresh_from_db()
    expected = sorted((100 + position for position, status in enumerate(store.store.orders.status_ids)
                       if status == awaiting), reverse=True)
    page = orders_list(cart=cart, page_size=50)
    assert [row.summary.order_id for row in page.rows] == expected and page.total == len(expected)
    assert cart.import_status_labels == ["Awaiting Fulfillment"]
    result = orders_import_listed(cart=cart)
    assert sorted(entry.order_id for entry in result.outcomes) == sorted(expected)


def test_import_all_listed_runs_in_the_background_with_its_progress_logged(
    company, fresh_store, eager_celery, django_capture_on_commit_callbacks
) -> None:
    cart = sandbox_cart(company, fresh_store, import_status_ids=(11,), import_orders_from=timezone.now().date())
    product = fresh_store.store.catalog.product(examples(fresh_store)["simple_product"])
    placed = [fresh_store.store.place_order(lines=[(product.id, product.variants[0].id, quantity)], email=f"buyer{quantity}@example.com")
              for quantity in (1, 2, 3)]
    make_items(company, [product.variants[0].sku])
    with django_capture_on_commit_callbacks(execute=True):
        log = orders_import_start(cart=cart, order_ids=None)
    log.refresh_from_db()
    assert log.status == "succeeded" and log.counts["imported"] == 3
    assert (log.progress_done, log.progress_total) == (3, 3)
    assert log.api_requests == 2  # the count, and one page of orders with their lines
    assert sorted(SalesTransaction.objects.values_list("cart_order_id", flat=True)) == placed


def test_import_listed_imports_what_the_tab_lists_in_pages(company, fresh_store) -> None:
    cart = sandbox_cart(company, fresh_store, import_status_ids=(11,), import_orders_from=timezone.now().date())
    product = fresh_store.store.catalog.product(examples(fresh_store)["simple_product"])
    for _ in range(4):
        fresh_store.store.place_order(lines=[(product.id, product.variants[0].id, 1)])
    make_items(company, [product.variants[0].sku])
    with mock.patch.object(imports, "IMPORT_BATCH_SIZE", 3):
        result = orders_import_listed(cart=cart)
    assert len(result.imported) == 4 and result.succeeded
    assert Customer.objects.count() == 1  # the same shopper's four orders


def test_many_selected_orders_import_in_the_background_counting_the_selection(
    cart, store, eager_celery, django_capture_on_commit_callbacks
) -> None:
    ids = [examples(store)[kind] for kind in ("coupon_order", "wrapping_order")]
    make_items(cart.company, order_skus(store, *ids))
    with django_capture_on_commit_callbacks(execute=True):
        log = orders_import_start(cart=cart, order_ids=ids + [ids[0]])
    log.refresh_from_db()
    assert (log.status, log.progress_done, log.progress_total) == ("succeeded", 2, 2)
    assert SalesTransaction.objects.filter(cart=cart).count() == 2


def test_a_redelivered_task_for_a_finished_import_does_nothing(cart, store) -> None:
    from orders.tasks import orders_import_task

    log = CartLog.objects.create(company=cart.company, cart=cart, kind="orders_import", status="succeeded")
    orders_import_task(log.pk, [examples(store)["coupon_order"]])
    assert api_requests(store) == 0 and not SalesTransaction.objects.exists()
