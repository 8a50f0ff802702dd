"""'Post differences up to [amount] to account [ledger account]': opt-in, both or neither, the company's own account.

The same rule on the cart screen, `cart add` / `cart update` and the admin.
"""
from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from carts.models import Cart
from items.ledger import ledger_account_create
from items.models import LedgerAccountType
from tests.carts.factories import GUIDE_API_KEY, GUIDE_API_PATH, make_cart
from tests.carts.test_admin import admin_form, operator_client  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db

BOTH_OR_NEITHER = "Set both &#x27;Post differences up to&#x27; and its account, or neither"


@pytest.fixture
def account(company):
    return ledger_account_create(company=company, name="Order differences", account_type=LedgerAccountType.EXPENSE)


def settings_form(cart: Cart, **changes: object) -> dict:
    """The cart's Settings tab as it is, with `changes` typed in."""
    values = {"name": cart.name, "api_path": cart.api_path, "api_version": "3", "import_as": cart.import_as,
              "import_status_ids": [str(status_id) for status_id in cart.import_status_ids], "auto_sync": "stopped",
              "sync_interval_minutes": "15", "web_customer_name": cart.web_customer_name,
              "post_differences_up_to": "", "differences_account": ""}
    return {**values, **changes}


def cart_command(*arguments: str) -> str:
    out = StringIO()
    call_command("cart", *arguments, stdout=out)
    return out.getvalue()


def test_the_settings_tab_saves_an_amount_with_its_account(company, merchant_client, account) -> None:
    cart = make_cart(company)
    response = merchant_client.post(cart.get_absolute_url(), settings_form(
        cart, post_differences_up_to="0.05", differences_account=str(account.pk)))
    assert response.status_code == 302
    cart.refresh_from_db()
    assert (cart.post_differences_up_to, cart.differences_account) == (Decimal("0.05"), account)


@pytest.mark.parametrize("half", ["amount", "account"])
def test_the_settings_tab_refuses_half_of_the_setting(company, merchant_client, account, half) -> None:
    cart = make_cart(company)
    typed = {"post_differences_up_to": "0.05"} if half == "amount" else {"differences_account": str(account.pk)}
    response = merchant_client.post(cart.get_absolute_url(), settings_form(cart, **typed))
    assert response.status_code == 200 and BOTH_OR_NEITHER in response.content.decode()
    cart.refresh_from_db()
    assert (cart.post_differences_up_to, cart.differences_account) == (None, None)


def test_another_companys_account_is_not_offered_nor_accepted(company, other_company, merchant_client) -> None:
    theirs = ledger_account_create(company=other_company, name="Theirs", account_type=LedgerAccountType.EXPENSE)
    cart = make_cart(company)
    page = merchant_client.get(cart.get_absolute_url()).content.decode()
    assert "Theirs" not in page
    response = merchant_client.post(cart.get_absolute_url(), settings_form(
        cart, post_differences_up_to="1", differences_account=str(theirs.pk)))
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert Cart.objects.get(pk=cart.pk).differences_account is None


def test_cart_add_and_update_take_the_setting_by_the_accounts_name_and_off_clears_it(company, account) -> None:
    cart_command("add", "Store BC", "--company", company.account_number, "--api-path", GUIDE_API_PATH, "--api-key",
                 GUIDE_API_KEY, "--post-differences-up-to", "0.10", "--differences-account", "order DIFFERENCES")
    cart = Cart.objects.get(company=company)
    assert (cart.post_differences_up_to, cart.differences_account) == (Decimal("0.10"), account)
    output = cart_command("update", "Store BC", "--company", company.account_number, "--post-differences-up-to", "2")
    cart.refresh_from_db()
    assert "Saved cart 'Store BC'" in output
    assert (cart.post_differences_up_to, cart.differences_account) == (Decimal("2"), account)
    cart_command("update", "Store BC", "--company", company.account_number, "--post-differences-up-to", "off")
    cart.refresh_from_db()
    assert (cart.post_differences_up_to, cart.differences_account) == (None, None)
    assert cart.api_key_masked and cart.api_path == GUIDE_API_PATH  # the rest is unchanged


@pytest.mark.parametrize(("flags", "message"), [
    (["--post-differences-up-to", "1"], "Set both 'Post differences up to' and its account, or neither"),
    (["--differences-account", "No such account"], "has no ledger account named 'No such account'"),
    (["--post-differences-up-to", "-1", "--differences-account", "Sales"], "greater than or equal to 0"),
])
def test_cart_update_refuses_half_a_setting_or_an_unknown_account_with_exit_status_2(company, flags, message) -> None:
    make_cart(company)
    with pytest.raises(CommandError) as raised:
        cart_command("update", "Store BC", "--company", company.account_number, *flags)
    assert raised.value.returncode == 2 and message in str(raised.value)
    assert Cart.objects.get(company=company).post_differences_up_to is None


def test_cart_update_changes_only_what_is_given_and_notes_statuses_that_are_never_sales(company) -> None:
    make_cart(company, import_status_ids=(11,))
    output = cart_command("update", "Store BC", "--company", company.account_number, "--status",
                          "Awaiting Fulfillment", "--status", "Declined", "--interval", "30")
    cart = Cart.objects.get(company=company)
    assert (cart.import_status_ids, cart.sync_interval_minutes, cart.import_as) == ([11, 6], 30, "cash_sale")
    assert "Note: Orders with status Declined are never booked as sales" in output


def test_the_admin_refuses_half_of_the_setting(company, operator_client, account) -> None:  # noqa: F811
    cart = make_cart(company)
    response = operator_client.post(reverse("admin:carts_cart_change", args=[cart.pk]),
                                    admin_form(cart, post_differences_up_to="3"))
    assert response.status_code == 200 and BOTH_OR_NEITHER in response.content.decode()
    response = operator_client.post(reverse("admin:carts_cart_change", args=[cart.pk]),
                                    admin_form(cart, post_differences_up_to="3", differences_account=account.pk))
    assert response.status_code == 302
    assert Cart.objects.get(pk=cart.pk).differences_account == account
