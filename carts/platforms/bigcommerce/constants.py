"""Facts about the BigCommerce API that the client and its callers share."""
from typing import Final

OFFICIAL_API_HOST: Final = "api.bigcommerce.com"
MAX_PAGE_SIZE: Final = 250  # the limit both v2 and v3 list endpoints accept at most

# OAuth scopes the integration needs (api-accounts.mdx, "Store resource scopes").
SCOPE_INFORMATION_READ: Final = "Information & Settings: read-only"
SCOPE_PRODUCTS_READ: Final = "Products: read-only"
SCOPE_ORDERS_READ: Final = "Orders: read-only"
SCOPE_ORDERS_MODIFY: Final = "Orders: modify"
# Absolute inventory adjustments (inventory.v3.yml, "OAuth scopes"): Store Inventory, modify (store_inventory).
SCOPE_INVENTORY_MODIFY: Final = "Store Inventory: modify"
SCOPE_PRODUCTS_MODIFY: Final = "Products: modify"

# The 15 standard order statuses (orders.v2.oas2.yml, GET /order_statuses); merchants may relabel them.
STANDARD_ORDER_STATUSES: Final[dict[int, str]] = {
    0: "Incomplete",
    1: "Pending",
    2: "Shipped",
    3: "Partially Shipped",
    4: "Refunded",
    5: "Cancelled",
    6: "Declined",
    7: "Awaiting Payment",
    8: "Awaiting Pickup",
    9: "Awaiting Shipment",
    10: "Completed",
    11: "Awaiting Fulfillment",
    12: "Manual Verification Required",
    13: "Disputed",
    14: "Partially Refunded",
}
AWAITING_FULFILLMENT_STATUS_ID: Final = 11
INCOMPLETE_STATUS_ID: Final = 0
CANCELLED_STATUS_ID: Final = 5
DECLINED_STATUS_ID: Final = 6
# Orders in these statuses were never a sale: no payment was taken, or it was undone before anything shipped.
NOT_A_SALE_STATUSES: Final = frozenset({INCOMPLETE_STATUS_ID, CANCELLED_STATUS_ID, DECLINED_STATUS_ID})
REFUNDED_STATUSES: Final = frozenset({4, 14})  # Refunded, Partially Refunded

# Rate-limit headers (api-rate-limits.mdx); header names are case-insensitive.
HEADER_RATE_LIMIT_RESET_MS: Final = "X-Rate-Limit-Time-Reset-Ms"
HEADER_RATE_LIMIT_LEFT: Final = "X-Rate-Limit-Requests-Left"
HEADER_RATE_LIMIT_QUOTA: Final = "X-Rate-Limit-Requests-Quota"
HEADER_RATE_LIMIT_WINDOW_MS: Final = "X-Rate-Limit-Time-Window-Ms"
