"""Finding one record at scale: List Pending Orders' number search and sorting, Orders (Cart) search and pages,
Customers and the customer picker."""
from __future__ import annotations

import datetime
import html
import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from orders.forms import CartOrderSearchForm
from orders.listing import OrderListSearch, orders_list
from orders.models import Customer, SalesTransaction, TransactionType
from tests.items.conftest import api_requests
from tests.orders.conftest import sandbox_cart

pytestmark = pytest.mark.django_db

PREFIXES = {TransactionType.CASH_SALE: "CS", TransactionType.SALES_ORDER: "SO"}


def pending(company, *, number: str, order_id: int | None, customer: Customer, total: str = "10.00",
            day: int = 1, currency: str = "USD") -> SalesTransaction:
    kind = TransactionType.SALES_ORDER if number.startswith("SO") else TransactionType.CASH_SALE
    return SalesTransaction.objects.create(
        company=company, transaction_type=kind, number=number, customer=customer, currency=currency,
        transaction_date=datetime.datetime(2026, 3, day, 12, tzinfo=datetime.UTC), cart_order_id=order_id,
        subtotal=Decimal(total), total=Decimal(total))


def shown_numbers(response) -> list[str]:
    """The transaction numbers the list shows, top to bottom."""
    return re.findall(r'<td class="nowrap"><a href="/sales/orders/\d+/">([A-Z]+-\d+)</a>', response.content.decode())


@pytest.fixture
def numbered(company) -> dict[str, SalesTransaction]:
    """Transactions whose numbers and order ids all contain 250 in some way."""
    buyer = Customer.objects.create(company=company, name="Ann Buyer", email="ann@example.com")
    return {number: pending(company, number=number, order_id=order_id, customer=buyer, day=day)
            for day, (number, order_id) in enumerate([
                ("CS-000001", 250), ("CS-000002", 25), ("CS-000003", 1250), ("CS-000004", 2501),
                ("CS-000250", 7), ("SO-000250", 8), ("CS-002501", 9), ("SO-000012", 12250)], start=1)}


def test_hash_and_a_number_find_that_cart_order_exactly(merchant_client, numbered) -> None:
    url = reverse("orders:pending")
    assert shown_numbers(merchant_client.get(url, {"q": "#250"})) == ["CS-000001"]
    assert shown_numbers(merchant_client.get(url, {"q": " #250 "})) == ["CS-000001"]
    # A bare number is the cart order and the transactions numbered 250 of each type, nothing containing 250.
    assert sorted(shown_numbers(merchant_client.get(url, {"q": "250"}))) == ["CS-000001", "CS-000250", "SO-000250"]
    assert shown_numbers(merchant_client.get(url, {"q": "cs-000250"})) == ["CS-000250"]
    assert sorted(shown_numbers(merchant_client.get(url, {"q": "CS-0025"}))) == ["CS-002501"]
    assert shown_numbers(merchant_client.get(url, {"q": "#" + "9" * 40})) == []


def test_list_pending_orders_sorts_by_a_whitelisted_column_only(merchant_client, company, numbered) -> None:
    url = reverse("orders:pending")
    by_number = sorted(numbered, key=lambda number: (number, numbered[number].pk))
    assert shown_numbers(merchant_client.get(url, {"sort": "number"})) == by_number
    assert shown_numbers(merchant_client.get(url, {"sort": "-number"})) == by_number[::-1]
    newest_first = [number for number, _ in sorted(numbered.items(), key=lambda pair: pair[1].transaction_date,
                                                   reverse=True)]
    assert shown_numbers(merchant_client.get(url)) == newest_first
    assert shown_numbers(merchant_client.get(url, {"sort": "customer__user__password"})) == newest_first
    by_order = sorted(numbered, key=lambda number: numbered[number].cart_order_id)
    response = merchant_client.get(url, {"sort": "order", "q": ""})
    assert shown_numbers(response) == by_order
    assert 'aria-sort="ascending"><a class="sort" href="?q=&amp;sort=-order">Cart order' in response.content.decode()


def test_the_page_bar_jumps_to_any_page(merchant_client, company) -> None:
    buyer = Customer.objects.create(company=company, name="Ann Buyer", email="ann@example.com")
    SalesTransaction.objects.bulk_create(
        SalesTransaction(company=company, transaction_type=TransactionType.CASH_SALE, number=f"CS-{index:06d}",
                         customer=buyer, currency="USD", cart_order_id=index,
                         transaction_date=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
                         + datetime.timedelta(hours=index))
        for index in range(1, 50 * 7 + 2))  # 351: seven full pages of 50 and one more
    page = merchant_client.get(reverse("orders:pending"), {"page": 2, "sort": "number"}).content.decode()
    assert shown_numbers(merchant_client.get(reverse("orders:pending"), {"page": 2, "sort": "number"}))[0] == "CS-000051"
    for label, number in (("« First", 1), ("‹ Previous", 1), ("Next ›", 3), ("Last »", 8)):
        assert f'href="?sort=number&amp;page={number}"' in page and label in page
    assert '<span aria-current="page">2</span>' in page
    assert 'aria-label="Page 4"' in page and 'aria-label="Page 5"' not in page  # two either side, then a gap
    assert 'aria-label="Page 8"' in page


