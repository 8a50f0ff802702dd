"""Import Selected Orders, Import All Listed Orders and their background runs: fetch from the store, import, log.

The screens, `cart import-orders` and the Celery task call these; whether an import runs in the
background is decided here from what was chosen, never from a figure the browser sent.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence

from django.db import transaction

from carts.models import Cart, CartLog, CartLogKind, CartLogStatus
from carts.platforms.base import OrderQuery, OrderRecord, StoreAccess, StoreSession
from carts.runs import CartRun, cart_log_start, cart_run
from items.cart_import import CatalogSelection, cart_items_import, cart_items_import_in_background
from orders.imports import CONNECTION_LOST, OrdersImport
from orders.missing_items import items_create_from_refusals
from orders.results import ImportResult, OrderOutcome, Outcome
from orders.window import cart_orders_require_status, cart_orders_window

# More selected orders than this are imported in the background, with a progress bar.
SYNCHRONOUS_IMPORT_LIMIT = 25


def orders_import_in_background(*, order_ids: Sequence[int] | None) -> bool:
    """Whether importing these orders (None: every listed order) runs on the worker rather than while the merchant waits."""
    return order_ids is None or len(set(order_ids)) > SYNCHRONOUS_IMPORT_LIMIT


def orders_fetch_listed(store: StoreSession, *, cart: Cart) -> Iterator[OrderRecord]:
    """Every order the cart's Orders tab lists, with its lines, a page of 250 at a time per status."""
    status_ids, created_from = cart_orders_window(cart=cart)
    for status_id in status_ids:
        yield from store.orders(OrderQuery(status_id=status_id, created_from=created_from), with_lines=True)


def orders_import_selected(*, cart: Cart, order_ids: Sequence[int], log: CartLog | None = None) -> ImportResult:
    """Fetch the selected orders with their lines and import them; orders the store lacks are refused."""
    wanted = sorted(set(order_ids))
    return _import_from_store(cart=cart, log=log, total=len(wanted), fetch=lambda run: run.store.orders_by_id(wanted),
                              expected_ids=wanted)


def orders_import_listed(*, cart: Cart, log: CartLog | None = None) -> ImportResult:
    """Import every order the Orders (Cart) tab lists, counting them first for the progress bar."""

    def fetch(run: CartRun) -> Iterator[OrderRecord]:
        status_ids, created_from = cart_orders_window(cart=cart)
        counts = run.store.order_counts(OrderQuery(created_from=created_from))
        run.progress(done=0, total=sum(counts.get(status_id, 0) for status_id in status_ids))
        yield from orders_fetch_listed(run.store, cart=cart)

    return _import_from_store(cart=cart, log=log, fetch=fetch)


def _import_from_store(
    *,
    cart: Cart,
    log: CartLog | None,
    fetch: Callable[[CartRun], Iterable[OrderRecord]],
    total: int | None = None,
    expected_ids: Sequence[int] = (),
) -> ImportResult:
    """Run an import whose orders `fetch` reads lazily from the store, and close its log entry."""
    with cart_run(cart=cart, kind=CartLogKind.ORDERS_IMPORT, need=StoreAccess.ORDERS_READ,
                  connection_lost=CONNECTION_LOST, log=log, total=total) as run:
        importer = OrdersImport(cart=cart, progress=lambda done: run.progress(done=done),
                                store=lambda: run.store)
        cart_orders_require_status(cart=cart)
        importer.take(fetch(run))
    result = importer.result
    result.log_id, result.stopped_reason, result.stats = run.log.pk, run.stop.reason, run.stats
    result.api_requests = run.stats.requests if run.stats is not None else 0
    if not result.stopped_reason:
        seen = {entry.order_id for entry in result.outcomes}
        result.outcomes.extend(
            OrderOutcome(order_id, Outcome.REFUSED,
                         reason="the store has no such order (it may have been deleted or archived in BigCommerce).")
            for order_id in expected_ids if order_id not in seen
        )
    if result.stopped_reason and not result.outcomes:
        status = CartLogStatus.FAILED
    elif result.succeeded:
        status = CartLogStatus.SUCCEEDED
    else:
        status = CartLogStatus.PARTIAL
    run.progress(done=len(result.outcomes))
    run.finish(status=status, summary=result.summary, counts=result.counts, failures=result.failures)
    return result


def orders_import_start(*, cart: Cart, order_ids: Sequence[int] | None) -> CartLog:
    """Queue a background import (selected ids, or every listed order for None); the log shows its progress."""
    from orders.tasks import orders_import_task

    cart_orders_require_status(cart=cart)
    ids = sorted(set(order_ids)) if order_ids is not None else None
    log = cart_log_start(cart=cart, kind=CartLogKind.ORDERS_IMPORT, total=len(ids) if ids is not None else None)
    transaction.on_commit(lambda: orders_import_task.delay(log.pk, ids))
    return log


def orders_import_with_missing_items(*, cart: Cart, variants: Sequence[tuple[int, int]],
                                     order_ids: Sequence[int]) -> tuple[CartLog, ImportResult]:
    """A refusal's offer: import the products it named from the cart, then the refused orders again."""
    items_log = cart_items_import(cart=cart, selection=CatalogSelection(variants=tuple(variants)))
    return items_log, orders_import_selected(cart=cart, order_ids=order_ids)


def orders_import_with_missing_items_in_background(*, variants: Sequence[tuple[int, int]],
                                                   order_ids: Sequence[int]) -> bool:
    """Whether the offer runs on the worker: more orders, or more products, than an import takes while one waits."""
    return (orders_import_in_background(order_ids=order_ids)
            or cart_items_import_in_background(selection=CatalogSelection(variants=tuple(variants))))


def orders_import_with_missing_items_start(*, cart: Cart, variants: Sequence[tuple[int, int]],
                                           order_ids: Sequence[int]) -> tuple[CartLog, CartLog]:
    """Queue the offer: the items import, then the orders import, each with its log entry showing its progress."""
    from orders.tasks import orders_import_with_missing_items_task

    cart_orders_require_status(cart=cart)
    ids = sorted(set(order_ids))
    items_log = cart_log_start(cart=cart, kind=CartLogKind.ITEMS_IMPORT)
    orders_log = cart_log_start(cart=cart, kind=CartLogKind.ORDERS_IMPORT, total=len(ids))
    pairs = [list(variant) for variant in sorted(set(variants))]
    transaction.on_commit(lambda: orders_import_with_missing_items_task.delay(items_log.pk, orders_log.pk, pairs, ids))
    return items_log, orders_log


def orders_retry(*, cart: Cart, order_ids: Sequence[int]) -> ImportResult | None:
    """Import refused orders again: while the merchant waits, or on the worker (None; the log shows its progress)."""
    if orders_import_in_background(order_ids=order_ids):
        orders_import_start(cart=cart, order_ids=order_ids)
        return None
    return orders_import_selected(cart=cart, order_ids=order_ids)


def orders_import_with_items_from_order_lines(*, cart: Cart, order_ids: Sequence[int]) -> tuple[list[str], ImportResult | None]:
    """A refusal's fix when its products are gone from the store: create the items from the order lines, then retry.

    The items are made here (a few rows); the orders are retried as `orders_retry` does.
    """
    cart_orders_require_status(cart=cart)
    created = items_create_from_refusals(cart=cart, order_ids=order_ids)
    return created, orders_retry(cart=cart, order_ids=order_ids)
