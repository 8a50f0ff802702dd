"""The BigCommerce client against faked HTTP: headers, paging, retries, rate limits, typed errors."""
from __future__ import annotations

import pytest
import requests
import responses

from carts.platforms.bigcommerce.client import BigCommerceClient
from carts.platforms.budget import RESET_MARGIN_SECONDS
from carts.platforms.bigcommerce.credentials import AllowedHosts, parse_api_key, parse_api_path
from carts.platforms.bigcommerce.errors import (
    AuthenticationFailed,
    HostNotAllowed,
    InvalidResponse,
    MissingScope,
    NetworkError,
    NotFound,
    RateLimited,
    ServerError,
)
from tests.carts.platforms.bigcommerce.conftest import API_KEY_TEXT, V2, V3, fixture_json

TOKEN = API_KEY_TEXT.split(":")[1]


def v3_page(ids: list[int], page: int, total_pages: int, total: int) -> dict:
    return {
        "data": [{"id": product_id, "sku": f"SKU-{product_id}"} for product_id in ids],
        "meta": {"pagination": {"total": total, "count": len(ids), "per_page": 2, "current_page": page,
                                "total_pages": total_pages, "links": {}}},
    }


@responses.activate
def test_requests_carry_auth_and_json_headers(make_client) -> None:
    responses.get(f"{V2}/store", json=fixture_json("store.json"))
    store = make_client().store_information()
    assert store["name"] == "Store BC"
    sent = responses.calls[0].request
    assert sent.headers["X-Auth-Token"] == TOKEN
    assert sent.headers["X-Auth-Client"] == "63a9wg0iclgt0tm82bofravzgvkt13f"
    assert sent.headers["Accept"] == "application/json"
    assert sent.headers["Content-Type"] == "application/json"


@responses.activate
def test_v3_pagination_follows_meta_pagination_to_the_last_page(make_client) -> None:
    for page, ids in ((1, [1, 2]), (2, [3, 4]), (3, [5])):
        responses.get(
            f"{V3}/catalog/products",
            json=v3_page(ids, page, total_pages=3, total=5),
            match=[responses.matchers.query_param_matcher({"page": str(page), "limit": "2"})],
        )
    client = make_client()
    assert [product["id"] for page in client.iter_v3_pages("/catalog/products", page_size=2) for product in page.items] == [1, 2, 3, 4, 5]
    assert client.stats.requests == 3


@responses.activate
def test_v3_pagination_is_lazy(make_client) -> None:
    responses.get(f"{V3}/catalog/products", json=v3_page([1, 2], 1, total_pages=50, total=100))
    client = make_client()
    first = next(iter(client.iter_v3_pages("/catalog/products", page_size=2))).items[0]
    assert first["id"] == 1
    assert client.stats.requests == 1


@responses.activate
def test_v2_pagination_stops_on_a_short_page_without_asking_for_more(make_client) -> None:
    responses.get(f"{V2}/orders", json=[{"id": 100}, {"id": 101}],
                  match=[responses.matchers.query_param_matcher({"page": "1", "limit": "2"})])
    responses.get(f"{V2}/orders", json=[{"id": 102}],
                  match=[responses.matchers.query_param_matcher({"page": "2", "limit": "2"})])
    client = make_client()
    assert [order["id"] for order in client.iter_v2("/orders", page_size=2)] == [100, 101, 102]
    assert client.stats.requests == 2


@responses.activate
def test_v2_pagination_ends_on_http_204_past_the_last_page(make_client) -> None:
    responses.get(f"{V2}/orders", json=[{"id": 100}, {"id": 101}],
                  match=[responses.matchers.query_param_matcher({"status_id": "11", "page": "1", "limit": "2"})])
    responses.get(f"{V2}/orders", status=204, body="",
                  match=[responses.matchers.query_param_matcher({"status_id": "11", "page": "2", "limit": "2"})])
    client = make_client()
    assert [order["id"] for order in client.iter_v2("/orders", {"status_id": 11}, page_size=2)] == [100, 101]


@responses.activate
def test_429_with_reset_header_waits_that_long_then_succeeds(make_client, fake_time) -> None:
    responses.get(f"{V2}/store", status=429, json={"status": 429, "title": "Too many requests"},
                  headers={"X-Rate-Limit-Time-Reset-Ms": "15000", "X-Rate-Limit-Requests-Left": "0",
                           "X-Rate-Limit-Requests-Quota": "150", "X-Rate-Limit-Time-Window-Ms": "30000"})
    responses.get(f"{V2}/store", json=fixture_json("store.json"))
    client = make_client()
    assert client.store_information()["currency"] == "GBP"
    assert fake_time.sleeps == [pytest.approx(15.0 + RESET_MARGIN_SECONDS)]
    assert client.stats.rate_limit_waits == 1
    assert client.stats.retries == 0


