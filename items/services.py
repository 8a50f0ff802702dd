"""Item master business logic: accounts and defaults, editing items, the cart's Items tab and imports."""
from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from carts.bigcommerce.client import BigCommerceClient, RetryPolicy, V3Page
from carts.bigcommerce.constants import SCOPE_PRODUCTS_READ
from carts.bigcommerce.errors import BigCommerceError
from carts.credential_storage import StoredKeyUnreadable
from carts.models import Cart, CartLog, CartLogKind, CartLogStatus
from carts.services import cart_client, cart_store_error_reason, cart_log_finish, cart_log_progress, cart_log_start
from companies.models import Company
from items.csv_files import (
    COLUMNS,
    CellError,
    ItemCsvRow,
    ParsedItemsCsv,
    csv_bytes,
    decode_upload,
    parse_items_csv,
    template_rows,
)
from items.mapping import CartItemRow, fitted_description, product_rows, row_refusal
from items.models import (
    AccountingDefaults,
    Item,
    ItemCartLink,
    ItemCsvUpload,
    ItemType,
    LedgerAccount,
    LedgerAccountType,
)
from items.selectors import MATCHED_ITEM_FIELDS, CartMatches, cart_matches, chunked, items_by_sku, ledger_accounts

logger = logging.getLogger(__name__)

DEFAULT_INCOME_ACCOUNT = "Sales"
DEFAULT_COST_OF_GOODS_SOLD_ACCOUNT = "Cost of Goods Sold"
DEFAULT_STOCK_ASSET_ACCOUNT = "Stock Asset"
# Products a page of the cart's Items tab shows (each with all its variants): one API request.
TAB_PAGE_SIZE = 50
# Writing a page again after another import wrote the same SKUs or links meanwhile.
MERGE_ATTEMPTS = 3
# Failures kept in the log entry; the counts stay exact beyond it.
MAX_LOGGED_FAILURES = 500
DATABASE_CONNECTION_LOST = (
    "the connection to the database was lost. The pages of items written before it are kept; import again "
    "to import the rest."
)


# --- ledger accounts and accounting defaults ------------------------------------------------------


@transaction.atomic
def ledger_accounts_seed(*, company: Company) -> AccountingDefaults:
    """Give a new company the three standard accounts and make them its item defaults."""
    income, _ = LedgerAccount.objects.get_or_create(
        company=company, name=DEFAULT_INCOME_ACCOUNT, defaults={"account_type": LedgerAccountType.INCOME}
    )
    cost_of_goods_sold, _ = LedgerAccount.objects.get_or_create(
        company=company,
        name=DEFAULT_COST_OF_GOODS_SOLD_ACCOUNT,
        defaults={"account_type": LedgerAccountType.COST_OF_SALES},
    )
    stock_asset, _ = LedgerAccount.objects.get_or_create(
        company=company, name=DEFAULT_STOCK_ASSET_ACCOUNT, defaults={"account_type": LedgerAccountType.CURRENT_ASSET}
    )
    defaults, _ = AccountingDefaults.objects.get_or_create(
        company=company,
        defaults={
            "income_account": income,
            "cost_of_goods_sold_account": cost_of_goods_sold,
            "stock_asset_account": stock_asset,
        },
    )
    return defaults


def accounting_defaults_for(*, company: Company) -> AccountingDefaults:
    """The company's item defaults (seeded with the standard accounts if it has none yet)."""
    defaults = AccountingDefaults.objects.filter(company=company).select_related(
        "income_account", "cost_of_goods_sold_account", "stock_asset_account"
    ).first()
    return defaults or ledger_accounts_seed(company=company)


def accounting_defaults_update(
    *,
    company: Company,
    income_account: LedgerAccount,
    cost_of_goods_sold_account: LedgerAccount,
    stock_asset_account: LedgerAccount,
    unit_of_measure: str,
) -> AccountingDefaults:
    """Set the accounts and unit new and imported items take; existing items keep theirs."""
    for account in (income_account, cost_of_goods_sold_account, stock_asset_account):
        if account.company_id != company.pk:
            raise ValueError("An account of another company cannot be a default.")
    defaults = accounting_defaults_for(company=company)
    defaults.income_account = income_account
    defaults.cost_of_goods_sold_account = cost_of_goods_sold_account
    defaults.stock_asset_account = stock_asset_account
    defaults.unit_of_measure = unit_of_measure.strip() or "Each"
    defaults.save()
    return defaults


