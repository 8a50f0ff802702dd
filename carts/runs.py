"""One run on a cart (an items import, an orders import, an auto-sync pass, Test Connection), from its log entry to its end.

`cart_run` opens the run's log entry (or continues one a background task was given) and, when first
asked, a session with the store. A store that fails, a setting still missing, or a database
connection lost between two writes ends the run early with the reason the merchant reads; what was
committed before stays. The caller closes the entry with `CartRun.finish` (outcome, counts, each
failure's reason, and the API cost). Any other exception closes the entry as failed with a reason
before it propagates, and `cart_runs_close_stale` (on beat's schedule) closes the entries of runs
whose worker died: no entry is left running.
"""
from __future__ import annotations

import datetime
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from celery.exceptions import SoftTimeLimitExceeded
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from carts.models import Cart, CartLog, CartLogStatus
from carts.platforms.base import NotReady, PortalError, RequestStats, RetryPolicy, StoreAccess, StoreError, StoreSession
from carts.stores import cart_store_open, store_failure_reason

logger = logging.getLogger(__name__)

DATABASE_CONNECTION_LOST = "the connection to the database was lost."
WHAT_STAYS = "Whatever it saved before it stopped stays; run it again to do the rest."


def cart_log_start(*, cart: Cart, kind: str, total: int | None = None) -> CartLog:
    """Open a log entry for something that runs on a cart (import, sync, test)."""
    return CartLog.objects.create(company_id=cart.company_id, cart=cart, kind=kind, progress_total=total,
                                  last_progress_at=timezone.now())


def cart_log_progress(*, log: CartLog, done: int, total: int | None = None) -> None:
    """Record progress for the page's progress bar (and that the run is alive), without touching the rest of the entry."""
    fields = {"progress_done": done} if total is None else {"progress_done": done, "progress_total": total}
    CartLog.objects.filter(pk=log.pk).update(**fields, last_progress_at=timezone.now())
    log.progress_done = done  # the entry the caller holds shows it too
    if total is not None:
        log.progress_total = total


def cart_log_finish(
    *,
    log: CartLog,
    status: str,
    summary: str,
    counts: dict[str, int] | None = None,
    failures: list[dict[str, str]] | None = None,
    stats: RequestStats | None = None,
) -> CartLog:
    """Close a log entry with its outcome, counts, each failure's reason, and the API cost."""
    log.status = status
    log.summary = summary
    log.finished_at = timezone.now()
    log.counts = counts or {}
    log.failures = failures or []
    fields = ["status", "summary", "finished_at", "counts", "failures"]
    if stats is not None:
        log.api_requests = stats.requests
        log.rate_limit_waits = stats.rate_limit_waits
        fields += ["api_requests", "rate_limit_waits"]
    log.save(update_fields=fields)  # progress is written by cart_log_progress; keep what it wrote
    return log


def cart_log_running(*, log_id: int) -> CartLog | None:
    """The entry a background task was given, while it still runs (None: its cart was deleted, or the entry was
    closed: a redelivered task, or one the sweep gave up on)."""
    return CartLog.objects.select_related("cart", "cart__company").filter(pk=log_id, status=CartLogStatus.RUNNING).first()


def cart_runs_of_kind(*, cart: Cart, kind: str) -> tuple[list[CartLog], CartLog | None]:
    """The cart's runs of one kind still running (for progress bars) and the latest finished one."""
    runs = CartLog.objects.for_company(cart.company).filter(cart=cart, kind=kind)
    return list(runs.filter(status=CartLogStatus.RUNNING)), runs.exclude(status=CartLogStatus.RUNNING).first()


class RunAlreadyRunning(PortalError):
    """A run of this kind is already going on the cart: its progress shows on the cart's tab."""


def cart_run_queue(*, cart: Cart, kind: str, task, what: str) -> CartLog:
    """Queue a run of `kind` on the worker, one per cart at a time; RunAlreadyRunning names `what` while one runs.

    The task gets the new log entry's id once the caller's transaction commits.
    """
    with transaction.atomic():
        # The cart's row is locked from the check to the new entry: two clicks at once queue one run.
        list(Cart.objects.select_for_update().filter(pk=cart.pk).values_list("pk", flat=True))
        running, _ = cart_runs_of_kind(cart=cart, kind=kind)
        if running:
            raise RunAlreadyRunning(f"A {what} of this cart is already running; its progress shows below.")
        log = cart_log_start(cart=cart, kind=kind)
    transaction.on_commit(lambda: task.delay(log.pk))
    return log


def cart_logs_interrupt(*, logs: QuerySet[CartLog], reason: str) -> int:
    """Close the entries among `logs` still running as failed, with the reason; how many were closed."""
    return logs.filter(status=CartLogStatus.RUNNING).update(status=CartLogStatus.FAILED, finished_at=timezone.now(),
                                                             summary=reason)


