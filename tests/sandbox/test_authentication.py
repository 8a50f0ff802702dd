"""Every Test Connection failure can be shown: 401 token, 403 scope (checked before lookup), 404 store hash."""

import pytest
import requests

from tests.sandbox.conftest import api_session, v2, v3

READS = {"information": ("v2", "/store"), "orders": ("v2", "/orders"), "products": ("v3", "/catalog/products")}
# Which reads each account may make (the accounts' scopes are in sandbox/accounts.py and docs/sandbox.md).
ALLOWED = {
    "full": {"information", "orders", "products"},
    "no-products": {"information", "orders"},
    "no-orders": {"information", "products"},
    "orders-read-only": {"information", "orders", "products"},
    "no-information": {"orders", "products"},
    "no-inventory": {"information", "orders", "products"},
}


def url(server, version: str, path: str) -> str:
    return v2(server, path) if version == "v2" else v3(server, path)


@pytest.mark.parametrize("account", sorted(ALLOWED))
def test_each_account_reaches_exactly_the_resources_of_its_scopes(sandbox, account):
    session = api_session(sandbox, account)
    for resource, (version, path) in READS.items():
        expected = 200 if resource in ALLOWED[account] else 403
        assert session.get(url(sandbox, version, path)).status_code == expected, (account, resource)


def test_orders_modify_probe_answers_404_with_the_scope_and_403_without(sandbox):
    assert api_session(sandbox, "full").put(v2(sandbox, "/orders/0"), json={}).status_code == 404
    assert api_session(sandbox, "orders-read-only").put(v2(sandbox, "/orders/0"), json={}).status_code == 403
    assert api_session(sandbox, "no-orders").put(v2(sandbox, "/orders/0"), json={}).status_code == 403


def test_scopes_are_checked_before_the_resource_is_looked_up(sandbox):
    missing = sandbox.store.examples()["deleted_product"]
    assert api_session(sandbox, "no-products").get(v3(sandbox, f"/catalog/products/{missing}")).status_code == 403
    assert api_session(sandbox, "full").get(v3(sandbox, f"/catalog/products/{missing}")).status_code == 404


def test_order_statuses_need_the_orders_scope(sandbox):
    assert api_session(sandbox, "no-orders").get(v2(sandbox, "/order_statuses")).status_code == 403
    assert api_session(sandbox, "orders-read-only").get(v2(sandbox, "/order_statuses")).status_code == 200


def test_a_missing_wrong_or_revoked_token_is_401(sandbox):
    assert requests.get(v2(sandbox, "/store")).status_code == 401
    assert requests.get(v2(sandbox, "/store"), headers={"X-Auth-Token": "0" * 31}).status_code == 401
    session = api_session(sandbox, "full")
    assert session.get(v2(sandbox, "/store")).status_code == 200
    sandbox.store.revoke_account("full")
    assert session.get(v2(sandbox, "/store")).status_code == 401
    assert api_session(sandbox, "no-orders").get(v2(sandbox, "/store")).status_code == 200


def test_an_unknown_store_hash_is_404(sandbox):
    answer = api_session(sandbox).get(f"{sandbox.base_url}/stores/nosuchstore/v3/catalog/products")
    assert answer.status_code == 404
    assert answer.json()["status"] == 404


def test_scopes_can_be_changed_at_run_time(sandbox):
    session = api_session(sandbox, "no-products")
    sandbox.store.set_scopes("no-products", ["store_v2_products"])
    assert session.get(v3(sandbox, "/catalog/products")).status_code == 200
    assert session.get(v2(sandbox, "/orders")).status_code == 403
    with pytest.raises(ValueError):
        sandbox.store.set_scopes("no-products", ["store_v2_everything"])


def test_credentials_follow_bigcommerce_formats(sandbox):
    for account in sandbox.accounts.values():
        assert len(account.client_id) == len(account.access_token) == 31
        assert (account.client_id + account.access_token).isalnum() and (account.client_id + account.access_token).islower()
    full = sandbox.accounts["full"]
    assert sandbox.api_key() == f"{full.client_id}:{full.access_token}"
    assert sandbox.credentials_text() == (
        f"ACCESS TOKEN: {full.access_token}\nCLIENT NAME: full\nCLIENT ID: {full.client_id}\n"
        f"CLIENT SECRET: {full.client_secret}\nNAME: full\nAPI PATH: {sandbox.base_url}/stores/sandbox1/v3/\n")
    assert sandbox.api_path == f"http://{sandbox.host_port}/stores/sandbox1/v3/"
    assert len({account.access_token for account in sandbox.accounts.values()}) == len(sandbox.accounts)


def test_the_token_option_sets_the_full_accounts_token():
    from sandbox.server import SandboxServer

    with SandboxServer(products=20, orders=20, token="mytoken123") as server:
        assert requests.get(v2(server, "/store"), headers={"X-Auth-Token": "mytoken123"}).status_code == 200