def ledger_account_create(*, company: Company, name: str, account_type: str) -> LedgerAccount:
    """Add an account to the company's chart; names are unique regardless of case."""
    name = name.strip()
    if not name:
        raise ValueError("The account name is empty: give the account a name.")
    if LedgerAccount.objects.for_company(company).filter(name__iexact=name).exists():
        raise ValueError(f"There is already an account named '{name}'.")
    try:
        with transaction.atomic():
            return LedgerAccount.objects.create(company=company, name=name, account_type=account_type)
    except IntegrityError:  # created by someone else between the check and the insert
        raise ValueError(f"There is already an account named '{name}'.") from None


# --- items ------------------------------------------------------------------------------------------


def item_save(*, item: Item) -> Item:
    """Save an item from the item page; a SKU another item has becomes a ValueError with the fix."""
    item.sku = item.sku.strip()
    clash = Item.objects.for_company(item.company).filter(sku=item.sku).exclude(pk=item.pk).exists()
    if clash:
        raise ValueError(f"Another item already has the SKU '{item.sku}'. SKUs are unique: choose another.")
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError:
        raise ValueError(f"Another item already has the SKU '{item.sku}'. SKUs are unique: choose another.") from None
    return item


def item_new(*, company: Company, defaults: AccountingDefaults | None = None, sku: str = "") -> Item:
    """An unsaved stock item carrying the company's accounting defaults (the ones given, else looked up)."""
    defaults = defaults or accounting_defaults_for(company=company)
    return Item(
        company=company,
        sku=sku,
        unit_of_measure=defaults.unit_of_measure,
        item_type=ItemType.STOCK,
        income_account_id=defaults.income_account_id,
        cost_of_goods_sold_account_id=defaults.cost_of_goods_sold_account_id,
        stock_asset_account_id=defaults.stock_asset_account_id,
    )


# --- the cart's Items tab ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CartItemView:
    """A cart row beside the item it matches here, for the Items (Cart) tab and `cart items`."""

    row: CartItemRow
    item: Item | None
    refusal: str  # why it cannot be imported, '' when it can

    @property
    def description_differs(self) -> bool:
        return self.item is not None and self.item.description != fitted_description(self.row.description)[0]

    @property
    def price_differs(self) -> bool:
        return self.item is not None and self.row.unit_price is not None and self.item.unit_price != self.row.unit_price

    def as_json(self) -> dict[str, Any]:
        """The row for `cart items --json`."""
        return {
            "product_id": self.row.product_id,
            "variant_id": self.row.variant_id,
            "sku": self.row.sku,
            "description": self.row.description,
            "price": None if self.row.unit_price is None else str(self.row.unit_price),
            "in_salesorder": self.item is not None,
            "item_sku": self.item.sku if self.item else None,
            "description_differs": self.description_differs,
            "price_differs": self.price_differs,
            "cannot_import": self.refusal,
        }


@dataclass(frozen=True)
class CartItemsPage:
    """One page of the cart's products as rows, with the store's totals."""

    rows: list[CartItemView]
    page: int
    total_pages: int
    total_products: int


def cart_items_page(*, cart: Cart, keyword: str = "", page: int = 1, page_size: int = TAB_PAGE_SIZE) -> CartItemsPage:
    """One page of the store's products (one API request), a row per variant, matched to items here."""
    with cart_client(cart=cart, retry=RetryPolicy(max_attempts=3, max_total_seconds=20)) as client:
        store_page = client.catalog_products_page(page=page, limit=page_size, keyword=keyword.strip())
    rows = [row for product in store_page.items for row in product_rows(product)]
    return CartItemsPage(
        rows=_views_of(cart, rows),
        page=store_page.current_page,
        total_pages=store_page.total_pages,
        total_products=store_page.total,
    )


def cart_items_iter(*, cart: Cart, keyword: str = "") -> Iterator[CartItemView]:
    """Every row of the store's products matching the keyword, a page of 250 products at a time."""
    with cart_client(cart=cart) as client:
        for store_page in client.iter_catalog_product_pages(keyword=keyword.strip()):
            yield from _views_of(cart, [row for product in store_page.items for row in product_rows(product)])


