"""Preview: one order shown exactly as an import would book it, and nothing written (the guide's rope across the river).

The order is read from the store with its lines (and its refunds when it shows one), mapped with the
cart's options, judged by the import's own rules, and built by the booking's own code as unsaved rows:
the customer matched or new, each line's item matched or to be created, every charge, discount and
adjustment, tax, total and a credit note per refund. The screen and `cart preview-order` call it.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from carts.models import Cart
from carts.platforms import platform_named
from carts.platforms.base import InvalidInput, OrderRecord, StoreSession
from carts.stores import QUICK_RETRY, cart_store_open
from items.editing import item_new
from items.matching import variant_matches
from items.models import AccountingDefaults, Item, ItemType
from orders.booking import BookedTransaction, credit_note_build, sale_build
from orders.imports import cart_mapping_options
from orders.mapping import OrderMappingError, StoreOrder
from orders.missing_items import variants_in_store
from orders.models import Customer, SalesTransaction
from orders.rules import order_items_refusal, order_outside_rules
from orders.selectors import customers_by_email, transactions_by_cart_order, web_customer
from orders.window import cart_orders_window


@dataclass(frozen=True)
class OrderPreview:
    """What importing one order would book, or why it would not be imported."""

    order_id: int
    refusal: str  # why an import would not book it ('' when it would)
    existing: SalesTransaction | None  # the sale an earlier import booked for it
    order: StoreOrder | None  # None when the order cannot be read as a transaction (the refusal says why)
    sale: BookedTransaction | None
    credit_notes: tuple[BookedTransaction, ...]
    customer_is_new: bool
    new_items: frozenset[str]  # SKUs an import would create items for
    api_requests: int

    @property
    def would_import(self) -> bool:
        return not self.refusal and self.existing is None

    @property
    def verdict(self) -> str:
        if self.existing is not None:
            return f"Already imported as {self.existing.number}: importing it again creates nothing."
        if self.refusal:
            return f"Would not be imported: {self.refusal}"
        return "Would be imported as shown; nothing has been written yet."

    def to_json(self) -> dict[str, Any]:
        """The preview for `cart preview-order --json`: money as decimal strings."""
        sale = self.sale
        return {
            "order_id": self.order_id,
            "would_import": self.would_import,
            "already_imported_as": self.existing.number if self.existing else None,
            "refusal": self.refusal or None,
            "transaction": _booked_json(sale, self) if sale else None,
            "credit_notes": [_booked_json(note, self) for note in self.credit_notes],
            "api_requests": self.api_requests,
        }


def order_preview(*, cart: Cart, order_id: int) -> OrderPreview:
    """Read one order from the store and build what an import would book, writing nothing; StoreError if unreadable."""
    platform = platform_named(cart.platform)
    with cart_store_open(cart=cart, retry=QUICK_RETRY) as store:  # someone waits for the answer
        record = next(iter(store.orders_by_id([order_id])), None)
        if record is None:
            raise InvalidInput(f"The store has no order {order_id} (it may have been deleted or archived in BigCommerce).")
        if platform.order_shows_refund(record):
            record = dataclasses.replace(record, refunds=store.refunds_of([order_id])[order_id])
        existing = transactions_by_cart_order(cart=cart, order_ids=[order_id]).get(order_id)
        try:
            order = platform.store_order(record, options=cart_mapping_options(cart=cart))
        except OrderMappingError as error:
            return OrderPreview(order_id, str(error), existing, None, None, (), False, frozenset(),
                                store.stats.requests)
        return _built(cart, store, record, order, existing)


def _built(cart: Cart, store: StoreSession, record: OrderRecord, order: StoreOrder,
           existing: SalesTransaction | None) -> OrderPreview:
    status_ids, created_from = cart_orders_window(cart=cart)
    matches = variant_matches(cart=cart, variants=[(line.product_id, line.variant_id) for line in order.lines
                                                   if line.product_id and line.variant_id],
                              skus=[line.sku for line in order.lines])
    line_items: dict[int, Item | None] = {
        line.cart_line_id: matches.item_for(product_id=line.product_id, variant_id=line.variant_id, sku=line.sku)
        for line in order.lines}
    refusal = order_outside_rules(cart=cart, order=order, status_ids=status_ids, created_from=created_from)
    unmatched = {(line.product_id, line.variant_id) for line in order.lines
                 if line_items[line.cart_line_id] is None and line.product_id and line.variant_id}
    in_store = variants_in_store(store, unmatched) if unmatched and not cart.create_missing_items else None
    items_refusal, _ = order_items_refusal(cart=cart, order=order, line_items=line_items, in_store=in_store)
    requests = store.stats.requests
    new_items: frozenset[str] = frozenset()
    if not items_refusal:  # every unmatched line then has a SKU and 'Create missing items' is on
        new_items = frozenset(line.sku for line in order.lines if line_items[line.cart_line_id] is None)
        _new_items(cart, order, line_items)
    customer, customer_is_new = _customer(cart, order)
    sale = sale_build(cart=cart, order=order, customer=customer, line_items=line_items,
                      difference_account=cart.differences_account)
    sale_lines = {line.cart_line_id: line for line in sale.lines}
    credit_notes = tuple(credit_note_build(sale=sale.record, draft=draft, sale_lines=sale_lines)
                         for draft in order.credit_notes)
    return OrderPreview(record.order_id, refusal or items_refusal, existing, order, sale, credit_notes,
                        customer_is_new, new_items, requests)


def _new_items(cart: Cart, order: StoreOrder, line_items: dict[int, Item | None]) -> None:
    """Unsaved items as 'Create missing items' would make them (the defaults are read, never seeded here)."""
    defaults = AccountingDefaults.objects.filter(company=cart.company).first()
    for line in order.lines:
        if line_items[line.cart_line_id] is None and defaults is not None:
            item = item_new(company=cart.company, defaults=defaults, sku=line.sku,
                            item_type=ItemType.NON_STOCK if line.is_digital else ItemType.STOCK)
            item.description, item.unit_price = line.name[:255], line.base_price
            line_items[line.cart_line_id] = item


def _customer(cart: Cart, order: StoreOrder) -> tuple[Customer, bool]:
    """The customer an import files the order under, and whether it would be created."""
    details = order.customer
    found = (customers_by_email(company=cart.company, emails=[details.email]).get(details.email) if details.email
             else web_customer(cart=cart))
    if found is not None:
        return found, False
    if not details.email:
        return Customer(company=cart.company, email="", name=cart.web_customer_name), True
    return Customer(company=cart.company, email=details.email, name=details.name or details.email,
                    company_name=details.company_name, phone=details.phone,
                    billing_address=details.billing_address), True


def _booked_json(booked: BookedTransaction, preview: OrderPreview) -> dict[str, Any]:
    record = booked.record

    def amounts(part: Any) -> dict[str, str]:
        return {"amount_ex_tax": str(part.amount_ex_tax), "tax": str(part.tax), "amount_inc_tax": str(part.amount_inc_tax)}

    return {
        "type": record.transaction_type,
        "refund_key": record.refund_key or None,
        "customer": {"name": record.customer.name, "email": record.customer.email, "new": preview.customer_is_new,
                     "billing_name": record.billing_name, "guest": record.guest},
        "currency": record.currency,
        "prices_include_tax": record.prices_include_tax,
        "lines": [{"sku": line.sku, "description": line.description, "quantity": line.quantity,
                   "unit_price": str(line.unit_price), "discount": str(line.discount),
                   "tax_rate": str(line.tax_rate) if line.tax_rate is not None else None, **amounts(line),
                   "item": line.item.sku if line.item is not None else None,
                   "item_created": line.sku in preview.new_items}
                  for line in booked.lines],
        "charges": [{"kind": charge.kind, "label": charge.description, **amounts(charge)} for charge in booked.charges],
        "discount_lines": [{"kind": discount.kind, "label": discount.description, "code": discount.code or None,
                            **amounts(discount)} for discount in booked.discounts],
        "adjustments": [{"kind": adjustment.kind, "label": adjustment.description, **amounts(adjustment),
                         "account": adjustment.ledger_account.name if adjustment.ledger_account else None}
                        for adjustment in booked.adjustments],
        "payments": [{"kind": payment.kind, "amount": str(payment.amount)} for payment in booked.payments],
        "tax": str(record.tax_total),
        "total": str(record.total),
    }


def preview_text(preview: OrderPreview) -> str:
    """The preview as `cart preview-order` prints it: the verdict, then each transaction's parts and totals."""
    rows = [f"Order {preview.order_id}: {preview.verdict}"]
    for booked in ([preview.sale] if preview.sale else []) + list(preview.credit_notes):
        record = booked.record
        currency = record.currency
        title = record.get_transaction_type_display()
        if record.refund_key:
            title += f" for the store's refund {record.refund_key}"
        rows += ["", f"{title} ({currency}, amounts incl. tax)",
                 f"  Customer: {record.customer.name} <{record.customer.email or 'no e-mail'}>"
                 f"{' (new)' if preview.customer_is_new else ''}; billed to {record.billing_name or '-'}"
                 f"{', guest checkout' if record.guest else ''}"]
        for line in booked.lines:
            item = ("new item" if line.sku in preview.new_items else "item " + line.item.sku) if line.item else "no item"
            rate = f" at {line.tax_rate.normalize():%}" if line.tax_rate is not None else ""
            rows.append(f"  {line.quantity} × {line.sku} {line.description[:40]} ({item}): {line.amount_inc_tax}, "
                        f"tax {line.tax}{rate}")
        rows += [f"  {charge.description}: {charge.amount_inc_tax}" for charge in booked.charges]
        rows += [f"  {discount.description}: -{discount.amount_inc_tax}" for discount in booked.discounts]
        rows += [f"  {adjustment.description}: {adjustment.amount_inc_tax}"
                 + (f" posted to {adjustment.ledger_account.name}" if adjustment.ledger_account else "")
                 for adjustment in booked.adjustments]
        rows += [f"  Tax: {record.tax_total}", f"  Total: {record.total}"]
    return "\n".join(rows)
