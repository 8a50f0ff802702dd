"""Importing cart variants as items: chosen variants, chosen SKUs, or every product matching, a store page at a time.

Each page is written with one lookup and batched inserts and updates. The unique constraints on
(company, SKU) and (cart, product, variant) guard against a concurrent import or CSV upload: a page
that conflicts is rolled back, read again and merged, and one that keeps conflicting is written row
by row, so one row holds back nothing else.
"""
from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from carts.models import Cart, CartLog, CartLogKind, CartLogStatus
from carts.platforms.base import CatalogPage, CatalogVariant, StoreAccess, StoreSession
from carts.runs import CartRun, cart_log_start, cart_run
from items.editing import item_new
from items.ledger import accounting_defaults_for
from items.matching import MATCHED_ITEM_FIELDS, VariantMatches, variant_matches
from items.models import Item, ItemCartLink, ItemType
from items.variants import fitted_description, variant_refusal

logger = logging.getLogger(__name__)

# Writing a page again after another import wrote the same SKUs or links meanwhile.
MERGE_ATTEMPTS = 3
# Failures kept in the log entry; the counts stay exact beyond it.
MAX_LOGGED_FAILURES = 500
CONNECTION_LOST = "The pages of items written before it are kept; import again to import the rest."
# More chosen variants (one store page of products, one batch of writes) or SKUs (a request each) than this
# are imported on the worker, with a progress bar.
ITEMS_IN_REQUEST = 250
SKUS_IN_REQUEST = 25


@dataclass(frozen=True)
class CatalogSelection:
    """What an items import takes from the cart: chosen variants, chosen SKUs, or every product matching."""

    variants: tuple[tuple[int, int], ...] = ()  # (product id, variant id)
    skus: tuple[str, ...] = ()
    keyword: str = ""  # with no variants or SKUs: every product matching it ('' is the whole catalog)

    @property
    def is_chosen(self) -> bool:
        """Whether particular variants or SKUs were chosen, rather than everything matching."""
        return bool(self.variants or self.skus)

    def as_json(self) -> dict[str, Any]:
        """For a Celery task's arguments."""
        return {"variants": [list(key) for key in self.variants], "skus": list(self.skus), "keyword": self.keyword}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CatalogSelection:
        return cls(
            variants=tuple((int(product), int(variant)) for product, variant in data.get("variants", [])),
            skus=tuple(str(sku) for sku in data.get("skus", [])),
            keyword=str(data.get("keyword", "")),
        )


