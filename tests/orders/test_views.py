"""The Orders (Cart) tab and Sales > Sales Orders, as a merchant uses them (the guide's Test Order section)."""
from __future__ import annotations

import datetime
import html
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from carts.models import CartLog, ImportOrdersAs
from items.models import Item
from orders.models import Customer, SalesTransaction
from orders.store_imports import SYNCHRONOUS_IMPORT_LIMIT, orders_import_selected
from tests.orders.conftest import make_items, order_skus, sandbox_cart

pytestmark = pytest.mark.django_db


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def tab(cart) -> str:
    return reverse("orders:cart_orders", args=[cart.pk])


def imported(cart, store, kind: str) -> SalesTransaction:
    order_id = store.store.examples()[kind]
    make_items(cart.company, order_skus(store, order_id))
    orders_import_selected(cart=cart, order_ids=[order_id])
    return SalesTransaction.objects.get(cart=cart, cart_order_id=order_id)


def test_the_cart_header_links_the_orders_tab(merchant_client, cart) -> None:
    response = merchant_client.get(reverse("carts:detail", args=[cart.pk]))
    assert f'href="{tab(cart)}"' in response.content.decode()


def test_without_a_status_the_tab_says_orders_cannot_be_listed_and_links_the_setting(merchant_client, company, store) -> None:
    cart = sandbox_cart(company, store, import_status_ids=())
    response = merchant_client.get(tab(cart) + "?list=1")
    text = page_text(response)
    assert "Orders cannot be listed until 'Import Orders with Status' is set" in text
    assert f'href="{reverse("carts:detail", args=[cart.pk])}#field-import_status_ids"' in text
    assert 'id="list-orders"' not in text and 'id="cart-orders"' not in text
    assert int(store.store.stats()["total_requests"]) == 0


def test_the_guide_test_order_is_listed_imported_and_found_under_list_pending_orders(merchant_client, company, fresh_store) -> None:
    """Test Order, steps 1 to 3: place an order in the storefront, list it, import it, see it pending."""
    cart = sandbox_cart(company, fresh_store, import_status_ids=(11,), import_orders_from=timezone.now().date())
    product = fresh_store.store.catalog.product(fresh_store.store.examples()["simple_product"])
    order_id = fresh_store.store.place_order(lines=[(product.id, product.variants[0].id, 2)], email="shopper@example.com",
                                             first_name="Test", last_name="Shopper", customer_message="Leave at door")
    make_items(company, [product.variants[0].sku])

    listing = merchant_client.get(tab(cart) + "?list=1")
    assert f'name="selected" value="{order_id}"' in page_text(listing)
    assert "Test Shopper" in page_text(listing) and "1 order in the store matches;" in page_text(listing)
    assert "each becomes a Pending Cash Sale, once only." in page_text(listing)

    result = merchant_client.post(reverse("orders:cart_orders_import", args=[cart.pk]),
                                  {"scope": "selected", "selected": [str(order_id)]})
    record = SalesTransaction.objects.get(cart=cart, cart_order_id=order_id)
    assert result.status_code == 200 and "Orders: 1 imported." in page_text(result)
    assert f'href="{record.get_absolute_url()}"' in page_text(result) and record.number == "CS-000001"

    pending = merchant_client.get(reverse("orders:pending"))
    assert "CS-000001" in page_text(pending) and "Pending Cash Sale" in page_text(pending)
    assert f"#{order_id}" in page_text(pending)
    relisted = merchant_client.get(tab(cart) + "?list=1")
    assert f'name="selected" value="{order_id}"' not in page_text(relisted) and "CS-000001" in page_text(relisted)


def test_import_with_nothing_ticked_says_what_to_do(merchant_client, cart) -> None:
    response = merchant_client.post(reverse("orders:cart_orders_import", args=[cart.pk]), {"scope": "selected"}, follow=True)
    assert "Tick at least one order, or click Import All Listed Orders." in page_text(response)
    assert not CartLog.objects.exists()


def test_import_all_listed_runs_in_the_background_and_the_tab_shows_its_outcome(
    merchant_client, company, fresh_store, eager_celery, django_capture_on_commit_callbacks
) -> None:
    cart = sandbox_cart(company, fresh_store, import_status_ids=(11,), import_orders_from=timezone.now().date())
    product = fresh_store.store.catalog.product(fresh_store.store.examples()["simple_product"])
    for _ in range(2):
        fresh_store.store.place_order(lines=[(product.id, product.variants[0].id, 1)])
    make_items(company, [product.variants[0].sku])
    with django_capture_on_commit_callbacks(execute=True):
        response = merchant_client.post(reverse("orders:cart_orders_import", args=[cart.pk]), {"scope": "all"})
    assert response.status_code == 302 and response.url == tab(cart)
    assert SalesTransaction.objects.filter(cart=cart).count() == 2
    text = page_text(merchant_client.get(tab(cart)))
    assert "Last orders import" in text and "Orders: 2 imported." in text


