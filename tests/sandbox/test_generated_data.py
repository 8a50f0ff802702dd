"""The generated store contains what real stores contain, findable by name, and is the same for the same seed."""

from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from email.utils import parsedate_to_datetime

import pytest

from sandbox.server import SandboxServer
from tests.sandbox.conftest import api_session, v2, v3, without_links


@pytest.fixture(scope="module")
def smallest() -> SandboxServer:
    """The smallest store the sandbox makes: every example must exist even here."""
    with SandboxServer(products=20, orders=20) as server:
        yield server


def order(server: SandboxServer, name: str) -> dict:
    order_id = server.store.examples()[name]
    return api_session(server).get(v2(server, f"/orders/{order_id}")).json()


def lines(server: SandboxServer, name: str) -> list[dict]:
    order_id = server.store.examples()[name]
    return api_session(server).get(v2(server, f"/orders/{order_id}/products"), params={"limit": 250}).json()


def product(server: SandboxServer, name: str) -> dict:
    product_id = server.store.examples()[name]
    return api_session(server).get(v3(server, f"/catalog/products/{product_id}"), params={"include": "variants"}).json()["data"]


def test_every_status_occurs_even_in_the_smallest_store(smallest):
    counts = api_session(smallest).get(v2(smallest, "/orders/count")).json()
    archived = api_session(smallest).get(v2(smallest, "/orders"), params={"is_deleted": "true"}).json()
    assert counts["count"] + len(archived) == 20
    statuses = {row["id"] for row in counts["statuses"] if row["count"]} | {entry["status_id"] for entry in archived}
    assert statuses == set(range(15))


def test_awkward_orders_exist_even_in_the_smallest_store(smallest):
    assert order(smallest, "guest_order")["customer_id"] == 0
    assert order(smallest, "registered_customer_order")["customer_id"] > 0
    assert len(lines(smallest, "order_120_lines")) == 120
    assert order(smallest, "tax_exclusive_order")["is_tax_inclusive_pricing"] is False
    assert order(smallest, "zero_tax_order")["total_tax"] == "0.0000"
    other = order(smallest, "other_currency_order")
    assert other["currency_code"] == other["default_currency_code"] == "EUR" and other["currency_exchange_rate"] == "1.0000000000"
    assert order(smallest, "coupon_order")["coupon_discount"] != "0.0000"
    assert order(smallest, "automatic_discount_order")["discount_amount"] != "0.0000"
    shipping = order(smallest, "shipping_handling_order")
    assert shipping["shipping_cost_inc_tax"] != "0.0000" and shipping["handling_cost_inc_tax"] != "0.0000"
    assert order(smallest, "wrapping_order")["wrapping_cost_inc_tax"] != "0.0000"
    assert order(smallest, "refunded_order")["status_id"] == 4
    assert order(smallest, "partially_refunded_order")["status_id"] == 14
    assert order(smallest, "multiple_addresses_order")["shipping_address_count"] == 2
    assert order(smallest, "gift_certificate_order")["gift_certificate_amount"] != "0.0000"
    assert order(smallest, "archived_order")["is_deleted"] is True


@pytest.mark.parametrize(("pricing", "present", "absent"), [("exclusive", "tax_exclusive_order", "tax_inclusive_order"),
                                                            ("inclusive", "tax_inclusive_order", "tax_exclusive_order")])
def test_a_store_names_only_the_tax_kind_its_set_up_has(pricing, present, absent):
    with SandboxServer(products=20, orders=20, pricing=pricing) as server:
        assert absent not in server.store.examples()
        assert order(server, present)["is_tax_inclusive_pricing"] is (pricing == "inclusive")


def test_a_switched_store_has_an_older_exclusive_and_a_newer_inclusive_example():
    with SandboxServer(products=20, orders=20, pricing="switched") as server:
        exclusive, inclusive = order(server, "tax_exclusive_order"), order(server, "tax_inclusive_order")
        assert exclusive["is_tax_inclusive_pricing"] is False and inclusive["is_tax_inclusive_pricing"] is True
        assert parsedate_to_datetime(exclusive["date_created"]) < parsedate_to_datetime(inclusive["date_created"])
        placed = server.store.place_order(lines=[(server.store.examples()["simple_product"], None, 1)])
        assert server.store.order(placed).order["is_tax_inclusive_pricing"] is True


