"""One auto-sync pass: import a cart's new orders, flag imported ones the store later undid, keep the cursor.

A pass reads the store's orders modified since its cursor (the newest date_modified it has seen,
re-read with an overlap window) and gives them to the Orders tab's import: those not imported yet
and in the cart's statuses are imported (the same exactly-once guarantee, the same refusals); those
already imported that the store changed since are re-read whatever their status (a new status is
noted on the transaction, a new refund becomes its credit note). One pass per cart runs at a time,
by the cart's lock; a pass that finds it taken does nothing.
"""
from __future__ import annotations

import datetime
import enum
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from carts.models import AutoSync, Cart, CartLog, CartLogKind, CartLogStatus
from carts.platforms.base import OrderQuery, OrderRecord, OrderSort, StoreAccess, StoreError, StoreSession
from carts.runs import CartRun, cart_logs_interrupt, cart_run
from items.stock_push import cart_stock_push
from orders.imports import OrdersImport
from orders.shipping import cart_shipments_send_pending
from orders.results import ImportResult, OrderOutcome
from orders.window import CartNotReady, cart_orders_require_status, cart_orders_window
from sync.lock import cart_sync_lock_acquire, cart_sync_lock_extend, cart_sync_lock_release
from sync.models import AutoSyncState
from sync.notifications import auto_sync_failing_notify, auto_sync_stopped_notify
from sync.state import cart_sync_state_get

logger = logging.getLogger(__name__)
CONNECTION_LOST = "The orders imported before it are kept, each one whole; the next pass carries on."
# Orders read between two extensions of the pass's lock.
LOCK_EXTEND_EVERY = 250


class PassOutcome(enum.StrEnum):
    COMPLETED = "completed"
    LOCKED = "locked"  # another pass holds the cart's lock: nothing was done
    NOT_RUNNABLE = "not_runnable"  # the cart was deleted or lacks the settings a pass needs
    TRANSIENT_FAILURE = "transient_failure"  # the store (or the database) failed to answer; retry later
    STOPPED = "stopped"  # the key, a scope or the store stopped working: auto-sync was switched off


@dataclass
class SyncPass:
    """What one pass did, for the task (retry or not), the command line and the tests."""

    outcome: PassOutcome
    log_id: int | None = None
    summary: str = ""
    result: ImportResult | None = None
    flagged: dict[int, str] = field(default_factory=dict)


def _lock_ttl() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.AUTOSYNC_LOCK_SECONDS)


def cart_sync_require_settings(*, cart: Cart) -> None:
    """Raise CartNotReady unless the cart has the statuses and the cut-off a sync needs."""
    cart_orders_require_status(cart=cart)
    if cart.import_orders_from is None:
        raise CartNotReady(
            "Set 'Import orders from' on the Settings tab before syncing, so a sync does not import years of history."
        )


def cart_sync_pass(*, cart_id: int, scheduled: bool = True, now: datetime.datetime | None = None) -> SyncPass:
    """Run one auto-sync pass for the cart, unless another pass holds its lock (then do nothing).

    A scheduled pass runs only while the cart's Auto-sync is Running; "Sync now" runs regardless.
    `now` is the moment the lock's expiry is judged against (the current time unless given).
    """
    cart = Cart.objects.select_related("company").filter(pk=cart_id).first()
    if cart is None:
        return SyncPass(PassOutcome.NOT_RUNNABLE, summary="The cart no longer exists.")
    cart_sync_state_get(cart=cart)
    token = cart_sync_lock_acquire(cart_id=cart_id, ttl=_lock_ttl(), now=now)
    if token is None:
        return SyncPass(PassOutcome.LOCKED, summary="Another sync pass is running for this cart; nothing was done.")
    try:
        cart.refresh_from_db()  # the settings as they are now that this pass holds the lock
        if scheduled and cart.auto_sync != AutoSync.RUNNING:
            return SyncPass(PassOutcome.NOT_RUNNABLE, summary="Auto-sync was switched to Stopped; nothing was done.")
        return _run_pass(cart, AutoSyncState.objects.get(cart=cart), token)
    finally:
        cart_sync_lock_release(cart_id=cart_id, token=token)


