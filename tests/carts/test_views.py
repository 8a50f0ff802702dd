"""The cart screens: list, new, edit, Test Connection, delete — as a merchant uses them."""
from __future__ import annotations

import datetime
import html
import re
from unittest import mock

import pytest
from django.urls import reverse

from carts.models import AutoSync, Cart, CartLog
from carts.connection_test import ConnectionTestResult
from tests.carts.factories import GUIDE_API_KEY, GUIDE_API_PATH, GUIDE_TOKEN, make_cart

pytestmark = pytest.mark.django_db

GUIDE_CREDENTIALS_FILE = f"""ACCESS TOKEN: {GUIDE_TOKEN}
CLIENT NAME: Store BC
CLIENT ID: 63a9wg0iclgt0tm82bofravzgvkt13f
CLIENT SECRET: 3e81b040a6087b5885b988922dc12a8400b7a52a71fa148c6caff31774ac2131
NAME: Store BC
API PATH: {GUIDE_API_PATH}
"""


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def new_cart_data(**overrides) -> dict:
    return {
        "name": "Store BC",
        "api_path": GUIDE_API_PATH,
        "api_version": "3",
        "api_key": GUIDE_API_KEY,
        "import_as": "cash_sale",
        "auto_sync": "stopped",
        "sync_interval_minutes": "15",
        "web_customer_name": "Web customer",
        **overrides,
    }


def test_a_status_ticked_twice_is_stored_once(merchant_client, company) -> None:
    response = merchant_client.post(reverse("carts:new"), new_cart_data(import_status_ids=["11", "9", "11"]))
    assert response.status_code == 302
    assert Cart.objects.get(company=company).import_status_ids == [11, 9]


@pytest.mark.parametrize("name", ["Main\nstore", "Main\r\nstore", "Main\u2028store", "Main\tstore"])
def test_a_cart_name_on_more_than_one_line_is_refused_with_what_to_do(merchant_client, company, name) -> None:
    response = merchant_client.post(reverse("carts:new"), new_cart_data(name=name))
    assert response.status_code == 200
    assert "Write the name on one line: it contains a line break" in page_text(response)
    assert not Cart.objects.exists()


def test_pasted_credentials_far_longer_than_the_file_are_refused(merchant_client) -> None:
    response = merchant_client.post(reverse("carts:new"), new_cart_data(api_key="", api_path="",
                                                                        credentials_text="x" * 16_385))
    assert "far longer than BigCommerce's credentials file (at most 16,384 characters)" in page_text(response)
    assert not Cart.objects.exists()


def test_login_is_required_everywhere(client) -> None:
    for url in (reverse("carts:list"), reverse("carts:new"), reverse("home"), "/setup/carts/1/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_header_shows_company_account_number(merchant_client, company) -> None:
    response = merchant_client.get(reverse("carts:list"))
    assert company.account_number.encode() in response.content
    assert b'id="new-bigcommerce-cart"' in response.content


def test_new_cart_is_saved_with_the_key_encrypted_and_masked(merchant_client, company) -> None:
    response = merchant_client.post(reverse("carts:new"), new_cart_data(api_path="  " + GUIDE_API_PATH.rstrip("/") + " "))
    cart = Cart.objects.get(company=company)
    assert response.status_code == 302 and response.url == cart.get_absolute_url()
    assert cart.api_path == GUIDE_API_PATH
    assert cart.store_hash == "w5z5htrnkd"
    assert GUIDE_TOKEN not in cart.api_key_encrypted
    assert cart.api_key_masked == "63a9…kt13f:••••"
    page = merchant_client.get(cart.get_absolute_url()).content.decode()
    assert "63a9…kt13f:••••" in page
    assert "w5z5htrnkd" in page
    assert GUIDE_TOKEN not in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("api_key", "63a9wg0iclgt0tm82bofravzgvkt13fcc4corno7j5xoisu07d1ixn4q28gp07", "Insert a colon between the Client ID and the Access Token"),
        ("api_key", "", "Enter the API key as CLIENT ID:ACCESS TOKEN"),
        ("api_path", "https://store-w5z5htrnkd.mybigcommerce.com/manage/", "control panel address"),
        ("api_path", "https://api.bigcommerce.com/stores/w5z5htrnkd/v2/", "Version 2 API path"),
        ("name", "   ", "This field is required"),
    ],
)
def test_bad_input_gets_its_message_and_stores_nothing(merchant_client, company, field, value, message) -> None:
    response = merchant_client.post(reverse("carts:new"), new_cart_data(**{field: value}))
    assert response.status_code == 200
    assert message in page_text(response)
    assert not Cart.objects.exists()
    assert GUIDE_TOKEN not in response.content.decode()


def test_cart_names_are_unique_within_a_company_only(merchant_client, other_merchant_client, company) -> None:
    make_cart(company, name="Store BC")
    response = merchant_client.post(reverse("carts:new"), new_cart_data(name="store bc"))
    assert "You already have a cart named" in response.content.decode()
    assert other_merchant_client.post(reverse("carts:new"), new_cart_data()).status_code == 302