def test_discount_examples_carry_each_kind_of_discount(smallest):
    manual = [entry for line in lines(smallest, "manual_discount_order") for entry in line["applied_discounts"]]
    assert {(entry["id"], entry["name"], entry["code"]) for entry in manual} >= {("manual-discount", "Manual Discount", None)}
    both = [entry for line in lines(smallest, "coupon_and_promotion_order") for entry in line["applied_discounts"]]
    assert any(entry["code"] for entry in both) and any(entry["code"] is None and entry["name"] for entry in both)
    two = lines(smallest, "two_coupons_order")
    assert len({entry["code"] for line in two for entry in line["applied_discounts"] if entry["code"]}) == 2
    coupons = api_session(smallest).get(v2(smallest, f"/orders/{smallest.store.examples()['two_coupons_order']}/coupons"))
    assert len(coupons.json()) == 2


def test_the_books_fields_are_on_every_order(smallest):
    session = api_session(smallest)
    orders = session.get(v2(smallest, "/orders"), params={"limit": 250}).json()
    for entry in orders:
        assert entry["payment_method"] and entry["store_default_currency_code"] == "USD"
        assert Decimal(entry["store_default_to_transactional_exchange_rate"]) > 0
        paid = entry["payment_status"] not in ("", "pending", "declined")
        if entry["payment_method"] in ("Test Payment Gateway", "Credit Card", "PayPal") and paid:
            assert entry["payment_provider_id"], entry["id"]
        elif entry["payment_method"] in ("Manual", "Cash on Delivery"):
            assert entry["payment_provider_id"] == ""
    business = order(smallest, "business_vat_order")["billing_address"]
    assert business["company"] and business["form_fields"][0]["name"] == "VAT number" and business["form_fields"][0]["value"]