@responses.activate
def test_429_without_headers_backs_off_exponentially_then_succeeds(make_client, fake_time) -> None:
    for _ in range(2):
        responses.get(f"{V2}/store", status=429, body="")
    responses.get(f"{V2}/store", json=fixture_json("store.json"))
    client = make_client()
    client.store_information()
    # equal jitter with jitter()=0.5: 0.75 × the capped exponential step (0.5 s, 1 s)
    assert fake_time.sleeps == [pytest.approx(0.375), pytest.approx(0.75)]
    assert client.stats.retries == 2


@responses.activate
def test_429_without_headers_gives_up_after_max_attempts(make_client) -> None:
    responses.get(f"{V2}/store", status=429, body="")
    client = make_client(max_attempts=3)
    with pytest.raises(RateLimited) as raised:
        client.store_information()
    assert raised.value.status == 429
    assert client.stats.requests == 3


@responses.activate
def test_rate_limit_waits_stop_at_the_total_time_bound(make_client) -> None:
    responses.get(f"{V2}/store", status=429, body="", headers={"X-Rate-Limit-Time-Reset-Ms": "30000"})
    client = make_client(max_total_seconds=70)
    with pytest.raises(RateLimited, match="rate limit"):
        client.store_information()
    assert client.stats.rate_limit_waits == 2


@responses.activate
def test_server_error_then_success_is_retried(make_client) -> None:
    responses.get(f"{V2}/store", status=503, json={"status": 503, "title": "Down for maintenance"})
    responses.get(f"{V2}/store", status=500, body="oops")
    responses.get(f"{V2}/store", json=fixture_json("store.json"))
    client = make_client()
    assert client.store_information()["name"] == "Store BC"
    assert client.stats.requests == 3


@responses.activate
def test_persistent_server_error_raises_server_error_with_status(make_client) -> None:
    responses.get(f"{V2}/store", status=502, body="bad gateway")
    with pytest.raises(ServerError) as raised:
        make_client(max_attempts=2).store_information()
    assert raised.value.status == 502
    assert raised.value.path == "/store"


@responses.activate
def test_timeout_is_retried_then_reported_as_network_error(make_client) -> None:
    responses.get(f"{V2}/store", body=requests.ReadTimeout("read timed out"))
    responses.get(f"{V2}/store", json=fixture_json("store.json"))
    assert make_client().store_information()["name"] == "Store BC"

    responses.replace(responses.GET, f"{V2}/store", body=requests.ConnectTimeout("connect timed out"))
    with pytest.raises(NetworkError, match="did not answer in time"):
        make_client(max_attempts=2).store_information()


@responses.activate
def test_connection_reset_is_retried(make_client) -> None:
    responses.get(f"{V2}/store", body=requests.ConnectionError("Connection reset by peer"))
    responses.get(f"{V2}/store", json=fixture_json("store.json"))
    client = make_client()
    assert client.store_information()["name"] == "Store BC"
    assert client.stats.retries == 1


@responses.activate
def test_truncated_json_is_retried_and_bad_json_finally_raises_invalid_response(make_client) -> None:
    responses.get(f"{V2}/order_statuses", body='[{"id": 0, "name": "Incompl')
    responses.get(f"{V2}/order_statuses", json=fixture_json("order_statuses.json"))
    assert len(make_client().order_statuses()) == 3

    responses.replace(responses.GET, f"{V2}/order_statuses", body="<html>maintenance</html>")
    with pytest.raises(InvalidResponse, match="not valid JSON"):
        make_client(max_attempts=2).order_statuses()


@responses.activate
def test_wrong_shape_raises_invalid_response(make_client) -> None:
    responses.get(f"{V2}/order_statuses", json={"data": []})
    with pytest.raises(InvalidResponse, match="expected JSON list"):
        make_client(max_attempts=1).order_statuses()
    responses.get(f"{V3}/catalog/products", json={"data": "nope"})
    with pytest.raises(InvalidResponse, match="data list or meta.pagination"):
        make_client(max_attempts=1).products_probe()