def test_pasted_credentials_file_fills_key_and_url(merchant_client, company) -> None:
    response = merchant_client.post(
        reverse("carts:new"), new_cart_data(api_path="", api_key="", credentials_text=GUIDE_CREDENTIALS_FILE)
    )
    assert response.status_code == 302
    cart = Cart.objects.get(company=company)
    assert cart.store_hash == "w5z5htrnkd"
    assert cart.client_id_hint == "63a9…kt13f"
    assert "3e81b040" not in str(Cart.objects.filter(pk=cart.pk).values().get())


def test_uploaded_credentials_file_fills_key_and_url(merchant_client, company) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("MyStoreAPICredentials.txt", GUIDE_CREDENTIALS_FILE.encode("utf-8-sig"))
    response = merchant_client.post(
        reverse("carts:new"), {**new_cart_data(api_path="", api_key=""), "credentials_file": upload}
    )
    assert response.status_code == 302
    assert Cart.objects.get(company=company).store_hash == "w5z5htrnkd"


def test_credentials_file_that_is_not_one_is_refused(merchant_client) -> None:
    response = merchant_client.post(
        reverse("carts:new"), new_cart_data(api_path="", api_key="", credentials_text="hello world")
    )
    assert "does not look like BigCommerce's API credentials file" in page_text(response)
    assert not Cart.objects.exists()


def test_editing_with_an_empty_key_keeps_the_stored_key(merchant_client, company) -> None:
    cart = make_cart(company)
    stored = cart.api_key_encrypted
    response = merchant_client.post(cart.get_absolute_url(), new_cart_data(api_key="", import_as="invoice", import_status_ids=["11"]))
    assert response.status_code == 302
    cart.refresh_from_db()
    assert cart.api_key_encrypted == stored
    assert cart.import_as == "invoice"
    assert cart.import_status_ids == [11]


def test_the_edit_form_never_renders_the_key_back(merchant_client, company) -> None:
    cart = make_cart(company)
    page = merchant_client.get(cart.get_absolute_url()).content.decode()
    assert GUIDE_TOKEN not in page
    assert "63a9wg0iclgt0tm82bofravzgvkt13f" not in page  # even the full client id stays hidden


def test_auto_sync_cannot_run_before_a_passed_test_and_a_cut_off(merchant_client, company) -> None:
    cart = make_cart(company)
    response = merchant_client.post(cart.get_absolute_url(), new_cart_data(api_key="", auto_sync="running", import_status_ids=["11"]))
    text = page_text(response)
    assert "Auto-sync cannot run yet" in text
    assert "set 'Import orders from'" in text
    assert "pass Test Connection first" in text
    cart.refresh_from_db()
    assert cart.auto_sync == AutoSync.STOPPED


def test_auto_sync_runs_once_tested_with_cut_off_and_status(merchant_client, company) -> None:
    cart = make_cart(company)
    Cart.objects.filter(pk=cart.pk).update(last_test_passed=True)
    response = merchant_client.post(
        cart.get_absolute_url(),
        new_cart_data(api_key="", auto_sync="running", import_status_ids=["11"], import_orders_from="2026-11-01"),
    )
    assert response.status_code == 302
    cart.refresh_from_db()
    assert cart.auto_sync == AutoSync.RUNNING
    assert cart.import_orders_from == datetime.date(2026, 11, 1)


def test_changing_the_key_forgets_the_last_test(merchant_client, company) -> None:
    cart = make_cart(company)
    Cart.objects.filter(pk=cart.pk).update(last_test_passed=True, last_test_message="TEST PASSED")
    merchant_client.post(cart.get_absolute_url(), new_cart_data(api_key="newclientid123:newtoken456"))
    cart.refresh_from_db()
    assert cart.last_test_passed is None
    assert cart.client_id_hint == "newc…id123"


def test_test_connection_button_shows_the_result_and_records_it(merchant_client, company) -> None:
    cart = make_cart(company)
    result = ConnectionTestResult(True, "TEST PASSED: SUCCESSFULLY CONNECTED TO CART", "Store: Store BC")
    with mock.patch("carts.views.cart_test_connection", autospec=True, return_value=result) as test:
        response = merchant_client.post(reverse("carts:test", args=[cart.pk]), follow=True)
    test.assert_called_once_with(cart=cart)
    assert "TEST PASSED: SUCCESSFULLY CONNECTED TO CART" in response.content.decode()


def test_test_connection_opened_as_a_page_does_nothing_and_says_so_on_the_cart(merchant_client, company) -> None:
    """As after signing in again when a session ran out: the login page sends the browser to the button's address."""
    cart = make_cart(company)
    with mock.patch("carts.views.cart_test_connection", autospec=True) as test:
        response = merchant_client.get(reverse("carts:test", args=[cart.pk]), follow=True)
    test.assert_not_called()
    assert response.redirect_chain == [(reverse("carts:detail", args=[cart.pk]), 302)]
    assert "Nothing was done: that address is a button&#x27;s" in response.content.decode()
    assert merchant_client.put(reverse("carts:test", args=[cart.pk])).status_code == 405