@dataclass
class _PassReader:
    """Reads the store's changed orders for one pass, keeping what the pass needs besides the imports."""

    cart: Cart
    token: str
    seen: int = 0
    newest_modified: datetime.datetime | None = None

    def orders_read(self, records: Iterator[OrderRecord]) -> Iterator[OrderRecord]:
        """Every order read, noted for the cursor while the pass's lock is kept."""
        for record in records:
            self.seen += 1
            modified = record.date_modified
            if modified is not None and (self.newest_modified is None or modified > self.newest_modified):
                self.newest_modified = modified
            yield record
            if self.seen % LOCK_EXTEND_EVERY == 0:
                cart_sync_lock_extend(cart_id=self.cart.pk, token=self.token, ttl=_lock_ttl())


def _store_orders(store: StoreSession, cart: Cart, cursor: datetime.datetime | None,
                  status_ids: list[int]) -> Iterator[OrderRecord]:
    """The orders a pass reads: on the first pass those in the cart's statuses since the cut-off,
    afterwards every order modified since the cursor (minus the overlap), in one query."""
    _, created_from = cart_orders_window(cart=cart)
    sort = OrderSort.LEAST_RECENTLY_MODIFIED_FIRST
    if cursor is None:
        for status_id in status_ids:
            yield from store.orders(OrderQuery(status_id=status_id, created_from=created_from), sort=sort,
                                    with_lines=True)
        return
    overlap = datetime.timedelta(minutes=settings.AUTOSYNC_OVERLAP_MINUTES)
    yield from store.orders(OrderQuery(created_from=created_from, modified_from=cursor - overlap), sort=sort,
                            with_lines=True)


def _close_interrupted_passes(cart: Cart) -> None:
    """Passes still 'running' while this one holds the lock died with their worker; say so in their entries."""
    cart_logs_interrupt(
        logs=CartLog.objects.filter(cart=cart, kind=CartLogKind.SYNC),
        reason="Interrupted: the worker running this pass stopped. The next pass carried on; nothing was doubled.",
    )


def _run_pass(cart: Cart, state: AutoSyncState, token: str) -> SyncPass:
    _close_interrupted_passes(cart)
    status_ids, _ = cart_orders_window(cart=cart)
    reader = _PassReader(cart=cart, token=token)
    with cart_run(cart=cart, kind=CartLogKind.SYNC, need=StoreAccess.ORDERS_READ,
                  connection_lost=CONNECTION_LOST) as run:
        importer = OrdersImport(cart=cart, progress=lambda done: run.progress(done=done),
                                store=lambda: run.store, skip_outside_statuses=True)
        cart_sync_require_settings(cart=cart)
        importer.take(reader.orders_read(_store_orders(run.store, cart, state.cursor, status_ids)))
    if isinstance(run.stop.error, CartNotReady):
        run.finish(status=CartLogStatus.FAILED, summary=run.stop.reason)
        return SyncPass(PassOutcome.NOT_RUNNABLE, log_id=run.log.pk, summary=run.stop.reason)
    result = importer.result
    result.log_id, result.stopped_reason, result.stats = run.log.pk, run.stop.reason, run.stats
    result.api_requests = run.stats.requests if run.stats is not None else 0
    if run.stop.stopped and not run.stop.transient:
        # A revoked token, a removed scope, a store that is gone: retrying cannot help, the merchant can.
        return _stop(cart, run, result if run.stats is not None else None)
    flagged = result.changes
    if run.stop.stopped:
        return _transient_failure(cart, state, run, result, flagged)
    _advance(state, reader.newest_modified)
    summary = _summary(result, flagged)
    run.finish(
        status=CartLogStatus.SUCCEEDED if result.succeeded else CartLogStatus.PARTIAL,
        summary=summary,
        counts={**result.counts, "seen": reader.seen, "flagged": len(flagged)},
        failures=_failures(result, flagged),
    )
    # The lock is renewed before each further step, so a long import does not leave it to lapse under them.
    if cart.push_stock:  # after the import, so the orders just imported are committed; its own log entry
        cart_sync_lock_extend(cart_id=cart.pk, token=token, ttl=_lock_ttl())
        cart_stock_push(cart=cart, only_if_changed=True)
    cart_sync_lock_extend(cart_id=cart.pk, token=token, ttl=_lock_ttl())
    _send_pending_shipments(cart)
    return SyncPass(PassOutcome.COMPLETED, log_id=run.log.pk, summary=summary, result=result, flagged=flagged)


def _send_pending_shipments(cart: Cart) -> None:
    """Shipments recorded but not in the store yet (an answer lost, a 429) are sent, each looked up first if needed."""
    try:
        cart_shipments_send_pending(cart_id=cart.pk)
    except StoreError:
        logger.warning("Pending shipments of cart %s could not be sent; each keeps its reason", cart.pk, exc_info=True)


