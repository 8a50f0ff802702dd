"""The cart's Orders (Cart) tab and Sales > Sales Orders (List Pending Orders, a transaction, edit, delete)."""
from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from carts.bigcommerce.errors import BigCommerceError
from carts.credential_storage import StoredKeyUnreadable
from carts.models import Cart
from carts.views import company_cart
from items.services import CatalogSelection, cart_items_import
from orders.forms import MissingItemsImportForm, OrderImportForm, PendingFilterForm, TransactionEditForm
from orders.models import Transaction
from orders.selectors import cart_order_imports, transactions_for_company, transactions_pending
from orders.sync import cart_sync_reconcile, cart_sync_start, cart_sync_state
from orders.services import (
    CartNotReady,
    ImportResult,
    cart_order_admin_url,
    orders_import_selected,
    orders_import_start,
    orders_list,
    store_failure_reason,
    transaction_delete,
    transaction_update,
)

PENDING_PAGE_SIZE = 50


def _orders_tab(cart: Cart) -> str:
    return reverse("orders:cart_orders", args=[cart.pk])


@require_GET
def cart_orders(request: HttpRequest, cart_id: int) -> HttpResponse:
    cart = company_cart(request, cart_id)
    listing, error = None, ""
    if request.GET.get("list") and cart.import_status_ids:
        older_than = request.GET.get("older_than", "")
        try:
            listing = orders_list(cart=cart, older_than=int(older_than) if older_than.isdigit() else None)
        except (BigCommerceError, StoredKeyUnreadable) as failure:
            error = "The store's orders could not be listed: " + store_failure_reason(cart=cart, error=failure)
    running, latest = cart_order_imports(cart=cart)
    return render(request, "orders/cart_orders.html", {
        "cart": cart, "tab": "orders", "listing": listing, "error": error, "running": running, "latest": latest})


@require_POST
def cart_orders_import(request: HttpRequest, cart_id: int) -> HttpResponse:
    cart = company_cart(request, cart_id)
    form = OrderImportForm(request.POST)
    if not form.is_valid():
        for message in form.non_field_errors() or ["Nothing was imported: the request was incomplete."]:
            messages.error(request, message)
        return redirect(_orders_tab(cart) + "?list=1")
    if form.runs_in_background:
        try:
            orders_import_start(cart=cart, order_ids=form.order_ids)
            messages.info(request, "The import is running in the background; its progress shows below.")
        except CartNotReady as refusal:
            messages.error(request, str(refusal))
        return redirect(_orders_tab(cart))
    return _import_result_page(request, cart, orders_import_selected(cart=cart, order_ids=form.order_ids))


@require_POST
def cart_orders_import_items(request: HttpRequest, cart_id: int) -> HttpResponse:
    """The refusal's offer: import the missing products from the cart, then the refused orders again."""
    cart = company_cart(request, cart_id)
    form = MissingItemsImportForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Nothing was imported: the request did not name the products and orders.")
        return redirect(_orders_tab(cart))
    items_log = cart_items_import(cart=cart, selection=CatalogSelection(variants=tuple(form.cleaned_data["variant"])))
    messages.info(request, f"Items: {items_log.summary}")
    return _import_result_page(request, cart, orders_import_selected(cart=cart, order_ids=form.cleaned_data["order"]))


def _import_result_page(request: HttpRequest, cart: Cart, result: ImportResult) -> HttpResponse:
    return render(request, "orders/import_result.html", {"cart": cart, "tab": "orders", "result": result})


@require_GET
def pending_list(request: HttpRequest) -> HttpResponse:
    form = PendingFilterForm(request.GET or None, company=request.company)
    transactions = transactions_pending(company=request.company, filters=form.to_filter())
    page = Paginator(transactions, PENDING_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "orders/pending_list.html", {"form": form, "page": page, "query": query.urlencode()})


def _company_transaction(request: HttpRequest, transaction_id: int) -> Transaction:
    return get_object_or_404(transactions_for_company(company=request.company), pk=transaction_id)


@require_GET
def transaction_detail(request: HttpRequest, transaction_id: int) -> HttpResponse:
    record = _company_transaction(request, transaction_id)
    return render(request, "orders/transaction_detail.html", {
        "record": record,
        "lines": record.lines.select_related("item"),
        "store_url": cart_order_admin_url(cart=record.cart, order_id=record.cart_order_id),
    })


@require_http_methods(["GET", "POST"])
def transaction_edit(request: HttpRequest, transaction_id: int) -> HttpResponse:
    record = _company_transaction(request, transaction_id)
    form = TransactionEditForm(request.POST or None, record=record)
    if request.method == "POST" and form.is_valid():
        transaction_update(record=record, changes=form.to_changes())
        messages.success(request, f"{record.number} saved.")
        return redirect(record)
    return render(request, "orders/transaction_edit.html", {"record": record, "form": form})


@require_http_methods(["GET", "POST"])
def transaction_remove(request: HttpRequest, transaction_id: int) -> HttpResponse:
    record = _company_transaction(request, transaction_id)
    if request.method == "POST":
        transaction_delete(record=record)
        messages.success(request, f"{record.number} deleted; its cart order can be imported again.")
        return redirect("orders:pending")
    return render(request, "orders/transaction_delete.html", {"record": record})


@require_GET
def cart_sync(request: HttpRequest, cart_id: int) -> HttpResponse:
    """The cart's Auto-sync tab: state, the last passes, and on request a reconciliation with the store."""
    cart = company_cart(request, cart_id)
    reconciliation, error = None, ""
    if request.GET.get("reconcile") and cart.import_status_ids:
        try:
            reconciliation = cart_sync_reconcile(cart=cart)
        except (BigCommerceError, StoredKeyUnreadable) as failure:
            error = "The store's orders could not be counted: " + store_failure_reason(cart=cart, error=failure)
    return render(request, "orders/cart_sync.html", {
        "cart": cart, "tab": "sync", "passes": cart_sync_state(cart=cart), "reconciliation": reconciliation,
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
    return redirect("orders:cart_sync", cart.pk)
