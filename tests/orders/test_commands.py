"""`cart orders`, `cart import-orders` and `order list`: the screens' results on the command line."""
from __future__ import annotations

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from orders.models import SalesTransaction
from tests.orders.conftest import examples_as_sales, make_items, order_skus, sandbox_cart

pytestmark = pytest.mark.django_db

ORDER_LIST_KEYS = {"number", "type", "status", "cart", "cart_order_id", "customer_email", "currency", "lines", "charges",
                   "discounts", "tax", "total"}


def run(*args: str) -> tuple[int, str]:
    """(exit status, stdout) of a management command, as a shell would see them."""
    out = StringIO()
    try:
        call_command(*args, stdout=out)
    except SystemExit as exit_:
        return int(exit_.code), out.getvalue()
    return 0, out.getvalue()


def test_cart_orders_json_lists_the_store_orders_with_what_is_imported(company, store) -> None:
    cart = sandbox_cart(company, store, import_status_ids=(10,))  # Completed
    completed = sorted((100 + position for position, status in enumerate(store.store.orders.status_ids) if status == 10),
                       reverse=True)
    make_items(company, order_skus(store, completed[0]))
    call_command("cart", "import-orders", cart.name, "--company", company.account_number, "--id", str(completed[0]),
                 stdout=StringIO())
    status, out = run("cart", "orders", cart.name, "--company", company.account_number, "--json")
    rows = json.loads(out)
    assert status == 0 and [row["order_id"] for row in rows] == completed
    assert rows[0]["imported_as"] == "CS-000001" and rows[1]["imported_as"] is None
    assert rows[0]["status"] == "Completed" and Decimal(rows[0]["total"]) > 0


def test_cart_orders_without_a_status_fails_with_the_screen_message(company, store) -> None:
    cart = sandbox_cart(company, store, import_status_ids=())
    with pytest.raises(Exception) as failed:
        call_command("cart", "orders", cart.name, "--company", company.account_number)
    assert "'Import Orders with Status' is set" in str(failed.value)
    assert failed.value.returncode == 1


def test_import_orders_by_id_prints_each_outcome_and_exits_nonzero_on_a_refusal(company, store) -> None:
    cart = sandbox_cart(company, store)
    good, missing = store.store.examples()["coupon_order"], store.store.examples()["wrapping_order"]
    make_items(company, order_skus(store, good))
    status, out = run("cart", "import-orders", cart.name, "--company", company.account_number, "--id", str(good),
                      "--id", str(missing))
    assert status == 1
    assert f"Order {good}: imported as CS-000001." in out
    assert f"Order {missing}: not imported — no item matches its SKU" in out
    assert out.strip().endswith("Orders: 1 imported, 1 not imported.")
    status, out = run("cart", "import-orders", cart.name, "--company", company.account_number, "--id", str(good), "--json")
    result = json.loads(out)
    assert status == 0 and result["orders"] == [
        {"order_id": good, "outcome": "already_imported", "transaction": "CS-000001", "reason": "already imported",
         "missing_skus": [], "change": None}]


def test_import_orders_all_imports_every_listed_order(company, store) -> None:
    cart = sandbox_cart(company, store, import_status_ids=(10,))
    completed = [100 + position for position, status in enumerate(store.store.orders.status_ids) if status == 10]
    make_items(company, order_skus(store, *completed))
    status, out = run("cart", "import-orders", cart.name, "--company", company.account_number, "--all")
    assert status == 0, out
    assert sorted(SalesTransaction.objects.values_list("cart_order_id", flat=True)) == completed


def test_import_orders_needs_ids_or_all(company, store) -> None:
    cart = sandbox_cart(company, store)
    with pytest.raises(Exception, match="one of the arguments --id --all is required"):
        call_command("cart", "import-orders", cart.name, "--company", company.account_number)


