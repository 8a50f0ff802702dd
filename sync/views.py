"""The cart's Auto-sync tab: its state, the last passes, Sync now, and a reconciliation with the store."""
from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from carts.models import AutoSync, Cart
from carts.platforms.base import PortalError
from carts.setup import cart_auto_sync_switch
from carts.views import cart_view
from items.stock_push import cart_stock_push_start, cart_stock_pushes
from orders.window import CartNotReady
from sync.passes import cart_sync_passes, cart_sync_start
from sync.reconciliation import cart_sync_reconcile_start, cart_sync_reconciliations
from webhooks.health import cart_hooks_status


@cart_view("GET")
def cart_sync(request: HttpRequest, cart: Cart) -> HttpResponse:
    """The cart's Auto-sync tab: state, the last passes, and the reconciliations with the store."""
    reconciling, reconciliation = cart_sync_reconciliations(cart=cart)
    pushing, stock_push = cart_stock_pushes(cart=cart)
    return render(request, "sync/cart_sync.html", {
        "cart": cart, "tab": "sync", "passes": cart_sync_passes(cart=cart), "reconciling": reconciling,
        "reconciliation": reconciliation, "pushing": pushing, "stock_push": stock_push,
        "hooks": cart_hooks_status(cart=cart)})


def _queued_on_the_tab(request: HttpRequest, cart: Cart, start, what: str) -> HttpResponse:
    """Queue a background run with `start(cart=…)` and come back to the tab, saying what happened."""
    try:
        start(cart=cart)
    except PortalError as refusal:  # one is already running, or a setting it needs is missing
        messages.error(request, str(refusal))
    else:
        messages.info(request, f"The {what} is running in the background; its progress shows below.")
    return redirect("sync:cart_sync", cart.pk)


@cart_view("POST")
def cart_stock_push_now(request: HttpRequest, cart: Cart) -> HttpResponse:
    """Push stock now: on the worker, with a progress bar and the summary on the tab and in the Log."""
    return _queued_on_the_tab(request, cart, cart_stock_push_start, "stock push")


@cart_view("POST")
def cart_sync_reconcile_now(request: HttpRequest, cart: Cart) -> HttpResponse:
    """Reconcile with the store: on the worker, with a progress bar on the tab."""
    return _queued_on_the_tab(request, cart, cart_sync_reconcile_start, "reconciliation")


@cart_view("POST")
def cart_sync_switch(request: HttpRequest, cart: Cart) -> HttpResponse:
    """Running or Stopped, from the Auto-sync tab: the Settings tab's own service and rules."""
    running = request.POST.get("auto_sync") == AutoSync.RUNNING
    try:
        cart_auto_sync_switch(cart=cart, running=running)
    except PortalError as refusal:  # not tested, no status, no start date …
        messages.error(request, str(refusal))
    else:
        messages.success(request, "Auto-sync is running: the first pass starts within a minute." if running
                         else "Auto-sync is stopped: no order is imported until it runs again or Sync now is clicked.")
    return redirect("sync:cart_sync", cart.pk)


@cart_view("POST")
def cart_sync_now(request: HttpRequest, cart: Cart) -> HttpResponse:
    """Sync now: one pass in the background, through the same service as the schedule."""
    try:
        cart_sync_start(cart=cart)
    except CartNotReady as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "Sync started: the pass shows below when it finishes.")
    return redirect("sync:cart_sync", cart.pk)