def interruption_reason(error: BaseException) -> str:
    """Why a run ended by an exception no rule foresaw, for the merchant (the details go to the server's log)."""
    if isinstance(error, SoftTimeLimitExceeded):
        cause = "it ran longer than its time limit and was stopped."
    elif isinstance(error, (KeyboardInterrupt, SystemExit)):
        cause = "the worker running it was shut down."
    elif isinstance(error, DatabaseError):
        cause = "the database failed while it ran (the details are in the server's log)."
    else:
        cause = (f"an unexpected error stopped it ({type(error).__name__}; the details are in the server's log). "
                 "If it happens again, tell support@salesorder.com.")
    return f"Stopped: {cause} {WHAT_STAYS}"


@contextmanager
def log_closed_on_error(log: CartLog) -> Iterator[None]:
    """Close the entry as failed, saying why, when the block raises; the exception then goes on."""
    try:
        yield
    except GeneratorExit:  # the block was a generator closed early: not an error
        raise
    except BaseException as error:
        logger.exception("A run on cart %s (log entry %s) was stopped by an error", log.cart_id, log.pk)
        try:
            cart_logs_interrupt(logs=CartLog.objects.filter(pk=log.pk), reason=interruption_reason(error))
        except DatabaseError:  # the database is gone too: the periodic sweep closes the entry later
            logger.exception("Could not close log entry %s after an error", log.pk)
        raise


def cart_runs_close_stale(*, now: datetime.datetime, stale_after: datetime.timedelta) -> int:
    """Close every entry still running without progress for `stale_after`: its worker died or never took it."""
    minutes = round(stale_after.total_seconds() / 60)
    cutoff = now - stale_after
    stale = CartLog.objects.filter(Q(last_progress_at__lt=cutoff) | Q(last_progress_at__isnull=True, started_at__lt=cutoff))
    return cart_logs_interrupt(logs=stale, reason=(
        f"Interrupted: it made no progress for {minutes} minutes, so the worker running it stopped (or none took "
        f"it up). {WHAT_STAYS}"))


@dataclass
class RunStop:
    """Why a run ended early ('' when it did not), and what ended it, for callers that act on its kind."""

    reason: str = ""
    error: Exception | None = None

    @property
    def stopped(self) -> bool:
        return bool(self.reason)

    @property
    def transient(self) -> bool:
        """Whether running again later may succeed without anyone fixing anything."""
        if isinstance(self.error, StoreError):
            return self.error.transient
        return isinstance(self.error, (OperationalError, InterfaceError))


@contextmanager
def run_stops_on_failure(*, cart: Cart, need: StoreAccess, connection_lost: str) -> Iterator[RunStop]:
    """End the block early, keeping why in the RunStop, when a setting is missing, the store fails or the database goes.

    `connection_lost` says what a lost database connection leaves behind and how to carry on.
    """
    stop = RunStop()
    try:
        yield stop
    except NotReady as error:
        stop.reason, stop.error = str(error), error
    except StoreError as error:
        stop.reason, stop.error = store_failure_reason(cart=cart, error=error, need=need), error
    except (OperationalError, InterfaceError) as error:
        if connection.in_atomic_block:
            raise  # the caller's transaction is lost with the connection: the caller decides what to do
        # A failover or a network cut between two writes: what was committed stays, and the run ends
        # with its reason instead of its log being left running forever.
        logger.exception("A run on cart %s lost its database connection", cart.pk)
        connection.close_if_unusable_or_obsolete()  # the next query opens a new connection
        stop.reason, stop.error = f"{DATABASE_CONNECTION_LOST} {connection_lost}", error


@dataclass
class CartRun:
    """A run in progress: its cart, log entry and store session (opened when first used), and how it stopped."""

    cart: Cart
    log: CartLog
    retry: RetryPolicy | None = None
    stop: RunStop = field(default_factory=RunStop)
    _store: StoreSession | None = None

    @property
    def store(self) -> StoreSession:
        """The session with the cart's store, opened on first use (so opening it can fail like any call)."""
        if self._store is None:
            self._store = cart_store_open(cart=self.cart, retry=self.retry)
        return self._store

    @property
    def stats(self) -> RequestStats | None:
        """What the run cost in API requests (None when it never reached the store)."""
        return self._store.stats if self._store is not None else None

    def progress(self, *, done: int, total: int | None = None) -> None:
        """Record progress for the page's progress bar."""
        cart_log_progress(log=self.log, done=done, total=total)

    def finish(self, *, status: str, summary: str, counts: dict[str, int] | None = None,
               failures: list[dict[str, str]] | None = None) -> CartLog:
        """Close the run's log entry with its outcome and the API cost."""
        return cart_log_finish(log=self.log, status=status, summary=summary, counts=counts, failures=failures,
                               stats=self.stats)


@contextmanager
def cart_run(*, cart: Cart, kind: str, need: StoreAccess, connection_lost: str, log: CartLog | None = None,
             total: int | None = None, retry: RetryPolicy | None = None) -> Iterator[CartRun]:
    """Open a run's log entry (unless `log` continues one) and end the block early with the reason when it fails."""
    run = CartRun(cart=cart, log=log or cart_log_start(cart=cart, kind=kind, total=total), retry=retry)
    try:
        with log_closed_on_error(run.log), run_stops_on_failure(cart=cart, need=need,
                                                                connection_lost=connection_lost) as run.stop:
            yield run
    finally:
        if run._store is not None:
            run._store.close()