def test_customers_list_searches_and_a_customer_page_lists_their_transactions(merchant_client, company,
                                                                              other_company) -> None:
    ann = Customer.objects.create(company=company, name="Ann Buyer", email="ann@example.com")
    Customer.objects.create(company=company, name="Bob Other", email="bob@example.com")
    stranger = Customer.objects.create(company=other_company, name="Ann Stranger", email="ann@stranger.example")
    first = pending(company, number="CS-000001", order_id=1, customer=ann, total="152.64", day=2)
    pending(company, number="CS-000002", order_id=2, customer=ann, day=3)
    listing = merchant_client.get(reverse("orders:customers"), {"q": "ann"}).content.decode()
    assert "Ann Buyer" in listing and "Bob Other" not in listing and "Ann Stranger" not in listing
    assert "1 customer" in listing and '<td class="number">2</td>' in listing and "3 Mar 2026" in listing
    page = merchant_client.get(reverse("orders:customer", args=[ann.pk])).content.decode()
    assert "CS-000001" in page and "CS-000002" in page and "2 transactions" in page
    assert first.get_absolute_url() in page
    assert merchant_client.get(reverse("orders:customer", args=[stranger.pk])).status_code == 404
    menu = merchant_client.get(reverse("orders:pending")).content.decode()
    assert f'href="{reverse("orders:customers")}">Customers</a>' in menu


def test_the_picker_offers_a_few_of_the_company_customers_matching_the_text(merchant_client, company,
                                                                           other_company) -> None:
    Customer.objects.bulk_create(Customer(company=company, name=f"Shopper {index}", email=f"s{index}@example.com")
                                 for index in range(2332))
    Customer.objects.create(company=other_company, name="Shopper Elsewhere", email="elsewhere@example.com")
    answer = json.loads(merchant_client.get(reverse("orders:customer_choices"), {"q": "shopper 123"}).content)
    labels = {choice["label"] for choice in answer["customers"]}
    assert labels == {f"Shopper {index} <s{index}@example.com>" for index in range(2332)
                      if f"shopper {index}".startswith("shopper 123")}
    everyone = json.loads(merchant_client.get(reverse("orders:customer_choices"), {"q": "shopper"}).content)
    assert len(everyone["customers"]) == 20
    assert "Elsewhere" not in json.dumps(everyone)


def test_the_edit_page_carries_no_list_of_every_customer(merchant_client, company) -> None:
    buyer = Customer.objects.create(company=company, name="Ann Buyer", email="ann@example.com")
    Customer.objects.bulk_create(Customer(company=company, name=f"Shopper {index}", email=f"s{index}@example.com")
                                 for index in range(2332))
    record = pending(company, number="CS-000001", order_id=1, customer=buyer)
    page = merchant_client.get(reverse("orders:edit", args=[record.pk])).content.decode()
    assert "Shopper 17" not in page and "<option" not in page
    assert 'value="Ann Buyer &lt;ann@example.com&gt;"' in page and 'list="customer-choices"' in page
    assert len(page.encode()) < 20_000
    # Picking by e-mail address alone, or by a name only one customer has, works without the list.
    response = merchant_client.post(reverse("orders:edit", args=[record.pk]), {
        "customer": "S17@example.com", "transaction_date": "2026-05-02T10:30", "memo": ""})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.customer.email == "s17@example.com"
    Customer.objects.create(company=company, name="Ann Buyer", email="other-ann@example.com")
    response = merchant_client.post(reverse("orders:edit", args=[record.pk]), {
        "customer": "ann buyer", "transaction_date": "2026-05-02T10:30", "memo": ""})
    assert "More than one customer is named" in html.unescape(response.content.decode())


