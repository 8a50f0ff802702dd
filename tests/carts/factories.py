"""Carts made the way the product makes them: through the service, with an encrypted key."""
from __future__ import annotations

from carts.platforms.bigcommerce.credentials import AllowedHosts, parse_api_key, parse_api_path
from carts.models import Cart
from carts.setup import CartSettings, cart_create
from companies.models import Company

GUIDE_API_PATH = "https://api.bigcommerce.com/stores/w5z5htrnkd/v3/"
GUIDE_API_KEY = "63a9wg0iclgt0tm82bofravzgvkt13f:cc4corno7j5xoisu07d1ixn4q28gp07"
GUIDE_TOKEN = "cc4corno7j5xoisu07d1ixn4q28gp07"


def make_cart(company: Company, *, name: str = "Store BC", api_path: str = GUIDE_API_PATH,
              api_key: str = GUIDE_API_KEY, allowed_hosts: AllowedHosts | None = None, **overrides) -> Cart:
    values = CartSettings(
        name=name,
        api_path=parse_api_path(api_path, allowed_hosts=allowed_hosts or AllowedHosts()),
        api_key=parse_api_key(api_key),
        **overrides,
    )
    return cart_create(company=company, values=values)


def make_sandbox_cart(company: Company, server, *, account: str = "full", api_key: str | None = None,
                      api_path: str | None = None, **overrides) -> Cart:
    """A cart on a sandbox store (its allowed host included), with the named account's key unless given."""
    return make_cart(company, api_path=api_path or server.api_path, api_key=api_key or server.api_key(account),
                     allowed_hosts=AllowedHosts.from_setting([server.host_port]), **overrides)