def _advance(state: AutoSyncState, newest_modified: datetime.datetime | None) -> None:
    """Move the cursor to the newest date_modified seen (never the local clock) and clear the failure streak."""
    updates: dict[str, Any] = {"consecutive_failures": 0}
    if newest_modified is not None and (state.cursor is None or newest_modified > state.cursor):
        updates["cursor"] = newest_modified
    AutoSyncState.objects.filter(pk=state.pk).update(**updates)


def _stop(cart: Cart, run: CartRun, result: ImportResult | None) -> SyncPass:
    """The key or a scope no longer works: switch auto-sync off, say why on the cart and by e-mail."""
    reason = run.stop.reason
    # The connection no longer works: Test Connection must pass again before Auto-sync can be switched back on.
    Cart.objects.filter(pk=cart.pk).update(
        auto_sync=AutoSync.STOPPED,
        last_test_passed=False,
        last_test_at=timezone.now(),
        last_test_message=f"TEST FAILED: {reason} (found by an auto-sync pass)",
    )
    AutoSyncState.objects.filter(cart=cart).update(stopped_reason=reason)
    summary = f"Auto-sync stopped: {reason}"
    run.finish(status=CartLogStatus.FAILED, summary=summary, counts=result.counts if result else {},
               failures=[{"reference": "Store", "reason": reason}])
    auto_sync_stopped_notify(cart=cart, summary=summary)
    return SyncPass(PassOutcome.STOPPED, log_id=run.log.pk, summary=summary, result=result)


def _transient_failure(cart: Cart, state: AutoSyncState, run: CartRun, result: ImportResult,
                       flagged: dict[int, str]) -> SyncPass:
    """The store (or the database) failed to answer: keep the cursor, count the failure, e-mail after several in a row."""
    failures = state.consecutive_failures + 1
    AutoSyncState.objects.filter(pk=state.pk).update(consecutive_failures=failures)
    summary = f"{_summary(result, flagged)}. Stopped early: {result.stopped_reason}"
    run.finish(status=CartLogStatus.FAILED, summary=summary, counts={**result.counts, "flagged": len(flagged)},
               failures=_failures(result, flagged))
    if failures == settings.AUTOSYNC_NOTIFY_AFTER_FAILURES:
        auto_sync_failing_notify(cart=cart, failures=failures, reason=result.stopped_reason)
    return SyncPass(PassOutcome.TRANSIENT_FAILURE, log_id=run.log.pk, summary=summary, result=result, flagged=flagged)


def _short_reason(outcome: OrderOutcome) -> str:
    if outcome.missing_items:
        return "SKU " + ", ".join(item.sku for item in outcome.missing_items) + " not in Items"
    return outcome.reason


def _summary(result: ImportResult, flagged: dict[int, str]) -> str:
    """A plain sentence: '3 orders imported, 1 refused: SKU TS-RED-L not in Items', or 'No new orders'.

    Orders read again in the overlap window are already imported: counted in the log, not news.
    """
    if not (result.imported or result.refused or flagged):
        return "No new orders"
    parts = [f"{len(result.imported)} order{'s' if len(result.imported) != 1 else ''} imported"]
    if result.refused:
        parts.append(f"{len(result.refused)} refused: " + "; ".join(_short_reason(entry) for entry in result.refused[:3]))
    if flagged:
        parts.append(f"{len(flagged)} changed in cart after import")
    return ", ".join(parts)


def _failures(result: ImportResult, flagged: dict[int, str]) -> list[dict[str, Any]]:
    """Each refusal with its reason and the order id (the log page offers to retry it)."""
    failures: list[dict[str, Any]] = [
        {"reference": f"Order {entry.order_id}", "reason": entry.reason, "order_id": entry.order_id}
        for entry in result.refused
    ]
    failures += [{"reference": f"Order {order_id}", "reason": note} for order_id, note in flagged.items()]
    if result.stopped_reason:
        failures.append({"reference": "Store", "reason": result.stopped_reason})
    return failures


def cart_sync_start(*, cart: Cart) -> None:
    """Sync now: queue one pass after the current transaction commits; CartNotReady says what to set first."""
    from sync.tasks import cart_sync_task  # the tasks module imports this one

    cart_sync_require_settings(cart=cart)
    transaction.on_commit(lambda: cart_sync_task.delay(cart.pk, scheduled=False))


def cart_sync_passes(*, cart: Cart, passes: int = 10) -> list[CartLog]:
    """The cart's last sync passes, newest first."""
    return list(CartLog.objects.filter(cart=cart, kind=CartLogKind.SYNC)[:passes])
