"""Store-level API accounts and their OAuth scopes, checked the way BigCommerce's gateway does."""

import string
from dataclasses import dataclass, field

from sandbox.seeded import record_random

INFORMATION, PRODUCTS, ORDERS = "information", "products", "orders"
TRANSACTIONS, INVENTORY = "transactions", "inventory"
ANY = "any"  # webhooks: the default scope every API account has
# Each resource's modify and read-only scope (api-accounts.mdx, "Store resource scopes").
SCOPES = {
    INFORMATION: ("store_v2_information", "store_v2_information_read_only"),
    PRODUCTS: ("store_v2_products", "store_v2_products_read_only"),
    ORDERS: ("store_v2_orders", "store_v2_orders_read_only"),
    TRANSACTIONS: ("store_v2_transactions", "store_v2_transactions_read_only"),
    INVENTORY: ("store_inventory", "store_inventory_read_only"),
}
READ_METHODS = frozenset({"GET", "HEAD"})
_FULL_SCOPES = ("store_v2_information_read_only", "store_v2_products_read_only", "store_v2_orders", "store_inventory")
ACCOUNT_SCOPES = {
    "full": _FULL_SCOPES,
    "no-products": ("store_v2_information_read_only", "store_v2_orders"),
    "no-orders": ("store_v2_information_read_only", "store_v2_products_read_only"),
    "orders-read-only": ("store_v2_information_read_only", "store_v2_products_read_only", "store_v2_orders_read_only"),
    "no-information": ("store_v2_products_read_only", "store_v2_orders"),
    "no-inventory": ("store_v2_information_read_only", "store_v2_products_read_only", "store_v2_orders"),
}
_TOKEN_ALPHABET = string.ascii_lowercase + string.digits


@dataclass(slots=True)
class Account:
    """One API account as the merchant's credentials file describes it."""

    name: str
    client_id: str
    access_token: str
    client_secret: str
    scopes: tuple[str, ...]
    revoked: bool = field(default=False)

    def allows(self, resource: str, method: str) -> bool:
        """Whether the scopes let this method through to the resource: read-only scopes allow GET and HEAD only."""
        if resource == ANY:
            return True
        modify, read_only = SCOPES[resource]
        return modify in self.scopes or (read_only in self.scopes and method in READ_METHODS)

    def to_json(self) -> dict[str, object]:
        """The account as GET /_sandbox/credentials shows it."""
        return {"name": self.name, "client_id": self.client_id, "access_token": self.access_token,
                "client_secret": self.client_secret, "scopes": list(self.scopes), "revoked": self.revoked}


def make_accounts(*, seed: int, full_access_token: str | None = None) -> dict[str, Account]:
    """The sandbox's accounts, with ids and tokens derived from the seed (`full_access_token` overrides one)."""
    accounts = {name: make_account(seed=seed, name=name, scopes=scopes) for name, scopes in ACCOUNT_SCOPES.items()}
    if full_access_token:
        accounts["full"].access_token = full_access_token
    return accounts


def make_account(*, seed: int, name: str, scopes: tuple[str, ...]) -> Account:
    """One account, its client id, token and secret derived from the seed and its name."""
    rng = record_random(seed, f"account/{name}", 0)
    token = "".join(rng.choices(_TOKEN_ALPHABET, k=31))
    return Account(name=name, client_id="".join(rng.choices(_TOKEN_ALPHABET, k=31)), access_token=token,
                   client_secret=f"{rng.getrandbits(256):064x}", scopes=scopes)


def validate_scopes(scopes: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Scopes the sandbox knows, as a tuple; raises ValueError naming an unknown one."""
    known = {scope for pair in SCOPES.values() for scope in pair}
    unknown = [scope for scope in scopes if scope not in known]
    if unknown:
        raise ValueError(f"unknown scope {unknown[0]!r}; the sandbox knows {sorted(known)}")
    return tuple(scopes)
