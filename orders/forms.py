"""Forms of the Orders (Cart) tab and Sales > Sales Orders: parse what the merchant chose into typed values."""
from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError

from carts.models import Cart
from companies.models import Company
from orders.listing import OrderListSearch
from orders.models import Customer, SalesTransaction, TransactionType
from orders.selectors import PendingFilter, customers_labelled
from orders.transactions import TransactionChanges
from salesorder.widgets import DateInput

MAX_ORDER_ID = 2**63 - 1
# Ticked orders one form takes (the list shows 50 a page); Import All Listed Orders takes any number.
MAX_SELECTED_ORDERS = 1000
# Products one refusal's offer takes (as many as the Items (Cart) tab's form).
MAX_OFFERED_PRODUCTS = 5000


def _order_ids(values: list[str]) -> list[int]:
    ids = []
    for value in values:
        text = value.strip().lstrip("#")
        if not text.isdigit() or not 0 < int(text) <= MAX_ORDER_ID:
            raise ValidationError(f"'{value}' is not an order number.")
        ids.append(int(text))
    return sorted(set(ids))


class OrderIdsField(forms.Field):
    """Repeated order numbers (checkboxes or hidden fields) as sorted, distinct ints."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: object) -> list[int]:
        if not value:
            return []
        return _order_ids([str(item) for item in (value if isinstance(value, (list, tuple)) else [value])])


class OrderImportForm(forms.Form):
    """Import Selected Orders, or every order the tab lists."""

    selected = OrderIdsField(required=False)
    scope = forms.ChoiceField(choices=[("selected", "Selected orders"), ("all", "Every listed order")])

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("scope") == "selected" and not cleaned.get("selected"):
            raise ValidationError("Tick at least one order, or click Import All Listed Orders.")
        if len(cleaned.get("selected") or []) > MAX_SELECTED_ORDERS:
            raise ValidationError(f"At most {MAX_SELECTED_ORDERS:,} orders can be ticked at once; click Import All "
                                  "Listed Orders instead.")
        return cleaned

    @property
    def order_ids(self) -> list[int] | None:
        """The chosen order ids, or None for every listed order."""
        return None if self.cleaned_data["scope"] == "all" else self.cleaned_data["selected"]


class CartVariantsField(forms.Field):
    """Repeated "product:variant" pairs naming cart products, as sorted, distinct (product id, variant id)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: object) -> list[tuple[int, int]]:
        pairs = set()
        for text in value if isinstance(value, (list, tuple)) else [value] if value else []:
            product, _, variant = str(text).partition(":")
            if not (product.isdigit() and variant.isdigit()):
                raise ValidationError(f"'{text}' is not a cart product and variant.")
            pairs.add((int(product), int(variant)))
        return sorted(pairs)


class MissingItemsImportForm(forms.Form):
    """Import the products a refusal named from the cart, then the refused orders again."""

    variant = CartVariantsField()
    order = OrderIdsField()

    def clean(self) -> dict:
        cleaned = super().clean()
        if len(cleaned.get("variant") or []) > MAX_OFFERED_PRODUCTS or len(cleaned.get("order") or []) > MAX_SELECTED_ORDERS:
            raise ValidationError(f"At most {MAX_OFFERED_PRODUCTS:,} products and {MAX_SELECTED_ORDERS:,} orders can be "
                                  "imported this way; import the products from the Items (Cart) tab, then the orders.")
        return cleaned


class CartOrderSearchForm(forms.Form):
    """The Orders (Cart) tab's search: one order number, or one customer's whole e-mail address, and the page cursors."""

    order = forms.CharField(label="Order number", required=False, max_length=25, widget=forms.TextInput(
        attrs={"type": "search", "inputmode": "numeric", "placeholder": "#250"}))
    email = forms.EmailField(label="Customer's e-mail address", required=False, max_length=254, widget=forms.TextInput(
        attrs={"type": "search", "placeholder": "name@example.com"}),
        error_messages={"invalid": "Type the customer's whole e-mail address (the store cannot search by part of one "
                                   "or by name)."})
    older_than = forms.IntegerField(required=False, min_value=1, max_value=MAX_ORDER_ID)
    newer_than = forms.IntegerField(required=False, min_value=0, max_value=MAX_ORDER_ID)
    oldest = forms.BooleanField(required=False)
    newest = forms.BooleanField(required=False)

    def clean_order(self) -> int | None:
        text = self.cleaned_data["order"].strip()
        if not text:
            return None
        try:
            return _order_ids([text])[0]
        except ValidationError:
            raise ValidationError(f"'{text}' is not an order number: type the number the store shows, such as 250 "
                                  "or #250.") from None

    def search(self) -> OrderListSearch:
        """What the list narrows to (nothing when the form is invalid)."""
        if not self.is_valid():
            return OrderListSearch()
        return OrderListSearch(order_id=self.cleaned_data["order"], email=self.cleaned_data["email"].strip().lower())

    def cursor(self, *, oldest_first: bool = False) -> dict[str, object]:
        """Where the page starts: below `older_than`, above `newer_than`, at the oldest, or at the newest.

        Without a cursor the list starts at its own first page: the newest, or the oldest when sorted oldest first.
        """
        data = self.cleaned_data if self.is_valid() else {}
        older_than, newer_than = data.get("older_than"), data.get("newer_than")
        starts_oldest = oldest_first and older_than is None and newer_than is None and not data.get("newest")
        return {"older_than": older_than, "newer_than": newer_than, "oldest": bool(data.get("oldest")) or starts_oldest}


