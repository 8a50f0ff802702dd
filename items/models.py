"""The item master, the ledger accounts items post to, and the links from items to cart products."""
from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower

from companies.models import Company, CompanyOwned, CompanyRecord

SKU_MAX_LENGTH = 100
DESCRIPTION_MAX_LENGTH = 255
MONEY_DIGITS = 19
MONEY_PLACES = 4  # BigCommerce sends money with 4 decimal places


class LedgerAccountType(models.TextChoices):
    INCOME = "income", "Income"
    COST_OF_SALES = "cost_of_sales", "Cost of sales"
    CURRENT_ASSET = "current_asset", "Current asset"
    EXPENSE = "expense", "Expense"
    LIABILITY = "liability", "Liability"


class LedgerAccount(CompanyOwned):
    """An account in the company's chart; items name one for income, cost of goods and stock."""

    name = models.CharField(max_length=100)
    account_type = models.CharField(max_length=20, choices=LedgerAccountType.choices)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("company", Lower("name"), name="ledger_account_name_unique_per_company"),
        ]

    def __str__(self) -> str:
        return self.name


class AccountingDefaults(models.Model):
    """The accounts new and imported items take ('Configurable accounting on transactions')."""

    company = models.OneToOneField(Company, on_delete=models.CASCADE, related_name="accounting_defaults")
    income_account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="+")
    cost_of_goods_sold_account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="+")
    stock_asset_account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="+")
    unit_of_measure = models.CharField(max_length=20, default="Each")
    # Non-stock items (digital products): no stock to value, so an income and an expense account.
    non_stock_income_account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="+")
    non_stock_expense_account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name_plural = "accounting defaults"

    def __str__(self) -> str:
        return f"Accounting defaults of {self.company}"


class ItemType(models.TextChoices):
    STOCK = "stock", "Stock item"
    NON_STOCK = "non_stock", "Non-stock item"
    SERVICE = "service", "Service"


class Item(CompanyRecord):
    """A product the company sells, identified by its SKU."""

    sku = models.CharField("SKU", max_length=SKU_MAX_LENGTH)
    description = models.CharField(max_length=DESCRIPTION_MAX_LENGTH, blank=True)
    unit_price = models.DecimalField(max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES, default=0)
    unit_of_measure = models.CharField(max_length=20, default="Each")
    item_type = models.CharField(max_length=20, choices=ItemType.choices, default=ItemType.STOCK)
    income_account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="+")
    cost_of_goods_sold_account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="+")
    stock_asset_account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="+")
    cost_price = models.DecimalField(max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES, null=True, blank=True)
    barcode = models.CharField(max_length=50, blank=True)
    weight = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    notes = models.TextField(blank=True)
    active = models.BooleanField(default=True)
    # Changed only by items.stock, with a StockMovement beside each change (never by a form or an import of items).
    on_hand = models.IntegerField("On hand", default=0, editable=False)

    class Meta:
        ordering = ["sku"]
        # SKUs are compared exactly as stored (after trimming surrounding spaces, done on input).
        constraints = [models.UniqueConstraint(fields=["company", "sku"], name="item_sku_unique_per_company")]

    def __str__(self) -> str:
        return self.sku


class ItemCartLink(CompanyOwned):
    """Which cart product variant an item came from, so imports and order lines find it after SKU edits.

    BigCommerce gives every product at least one (base) variant, so a link is always to a variant.
    """

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="cart_links")
    cart = models.ForeignKey("carts.Cart", on_delete=models.CASCADE, related_name="item_links")
    product_id = models.PositiveBigIntegerField()
    variant_id = models.PositiveBigIntegerField()
    # The variant's SKU in the cart at the last import: when it still matches, a different item SKU
    # was edited here on purpose and is kept; when it differs, the SKU was edited in the cart.
    cart_sku = models.CharField(max_length=255, blank=True)
    # The last stock push (items.stock_push): the level decided for the variant, and when; a push sends only
    # levels that differ from it. push_note says why it was not set in the store ('' when it was).
    pushed_quantity = models.IntegerField(null=True, blank=True, editable=False)
    pushed_at = models.DateTimeField(null=True, blank=True, editable=False)
    push_note = models.TextField(blank=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cart", "product_id", "variant_id"], name="item_link_unique_per_variant"),
        ]

    def __str__(self) -> str:
        return f"{self.item} ↔ {self.cart} product {self.product_id} variant {self.variant_id}"


