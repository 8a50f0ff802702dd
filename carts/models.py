"""Shopping carts (a merchant's connection to a BigCommerce store) and the log of what ran on them."""
from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse

from carts.platforms import platform_named
from carts.platforms.bigcommerce.credentials import mask_client_id
from companies.models import CompanyOwned, CompanyRecord


def validate_single_line(value: str) -> None:
    """Refuse a line break or another control character: a cart name heads e-mails and one-line lists."""
    if any(unicodedata.category(character) in ("Cc", "Zl", "Zp") for character in value):
        raise ValidationError("Write the name on one line: it contains a line break (or a tab or another control "
                              "character).", code="not_single_line")


class CartPlatform(models.TextChoices):
    BIGCOMMERCE = "bigcommerce", "BigCommerce"


class ApiVersion(models.TextChoices):
    VERSION_3 = "3", "Version 3"


class ImportOrdersAs(models.TextChoices):
    CASH_SALE = "cash_sale", "Pending Cash Sales"
    SALES_ORDER = "sales_order", "Pending Sales Orders"
    INVOICE = "invoice", "Pending Sales Invoices"


class AutoSync(models.TextChoices):
    STOPPED = "stopped", "Stopped"
    RUNNING = "running", "Running"


class Cart(CompanyRecord):
    """One store connection with its import settings; the API key is stored encrypted."""

    name = models.CharField("Cart Name", max_length=100, validators=[validate_single_line])
    platform = models.CharField(max_length=20, choices=CartPlatform.choices, default=CartPlatform.BIGCOMMERCE)
    api_path = models.CharField("Cart Connect URL", max_length=255)
    store_hash = models.CharField(max_length=32)
    api_version = models.CharField("API Version", max_length=2, choices=ApiVersion.choices, default=ApiVersion.VERSION_3)
    api_key_encrypted = models.TextField(editable=False)
    client_id_hint = models.CharField(max_length=20, editable=False, help_text="The client id, masked.")

    import_as = models.CharField(
        "Import Cart Orders as", max_length=20, choices=ImportOrdersAs.choices, default=ImportOrdersAs.CASH_SALE
    )
    import_status_ids = models.JSONField("Import Orders with Status", default=list, blank=True)
    # The labels the store gave its statuses at the last successful fetch (merchants rename them).
    status_labels = models.JSONField(default=dict, blank=True, editable=False)
    import_orders_from = models.DateField("Import orders from", null=True, blank=True)
    web_customer_name = models.CharField(
        max_length=100, default="Web customer", help_text="The customer for orders that carry no e-mail address."
    )
    create_missing_items = models.BooleanField(
        default=False, help_text="Create items with the default accounts for order lines whose SKU is not in Items."
    )
    push_stock = models.BooleanField(
        "Push stock levels to the cart", default=False,
        help_text="Send each linked item's available quantity to the store on every auto-sync pass and on Push stock now.")
    auto_sync = models.CharField("Auto-sync", max_length=10, choices=AutoSync.choices, default=AutoSync.STOPPED)
    sync_interval_minutes = models.PositiveIntegerField(
        default=15, validators=[MinValueValidator(5), MaxValueValidator(1440)]
    )

    # Opt-in: an order whose parts miss the store's total (or tax) by at most this much is imported with the
    # difference on its own line, posted to the account; otherwise it is refused. Both set, or neither.
    post_differences_up_to = models.DecimalField(
        "Post differences up to", max_digits=12, decimal_places=4, null=True, blank=True,
        help_text="In the order's currency. Empty: refuse every order whose parts do not add up to the store's total.")
    differences_account = models.ForeignKey(
        "items.LedgerAccount", verbose_name="to account", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", help_text="The ledger account a posted difference goes to.")

    last_test_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_test_passed = models.BooleanField(null=True, editable=False)
    last_test_message = models.TextField(blank=True, editable=False)
    store_name = models.CharField(max_length=255, blank=True, editable=False)
    store_currency = models.CharField(max_length=3, blank=True, editable=False)
    store_timezone = models.CharField(max_length=100, blank=True, editable=False)
    store_domain = models.CharField(max_length=255, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        # Case-insensitive, as the form checks it: "Store" and "store" would read as one cart on every screen.
        constraints = [models.UniqueConstraint("company", Lower("name"), name="cart_name_unique_per_company")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("carts:detail", args=[self.pk])

    @property
    def store_identity(self) -> str:
        """The store the cart reaches, whatever its row or API path: a store's order is imported once per company."""
        return f"{self.platform}:{self.store_hash}"

    @property
    def api_key_masked(self) -> str:
        return f"{self.client_id_hint}:••••" if self.client_id_hint else ""

    def status_label(self, status_id: int) -> str:
        """The store's label for a status id, else the platform's standard name."""
        standard = platform_named(self.platform).standard_order_statuses
        return self.status_labels.get(str(status_id)) or standard.get(status_id, f"Status {status_id}")

    @property
    def import_status_labels(self) -> list[str]:
        return [self.status_label(status_id) for status_id in dict.fromkeys(map(int, self.import_status_ids))]

    @staticmethod
    def hint_for(client_id: str) -> str:
        return mask_client_id(client_id)


class CartLogKind(models.TextChoices):
    """What ran on the cart."""

    CONNECTION_TEST = "connection_test", "Test Connection"
    ITEMS_IMPORT = "items_import", "Items import"
    ORDERS_IMPORT = "orders_import", "Orders import"
    SYNC = "sync", "Auto-sync pass"
    RECONCILIATION = "reconciliation", "Reconciliation"
    STOCK_PUSH = "stock_push", "Stock push"


class CartLogStatus(models.TextChoices):
    """How it ended (or that it is still running)."""

    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    PARTIAL = "partial", "Finished with refusals"
    FAILED = "failed", "Failed"


class CartLog(CompanyOwned):
    """What ran on a cart: counts, each failure with its reason, and what it cost in API calls."""

    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="logs")
    kind = models.CharField(max_length=20, choices=CartLogKind.choices)
    status = models.CharField(max_length=10, choices=CartLogStatus.choices, default=CartLogStatus.RUNNING)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    summary = models.TextField(blank=True)
    counts = models.JSONField(default=dict, blank=True)
    # Each failure: {"reference": "...", "reason": "..."} — what a merchant needs to fix it.
    failures = models.JSONField(default=list, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(null=True, blank=True)
    # When the run last showed it was alive (started, or recorded progress): a periodic sweep closes runs silent too long.
    last_progress_at = models.DateTimeField(null=True, blank=True)
    api_requests = models.PositiveIntegerField(default=0)
    rate_limit_waits = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["cart", "-started_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.cart} at {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def progress_percent(self) -> int | None:
        if not self.progress_total:
            return None
        return min(100, round(100 * self.progress_done / self.progress_total))


class StoreRequestBudget(models.Model):
    """A store's request budget when no Redis is configured: its state, changed only by compare-and-set on version.

    One row per store (platform and store hash), whichever company's carts reach it: they share its quota.
    """

    store_key = models.CharField(max_length=64, unique=True)
    state = models.TextField(default="", blank=True)
    version = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"Request budget of {self.store_key}"