class RefusedOrdersForm(forms.Form):
    """Refused orders to act on (retry, or create their items from the order lines then retry): by number, or every one."""

    order = OrderIdsField(required=False)
    every = forms.BooleanField(required=False)

    def clean(self) -> dict:
        cleaned = super().clean()
        if not cleaned.get("every") and not cleaned.get("order"):
            raise ValidationError("no order was named.")
        if len(cleaned.get("order") or []) > MAX_SELECTED_ORDERS:
            raise ValidationError(f"at most {MAX_SELECTED_ORDERS:,} orders can be named at once; use the button for "
                                  "every refused order instead.")
        return cleaned


class PendingFilterForm(forms.Form):
    """List Pending Orders: filter by type, cart, date and customer; search by number or cart order id."""

    type = forms.ChoiceField(label="Type", required=False, choices=[("", "All types"), *TransactionType.choices])
    cart = forms.ModelChoiceField(label="Cart", required=False, queryset=Cart.objects.none(), empty_label="All carts")
    date_from = forms.DateField(label="From", required=False, widget=DateInput())
    date_to = forms.DateField(label="To", required=False, widget=DateInput())
    customer = forms.CharField(label="Customer", required=False, max_length=200)
    q = forms.CharField(
        label="Number or cart order id",
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "CS-000001 or #1234"}),
    )

    def __init__(self, *args: object, company: Company, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cart"].queryset = Cart.objects.for_company(company)

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "'To' is before 'From': swap the dates.")
        return cleaned

    def to_filter(self) -> PendingFilter:
        """The filter the selector applies (everything when the form is invalid or empty)."""
        if not self.is_valid():
            return PendingFilter()
        data = self.cleaned_data
        return PendingFilter(
            transaction_type=data["type"],
            cart_id=data["cart"].pk if data["cart"] else None,
            date_from=data["date_from"],
            date_to=data["date_to"],
            customer=data["customer"],
            search=data["q"],
        )


class TransactionEditForm(forms.Form):
    """What may change on a pending transaction; its lines and money mirror the store's order."""

    customer = forms.CharField(max_length=460, help_text="Type a name or e-mail address and pick the customer.",
                               widget=forms.TextInput(attrs={"list": "customer-choices", "autocomplete": "off"}))
    transaction_date = forms.DateTimeField(
        label="Date", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    memo = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)

    def __init__(self, *args: object, record: SalesTransaction, **kwargs: object) -> None:
        kwargs.setdefault("initial", {"customer": str(record.customer), "transaction_date": record.transaction_date,
                                      "memo": record.memo})
        super().__init__(*args, **kwargs)
        self.company = record.company

    def clean_customer(self) -> Customer:
        label = self.cleaned_data["customer"]
        found = customers_labelled(company=self.company, label=label)
        if not found:
            raise ValidationError("No customer is named or has the e-mail address typed: type part of the name or "
                                  "address and pick one from the list.")
        if len(found) > 1:
            raise ValidationError(f"More than one customer is named '{label.strip()}': pick one from the list, or "
                                  "type the e-mail address.")
        return found[0]

    def clean_transaction_date(self) -> datetime.datetime:
        value = self.cleaned_data["transaction_date"]
        if value.year < 2000:
            raise ValidationError("Enter a date from 2000 on.")
        return value

    def to_changes(self) -> TransactionChanges:
        data = self.cleaned_data
        return TransactionChanges(customer=data["customer"], transaction_date=data["transaction_date"], memo=data["memo"])