class CsvUploadState(models.TextChoices):
    """Where an upload is between its upload and its import."""

    WAITING = "waiting", "Waiting to be checked"
    CHECKING = "checking", "Being checked"
    CHECKED = "checked", "Checked"
    COMMITTING = "committing", "Being imported"
    COMMITTED = "committed", "Imported"
    REFUSED = "refused", "Refused"  # it turned out not to be a readable items CSV; the summary says why


class CsvUploadKind(models.TextChoices):
    """What an uploaded CSV imports (each kind its template; the check, preview and import are the same machinery)."""

    ITEMS = "items", "Items"
    STOCK_LEVELS = "stock_levels", "Stock levels"


class ItemCsvUpload(CompanyOwned):
    """An uploaded Items Import (or Stock levels) file, kept between its preview and the merchant's commit.

    It is parsed once, when checked: its valid rows (with what importing each would do) and its errors
    are kept beside it, so the preview, the errors file and the import never parse it again.
    """

    kind = models.CharField(max_length=20, choices=CsvUploadKind.choices, default=CsvUploadKind.ITEMS)
    file_name = models.CharField(max_length=255)
    content = models.TextField(help_text="The file's text, decoded.")
    encoding = models.CharField(max_length=20)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    committed_at = models.DateTimeField(null=True, blank=True)
    summary = models.TextField(blank=True)
    state = models.CharField(max_length=12, choices=CsvUploadState.choices, default=CsvUploadState.WAITING)
    # From the check: lines_read, valid_rows, invalid_lines, errors, and create / update / unchanged as they were then.
    counts = models.JSONField(default=dict, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(null=True, blank=True)
    last_progress_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.uploaded_at:%Y-%m-%d %H:%M})"

    @property
    def progress_percent(self) -> int | None:
        if not self.progress_total:
            return None
        return min(100, round(100 * self.progress_done / self.progress_total))


class ItemCsvUploadRow(CompanyOwned):
    """A valid line of an upload: its SKU, its non-empty cells (accounts by id) and what importing it would do."""

    upload = models.ForeignKey(ItemCsvUpload, on_delete=models.CASCADE, related_name="rows")
    line = models.PositiveIntegerField()
    sku = models.CharField("SKU", max_length=SKU_MAX_LENGTH)
    values = models.JSONField(default=dict)
    action = models.CharField(max_length=10)  # create, update or unchanged, when the upload was checked

    class Meta:
        ordering = ["line"]
        indexes = [models.Index(fields=["upload", "line"])]

    def __str__(self) -> str:
        return f"Line {self.line}: {self.sku}"


class ItemCsvUploadError(CompanyOwned):
    """What is wrong in one cell (or the whole line, when column is '') of an upload."""

    upload = models.ForeignKey(ItemCsvUpload, on_delete=models.CASCADE, related_name="errors")
    line = models.PositiveIntegerField()
    column = models.CharField(max_length=50, blank=True)
    value = models.CharField(max_length=200, blank=True)
    message = models.TextField()

    class Meta:
        ordering = ["line", "pk"]
        indexes = [models.Index(fields=["upload", "line"])]

    def __str__(self) -> str:
        return f"Line {self.line} {self.column}: {self.message}"


class StockMovementKind(models.TextChoices):
    """Why a stock item's quantity on hand changed."""

    ADJUSTMENT = "adjustment", "Adjustment"
    SHIPMENT = "shipment", "Shipment"
    IMPORT = "import", "Stock levels import"


class StockMovement(CompanyOwned):
    """One change of an item's quantity on hand: how much, to what, why, by whom and when."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="stock_movements")
    kind = models.CharField(max_length=20, choices=StockMovementKind.choices)
    quantity = models.IntegerField(help_text="The change: positive adds to stock, negative takes from it.")
    on_hand_after = models.IntegerField()
    reason = models.CharField(max_length=255)
    user = models.ForeignKey("companies.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # What the movement came from, for a merchant to look it up: a shipment's key, an upload's file name.
    reference = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["item", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.item} {self.quantity:+d} ({self.get_kind_display()})"