def _views_of(cart: Cart, rows: list[CartItemRow]) -> list[CartItemView]:
    refusals = [row_refusal(row) for row in rows]
    matches = cart_matches(cart=cart, rows=[row for row, refusal in zip(rows, refusals) if not refusal])
    return [CartItemView(row=row, item=None if refusal else matches.item_for(row), refusal=refusal)
            for row, refusal in zip(rows, refusals)]


def cart_error_reason(*, cart: Cart, error: BigCommerceError | StoredKeyUnreadable) -> str:
    """Why the store's catalog could not be read, and the fix, for the merchant."""
    return cart_store_error_reason(cart=cart, error=error, scope=SCOPE_PRODUCTS_READ)


# --- importing cart items ------------------------------------------------------------------------------


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
    skipped: list[tuple[CartItemRow, str]] = field(default_factory=list)
    warnings: list[tuple[CartItemRow, str]] = field(default_factory=list)
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

    def take(self, rows: Sequence[CartItemRow]) -> None:
        """Import one page of rows; rows that cannot be imported are reported, the rest written."""
        importable = []
        for row in rows:
            reason = row_refusal(row)
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

    def _write(self, rows: list[CartItemRow]) -> None:
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

    def _write_page(self, rows: list[CartItemRow]) -> _PageOutcome:
        """Create, update and link a page's items: two lookups and a few batched writes, no per-row SQL."""
        matches = cart_matches(cart=self.cart, rows=rows)
        outcome = _PageOutcome()
        now = timezone.now()
        new_items: list[Item] = []
        changed_items: dict[int, Item] = {}
        new_links: list[ItemCartLink] = []
        changed_links: list[ItemCartLink] = []
        for row in rows:
            description, shortened = fitted_description(row.description)
            item = matches.item_for(row)
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
                item = item_new(company=self.company, defaults=self.defaults, sku=row.sku)
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
            text = f"{stopped_by} Before it stopped — {text}"
        return text

    def logged_failures(self) -> list[dict[str, str]]:
        if not self.unlogged_failures:
            return self.failures
        return [*self.failures, {"reference": "…", "reason": f"and {self.unlogged_failures:,} more not listed."}]


def _apply_row(item: Item, row: CartItemRow, description: str, matches: CartMatches) -> bool:
    """Bring the item's imported fields in line with the row; whether anything changed."""
    changed = False
    link = matches.links.get(row.key)
    sku_edited_here = link is not None and link.cart_sku == row.sku
    if item.sku != row.sku and not sku_edited_here:
        item.sku, changed = row.sku, True  # the SKU was edited in the cart, and no other item has it
    if item.description != description:
        item.description, changed = description, True
    if item.unit_price != row.unit_price:
        item.unit_price, changed = row.unit_price, True
    return changed