def test_delete_removes_the_cart_and_its_log(merchant_client, company) -> None:
    cart = make_cart(company)
    CartLog.objects.create(company=company, cart=cart, kind="connection_test")
    assert merchant_client.get(reverse("carts:delete", args=[cart.pk])).status_code == 200
    response = merchant_client.post(reverse("carts:delete", args=[cart.pk]))
    assert response.status_code == 302
    assert not Cart.objects.exists() and not CartLog.objects.exists()


def test_the_edit_form_shows_the_stored_cut_off_date_so_saving_again_keeps_it(merchant_client, company) -> None:
    cart = make_cart(company, import_orders_from=datetime.date(2026, 11, 1))
    page = merchant_client.get(cart.get_absolute_url()).content.decode()
    assert 'type="date" name="import_orders_from" value="2026-11-01"' in page


def test_error_reports_hide_the_pasted_key_and_credentials(merchant_client, company) -> None:
    from django.test import RequestFactory
    from django.views.debug import SafeExceptionReporterFilter

    from carts.views import cart_new

    request = RequestFactory().post("/setup/carts/new/bigcommerce/", new_cart_data(credentials_text=GUIDE_CREDENTIALS_FILE))
    request.user, request.company = company.users.first(), company
    request._messages = mock.MagicMock()
    cart_new(request)
    cleansed = SafeExceptionReporterFilter().get_post_parameters(request)
    assert cleansed["api_key"] == cleansed["credentials_text"] == SafeExceptionReporterFilter.cleansed_substitute


def test_a_credentials_file_pasted_into_the_api_key_field_fills_key_and_url(merchant_client, company) -> None:
    response = merchant_client.post(reverse("carts:new"), new_cart_data(api_path="", api_key=GUIDE_CREDENTIALS_FILE))
    assert response.status_code == 302
    cart = Cart.objects.get(company=company)
    assert (cart.store_hash, cart.client_id_hint) == ("w5z5htrnkd", "63a9…kt13f")


def test_a_stray_space_in_the_key_is_said_where_it_is(merchant_client) -> None:
    response = merchant_client.post(reverse("carts:new"), new_cart_data(api_key=GUIDE_API_KEY.replace(":", ": ")))
    assert "Remove the space right after the colon" in page_text(response)


def test_after_a_form_error_the_key_is_kept_encrypted_never_in_clear(merchant_client, company) -> None:
    make_cart(company, name="Store BC")
    response = merchant_client.post(reverse("carts:new"), new_cart_data(api_key=GUIDE_CREDENTIALS_FILE))
    page = page_text(response)
    assert "You already have a cart named" in page
    assert f"Key kept, ends …{GUIDE_TOKEN[-3:]}" in page
    assert GUIDE_TOKEN not in page and "63a9wg0iclgt0tm82bofravzgvkt13f" not in page
    assert f'value="{GUIDE_API_PATH}"' in page  # the URL read from the pasted file is shown back
    kept = page.split('name="api_key_kept" value="')[1].split('"')[0]
    response = merchant_client.post(reverse("carts:new"), new_cart_data(name="Store BC 2", api_key="",
                                                                        api_key_kept=kept))
    assert response.status_code == 302
    assert Cart.objects.get(name="Store BC 2").client_id_hint == "63a9…kt13f"


def test_a_kept_key_is_worth_nothing_to_another_company(merchant_client, other_merchant_client, company) -> None:
    make_cart(company, name="Store BC")
    page = page_text(merchant_client.post(reverse("carts:new"), new_cart_data()))
    kept = page.split('name="api_key_kept" value="')[1].split('"')[0]
    response = other_merchant_client.post(reverse("carts:new"), new_cart_data(api_key="", api_key_kept=kept))
    assert response.status_code == 200 and "Enter the API key" in page_text(response)
    assert not Cart.objects.exclude(company=company).exists()


def test_a_new_cart_starts_with_awaiting_fulfillment_ticked_as_the_guide_says(merchant_client) -> None:
    page = merchant_client.get(reverse("carts:new")).content.decode()
    ticked = [tag for tag in page.split("<input") if 'name="import_status_ids"' in tag and "checked" in tag]
    assert len(ticked) == 1 and 'value="11"' in ticked[0]


def test_the_users_page_lists_the_companys_users_only(merchant_client, user, other_user) -> None:
    page = merchant_client.get(reverse("companies:users")).content.decode()
    assert user.username in page and other_user.username not in page


def test_every_menu_entry_opens_a_page(merchant_client) -> None:
    page = merchant_client.get(reverse("carts:list")).content.decode()
    menu = page[page.index('<nav class="menu"'):page.index("</nav>")]
    links = re.findall(r'href="([^"]+)"', menu)
    assert len(links) >= 7
    for url in links:
        response = merchant_client.get(url)
        assert response.status_code == 200 and "not available yet" not in response.content.decode(), url