def test_the_cart_order_search_takes_a_number_with_or_without_hash() -> None:
    assert CartOrderSearchForm({"order": "#250"}).search() == OrderListSearch(order_id=250)
    assert CartOrderSearchForm({"order": " 250 "}).search() == OrderListSearch(order_id=250)
    assert CartOrderSearchForm({"email": "Ann@Example.com"}).search() == OrderListSearch(email="ann@example.com")
    form = CartOrderSearchForm({"order": "two fifty"})
    assert not form.is_valid() and "is not an order number" in form.errors["order"][0]
    form = CartOrderSearchForm({"email": "ann"})
    assert not form.is_valid() and "whole e-mail address" in form.errors["email"][0]
    # Sorted oldest first, a list without a cursor starts at the oldest; Newest, Older and Newer say where to start.
    start = {"older_than": None, "newer_than": None}
    assert CartOrderSearchForm({"list": "1"}).cursor() == {**start, "oldest": False}
    assert CartOrderSearchForm({"list": "1"}).cursor(oldest_first=True) == {**start, "oldest": True}
    assert CartOrderSearchForm({"newest": "1"}).cursor(oldest_first=True) == {**start, "oldest": False}
    assert CartOrderSearchForm({"older_than": "120"}).cursor(oldest_first=True) == {
        "older_than": 120, "newer_than": None, "oldest": False}


def test_orders_cart_finds_one_order_with_one_request_per_status(company, store) -> None:
    statuses = store.store.orders.status_ids
    awaiting, completed = 11, 10
    cart = sandbox_cart(company, store, import_status_ids=(awaiting, completed))
    listed = [100 + position for position, status in enumerate(statuses) if status in (awaiting, completed)]
    wanted = listed[len(listed) // 2]
    store.store.reset_stats()
    page = orders_list(cart=cart, search=OrderListSearch(order_id=wanted))
    assert [row.summary.order_id for row in page.rows] == [wanted] and page.total == 1
    assert page.older_than is None and page.newer_than is None
    assert api_requests(store) == 3  # the count and one page per status: no request reads all orders
    outside = next(100 + position for position, status in enumerate(statuses) if status not in (awaiting, completed))
    assert orders_list(cart=cart, search=OrderListSearch(order_id=outside)).rows == []


def test_orders_cart_finds_a_customer_s_orders_by_e_mail_address(company, store) -> None:
    cart = sandbox_cart(company, store)
    book = store.store.orders
    email = book.email_of(105)
    expected = sorted((order_id for order_id in range(100, 100 + len(book.status_ids))
                       if book.email_of(order_id).lower() == email.lower() and not book.archived[order_id - 100]),
                      reverse=True)
    page = orders_list(cart=cart, search=OrderListSearch(email=email.upper().lower()))
    assert [row.summary.order_id for row in page.rows] == expected[:50]
    assert all(row.summary.customer_email.lower() == email.lower() for row in page.rows)


def test_orders_cart_pages_newer_older_and_the_oldest(company, store) -> None:
    awaiting, completed = 11, 10
    cart = sandbox_cart(company, store, import_status_ids=(awaiting, completed))
    statuses = store.store.orders.status_ids
    listed = sorted((100 + position for position, status in enumerate(statuses) if status in (awaiting, completed)),
                    reverse=True)
    assert len(listed) > 6
    first = orders_list(cart=cart, page_size=2)
    assert first.newer_than is None and first.older_than == listed[1]
    second = orders_list(cart=cart, older_than=first.older_than, page_size=2)
    assert [row.summary.order_id for row in second.rows] == listed[2:4] and second.newer_than == listed[2]
    back = orders_list(cart=cart, newer_than=second.newer_than, page_size=2)
    assert [row.summary.order_id for row in back.rows] == listed[:2] and back.newer_than is None
    oldest = orders_list(cart=cart, oldest=True, page_size=2)
    assert [row.summary.order_id for row in oldest.rows] == listed[-2:]
    assert oldest.older_than is None and oldest.newer_than == listed[-2]


def test_orders_cart_sorts_by_order_number_either_way(merchant_client, company, store) -> None:
    awaiting, completed = 11, 10
    cart = sandbox_cart(company, store, import_status_ids=(awaiting, completed))
    statuses = store.store.orders.status_ids
    listed = sorted(100 + position for position, status in enumerate(statuses) if status in (awaiting, completed))
    url = reverse("orders:cart_orders", args=[cart.pk])

    def shown(**query) -> list[int]:
        page = merchant_client.get(url, {"list": 1, **query}).content.decode()
        return [int(order_id) for order_id in re.findall(r'<tr data-order-id="(\d+)">', page)]

    assert shown() == listed[::-1]
    assert shown(sort="order") == listed  # oldest first, from the oldest
    page = merchant_client.get(url, {"list": 1, "sort": "order"}).content.decode()
    assert 'aria-sort="ascending"><a class="sort" href="?list=1&amp;sort=-order">Order' in page
    assert "oldest first" in page and '<input type="hidden" name="sort" value="order">' in page
    assert shown(sort="order", newest=1) == listed  # a single page: the newest page is the same rows, oldest first