def _fetched_ahead(pages: Iterator[V3Page]) -> Iterator[V3Page]:
    """The same pages, the next one fetched in a thread while the caller writes this one.

    Network and database then overlap; one page ahead at most, so memory stays at two pages.
    The client is only ever used by that one thread, one request at a time.
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="catalog-page") as fetcher:
        upcoming = fetcher.submit(next, pages, None)
        while (page := upcoming.result()) is not None:
            upcoming = fetcher.submit(next, pages, None)
            yield page


def _selected_rows(client: BigCommerceClient, selection: CatalogSelection, run: _ItemsImport) -> Iterator[tuple[list[CartItemRow], int, int]]:
    """(rows, products done, products in all) a store page at a time, as the selection asks."""
    if not selection.is_chosen:
        done = 0
        for page in _fetched_ahead(client.iter_catalog_product_pages(keyword=selection.keyword.strip())):
            done += len(page.items)
            yield [row for product in page.items for row in product_rows(product)], done, page.total
        return
    wanted = set(selection.variants)
    for sku in dict.fromkeys(sku.strip() for sku in selection.skus):
        found = [variant for variant in client.catalog_variants_with_sku(sku) if variant.get("sku", "").strip() == sku]
        if not found:
            run.report(f"SKU {sku}", "No product or variant in the cart has exactly this SKU.", skipped=True)
        wanted.update((int(variant["product_id"]), int(variant["id"])) for variant in found)
    product_ids = sorted({product_id for product_id, _ in wanted})
    done = 0
    for page in _fetched_ahead(client.iter_catalog_product_pages(product_ids=product_ids)):
        done += len(page.items)
        rows = [row for product in page.items for row in product_rows(product) if row.key in wanted]
        wanted.difference_update(row.key for row in rows)
        yield rows, done, len(product_ids)
    for product_id, variant_id in sorted(wanted):
        run.report(f"product {product_id}, variant {variant_id}",
                   "It is no longer in the cart (deleted since the list was shown).", skipped=True)


def cart_items_import(*, cart: Cart, selection: CatalogSelection, log: CartLog | None = None) -> CartLog:
    """Import cart variants as items by SKU, streaming store pages; returns the finished log entry."""
    log = log or cart_log_start(cart=cart, kind=CartLogKind.ITEMS_IMPORT)
    run = _ItemsImport(cart=cart)
    client = None
    stopped_by = ""
    try:
        client = cart_client(cart=cart)
        for rows, done, total in _selected_rows(client, selection, run):
            run.take(rows)
            cart_log_progress(log=log, done=done, total=total)
            log.progress_done, log.progress_total = done, total  # the entry returned shows it too
    except (BigCommerceError, StoredKeyUnreadable) as error:
        stopped_by = "The import stopped: " + cart_error_reason(cart=cart, error=error)
    except (OperationalError, InterfaceError):
        if connection.in_atomic_block:
            raise  # the caller's transaction is lost with the connection: the caller decides what to do
        # A failover or a network cut: the page being written rolled back whole, the pages before it stay,
        # and the run ends with its reason instead of its log being left running forever.
        logger.exception("Items import on cart %s lost its database connection", cart.pk)
        connection.close_if_unusable_or_obsolete()  # the next query opens a new connection
        stopped_by = "The import stopped: " + DATABASE_CONNECTION_LOST
    finally:
        if client is not None:
            client.close()
    if stopped_by:
        status = CartLogStatus.FAILED
    else:
        status = CartLogStatus.PARTIAL if run.counts["skipped"] else CartLogStatus.SUCCEEDED
    return cart_log_finish(
        log=log,
        status=status,
        summary=run.summary(stopped_by),
        counts=run.counts,
        failures=run.logged_failures(),
        stats=client.stats if client is not None else None,
    )


def cart_items_import_start(*, cart: Cart, selection: CatalogSelection) -> CartLog:
    """Run a large import in the background: log it now (the page shows its progress), enqueue after commit."""
    from items.tasks import cart_items_import_task

    log = cart_log_start(cart=cart, kind=CartLogKind.ITEMS_IMPORT)
    transaction.on_commit(lambda: cart_items_import_task.delay(log.pk, selection.as_json()))
    return log


# --- Setup > Import Data > Items --------------------------------------------------------------------------


@dataclass(frozen=True)
class CsvPreview:
    """What committing an upload would do: each valid row's action, and every error."""

    parsed: ParsedItemsCsv
    actions: dict[int, str]  # line -> 'create' | 'update' | 'unchanged'

    @property
    def created(self) -> int:
        return sum(1 for action in self.actions.values() if action == "create")

    @property
    def updated(self) -> int:
        return sum(1 for action in self.actions.values() if action == "update")

    @property
    def unchanged(self) -> int:
        return sum(1 for action in self.actions.values() if action == "unchanged")

    @property
    def errors(self) -> list[CellError]:
        return self.parsed.errors


def items_csv_template() -> bytes:
    """The Items Import template: a header row with every column and an example row."""
    return csv_bytes(template_rows())


def items_csv_rows(*, items: QuerySet[Item]) -> Iterator[list[object]]:
    """The template's header, then one row per item: a file that imports back unchanged."""
    yield [column.header for column in COLUMNS]
    for item in items.iterator(chunk_size=2000):
        yield [
            item.sku, item.description, item.unit_price, item.unit_of_measure, item.get_item_type_display(),
            item.income_account.name, item.cost_of_goods_sold_account.name, item.stock_asset_account.name,
            "" if item.cost_price is None else item.cost_price, item.barcode, "" if item.weight is None else item.weight,
            item.notes, "Yes" if item.active else "No",
        ]


def items_csv_upload(*, company: Company, file_name: str, data: bytes) -> ItemCsvUpload:
    """Keep an uploaded file for its preview; refuses binary, oversized and unreadable files (CsvFileRefused)."""
    text, encoding = decode_upload(data)
    _parse(company, text)  # a wrong header is refused now, not at the preview
    return ItemCsvUpload.objects.create(company=company, file_name=file_name[:255], content=text, encoding=encoding)


def _parse(company: Company, text: str) -> ParsedItemsCsv:
    accounts = {account.name.casefold(): account for account in ledger_accounts(company=company)}
    return parse_items_csv(text, accounts=accounts)


