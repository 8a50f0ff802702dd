"""Stock push: each linked stock item's available quantity sent to the cart's store, only where it changed.

The level of a cart variant is its item's available to sell (on hand - committed, never below 0).
A push sends only variants whose level differs from the one recorded at their last push (ItemCartLink
.pushed_quantity), so a push with nothing changed asks the store nothing. For those it reads the
store's tracking and level (a page of products a request), then sets the levels with the platform's
batched absolute adjustments. Variants whose product does not track inventory (or tracks one level
for several variants) are listed with the reason; the store's setting is never changed. A level the
store changed since our last push (a sale, an edit in the control panel) is overwritten only with the
variant named in the log, with both figures.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from carts.models import Cart, CartLog, CartLogKind, CartLogStatus
from carts.platforms.base import StoreAccess
from carts.platforms.fulfilment import StockSetting
from carts.runs import CartRun, cart_run, cart_run_queue, cart_runs_of_kind
from items.models import Item, ItemCartLink, ItemType
from items.selectors import in_batches
from items.stock import items_with_stock

PUSH_REASON = "Salesorder: available to sell"
CONNECTION_LOST = "The levels set before it are recorded; the next push sends the rest."
# Failures named in the log entry, each kind (the counts stay exact beyond it).
LISTED = 500


@dataclass
class PushOutcome:
    """What one push found and did, by variant."""

    changed: int = 0
    pushed: int = 0
    already: int = 0  # the store already had the level
    requests: int = 0  # adjustment requests sent
    not_settable: list[dict[str, Any]] = field(default_factory=list)
    overwritten: list[dict[str, Any]] = field(default_factory=list)
    refused: list[dict[str, Any]] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {"changed": self.changed, "pushed": self.pushed, "already_in_store": self.already,
                "not_settable": len(self.not_settable), "changed_in_store": len(self.overwritten),
                "refused": len(self.refused), "adjustment_requests": self.requests}

    def summary(self) -> str:
        if not self.changed:
            return "Stock push: no level changed since the last push; nothing was sent."
        parts = [f"Stock push: {self.changed:,} level{'s' if self.changed != 1 else ''} changed, {self.pushed:,} set in "
                 f"the store ({self.requests:,} request{'s' if self.requests != 1 else ''}), {self.already:,} already right"]
        if self.not_settable:
            parts.append(f"{len(self.not_settable):,} not tracked by variant in the store")
        if self.overwritten:
            parts.append(f"{len(self.overwritten):,} changed in the store since the last push (named below)")
        if self.refused:
            parts.append(f"{len(self.refused):,} refused by the store")
        return ", ".join(parts) + "."

    def failures(self) -> list[dict[str, Any]]:
        return self.overwritten[:LISTED] + self.not_settable[:LISTED] + self.refused[:LISTED]


def _reference(link: ItemCartLink) -> str:
    return f"SKU {link.item.sku} (product {link.product_id}, variant {link.variant_id})"


def stock_push_changed(*, cart: Cart, not_settable_again: bool = False) -> Iterator[tuple[ItemCartLink, int]]:
    """The cart's stock-item variants whose level (available, never below 0) differs from the last push's, and with
    `not_settable_again` those the last push could not set (the merchant may have turned tracking on since)."""
    links = ItemCartLink.objects.filter(cart=cart, item__item_type=ItemType.STOCK).select_related("item").order_by("pk")
    for batch in in_batches(links.iterator(chunk_size=2000)):
        available = dict(items_with_stock(Item.objects.filter(pk__in={link.item_id for link in batch}))
                         .values_list("pk", "available"))
        for link in batch:
            level = max(available.get(link.item_id, 0), 0)
            if link.pushed_quantity != level or (not_settable_again and link.push_note):
                yield link, level


def _record(links: Iterable[ItemCartLink], note: str = "") -> None:
    now = timezone.now()
    changed = list(links)
    for link in changed:
        link.pushed_at, link.push_note = now, note
    ItemCartLink.objects.bulk_update(changed, ["pushed_quantity", "pushed_at", "push_note"], batch_size=900)


def _push(run: CartRun, changed: list[tuple[ItemCartLink, int]]) -> PushOutcome:
    outcome = PushOutcome(changed=len(changed))
    run.progress(done=0, total=len(changed))
    by_key = {(link.product_id, link.variant_id): (link, level) for link, level in changed}
    store_stock = {stock.key: stock for stock in run.store.variant_stock(list(by_key))}
    to_set: dict[tuple[int, int], ItemCartLink] = {}
    settled: list[ItemCartLink] = []
    for key, (link, level) in by_key.items():
        stock = store_stock.get(key)
        reason = ("the variant is no longer in the store." if stock is None else stock.not_settable)
        if reason:
            link.pushed_quantity = level
            _record([link], note=reason)
            outcome.not_settable.append({"reference": _reference(link), "reason": reason})
        elif stock.level == level:
            link.pushed_quantity = level
            settled.append(link)
            outcome.already += 1
        else:
            # (A variant the last push could not set holds the level it was not given: nothing to name.)
            if link.pushed_quantity is not None and not link.push_note and stock.level != link.pushed_quantity:
                outcome.overwritten.append({"reference": _reference(link), "reason": (
                    f"the store's level was {stock.level}, not the {link.pushed_quantity} last pushed: it changed in "
                    f"the store since (a sale or an edit); set to {level}, the available quantity here.")})
            to_set[key] = link
    _record(settled)
    done = len(by_key) - len(to_set)
    run.progress(done=done)
    settings = [StockSetting(link.product_id, link.variant_id, by_key[key][1]) for key, link in to_set.items()]
    for batch in run.store.stock_set(settings, reason=PUSH_REASON):
        outcome.requests += 1
        links = [to_set[setting.key] for setting in batch.settings]
        if batch.refused:
            outcome.refused += [{"reference": _reference(link), "reason": f"the store refused its batch: {batch.refused}"}
                                for link in links]
        else:
            for link, setting in zip(links, batch.settings):
                link.pushed_quantity = setting.quantity
            _record(links)
            outcome.pushed += len(links)
        done += len(links)
        run.progress(done=done)
    return outcome


def cart_stock_push(*, cart: Cart, log: CartLog | None = None, only_if_changed: bool = False) -> CartLog | None:
    """Push the cart's changed stock levels to its store; the closed log entry (None when `only_if_changed` and
    nothing changed: an auto-sync pass then writes no entry and asks the store nothing)."""
    # A pass asks the store nothing for variants it could not set (each pass would); Push stock now does.
    changed = list(stock_push_changed(cart=cart, not_settable_again=not only_if_changed))
    if not changed and only_if_changed and log is None:
        return None
    outcome = PushOutcome()
    with cart_run(cart=cart, kind=CartLogKind.STOCK_PUSH, need=StoreAccess.INVENTORY_MODIFY,
                  connection_lost=CONNECTION_LOST, log=log) as run:
        if changed:
            outcome = _push(run, changed)
    if run.stop.stopped:
        return run.finish(status=CartLogStatus.FAILED, summary=f"{outcome.summary()} Stopped: {run.stop.reason}",
                          counts=outcome.counts, failures=outcome.failures())
    status = CartLogStatus.PARTIAL if outcome.refused or outcome.not_settable else CartLogStatus.SUCCEEDED
    return run.finish(status=status, summary=outcome.summary(), counts=outcome.counts, failures=outcome.failures())


def cart_stock_pushes(*, cart: Cart) -> tuple[list[CartLog], CartLog | None]:
    """The cart's stock pushes still running (for progress bars) and the latest finished one."""
    return cart_runs_of_kind(cart=cart, kind=CartLogKind.STOCK_PUSH)


def cart_stock_push_start(*, cart: Cart) -> CartLog:
    """Push stock now: queue a push on the worker (one per cart at a time), whatever the cart's push setting."""
    from items.tasks import cart_stock_push_task  # the tasks module imports this one

    return cart_run_queue(cart=cart, kind=CartLogKind.STOCK_PUSH, task=cart_stock_push_task, what="stock push")
