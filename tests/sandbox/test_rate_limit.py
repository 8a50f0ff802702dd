"""The store-wide quota and its headers behave as api-rate-limits.mdx documents."""

import time

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
