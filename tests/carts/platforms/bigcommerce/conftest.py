"""Client-test fixtures: a client against a fake official host, with time under the test's control."""
from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from carts.platforms.base import RetryPolicy
from carts.platforms.bigcommerce.client import BigCommerceClient
from carts.platforms.bigcommerce.credentials import AllowedHosts, parse_api_key, parse_api_path

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "bigcommerce"
API_KEY_TEXT = "63a9wg0iclgt0tm82bofravzgvkt13f:cc4corno7j5xoisu07d1ixn4q28gp07"
V2 = "https://api.bigcommerce.com/stores/w5z5htrnkd/v2"
V3 = "https://api.bigcommerce.com/stores/w5z5htrnkd/v3"
PUBLIC_ADDRESS = "203.0.113.10"  # stands in for BigCommerce's address; tests never reach it


def fixture_json(name: str) -> object:
    return json.loads((FIXTURES / name).read_text())


class FakeTime:
    """A clock that only moves when the client sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now


@pytest.fixture
def resolve_to(monkeypatch):
    """Make host names resolve to the given address (public by default), as DNS would."""
    answer = {"address": "93.184.216.34"}

    def fake_getaddrinfo(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answer["address"], port or 443))]

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)
    return answer


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def make_client(resolve_to, fake_time):
    created = []

    def build(**retry_overrides) -> BigCommerceClient:
        client = BigCommerceClient(
            api_path=parse_api_path(V3 + "/", allowed_hosts=AllowedHosts()),
            api_key=parse_api_key(API_KEY_TEXT),
            allowed_hosts=AllowedHosts(),
            retry=RetryPolicy(**{"max_attempts": 4, "max_total_seconds": 60, **retry_overrides}),
            sleep=fake_time.sleep,
            clock=fake_time.clock,
            jitter=lambda: 0.5,
        )
        created.append(client)
        return client

    yield build
    for client in created:
        client.close()