@dataclass
class _PageOutcome:
    """What writing one page did, applied to the run's totals only once the page is committed."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[tuple[CatalogVariant, str]] = field(default_factory=list)
    warnings: list[tuple[CatalogVariant, str]] = field(default_factory=list)
    claims: dict[int, str] = field(default_factory=dict)


class _ItemsImport:
    """One import run: remembers SKUs and items taken so far, so duplicates are caught across pages."""

    def __init__(self, *, cart: Cart) -> None:
        self.cart = cart
        self.company = cart.company
        self.defaults = accounting_defaults_for(company=self.company)
        self.counts = {"created": 0, "updated": 0, "unchanged": 0, "skipped": 0, "warnings": 0}
        self.failures: list[dict[str, str]] = []
        self.unlogged_failures = 0
        self.sku_taken_by: dict[str, str] = {}
        self.item_taken_by: dict[int, str] = {}

    def take(self, rows: Sequence[CatalogVariant]) -> None:
        """Import one page of rows; rows that cannot be imported are reported, the rest written."""
        importable = []
        for row in rows:
            reason = variant_refusal(row)
            if not reason and row.sku in self.sku_taken_by:
                reason = (
                    f"Another cart product has the same SKU: {self.sku_taken_by[row.sku]}, earlier in this import. "
                    "SKUs must be unique: change one of them in BigCommerce and import again."
                )
            if reason:
                self.report(row.reference, reason, skipped=True)
                continue
            self.sku_taken_by[row.sku] = row.reference
            importable.append(row)
        if importable:
            self._write(importable)

    def report(self, reference: str, reason: str, *, skipped: bool) -> None:
        self.counts["skipped" if skipped else "warnings"] += 1
        if len(self.failures) < MAX_LOGGED_FAILURES:
            self.failures.append({"reference": reference, "reason": reason})
        else:
            self.unlogged_failures += 1

    def _write(self, rows: list[CatalogVariant]) -> None:
        # The unique constraints are the guard against a concurrent import (or CSV upload) writing the
        # same SKUs: a conflict rolls the page back, and reading again turns its rows into updates.
        for attempt in range(1, MERGE_ATTEMPTS + 1):
            try:
                with transaction.atomic():
                    outcome = self._write_page(rows)
            except IntegrityError:
                logger.info("Items import on cart %s: page conflicted with another write (attempt %d)", self.cart.pk, attempt)
                continue
            self._record(outcome)
            return
        for row in rows:  # still conflicting: one row at a time, so one row holds back nothing else
            try:
                with transaction.atomic():
                    outcome = self._write_page([row])
            except IntegrityError:
                self.report(row.reference, "Another item with this SKU was being saved at the same moment; "
                                           "import this row again.", skipped=True)
                continue
            self._record(outcome)

    def _record(self, outcome: _PageOutcome) -> None:
        for name in ("created", "updated", "unchanged"):
            self.counts[name] += getattr(outcome, name)
        for row, reason in outcome.skipped:
            self.report(row.reference, reason, skipped=True)
        for row, reason in outcome.warnings:
            self.report(row.reference, reason, skipped=False)
        self.item_taken_by.update(outcome.claims)

    def _write_page(self, rows: list[CatalogVariant]) -> _PageOutcome:
        """Create, update and link a page's items: two lookups and a few batched writes, no per-row SQL."""
        matches = variant_matches(cart=self.cart, variants=[row.key for row in rows], skus=[row.sku for row in rows])
        outcome = _PageOutcome()
        now = timezone.now()
        new_items: list[Item] = []
        changed_items: dict[int, Item] = {}
        new_links: list[ItemCartLink] = []
        changed_links: list[ItemCartLink] = []
        for row in rows:
            description, shortened = fitted_description(row.description)
            item = matches.item_for(product_id=row.product_id, variant_id=row.variant_id, sku=row.sku)
            if item is not None:
                taken_by = self.item_taken_by.get(item.pk) or outcome.claims.get(item.pk)
                if taken_by:
                    outcome.skipped.append((row, (
                        f"The Salesorder item {item.sku} is already matched to {taken_by}. "
                        "Give the two cart products different SKUs, or change the item's SKU here."
                    )))
                    continue
                outcome.claims[item.pk] = row.reference
                written = _apply_row(item, row, description, matches)
                if written:
                    item.updated_at = now
                    changed_items[item.pk] = item
                    outcome.updated += 1
                else:
                    outcome.unchanged += 1
            else:
                item = item_new(company=self.company, defaults=self.defaults, sku=row.sku,
                                item_type=ItemType.NON_STOCK if row.is_digital else ItemType.STOCK)
                item.description, item.unit_price = description, row.unit_price
                new_items.append(item)
                outcome.created += 1
                written = True
            if shortened and written:  # an unchanged item was warned about when it was written
                outcome.warnings.append((row, (
                    f"Imported with the description shortened to {len(description)} characters "
                    f"(it was {len(row.description)})."
                )))
            link = matches.links.get(row.key)
            if link is None:
                new_links.append(ItemCartLink(company=self.company, cart=self.cart, item=item, product_id=row.product_id,
                                              variant_id=row.variant_id, cart_sku=row.sku))
            elif link.item_id != item.pk or link.cart_sku != row.sku:
                link.item, link.cart_sku = item, row.sku
                changed_links.append(link)
        if changed_items:
            Item.objects.bulk_update(changed_items.values(), MATCHED_ITEM_FIELDS)
        if new_items:
            Item.objects.bulk_create(new_items)
            outcome.claims.update((item.pk, self.sku_taken_by[item.sku]) for item in new_items)
        if new_links:
            ItemCartLink.objects.bulk_create(new_links)
        if changed_links:
            ItemCartLink.objects.bulk_update(changed_links, ["item", "cart_sku"])
        return outcome

    def summary(self, stopped_by: str = "") -> str:
        counts = self.counts
        written = counts["created"] + counts["updated"]
        if written == 0 and counts["unchanged"]:
            parts = [f"all {counts['unchanged']:,} item{'s' if counts['unchanged'] != 1 else ''} unchanged" if not counts["skipped"]
                     else f"{counts['unchanged']:,} unchanged"]
        else:
            parts = [f"{counts['created']:,} created", f"{counts['updated']:,} updated", f"{counts['unchanged']:,} unchanged"]
        parts.append(f"{counts['skipped']:,} skipped")
        if counts["warnings"]:
            parts.append(f"{counts['warnings']:,} imported with a warning")
        text = "Items import: " + ", ".join(parts) + "."
        if stopped_by:
            text = f"The import stopped: {stopped_by} Before it stopped — {text}"
        return text

    def logged_failures(self) -> list[dict[str, str]]:
        if not self.unlogged_failures:
            return self.failures
        return [*self.failures, {"reference": "…", "reason": f"and {self.unlogged_failures:,} more not listed."}]


