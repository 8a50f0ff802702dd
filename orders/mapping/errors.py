"""Why an order cannot become a transaction, in words a merchant can act on."""
from __future__ import annotations

from decimal import Decimal


class OrderMappingError(ValueError):
    """An order that cannot become a transaction; the message says why, for the merchant."""


class OrderTotalsMismatch(OrderMappingError):
    """The order's parts do not add up to its figures; each difference is ours minus the store's."""

    def __init__(self, message: str, *, difference: Decimal, tax_difference: Decimal = Decimal("0")) -> None:
        super().__init__(message)
        self.difference = difference
        self.tax_difference = tax_difference


class OrderShapeUnforeseen(OrderMappingError):
    """An answer shaped in a way no check foresaw; still a refusal with a message, never a crash."""
