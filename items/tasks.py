"""Background item work: cart imports (the task loads its log entry) and large Items CSVs (checked, then imported),
each through the same service the screen and CLI use."""
from __future__ import annotations

import contextlib

from celery import shared_task

from carts.platforms.base import PortalError
from carts.runs import cart_log_running
from items.cart_import import CatalogSelection, cart_items_import
from items.csv_commit import items_csv_write
from items.csv_import import items_csv_check
from items.stock_push import cart_stock_push


@shared_task(ignore_result=True)
def cart_items_import_task(log_id: int, selection: dict) -> None:
    """Run an items import logged as `log_id` (opened by cart_items_import_start)."""
    log = cart_log_running(log_id=log_id)
    if log is None:
        return
    cart_items_import(cart=log.cart, selection=CatalogSelection.from_json(selection), log=log)


@shared_task(ignore_result=True)
def cart_stock_push_task(log_id: int) -> None:
    """Push stock now, logged as `log_id` (opened by cart_stock_push_start)."""
    log = cart_log_running(log_id=log_id)
    if log is not None:
        cart_stock_push(cart=log.cart, log=log)


@shared_task(ignore_result=True)
def items_csv_check_task(upload_id: int) -> None:
    """Check a large upload once (items_csv_check_or_start queued it)."""
    items_csv_check(upload_id=upload_id)


@shared_task(ignore_result=True)
def items_csv_commit_task(upload_id: int) -> None:
    """Import a large upload's valid rows (items_csv_commit_start queued it); a stop is recorded on the upload."""
    with contextlib.suppress(PortalError):  # the upload's summary says why it stopped; its preview offers to go on
        items_csv_write(upload_id=upload_id)
