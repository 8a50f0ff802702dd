"""The store-wide quota and its headers behave as api-rate-limits.mdx documents."""

import time

import requests

from sandbox.api import ROUTES
from sandbox.server import SandboxServer
from tests.sandbox.conftest import api_session, v2, v3

HEADERS = ("X-Rate-Limit-Time-Window-Ms", "X-Rate-Limit-Time-Reset-Ms", "X-Rate-Limit-Requests-Quota", "X-Rate-Limit-Requests-Left")


def test_every_response_carries_the_four_headers_and_the_quota_counts_down():
    with SandboxServer(products=20, orders=20, rate_limit_quota=5, rate_limit_window_ms=1000) as server:
        session = api_session(server)
        answers = [session.get(v2(server, "/orders"), params={"limit": 1}) for _ in range(5)]
        assert [int(answer.headers["X-Rate-Limit-Requests-Left"]) for answer in answers] == [4, 3, 2, 1, 0]
        for answer in answers:
            assert answer.status_code == 200
            assert answer.headers["X-Rate-Limit-Requests-Quota"] == "5"
            assert answer.headers["X-Rate-Limit-Time-Window-Ms"] == "1000"
            assert 0 <= int(answer.headers["X-Rate-Limit-Time-Reset-Ms"]) <= 1000


def test_a_spent_quota_answers_429_with_the_headers_until_the_window_resets():
    with SandboxServer(products=20, orders=20, rate_limit_quota=3, rate_limit_window_ms=500) as server:
        session = api_session(server)
        for _ in range(3):
            assert session.get(v3(server, "/catalog/summary")).status_code == 200
        limited = session.get(v3(server, "/catalog/summary"))
        assert limited.status_code == 429
        assert limited.headers["X-Rate-Limit-Requests-Left"] == "0"
        time.sleep(int(limited.headers["X-Rate-Limit-Time-Reset-Ms"]) / 1000 + 0.05)
        assert session.get(v3(server, "/catalog/summary")).status_code == 200
        assert server.store.stats()["rate_limited"] == 1


def test_all_accounts_share_the_stores_quota():
    with SandboxServer(products=20, orders=20, rate_limit_quota=2, rate_limit_window_ms=60_000) as server:
        assert api_session(server, "full").get(v2(server, "/store")).status_code == 200
        assert api_session(server, "no-orders").get(v2(server, "/store")).status_code == 200
        assert api_session(server, "no-products").get(v2(server, "/store")).status_code == 429


def test_plan_presets():
    for plan, quota in (("standard", "150"), ("pro", "450")):
        with SandboxServer(products=20, orders=20, plan=plan) as server:
            answer = api_session(server).get(v2(server, "/store"))
            assert answer.headers["X-Rate-Limit-Requests-Quota"] == quota
            assert answer.headers["X-Rate-Limit-Time-Window-Ms"] == "30000"
    with SandboxServer(products=20, orders=20, plan="unlimited") as server:
        answer = api_session(server).get(v2(server, "/store"))
        assert not any(header in answer.headers for header in HEADERS)


def test_every_endpoint_answers_with_the_quota_headers_errors_included():
    with SandboxServer(products=20, orders=20, plan="standard") as server:
        examples = server.store.examples()
        product = server.store.catalog.product(examples["product_30_variants"])
        order = server.store.order(examples["modified_order"])
        ids = {"order_id": order.order["id"], "line_id": order.lines[0]["id"], "status_id": 11, "product_id": product.id,
               "variant_id": product.variants[0].id, "shipment_id": 999, "refund_id": 999, "webhook_id": 999}
        session = api_session(server)
        seen = set()
        for route in ROUTES:
            path = route.template.format(**ids)
            url = v2(server, path) if route.version == "v2" else v3(server, path)
            answer = session.request(route.method, url, json={})  # empty bodies: refusals must carry the headers too
            seen.add(answer.status_code)
            assert answer.headers["X-Rate-Limit-Requests-Quota"] == "150", (route.method, path, answer.status_code)
            assert answer.headers["X-Rate-Limit-Time-Window-Ms"] == "30000"
            assert all(header in answer.headers for header in HEADERS)
        assert {200, 204, 400, 404, 422} <= seen
        assert all(header in requests.get(v2(server, "/store")).headers for header in HEADERS)  # 401 too


def test_the_plan_and_its_quota_are_readable():
    for plan, name, quota in (("standard", "Standard", 150), ("plus", "Plus", 150), ("pro", "Pro", 450), ("unlimited", "Enterprise", None)):
        with SandboxServer(products=20, orders=20, plan=plan) as server:
            store = api_session(server).get(v2(server, "/store"))
            assert store.json()["plan_name"] == store.json()["plan_level"] == name
            assert store.headers.get("X-Rate-Limit-Requests-Quota") == (str(quota) if quota else None)
            assert requests.get(f"{server.base_url}/_sandbox/plan").json() == {
                "plan": plan, "plan_name": name, "quota": quota, "window_ms": 30_000 if quota else None}
