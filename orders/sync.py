"""Auto-sync: the beat tick that finds due carts, and one pass that imports a cart's new orders.

A pass reads the store's orders modified since its cursor (the newest date_modified it has seen,
re-read with an overlap window), imports those in the cart's statuses through `orders_import`
(the same service as the Orders tab, so the same exactly-once guarantee and the same refusals),
and flags imported orders that later moved to Cancelled, Refunded, Partially Refunded or Declined.
One pass per cart runs at a time, by the cart's lock; a pass that finds it taken does nothing.
"""
from __future__ import annotations

import datetime
import email.utils
import enum
import logging
import smtplib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from carts.bigcommerce.client import BigCommerceClient, OrderFilter
from carts.bigcommerce.constants import SCOPE_ORDERS_READ
from carts.bigcommerce.errors import BigCommerceError, HostNotAllowed
from carts.credential_storage import StoredKeyUnreadable
from carts.models import AutoSync, Cart, CartLog, CartLogKind, CartLogStatus
from carts.services import (
    cart_client,
    cart_log_finish,
    cart_log_start,
    cart_store_error_reason,
    cart_sync_lock_acquire,
    cart_sync_lock_extend,
    cart_sync_lock_release,
)
from companies.models import User
from orders.models import OrderRefusal, Transaction
from orders.services import (
    CartNotReady,
    ImportResult,
    OrderOutcome,
    cart_orders_require_status,
    cart_orders_window,
    orders_import,
)
from orders.selectors import transactions_by_cart_order

logger = logging.getLogger(__name__)

# Statuses that, reached after an order was imported, are flagged on its transaction.
CHANGED_AFTER_IMPORT_STATUSES = frozenset({4, 5, 6, 14})  # Refunded, Cancelled, Declined, Partially Refunded


class PassOutcome(enum.StrEnum):
    COMPLETED = "completed"
    LOCKED = "locked"  # another pass holds the cart's lock: nothing was done
    NOT_RUNNABLE = "not_runnable"  # the cart was deleted or lacks the settings a pass needs
    TRANSIENT_FAILURE = "transient_failure"  # the store failed to answer; retry later
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


# --- the beat tick ---------------------------------------------------------------------------


def carts_sync_due(*, now: datetime.datetime | None = None) -> list[int]:
    """Ids of the Running carts whose interval has passed; their next pass is scheduled in the same step.

    No API calls and a constant amount of work per cart: one query for the due carts and one
    update per distinct interval, so a tick over hundreds of carts takes well under a second.
    """
    now = now or timezone.now()
    due = list(
        Cart.objects.filter(auto_sync=AutoSync.RUNNING)
        .filter(Q(next_sync_at__isnull=True) | Q(next_sync_at__lte=now))
        .values_list("pk", "sync_interval_minutes")
    )
    by_interval: dict[int, list[int]] = {}
    for cart_id, interval in due:
        by_interval.setdefault(interval, []).append(cart_id)
    with transaction.atomic():
        for interval, cart_ids in by_interval.items():
            Cart.objects.filter(pk__in=cart_ids).update(next_sync_at=now + datetime.timedelta(minutes=interval))
    return [cart_id for cart_id, _ in due]


# --- one pass ------------------------------------------------------------------------------------


def cart_sync_require_settings(*, cart: Cart) -> None:
    """Raise CartNotReady unless the cart has the statuses and the cut-off a sync needs."""
    cart_orders_require_status(cart=cart)
    if cart.import_orders_from is None:
        raise CartNotReady(
            "Set 'Import orders from' on the Settings tab before syncing, so a sync does not import years of history."
        )


