"""Test Connection over real HTTP against the sandbox store: the pass and every failure's message."""
from __future__ import annotations

import socket

import pytest

from carts.platforms.bigcommerce.constants import STANDARD_ORDER_STATUSES
from carts.platforms.bigcommerce.credentials import AllowedHosts
from carts.models import CartLog
from carts.connection_test import TEST_PASSED, cart_test_connection
from tests.carts.factories import make_cart, make_sandbox_cart

pytestmark = pytest.mark.django_db


def test_full_account_passes_and_records_store_details_and_status_labels(company, sandbox_allowed) -> None:
    sandbox_allowed.store.rename_status(11, "Ready to pack")
    cart = make_sandbox_cart(company, sandbox_allowed)
    result = cart_test_connection(cart=cart)
    assert result.passed, result.message
    assert result.message == TEST_PASSED == "TEST PASSED: SUCCESSFULLY CONNECTED TO CART"
    assert "Currency:" in result.detail and "Time zone:" in result.detail
    cart.refresh_from_db()
    assert cart.last_test_passed is True and cart.last_test_at is not None
    assert cart.store_name and cart.store_currency
    assert cart.status_label(11) == "Ready to pack"
    assert set(map(int, cart.status_labels)) == set(STANDARD_ORDER_STATUSES)
    log = CartLog.objects.get(cart=cart)
    # store, products, statuses, then each feature's probe: orders modify (shipments), inventory modify (stock push)
    assert log.status == "succeeded" and log.api_requests == 5
    assert "Shipments: ready" in result.detail and "Stock push: ready" in result.detail


@pytest.mark.parametrize(
    ("account", "missing_scope"),
    [
        ("no-information", "Information & Settings: read-only"),
        ("no-products", "Products: read-only"),
        ("no-orders", "Orders: read-only"),
    ],
)
def test_each_missing_scope_is_named_with_its_fix(company, sandbox_allowed, account, missing_scope) -> None:
    cart = make_sandbox_cart(company, sandbox_allowed, account=account)
    result = cart_test_connection(cart=cart)
    assert not result.passed
    assert result.message.startswith("TEST FAILED: ")
    assert f"lacks the OAuth scope '{missing_scope}'" in result.message
    assert "create a new API account" in result.message
    cart.refresh_from_db()
    assert cart.last_test_passed is False and cart.last_test_message.startswith("TEST FAILED")


def test_a_mistyped_token_is_reported_as_refused(company, sandbox_allowed) -> None:
    client_id = sandbox_allowed.api_key().split(":")[0]
    result = cart_test_connection(cart=make_sandbox_cart(company, sandbox_allowed, api_key=f"{client_id}:wrongtoken123"))
    assert "refused the access token (401)" in result.message
    assert "wrongtoken123" not in result.message


def test_a_revoked_account_is_reported_as_refused(company, sandbox_allowed) -> None:
    cart = make_sandbox_cart(company, sandbox_allowed)
    sandbox_allowed.store.revoke_account("full")
    assert "refused the access token (401)" in cart_test_connection(cart=cart).message


def test_a_wrong_store_hash_is_reported_with_the_hash(company, sandbox_allowed) -> None:
    api_path = sandbox_allowed.api_path.replace("/sandbox1/", "/nosuchstore/")
    result = cart_test_connection(cart=make_sandbox_cart(company, sandbox_allowed, api_path=api_path))
    assert "no store with the hash 'nosuchstore' (404)" in result.message


def test_a_store_that_does_not_answer_is_reported(company, settings) -> None:
    with socket.socket() as probe:  # a port with nothing listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.BIGCOMMERCE_EXTRA_API_HOSTS = [f"127.0.0.1:{port}"]
    cart = make_cart(company, api_path=f"http://127.0.0.1:{port}/stores/abc/v3/",
                     allowed_hosts=AllowedHosts.from_setting([f"127.0.0.1:{port}"]))
    result = cart_test_connection(cart=cart)
    assert result.message.startswith("TEST FAILED: BigCommerce did not answer")


def test_a_cart_whose_host_was_removed_from_the_allowed_list_contacts_nothing(company, sandbox_allowed, settings) -> None:
    cart = make_sandbox_cart(company, sandbox_allowed)
    settings.BIGCOMMERCE_EXTRA_API_HOSTS = []
    sandbox_allowed.store.reset_stats()
    result = cart_test_connection(cart=cart)
    assert not result.passed and "Only BigCommerce's API host" in result.message
    assert sandbox_allowed.store.stats()["total_requests"] == 0


@pytest.mark.parametrize(("account", "feature", "missing_scope", "working"), [
    ("orders-read-only", "Shipments", "Orders: modify", "TEST PASSED"),  # (this account lacks inventory too)
    ("no-inventory", "Stock push", "Store Inventory: modify", "Shipments: ready"),
])
def test_a_features_missing_scope_is_named_for_that_feature_and_blocks_nothing_else(company, sandbox_allowed, account,
                                                                                    feature, missing_scope, working):
    result = cart_test_connection(cart=make_sandbox_cart(company, sandbox_allowed, account=account))
    assert result.passed  # importing items and orders works
    assert f"{feature}: not available: the API account lacks the OAuth scope '{missing_scope}'" in result.detail
    assert working in f"{result.message} {result.detail}"


def test_the_new_cart_form_names_the_scopes_of_each_feature(merchant_client) -> None:
    page = merchant_client.get("/setup/carts/new/bigcommerce/").content.decode()
    assert "<strong>Stock push</strong>: <em>Products: read-only</em>, <em>Store Inventory: modify (" in page
    assert "call it Products: modify" in page  # inventory.v3.yml says Store Inventory; some guides say Products
    assert "<strong>Shipments</strong>: <em>Orders: modify</em>" in page