def test_a_running_import_shows_its_progress_bar(merchant_client, cart) -> None:
    log = CartLog.objects.create(company=cart.company, cart=cart, kind="orders_import", progress_total=10, progress_done=4)
    text = page_text(merchant_client.get(tab(cart)))
    assert reverse("carts:log_progress", args=[cart.pk, log.pk]) in text and "4 of 10" in text


def test_a_refused_order_offers_to_import_its_items_from_the_cart_then_imports_it(merchant_client, cart, store) -> None:
    order_id = store.store.examples()["coupon_order"]
    line = store.store.order(order_id).lines[0]
    result = merchant_client.post(reverse("orders:cart_orders_import", args=[cart.pk]),
                                  {"scope": "selected", "selected": [str(order_id)]})
    text = page_text(result)
    assert f"no item matches its SKU {line['sku']}" in text
    assert f'name="variant" value="{line["product_id"]}:{line["variant_id"]}"' in text
    assert f'name="order" value="{order_id}"' in text

    offer = merchant_client.post(reverse("orders:cart_orders_import_items", args=[cart.pk]),
                                 {"variant": [f"{line['product_id']}:{line['variant_id']}"], "order": [str(order_id)]})
    assert Item.objects.filter(company=cart.company, sku=line["sku"]).exists()
    assert "Orders: 1 imported." in page_text(offer) and "Items import: 1 created" in page_text(offer)
    assert "Items: Items import" not in page_text(offer)
    assert SalesTransaction.objects.filter(cart=cart, cart_order_id=order_id).exists()


def test_a_refusal_offer_for_more_orders_than_an_import_while_waiting_runs_in_the_background(
    merchant_client, cart, store, django_capture_on_commit_callbacks
) -> None:
    order_id = store.store.examples()["coupon_order"]
    line = store.store.order(order_id).lines[0]
    others = [order_id + 1000 + number for number in range(SYNCHRONOUS_IMPORT_LIMIT)]  # ids the store lacks
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = merchant_client.post(reverse("orders:cart_orders_import_items", args=[cart.pk]), {
            "variant": [f"{line['product_id']}:{line['variant_id']}"], "order": [str(order_id), *map(str, others)]},
            follow=True)
    assert "The products are being imported in the background, then the orders" in page_text(response)
    assert len(callbacks) == 1 and not Item.objects.filter(company=cart.company).exists()
    callbacks[0]()
    items_log = CartLog.objects.get(cart=cart, kind="items_import")
    orders_log = CartLog.objects.get(cart=cart, kind="orders_import")
    assert items_log.summary.startswith("Items import: 1 created") and orders_log.progress_total == 26
    assert orders_log.summary.startswith("Orders: 1 imported, 25 not imported.")
    assert SalesTransaction.objects.filter(cart=cart, cart_order_id=order_id).exists()


@pytest.mark.parametrize(("url", "data", "message"), [
    ("orders:cart_orders_import", {"scope": "selected", "selected": [str(100 + n) for n in range(1001)]},
     "At most 1,000 orders can be ticked at once; click Import All Listed Orders instead."),
    ("orders:cart_orders_import_items", {"variant": ["1:2"], "order": [str(100 + n) for n in range(1001)]},
     "At most 5,000 products and 1,000 orders can be imported this way"),
    ("orders:cart_orders_import_items", {"variant": [f"{n}:1" for n in range(1, 5002)], "order": ["100"]},
     "At most 5,000 products and 1,000 orders can be imported this way"),
])
def test_more_rows_than_a_form_takes_are_refused_with_what_to_do(merchant_client, cart, url, data, message) -> None:
    response = merchant_client.post(reverse(url, args=[cart.pk]), data, follow=True)
    assert message in page_text(response)
    assert not CartLog.objects.exists()


def test_a_store_error_while_listing_is_shown_with_its_fix(merchant_client, cart, store, settings) -> None:
    settings.BIGCOMMERCE_MAX_ATTEMPTS = 1
    store.store.set_faults("server_error=1.0")
    try:
        text = page_text(merchant_client.get(tab(cart) + "?list=1"))
    finally:
        store.store.set_faults("")
    assert "The store's orders could not be listed:" in text and "server error" in text