def cart_sync_pass(*, cart_id: int, scheduled: bool = True) -> SyncPass:
    """Run one auto-sync pass for the cart, unless another pass holds its lock (then do nothing).

    A scheduled pass runs only while the cart's Auto-sync is Running; "Sync now" runs regardless.
    """
    token = cart_sync_lock_acquire(cart_id=cart_id, ttl=_lock_ttl())
    if token is None:
        return SyncPass(PassOutcome.LOCKED, summary="Another sync pass is running for this cart; nothing was done.")
    try:
        cart = Cart.objects.select_related("company").filter(pk=cart_id).first()
        if cart is None:
            return SyncPass(PassOutcome.NOT_RUNNABLE, summary="The cart no longer exists.")
        if scheduled and cart.auto_sync != AutoSync.RUNNING:
            return SyncPass(PassOutcome.NOT_RUNNABLE, summary="Auto-sync was switched to Stopped; nothing was done.")
        return _run_pass(cart, token)
    finally:
        cart_sync_lock_release(cart_id=cart_id, token=token)


@dataclass
class _PassReader:
    """Reads the store's changed orders for one pass, keeping what the pass needs besides the imports."""

    cart: Cart
    token: str
    status_ids: list[int]
    seen: int = 0
    newest_modified: datetime.datetime | None = None
    changed: dict[int, tuple[int, str, datetime.datetime]] = field(default_factory=dict)
    error: BigCommerceError | None = None

    def orders_to_import(self, pages: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        """The orders in the cart's statuses; others are only noted (cursor, flags)."""
        try:
            for order in pages:
                self.seen += 1
                modified = _store_date(order.get("date_modified"))
                if modified is not None and (self.newest_modified is None or modified > self.newest_modified):
                    self.newest_modified = modified
                status_id = int(order.get("status_id", -1))
                if status_id in self.status_ids:
                    yield order
                elif status_id in CHANGED_AFTER_IMPORT_STATUSES:
                    label = str(order.get("custom_status") or order.get("status") or self.cart.status_label(status_id))
                    self.changed[int(order["id"])] = (status_id, label, modified or timezone.now())
                if self.seen % 250 == 0:
                    cart_sync_lock_extend(cart_id=self.cart.pk, token=self.token, ttl=_lock_ttl())
        except BigCommerceError as error:
            self.error = error  # orders_import reports it as stopped_reason; the pass needs its type too
            raise


def _store_orders(client: BigCommerceClient, cart: Cart, status_ids: list[int]) -> Iterator[dict[str, Any]]:
    """The orders a pass reads: on the first pass those in the cart's statuses since the cut-off,
    afterwards every order modified since the cursor (minus the overlap), in one query."""
    _, created_from = cart_orders_window(cart=cart)
    if cart.sync_cursor is None:
        for status_id in status_ids:
            yield from client.iter_orders(
                OrderFilter(status_id=status_id, created_from=created_from), sort="date_modified:asc", with_lines=True
            )
        return
    overlap = datetime.timedelta(minutes=settings.AUTOSYNC_OVERLAP_MINUTES)
    yield from client.iter_orders(
        OrderFilter(created_from=created_from, modified_from=cart.sync_cursor - overlap),
        sort="date_modified:asc",
        with_lines=True,
    )


def _close_interrupted_passes(cart: Cart) -> None:
    """Passes still 'running' while this one holds the lock died with their worker; say so in their entries."""
    CartLog.objects.filter(cart=cart, kind=CartLogKind.SYNC, status=CartLogStatus.RUNNING).update(
        status=CartLogStatus.FAILED,
        finished_at=timezone.now(),
        summary="Interrupted: the worker running this pass stopped. The next pass carried on; nothing was doubled.",
    )


def _run_pass(cart: Cart, token: str) -> SyncPass:
    _close_interrupted_passes(cart)
    log = cart_log_start(cart=cart, kind=CartLogKind.SYNC)
    try:
        cart_sync_require_settings(cart=cart)
        client = cart_client(cart=cart)
    except CartNotReady as error:
        cart_log_finish(log=log, status=CartLogStatus.FAILED, summary=str(error))
        return SyncPass(PassOutcome.NOT_RUNNABLE, log_id=log.pk, summary=str(error))
    except (StoredKeyUnreadable, HostNotAllowed) as error:
        return _stop(cart, log, cart_store_error_reason(cart=cart, error=error, scope=SCOPE_ORDERS_READ), None)
    status_ids, _ = cart_orders_window(cart=cart)
    reader = _PassReader(cart=cart, token=token, status_ids=status_ids)
    with client:
        result = orders_import(
            cart=cart, orders=reader.orders_to_import(_store_orders(client, cart, status_ids)), log=log
        )
    result.stats = client.stats
    result.api_requests = client.stats.requests
    if reader.error is not None and not reader.error.transient:
        # A revoked token, a removed scope, a store that is gone: retrying cannot help, the merchant can.
        return _stop(cart, log, result.stopped_reason, result)
    flagged = _flag_changed_orders(cart, reader.changed)
    if reader.error is not None:
        return _transient_failure(cart, log, result, flagged)
    _advance(cart, reader.newest_modified)
    summary = _summary(result, flagged)
    cart_log_finish(
        log=log,
        status=CartLogStatus.SUCCEEDED if result.succeeded else CartLogStatus.PARTIAL,
        summary=summary,
        counts={**result.counts, "seen": reader.seen, "flagged": len(flagged)},
        failures=_failures(result, flagged),
        stats=client.stats,
    )
    return SyncPass(PassOutcome.COMPLETED, log_id=log.pk, summary=summary, result=result, flagged=flagged)


def _advance(cart: Cart, newest_modified: datetime.datetime | None) -> None:
    """Move the cursor to the newest date_modified seen (never the local clock) and clear the failure streak."""
    updates: dict[str, Any] = {"consecutive_sync_failures": 0}
    if newest_modified is not None and (cart.sync_cursor is None or newest_modified > cart.sync_cursor):
        updates["sync_cursor"] = newest_modified
    Cart.objects.filter(pk=cart.pk).update(**updates)


def _flag_changed_orders(cart: Cart, changed: dict[int, tuple[int, str, datetime.datetime]]) -> dict[int, str]:
    """Note on each imported transaction that its order moved to a cancelled or refunded status; money is untouched.

    Returns the notes written, by order id (an order already flagged for the same status is skipped).
    """
    notes = {}
    for order_id, record in transactions_by_cart_order(cart=cart, order_ids=changed).items():
        status_id, label, when = changed[order_id]
        if record.cart_status_id == status_id:
            continue
        previous = record.cart_status_label or (
            cart.status_label(record.cart_status_id) if record.cart_status_id is not None else "unknown"
        )
        note = f"changed in cart: status {previous} → {label} on {when:%Y-%m-%d %H:%M} UTC"
        Transaction.objects.filter(pk=record.pk).update(
            cart_status_id=status_id,
            cart_status_label=label,
            cart_change_note="\n".join(filter(None, [record.cart_change_note, note])),
        )
        notes[order_id] = note
    return notes


def _stop(cart: Cart, log: CartLog, reason: str, result: ImportResult | None) -> SyncPass:
    """The key or a scope no longer works: switch auto-sync off, say why on the cart and by e-mail."""
    # The connection no longer works: Test Connection must pass again before Auto-sync can be switched back on.
    Cart.objects.filter(pk=cart.pk).update(
        auto_sync=AutoSync.STOPPED,
        auto_sync_stopped_reason=reason,
        last_test_passed=False,
        last_test_at=timezone.now(),
        last_test_message=f"TEST FAILED: {reason} (found by an auto-sync pass)",
    )
    summary = f"Auto-sync stopped: {reason}"
    cart_log_finish(
        log=log,
        status=CartLogStatus.FAILED,
        summary=summary,
        counts=result.counts if result else {},
        failures=[{"reference": "Store", "reason": reason}],
        stats=result.stats if result else None,
    )
    _notify(cart, f"Auto-sync stopped for cart {cart.name}", f"{summary}\n\nFix it, pass Test Connection, then switch Auto-sync back to Running.")
    return SyncPass(PassOutcome.STOPPED, log_id=log.pk, summary=summary, result=result)


def _transient_failure(cart: Cart, log: CartLog, result: ImportResult, flagged: dict[int, str]) -> SyncPass:
    """The store failed to answer: keep the cursor, count the failure, e-mail only after several in a row."""
    failures = Cart.objects.filter(pk=cart.pk).values_list("consecutive_sync_failures", flat=True).first() or 0
    failures += 1
    Cart.objects.filter(pk=cart.pk).update(consecutive_sync_failures=failures)
    summary = f"{_summary(result, flagged)}. Stopped early: {result.stopped_reason}"
    cart_log_finish(
        log=log,
        status=CartLogStatus.FAILED,
        summary=summary,
        counts={**result.counts, "flagged": len(flagged)},
        failures=_failures(result, flagged),
        stats=result.stats,
    )
    if failures == settings.AUTOSYNC_NOTIFY_AFTER_FAILURES:
        _notify(
            cart,
            f"Auto-sync for cart {cart.name} keeps failing",
            f"The last {failures} sync passes failed: {result.stopped_reason}\n"
            "Auto-sync keeps trying; nothing is imported twice when it recovers.",
        )
    return SyncPass(PassOutcome.TRANSIENT_FAILURE, log_id=log.pk, summary=summary, result=result, flagged=flagged)


def _notify(cart: Cart, subject: str, body: str) -> None:
    recipients = list(
        User.objects.filter(company_id=cart.company_id, is_active=True).exclude(email="").values_list("email", flat=True)
    )
    if not recipients:
        return
    try:
        send_mail(f"Salesorder: {subject}", body, None, recipients, fail_silently=False)
    except (smtplib.SMTPException, OSError):
        # The cart page already says what happened; a mail server being down must not hide it.
        logger.exception("Could not e-mail the users of company %s about cart %s", cart.company_id, cart.pk)


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


def _store_date(value: object) -> datetime.datetime | None:
    """A v2 date (RFC-2822, any offset) in UTC; None when absent or unreadable."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return parsed.astimezone(datetime.UTC) if parsed.tzinfo else parsed.replace(tzinfo=datetime.UTC)


# --- what the cart page shows ---------------------------------------------------------------------


@dataclass(frozen=True)
class Reconciliation:
    """The store's orders in the cart's statuses since the cut-off, against what was imported or refused."""

    store_total: int
    imported: int
    refused: int
    not_yet_seen: list[int]
    api_requests: int


def cart_sync_reconcile(*, cart: Cart) -> Reconciliation:
    """Count the store's orders that the cart should import and compare with its transactions and refusals.

    Reads every such order's id (pages of 250 without lines), so a missed order cannot hide.
    """
    cart_orders_require_status(cart=cart)
    status_ids, created_from = cart_orders_window(cart=cart)
    with cart_client(cart=cart) as client:
        order_ids = {
            int(order["id"])
            for status_id in status_ids
            for order in client.iter_orders(OrderFilter(status_id=status_id, created_from=created_from))
        }
    imported = set(transactions_by_cart_order(cart=cart, order_ids=order_ids))
    refused = set(
        OrderRefusal.objects.filter(cart=cart, cart_order_id__in=order_ids - imported).values_list(
            "cart_order_id", flat=True
        )
    )
    return Reconciliation(
        store_total=len(order_ids),
        imported=len(imported),
        refused=len(refused),
        not_yet_seen=sorted(order_ids - imported - refused),
        api_requests=client.stats.requests,
    )


def cart_sync_start(*, cart: Cart) -> None:
    """Sync now: queue one pass after the current transaction commits; CartNotReady says what to set first."""
    from orders.tasks import cart_sync_task  # the tasks module imports this one

    cart_sync_require_settings(cart=cart)
    transaction.on_commit(lambda: cart_sync_task.delay(cart.pk, scheduled=False))


def cart_sync_state(*, cart: Cart, passes: int = 10) -> list[CartLog]:
    """The cart's last sync passes, newest first."""
    return list(CartLog.objects.filter(cart=cart, kind=CartLogKind.SYNC)[:passes])