def test_order_list_pending_json_has_the_documented_keys_with_money_as_decimal_strings(company, store) -> None:
    cart = sandbox_cart(company, store)
    order_id = store.store.examples()["shipping_handling_order"]
    make_items(company, order_skus(store, order_id))
    call_command("cart", "import-orders", cart.name, "--company", company.account_number, "--id", str(order_id),
                 stdout=StringIO())
    status, out = run("order", "list", "--company", company.account_number, "--pending", "--json")
    [row] = json.loads(out)
    order = store.store.order(order_id)
    assert status == 0 and ORDER_LIST_KEYS <= set(row)
    assert (row["number"], row["type"], row["status"], row["cart"], row["cart_order_id"]) == (
        "CS-000001", "cash_sale", "pending", cart.name, order_id)
    assert row["customer_email"] == order.order["billing_address"]["email"]
    assert row["total"] == order.order["total_inc_tax"] and row["tax"] == order.order["total_tax"]
    assert Decimal(row["charges"]) == Decimal(order.order["shipping_cost_inc_tax"]) + Decimal(order.order["handling_cost_inc_tax"])
    price = "price_inc_tax" if order.order["is_tax_inclusive_pricing"] else "price_ex_tax"
    assert row["prices_include_tax"] is order.order["is_tax_inclusive_pricing"]
    assert [{key: line[key] for key in ("sku", "quantity", "unit_price", "total")} for line in row["lines"]] == [
        {"sku": line["sku"], "quantity": line["quantity"], "unit_price": line[price], "total": line["total_inc_tax"]}
        for line in order.lines]
    assert Decimal(row["total"]) == sum(Decimal(line["total"]) for line in row["lines"]) + Decimal(row["charges"]) - Decimal(row["discounts"])


def test_order_list_for_another_company_shows_nothing_of_this_one(company, other_company, store) -> None:
    cart = sandbox_cart(company, store)
    order_id = store.store.examples()["coupon_order"]
    make_items(company, order_skus(store, order_id))
    call_command("cart", "import-orders", cart.name, "--company", company.account_number, "--id", str(order_id),
                 stdout=StringIO())
    assert json.loads(run("order", "list", "--company", other_company.account_number, "--pending", "--json")[1]) == []


def test_order_list_json_keeps_what_the_books_need_and_lists_credit_notes_as_their_own_type(company, fresh_store) -> None:
    examples_as_sales(fresh_store)
    kinds = ("partially_refunded_order", "other_currency_order", "two_coupons_order", "wrapping_order")
    ids = {kind: fresh_store.store.examples()[kind] for kind in kinds}
    cart = sandbox_cart(company, fresh_store)
    make_items(company, order_skus(fresh_store, *ids.values()))
    assert run("cart", "import-orders", cart.name, "--company", company.account_number, "--id",
               *map(str, ids.values()))[0] == 0
    fresh_store.store.cancel_order(ids["wrapping_order"])
    run("cart", "import-orders", cart.name, "--company", company.account_number, "--id", str(ids["wrapping_order"]))

    status, out = run("order", "list", "--company", company.account_number, "--pending", "--json")
    rows = json.loads(out)
    sales = {row["cart_order_id"]: row for row in rows if row["type"] != "credit-note"}
    assert status == 0 and set(sales) == set(ids.values())
    for order_id, row in sales.items():
        order = fresh_store.store.order(order_id).order
        assert row["cart_status_id"] == order["status_id"]
        assert Decimal(row["refunded"]) == Decimal(order["refunded_amount"])
        assert (row["payment_method"], row["guest"]) == (order["payment_method"], order["customer_id"] == 0)
        assert Decimal(row["discounts"]) == sum((Decimal(entry["amount"]) for entry in row["discount_lines"]), Decimal(0))
        if order["currency_code"] == order["store_default_currency_code"]:
            assert row["exchange_rate"] is None
        else:
            assert Decimal(row["exchange_rate"]) == Decimal(order["store_default_to_transactional_exchange_rate"])
    foreign = fresh_store.store.order(ids["other_currency_order"]).order
    assert foreign["currency_code"] != foreign["store_default_currency_code"]
    assert sales[ids["wrapping_order"]]["change_note"].startswith("changed in cart: status ")
    assert " → Cancelled on " in sales[ids["wrapping_order"]]["change_note"]
    coupons = {entry["code"] for line in fresh_store.store.order(ids["two_coupons_order"]).lines
               for entry in line["applied_discounts"] if entry["code"]}
    labels = [entry["label"] for entry in sales[ids["two_coupons_order"]]["discount_lines"]]
    assert len(coupons) == 2 and all(f"Coupon {code}" in labels for code in coupons)
    [credit_note] = [row for row in rows if row["type"] == "credit-note"]
    refunded = ids["partially_refunded_order"]
    assert (credit_note["cart_order_id"], credit_note["credits"]) == (refunded, sales[refunded]["number"])
    assert credit_note["number"] == "CN-000001" and credit_note["total"] == sales[refunded]["refunded"]