def items_csv_preview(*, upload: ItemCsvUpload) -> CsvPreview:
    """Validate the upload again (accounts may have changed) and say what each valid row would do."""
    parsed = _parse(upload.company, upload.content)
    existing = items_by_sku(company=upload.company, skus=[row.sku for row in parsed.rows])
    actions = {}
    for row in parsed.rows:
        item = existing.get(row.sku)
        actions[row.line] = "create" if item is None else ("update" if _csv_apply(item, row) else "unchanged")
    return CsvPreview(parsed=parsed, actions=actions)


def items_csv_errors_file(*, upload: ItemCsvUpload) -> bytes:
    """The upload's errors as a CSV file: line, column, value, what is wrong."""
    errors = _parse(upload.company, upload.content).errors
    return csv_bytes([["Line", "Column", "Value", "Error"], *([e.line, e.column, e.value, e.message] for e in errors)])


def items_csv_commit(*, upload: ItemCsvUpload, valid_rows_only: bool) -> str:
    """Create or update items by SKU from the upload; all-or-nothing unless valid_rows_only. Returns the summary."""
    if upload.committed_at is not None:
        raise ValueError(f"This file was already imported: {upload.summary}")
    parsed = _parse(upload.company, upload.content)
    if parsed.errors and not valid_rows_only:
        raise ValueError(
            f"Nothing was imported: {len(parsed.invalid_lines):,} lines have errors. Correct them and upload the file "
            "again, or choose to import the valid rows only."
        )
    for attempt in range(1, MERGE_ATTEMPTS + 1):
        try:
            with transaction.atomic():
                counts = _csv_write(upload.company, parsed.rows)
                summary = (f"{counts['create']:,} created, {counts['update']:,} updated, "
                           f"{counts['unchanged']:,} unchanged, {len(parsed.invalid_lines):,} lines with errors skipped.")
                upload.committed_at = timezone.now()
                upload.summary = summary
                upload.save(update_fields=["committed_at", "summary"])
            return summary
        except IntegrityError:  # another import created some of these SKUs meanwhile: read again, they become updates
            logger.info("Items CSV %s conflicted with another write (attempt %d)", upload.pk, attempt)
    raise ValueError("Other imports kept saving the same SKUs at the same moment; nothing was imported. Try again.")


def _csv_write(company: Company, rows: list[ItemCsvRow]) -> dict[str, int]:
    counts = {"create": 0, "update": 0, "unchanged": 0}
    defaults = accounting_defaults_for(company=company)
    now = timezone.now()
    for chunk in chunked(rows):
        existing = items_by_sku(company=company, skus=[row.sku for row in chunk])
        new_items, changed = [], []
        for row in chunk:
            item = existing.get(row.sku)
            if item is None:
                item = item_new(company=company, defaults=defaults, sku=row.sku)
                _csv_apply(item, row)
                new_items.append(item)
                counts["create"] += 1
            elif _csv_apply(item, row):
                item.updated_at = now
                changed.append(item)
                counts["update"] += 1
            else:
                counts["unchanged"] += 1
        Item.objects.bulk_create(new_items)
        Item.objects.bulk_update(changed, [*_CSV_ITEM_FIELDS.values(), "updated_at"])
    return counts


# CSV column -> Item field, for the columns that are plain values.
_CSV_ITEM_FIELDS = {
    "description": "description",
    "unit_price": "unit_price",
    "unit_of_measure": "unit_of_measure",
    "item_type": "item_type",
    "income_account": "income_account",
    "cogs_account": "cost_of_goods_sold_account",
    "stock_asset_account": "stock_asset_account",
    "cost_price": "cost_price",
    "barcode": "barcode",
    "weight": "weight",
    "notes": "notes",
    "active": "active",
}


def _csv_apply(item: Item, row: ItemCsvRow) -> bool:
    """Set the row's non-empty cells on the item (empty cells keep what is there); whether anything changed."""
    changed = False
    for key, value in row.values.items():
        if key == "sku":
            continue
        name = _CSV_ITEM_FIELDS[key]
        current = getattr(item, name + "_id") if isinstance(value, LedgerAccount) else getattr(item, name)
        wanted = value.pk if isinstance(value, LedgerAccount) else value
        if current != wanted:
            setattr(item, name, value)
            changed = True
    return changed