def test_a_foreign_currency_order_is_the_catalog_price_at_the_stores_rate(smallest):
    other = order(smallest, "other_currency_order")
    rate = Decimal(other["store_default_to_transactional_exchange_rate"])
    for line in lines(smallest, "other_currency_order"):
        price = smallest.store.catalog.product(line["product_id"]).variant(line["variant_id"]).calculated_price
        assert Decimal(line["base_price"]) == (price * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def test_a_guest_can_use_a_registered_customers_email(smallest):
    guest = order(smallest, "guest_with_customer_email_order")
    assert guest["customer_id"] == 0
    same_email = api_session(smallest).get(v2(smallest, "/orders"), params={"email": guest["billing_address"]["email"]}).json()
    assert any(entry["customer_id"] for entry in same_email)


def test_digital_products_are_in_the_catalog_and_ship_to_no_address(smallest):
    assert product(smallest, "digital_product")["type"] == "digital"
    digital = [line for line in lines(smallest, "digital_order") if line["type"] == "digital"]
    assert digital and all(line["order_address_id"] == 0 for line in digital)
    assert product(smallest, "digital_product")["inventory_tracking"] == "none"


def test_modified_order_was_modified_days_after_creation(smallest):
    modified = order(smallest, "modified_order")
    changed = parsedate_to_datetime(modified["date_modified"]) - parsedate_to_datetime(modified["date_created"])
    assert changed >= timedelta(days=1)


def test_a_line_keeps_its_product_after_the_product_is_deleted(smallest):
    deleted_line = next(line for line in lines(smallest, "deleted_product_order")
                        if line["product_id"] == smallest.store.examples()["deleted_product"])
    assert deleted_line["name"] and deleted_line["sku"]
    assert api_session(smallest).get(v3(smallest, f"/catalog/products/{deleted_line['product_id']}")).status_code == 404


def test_awkward_products_exist_even_in_the_smallest_store(smallest):
    examples = smallest.store.examples()
    assert len(product(smallest, "product_30_variants")["variants"]) == 30
    simple = product(smallest, "simple_product")
    assert simple["base_variant_id"] == simple["variants"][0]["id"] and simple["variants"][0]["option_values"] == []
    assert all(variant["price"] is None for variant in product(smallest, "inherited_price_product")["variants"])
    sale = product(smallest, "sale_price_product")
    assert 0 < sale["sale_price"] < sale["price"] and sale["calculated_price"] == sale["sale_price"]
    assert product(smallest, "empty_sku_product")["sku"] == ""
    first, second = examples["duplicate_sku_products"]
    duplicates = api_session(smallest).get(v3(smallest, "/catalog/products"), params={"sku": "DUP-1001"}).json()["data"]
    assert [entry["id"] for entry in duplicates] == [first, second]
    assert " " in product(smallest, "sku_with_spaces_product")["sku"]
    assert not product(smallest, "non_ascii_sku_product")["sku"].isascii()
    assert any(ord(character) > 0xFFFF for character in product(smallest, "emoji_name_product")["name"])
    assert any("\u0590" <= character <= "\u06ff" for character in product(smallest, "rtl_name_product")["name"])
    assert len(product(smallest, "long_name_product")["name"]) == 250
    assert "<ul>" in product(smallest, "html_description_product")["description"]
    assert product(smallest, "hidden_product")["is_visible"] is False


def test_orders_are_spread_over_months(smallest):
    dates = [parsedate_to_datetime(entry["date_created"])
             for entry in api_session(smallest).get(v2(smallest, "/orders"), params={"sort": "date_created:asc"}).json()]
    assert dates == sorted(dates)
    assert dates[-1] - dates[0] > timedelta(days=150)
    assert dates[-1] < datetime.now(dates[-1].tzinfo)


def test_the_same_seed_gives_the_same_store_and_another_seed_does_not():
    answers = []
    for seed in (7, 7, 8):
        with SandboxServer(seed=seed, products=30, orders=25) as server:
            session = api_session(server)
            answers.append((server.api_key(),
                            session.get(v3(server, "/catalog/products"), params={"include": "variants"}).json()["data"],
                            without_links(session.get(v2(server, "/orders")).json())))
    assert answers[0] == answers[1]
    assert answers[0][0] != answers[2][0] and answers[0][1] != answers[2][1] and answers[0][2] != answers[2][2]


def test_a_store_of_100_000_products_and_orders_starts_in_seconds_and_serves_pages_fast():
    started = datetime.now()
    with SandboxServer(products=100_000, orders=100_000) as server:
        startup = datetime.now() - started
        session = api_session(server)
        started = datetime.now()
        products = session.get(v3(server, "/catalog/products"), params={"include": "variants", "limit": 250, "page": 300})
        orders = session.get(v2(server, "/orders"), params={"include": "consignments.line_items", "consignment_structure": "object",
                                                            "limit": 250, "page": 300})
        serving = datetime.now() - started
    assert products.json()["meta"]["pagination"]["total"] == 100_000 and len(orders.json()) == 250
    assert startup < timedelta(seconds=10), startup  # about 1.5 s on the 2-core CI machine
    assert serving < timedelta(seconds=2), serving


def test_an_order_of_downloads_only_has_no_shipping(sandbox):
    order_id = sandbox.store.place_order(lines=[(sandbox.store.examples()["digital_product"], None, 2)])
    session = api_session(sandbox)
    order = session.get(v2(sandbox, f"/orders/{order_id}"), params={"include": "consignments.line_items",
                                                                    "consignment_structure": "object"}).json()
    assert order["order_is_digital"] is True and order["shipping_address_count"] == 0
    assert order["shipping_cost_inc_tax"] == "0.0000" and order["consignments"]["shipping"] == []
    assert [line["type"] for line in order["consignments"]["downloads"][0]["line_items"]] == ["digital"]
    assert session.get(v2(sandbox, f"/orders/{order_id}/shipping_addresses")).status_code == 204
