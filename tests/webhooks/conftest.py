"""Webhook-test fixtures: a Running cart on a sandbox store over real HTTP, with PUBLIC_BASE_URL set."""
from __future__ import annotations

import pytest

from carts.models import Cart
from sandbox.server import SandboxServer
from tests.items.conftest import eager_celery  # noqa: F401 - shared with the item tests
from tests.orders.conftest import fresh_store, running_cart  # noqa: F401 - the store fixture, shared

# Loopback (port 9, discard): a delivery the sandbox attempts never leaves this machine.
PUBLIC = "http://127.0.0.1:9"
SECRET_HEADER = "X-Salesorder-Hook-Secret"
# webhooks-events.mdx, "Orders": the events an order import needs.
ORDER_SCOPES = {"store/order/created", "store/order/updated", "store/order/statusUpdated", "store/order/refund/created"}


@pytest.fixture
def public_url(settings) -> str:
    settings.PUBLIC_BASE_URL = PUBLIC
    return PUBLIC


@pytest.fixture
def hooked_cart(company, fresh_store: SandboxServer, public_url: str) -> Cart:
    """A Running cart (Test Connection passed) on its own sandbox store, PUBLIC_BASE_URL set."""
    return running_cart(company, fresh_store)


def store_hooks(server: SandboxServer, account: str = "full") -> list:
    """The hooks the account registered on the sandbox store, as the store keeps them."""
    return server.store.webhooks.registry.of(server.accounts[account].client_id)
