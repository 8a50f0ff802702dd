"""What each feature needs BigCommerce's API account to allow, and BigCommerce's failures in the merchant's words."""
from __future__ import annotations

from carts.platforms.base import (
    StoreAccess,
    StoreAccessMissing,
    StoreAnswerInvalid,
    StoreAuthenticationFailed,
    StoreError,
    StoreFeature,
    StoreNotFound,
    StoreRateLimited,
    StoreUnavailable,
)
from carts.platforms.bigcommerce.constants import (
    SCOPE_INFORMATION_READ,
    SCOPE_INVENTORY_MODIFY,
    SCOPE_ORDERS_MODIFY,
    SCOPE_ORDERS_READ,
    SCOPE_PRODUCTS_MODIFY,
    SCOPE_PRODUCTS_READ,
)
from carts.platforms.bigcommerce.errors import ServerError

# What each need is called on BigCommerce's API account screen (api-accounts.mdx, "Store resource scopes").
# Absolute inventory adjustments: inventory.v3.yml names Store Inventory: modify; some of BigCommerce's guides
# (and older API accounts) put stock under Products: modify, so both are named to the merchant.
SCOPES = {
    StoreAccess.STORE_INFORMATION: SCOPE_INFORMATION_READ,
    StoreAccess.CATALOG_READ: SCOPE_PRODUCTS_READ,
    StoreAccess.ORDERS_READ: SCOPE_ORDERS_READ,
    StoreAccess.ORDERS_MODIFY: SCOPE_ORDERS_MODIFY,
    StoreAccess.INVENTORY_MODIFY: SCOPE_INVENTORY_MODIFY,
}
SCOPE_NOTES = {
    StoreAccess.INVENTORY_MODIFY: (f"the scope inventory.v3.yml names for absolute adjustments; some BigCommerce guides "
                                   f"call it {SCOPE_PRODUCTS_MODIFY}: grant both if unsure"),
}
ALL_SCOPES_TEXT = (f"{SCOPE_INFORMATION_READ}, {SCOPE_PRODUCTS_READ}, {SCOPE_ORDERS_MODIFY} and "
                   f"{SCOPE_INVENTORY_MODIFY}")


def feature_scopes(feature: StoreFeature) -> list[str]:
    """The scopes a feature needs, as BigCommerce's API account screen names them (a modify scope includes read)."""
    needs = [need for need in feature.needs if not (need == StoreAccess.ORDERS_READ and StoreAccess.ORDERS_MODIFY
                                                      in feature.needs)]
    return [SCOPES[need] + (f" ({SCOPE_NOTES[need]})" if need in SCOPE_NOTES else "") for need in needs]


def missing_scope_reason(need: StoreAccess) -> str:
    return (f"the API account lacks the OAuth scope '{SCOPES[need]}'"
            + (f" ({SCOPE_NOTES[need]})" if need in SCOPE_NOTES else "")
            + ". BigCommerce does not let you change an API account's scopes: create a new API account with "
            f"{ALL_SCOPES_TEXT}, and enter its key here.")


def failure_reason(error: StoreError, *, need: StoreAccess, store_reference: str) -> str:
    """Why BigCommerce could not be reached or read, and the fix, for the merchant."""
    if isinstance(error, StoreAuthenticationFailed):
        return (
            "BigCommerce refused the access token (401): it was mistyped, or the API account was deleted. "
            "Check that the API Key is CLIENT ID:ACCESS TOKEN from the credentials file, or create a new "
            "API account and enter its key."
        )
    if isinstance(error, StoreAccessMissing):
        return missing_scope_reason(need)
    if isinstance(error, StoreNotFound):
        return (
            f"BigCommerce has no store with the hash '{store_reference}' (404). Copy the API PATH again "
            "from the credentials file into the Cart Connect URL."
        )
    if isinstance(error, StoreRateLimited):
        return "BigCommerce's rate limit for this store is used up by other apps; try again in a minute."
    if isinstance(error, ServerError):
        return (
            f"BigCommerce answered with a server error ({error.status}); the store may be down for "
            "maintenance. Try again later."
        )
    if isinstance(error, StoreUnavailable):
        return (
            f"BigCommerce did not answer: {error.message} Check the Cart Connect URL and try again in a few "
            "minutes; status.bigcommerce.com lists outages."
        )
    if isinstance(error, StoreAnswerInvalid):
        return f"the Cart Connect URL answered, but not like BigCommerce's API: {error.message}"
    return error.message  # e.g. an address the portal may not contact: the message says which