def _apply_row(item: Item, row: CatalogVariant, description: str, matches: VariantMatches) -> bool:
    """Bring the item's imported fields in line with the row; whether anything changed."""
    changed = False
    if item.sku != row.sku and not matches.sku_edited_here(product_id=row.product_id, variant_id=row.variant_id,
                                                            sku=row.sku):
        previous, item.sku, changed = item.sku, row.sku, True  # the SKU was edited in the cart, no other item has it
        matches.renamed(item, previous)
    if item.description != description:
        item.description, changed = description, True
    if item.unit_price != row.unit_price:
        item.unit_price, changed = row.unit_price, True
    return changed


def _fetched_ahead(pages: Iterator[CatalogPage]) -> Iterator[CatalogPage]:
    """The same pages, the next one fetched in a thread while the caller writes this one.

    Network and database then overlap; one page ahead at most, so memory stays at two pages.
    The session is only ever used by that one thread, one request at a time.
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="catalog-page") as fetcher:
        upcoming = fetcher.submit(next, pages, None)
        while (page := upcoming.result()) is not None:
            upcoming = fetcher.submit(next, pages, None)
            yield page


def _selected_rows(store: StoreSession, selection: CatalogSelection,
                   run: _ItemsImport) -> Iterator[tuple[list[CatalogVariant], int, int]]:
    """(rows, products done, products in all) a store page at a time, as the selection asks."""
    if not selection.is_chosen:
        done = 0
        for page in _fetched_ahead(store.catalog_pages(keyword=selection.keyword.strip())):
            done += page.products
            yield page.variants, done, page.total_products
        return
    wanted = set(selection.variants)
    for sku in dict.fromkeys(sku.strip() for sku in selection.skus):
        found = store.variants_with_sku(sku)
        if not found:
            run.report(f"SKU {sku}", "No product or variant in the cart has exactly this SKU.", skipped=True)
        wanted.update(found)
    product_ids = sorted({product_id for product_id, _ in wanted})
    done = 0
    for page in _fetched_ahead(store.catalog_pages(product_ids=product_ids)):
        done += page.products
        rows = [row for row in page.variants if row.key in wanted]
        wanted.difference_update(row.key for row in rows)
        yield rows, done, len(product_ids)
    for product_id, variant_id in sorted(wanted):
        run.report(f"product {product_id}, variant {variant_id}",
                   "It is no longer in the cart (deleted since the list was shown).", skipped=True)


def cart_items_import(*, cart: Cart, selection: CatalogSelection, log: CartLog | None = None) -> CartLog:
    """Import cart variants as items by SKU, streaming store pages; returns the finished log entry."""
    items_import = _ItemsImport(cart=cart)
    with cart_run(cart=cart, kind=CartLogKind.ITEMS_IMPORT, need=StoreAccess.CATALOG_READ,
                  connection_lost=CONNECTION_LOST, log=log) as run:
        for rows, done, total in _selected_rows(run.store, selection, items_import):
            items_import.take(rows)
            run.progress(done=done, total=total)
    return _finish(run, items_import)


def _finish(run: CartRun, items_import: _ItemsImport) -> CartLog:
    if run.stop.stopped:
        status = CartLogStatus.FAILED
    else:
        status = CartLogStatus.PARTIAL if items_import.counts["skipped"] else CartLogStatus.SUCCEEDED
    return run.finish(status=status, summary=items_import.summary(run.stop.reason), counts=items_import.counts,
                      failures=items_import.logged_failures())


def cart_items_import_in_background(*, selection: CatalogSelection) -> bool:
    """Whether an import runs on the worker: every product matching always, chosen rows beyond a small fixed number.

    Decided from what was chosen, never from a figure the browser sent, and without asking the store while the
    merchant waits: each chosen variant is a row to write, each chosen SKU a request to the store.
    """
    if not selection.is_chosen:
        return True
    return len(selection.variants) > ITEMS_IN_REQUEST or len(selection.skus) > SKUS_IN_REQUEST


def cart_items_import_start(*, cart: Cart, selection: CatalogSelection) -> CartLog:
    """Run a large import in the background: log it now (the page shows its progress), enqueue after commit."""
    from items.tasks import cart_items_import_task

    log = cart_log_start(cart=cart, kind=CartLogKind.ITEMS_IMPORT)
    transaction.on_commit(lambda: cart_items_import_task.delay(log.pk, selection.as_json()))
    return log
