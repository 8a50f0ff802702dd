"""The transaction page's Ship: carrier, tracking number and units per line, sent through orders.shipping."""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from carts.platforms.base import PortalError, StoreAccess, StoreError
from carts.stores import store_failure_reason
from orders.models import SalesTransaction, ShipmentState
from orders.selectors import transactions_for_company
from orders.shipping import CARRIER_MAX_LENGTH, TRACKING_MAX_LENGTH, order_ship


class ShipForm(forms.Form):
    """Ship: the carrier, the tracking number, and how many units of each line (what is left, unless changed)."""

    carrier = forms.CharField(max_length=CARRIER_MAX_LENGTH, help_text="For example UPS, USPS, FedEx or DHL.")
    tracking_number = forms.CharField(max_length=TRACKING_MAX_LENGTH)

    def __init__(self, *args: object, record: SalesTransaction, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.record_lines = list(record.lines.select_related("item").order_by("position"))
        for line in self.record_lines:
            left = line.quantity - line.quantity_shipped
            self.fields[f"line-{line.pk}"] = forms.IntegerField(
                label=f"{line.sku} ({left} of {line.quantity} left to ship)", min_value=0, max_value=1_000_000,
                initial=left if line.item.item_type == "stock" else 0, required=False)

    def units(self) -> dict[str, int]:
        """SKU -> units to ship, the lines left at 0 or empty omitted."""
        chosen: dict[str, int] = {}
        for line in self.record_lines:
            units = self.cleaned_data.get(f"line-{line.pk}") or 0
            if units:
                chosen[line.sku] = chosen.get(line.sku, 0) + units
        return chosen

    def line_fields(self) -> list[forms.BoundField]:
        return [self[f"line-{line.pk}"] for line in self.record_lines]


def ship_form_for(record: SalesTransaction) -> ShipForm | None:
    """The Ship form for a pending sale from a cart order (None for anything else)."""
    if record.is_credit_note or record.cart_id is None or not record.cart_order_id:
        return None
    return ShipForm(record=record)


@require_POST
def transaction_ship(request: HttpRequest, transaction_id: int) -> HttpResponse:
    record = get_object_or_404(transactions_for_company(company=request.company), pk=transaction_id)
    form = ShipForm(request.POST, record=record)
    if not form.is_valid():
        messages.error(request, "Not shipped: " + " ".join(error for errors in form.errors.values() for error in errors))
        return redirect(record)
    if not form.units():
        messages.error(request, "Not shipped: every quantity is 0. Enter the units that went out.")
        return redirect(record)
    try:
        shipments = order_ship(record=record, carrier=form.cleaned_data["carrier"],
                               tracking_number=form.cleaned_data["tracking_number"], lines=form.units(),
                               user=request.user)
    except StoreError as error:
        messages.error(request, "Not shipped: " + store_failure_reason(cart=record.cart, error=error,
                                                                       need=StoreAccess.ORDERS_MODIFY))
    except PortalError as error:
        messages.error(request, f"Not shipped: {error}")
    else:
        for shipment in shipments:
            if shipment.state == ShipmentState.POSTED:
                messages.success(request, f"Shipped: the store's shipment {shipment.store_shipment_id} e-mails the "
                                          f"shopper tracking number {shipment.tracking_number}.")
            else:
                messages.error(request, f"{shipment.get_state_display()}: {shipment.note}")
    return redirect(record)
