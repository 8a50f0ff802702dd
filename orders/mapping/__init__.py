"""Store orders mapped to what the books record: pure functions and neutral types, no database.

`types` and `money` know no cart platform; `lines`, `charges`, `discounts`, `refunds` and `order`
read BigCommerce's v2 order (with its lines and fees) and v3 refunds.
"""
from orders.mapping.errors import OrderMappingError, OrderShapeUnforeseen, OrderTotalsMismatch
from orders.mapping.money import CENT, FOUR_PLACES, ZERO, allocate, minor_unit, money, to_cents, to_minor_unit
from orders.mapping.order import map_order, order_date, order_summary
from orders.mapping.refunds import credit_note_drafts
from orders.mapping.types import (
    AdjustmentKind,
    ChargeKind,
    CreditNoteDraft,
    CreditNoteLine,
    CustomerDetails,
    DiscountKind,
    MappingOptions,
    OrderAdjustment,
    OrderCharge,
    OrderDiscount,
    OrderLine,
    OrderPayment,
    OrderSummary,
    PaymentDetails,
    PaymentKind,
    StoreOrder,
)

__all__ = [
    "CENT", "FOUR_PLACES", "ZERO", "AdjustmentKind", "ChargeKind", "CreditNoteDraft", "CreditNoteLine",
    "CustomerDetails", "DiscountKind", "MappingOptions", "OrderAdjustment", "OrderCharge", "OrderDiscount", "OrderLine",
    "OrderMappingError", "OrderPayment", "OrderShapeUnforeseen", "OrderSummary", "OrderTotalsMismatch",
    "PaymentDetails", "PaymentKind", "StoreOrder", "allocate", "credit_note_drafts", "map_order", "minor_unit",
    "money", "order_date", "order_summary", "to_cents", "to_minor_unit",
]
