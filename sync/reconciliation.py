"""The Auto-sync tab's reconciliation: the store's orders the cart should import, against what was imported or refused.

It reads every such order's id (pages of 250 without lines), so a missed order cannot hide; that is
work in proportion to the store, so it runs on the worker with a progress bar, and its result is its
log entry: the figures in its counts, each order not imported yet (up to LISTED_NOT_YET, each with a
Retry button) in its failures.
"""
from __future__ import annotations

from carts.models import Cart, CartLog, CartLogKind, CartLogStatus
from carts.platforms.base import OrderQuery, StoreAccess
from carts.runs import cart_run, cart_run_queue, cart_runs_of_kind
from items.selectors import in_batches
from orders.models import OrderRefusal
from orders.selectors import transactions_by_cart_order
from orders.window import cart_orders_require_status, cart_orders_window

# Orders not imported yet named in the entry (each with a Retry button); the count stays exact beyond it.
LISTED_NOT_YET = 500
# Order ids read between two progress records.
PROGRESS_EVERY = 250
CONNECTION_LOST = "Nothing was changed; reconcile again."


def cart_sync_reconciliations(*, cart: Cart) -> tuple[list[CartLog], CartLog | None]:
    """The cart's reconciliations still running and the latest finished one, for the Auto-sync tab."""
    return cart_runs_of_kind(cart=cart, kind=CartLogKind.RECONCILIATION)


def cart_sync_reconcile_start(*, cart: Cart) -> CartLog:
    """Queue a reconciliation on the worker (one per cart at a time); CartNotReady names the setting it needs."""
    from sync.tasks import cart_sync_reconcile_task  # the tasks module imports this one

    cart_orders_require_status(cart=cart)
    return cart_run_queue(cart=cart, kind=CartLogKind.RECONCILIATION, task=cart_sync_reconcile_task,
                          what="reconciliation")


def cart_sync_reconcile(*, cart: Cart, log: CartLog | None = None) -> CartLog:
    """Count the store's orders the cart should import against its transactions and refusals; returns the closed entry."""
    order_ids: set[int] = set()
    with cart_run(cart=cart, kind=CartLogKind.RECONCILIATION, need=StoreAccess.ORDERS_READ,
                  connection_lost=CONNECTION_LOST, log=log) as run:
        cart_orders_require_status(cart=cart)
        status_ids, created_from = cart_orders_window(cart=cart)
        counts = run.store.order_counts(OrderQuery(created_from=created_from))
        run.progress(done=0, total=sum(counts.get(status_id, 0) for status_id in status_ids))
        for status_id in status_ids:
            for record in run.store.orders(OrderQuery(status_id=status_id, created_from=created_from)):
                order_ids.add(record.order_id)
                if len(order_ids) % PROGRESS_EVERY == 0:
                    run.progress(done=len(order_ids))
    if run.stop.stopped:
        return run.finish(status=CartLogStatus.FAILED, summary=f"The reconciliation stopped: {run.stop.reason}")
    run.progress(done=len(order_ids))
    imported = set(transactions_by_cart_order(cart=cart, order_ids=order_ids))
    refused: set[int] = set()
    for batch in in_batches(sorted(order_ids - imported)):
        refused.update(OrderRefusal.objects.filter(cart=cart, cart_order_id__in=batch).values_list("cart_order_id",
                                                                                                 flat=True))
    not_yet = sorted(order_ids - imported - refused)
    figures = {"store_total": len(order_ids), "imported": len(imported), "refused": len(refused),
               "not_yet_imported": len(not_yet)}
    return run.finish(
        status=CartLogStatus.PARTIAL if not_yet else CartLogStatus.SUCCEEDED,
        summary=(f"Reconciliation: {len(order_ids):,} orders in the store with these statuses since the cut-off; "
                 f"{len(imported):,} imported, {len(refused):,} refused, {len(not_yet):,} not imported yet."),
        counts=figures,
        failures=[{"reference": f"Order {order_id}", "reason": "not imported yet", "order_id": order_id}
                  for order_id in not_yet[:LISTED_NOT_YET]],
    )