def test_list_pending_orders_shows_every_type_and_filters(merchant_client, company, store) -> None:
    carts = {kind: sandbox_cart(company, store, name=f"As {kind}", import_as=kind) for kind in ImportOrdersAs.values}
    cash_sale = imported(carts["cash_sale"], store, "coupon_order")
    sales_order = imported(carts["sales_order"], store, "wrapping_order")
    invoice = imported(carts["invoice"], store, "guest_order")
    url = reverse("orders:pending")
    text = page_text(merchant_client.get(url))
    assert all(number in text for number in ("CS-000001", "SO-000001", "INV-000001"))
    assert "Pending Sales Order" in text and "Pending Sales Invoice" in text

    def numbers(**query) -> set[str]:
        shown = page_text(merchant_client.get(url, query))
        return {record.number for record in (cash_sale, sales_order, invoice) if f">{record.number}</a>" in shown}

    assert numbers(type="sales_order") == {"SO-000001"}
    assert numbers(cart=carts["invoice"].pk) == {"INV-000001"}
    assert numbers(q="INV-0") == {"INV-000001"}
    assert numbers(q=str(cash_sale.cart_order_id)) == {"CS-000001"}
    assert numbers(customer=invoice.customer.email[:8].upper()) == {"INV-000001"}
    day = sales_order.transaction_date.date()
    assert numbers(date_from=day.isoformat(), date_to=day.isoformat()) == {"SO-000001"}
    assert "'To' is before 'From'" in page_text(merchant_client.get(url, {"date_from": "2026-02-01", "date_to": "2026-01-01"}))


def us_dollars(amount: object) -> str:
    """US dollars as en-US (the product's LANGUAGE_CODE, asked by a client that names no language) writes them per
    CLDR: '$1,234.56', rounded half up to cents."""
    cents = Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"-${-cents:,}" if cents < 0 else f"${cents:,}"


def test_the_transaction_page_shows_lines_charges_discounts_payments_totals_and_the_cart_link(merchant_client, cart, store) -> None:
    record = imported(cart, store, "gift_certificate_order")
    order = store.store.order(record.cart_order_id)
    text = page_text(merchant_client.get(record.get_absolute_url()))
    assert f"Pending Cash Sale {record.number}" in text
    assert order.order["currency_code"] == "USD"
    # The store's order screen shows amounts on the basis its prices are entered in, and tax once.
    basis = "total_inc_tax" if order.order["is_tax_inclusive_pricing"] else "total_ex_tax"
    for line in order.lines:
        assert line["sku"] in text and us_dollars(line[basis]) in text
    assert record.charges.exists()
    for charge in record.charges.all():
        amount = charge.amount_inc_tax if record.prices_include_tax else charge.amount_ex_tax
        assert f"{charge.description}</th><td class=\"number\">{us_dollars(amount)}" in text
    for discount in record.discounts.all():
        amount = discount.amount_inc_tax if record.prices_include_tax else discount.amount_ex_tax
        assert f"{discount.description}</th><td class=\"number\">{us_dollars(-amount)}" in text
    assert "Paid by gift certificate" in text and "Paid by store credit" in text
    assert f'<data value="{order.order["total_inc_tax"]}">{us_dollars(order.order["total_inc_tax"])}</data>' in text
    assert f'id="transaction-tax">{us_dollars(order.order["total_tax"])}<' in text
    assert record.balance_due == Decimal(order.order["total_inc_tax"]) - Decimal("30.0000")
    assert f'href="{store.base_url}/admin/"' in text


def test_a_pending_transaction_can_be_edited(merchant_client, cart, store) -> None:
    record = imported(cart, store, "coupon_order")
    other = Customer.objects.create(company=cart.company, name="Trade Account", email="trade@example.com")
    response = merchant_client.post(reverse("orders:edit", args=[record.pk]), {
        "customer": "Trade Account <trade@example.com>", "transaction_date": "2026-05-02T10:30", "memo": "Collect Friday"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.customer, record.memo) == (other, "Collect Friday")
    assert record.transaction_date == datetime.datetime(2026, 5, 2, 10, 30, tzinfo=datetime.UTC)


def test_editing_cannot_pick_another_company_customer(merchant_client, cart, store, other_company) -> None:
    record = imported(cart, store, "coupon_order")
    stranger = Customer.objects.create(company=other_company, name="Stranger", email="stranger@example.com")
    for label in ("Stranger <stranger@example.com>", "stranger@example.com", "Stranger"):
        response = merchant_client.post(reverse("orders:edit", args=[record.pk]), {
            "customer": label, "transaction_date": "2026-05-02T10:30", "memo": ""})
        assert response.status_code == 200 and "No customer is named or has the e-mail address" in page_text(response)
    record.refresh_from_db()
    assert record.customer != stranger


def test_deleting_a_pending_transaction_lets_the_order_be_imported_again(merchant_client, cart, store) -> None:
    record = imported(cart, store, "coupon_order")
    confirm = merchant_client.get(reverse("orders:delete", args=[record.pk]))
    assert f"Cart order #{record.cart_order_id} can then be imported again" in page_text(confirm)
    response = merchant_client.post(reverse("orders:delete", args=[record.pk]))
    assert response.status_code == 302 and not SalesTransaction.objects.filter(pk=record.pk).exists()
    again = merchant_client.post(reverse("orders:cart_orders_import", args=[cart.pk]),
                                 {"scope": "selected", "selected": [str(record.cart_order_id)]})
    assert "Orders: 1 imported." in page_text(again)
