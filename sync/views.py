"""The cart's Auto-sync tab: its state, the last passes, Sync now, and a reconciliation with the store."""
from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from carts.platforms.base import StoreAccess, StoreError
from carts.stores import store_failure_reason
from carts.views import company_cart
from orders.window import CartNotReady
from sync.passes import cart_sync_passes, cart_sync_start
from sync.reconciliation import cart_sync_reconcile


@require_GET
def cart_sync(request: HttpRequest, cart_id: int) -> HttpResponse:
    """The cart's Auto-sync tab: state, the last passes, and on request a reconciliation with the store."""
    cart = company_cart(request, cart_id)
    reconciliation, error = None, ""
    if request.GET.get("reconcile") and cart.import_status_ids:
        try:
            reconciliation = cart_sync_reconcile(cart=cart)
        except StoreError as failure:
            error = "The store's orders could not be counted: " + store_failure_reason(
                cart=cart, error=failure, need=StoreAccess.ORDERS_READ)
    return render(request, "sync/cart_sync.html", {
        "cart": cart, "tab": "sync", "passes": cart_sync_passes(cart=cart), "reconciliation": reconciliation,
        "error": error})


@require_POST
def cart_sync_now(request: HttpRequest, cart_id: int) -> HttpResponse:
    """Sync now: one pass in the background, through the same service as the schedule."""
    cart = company_cart(request, cart_id)
    try:
        cart_sync_start(cart=cart)
    except CartNotReady as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "Sync started: this page shows the pass when it finishes (reload in a moment).")
    return redirect("sync:cart_sync", cart.pk)