@pytest.mark.parametrize(
    ("status", "error_class", "body"),
    [
        (401, AuthenticationFailed, {"status": 401, "title": "Unauthorized", "type": "about:blank"}),
        (403, MissingScope, {"status": 403, "title": "You don't have a required scope to access the endpoint"}),
        (404, NotFound, [{"status": 404, "message": "The requested resource was not found."}]),
    ],
)
@responses.activate
def test_client_errors_are_typed_not_retried_and_never_contain_the_token(make_client, status, error_class, body) -> None:
    responses.get(f"{V2}/store", status=status, json=body)
    client = make_client()
    with pytest.raises(error_class) as raised:
        client.store_information()
    assert client.stats.requests == 1
    assert raised.value.status == status
    assert TOKEN not in str(raised.value) and TOKEN not in repr(raised.value.args)
    assert f"({status})" in raised.value.message


@responses.activate
def test_orders_modify_probe_passes_on_404_and_fails_on_403(make_client) -> None:
    responses.put(f"{V2}/orders/0", status=404, json=[{"status": 404, "message": "not found"}])
    make_client().orders_modify_probe()
    assert responses.calls[0].request.body == "{}"
    responses.replace(responses.PUT, f"{V2}/orders/0", status=403, json={"status": 403, "title": "scope"})
    with pytest.raises(MissingScope):
        make_client().orders_modify_probe()


@responses.activate
def test_redirects_are_never_followed(make_client) -> None:
    responses.get(f"{V2}/store", status=301, headers={"Location": "https://evil.example/steal"})
    with pytest.raises(InvalidResponse, match="redirect"):
        make_client().store_information()
    assert len(responses.calls) == 1


@responses.activate
def test_low_quota_waits_for_the_window_to_reset_instead_of_running_out(make_client, fake_time) -> None:
    # 6 left, a reserve of 5: one more request is granted, the next waits the 8 s to the reset (plus the margin).
    responses.get(f"{V2}/store", json=fixture_json("store.json"),
                  headers={"X-Rate-Limit-Requests-Left": "6", "X-Rate-Limit-Time-Reset-Ms": "8000",
                           "X-Rate-Limit-Requests-Quota": "150", "X-Rate-Limit-Time-Window-Ms": "30000"})
    client = make_client(low_quota_threshold=5)
    client.store_information()
    client.store_information()
    assert fake_time.sleeps == []
    client.store_information()
    assert fake_time.sleeps == [pytest.approx(8.0 + RESET_MARGIN_SECONDS)]
    assert client.stats.throttle_waits == 1
    assert str(client.budget.plan()) == "150 requests per 30 seconds"


@responses.activate
def test_a_used_up_budget_longer_than_the_retry_time_is_rate_limited(make_client, fake_time) -> None:
    responses.get(f"{V2}/store", json=fixture_json("store.json"),
                  headers={"X-Rate-Limit-Requests-Left": "0", "X-Rate-Limit-Time-Reset-Ms": "90000"})
    client = make_client(max_total_seconds=20)
    client.store_information()
    with pytest.raises(RateLimited, match="quota is used up"):
        client.store_information()
    assert len(responses.calls) == 1


def test_client_refuses_a_host_that_is_not_allowed() -> None:
    sandbox = AllowedHosts.from_setting(["127.0.0.1:8001"])
    api_path = parse_api_path("http://127.0.0.1:8001/stores/abc/v3/", allowed_hosts=sandbox)
    with pytest.raises(HostNotAllowed):
        BigCommerceClient(api_path=api_path, api_key=parse_api_key(API_KEY_TEXT), allowed_hosts=AllowedHosts())


@responses.activate
def test_a_name_resolving_to_loopback_is_refused_and_nothing_is_sent(make_client, resolve_to) -> None:
    resolve_to["address"] = "127.0.0.1"
    responses.get(f"{V2}/store", json=fixture_json("store.json"))
    with pytest.raises(HostNotAllowed, match="non-public address"):
        make_client().store_information()
    assert len(responses.calls) == 0


@responses.activate
def test_a_name_resolving_to_a_private_network_is_refused(make_client, resolve_to) -> None:
    resolve_to["address"] = "10.0.0.5"
    responses.get(f"{V2}/store", json=fixture_json("store.json"))
    with pytest.raises(HostNotAllowed):
        make_client().store_information()
    assert len(responses.calls) == 0


@responses.activate
def test_an_answer_without_rate_limit_headers_forgets_the_quota(make_client) -> None:
    responses.get(f"{V2}/store", json=fixture_json("store.json"),
                  headers={"X-Rate-Limit-Requests-Left": "100", "X-Rate-Limit-Time-Reset-Ms": "8000",
                           "X-Rate-Limit-Requests-Quota": "150", "X-Rate-Limit-Time-Window-Ms": "30000"})
    responses.get(f"{V2}/store", json=fixture_json("store.json"))
    client = make_client()
    client.store_information()
    assert client.budget.plan() is not None
    client.store_information()
    assert client.budget.plan() is None
