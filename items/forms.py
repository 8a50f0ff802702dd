"""Item screens' forms: parse and validate what the merchant typed into typed values."""
from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError

from companies.models import Company
from items.csv_files import MAX_CELL_CHARACTERS, MAX_UPLOAD_BYTES, upload_too_large_message
from items.models import Item, LedgerAccountType
from items.selectors import ledger_accounts
from items.cart_import import CatalogSelection
from items.editing import item_sku_taken_message
from items.stock import MAX_ON_HAND, REASON_MAX_LENGTH

VARIANT_CHOICE = re.compile(r"^(\d{1,18}):(\d{1,18})$")
MAX_SELECTED_ROWS = 5000


class ItemForm(forms.ModelForm):
    """The item page: every field a merchant maintains, accounts from the company's chart."""

    # As long as an Items Import cell may be, so an item saved here exports and imports back.
    notes = forms.CharField(required=False, max_length=MAX_CELL_CHARACTERS, widget=forms.Textarea(attrs={"rows": 3}))

    class Meta:
        model = Item
        fields = [
            "sku", "description", "unit_price", "unit_of_measure", "item_type", "income_account",
            "cost_of_goods_sold_account", "stock_asset_account", "cost_price", "barcode", "weight", "notes", "active",
        ]
        labels = {"cost_of_goods_sold_account": "Cost of goods sold account"}

    def __init__(self, *args: object, company: Company, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.company = company
        accounts = ledger_accounts(company=company)
        for name in ("income_account", "cost_of_goods_sold_account", "stock_asset_account"):
            self.fields[name].queryset = accounts

    def clean_sku(self) -> str:
        sku = self.cleaned_data["sku"].strip()
        if not sku:
            raise ValidationError("The SKU is empty: every item needs one.")
        clash = Item.objects.for_company(self.company).filter(sku=sku).exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError(item_sku_taken_message(sku))
        return sku

    # Negative amounts are refused here as an Items CSV refuses them, so an exported file always imports back.
    def clean_unit_price(self):
        return self._not_negative("unit_price", "price")

    def clean_cost_price(self):
        return self._not_negative("cost_price", "cost price")

    def clean_weight(self):
        return self._not_negative("weight", "weight")

    def _not_negative(self, name: str, what: str):
        value = self.cleaned_data[name]
        if value is not None and value < 0:
            raise ValidationError(f"The {what} is negative; use 0 or more.")
        return value


class StockAdjustForm(forms.Form):
    """The item page's stock adjustment: the counted quantity on hand and why it changed."""

    on_hand = forms.IntegerField(label="New quantity on hand", min_value=0, max_value=MAX_ON_HAND,
                                 error_messages={"min_value": "The quantity on hand cannot be negative: enter 0 or more."})
    reason = forms.CharField(label="Reason", max_length=REASON_MAX_LENGTH,
                             help_text="Kept with the change, for example 'Stock count' or 'Damaged in storage'.")


class AccountingDefaultsForm(forms.Form):
    """Setup > Accounting defaults: what new and imported items take."""

    income_account = forms.ModelChoiceField(queryset=None, label="Income")
    cost_of_goods_sold_account = forms.ModelChoiceField(queryset=None, label="Cost of Goods Sold")
    stock_asset_account = forms.ModelChoiceField(queryset=None, label="Stock Asset")
    unit_of_measure = forms.CharField(max_length=20, label="Unit of measure", initial="Each")
    non_stock_income_account = forms.ModelChoiceField(
        queryset=None, label="Non-stock items: Income",
        help_text="Digital products are imported as non-stock items: no stock to value.")
    non_stock_expense_account = forms.ModelChoiceField(queryset=None, label="Non-stock items: Expense")

    ACCOUNT_FIELDS = ("income_account", "cost_of_goods_sold_account", "stock_asset_account", "non_stock_income_account",
                      "non_stock_expense_account")

    def __init__(self, *args: object, company: Company, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        accounts = ledger_accounts(company=company).filter(active=True)
        for name in self.ACCOUNT_FIELDS:
            self.fields[name].queryset = accounts


class LedgerAccountForm(forms.Form):
    """A new account in the company's chart."""

    name = forms.CharField(max_length=100, label="Account name")
    account_type = forms.ChoiceField(choices=LedgerAccountType.choices, label="Type")


class ItemsCsvUploadForm(forms.Form):
    """The Items Import upload: a CSV file, refused early when it is too large."""

    file = forms.FileField(
        label="CSV file", help_text=f"UTF-8 (with or without BOM) or Excel's CSV, up to {MAX_UPLOAD_BYTES // 1024 // 1024} MB."
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(upload_too_large_message(upload.size))
        return upload


class CsvCommitForm(forms.Form):
    """How to commit an upload with errors: nothing at all, or the valid rows only."""

    mode = forms.ChoiceField(
        choices=[("all_or_nothing", "All or nothing: import only if every line is valid"),
                 ("valid_rows_only", "Valid rows only: import them and skip the lines with errors")],
        initial="all_or_nothing",
        widget=forms.RadioSelect,
    )


class CartItemsSearchForm(forms.Form):
    """The Items (Cart) tab's search box, List Items button and page number."""

    q = forms.CharField(required=False, max_length=200, label="Search by name or SKU", widget=forms.TextInput(
        attrs={"type": "search", "aria-label": "Search by name or SKU", "placeholder": "Name or SKU"}))
    list = forms.BooleanField(required=False)
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000)

    @property
    def wants_rows(self) -> bool:
        """Rows are fetched only on a search or List Items, as in the guide."""
        return bool(self.cleaned_data.get("q") or self.cleaned_data.get("list"))


class CartItemsImportForm(forms.Form):
    """Import Selected Items: the ticked rows, or every product matching the search."""

    scope = forms.ChoiceField(choices=[("selected", "Selected rows"), ("all", "All matching")], initial="selected")
    selected = forms.MultipleChoiceField(required=False)
    q = forms.CharField(required=False, max_length=200)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # Any product:variant pair is acceptable here; the import reports ones the store lacks.
        self.fields["selected"].valid_value = lambda value: bool(VARIANT_CHOICE.match(str(value)))

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("scope") == "selected" and not cleaned.get("selected"):
            raise ValidationError("No rows were selected: tick the items to import, or choose all matching.")
        if len(cleaned.get("selected") or []) > MAX_SELECTED_ROWS:
            raise ValidationError(f"At most {MAX_SELECTED_ROWS:,} rows can be selected; import all matching instead.")
        return cleaned

    def selection(self) -> CatalogSelection:
        """What to import, for the service."""
        if self.cleaned_data["scope"] == "all":
            return CatalogSelection(keyword=self.cleaned_data["q"].strip())
        pairs = (VARIANT_CHOICE.match(value).groups() for value in self.cleaned_data["selected"])
        return CatalogSelection(variants=tuple(sorted({(int(product), int(variant)) for product, variant in pairs})))
